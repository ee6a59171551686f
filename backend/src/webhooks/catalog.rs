//! Which webhook event a logged event is, and the body every receiver (and
//! `GET /events`) gets for it.

use crate::clock::millis;
use crate::events::StoredEvent;
use shared::Timestamp;
use shared::api::MessageKind;
use shared::events::Event;

/// A logged event as integrators see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Named {
    /// The event's name (`message.created`, …).
    pub name: &'static str,
    /// The subscription an endpoint needs to receive it.
    pub subscription: &'static str,
}

impl Named {
    fn same(name: &'static str) -> Self {
        Self { name, subscription: name }
    }
}

/// Names a logged event; `None` for changes integrators do not get (a system
/// note that is not a close, reopen or assignment).
pub fn name(stored: &StoredEvent) -> Option<Named> {
    let at = millis(stored.created_at);
    match &stored.event {
        Event::MessageCreated { message, conversation } => match message.kind {
            MessageKind::Visitor | MessageKind::Reply => Some(Named::same("message.created")),
            MessageKind::Comment => Some(Named { name: "message.created", subscription: "message.comment" }),
            MessageKind::System => {
                let closed = conversation.as_ref().is_some_and(|c| c.status == shared::api::ConversationStatus::Closed);
                system_note(&message.body, closed).map(Named::same)
            }
        },
        Event::ConversationCreated { .. } => Some(Named::same("conversation.created")),
        Event::ConversationUpdated { conversation } => {
            Some(Named::same(if conversation.missed_at.is_some_and(|m| millis(m) == at) {
                "conversation.missed"
            } else {
                "conversation.updated"
            }))
        }
        Event::ConversationDeleted { .. } => Some(Named::same("conversation.deleted")),
        Event::ContactDeleted { .. } => Some(Named::same("contact.deleted")),
        Event::ContactUpdated { contact } => Some(Named::same(if contact.banned_at.is_some_and(|b| millis(b) == at) {
            "contact.banned"
        } else if millis(contact.created_at) == at {
            "contact.created"
        } else {
            "contact.updated"
        })),
    }
}

/// The notes the domain writes when an agent closes, reopens or assigns
/// (`conversation_actions`): the event carries the conversation after the change.
fn system_note(body: &str, closed: bool) -> Option<&'static str> {
    if body.starts_with("Closed by ") && closed {
        Some("conversation.closed")
    } else if body.starts_with("Reopened by ") && !closed {
        Some("conversation.reopened")
    } else if body.starts_with("Assigned to ") || body.starts_with("Unassigned by ") {
        Some("conversation.assigned")
    } else {
        None
    }
}

/// The JSON body: `{"id"?, "event", "seq", "created_at", "data"}`, where `data`
/// is the logged payload as it is (the REST API's DTOs, tagged by `type`).
pub fn body(delivery: Option<uuid::Uuid>, name: &str, seq: Option<i64>, created_at: Timestamp, data: &str) -> String {
    let id = delivery.map(|d| format!(r#""id":"{d}","#)).unwrap_or_default();
    let seq = seq.map(|s| format!(r#""seq":{s},"#)).unwrap_or_default();
    let name = serde_json::Value::from(name);
    let created_at = serde_json::to_string(&created_at).unwrap_or_else(|_| "null".into());
    format!(r#"{{{id}"event":{name},{seq}"created_at":{created_at},"data":{data}}}"#)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_name_the_action_they_record() {
        assert_eq!(system_note("Closed by Ana", true), Some("conversation.closed"));
        assert_eq!(system_note("Reopened by Ana", false), Some("conversation.reopened"));
        assert_eq!(system_note("Assigned to Ana by Bo", false), Some("conversation.assigned"));
        assert_eq!(system_note("Unassigned by Bo", true), Some("conversation.assigned"));
        assert_eq!(system_note("Merged", false), None);
    }

    #[test]
    fn the_body_is_json_with_the_payload_inside() {
        let at = chrono::Utc::now();
        let text = body(Some(uuid::Uuid::nil()), "message.created", Some(7), at, r#"{"type":"x"}"#);
        let value: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(value["event"], "message.created");
        assert_eq!(value["seq"], 7);
        assert_eq!(value["data"]["type"], "x");
        assert_eq!(value["id"], uuid::Uuid::nil().to_string());
    }
}
