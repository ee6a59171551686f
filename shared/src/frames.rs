//! WebSocket frames: JSON text frames, tagged by `type`, used by both sides.
//!
//! A client connects to `/api/v1/ws/agent` or `/api/v1/ws/visitor` offering the
//! subprotocols `natter.v1` and `bearer.<token>` (so no token appears in a URL),
//! optionally with `?after=<seq>` to resume after the last event it saw.

use crate::api::{Availability, Message, PostKind, VisitorMessage};
use crate::events::Event;
use crate::{AgentId, AttachmentId, ContactId, ConversationId, Dot, ErrorCode, MessageId};
use serde::{Deserialize, Serialize};

/// The subprotocol both sides speak.
pub const PROTOCOL: &str = "natter.v1";
/// Prefix of the subprotocol that carries the bearer token.
pub const BEARER_PROTOCOL_PREFIX: &str = "bearer.";
/// Largest frame a client may send, in bytes.
pub const MAX_CLIENT_FRAME_BYTES: usize = 64 * 1024;

/// What an agent's client sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AgentClientFrame {
    /// Post a reply or comment; answered by `ack` (or `error` with the same `client_id`).
    Send {
        /// The conversation.
        conversation_id: ConversationId,
        /// Reply or comment.
        kind: PostKind,
        /// Markdown.
        #[serde(default)]
        body: String,
        /// Sender-chosen id; a retry with the same id is stored once and acked with the same message.
        client_id: String,
        /// Uploaded files to attach.
        #[serde(default)]
        attachment_ids: Vec<AttachmentId>,
    },
    /// The agent started or stopped typing.
    Typing {
        /// The conversation.
        conversation_id: ConversationId,
        /// Typing now?
        typing: bool,
        /// Reply or comment: comment typing is never shown to the visitor.
        kind: PostKind,
    },
    /// The agent opened (read) the conversation.
    Read {
        /// The conversation.
        conversation_id: ConversationId,
    },
}

/// What a visitor's client sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum VisitorClientFrame {
    /// Send a message; answered by `ack`.
    Send {
        /// Markdown.
        #[serde(default)]
        body: String,
        /// Sender-chosen id for retries.
        client_id: String,
        /// Uploaded files to attach.
        #[serde(default)]
        attachment_ids: Vec<AttachmentId>,
    },
    /// The visitor started or stopped typing.
    Typing {
        /// Typing now?
        typing: bool,
    },
    /// The visitor is on another page of the site.
    Page {
        /// The page's URL.
        url: String,
    },
}

/// Who is typing, as agents see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "who", rename_all = "snake_case")]
pub enum Typist {
    /// The conversation's visitor.
    Visitor,
    /// Another agent.
    Agent {
        /// The agent.
        agent_id: AgentId,
        /// Their name.
        name: String,
    },
}

/// An agent's presence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgentPresence {
    /// The agent.
    pub agent_id: AgentId,
    /// Connected and available.
    pub online: bool,
    /// Their chosen availability.
    pub availability: Availability,
}

/// A visitor's presence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VisitorPresence {
    /// The visitor's contact.
    pub contact_id: ContactId,
    /// Widget connected.
    pub online: bool,
    /// The page they are on.
    pub page: Option<String>,
}

/// What the server sends an agent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AgentServerFrame {
    /// Sent once the missed events (if any) were replayed; live events follow.
    Ready {
        /// The caller.
        agent_id: Option<AgentId>,
        /// The latest sequence when replay ended.
        last_seq: i64,
        /// Who of the team is online.
        agents: Vec<AgentPresence>,
        /// Visitors online now.
        visitors: Vec<VisitorPresence>,
    },
    /// A change from the event log, with the recipient's own dot on conversations.
    Event {
        /// Its sequence; remember the latest to resume.
        seq: i64,
        /// The change.
        event: Event,
    },
    /// A `send` was stored.
    Ack {
        /// The client's id.
        client_id: String,
        /// The stored message.
        message: Message,
    },
    /// Someone is typing in a conversation.
    Typing {
        /// The conversation.
        conversation_id: ConversationId,
        /// Who.
        typist: Typist,
        /// Typing now?
        typing: bool,
    },
    /// The recipient's dot on a conversation changed without a logged event
    /// (they read it in another tab).
    Dot {
        /// The conversation.
        conversation_id: ConversationId,
        /// The recipient's dot.
        dot: Dot,
    },
    /// An agent's presence changed.
    Presence(AgentPresence),
    /// A visitor came, left or moved to another page.
    Visitor(VisitorPresence),
    /// Too much was missed to replay: reload over REST, then resume from `last_seq`.
    ReloadRequired {
        /// Resume from here after reloading.
        last_seq: i64,
    },
    /// A frame was refused.
    Error {
        /// Stable code.
        code: ErrorCode,
        /// For people.
        message: String,
        /// The `client_id` of the refused `send`, if it was one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
    },
}

/// What the server sends a visitor: only what is theirs to see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum VisitorServerFrame {
    /// Replay done; live events follow.
    Ready {
        /// The latest sequence when replay ended.
        last_seq: i64,
        /// Whether an agent is online to answer.
        team_online: bool,
    },
    /// A message in the visitor's conversation (their own or an agent's reply).
    Message {
        /// Its sequence.
        seq: i64,
        /// The conversation.
        conversation_id: ConversationId,
        /// The message.
        message: VisitorMessage,
    },
    /// The conversation was closed or reopened, or someone else now answers.
    Conversation {
        /// Its sequence.
        seq: i64,
        /// The conversation.
        conversation_id: ConversationId,
        /// Whether it is closed now.
        closed: bool,
        /// The name of the agent answering, if one is assigned.
        agent_name: Option<String>,
    },
    /// The conversation was deleted.
    Deleted {
        /// Its sequence.
        seq: i64,
        /// The conversation.
        conversation_id: ConversationId,
    },
    /// A `send` was stored.
    Ack {
        /// The client's id.
        client_id: String,
        /// The stored message id.
        message_id: MessageId,
        /// Event-log sequence of the message.
        seq: i64,
        /// The message.
        message: VisitorMessage,
    },
    /// An agent is typing a reply.
    Typing {
        /// Typing now?
        typing: bool,
        /// The agent's name.
        name: String,
    },
    /// Whether an agent is online to answer.
    TeamOnline {
        /// Online?
        online: bool,
    },
    /// Too much was missed: reload over REST, then resume from `last_seq`.
    ReloadRequired {
        /// Resume from here after reloading.
        last_seq: i64,
    },
    /// A frame was refused.
    Error {
        /// Stable code.
        code: ErrorCode,
        /// For people.
        message: String,
        /// The `client_id` of the refused `send`, if it was one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_tagged_json() {
        let frame: AgentClientFrame =
            serde_json::from_str(r#"{"type":"read","conversation_id":"0190f4a8-0000-7000-8000-000000000001"}"#)
                .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(frame, AgentClientFrame::Read { .. }));
        let json = serde_json::to_string(&VisitorServerFrame::TeamOnline { online: true }).unwrap_or_default();
        assert_eq!(json, r#"{"type":"team_online","online":true}"#);
        assert!(serde_json::from_str::<VisitorClientFrame>(r#"{"type":"shout"}"#).is_err());
    }
}
