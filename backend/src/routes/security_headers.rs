//! Security headers on every response: no page of ours may be framed except the
//! chat frame (which sets its own `frame-ancestors` list), no referrer leaves,
//! HSTS when the public URL is https; the inbox page gets a strict
//! Content-Security-Policy ([`inbox_policy`]) from its handler.

use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use base64::Engine;
use sha2::{Digest, Sha256};

/// What every response gets unless it says otherwise.
const NO_FRAMING: &str = "frame-ancestors 'none'";
/// A year, as browsers expect for HSTS.
const HSTS: &str = "max-age=31536000";

/// Middleware: adds the headers to every response, errors included.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let https = req
        .app_data::<web::Data<AppState>>()
        .and_then(|state| state.settings.public_url.as_deref().map(|url| url.starts_with("https://")))
        .unwrap_or(false);
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(NO_FRAMING));
    }
    let framed = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|policy| !policy.contains(NO_FRAMING));
    if !framed {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    Ok(response)
}

/// The inbox page's policy: scripts from our origin, the page's own inline
/// scripts by hash, WebAssembly compilation; nothing may frame it.
pub fn inbox_policy(html: &str) -> String {
    let hashes: String = inline_scripts(html)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(" 'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; {NO_FRAMING}"
    )
}

/// The text of each `<script>` without a `src`.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attributes, body) = rest.split_once('>')?;
        let (script, _) = body.split_once("</script>")?;
        (!attributes.contains("src=")).then_some(script)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_allowed_by_hash_only() {
        let html = "<head><script src=\"/assets/a.js\"></script></head>\
                    <body><script type=\"module\">init();</script></body>";
        let policy = inbox_policy(html);
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"init();"));
        assert!(policy.contains(&format!("script-src 'self' 'wasm-unsafe-eval' 'sha256-{expected}';")), "{policy}");
        assert_eq!(policy.matches("sha256-").count(), 1);
        assert!(policy.ends_with("frame-ancestors 'none'"));
    }
}
