//! Serving the built files: the precompressed variant a client accepts, and
//! opening a file off the async threads.

use crate::error::ApiError;
use actix_files::NamedFile;
use actix_web::http::header::ContentEncoding;

/// The precompressed variants a client takes, best first: brotli, then gzip,
/// unless `Accept-Encoding` refuses them (absent, or `q=0`).
pub fn preferred_encodings(accept_encoding: &str) -> Vec<(ContentEncoding, &'static str)> {
    let takes = |wanted: &str| {
        accept_encoding.split(',').any(|part| {
            let mut pieces = part.split(';');
            let name = pieces.next().unwrap_or_default().trim();
            let refused = pieces.any(|p| {
                p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()).is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case(wanted) || name == "*") && !refused
        })
    };
    [(ContentEncoding::Brotli, "br"), (ContentEncoding::Gzip, "gz")]
        .into_iter()
        .filter(|(encoding, _)| takes(encoding.as_str()))
        .collect()
}

/// Opens a file to serve; a missing one is a 404.
pub async fn open(path: std::path::PathBuf) -> Result<NamedFile, ApiError> {
    match tokio::task::spawn_blocking(move || NamedFile::open(path)).await {
        Ok(Ok(file)) => Ok(file),
        _ => Err(ApiError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::preferred_encodings;
    use actix_web::http::header::ContentEncoding;

    #[test]
    fn brotli_is_preferred_when_accepted() {
        let picked = |header: &str| preferred_encodings(header).into_iter().map(|(e, _)| e).collect::<Vec<_>>();
        assert_eq!(picked("gzip, deflate, br, zstd"), [ContentEncoding::Brotli, ContentEncoding::Gzip]);
        assert_eq!(picked("gzip"), [ContentEncoding::Gzip]);
        assert_eq!(picked("br;q=0, gzip;q=0.5"), [ContentEncoding::Gzip]);
        assert_eq!(picked("*"), [ContentEncoding::Brotli, ContentEncoding::Gzip]);
        assert!(picked("").is_empty());
        assert!(picked("identity").is_empty());
    }
}
