use super::{Role, dto};
use crate::SavedReplyId;

dto! {
    /// `POST /auth/password-reset`: where to send a link to set a new password.
    pub struct PasswordResetRequest {
        /// The agent's email. The answer is the same whether it exists or not.
        pub email: String,
    }

    /// `POST /auth/password`: a new password through an emailed link (reset or invitation).
    pub struct SetPassword {
        /// The token of the link (single use; it expires).
        pub token: String,
        /// The new password.
        pub password: String,
    }

    /// `POST /agents/invitations` (admin): an agent who sets their own password from an email.
    pub struct InviteAgent {
        /// Display name.
        pub name: String,
        /// Email; the invitation goes there.
        pub email: String,
        /// Role; `agent` when absent.
        #[serde(default)]
        pub role: Option<Role>,
    }

    /// `POST /conversations/{id}/email`: a reply emailed to the contact at once
    /// (also stored as a reply): a template, or a body.
    pub struct EmailReply {
        /// A saved reply or template, filled in for this conversation.
        #[serde(default)]
        pub saved_reply_id: Option<SavedReplyId>,
        /// Markdown body, when no template is named.
        #[serde(default)]
        pub body: Option<String>,
        /// Sender-chosen id: a retry is stored (and emailed) once.
        pub client_id: String,
    }
}
