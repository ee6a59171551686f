//! `natter backup` and `natter restore`: one tar file with a consistent copy of
//! the SQLite database and the attachments it refers to.
//!
//! The copy is made with `VACUUM INTO`, which reads one snapshot of the database
//! while the server goes on writing (WAL lets readers and the writer run side by
//! side), so every message acknowledged before the backup began is in it. The
//! attachments are read after the snapshot: a file is stored before its row, so
//! every row in the snapshot has its file. PostgreSQL is backed up with its own
//! tools (see the README).

mod archive;
mod restore;

pub use restore::restore;

use crate::config::Settings;
use crate::entities::attachments;
use crate::storage::Storage;
use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, EntityTrait, QuerySelect, Statement};
use std::path::{Path, PathBuf};

/// What a backup or restore handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// Attachment files in the archive.
    pub attachments: usize,
    /// Attachments whose file was missing (deleted while the backup ran).
    pub missing: usize,
}

/// Writes a backup of the database named by `settings` to `file`; the archive
/// appears whole or not at all.
pub async fn create(settings: &Settings, file: &Path) -> anyhow::Result<Report> {
    let database = sqlite_file(settings, "backup")?;
    if !database.exists() {
        bail!("there is no database at {}", database.display());
    }
    let dir = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let work = tempfile::Builder::new().prefix(".natter-backup-").tempdir_in(dir).context("temporary directory")?;
    let snapshot = work.path().join(archive::DATABASE);
    let live = connect(&database, "rw").await?;
    let path = snapshot.to_str().context("the backup path is not valid UTF-8")?;
    live.execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, "VACUUM INTO ?", [path.into()]))
        .await
        .context("copying the database")?;
    live.close().await?;
    let copy = connect(&snapshot, "ro").await?;
    let keys: Vec<String> = attachments::Entity::find()
        .select_only()
        .column(attachments::Column::StorageKey)
        .into_tuple()
        .all(&copy)
        .await?;
    copy.close().await?;
    let storage = Storage::from_settings(settings)?;
    let mut writer = archive::Writer::create(work.path().join("archive.tar"))?;
    writer.add_file(archive::DATABASE, &snapshot)?;
    let mut report = Report { attachments: 0, missing: 0 };
    for key in &keys {
        match storage.get(key).await {
            Ok(bytes) => {
                writer.add_bytes(&archive::attachment_entry(key), &bytes)?;
                report.attachments += 1;
            }
            Err(e) => {
                tracing::warn!(key, error = %e, "an attachment's file is missing; backing up without it");
                report.missing += 1;
            }
        }
    }
    writer.add_manifest(report)?;
    writer.finish_into(file)?;
    Ok(report)
}

/// The SQLite file of `settings`' database; other databases have tools of their own.
fn sqlite_file(settings: &Settings, what: &str) -> anyhow::Result<PathBuf> {
    let url = settings.database_url();
    let Some(rest) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) else {
        bail!("`natter {what}` works on SQLite; back PostgreSQL up with pg_dump and pg_restore (see the README)");
    };
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(':') {
        bail!("the database is not a file");
    }
    Ok(PathBuf::from(path))
}

/// A plain connection to a SQLite file (`mode` `ro` or `rw`).
async fn connect(file: &Path, mode: &str) -> anyhow::Result<DatabaseConnection> {
    let url = format!("sqlite://{}?mode={mode}", file.display());
    let mut options = sea_orm::ConnectOptions::new(url);
    options
        .sqlx_logging(false)
        .max_connections(1)
        .map_sqlx_sqlite_opts(|o| o.busy_timeout(std::time::Duration::from_secs(30)));
    Database::connect(options).await.with_context(|| format!("opening {}", file.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    #[test]
    fn finds_the_sqlite_file_and_refuses_other_databases() {
        let mut settings = Settings::for_data_dir("/srv/natter".into());
        assert_eq!(sqlite_file(&settings, "backup").unwrap(), PathBuf::from("/srv/natter/natter.db"));
        settings.database_url = Some(Secret("sqlite:chat.db?mode=rwc".into()));
        assert_eq!(sqlite_file(&settings, "backup").unwrap(), PathBuf::from("chat.db"));
        settings.database_url = Some(Secret("postgres://u@h/natter".into()));
        assert!(sqlite_file(&settings, "backup").unwrap_err().to_string().contains("pg_dump"));
    }
}
