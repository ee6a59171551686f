//! Reading the files of a multipart upload, within limits. It knows nothing of the
//! app (no `crate::` imports): the fuzz target `multipart` builds this very file.

use actix_multipart::{Multipart, MultipartError};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;

/// How much one upload may carry.
#[derive(Debug, Clone, Copy)]
pub struct UploadLimits {
    /// Bytes per file.
    pub max_bytes: u64,
    /// Files per upload.
    pub max_files: usize,
}

/// Why an upload could not be read.
#[derive(Debug)]
pub enum UploadError {
    /// Not a multipart body at all (no, or another, content type): 415.
    NotMultipart,
    /// A broken multipart body: 400.
    Malformed(MultipartError),
    /// More files than `max_files`: 422.
    TooManyFiles(usize),
    /// A file over `max_bytes`: 413.
    TooLarge(u64),
}

impl From<MultipartError> for UploadError {
    fn from(e: MultipartError) -> Self {
        use MultipartError as E;
        match e {
            E::ContentTypeMissing | E::ContentTypeParse | E::ContentTypeIncompatible => Self::NotMultipart,
            other => Self::Malformed(other),
        }
    }
}

/// The files of an upload with their cleaned names, in order; fields without a
/// file name are read and ignored. Fails on the first file over the limit, before
/// buffering the chunk that would cross it.
pub async fn read_files(mut payload: Multipart, limits: UploadLimits) -> Result<Vec<(String, Bytes)>, UploadError> {
    let mut files = Vec::new();
    while let Some(field) = payload.next().await {
        let mut field = field?;
        let Some(filename) =
            field.content_disposition().and_then(|d| d.get_filename()).map(|f| clean_filename(Some(f)))
        else {
            while let Some(chunk) = field.next().await {
                chunk?;
            }
            continue;
        };
        if files.len() >= limits.max_files {
            return Err(UploadError::TooManyFiles(limits.max_files));
        }
        let mut buffer = BytesMut::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk?;
            if (buffer.len() + chunk.len()) as u64 > limits.max_bytes {
                return Err(UploadError::TooLarge(limits.max_bytes));
            }
            buffer.extend_from_slice(&chunk);
        }
        files.push((filename, buffer.freeze()));
    }
    Ok(files)
}

/// A file name safe to store and to put in a header.
fn clean_filename(name: Option<&str>) -> String {
    let name = name.unwrap_or("file");
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    if cleaned.trim().is_empty() { "file".into() } else { cleaned.trim().to_owned() }
}
