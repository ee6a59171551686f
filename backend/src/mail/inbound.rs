//! Reading a visitor's answer by email: the raw RFC 822 message, its
//! `reply+<token>@…` address, its text without the quoted history, its files.

use mail_parser::{MessageParser, MimeHeaders};

/// What the domain needs from an inbound email.
#[derive(Debug, Default)]
pub struct Inbound {
    /// The thread token of the first `reply+<token>@<domain>` recipient.
    pub token: Option<String>,
    /// The new text, without the quoted history.
    pub text: String,
    /// Attached files: name and bytes.
    pub files: Vec<(String, Vec<u8>)>,
    /// The `Message-ID`, which makes a redelivered email land once.
    pub message_id: Option<String>,
}

/// Parses `raw`; `None` when it is not an email at all.
pub fn parse(raw: &[u8], domain: &str) -> Option<Inbound> {
    let message = MessageParser::default().parse(raw)?;
    let mut recipients: Vec<String> = Vec::new();
    for header in ["Delivered-To", "X-Original-To"] {
        if let Some(value) = message.header_raw(header) {
            recipients.push(value.trim().trim_matches(['<', '>']).to_owned());
        }
    }
    for list in [message.to(), message.cc()].into_iter().flatten() {
        recipients.extend(list.iter().filter_map(|a| a.address()).map(str::to_owned));
    }
    let token = recipients.iter().find_map(|r| token_of(r, domain));
    let text: String = message
        .body_text(0)
        .map(|t| strip_quoted(&t))
        .unwrap_or_default()
        .chars()
        .take(shared::limits::MAX_MESSAGE_CHARS)
        .collect();
    let files = message
        .attachments()
        .map(|part| (part.attachment_name().unwrap_or("attachment").to_owned(), part.contents().to_vec()))
        .collect();
    let message_id = message.message_id().map(str::to_owned);
    Some(Inbound { token, text, files, message_id })
}

/// `reply+<token>@<domain>` → `<token>` (the domain compared without case).
fn token_of(address: &str, domain: &str) -> Option<String> {
    let (local, host) = address.rsplit_once('@')?;
    if !host.eq_ignore_ascii_case(domain) {
        return None;
    }
    let token = local.strip_prefix("reply+")?.to_ascii_lowercase();
    (!token.is_empty() && token.chars().all(|c| c.is_ascii_alphanumeric())).then_some(token)
}

/// The text above the quoted history: cut at the first "On … wrote:" line, a
/// line of `>` quotes, an "-----Original Message-----" separator or a
/// forwarded header block.
pub fn strip_quoted(text: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        let wrote = trimmed.ends_with("wrote:")
            || (trimmed.starts_with("On ") && lines.get(i + 1).is_some_and(|n| n.trim().ends_with("wrote:")));
        let separator = trimmed.starts_with("-----Original Message-----")
            || trimmed.starts_with("________________________________")
            || (trimmed.starts_with("From:") && lines.get(i + 1).is_some_and(|n| n.trim().starts_with("Sent:")));
        if wrote || separator || trimmed.starts_with('>') {
            break;
        }
        kept.push(line);
    }
    kept.join("\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quoted_history_is_cut() {
        let text = "Thanks, that works!\n\nOn Sun, 6 Dec 2026 at 10:00, Support <s@x> wrote:\n> Try again\n> please";
        assert_eq!(strip_quoted(text), "Thanks, that works!");
        assert_eq!(strip_quoted("Yes\n-----Original Message-----\nFrom: a"), "Yes");
        assert_eq!(strip_quoted("Line one\nLine two"), "Line one\nLine two");
    }

    #[test]
    fn tokens_come_from_the_reply_address() {
        assert_eq!(token_of("reply+abc123@in.example", "IN.example").as_deref(), Some("abc123"));
        assert_eq!(token_of("reply+abc@other.example", "in.example"), None);
        assert_eq!(token_of("support@in.example", "in.example"), None);
        assert_eq!(token_of("reply+a.b@in.example", "in.example"), None);
    }
}
