//! Messages, written many at a time: everything a batch of sends needs is read
//! with a few queries (messages already stored under the same client ids, the
//! conversations, the visitors' contacts), each send is decided in memory in
//! order, and the rows go in with multi-row statements. A send that can't be
//! stored (banned visitor, unknown conversation, file already attached) fails
//! alone; if a statement fails, the batch's sends are written again one by one,
//! so only the one at fault fails.

use super::batch::{Appended, Batch};
use super::rows::{ContactRow, ConversationRow, select_rows};
use super::unavailable;
use crate::entities::{attachments, contacts, conversations, messages};
use crate::error::{ApiError, ApiResult};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, Value};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, IdenStatic, QueryFilter, QuerySelect, Set,
    Statement, TransactionTrait,
};
use shared::api::{Attachment, Message, MessageKind};
use shared::events::Event;
use shared::{AgentId, ContactId, ConversationId, Dot, MessageId};
use std::collections::{HashMap, HashSet};
use tokio::sync::oneshot;
use uuid::Uuid;

/// Rows per multi-row statement (well under both databases' parameter limits).
const CHUNK: usize = 500;

/// Where a message goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostTarget {
    /// A conversation, by id (agents and integrators).
    Conversation(ConversationId),
    /// The visitor's latest conversation, reopened if closed, or a new one.
    Visitor(ContactId),
}

/// A checked message, ready to store.
#[derive(Clone, Debug)]
pub struct NewPost {
    /// Where it goes.
    pub target: PostTarget,
    /// Its id.
    pub id: Uuid,
    /// What it is.
    pub kind: MessageKind,
    /// The agent who wrote it.
    pub agent_id: Option<AgentId>,
    /// Whose client ids it uses (agent, API key or contact).
    pub author_id: Uuid,
    /// Name shown with it.
    pub author_name: Option<String>,
    /// Markdown.
    pub body: String,
    /// The rendered, sanitized HTML.
    pub html: String,
    /// The conversation card's preview after it.
    pub preview: Option<String>,
    /// The sender's id for retries.
    pub client_id: String,
    /// Files to attach: the author's, unattached when checked (checked again here).
    pub attachments: Vec<Attachment>,
    /// When, in milliseconds.
    pub now: i64,
}

/// What became of a send.
#[derive(Debug)]
pub enum Posted {
    /// Stored now.
    New(Message),
    /// Stored before under the same client id (a retry): the stored row.
    Existing(messages::Model),
    /// Sent twice in one batch: the first one, stored now.
    Repeated(Message),
}

pub(super) struct PostJob {
    pub post: NewPost,
    pub reply: oneshot::Sender<ApiResult<Posted>>,
}

/// Writes `jobs` into the batch and arranges their answers. Opening a batch,
/// they go straight into its transaction (SQLite copies every page a savepoint
/// touches: a fifth of the write's cost); if a statement fails, the transaction
/// starts over and each send is written in a savepoint of its own, so only the
/// one at fault fails. After other work in the batch, they get one savepoint.
/// Returns whether they had to be written one by one.
pub(super) async fn run(batch: &mut Batch, jobs: Vec<PostJob>) -> bool {
    if jobs.is_empty() {
        return false;
    }
    let posts: Vec<&NewPost> = jobs.iter().map(|j| &j.post).collect();
    let fresh = batch.is_fresh();
    let first = together(batch, &posts, !fresh).await;
    let failed = match first {
        Ok(outcomes) => {
            answer(batch, jobs.into_iter().zip(outcomes));
            return false;
        }
        Err(e) => e,
    };
    tracing::warn!(error = %failed, sends = jobs.len(), "a batch of sends failed; writing them one by one");
    if fresh && let Err(e) = batch.restart().await {
        for job in jobs {
            let _ = job.reply.send(Err(unavailable(&e)));
        }
        return true;
    }
    for job in jobs {
        match together(batch, &[&job.post], true).await {
            Ok(mut outcome) => answer(batch, std::iter::once(job).zip(outcome.pop())),
            Err(e) => {
                let _ = job.reply.send(Err(unavailable(e)));
            }
        }
    }
    true
}

fn answer(batch: &mut Batch, outcomes: impl Iterator<Item = (PostJob, ApiResult<Posted>)>) {
    for (job, outcome) in outcomes {
        match outcome {
            Err(e) => {
                let _ = job.reply.send(Err(e));
            }
            Ok(posted) => batch.on_commit(Box::new(move |committed| {
                let _ = job.reply.send(committed.map(|()| posted).map_err(super::batch::clone_error));
            })),
        }
    }
}

/// Decides and writes `posts`, in a savepoint when `isolated`. On a failed
/// statement the savepoint and the sequences taken are rolled back.
async fn together(batch: &mut Batch, posts: &[&NewPost], isolated: bool) -> Result<Vec<ApiResult<Posted>>, DbErr> {
    let mark = batch.log.mark();
    let savepoint = if isolated { Some(batch.txn()?.begin().await?) } else { None };
    let result = async {
        let (txn, log) = batch.parts()?;
        let db = savepoint.as_ref().unwrap_or(txn);
        let known = Known::load(db, posts).await?;
        let mut plan = Plan::default();
        let mut outcomes = Vec::with_capacity(posts.len());
        for post in posts {
            outcomes.push(plan.add(log, &known, post)?);
        }
        plan.write(db, &known).await?;
        Ok(outcomes)
    }
    .await;
    match (result, savepoint) {
        (Ok(outcomes), Some(savepoint)) => {
            savepoint.commit().await?;
            Ok(outcomes)
        }
        (Ok(outcomes), None) => Ok(outcomes),
        (Err(e), _) => {
            batch.log.rewind(mark);
            Err(e)
        }
    }
}

/// (author, client id) pairs looked up per query.
const PAIRS_PER_QUERY: usize = 200;

/// Messages with one of the (author, client id) `pairs`.
///
/// PostgreSQL gets a `VALUES` list, which it joins to the unique index, one
/// probe per pair. Written as `(author = a AND client_id = c) OR …`, its planner
/// takes a condition common to every pair out of the `OR`: when one author sent
/// many of the pairs (an agent's replies, an integration's posts) it reads every
/// message of that author from the index and intersects them with the pairs,
/// a cost that grows with the author's history (24 ms for 300 pairs at 80,000
/// messages of one author, against 0.5 ms this way; a seeded inbox's batches
/// took seconds). SQLite probes the index for each term of the `OR` (and scans
/// the table for a `VALUES` list).
fn pairs_condition(backend: DbBackend, pairs: &[&(Uuid, &str)]) -> Condition {
    if backend == DbBackend::Postgres {
        let rows: Vec<String> = (0..pairs.len()).map(|i| format!("(${}::uuid, ${})", 2 * i + 1, 2 * i + 2)).collect();
        let sql = format!("(messages.author_id, messages.client_id) IN (VALUES {})", rows.join(", "));
        let values = pairs.iter().flat_map(|(author, client_id)| [Value::from(*author), Value::from(*client_id)]);
        return Condition::all().add(Expr::cust_with_values(sql, values));
    }
    pairs.iter().fold(Condition::any(), |any, (author, client_id)| {
        any.add(
            Condition::all().add(messages::Column::AuthorId.eq(*author)).add(messages::Column::ClientId.eq(*client_id)),
        )
    })
}

/// What the database already holds about a batch of sends.
struct Known {
    existing: HashMap<(Uuid, String), messages::Model>,
    conversations: HashMap<Uuid, ConversationRow>,
    latest: HashMap<Uuid, Uuid>,
    contacts: HashMap<Uuid, ContactRow>,
}

impl Known {
    async fn load(db: &impl ConnectionTrait, posts: &[&NewPost]) -> Result<Self, DbErr> {
        // Exact (author, client id) pairs: `author IN (…) AND client_id IN (…)`
        // would probe the index for every combination of the two lists.
        // A few hundred pairs per query: SQLite refuses an expression deeper than
        // 1,000 terms, and a busy writer's batch holds thousands of sends.
        let wanted: HashSet<(Uuid, &str)> = posts.iter().map(|p| (p.author_id, p.client_id.as_str())).collect();
        let wanted_list: Vec<_> = wanted.iter().collect();
        let mut existing = HashMap::new();
        for chunk in wanted_list.chunks(PAIRS_PER_QUERY) {
            let pairs = pairs_condition(db.get_database_backend(), chunk);
            existing.extend(messages::Entity::find().filter(pairs).all(db).await?.into_iter().filter_map(|m| {
                let client_id = m.client_id.clone()?;
                let author = m.author_id?;
                wanted.contains(&(author, client_id.as_str())).then_some(((author, client_id), m))
            }));
        }
        let by_id: HashSet<Uuid> = posts
            .iter()
            .filter_map(|p| match p.target {
                PostTarget::Conversation(id) => Some(id.0),
                PostTarget::Visitor(_) => None,
            })
            .collect();
        let visitors: HashSet<Uuid> = posts
            .iter()
            .filter_map(|p| match p.target {
                PostTarget::Visitor(contact) => Some(contact.0),
                PostTarget::Conversation(_) => None,
            })
            .collect();
        let mut conversations = HashMap::new();
        let mut latest = HashMap::new();
        if !by_id.is_empty() {
            let rows = select_rows().filter(conversations::Column::Id.is_in(by_id)).into_model().all(db).await?;
            conversations.extend(rows.into_iter().map(|r: ConversationRow| (r.id, r)));
        }
        let mut contacts = HashMap::new();
        if !visitors.is_empty() {
            for row in latest_of(db, &visitors).await? {
                latest.insert(row.contact_id, row.id);
                conversations.insert(row.id, row);
            }
            let rows: Vec<ContactRow> = contacts::Entity::find()
                .select_only()
                .columns([contacts::Column::Id, contacts::Column::Name, contacts::Column::Email])
                .column(contacts::Column::BannedAt)
                .filter(contacts::Column::Id.is_in(visitors))
                .into_model()
                .all(db)
                .await?;
            contacts.extend(rows.into_iter().map(|c| (c.id, c)));
        }
        Ok(Self { existing, conversations, latest, contacts })
    }
}

/// The latest conversation of each of `contacts` (one query, on the contact index).
async fn latest_of(db: &impl ConnectionTrait, contacts: &HashSet<Uuid>) -> Result<Vec<ConversationRow>, DbErr> {
    let newer = Alias::new("newer");
    let mine = |col: conversations::Column| Expr::col((conversations::Entity, col));
    let theirs = |col: conversations::Column| Expr::col((newer.clone(), col));
    let later = Query::select()
        .expr(Expr::val(1))
        .from_as(conversations::Entity, newer.clone())
        .and_where(
            theirs(conversations::Column::ContactId).equals((conversations::Entity, conversations::Column::ContactId)),
        )
        .cond_where(
            Condition::any()
                .add(theirs(conversations::Column::CreatedAt).gt(mine(conversations::Column::CreatedAt)))
                .add(
                    Condition::all()
                        .add(theirs(conversations::Column::CreatedAt).eq(mine(conversations::Column::CreatedAt)))
                        .add(theirs(conversations::Column::Id).gt(mine(conversations::Column::Id))),
                ),
        )
        .to_owned();
    select_rows()
        .filter(conversations::Column::ContactId.is_in(contacts.iter().copied()))
        .filter(Expr::exists(later).not())
        .into_model()
        .all(db)
        .await
}

/// The rows a batch of sends writes, decided in order.
#[derive(Default)]
struct Plan {
    /// Conversations as they are after the sends so far.
    conversations: HashMap<Uuid, ConversationRow>,
    created: Vec<Uuid>,
    touched: Vec<Uuid>,
    latest: HashMap<Uuid, Uuid>,
    by_client: HashMap<(Uuid, String), Message>,
    claimed: HashSet<Uuid>,
    messages: Vec<messages::ActiveModel>,
    files: Vec<(Uuid, Uuid, Vec<Uuid>)>,
    events: Vec<crate::entities::events::ActiveModel>,
}

impl Plan {
    fn add(&mut self, batch: &mut Appended, known: &Known, post: &NewPost) -> Result<ApiResult<Posted>, DbErr> {
        let key = (post.author_id, post.client_id.clone());
        let same_conversation = |conversation: Uuid| match post.target {
            PostTarget::Conversation(id) => id.0 == conversation,
            PostTarget::Visitor(_) => true,
        };
        let reused = || ApiError::Conflict("client_id was already used for another conversation".into());
        if let Some(stored) = known.existing.get(&key) {
            let outcome = if same_conversation(stored.conversation_id) {
                Ok(Posted::Existing(stored.clone()))
            } else {
                Err(reused())
            };
            return Ok(outcome);
        }
        if let Some(first) = self.by_client.get(&key) {
            let outcome = if same_conversation(first.conversation_id.0) {
                Ok(Posted::Repeated(first.clone()))
            } else {
                Err(reused())
            };
            return Ok(outcome);
        }
        if let Some(file) = post.attachments.iter().find(|a| self.claimed.contains(&a.id.0)) {
            return Ok(Err(ApiError::invalid(format!("attachment {} is not available", file.id.0))));
        }
        let conversation = match self.conversation_for(batch, known, post)? {
            Ok(id) => id,
            Err(e) => return Ok(Err(e)),
        };
        self.claimed.extend(post.attachments.iter().map(|a| a.id.0));
        let Some(row) = self.conversations.get_mut(&conversation) else { return Ok(Err(ApiError::NotFound)) };
        let contact = ContactId(row.contact_id);
        let mut message = Message {
            id: MessageId(post.id),
            conversation_id: ConversationId(conversation),
            kind: post.kind,
            agent_id: post.agent_id,
            author_name: post.author_name.clone(),
            body: post.body.clone(),
            html: post.html.clone(),
            client_id: Some(post.client_id.clone()),
            attachments: post.attachments.clone(),
            created_at: crate::clock::from_millis(post.now),
            seq: 0,
        };
        let agents_only = matches!(post.kind, MessageKind::Comment | MessageKind::System);
        let scope =
            super::EventScope { conversation: Some(ConversationId(conversation)), contact: Some(contact), agents_only };
        let seq = batch.next_seq;
        message.seq = seq;
        row.apply_message(post.kind, seq, post.preview.clone(), post.now);
        let event =
            Event::MessageCreated { message: message.clone(), conversation: Some(Box::new(row.to_dto(Dot::None))) };
        self.events.push(batch.event(event, scope, post.now)?);
        if !self.touched.contains(&conversation) && !self.created.contains(&conversation) {
            self.touched.push(conversation);
        }
        self.messages.push(messages::ActiveModel {
            id: Set(post.id),
            conversation_id: Set(conversation),
            kind: Set(post.kind.into()),
            agent_id: Set(post.agent_id.map(|a| a.0)),
            author_id: Set(Some(post.author_id)),
            author_name: Set(post.author_name.clone()),
            body: Set(post.body.clone()),
            html: Set(post.html.clone()),
            client_id: Set(Some(post.client_id.clone())),
            seq: Set(seq),
            created_at: Set(post.now),
        });
        if !post.attachments.is_empty() {
            let ids = post.attachments.iter().map(|a: &Attachment| a.id.0).collect();
            self.files.push((post.id, conversation, ids));
        }
        self.by_client.insert(key, message.clone());
        Ok(Ok(Posted::New(message)))
    }

    /// The conversation `post` goes to, created (with its event) for a visitor who has none.
    fn conversation_for(
        &mut self,
        batch: &mut Appended,
        known: &Known,
        post: &NewPost,
    ) -> Result<ApiResult<Uuid>, DbErr> {
        let contact = match post.target {
            PostTarget::Conversation(id) => {
                if let std::collections::hash_map::Entry::Vacant(slot) = self.conversations.entry(id.0) {
                    let Some(row) = known.conversations.get(&id.0) else { return Ok(Err(ApiError::NotFound)) };
                    slot.insert(row.clone());
                }
                return Ok(Ok(id.0));
            }
            PostTarget::Visitor(contact) => contact.0,
        };
        let Some(person) = known.contacts.get(&contact) else { return Ok(Err(ApiError::Unauthorized)) };
        if person.banned_at.is_some() {
            return Ok(Err(ApiError::ContactBanned));
        }
        if let Some(id) = self.latest.get(&contact).or_else(|| known.latest.get(&contact)).copied() {
            if !self.conversations.contains_key(&id)
                && let Some(row) = known.conversations.get(&id)
            {
                self.conversations.insert(id, row.clone());
            }
            return Ok(Ok(id));
        }
        let id = Uuid::now_v7();
        let row = ConversationRow::new_open(id, person, post.now);
        let scope = super::EventScope {
            conversation: Some(ConversationId(id)),
            contact: Some(ContactId(contact)),
            agents_only: false,
        };
        self.events.push(batch.event(
            Event::ConversationCreated { conversation: row.to_dto(Dot::None) },
            scope,
            post.now,
        )?);
        self.conversations.insert(id, row);
        self.created.push(id);
        self.latest.insert(contact, id);
        Ok(Ok(id))
    }

    /// Writes the plan; `known` holds the conversations as they were read.
    async fn write(self, db: &impl ConnectionTrait, known: &Known) -> Result<(), DbErr> {
        let created: Vec<conversations::ActiveModel> =
            self.created.iter().filter_map(|id| self.conversations.get(id)).map(|row| active(row.model())).collect();
        for chunk in chunks(created) {
            conversations::Entity::insert_many(chunk).exec_without_returning(db).await?;
        }
        let (activity, every): (Vec<&ConversationRow>, Vec<&ConversationRow>) = self
            .touched
            .iter()
            .filter_map(|id| self.conversations.get(id))
            .partition(|row| known.conversations.get(&row.id).is_some_and(|before| only_activity(before, row)));
        for chunk in activity.chunks(CHUNK / 2) {
            update_conversations(db, chunk, ACTIVITY).await?;
        }
        for chunk in every.chunks(CHUNK / 4) {
            update_conversations(db, chunk, EVERY).await?;
        }
        for chunk in chunks(self.messages) {
            messages::Entity::insert_many(chunk).exec_without_returning(db).await?;
        }
        for (message, conversation, files) in self.files {
            let count = files.len() as u64;
            let claimed = attachments::Entity::update_many()
                .col_expr(attachments::Column::MessageId, Expr::value(message))
                .col_expr(attachments::Column::ConversationId, Expr::value(conversation))
                .filter(attachments::Column::Id.is_in(files))
                .filter(attachments::Column::MessageId.is_null())
                .exec(db)
                .await?;
            if claimed.rows_affected != count {
                return Err(DbErr::Custom("an attachment was claimed by another message".into()));
            }
        }
        for chunk in chunks(self.events) {
            crate::entities::events::Entity::insert_many(chunk).exec_without_returning(db).await?;
        }
        Ok(())
    }
}

/// What almost every message changes: the activity and, for a visitor's, the
/// wait. A conversation whose other columns stay as they were is updated with
/// these alone, so that SQLite leaves the indexes on the others alone (it
/// rewrites the entries of every index on a column named in `SET`, changed or
/// not: the assignee and group indexes, a page each per commit).
const ACTIVITY: &[conversations::Column] = &[
    conversations::Column::AwaitingReplySince,
    conversations::Column::LastVisitorMessageAt,
    conversations::Column::LastVisitorSeq,
    conversations::Column::LastActivityAt,
    conversations::Column::LastMessagePreview,
];

/// Every column a message may change.
const EVERY: &[conversations::Column] = &[
    conversations::Column::Status,
    conversations::Column::ClosedAt,
    conversations::Column::AwaitingReplySince,
    conversations::Column::LastVisitorMessageAt,
    conversations::Column::LastVisitorSeq,
    conversations::Column::MissedAt,
    conversations::Column::LastActivityAt,
    conversations::Column::LastMessagePreview,
    conversations::Column::SnoozedUntil,
    conversations::Column::SnoozedBy,
    conversations::Column::FirstReplyAt,
    conversations::Column::FirstResponseMs,
];

/// `column` of `row`, for a column a message may change ([`EVERY`]), and its
/// cast: PostgreSQL types a `VALUES` list from its first row, where a NULL says
/// nothing, so the nullable columns are cast.
fn changed(column: conversations::Column, row: &ConversationRow) -> Result<(Value, Option<&'static str>), DbErr> {
    use conversations::Column as C;
    let bigint = Some("bigint");
    Ok(match column {
        C::Status => (row.status.into(), None),
        C::ClosedAt => (row.closed_at.into(), bigint),
        C::AwaitingReplySince => (row.awaiting_reply_since.into(), bigint),
        C::LastVisitorMessageAt => (row.last_visitor_message_at.into(), bigint),
        C::LastVisitorSeq => (row.last_visitor_seq.into(), bigint),
        C::MissedAt => (row.missed_at.into(), bigint),
        C::LastActivityAt => (row.last_activity_at.into(), None),
        C::LastMessagePreview => (row.last_message_preview.clone().into(), None),
        C::SnoozedUntil => (row.snoozed_until.into(), bigint),
        C::SnoozedBy => (row.snoozed_by.into(), Some("uuid")),
        C::FirstReplyAt => (row.first_reply_at.into(), bigint),
        C::FirstResponseMs => (row.first_response_ms.into(), bigint),
        other => return Err(DbErr::Custom(format!("a message does not change conversations.{}", other.as_str()))),
    })
}

/// Whether the messages left `after` as `before` but for the [`ACTIVITY`] columns.
fn only_activity(before: &ConversationRow, after: &ConversationRow) -> bool {
    before.status == after.status
        && before.closed_at == after.closed_at
        && before.missed_at == after.missed_at
        && before.snoozed_until == after.snoozed_until
        && before.snoozed_by == after.snoozed_by
        && before.first_reply_at == after.first_reply_at
        && before.first_response_ms == after.first_response_ms
}

/// Sets `columns` of each of `rows`, in one statement: `UPDATE … FROM (VALUES …)`,
/// which SQLite (3.33+) and PostgreSQL both speak.
async fn update_conversations(
    db: &impl ConnectionTrait,
    rows: &[&ConversationRow],
    columns: &[conversations::Column],
) -> Result<(), DbErr> {
    let Some(first) = rows.first() else { return Ok(()) };
    let backend = db.get_database_backend();
    let mut values: Vec<Value> = Vec::with_capacity(rows.len() * (columns.len() + 1));
    let mut tuples = Vec::with_capacity(rows.len());
    for row in rows {
        let start = values.len();
        values.push(row.id.into());
        for column in columns {
            values.push(changed(*column, row)?.0);
        }
        let marks: Vec<String> = (start + 1..=values.len())
            .map(|i| if backend == DbBackend::Postgres { format!("${i}") } else { "?".to_owned() })
            .collect();
        tuples.push(format!("({})", marks.join(", ")));
    }
    let mut set = Vec::with_capacity(columns.len());
    for (i, column) in columns.iter().enumerate() {
        let (name, place) = (column.as_str(), i + 2);
        set.push(match changed(*column, first)?.1 {
            Some(ty) if backend == DbBackend::Postgres => format!("{name} = v.column{place}::{ty}"),
            _ => format!("{name} = v.column{place}"),
        });
    }
    let sql = format!(
        "UPDATE conversations SET {} FROM (VALUES {}) AS v WHERE conversations.id = v.column1",
        set.join(", "),
        tuples.join(", ")
    );
    let result = db.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    if result.rows_affected() == rows.len() as u64 { Ok(()) } else { Err(DbErr::RecordNotUpdated) }
}

fn active(model: conversations::Model) -> conversations::ActiveModel {
    use sea_orm::IntoActiveModel;
    sea_orm::ActiveModelTrait::reset_all(model.into_active_model())
}

fn chunks<T>(mut rows: Vec<T>) -> Vec<Vec<T>> {
    let mut out = Vec::with_capacity(rows.len().div_ceil(CHUNK));
    while rows.len() > CHUNK {
        let rest = rows.split_off(CHUNK);
        out.push(std::mem::replace(&mut rows, rest));
    }
    if !rows.is_empty() {
        out.push(rows);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::stored::StoredStatus;

    fn open_conversation() -> ConversationRow {
        let contact = ContactRow { id: Uuid::now_v7(), name: None, email: None, banned_at: None };
        ConversationRow::new_open(Uuid::now_v7(), &contact, 1_000)
    }

    /// `before` after `kind` at `now`, and whether only the activity moved.
    fn after(before: &ConversationRow, kind: MessageKind, now: i64) -> bool {
        let mut row = before.clone();
        row.apply_message(kind, 7, Some("hi".into()), now);
        only_activity(before, &row)
    }

    #[test]
    fn a_message_in_an_open_conversation_moves_only_its_activity() {
        let mut waiting = open_conversation();
        assert!(after(&waiting, MessageKind::Visitor, 2_000));
        waiting.apply_message(MessageKind::Visitor, 1, None, 2_000);
        waiting.first_reply_at = Some(2_500);
        assert!(after(&waiting, MessageKind::Visitor, 3_000), "a visitor writing again");
        assert!(after(&waiting, MessageKind::Comment, 3_000), "an internal comment");
    }

    #[test]
    fn a_message_that_changes_more_updates_every_column() {
        let mut closed = open_conversation();
        closed.status = StoredStatus::Closed;
        closed.closed_at = Some(1_500);
        assert!(!after(&closed, MessageKind::Visitor, 2_000), "reopened");

        let mut snoozed = open_conversation();
        snoozed.snoozed_until = Some(9_000);
        assert!(!after(&snoozed, MessageKind::Visitor, 2_000), "woken");

        let mut waiting = open_conversation();
        waiting.apply_message(MessageKind::Visitor, 1, None, 2_000);
        assert!(!after(&waiting, MessageKind::Reply, 3_000), "the first reply's facts");

        waiting.missed_at = Some(2_500);
        waiting.first_reply_at = Some(2_600);
        assert!(!after(&waiting, MessageKind::Reply, 3_000), "a missed conversation answered");
    }
}
