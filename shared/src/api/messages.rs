use super::{dto, string_enum};
use crate::{AgentId, AttachmentId, ConversationId, MessageId};
use chrono::{DateTime, Utc};

string_enum! {
    /// What a message is.
    pub enum MessageKind {
        /// Written by the visitor.
        Visitor,
        /// An agent's reply; the visitor receives it.
        Reply,
        /// An internal comment; only agents ever see it.
        Comment,
        /// An event such as "assigned to Ana" or "closed", shown inline to agents.
        System,
    }

    /// What an agent or integrator can post.
    pub enum PostKind {
        /// The visitor receives it.
        Reply,
        /// Internal note for agents.
        Comment,
    }
}

dto! {
    /// An uploaded file.
    pub struct Attachment {
        /// Id.
        pub id: AttachmentId,
        /// The original file name.
        pub filename: String,
        /// Type sniffed from the bytes.
        pub content_type: String,
        /// Size in bytes.
        pub size: u64,
        /// Whether browsers may show it inline (images).
        pub inline: bool,
        /// Where to download it (needs the same credentials).
        pub url: String,
    }

    /// A message as agents see it.
    pub struct Message {
        /// Id.
        pub id: MessageId,
        /// Its conversation.
        pub conversation_id: ConversationId,
        /// Visitor, reply, comment or system.
        pub kind: MessageKind,
        /// The agent who wrote a reply or comment.
        pub agent_id: Option<AgentId>,
        /// The author's display name.
        pub author_name: Option<String>,
        /// Markdown source.
        pub body: String,
        /// Sanitized HTML rendered from `body`.
        pub html: String,
        /// The sender's id for this message, for idempotent retries.
        pub client_id: Option<String>,
        /// Attached files.
        pub attachments: Vec<Attachment>,
        /// When it was stored.
        pub created_at: DateTime<Utc>,
        /// Event-log sequence of its creation.
        pub seq: i64,
    }

    /// `POST /conversations/{id}/messages`.
    pub struct PostMessage {
        /// Reply or comment.
        pub kind: PostKind,
        /// Markdown body; may be empty only with attachments.
        #[serde(default)]
        pub body: String,
        /// Sender-chosen id (up to 64 characters): a retry with the same id is stored once.
        pub client_id: String,
        /// Files uploaded with `POST /attachments`.
        #[serde(default)]
        pub attachment_ids: Vec<AttachmentId>,
    }

    /// The answer to an upload: the stored files, in order.
    pub struct Uploaded {
        /// Stored files.
        pub attachments: Vec<Attachment>,
    }
}
