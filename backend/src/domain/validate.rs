//! Input checks shared by the services.

use crate::error::{ApiError, ApiResult};
use shared::limits::*;

/// Refuses control characters other than newline and tab (PostgreSQL can't
/// store NUL, and none of them belongs in a chat).
pub fn printable(field: &str, value: &str) -> ApiResult<()> {
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        return Err(ApiError::invalid(format!("{field} contains control characters")));
    }
    Ok(())
}

/// A required single-line text: trimmed, non-empty, at most `MAX_SHORT_TEXT_CHARS`.
pub fn required(field: &str, value: &str) -> ApiResult<String> {
    printable(field, value)?;
    let value = value.trim();
    if value.is_empty() {
        return Err(ApiError::invalid(format!("{field} must not be empty")));
    }
    short(field, value).map(str::to_owned)
}

/// An optional text: `None` unchanged, empty clears (`Some(None)`), else checked.
pub fn optional(field: &str, value: Option<&str>, max_chars: usize) -> ApiResult<Option<Option<String>>> {
    let Some(value) = value else { return Ok(None) };
    printable(field, value)?;
    let value = value.trim();
    if value.is_empty() {
        return Ok(Some(None));
    }
    if value.chars().count() > max_chars {
        return Err(ApiError::invalid(format!("{field} is longer than {max_chars} characters")));
    }
    Ok(Some(Some(value.to_owned())))
}

fn short<'a>(field: &str, value: &'a str) -> ApiResult<&'a str> {
    if value.chars().count() > MAX_SHORT_TEXT_CHARS {
        return Err(ApiError::invalid(format!("{field} is longer than {MAX_SHORT_TEXT_CHARS} characters")));
    }
    Ok(value)
}

/// A plausible email address, lowercased.
pub fn email(value: &str) -> ApiResult<String> {
    let value = required("email", value)?.to_lowercase();
    let valid = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.chars().any(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    };
    if valid { Ok(value) } else { Err(ApiError::invalid("email is not a valid address")) }
}

/// A new password.
pub fn password(value: &str) -> ApiResult<()> {
    let len = value.chars().count();
    if len < MIN_PASSWORD_CHARS {
        return Err(ApiError::invalid(format!("password must have at least {MIN_PASSWORD_CHARS} characters")));
    }
    if len > 1024 {
        return Err(ApiError::invalid("password is too long"));
    }
    Ok(())
}

/// A message's client id.
pub fn client_id(value: &str) -> ApiResult<String> {
    printable("client_id", value)?;
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_CLIENT_ID_CHARS {
        return Err(ApiError::invalid(format!("client_id must have 1 to {MAX_CLIENT_ID_CHARS} characters")));
    }
    Ok(value.to_owned())
}

/// A message body: may be empty only when files are attached.
pub fn message_body(body: &str, attachments: usize) -> ApiResult<String> {
    printable("body", body)?;
    let body = body.trim();
    if body.is_empty() && attachments == 0 {
        return Err(ApiError::invalid("a message needs text or an attachment"));
    }
    if body.chars().count() > MAX_MESSAGE_CHARS {
        return Err(ApiError::invalid(format!("a message is limited to {MAX_MESSAGE_CHARS} characters")));
    }
    if attachments > MAX_ATTACHMENTS_PER_MESSAGE {
        return Err(ApiError::invalid(format!("a message has at most {MAX_ATTACHMENTS_PER_MESSAGE} attachments")));
    }
    Ok(body.to_owned())
}

/// Longest page URL, in characters.
pub const MAX_PAGE_URL_CHARS: usize = 2000;

/// The page a visitor is on: an absolute `http(s)` URL (it is shown to agents as a
/// link), without its fragment (which may hold the site's own secrets). Empty is none.
pub fn page_url(field: &str, value: Option<&str>) -> ApiResult<Option<String>> {
    let Some(value) = optional(field, value, MAX_PAGE_URL_CHARS)?.flatten() else { return Ok(None) };
    let refused = || ApiError::invalid(format!("{field} must be an http or https address"));
    let mut url = url::Url::parse(&value).map_err(|_| refused())?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(refused());
    }
    url.set_fragment(None);
    Ok(Some(url.into()))
}

/// A colour as `#rrggbb`, in lower case.
pub fn color(value: &str) -> ApiResult<String> {
    let valid = value.len() == 7 && value.starts_with('#') && value[1..].chars().all(|c| c.is_ascii_hexdigit());
    if valid { Ok(value.to_lowercase()) } else { Err(ApiError::invalid("color must look like #6d4aff")) }
}

/// Page size from the query, within bounds.
pub fn page_size(limit: Option<u64>) -> u64 {
    limit.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colors_are_six_hex_digits() {
        assert_eq!(color("#1A2b3C").ok(), Some("#1a2b3c".into()));
        for bad in ["", "#fff", "1a2b3c4", "#1a2b3g", "#1a2b3c4", "#é2b3c"] {
            assert!(color(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(email(" Ana@Example.COM ").ok(), Some("ana@example.com".into()));
        for bad in ["", "ana", "ana@", "@x.com", "ana@x", "a b@x.com", "ana@x.com."] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn optional_text() {
        assert_eq!(optional("n", None, 5).ok(), Some(None));
        assert_eq!(optional("n", Some("  "), 5).ok(), Some(Some(None)));
        assert_eq!(optional("n", Some(" ab "), 5).ok(), Some(Some(Some("ab".into()))));
        assert!(optional("n", Some("abcdef"), 5).is_err());
    }

    #[test]
    fn control_characters_are_refused() {
        assert!(message_body("a\u{0}b", 0).is_err());
        assert!(required("name", "x\u{7}").is_err());
        assert!(message_body("line\nnext\ttab", 0).is_ok());
    }

    #[test]
    fn page_urls_are_web_addresses_without_fragments() {
        let ok = |v: &str| page_url("page", Some(v)).ok().flatten();
        assert_eq!(ok("https://shop.example/cart?x=1#token=secret").as_deref(), Some("https://shop.example/cart?x=1"));
        assert_eq!(ok(" HTTP://Shop.example/a ").as_deref(), Some("http://shop.example/a"));
        assert_eq!(page_url("page", Some("  ")).ok(), Some(None));
        for bad in
            ["javascript:alert(1)", "JavaScript:alert(1)//https://x", "data:text/html,hi", "/relative", "https://"]
        {
            assert!(page_url("page", Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn bodies() {
        assert!(message_body("  ", 0).is_err());
        assert!(message_body("", 1).is_ok());
        assert!(message_body(&"x".repeat(MAX_MESSAGE_CHARS + 1), 0).is_err());
    }
}
