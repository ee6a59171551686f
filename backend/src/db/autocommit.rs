//! Single statements through the writer: each one takes a turn in the next
//! batch and returns once it is durable. For writes that append no event (a
//! session, a saved reply, a read marker): no write goes around the writer.

use super::Db;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, ExecResult, QueryResult, Statement};

/// A connection whose every statement commits through the writer.
pub struct Autocommit<'a> {
    pub(super) db: &'a Db,
}

impl Autocommit<'_> {
    async fn run<T>(
        &self,
        work: impl for<'t> FnOnce(&'t sea_orm::DatabaseTransaction) -> futures_util::future::BoxFuture<'t, Result<T, DbErr>>,
    ) -> Result<T, DbErr> {
        let txn = self.db.write().await.map_err(|e| DbErr::Custom(e.to_string()))?;
        let result = work(&txn).await?;
        txn.commit().await.map_err(|e| DbErr::Custom(e.to_string()))?;
        Ok(result)
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Autocommit<'_> {
    fn get_database_backend(&self) -> DbBackend {
        self.db.backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.run(|txn| Box::pin(txn.execute_raw(stmt))).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        let sql = sql.to_owned();
        self.run(|txn| Box::pin(async move { txn.execute_unprepared(&sql).await })).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.run(|txn| Box::pin(txn.query_one_raw(stmt))).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.run(|txn| Box::pin(txn.query_all_raw(stmt))).await
    }
}
