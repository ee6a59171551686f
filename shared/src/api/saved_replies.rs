use super::{dto, string_enum};
use crate::{ConversationId, SavedReplyId};
use chrono::{DateTime, Utc};

string_enum! {
    /// A short saved reply, or a longer formatted template.
    pub enum SavedReplyKind {
        /// Short text, inserted by `/shortcut`.
        Reply,
        /// Longer formatted content with placeholders.
        Template,
    }
}

dto! {
    /// A saved reply or template. Placeholders such as `{{contact.name}}`,
    /// `{{contact.email}}`, `{{contact.phone}}`, `{{contact.first_name}}` and
    /// `{{agent.name}}` are filled when it is used.
    pub struct SavedReply {
        /// Id.
        pub id: SavedReplyId,
        /// Reply or template.
        pub kind: SavedReplyKind,
        /// Typed after `/` in the composer; unique.
        pub shortcut: String,
        /// Title shown in the picker.
        pub title: String,
        /// Markdown body with placeholders.
        pub body: String,
        /// When it was created.
        pub created_at: DateTime<Utc>,
        /// When it last changed.
        pub updated_at: DateTime<Utc>,
    }

    /// `POST /saved-replies` and `PUT /saved-replies/{id}`.
    pub struct SavedReplyInput {
        /// Reply or template; `reply` when absent.
        #[serde(default)]
        pub kind: Option<SavedReplyKind>,
        /// Shortcut, letters, digits, `-` and `_`.
        pub shortcut: String,
        /// Title.
        pub title: String,
        /// Markdown body.
        pub body: String,
    }

    /// `POST /saved-replies/{id}/render`.
    pub struct RenderSavedReply {
        /// The conversation whose contact fills the placeholders.
        pub conversation_id: ConversationId,
    }

    /// A saved reply with its placeholders filled.
    pub struct RenderedSavedReply {
        /// Markdown, ready for the composer.
        pub body: String,
    }
}
