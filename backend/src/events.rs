//! Events of the log as the server holds them once committed.
//!
//! An event is serialised once, when it is appended; the frame each kind of
//! socket gets is built from that text once and shared by every socket that
//! receives it. Only the dot differs between agents, so a conversation event has
//! at most one frame per dot value.

use crate::clock::millis;
use crate::entities::events;
use bytestring::ByteString;
use sea_orm::{DbErr, Set};
use shared::events::Event;
use shared::{ContactId, ConversationId, Dot, Timestamp};
use std::sync::{Arc, OnceLock};

/// What an appended event concerns, for routing it to the right readers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EventScope {
    /// The conversation, if any.
    pub conversation: Option<ConversationId>,
    /// The contact whose visitor may see it, if any.
    pub contact: Option<ContactId>,
    /// Whether only agents may ever see it.
    pub agents_only: bool,
}

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
        let scope = EventScope {
            conversation: row.conversation_id.map(ConversationId),
            contact: row.contact_id.map(ContactId),
            agents_only: row.agents_only,
        };
        Self::from_parts(row.seq, scope, &row.payload, crate::clock::from_millis(row.created_at))
    }

    /// An event from its stored parts (the log, or another node).
    pub fn from_parts(seq: i64, scope: EventScope, payload: &str, created_at: Timestamp) -> Option<Self> {
        let mut event: Event = serde_json::from_str(payload).ok()?;
        event.set_seq(seq);
        Some(Self { seq, scope, event, created_at, payload: payload.into(), agent_frames: Default::default() })
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

/// Where committed events go: the writer hands every committed batch, in
/// sequence order, to a sink (the bus), which knows nothing of the writer.
pub trait EventSink: Send + Sync + 'static {
    /// A batch committed.
    fn committed(&self, events: Vec<StoredEvent>);
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::{Conversation, ConversationStatus};

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
            label_ids: vec![shared::LabelId(uuid::Uuid::nil())],
            snoozed_until: Some(now),
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
