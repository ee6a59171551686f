use super::{dto, string_enum};
use crate::{DeliveryId, WebhookId};
use chrono::{DateTime, Utc};

/// Every event a webhook can subscribe to. `message.comment` adds internal
/// comments to `message.created` (they are never sent otherwise).
pub const WEBHOOK_EVENTS: &[&str] = &[
    "conversation.created",
    "conversation.assigned",
    "conversation.closed",
    "conversation.reopened",
    "conversation.deleted",
    "conversation.missed",
    "conversation.updated",
    "message.created",
    "message.comment",
    "contact.created",
    "contact.updated",
    "contact.banned",
    "contact.deleted",
];

/// The event a test delivery carries.
pub const WEBHOOK_TEST_EVENT: &str = "webhook.test";

string_enum! {
    /// Where a delivery stands.
    pub enum DeliveryState {
        /// Waiting for its (next) attempt.
        Pending,
        /// The receiver answered with a 2xx status.
        Delivered,
        /// Given up on (the endpoint was disabled).
        Failed,
    }
}

dto! {
    /// A webhook endpoint, without its secret.
    pub struct Webhook {
        /// Id.
        pub id: WebhookId,
        /// Where events are POSTed (`http` or `https`).
        pub url: String,
        /// The subscribed events (see `WEBHOOK_EVENTS`).
        pub events: Vec<String>,
        /// Whether events are delivered.
        pub enabled: bool,
        /// Why Natter disabled it (deliveries kept failing), if it did.
        pub disabled_reason: Option<String>,
        /// When it was created.
        pub created_at: DateTime<Utc>,
    }

    /// `POST /webhooks` (admin).
    pub struct CreateWebhook {
        /// Where to POST events.
        pub url: String,
        /// Events to subscribe to.
        pub events: Vec<String>,
    }

    /// A created webhook with its signing secret, shown in this answer only.
    pub struct CreatedWebhook {
        /// The endpoint.
        pub webhook: Webhook,
        /// The secret that signs every request (`Natter-Signature`).
        pub secret: String,
    }

    /// `PATCH /webhooks/{id}` (admin): fields to change.
    pub struct UpdateWebhook {
        /// New URL.
        #[serde(default)]
        pub url: Option<String>,
        /// New subscription.
        #[serde(default)]
        pub events: Option<Vec<String>>,
        /// Enable (clears the reason it was disabled) or disable.
        #[serde(default)]
        pub enabled: Option<bool>,
    }

    /// One delivery of one event to one endpoint, with its last attempt.
    pub struct WebhookDelivery {
        /// Delivery id (the `Natter-Delivery` header; the same on every retry).
        pub id: DeliveryId,
        /// The endpoint.
        pub webhook_id: WebhookId,
        /// The event's name.
        pub event: String,
        /// The event's sequence in the log (none for tests).
        pub seq: Option<i64>,
        /// Where it stands.
        pub state: DeliveryState,
        /// Attempts made.
        pub attempts: i32,
        /// HTTP status of the last attempt, if the receiver answered.
        pub status_code: Option<i32>,
        /// Time the last attempt took, in milliseconds.
        pub latency_ms: Option<i64>,
        /// What went wrong in the last attempt.
        pub error: Option<String>,
        /// When the next attempt is due (pending deliveries).
        pub next_attempt_at: Option<DateTime<Utc>>,
        /// When it was queued.
        pub created_at: DateTime<Utc>,
    }

    /// An event of `GET /events`: the body a webhook receives, without the delivery id.
    pub struct LoggedEvent {
        /// Its sequence in the log: resume with `after=<seq>`.
        pub seq: i64,
        /// The event's name (`message.created`, …).
        pub event: String,
        /// When it happened.
        pub created_at: DateTime<Utc>,
        /// The change: the same DTOs as the REST API, tagged by `type`.
        #[cfg_attr(feature = "openapi", schema(value_type = crate::events::Event))]
        pub data: serde_json::Value,
    }

    /// A page of `GET /events`.
    pub struct EventsPage {
        /// Events after the asked sequence, in order.
        pub items: Vec<LoggedEvent>,
        /// Pass as `after` for the next page.
        pub next_after: i64,
        /// Whether more events are waiting after this page.
        pub has_more: bool,
    }
}
