//! What visitors see: separate types so that nothing agent-only (comments,
//! system notes, read state) can reach the widget by accident.

use super::{Attachment, ConversationStatus, dto, string_enum};
use crate::{ContactId, ConversationId, MessageId};
use chrono::{DateTime, Utc};

string_enum! {
    /// Who wrote a message, from the visitor's side.
    pub enum VisitorMessageKind {
        /// The visitor.
        Visitor,
        /// An agent's reply.
        Agent,
    }
}

dto! {
    /// `POST /widget/sessions` body.
    pub struct StartSession {
        /// The page the visitor is on (`http` or `https`; a fragment is dropped).
        #[serde(default)]
        pub page_url: Option<String>,
        /// The widget's site key, from the snippet.
        pub site_key: String,
    }

    /// A new anonymous visitor's credentials.
    pub struct WidgetSession {
        /// Opaque secret; send as `Authorization: Bearer <token>`.
        pub token: String,
        /// The visitor's contact.
        pub contact_id: ContactId,
    }

    /// A conversation as its visitor sees it.
    pub struct VisitorConversation {
        /// Id.
        pub id: ConversationId,
        /// Open or closed.
        pub status: ConversationStatus,
        /// When it started.
        pub created_at: DateTime<Utc>,
        /// The visitor's rating (1 to 5), once they gave one.
        #[serde(default)]
        pub rating: Option<u8>,
    }

    /// `POST /widget/rating`: the visitor rates their closed conversation, once.
    pub struct WidgetRating {
        /// 1 (bad) to 5 (great).
        pub score: u8,
        /// What they want to add.
        #[serde(default)]
        pub comment: Option<String>,
    }

    /// A message as the visitor sees it: their own and agents' replies only.
    pub struct VisitorMessage {
        /// Id.
        pub id: MessageId,
        /// Visitor or agent.
        pub kind: VisitorMessageKind,
        /// The agent's name on replies.
        pub author_name: Option<String>,
        /// Markdown source.
        pub body: String,
        /// Sanitized HTML.
        pub html: String,
        /// The visitor's own id for their messages.
        pub client_id: Option<String>,
        /// Attached files.
        pub attachments: Vec<Attachment>,
        /// When it was stored.
        pub created_at: DateTime<Utc>,
    }

    /// `GET /widget/conversation`.
    pub struct WidgetConversation {
        /// The visitor's current conversation, if they have written.
        pub conversation: Option<VisitorConversation>,
        /// Its messages, oldest first (the latest 200).
        pub messages: Vec<VisitorMessage>,
        /// The visitor was banned: they can read but not write.
        #[serde(default)]
        pub banned: bool,
        /// Their conversation is closed (the widget offers to rate it).
        #[serde(default)]
        pub closed: bool,
    }

    /// `POST /widget/messages`.
    pub struct WidgetPostMessage {
        /// Markdown body; may be empty only with attachments.
        #[serde(default)]
        pub body: String,
        /// Sender-chosen id: a retry with the same id is stored once.
        pub client_id: String,
        /// Files uploaded with `POST /widget/attachments`.
        #[serde(default)]
        pub attachment_ids: Vec<crate::AttachmentId>,
    }

    /// `PATCH /widget/contact`: what the contact-form bot collects.
    pub struct WidgetContactUpdate {
        /// Name.
        #[serde(default)]
        pub name: Option<String>,
        /// Email.
        #[serde(default)]
        pub email: Option<String>,
        /// Phone.
        #[serde(default)]
        pub phone: Option<String>,
        /// Custom attributes to merge (a `null` value removes one).
        #[serde(default)]
        pub attributes: Option<serde_json::Map<String, serde_json::Value>>,
    }

    /// The visitor's own contact, as they see it.
    pub struct VisitorContact {
        /// Id.
        pub id: ContactId,
        /// Name.
        pub name: Option<String>,
        /// Email.
        pub email: Option<String>,
        /// Phone.
        pub phone: Option<String>,
    }
}
