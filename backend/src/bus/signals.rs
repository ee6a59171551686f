//! Signals: what happens now and is not logged — typing, presence, a read in
//! another tab, a change of the team. Some cross nodes (typing, reads, visitors
//! coming and going, team edits); others each node works out for itself from
//! what it knows (who of the team is online).

use serde::{Deserialize, Serialize};
use shared::frames::{AgentPresence, Typist, VisitorPresence};
use shared::{AgentId, ContactId, ConversationId};

/// Something that happened now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Signal {
    /// Someone started or stopped typing.
    Typing {
        /// The conversation.
        conversation: ConversationId,
        /// Its contact.
        contact: ContactId,
        /// Who.
        typist: Typist,
        /// Typing a reply (shown to the visitor) rather than a comment.
        reply: bool,
        /// Typing now?
        typing: bool,
    },
    /// A visitor came, left or changed page.
    Visitor(VisitorPresence),
    /// An agent read a conversation (their other tabs update the dot).
    Read {
        /// The agent.
        agent: AgentId,
        /// The conversation.
        conversation: ConversationId,
        /// Up to which message.
        read_seq: i64,
    },
    /// Agents, groups or availability changed: reload the team.
    TeamChanged,
    /// The set of connected agents changed (on this node or another).
    AgentsConnected,
    /// An agent came online or went offline, as this node works it out.
    Agent(AgentPresence),
    /// Whether any agent is online, as this node works it out.
    TeamOnline(bool),
}

impl Signal {
    /// Whether the signal is sent to the other nodes (the rest each node derives).
    pub fn crosses_nodes(&self) -> bool {
        matches!(self, Self::Typing { .. } | Self::Visitor(_) | Self::Read { .. } | Self::TeamChanged)
    }
}
