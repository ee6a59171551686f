//! The agent inbox's files: hashed assets cached for a year, and `index.html`
//! (never cached, under a strict Content-Security-Policy) for every other page
//! path, so the app's own router decides. Assets are compressed once, at build
//! time (`name.br`, `name.gz` beside `name`): each request only picks the variant
//! its `Accept-Encoding` allows.

use super::files;
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::http::Method;
use actix_web::http::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_SECURITY_POLICY, HeaderValue, VARY};
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
    let path = state.settings.web_dir.join("assets").join(&name);
    let accepted = req.headers().get(ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mut file = None;
    for (encoding, suffix) in files::preferred_encodings(accepted) {
        if let Ok(found) = files::open(path.with_file_name(format!("{name}.{suffix}"))).await {
            let ext = name.rsplit('.').next().unwrap_or_default();
            file = Some(
                found
                    .set_content_type(actix_files::file_extension_to_mime(ext))
                    .set_content_encoding(encoding)
                    .disable_content_disposition(),
            );
            break;
        }
    }
    let file = match file {
        Some(file) => file,
        None => files::open(path).await?,
    };
    let mut response = file.into_response(&req);
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
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
