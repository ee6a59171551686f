//! The server's JSON as the chat reads it: messages, the thread and socket
//! frames, decoded without `chrono` (times become milliseconds) and without
//! serde's buffering of internally tagged enums. Both weigh a lot in the bundle
//! every visitor downloads; the tests below hold these readings equal to the
//! `shared` types the server writes.

use serde::{Deserialize, Deserializer};
use shared::MessageId;
use shared::api::{Attachment, VisitorMessageKind};

/// A message as the visitor sees it (`shared::api::VisitorMessage`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ChatMessage {
    pub id: MessageId,
    pub kind: VisitorMessageKind,
    #[serde(default)]
    pub author_name: Option<String>,
    pub body: String,
    pub html: String,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// When it was stored, in milliseconds since the epoch.
    #[serde(deserialize_with = "millis")]
    pub created_at: f64,
}

/// The visitor's thread (`shared::api::WidgetConversation`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Thread {
    pub messages: Vec<ChatMessage>,
    #[serde(default)]
    pub banned: bool,
    /// The conversation is closed (read flat: a nested struct costs the bundle).
    #[serde(default)]
    pub closed: bool,
}

/// What the visitor's socket says (`shared::frames::VisitorServerFrame`).
#[derive(Clone, Debug, PartialEq)]
pub enum Frame {
    Ready {
        last_seq: i64,
        team_online: bool,
    },
    TeamOnline(bool),
    /// A message, pushed or acknowledging the visitor's own.
    Message {
        seq: i64,
        message: ChatMessage,
    },
    Typing {
        typing: bool,
        name: String,
    },
    Conversation {
        seq: i64,
        closed: bool,
        agent_name: Option<String>,
    },
    Deleted {
        seq: i64,
    },
    ReloadRequired,
    Error {
        code: String,
    },
}

/// Every field any frame has, read flat.
#[derive(Deserialize)]
struct Flat {
    #[serde(rename = "type")]
    kind: String,
    seq: Option<i64>,
    last_seq: Option<i64>,
    team_online: Option<bool>,
    online: Option<bool>,
    typing: Option<bool>,
    name: Option<String>,
    agent_name: Option<String>,
    closed: Option<bool>,
    code: Option<String>,
}

/// The message of a `message` or `ack` frame (an `error` frame's `message` is text).
#[derive(Deserialize)]
struct Carrying {
    message: ChatMessage,
}

/// Reads one socket frame (`None`: not JSON, or a kind this chat doesn't know).
pub fn frame(text: &str) -> Option<Frame> {
    let f: Flat = serde_json::from_str(text).ok()?;
    let message = || serde_json::from_str::<Carrying>(text).ok().map(|c| c.message);
    Some(match f.kind.as_str() {
        "ready" => Frame::Ready { last_seq: f.last_seq?, team_online: f.team_online? },
        "team_online" => Frame::TeamOnline(f.online?),
        "message" | "ack" => Frame::Message { seq: f.seq?, message: message()? },
        "typing" => Frame::Typing { typing: f.typing?, name: f.name.unwrap_or_default() },
        "conversation" => Frame::Conversation { seq: f.seq?, closed: f.closed?, agent_name: f.agent_name },
        "deleted" => Frame::Deleted { seq: f.seq? },
        "reload_required" => Frame::ReloadRequired,
        "error" => Frame::Error { code: f.code? },
        _ => return None,
    })
}

fn millis<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let text = <&str>::deserialize(d)?;
    rfc3339_millis(text).ok_or_else(|| serde::de::Error::custom("not an RFC 3339 time"))
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Milliseconds since the epoch of an RFC 3339 time such as the server writes
/// (`2026-12-06T10:37:39.123456Z`, or with an offset `+01:00`).
pub fn rfc3339_millis(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> { text.get(from..from + len)?.parse().ok() };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let mut at = 19;
    let mut millis = 0;
    if b.get(at) == Some(&b'.') {
        let digits = b[at + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        // Milliseconds: the first three digits (sub-millisecond ones are dropped, as chrono does).
        millis = b[at + 1..at + 1 + digits].iter().chain(b"000").take(3).fold(0, |ms, d| ms * 10 + i64::from(d - b'0'));
        at += 1 + digits;
    }
    let offset_minutes = match b.get(at)? {
        b'Z' | b'z' => 0,
        sign @ (b'+' | b'-') => {
            let minutes = num(at + 1, 2)? * 60 + num(at + 4, 2)?;
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return None,
    };
    let seconds =
        days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some((seconds * 1_000 + millis) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::{VisitorMessage, WidgetConversation};
    use shared::frames::VisitorServerFrame;
    use shared::{AttachmentId, ConversationId, ErrorCode};

    fn sample(at: chrono::DateTime<chrono::Utc>) -> VisitorMessage {
        VisitorMessage {
            id: MessageId(uuid::Uuid::from_u128(7)),
            kind: VisitorMessageKind::Agent,
            author_name: Some("Ana".into()),
            body: "**Hi**".into(),
            html: "<p><strong>Hi</strong></p>".into(),
            client_id: None,
            attachments: vec![Attachment {
                id: AttachmentId(uuid::Uuid::from_u128(8)),
                filename: "a.png".into(),
                content_type: "image/png".into(),
                size: 3,
                inline: true,
                url: "/api/v1/attachments/8".into(),
            }],
            created_at: at,
        }
    }

    fn read(m: &VisitorMessage) -> ChatMessage {
        ChatMessage {
            id: m.id,
            kind: m.kind,
            author_name: m.author_name.clone(),
            body: m.body.clone(),
            html: m.html.clone(),
            attachments: m.attachments.clone(),
            created_at: m.created_at.timestamp_millis() as f64,
        }
    }

    fn json<T: serde::Serialize>(value: &T) -> String {
        serde_json::to_string(value).unwrap_or_default()
    }

    #[test]
    fn times_read_as_chrono_writes_them() {
        use chrono::TimeZone;
        for (secs, millis) in [(0, 0), (1_765_017_459, 123), (951_782_400, 999), (4_102_444_800, 1), (-86_400, 0)] {
            let at = chrono::Utc.timestamp_millis_opt(secs * 1000 + millis).single().unwrap_or_default();
            for text in [at.to_rfc3339(), json(&at).trim_matches('"').to_owned()] {
                assert_eq!(rfc3339_millis(&text), Some(at.timestamp_millis() as f64), "{text}");
            }
            let whole = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            assert_eq!(rfc3339_millis(&whole), Some((secs * 1000) as f64), "{whole}");
        }
        assert_eq!(rfc3339_millis("2026-12-06T11:00:00+01:00"), rfc3339_millis("2026-12-06T10:00:00Z"));
        for bad in ["", "yesterday", "2026-12-06", "2026-12-06T10:00:00"] {
            assert_eq!(rfc3339_millis(bad), None, "{bad}");
        }
    }

    #[test]
    fn messages_and_threads_read_as_the_server_writes_them() {
        let message = sample(chrono::Utc::now());
        let parsed: ChatMessage = serde_json::from_str(&json(&message)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed, read(&message));
        let thread =
            WidgetConversation { conversation: None, messages: vec![message.clone()], banned: true, closed: false };
        let parsed: Thread = serde_json::from_str(&json(&thread)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed, Thread { messages: vec![read(&message)], banned: true, closed: false });
        let thread = WidgetConversation { conversation: None, messages: vec![], banned: false, closed: true };
        let parsed: Thread = serde_json::from_str(&json(&thread)).unwrap_or_else(|e| panic!("{e}"));
        assert!(parsed.closed);
    }

    #[test]
    fn every_frame_reads_as_the_server_writes_it() {
        let message = sample(chrono::Utc::now());
        let conversation_id = ConversationId(uuid::Uuid::from_u128(1));
        let cases = [
            (
                VisitorServerFrame::Ready { last_seq: 4, team_online: true },
                Frame::Ready { last_seq: 4, team_online: true },
            ),
            (VisitorServerFrame::TeamOnline { online: false }, Frame::TeamOnline(false)),
            (
                VisitorServerFrame::Message { seq: 5, conversation_id, message: message.clone() },
                Frame::Message { seq: 5, message: read(&message) },
            ),
            (
                VisitorServerFrame::Ack {
                    client_id: "c".into(),
                    message_id: message.id,
                    seq: 6,
                    message: message.clone(),
                },
                Frame::Message { seq: 6, message: read(&message) },
            ),
            (
                VisitorServerFrame::Typing { typing: true, name: "Ana".into() },
                Frame::Typing { typing: true, name: "Ana".into() },
            ),
            (
                VisitorServerFrame::Conversation {
                    seq: 7,
                    conversation_id,
                    closed: true,
                    agent_name: Some("Ana".into()),
                },
                Frame::Conversation { seq: 7, closed: true, agent_name: Some("Ana".into()) },
            ),
            (
                VisitorServerFrame::Conversation { seq: 8, conversation_id, closed: false, agent_name: None },
                Frame::Conversation { seq: 8, closed: false, agent_name: None },
            ),
            (VisitorServerFrame::Deleted { seq: 9, conversation_id }, Frame::Deleted { seq: 9 }),
            (VisitorServerFrame::ReloadRequired { last_seq: 10 }, Frame::ReloadRequired),
            (
                VisitorServerFrame::Error { code: ErrorCode::ContactBanned, message: "no".into(), client_id: None },
                Frame::Error { code: "contact_banned".into() },
            ),
        ];
        for (sent, expected) in cases {
            assert_eq!(frame(&json(&sent)), Some(expected), "{sent:?}");
        }
        assert_eq!(frame(r#"{"type":"shout"}"#), None);
        assert_eq!(frame("not json"), None);
    }
}
