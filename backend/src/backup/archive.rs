//! The archive's layout: `natter-backup.json` (what it is), `natter.db`, and
//! `files/attachments/<id>` for each attachment. Nothing else is read back, so
//! a crafted archive can't write outside the data dir.

use super::Report;
use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The manifest's name in the archive.
const MANIFEST: &str = "natter-backup.json";
/// The database's name in the archive (and in the data dir).
pub const DATABASE: &str = "natter.db";
/// Where attachments sit in the archive (and in the data dir).
pub const FILES: &str = "files";
/// The version of this layout.
const FORMAT: u32 = 1;

/// What the archive says about itself.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// The layout's version.
    pub format: u32,
    /// The version of Natter that wrote it.
    pub natter_version: String,
    /// When it was written.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Attachment files in it.
    pub attachments: usize,
    /// Attachments whose file was already gone.
    pub missing: usize,
}

/// The archive entry of an attachment's storage key.
pub fn attachment_entry(key: &str) -> String {
    format!("{FILES}/{key}")
}

/// The storage key of an archive entry, if it is an attachment.
fn attachment_key(entry: &str) -> Option<&str> {
    let key = entry.strip_prefix(FILES)?.strip_prefix('/')?;
    let id = key.strip_prefix("attachments/")?;
    uuid::Uuid::parse_str(id).is_ok().then_some(key)
}

/// Writes an archive to a file beside its destination, moved into place when whole.
pub struct Writer {
    builder: tar::Builder<File>,
    path: PathBuf,
}

impl Writer {
    /// Starts an archive at `path` (readable by its owner only: it holds everything).
    pub fn create(path: PathBuf) -> anyhow::Result<Self> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self { builder: tar::Builder::new(file), path })
    }

    /// Adds the file at `path` as `name`.
    pub fn add_file(&mut self, name: &str, path: &Path) -> anyhow::Result<()> {
        Ok(self.builder.append_path_with_name(path, name)?)
    }

    /// Adds `bytes` as `name`.
    pub fn add_bytes(&mut self, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o600);
        header.set_mtime(u64::try_from(chrono::Utc::now().timestamp()).unwrap_or_default());
        Ok(self.builder.append_data(&mut header, name, bytes)?)
    }

    /// Adds the manifest.
    pub fn add_manifest(&mut self, report: Report) -> anyhow::Result<()> {
        let manifest = Manifest {
            format: FORMAT,
            natter_version: env!("CARGO_PKG_VERSION").into(),
            created_at: chrono::Utc::now(),
            attachments: report.attachments,
            missing: report.missing,
        };
        self.add_bytes(MANIFEST, &serde_json::to_vec_pretty(&manifest)?)
    }

    /// Ends the archive, makes it durable and moves it to `destination`.
    pub fn finish_into(self, destination: &Path) -> anyhow::Result<()> {
        let file = self.builder.into_inner()?;
        file.sync_all()?;
        std::fs::rename(&self.path, destination).with_context(|| format!("writing {}", destination.display()))
    }
}

/// Unpacks a backup into `into` (`natter.db` and `files/…`) and returns its manifest.
pub fn unpack(archive: &Path, into: &Path) -> anyhow::Result<(Manifest, usize)> {
    let not_a_backup = || format!("{} is not a Natter backup", archive.display());
    let file = File::open(archive).with_context(|| format!("opening {}", archive.display()))?;
    let mut tar = tar::Archive::new(file);
    let (mut manifest, mut database, mut files) = (None, false, 0);
    for entry in tar.entries().with_context(not_a_backup)? {
        let mut entry = entry.with_context(not_a_backup)?;
        let name = entry.path().with_context(not_a_backup)?.to_string_lossy().into_owned();
        if name == MANIFEST {
            let mut text = String::new();
            entry.by_ref().take(64 * 1024).read_to_string(&mut text).with_context(not_a_backup)?;
            manifest = Some(serde_json::from_str::<Manifest>(&text).with_context(not_a_backup)?);
        } else if name == DATABASE {
            entry.unpack(into.join(DATABASE))?;
            database = true;
        } else if let Some(key) = attachment_key(&name) {
            let destination = into.join(FILES).join(key);
            if let Some(parent) = destination.parent() {
                std::fs::create_dir_all(parent)?;
            }
            entry.unpack(destination)?;
            files += 1;
        } else {
            bail!("{}: unexpected entry {name:?}", not_a_backup());
        }
    }
    let Some(manifest) = manifest.filter(|_| database) else { bail!("{}: no manifest or no database", not_a_backup()) };
    if manifest.format != FORMAT {
        bail!("{} has format {} and this Natter reads format {FORMAT}", archive.display(), manifest.format);
    }
    Ok((manifest, files))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_attachments_are_accepted_as_files() {
        let id = uuid::Uuid::now_v7();
        assert_eq!(attachment_key(&format!("files/attachments/{id}")), Some(format!("attachments/{id}").as_str()));
        for bad in ["files/../natter.db", "files/attachments/../../x", "files/attachments/x", "other/attachments/1"] {
            assert_eq!(attachment_key(bad), None, "{bad}");
        }
    }
}
