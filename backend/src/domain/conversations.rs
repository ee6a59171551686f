//! Conversations as agents see them: the list with its filters and cursor, one
//! conversation, and the caller's dot on each.

use crate::auth::CurrentAgent;
use crate::clock::millis;
pub use crate::db::rows::{ConversationRow, find_row, select_rows};
use crate::entities::stored::StoredStatus;
use crate::entities::{conversation_labels, conversations, group_members, read_markers};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shared::api::{Conversation, ConversationFilter, ConversationStatus};
use shared::dot::{DotConversation, DotViewer, dot};
use shared::{AgentId, ContactId, ConversationId, Dot, GroupId, LabelId, Page, Timestamp};
use std::collections::HashMap;
use uuid::Uuid;

/// What the dot rule needs, from a conversation as clients see it.
pub fn dot_input_of(c: &Conversation) -> DotConversation {
    DotConversation {
        closed: c.status == ConversationStatus::Closed,
        assignee: c.assignee_id,
        group: c.group_id,
        awaiting_reply_since: c.awaiting_reply_since,
        last_visitor_seq: c.last_visitor_seq,
    }
}

/// The latest message sequence `agent` has read in each of `conversations`.
pub async fn read_seqs(
    db: &impl ConnectionTrait,
    agent: AgentId,
    conversations: Vec<Uuid>,
) -> ApiResult<HashMap<Uuid, i64>> {
    if conversations.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(read_markers::Entity::find()
        .filter(read_markers::Column::AgentId.eq(agent.0))
        .filter(read_markers::Column::ConversationId.is_in(conversations))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.conversation_id, r.read_seq))
        .collect())
}

/// Everything needed to compute one viewer's dots for a set of conversations.
pub struct DotContext {
    team: std::sync::Arc<crate::roster::TeamSnapshot>,
    viewer: Option<AgentId>,
    reads: HashMap<Uuid, i64>,
    now: Timestamp,
    missed_after: chrono::Duration,
}

impl DotContext {
    /// Loads the team and the viewer's read markers for `ids` (two or three queries).
    pub async fn load(state: &AppState, viewer: Option<AgentId>, ids: &[Uuid]) -> ApiResult<Self> {
        let db = state.db.conn();
        let team = super::roster::snapshot(state).await?;
        let reads = match viewer {
            Some(agent) => read_seqs(db, agent, ids.to_vec()).await?,
            None => HashMap::new(),
        };
        Ok(Self { team, viewer, reads, now: state.now(), missed_after: state.settings.missed_after() })
    }

    /// The viewer's dot on `row`.
    pub fn dot(&self, row: &ConversationRow) -> Dot {
        let viewer = self.viewer.map(|agent| DotViewer { agent, last_read_seq: self.reads.get(&row.id).copied() });
        dot(&row.dot_input(), viewer.as_ref(), &self.team.team, self.now, self.missed_after)
    }
}

/// Rows to DTOs carrying the caller's dots.
pub async fn with_dots(state: &AppState, me: &CurrentAgent, rows: &[ConversationRow]) -> ApiResult<Vec<Conversation>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let ctx = DotContext::load(state, me.agent_id, &ids).await?;
    Ok(rows.iter().map(|r| r.to_dto(ctx.dot(r))).collect())
}

/// One conversation with the caller's dot.
#[tracing::instrument(skip_all, fields(conversation_id = %id))]
pub async fn get(state: &AppState, me: &CurrentAgent, id: ConversationId) -> ApiResult<Conversation> {
    let row = find_row(state.db.conn(), id).await?;
    with_dots(state, me, std::slice::from_ref(&row)).await?.pop().ok_or(ApiError::NotFound)
}

/// Query of `GET /conversations`.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// `mine`, `unassigned`, `open` (default), `closed`, `missed`, `snoozed` or `all`;
    /// the open ones leave snoozed conversations out.
    pub filter: Option<ConversationFilter>,
    /// Only conversations assigned to this group.
    pub group_id: Option<GroupId>,
    /// Only conversations assigned to this agent.
    pub assignee_id: Option<AgentId>,
    /// Only this contact's conversations.
    pub contact_id: Option<ContactId>,
    /// Only conversations carrying this label.
    pub label_id: Option<LabelId>,
    /// Words in the contact's name, email or phone or in a message (each word
    /// the start of a word there; case and accents ignored).
    pub q: Option<String>,
    /// Page size (1–200, default 50).
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn parse_cursor(cursor: &str) -> ApiResult<(i64, Uuid)> {
    let bad = || ApiError::Malformed("invalid cursor".into());
    let (at, id) = cursor.split_once('_').ok_or_else(bad)?;
    Ok((at.parse().map_err(|_| bad())?, Uuid::parse_str(id).map_err(|_| bad())?))
}

/// Lists conversations, most recent activity first.
#[tracing::instrument(skip_all)]
pub async fn list(state: &AppState, me: &CurrentAgent, query: ListQuery) -> ApiResult<Page<Conversation>> {
    let db = state.db.conn();
    let limit = super::validate::page_size(query.limit);
    let mut select = select_rows();
    let status = conversations::Column::Status;
    // The working lists leave snoozed conversations out.
    let awake = conversations::Column::SnoozedUntil.is_null();
    select = match query.filter.unwrap_or(ConversationFilter::Open) {
        ConversationFilter::Open => select.filter(status.eq(StoredStatus::Open)).filter(awake),
        ConversationFilter::Snoozed => {
            select.filter(status.eq(StoredStatus::Open)).filter(conversations::Column::SnoozedUntil.is_not_null())
        }
        ConversationFilter::Closed => select.filter(status.eq(StoredStatus::Closed)),
        ConversationFilter::Missed => select
            .filter(status.eq(StoredStatus::Open))
            .filter(awake)
            .filter(conversations::Column::MissedAt.is_not_null()),
        ConversationFilter::All => select,
        ConversationFilter::Unassigned => select
            .filter(status.eq(StoredStatus::Open))
            .filter(awake)
            .filter(conversations::Column::AssigneeId.is_null()),
        ConversationFilter::Mine => {
            let agent = me.agent_id.ok_or_else(|| ApiError::invalid("filter=mine needs an agent's token"))?;
            let groups: Vec<Uuid> = group_members::Entity::find()
                .filter(group_members::Column::AgentId.eq(agent.0))
                .all(db)
                .await?
                .into_iter()
                .map(|m| m.group_id)
                .collect();
            select.filter(status.eq(StoredStatus::Open)).filter(awake).filter(
                Condition::any().add(conversations::Column::AssigneeId.eq(agent.0)).add(
                    Condition::all()
                        .add(conversations::Column::AssigneeId.is_null())
                        .add(conversations::Column::GroupId.is_in(groups)),
                ),
            )
        }
    };
    if let Some(group) = query.group_id {
        select = select.filter(conversations::Column::GroupId.eq(group.0));
    }
    if let Some(agent) = query.assignee_id {
        select = select.filter(conversations::Column::AssigneeId.eq(agent.0));
    }
    if let Some(contact) = query.contact_id {
        select = select.filter(conversations::Column::ContactId.eq(contact.0));
    }
    if let Some(label) = query.label_id {
        let carrying = Query::select()
            .column(conversation_labels::Column::ConversationId)
            .from(conversation_labels::Entity)
            .and_where(conversation_labels::Column::LabelId.eq(label.0))
            .to_owned();
        select = select.filter(conversations::Column::Id.in_subquery(carrying));
    }
    if let Some(cursor) = query.cursor.as_deref() {
        let (at, id) = parse_cursor(cursor)?;
        select = select.filter(before(at, id));
    }
    if let Some(q) = query.q.as_deref().filter(|q| !q.trim().is_empty()) {
        if q.chars().count() > 200 {
            return Err(ApiError::invalid("q is longer than 200 characters"));
        }
        let words = super::search::words(q);
        if words.is_empty() {
            return Ok(Page { items: Vec::new(), next_cursor: None });
        }
        if let Some(walk) = super::search::walk_first(db, &words).await? {
            // The walk asks conversations up to the WALK_FIRST-th of the list at most.
            let last = select
                .clone()
                .select_only()
                .column(conversations::Column::LastActivityAt)
                .column(conversations::Column::Id)
                .order_by_desc(conversations::Column::LastActivityAt)
                .order_by_desc(conversations::Column::Id)
                .offset(super::search::WALK_FIRST - 1)
                .limit(1)
                .into_tuple::<(i64, Uuid)>()
                .one(db)
                .await?;
            let mut bounded = select.clone().filter(walk);
            if let Some((at, id)) = last {
                // As one row comparison: the index on (last_activity_at, id) is
                // then walked in order. Written out as `>` or `=` and `>=`, the
                // planner reads all of them, asks each, and sorts.
                use sea_orm::sea_query::{Expr, ExprTrait};
                let listed = Expr::tuple([
                    Expr::col((conversations::Entity, conversations::Column::LastActivityAt)),
                    Expr::col((conversations::Entity, conversations::Column::Id)),
                ]);
                bounded = bounded.filter(listed.gte(Expr::tuple([Expr::val(at), Expr::val(id)])));
            }
            let rows = page_rows(db, bounded, limit).await?;
            // A full page, or every conversation of the list asked: the answer.
            if rows.len() as u64 > limit || last.is_none() {
                return page(state, me, rows, limit).await;
            }
        }
        select = select.filter(super::search::conversations_matching(db, &words).await?);
    }
    let rows = page_rows(db, select, limit).await?;
    page(state, me, rows, limit).await
}

/// Conversations listed after the one at (`at`, `id`) in the list's order.
fn before(at: i64, id: Uuid) -> Condition {
    Condition::any()
        .add(conversations::Column::LastActivityAt.lt(at))
        .add(Condition::all().add(conversations::Column::LastActivityAt.eq(at)).add(conversations::Column::Id.lt(id)))
}

/// The first `limit` + 1 rows of `select` in the list's order: the page and
/// whether more follow.
async fn page_rows(
    db: &impl ConnectionTrait,
    select: sea_orm::Select<conversations::Entity>,
    limit: u64,
) -> ApiResult<Vec<ConversationRow>> {
    Ok(select
        .order_by_desc(conversations::Column::LastActivityAt)
        .order_by_desc(conversations::Column::Id)
        .limit(limit + 1)
        .into_model::<ConversationRow>()
        .all(db)
        .await?)
}

/// A page of `limit` conversations from `rows` (one more when more follow).
async fn page(
    state: &AppState,
    me: &CurrentAgent,
    mut rows: Vec<ConversationRow>,
    limit: u64,
) -> ApiResult<Page<Conversation>> {
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = if more { rows.last().map(|r| format!("{}_{}", r.last_activity_at, r.id)) } else { None };
    Ok(Page { items: with_dots(state, me, &rows).await?, next_cursor })
}

/// The latest conversations of a contact (for the contact panel).
#[tracing::instrument(skip_all, fields(contact_id = %contact))]
pub async fn of_contact(state: &AppState, me: &CurrentAgent, contact: ContactId) -> ApiResult<Vec<Conversation>> {
    let rows = select_rows()
        .filter(conversations::Column::ContactId.eq(contact.0))
        .order_by_desc(conversations::Column::CreatedAt)
        .limit(50)
        .into_model::<ConversationRow>()
        .all(state.db.conn())
        .await?;
    with_dots(state, me, &rows).await
}

/// Now, in stored form.
pub fn now_ms(state: &AppState) -> i64 {
    millis(state.now())
}
