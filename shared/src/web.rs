//! Rules about the web addresses both sides handle: which page URLs may become
//! links, and which host pages the widget's chat frame takes commands from.

/// Whether `url` is an `http:` or `https:` address, the only kind a page URL may be
/// shown as a link (anything else, such as `javascript:`, is shown as text).
pub fn is_web_url(url: &str) -> bool {
    let url = url.trim_start();
    ["http://", "https://"].iter().any(|scheme| {
        url.get(..scheme.len()).is_some_and(|start| start.eq_ignore_ascii_case(scheme)) && url.len() > scheme.len()
    })
}

/// Whether a host page at `origin` (as the browser reports it: `scheme://host[:port]`,
/// punycode, lowercase) may drive the chat frame, given the widget's allowed sites.
/// An empty list allows any site.
pub fn origin_allowed(allowed: &[String], origin: &str) -> bool {
    allowed.is_empty() || allowed.iter().any(|a| a.trim_end_matches('/').eq_ignore_ascii_case(origin))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_become_links() {
        for link in ["https://shop.example/cart", "http://localhost:3000/", "HTTPS://Shop.example"] {
            assert!(is_web_url(link), "{link}");
        }
        for text in ["javascript:alert(1)", " javascript:alert(1)", "data:text/html,hi", "https://", "shop.example", ""]
        {
            assert!(!is_web_url(text), "{text}");
        }
    }

    #[test]
    fn origins_match_exactly_unless_any_is_allowed() {
        let allowed = vec!["https://shop.example".to_owned(), "http://localhost:3000".to_owned()];
        assert!(origin_allowed(&allowed, "https://shop.example"));
        assert!(origin_allowed(&allowed, "http://localhost:3000"));
        for other in ["http://shop.example", "https://evil.example", "http://localhost:3001", "null", ""] {
            assert!(!origin_allowed(&allowed, other), "{other}");
        }
        assert!(origin_allowed(&[], "https://anyone.example"), "an empty list allows any site");
    }
}
