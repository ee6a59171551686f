//! The inbox's live state, shared through context: the loaded conversations,
//! the open thread, the team and who is online. REST fills it; the socket's
//! events keep it current without reloading.

use leptos::prelude::*;
use shared::api::{Agent, Contact, Conversation, ConversationStatus, Group, Label, Message};
use shared::events::Event;
use shared::frames::{AgentPresence, Typist, VisitorPresence};
use shared::{AgentId, ContactId, ConversationId, Dot, GroupId, LabelId};
use std::collections::{HashMap, HashSet};

/// Which conversations the list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFilter {
    Mine,
    Unassigned,
    Open,
    Closed,
    Missed,
    Snoozed,
    Group(GroupId),
}

impl ListFilter {
    /// The query parameters of `GET /conversations` for this filter.
    pub fn query(self) -> Vec<(&'static str, String)> {
        match self {
            Self::Mine => vec![("filter", "mine".into())],
            Self::Unassigned => vec![("filter", "unassigned".into())],
            Self::Open => vec![("filter", "open".into())],
            Self::Closed => vec![("filter", "closed".into())],
            Self::Missed => vec![("filter", "missed".into())],
            Self::Snoozed => vec![("filter", "snoozed".into())],
            Self::Group(id) => vec![("filter", "open".into()), ("group_id", id.to_string())],
        }
    }
}

/// The socket's state, shown to the agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Live,
    Reconnecting,
}

/// Someone typing in a conversation, until `until_ms`.
#[derive(Clone, Debug, PartialEq)]
pub struct Typing {
    pub typist: Typist,
    pub until_ms: f64,
}

/// The inbox state (cheap to copy: every field is a signal).
#[derive(Clone, Copy)]
pub struct Store {
    pub me: RwSignal<Option<Agent>>,
    pub conversations: RwSignal<HashMap<ConversationId, Conversation>>,
    pub next_cursor: RwSignal<Option<String>>,
    pub list_loading: RwSignal<bool>,
    pub filter: RwSignal<ListFilter>,
    /// Only conversations with this label, whatever the filter.
    pub label_filter: RwSignal<Option<LabelId>>,
    pub search: RwSignal<String>,
    pub selected: RwSignal<Option<ConversationId>>,
    /// Conversations picked for a bulk action, and the last one picked (for shift-click).
    pub picked: RwSignal<HashSet<ConversationId>>,
    pub last_picked: RwSignal<Option<ConversationId>>,
    /// The open conversation's messages, oldest first.
    pub thread: RwSignal<Vec<Message>>,
    pub thread_cursor: RwSignal<Option<String>>,
    /// The open conversation's contact.
    pub contact: RwSignal<Option<Contact>>,
    pub agents: RwSignal<Vec<Agent>>,
    pub groups: RwSignal<Vec<Group>>,
    /// The team's labels, by name.
    pub labels: RwSignal<Vec<Label>>,
    pub presence: RwSignal<HashMap<AgentId, AgentPresence>>,
    pub visitors: RwSignal<HashMap<ContactId, VisitorPresence>>,
    pub typing: RwSignal<HashMap<ConversationId, Typing>>,
    pub link: RwSignal<Link>,
    /// Bumped when the server asks for a reload: lists and threads fetch again.
    pub reloads: RwSignal<u32>,
    /// Largest attachment the server takes, in bytes (from its public config).
    pub max_upload_bytes: RwSignal<u64>,
    /// Whether the server sends email (replies can be emailed).
    pub email_enabled: RwSignal<bool>,
}

/// What an event means for the agent's attention.
pub enum Alert {
    /// Something new for this agent: sound and notification.
    New { conversation_id: ConversationId, title: String, body: String },
}

impl Store {
    pub fn new() -> Self {
        Self {
            me: RwSignal::new(None),
            conversations: RwSignal::new(HashMap::new()),
            next_cursor: RwSignal::new(None),
            list_loading: RwSignal::new(false),
            filter: RwSignal::new(ListFilter::Open),
            label_filter: RwSignal::new(None),
            search: RwSignal::new(String::new()),
            selected: RwSignal::new(None),
            picked: RwSignal::new(HashSet::new()),
            last_picked: RwSignal::new(None),
            thread: RwSignal::new(Vec::new()),
            thread_cursor: RwSignal::new(None),
            contact: RwSignal::new(None),
            agents: RwSignal::new(Vec::new()),
            groups: RwSignal::new(Vec::new()),
            labels: RwSignal::new(Vec::new()),
            presence: RwSignal::new(HashMap::new()),
            visitors: RwSignal::new(HashMap::new()),
            typing: RwSignal::new(HashMap::new()),
            link: RwSignal::new(Link::Connecting),
            reloads: RwSignal::new(0),
            max_upload_bytes: RwSignal::new(shared::limits::DEFAULT_MAX_UPLOAD_BYTES),
            email_enabled: RwSignal::new(false),
        }
    }

    fn my_id(&self) -> Option<AgentId> {
        self.me.with_untracked(|m| m.as_ref().map(|m| m.id))
    }

    fn my_groups(&self) -> Vec<GroupId> {
        let Some(me) = self.my_id() else { return Vec::new() };
        self.groups.with_untracked(|gs| gs.iter().filter(|g| g.member_ids.contains(&me)).map(|g| g.id).collect())
    }

    /// Opens `id` (or nothing). The conversation left behind, kept listed while
    /// open, leaves the list if it no longer belongs there (closed, snoozed).
    pub fn select(&self, id: Option<ConversationId>) {
        let left = self.selected.get_untracked().filter(|open| Some(*open) != id);
        self.selected.set(id);
        if let Some(left) = left
            && self.conversations.with_untracked(|m| m.get(&left).is_some_and(|c| !self.matches(c)))
        {
            self.conversations.update(|m| drop(m.remove(&left)));
        }
    }

    /// Whether `c` belongs in the list under the current filter and search.
    pub fn matches(&self, c: &Conversation) -> bool {
        let open = c.status == ConversationStatus::Open;
        // Snoozed conversations are out of the working lists until they wake.
        let snoozed = c.snoozed_until.is_some();
        let listed = match self.filter.get_untracked() {
            ListFilter::Snoozed => open && snoozed,
            _ if open && snoozed => false,
            ListFilter::Open => open,
            ListFilter::Closed => !open,
            ListFilter::Missed => open && c.missed_at.is_some(),
            ListFilter::Unassigned => open && c.assignee_id.is_none(),
            ListFilter::Group(g) => open && c.group_id == Some(g),
            ListFilter::Mine => {
                open && (c.assignee_id == self.my_id()
                    || c.assignee_id.is_none() && c.group_id.is_some_and(|g| self.my_groups().contains(&g)))
            }
        };
        let labelled = self.label_filter.get_untracked().is_none_or(|l| c.label_ids.contains(&l));
        let q = self.search.get_untracked().trim().to_lowercase();
        listed
            && labelled
            && (q.is_empty()
                || [&c.contact_name, &c.contact_email, &c.last_message_preview]
                    .iter()
                    .any(|f| f.as_deref().is_some_and(|f| f.to_lowercase().contains(&q))))
    }

    /// The query of `GET /conversations` for the current filter and search.
    pub fn list_query(&self) -> Vec<(&'static str, String)> {
        let mut query = self.filter.get_untracked().query();
        if let Some(label) = self.label_filter.get_untracked() {
            query.push(("label_id", label.to_string()));
        }
        let q = self.search.get_untracked();
        if !q.trim().is_empty() {
            query.push(("q", q.trim().to_owned()));
        }
        query
    }

    /// The listed conversations, most recent activity first (tracked).
    pub fn listed(&self) -> Vec<Conversation> {
        self.conversations.track();
        self.listed_untracked()
    }

    /// How many conversations want this agent's attention (for the tab title).
    pub fn attention(&self) -> usize {
        self.conversations.with(|m| m.values().filter(|c| c.dot != Dot::None).count())
    }

    /// A conversation as the server returned it after a change made here.
    pub fn changed(&self, conversation: Conversation) {
        self.upsert(conversation);
    }

    /// Picks or unpicks `id` for a bulk action; with `range`, everything listed
    /// between the last one picked and `id` takes `id`'s new state.
    pub fn pick(&self, id: ConversationId, range: bool) {
        let on = !self.picked.with_untracked(|p| p.contains(&id));
        let listed: Vec<ConversationId> = self.listed_untracked().into_iter().map(|c| c.id).collect();
        let span = match (range, self.last_picked.get_untracked()) {
            (true, Some(last)) => {
                match (listed.iter().position(|c| *c == last), listed.iter().position(|c| *c == id)) {
                    (Some(a), Some(b)) => listed[a.min(b)..=a.max(b)].to_vec(),
                    _ => vec![id],
                }
            }
            _ => vec![id],
        };
        self.picked.update(|p| {
            for c in span {
                if on {
                    p.insert(c);
                } else {
                    p.remove(&c);
                }
            }
        });
        self.last_picked.set(Some(id));
    }

    fn listed_untracked(&self) -> Vec<Conversation> {
        let mut items: Vec<Conversation> = self.conversations.with_untracked(|m| m.values().cloned().collect());
        items.sort_by(|a, b| b.last_activity_at.cmp(&a.last_activity_at).then(b.id.0.cmp(&a.id.0)));
        items
    }

    /// Keeps a changed conversation in step: updated or dropped if listed; added
    /// if it belongs and sorts within the pages loaded so far (one beyond them,
    /// an old conversation changed elsewhere, comes with its page as the list scrolls).
    fn upsert(&self, conversation: Conversation) {
        let selected = self.selected.get_untracked() == Some(conversation.id);
        let keep = self.matches(&conversation) || selected;
        let listed = self.conversations.with_untracked(|m| m.contains_key(&conversation.id));
        if keep && !listed && !selected && !self.within_loaded(&conversation) {
            return;
        }
        self.conversations.update(|m| {
            if keep {
                m.insert(conversation.id, conversation);
            } else {
                m.remove(&conversation.id);
            }
        });
    }

    /// Whether `c` sorts before the end of the loaded pages (always, once every page is loaded).
    fn within_loaded(&self, c: &Conversation) -> bool {
        if self.next_cursor.with_untracked(Option::is_none) {
            return true;
        }
        let key = |c: &Conversation| (c.last_activity_at, c.id.0);
        self.conversations.with_untracked(|m| m.values().map(key).min()).is_none_or(|last| key(c) > last)
    }

    /// Applies one event from the log; returns what the agent should be alerted to.
    pub fn apply(&self, event: Event) -> Option<Alert> {
        match event {
            Event::MessageCreated { message, conversation } => {
                let alert = self.alert_for(&message);
                if let Some(conversation) = conversation {
                    self.upsert(*conversation);
                }
                if self.selected.get_untracked() == Some(message.conversation_id) {
                    self.thread.update(|t| {
                        if !t.iter().any(|m| m.id == message.id) {
                            t.push(message);
                            t.sort_by_key(|m| m.seq);
                        }
                    });
                }
                alert
            }
            Event::ConversationCreated { conversation } | Event::ConversationUpdated { conversation } => {
                self.upsert(conversation);
                None
            }
            Event::ConversationDeleted { conversation_id, .. } => {
                self.conversations.update(|m| {
                    m.remove(&conversation_id);
                });
                if self.selected.get_untracked() == Some(conversation_id) {
                    self.selected.set(None);
                    self.thread.set(Vec::new());
                }
                None
            }
            Event::ContactDeleted { contact_id } => {
                self.conversations.update(|m| m.retain(|_, c| c.contact_id != contact_id));
                if self.contact.with_untracked(|c| c.as_ref().is_some_and(|c| c.id == contact_id)) {
                    self.contact.set(None);
                }
                None
            }
            Event::ContactUpdated { contact } => {
                self.conversations.update(|m| {
                    for c in m.values_mut().filter(|c| c.contact_id == contact.id) {
                        c.contact_name = contact.name.clone();
                        c.contact_email = contact.email.clone();
                    }
                });
                if self.contact.with_untracked(|c| c.as_ref().is_some_and(|c| c.id == contact.id)) {
                    self.contact.set(Some(contact));
                }
                None
            }
        }
    }

    fn alert_for(&self, message: &Message) -> Option<Alert> {
        if message.kind != shared::api::MessageKind::Visitor {
            return None;
        }
        let conversation = self.conversations.with_untracked(|m| m.get(&message.conversation_id).cloned());
        let mine = conversation.as_ref().is_none_or(|c| {
            c.assignee_id.is_none()
                && (c.group_id.is_none() || c.group_id.is_some_and(|g| self.my_groups().contains(&g)))
                || c.assignee_id == self.my_id()
        });
        if !mine {
            return None;
        }
        let title = conversation
            .and_then(|c| c.contact_name.or(c.contact_email))
            .or_else(|| message.author_name.clone())
            .unwrap_or_default();
        Some(Alert::New {
            conversation_id: message.conversation_id,
            title,
            body: message.body.chars().take(140).collect(),
        })
    }

    /// The recipient's own dot changed (read in another tab).
    pub fn set_dot(&self, id: ConversationId, dot: Dot) {
        self.conversations.update(|m| {
            if let Some(c) = m.get_mut(&id) {
                c.dot = dot;
            }
        });
    }

    pub fn set_typing(&self, id: ConversationId, typist: Typist, typing: bool) {
        self.typing.update(|t| {
            if typing {
                t.insert(id, Typing { typist, until_ms: js_sys::Date::now() + 6_000.0 });
            } else {
                t.remove(&id);
            }
        });
    }

    /// Forgets typing signals that were never followed by a "stopped" (a closed tab).
    pub fn expire_typing(&self) {
        let now = js_sys::Date::now();
        if self.typing.with_untracked(|t| t.values().any(|t| t.until_ms < now)) {
            self.typing.update(|t| t.retain(|_, t| t.until_ms >= now));
        }
    }

    /// A name for an agent id.
    pub fn agent_name(&self, id: AgentId) -> Option<String> {
        self.agents.with(|a| a.iter().find(|a| a.id == id).map(|a| a.name.clone()))
    }

    pub fn group_name(&self, id: GroupId) -> Option<String> {
        self.groups.with(|g| g.iter().find(|g| g.id == id).map(|g| g.name.clone()))
    }

    /// A conversation's labels that the team still has, by name.
    pub fn labels_of(&self, c: &Conversation) -> Vec<Label> {
        self.labels.with(|all| all.iter().filter(|l| c.label_ids.contains(&l.id)).cloned().collect())
    }

    pub fn is_online(&self, id: AgentId) -> bool {
        self.presence.with(|p| p.get(&id).is_some_and(|p| p.online))
    }
}
