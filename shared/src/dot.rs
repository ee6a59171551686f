//! The status dot of a conversation card (DESIGN §2), as one pure function.
//!
//! | dot    | when |
//! |--------|------|
//! | none   | read, answered or closed |
//! | purple | new and unassigned, or a new visitor message in a conversation assigned to the viewer — until the viewer opens it; or marked unread by the viewer (by hand, or by a snooze that ended) |
//! | red    | the visitor's latest message is unanswered and either every assigned agent is offline or the reply deadline has passed |
//!
//! Precedence: closed → none; else red; else purple; else none.

use crate::{AgentId, GroupId, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The dot shown on a conversation card, per viewing agent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Dot {
    /// Nothing needs the viewer's attention.
    #[default]
    None,
    /// New for the viewer: unassigned and unread, or assigned to the viewer and unread.
    Purple,
    /// Missed: the visitor is waiting and nobody answered in time (or nobody is online).
    Red,
}

/// What the rule needs to know about a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DotConversation {
    /// Closed conversations never show a dot.
    pub closed: bool,
    /// The agent the conversation is assigned to, if any.
    pub assignee: Option<AgentId>,
    /// The group the conversation is assigned to, if any.
    pub group: Option<GroupId>,
    /// When the oldest visitor message that no agent has replied to was sent;
    /// `None` once an agent replied (an internal comment is not a reply).
    pub awaiting_reply_since: Option<Timestamp>,
    /// Event-log sequence of the visitor's latest message.
    pub last_visitor_seq: Option<i64>,
}

/// The read mark of an agent who marked a conversation unread: below every
/// message sequence, so "read up to" it means nothing was read, and the rule
/// shows them purple whatever the conversation's state (until closed or red).
pub const MARKED_UNREAD: i64 = -1;

/// The agent looking at the card. A `None` viewer (an API key) has no read state.
/// Read state is kept as message sequence numbers, which are exact where two
/// timestamps can fall in the same millisecond.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DotViewer {
    /// Who is looking.
    pub agent: AgentId,
    /// The latest message sequence this agent has read in the conversation.
    pub last_read_seq: Option<i64>,
}

/// The team as the rule sees it: who is online, and who belongs to which group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Team {
    /// Every active agent.
    pub agents: HashSet<AgentId>,
    /// Agents who are online now (connected and available).
    pub online: HashSet<AgentId>,
    /// Members of each group.
    pub groups: HashMap<GroupId, HashSet<AgentId>>,
}

impl Team {
    /// Whether `agent` belongs to `group`.
    pub fn is_member(&self, group: GroupId, agent: AgentId) -> bool {
        self.groups.get(&group).is_some_and(|m| m.contains(&agent))
    }

    /// Whether at least one of the agents responsible for the conversation is online:
    /// the assignee; else the group's members; else every agent.
    pub fn assigned_agents_online(&self, assignee: Option<AgentId>, group: Option<GroupId>) -> bool {
        match (assignee, group) {
            (Some(agent), _) => self.online.contains(&agent),
            (None, Some(group)) => {
                self.groups.get(&group).is_some_and(|members| members.iter().any(|a| self.online.contains(a)))
            }
            (None, None) => self.agents.iter().any(|a| self.online.contains(a)),
        }
    }

    /// Whether the conversation counts as assigned to `agent`: they are the assignee,
    /// or there is no agent assignee and they belong to the assigned group.
    pub fn is_assigned_to(&self, conv: &DotConversation, agent: AgentId) -> bool {
        match (conv.assignee, conv.group) {
            (Some(assignee), _) => assignee == agent,
            (None, Some(group)) => self.is_member(group, agent),
            (None, None) => false,
        }
    }
}

/// Whether the conversation is missed (red) — the same for every viewer.
pub fn is_missed(conv: &DotConversation, team: &Team, now: Timestamp, missed_after: chrono::Duration) -> bool {
    let Some(since) = conv.awaiting_reply_since else {
        return false;
    };
    !conv.closed && (now >= since + missed_after || !team.assigned_agents_online(conv.assignee, conv.group))
}

/// When the conversation turns red by the deadline, if it is waiting for a reply.
pub fn missed_deadline(conv: &DotConversation, missed_after: chrono::Duration) -> Option<Timestamp> {
    conv.awaiting_reply_since.filter(|_| !conv.closed).map(|since| since + missed_after)
}

/// The dot `viewer` sees on `conv` at `now`.
pub fn dot(
    conv: &DotConversation,
    viewer: Option<&DotViewer>,
    team: &Team,
    now: Timestamp,
    missed_after: chrono::Duration,
) -> Dot {
    if conv.closed {
        return Dot::None;
    }
    if is_missed(conv, team, now, missed_after) {
        return Dot::Red;
    }
    if viewer.is_some_and(|v| v.last_read_seq == Some(MARKED_UNREAD)) {
        return Dot::Purple;
    }
    if conv.awaiting_reply_since.is_none() {
        return Dot::None;
    }
    let unread = |v: &DotViewer| match (conv.last_visitor_seq, v.last_read_seq) {
        (Some(wrote), Some(read)) => wrote > read,
        (Some(_), None) => true,
        (None, _) => false,
    };
    let nobody_assigned = conv.assignee.is_none() && conv.group.is_none();
    let purple = match viewer {
        Some(v) => unread(v) && (nobody_assigned || team.is_assigned_to(conv, v.agent)),
        None => nobody_assigned && conv.last_visitor_seq.is_some(),
    };
    if purple { Dot::Purple } else { Dot::None }
}

#[cfg(test)]
mod tests;
