//! Visitor tokens: the session a token belongs to, if it is still valid. A
//! session unused for longer than `NATTER_VISITOR_SESSION_DAYS` has expired; a
//! used one has its last use written about once a day, so that reads stay reads.

use super::CurrentVisitor;
use super::secrets;
use crate::clock::millis;
use crate::entities::{contacts, visitor_sessions};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// A session's last use is written at most this often.
const TOUCH_EVERY_MS: i64 = 24 * 60 * 60 * 1000;

/// The visitor a token belongs to.
pub async fn resolve(state: &AppState, token: &str) -> ApiResult<CurrentVisitor> {
    let db = state.db.conn();
    let session = visitor_sessions::Entity::find()
        .filter(visitor_sessions::Column::TokenHash.eq(secrets::hash(token)))
        .one(db)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let now = millis(state.now());
    let idle_limit = state.settings.visitor_session_idle().num_milliseconds();
    if now - session.last_used_at > idle_limit {
        return Err(ApiError::SessionExpired);
    }
    if now - session.last_used_at > TOUCH_EVERY_MS {
        touch(state, session.id, now).await;
    }
    let contact = contacts::Entity::find_by_id(session.contact_id).one(db).await?.ok_or(ApiError::Unauthorized)?;
    Ok(CurrentVisitor { contact, session_id: session.id })
}

async fn touch(state: &AppState, session: Uuid, now: i64) {
    // Conditional, so that concurrent requests write once.
    let result = visitor_sessions::Entity::update_many()
        .col_expr(visitor_sessions::Column::LastUsedAt, Expr::value(now))
        .filter(visitor_sessions::Column::Id.eq(session))
        .filter(visitor_sessions::Column::LastUsedAt.lt(now - TOUCH_EVERY_MS))
        .exec(&state.db.autocommit())
        .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not record a visitor session's use");
    }
}

/// Whether the session is still there (not ended by a reset or a sign-in, not expired).
pub async fn still_valid(state: &AppState, session: Uuid) -> ApiResult<bool> {
    let Some(row) = visitor_sessions::Entity::find_by_id(session).one(state.db.conn()).await? else { return Ok(false) };
    let idle_limit = state.settings.visitor_session_idle().num_milliseconds();
    Ok(millis(state.now()) - row.last_used_at <= idle_limit)
}
