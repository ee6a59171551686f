//! `natter restore`: checks a backup whole before it replaces anything, and
//! keeps what it replaces beside, renamed.

use super::archive::{self, DATABASE, FILES};
use super::{Report, connect, sqlite_file};
use crate::config::Settings;
use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::path::Path;

/// Restores the backup `file` into the database and data dir of `settings`. An
/// existing database is replaced only with `force`, and then kept beside as
/// `natter.db.replaced-<time>` (its attachments as `files.replaced-<time>`).
/// The server must be stopped.
pub async fn restore(settings: &Settings, file: &Path, force: bool) -> anyhow::Result<Report> {
    let database = sqlite_file(settings, "restore")?;
    if database.exists() && !force {
        bail!(
            "{} already exists: stop the server and pass --force to replace it (it is kept beside, renamed)",
            database.display()
        );
    }
    std::fs::create_dir_all(&settings.data_dir)?;
    let staging = tempfile::Builder::new().prefix(".natter-restore-").tempdir_in(&settings.data_dir)?;
    let (manifest, attachments) = archive::unpack(file, staging.path())?;
    check_integrity(&staging.path().join(DATABASE)).await?;
    let files = settings.data_dir.join(FILES);
    if database.exists() {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        for suffix in ["", "-wal", "-shm"] {
            let current = database.with_file_name(format!("{DATABASE}{suffix}"));
            if current.exists() {
                move_path(&current, &database.with_file_name(format!("{DATABASE}.replaced-{stamp}{suffix}")))?;
            }
        }
        if files.exists() {
            move_path(&files, &settings.data_dir.join(format!("{FILES}.replaced-{stamp}")))?;
        }
    }
    if let Some(parent) = database.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    move_path(&staging.path().join(DATABASE), &database)?;
    let restored = staging.path().join(FILES).join("attachments");
    if restored.exists() {
        let into = files.join("attachments");
        std::fs::create_dir_all(&into)?;
        for entry in std::fs::read_dir(&restored)? {
            let entry = entry?;
            move_path(&entry.path(), &into.join(entry.file_name()))?;
        }
    }
    Ok(Report { attachments, missing: manifest.missing })
}

/// Refuses a database that SQLite finds damaged.
async fn check_integrity(file: &Path) -> anyhow::Result<()> {
    let conn = connect(file, "ro").await?;
    let row = conn
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA integrity_check"))
        .await
        .context("the backup's database can't be read")?;
    conn.close().await?;
    let verdict: String = row.map(|r| r.try_get_by_index(0)).transpose()?.unwrap_or_default();
    if verdict != "ok" {
        bail!("the backup's database is damaged: {verdict}");
    }
    Ok(())
}

/// Renames, or copies then removes when `to` is on another file system.
fn move_path(from: &Path, to: &Path) -> anyhow::Result<()> {
    if std::fs::rename(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to).with_context(|| format!("moving {} to {}", from.display(), to.display()))?;
    std::fs::remove_file(from)?;
    Ok(())
}
