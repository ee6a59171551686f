//! The widget's settings (admins) and its public configuration (the loader and
//! the chat frame), plus signed visitor identities.

use super::{dto, string_enum};
use chrono::{DateTime, Utc};

fn default_max_upload_bytes() -> u64 {
    crate::limits::DEFAULT_MAX_UPLOAD_BYTES
}

string_enum! {
    /// Which corner the chat bubble sits in.
    pub enum WidgetPosition {
        /// Bottom right.
        Right,
        /// Bottom left.
        Left,
    }

    /// When the contact-form bot asks for a name and email.
    pub enum AskContact {
        /// Before the first message.
        Before,
        /// After the first message.
        After,
        /// Never.
        Never,
    }
}

dto! {
    /// `GET /widget/config?site_key=…`: what the widget needs to draw itself (public).
    pub struct WidgetConfig {
        /// Shown in the chat's header.
        pub team_name: String,
        /// The first words visitors read.
        pub greeting: String,
        /// Bubble and accent colour, `#rrggbb`.
        pub color: String,
        /// Corner of the bubble.
        pub position: WidgetPosition,
        /// When the contact-form bot asks.
        pub ask_contact: AskContact,
        /// Sites allowed to embed the widget: the chat frame takes commands only
        /// from these origins. Empty: any site (already public in the frame's
        /// `frame-ancestors` policy).
        #[serde(default)]
        pub allowed_origins: Vec<String>,
        /// Largest file a visitor may attach, in bytes (the server's `NATTER_MAX_UPLOAD_BYTES`).
        #[serde(default = "default_max_upload_bytes")]
        pub max_upload_bytes: u64,
        /// Whether the server sends email (`NATTER_SMTP_URL`): visitors who left
        /// an email may ask for their conversation by email.
        #[serde(default)]
        pub email_enabled: bool,
    }

    /// `GET /config`: what every client of this server needs to know before it asks (public).
    pub struct ClientConfig {
        /// Largest attachment, in bytes (the server's `NATTER_MAX_UPLOAD_BYTES`).
        pub max_upload_bytes: u64,
        /// Whether the server sends email (`NATTER_SMTP_URL`): replies can be emailed.
        #[serde(default)]
        pub email_enabled: bool,
    }

    /// `GET /settings/widget` (admins): everything, with the site key and identity secret.
    pub struct WidgetSettings {
        /// Public key that goes in the snippet.
        pub site_key: String,
        /// Secret for signing visitor identities (HMAC-SHA256); never put it in a page.
        pub identity_secret: String,
        /// Shown in the chat's header.
        pub team_name: String,
        /// The first words visitors read.
        pub greeting: String,
        /// `#rrggbb`.
        pub color: String,
        /// Corner of the bubble.
        pub position: WidgetPosition,
        /// When the contact-form bot asks.
        pub ask_contact: AskContact,
        /// Sites allowed to embed the widget (`https://shop.example`, internationalised
        /// hosts in punycode); empty allows any.
        pub allowed_origins: Vec<String>,
        /// Last change.
        pub updated_at: DateTime<Utc>,
    }

    /// `PATCH /settings/widget`: the fields to change.
    pub struct UpdateWidgetSettings {
        /// Team name.
        #[serde(default)]
        pub team_name: Option<String>,
        /// Greeting.
        #[serde(default)]
        pub greeting: Option<String>,
        /// `#rrggbb`.
        #[serde(default)]
        pub color: Option<String>,
        /// Corner.
        #[serde(default)]
        pub position: Option<WidgetPosition>,
        /// Contact-form timing.
        #[serde(default)]
        pub ask_contact: Option<AskContact>,
        /// Allowed sites.
        #[serde(default)]
        pub allowed_origins: Option<Vec<String>>,
    }

    /// `POST /widget/identify`: a host site vouches for its signed-in user.
    /// `signature` is hex HMAC-SHA256 of `"{user_id}:{timestamp}"` under the identity secret.
    pub struct IdentifyVisitor {
        /// The site's own id for the user.
        pub user_id: String,
        /// Unix seconds when the site signed it, at page render: accepted for 10 minutes
        /// (and up to 5 minutes in the future, for clock skew).
        pub timestamp: i64,
        /// Hex HMAC-SHA256.
        pub signature: String,
    }

    /// The answer to `POST /widget/identify`.
    pub struct IdentifiedVisitor {
        /// A token for the verified contact (replace the stored one with it: the
        /// token the call was made with has ended).
        pub token: String,
        /// The verified contact.
        pub contact_id: crate::ContactId,
    }
}
