//! The agent inbox's files: hashed assets cached for a year, and `index.html`
//! (never cached, under a strict Content-Security-Policy) for every other page
//! path, so the app's own router decides.

use crate::error::ApiError;
use crate::state::AppState;
use actix_files::NamedFile;
use actix_web::http::Method;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

/// Serves `/assets/{file}` from `<web dir>/assets`.
pub async fn asset(
    req: HttpRequest,
    state: web::Data<AppState>,
    file: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let name = file.into_inner();
    if name.contains("..") || name.contains('/') || name.contains('\\') {
        return Err(ApiError::NotFound);
    }
    let path = state.settings.web_dir.join("assets").join(name);
    let file = open(path).await?;
    let mut response = file.into_response(&req);
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    Ok(response)
}

/// Any other path: the app for page loads; a JSON 405 for a path of the API
/// with a method it doesn't take; a JSON 404 for the rest.
pub async fn fallback(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let page = req.method() == Method::GET && is_page_path(req.path());
    if !page {
        return Err(match super::openapi::allowed_methods(req.path()) {
            Some(allow) => ApiError::MethodNotAllowed(allow),
            None => ApiError::NotFound,
        });
    }
    let index = state.settings.web_dir.join("index.html");
    let html = tokio::fs::read_to_string(index).await.map_err(|_| ApiError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((CACHE_CONTROL, "no-cache"))
        .insert_header((CONTENT_SECURITY_POLICY, super::security_headers::inbox_policy(&html)))
        .body(html))
}

/// Whether `path` may be a page of the app. The API, the operational endpoints,
/// the app's own files and anything that looks like a file never are: a probe
/// or a scraper must get a 404, not the inbox's HTML with 200.
fn is_page_path(path: &str) -> bool {
    const RESERVED: [&str; 8] = ["api", "metrics", "healthz", "readyz", "livez", "assets", "widget", "widget.js"];
    let mut segments = path.trim_start_matches('/').split('/');
    let first = segments.next().unwrap_or_default();
    let last = path.rsplit('/').next().unwrap_or_default();
    !RESERVED.contains(&first) && !first.starts_with('.') && !last.contains('.')
}

pub(crate) async fn open(path: std::path::PathBuf) -> Result<NamedFile, ApiError> {
    match tokio::task::spawn_blocking(move || NamedFile::open(path)).await {
        Ok(Ok(file)) => Ok(file),
        _ => Err(ApiError::NotFound),
    }
}

/// Registers the assets route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/assets/{file}", web::get().to(asset));
}

#[cfg(test)]
mod tests {
    use super::is_page_path;

    #[test]
    fn only_app_paths_are_pages() {
        for page in ["/", "/conversations", "/conversations/0193a1b2-c3d4", "/settings", "/login"] {
            assert!(is_page_path(page), "{page}");
        }
        let not_pages =
            ["/api", "/api/v2/x", "/metrics", "/metrics/x", "/healthz/", "/readyz/x", "/assets", "/widget/x"];
        for path in not_pages.into_iter().chain(["/favicon.ico", "/robots.txt", "/.env", "/.well-known/x"]) {
            assert!(!is_page_path(path), "{path}");
        }
    }
}
