use super::dto;
use crate::ContactId;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

dto! {
    /// A contact: the person on the visitor side.
    pub struct Contact {
        /// Id.
        pub id: ContactId,
        /// Name, if known.
        pub name: Option<String>,
        /// Email, if known.
        pub email: Option<String>,
        /// Phone, if known.
        pub phone: Option<String>,
        /// Agents' notes.
        pub notes: Option<String>,
        /// Custom attributes (plan, company, …): strings, numbers, booleans.
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub attributes: Map<String, Value>,
        /// Whether the contact is banned from writing.
        pub banned: bool,
        /// When the contact was banned, if they are.
        #[serde(default)]
        pub banned_at: Option<DateTime<Utc>>,
        /// The host site vouched for who this is (a signed identity).
        #[serde(default)]
        pub verified: bool,
        /// The host site's own id for this person, when verified.
        #[serde(default)]
        pub external_id: Option<String>,
        /// The page the visitor last had open.
        pub current_page: Option<String>,
        /// The visitor's browser (user agent).
        pub browser: Option<String>,
        /// The address the visitor's session started from.
        #[serde(default)]
        pub ip_address: Option<String>,
        /// First seen.
        pub first_seen_at: DateTime<Utc>,
        /// Last seen.
        pub last_seen_at: DateTime<Utc>,
        /// When the contact was created.
        pub created_at: DateTime<Utc>,
    }

    /// `POST /contacts`.
    pub struct CreateContact {
        /// Name.
        #[serde(default)]
        pub name: Option<String>,
        /// Email.
        #[serde(default)]
        pub email: Option<String>,
        /// Phone.
        #[serde(default)]
        pub phone: Option<String>,
        /// Notes.
        #[serde(default)]
        pub notes: Option<String>,
        /// Custom attributes.
        #[serde(default)]
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub attributes: Map<String, Value>,
    }

    /// `PATCH /contacts/{id}`: absent fields are unchanged, an empty string clears;
    /// in `attributes` a key set to `null` is removed and the others are set.
    pub struct UpdateContact {
        /// Name.
        #[serde(default)]
        pub name: Option<String>,
        /// Email.
        #[serde(default)]
        pub email: Option<String>,
        /// Phone.
        #[serde(default)]
        pub phone: Option<String>,
        /// Notes.
        #[serde(default)]
        pub notes: Option<String>,
        /// Attributes to set or (with `null`) remove.
        #[serde(default)]
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub attributes: Option<Map<String, Value>>,
    }

    /// `GET /contacts/{id}`: the contact and its past conversations.
    pub struct ContactDetail {
        /// The contact.
        pub contact: Contact,
        /// Its conversations, newest first (up to 50).
        pub conversations: Vec<super::Conversation>,
    }
}

dto! {
    /// An address that can't start a visitor session (`POST /blocked-addresses`).
    pub struct BlockedAddress {
        /// The IP address.
        pub address: String,
        /// The contact it was blocked with, unless erased since.
        pub contact_id: Option<ContactId>,
        /// When it was blocked.
        pub created_at: DateTime<Utc>,
    }

    /// `POST /blocked-addresses`: blocks the address a contact's session started from.
    pub struct BlockAddress {
        /// The contact.
        pub contact_id: ContactId,
    }
}
