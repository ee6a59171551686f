//! The sites allowed to embed the widget: parsed strictly as origins, they become
//! the chat frame's `frame-ancestors` policy and the list of host pages the frame
//! takes commands from.

use super::validate;
use crate::entities::widget_settings::Model;
use crate::error::{ApiError, ApiResult};

/// The allowed origins of a row, as stored.
pub fn origins(model: &Model) -> Vec<String> {
    serde_json::from_str(&model.allowed_origins).unwrap_or_default()
}

/// The sites that may embed the chat: `None` for any; else the stored origins that
/// are valid (one stored before origins were checked strictly is left out, so a
/// list never widens to "any").
pub fn allowed_origins(model: &Model) -> Option<Vec<String>> {
    let stored = origins(model);
    (!stored.is_empty()).then(|| stored.iter().filter_map(|o| origin(o).ok()).collect())
}

/// An origin as browsers send it: `http(s)://host[:port]` and nothing else (no
/// user, path, query or fragment), the host lowercase and internationalised
/// names in punycode, as they appear in `Origin` and `frame-ancestors`.
pub fn origin(value: &str) -> ApiResult<String> {
    let value = value.trim();
    let refused = || ApiError::invalid(format!("{value:?} is not an origin like https://shop.example"));
    validate::printable("allowed_origins", value)?;
    let url = url::Url::parse(value).map_err(|_| refused())?;
    let host_ok = match url.host() {
        Some(url::Host::Domain(domain)) => {
            !domain.is_empty() && domain.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        }
        Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => true,
        None => false,
    };
    let bare = matches!(url.scheme(), "http" | "https")
        && host_ok
        && url.username().is_empty()
        && url.password().is_none()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none();
    if bare { Ok(url.origin().ascii_serialization()) } else { Err(refused()) }
}

/// The `Content-Security-Policy` of the chat frame: who may embed it.
pub fn frame_policy(model: &Model) -> String {
    match allowed_origins(model) {
        None => "frame-ancestors *".to_owned(),
        Some(allowed) => ["frame-ancestors 'self'".to_owned(), allowed.join(" ")].join(" ").trim_end().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_parsed_as_origins() {
        assert_eq!(origin("https://Shop.example/").ok(), Some("https://shop.example".into()));
        assert_eq!(origin("http://127.0.0.1:8080").ok(), Some("http://127.0.0.1:8080".into()));
        assert_eq!(origin("https://shop.example:443").ok(), Some("https://shop.example".into()));
        assert_eq!(origin("http://[::1]:3000").ok(), Some("http://[::1]:3000".into()));
        assert_eq!(origin("https://bücher.example").ok(), Some("https://xn--bcher-kva.example".into()));
        for bad in [
            "shop.example",
            "https://shop.example/path",
            "https://shop.example?x",
            "https://shop.example#x",
            "javascript:alert(1)",
            "ftp://shop.example",
            "https://*.example",
            "https://a b",
            "https://a.com@evil.com",
            "https://user:pw@shop.example",
            "https://shop.example;script-src",
            "https://shop.example'",
            "https://shop\u{0}.example",
        ] {
            assert!(origin(bad).is_err(), "{bad} is refused");
        }
    }
}
