//! The bus: committed events, in sequence order, to whoever listens in this process.
//!
//! An event is serialised once, when it is appended; the frame each kind of
//! socket gets is built from that text once and shared by every socket that
//! receives it. Only the dot differs between agents, so a conversation event has
//! at most one frame per dot value.

use crate::clock::millis;
use crate::db::EventScope;
use crate::entities::events;
use bytestring::ByteString;
use sea_orm::{DbErr, Set};
use shared::events::Event;
use shared::{Dot, Timestamp};
use std::sync::{Arc, OnceLock};
use tokio::sync::broadcast;

/// An event as stored in the log.
#[derive(Debug)]
pub struct StoredEvent {
    /// Its sequence number.
    pub seq: i64,
    /// Who it concerns.
    pub scope: EventScope,
    /// The change.
    pub event: Event,
    /// When it happened.
    pub created_at: Timestamp,
    /// `event` as JSON, as the log keeps it.
    pub payload: Arc<str>,
    /// The agents' frame, per dot (only conversation events carry a dot).
    agent_frames: [OnceLock<ByteString>; 3],
}

impl StoredEvent {
    /// An event with its sequence (stamped on the message it carries, if any).
    pub fn new(seq: i64, scope: EventScope, mut event: Event, created_at: Timestamp) -> Result<Self, DbErr> {
        event.set_seq(seq);
        let payload: Arc<str> = serde_json::to_string(&event).map_err(|e| DbErr::Custom(e.to_string()))?.into();
        Ok(Self { seq, scope, event, created_at, payload, agent_frames: Default::default() })
    }

    /// An event read back from the log.
    pub fn from_row(row: events::Model) -> Option<Self> {
        let mut event: Event = serde_json::from_str(&row.payload).ok()?;
        event.set_seq(row.seq);
        let scope = EventScope {
            conversation: row.conversation_id.map(shared::ConversationId),
            contact: row.contact_id.map(shared::ContactId),
            agents_only: row.agents_only,
        };
        let created_at = crate::clock::from_millis(row.created_at);
        Some(Self {
            seq: row.seq,
            scope,
            event,
            created_at,
            payload: row.payload.into(),
            agent_frames: Default::default(),
        })
    }

    /// The row that stores it.
    pub fn row(&self) -> events::ActiveModel {
        events::ActiveModel {
            seq: Set(self.seq),
            kind: Set(self.event.name().to_owned()),
            conversation_id: Set(self.scope.conversation.map(|c| c.0)),
            contact_id: Set(self.scope.contact.map(|c| c.0)),
            agents_only: Set(self.scope.agents_only),
            payload: Set(self.payload.to_string()),
            created_at: Set(millis(self.created_at)),
        }
    }

    /// The `event` frame an agent receives, carrying `dot` on a conversation:
    /// `{"type":"event","seq":…,"event":…}`, built once per dot.
    pub fn agent_frame(&self, dot: Dot) -> ByteString {
        let index = match dot {
            Dot::None => 0,
            Dot::Purple => 1,
            Dot::Red => 2,
        };
        self.agent_frames[index]
            .get_or_init(|| {
                let event = match (&self.event, dot) {
                    (_, Dot::None) => None,
                    (Event::ConversationCreated { conversation }, dot) => {
                        Some(Event::ConversationCreated { conversation: with_dot(conversation, dot) })
                    }
                    (Event::ConversationUpdated { conversation }, dot) => {
                        Some(Event::ConversationUpdated { conversation: with_dot(conversation, dot) })
                    }
                    (Event::MessageCreated { message, conversation: Some(conversation) }, dot) => {
                        Some(Event::MessageCreated {
                            message: message.clone(),
                            conversation: Some(Box::new(with_dot(conversation, dot))),
                        })
                    }
                    _ => None,
                };
                let payload = match event {
                    Some(event) => serde_json::to_string(&event).map(Arc::<str>::from).ok(),
                    None => None,
                };
                let payload = payload.as_deref().unwrap_or(&self.payload);
                format!(r#"{{"type":"event","seq":{},"event":{payload}}}"#, self.seq).into()
            })
            .clone()
    }
}

fn with_dot(conversation: &shared::api::Conversation, dot: Dot) -> shared::api::Conversation {
    shared::api::Conversation { dot, ..conversation.clone() }
}

/// In-process broadcast of committed events, in sequence order.
#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Arc<StoredEvent>>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new(16_384)
    }
}

impl EventBus {
    /// A bus that keeps up to `capacity` events for slow listeners.
    pub fn new(capacity: usize) -> Self {
        Self { sender: broadcast::channel(capacity).0 }
    }

    /// Listens from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<StoredEvent>> {
        self.sender.subscribe()
    }

    /// Events published that the slowest listener has not taken yet.
    pub fn lag(&self) -> usize {
        self.sender.len()
    }

    /// Publishes committed events, which come in sequence order.
    pub fn publish(&self, events: Vec<StoredEvent>) {
        for event in events {
            // No listener is not an error: the log keeps the event.
            let _ = self.sender.send(Arc::new(event));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::{Conversation, ConversationStatus};
    use shared::{ContactId, ConversationId};

    fn conversation() -> Conversation {
        let now = chrono::Utc::now();
        Conversation {
            id: ConversationId(uuid::Uuid::nil()),
            contact_id: ContactId(uuid::Uuid::nil()),
            contact_name: Some("Vera".into()),
            contact_email: None,
            status: ConversationStatus::Open,
            assignee_id: None,
            group_id: None,
            awaiting_reply_since: Some(now),
            last_visitor_message_at: Some(now),
            last_visitor_seq: Some(3),
            missed_at: None,
            last_activity_at: now,
            last_message_preview: Some("hola".into()),
            created_at: now,
            closed_at: None,
            dot: Dot::None,
        }
    }

    #[test]
    fn the_shared_frame_is_the_frame_serde_would_write() {
        let event = Event::ConversationUpdated { conversation: conversation() };
        let stored = StoredEvent::new(7, EventScope::default(), event.clone(), chrono::Utc::now()).expect("event");
        for dot in [Dot::None, Dot::Purple, Dot::Red] {
            let mut expected = event.clone();
            if let Event::ConversationUpdated { conversation } = &mut expected {
                conversation.dot = dot;
            }
            let frame = shared::frames::AgentServerFrame::Event { seq: 7, event: expected };
            assert_eq!(stored.agent_frame(dot).as_ref(), serde_json::to_string(&frame).expect("json"));
        }
    }
}
