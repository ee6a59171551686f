//! Reports read from stored facts. The missed history: each time a conversation
//! turned red (kept by the missed rule), and the first reply after it, newest
//! first, filtered by time, agent and group, as JSON pages or as CSV.

use crate::clock::{from_millis, millis};
use crate::entities::{conversation_labels, missed_episodes};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect};
use shared::api::MissedEpisode;
use shared::{AgentId, ConversationId, GroupId, LabelId, Page};
use uuid::Uuid;

/// Most rows in one CSV export.
pub const MAX_CSV_ROWS: u64 = 10_000;

/// The filters of the reports (`GET /reports/...`).
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
pub struct ReportQuery {
    /// From this time on (RFC 3339): when a conversation turned red, was rated, or started.
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Before this time (RFC 3339).
    pub to: Option<chrono::DateTime<chrono::Utc>>,
    /// Only conversations assigned to this agent (then, for the missed history).
    pub agent_id: Option<AgentId>,
    /// Only conversations assigned to this group (then, for the missed history).
    pub group_id: Option<GroupId>,
    /// Only conversations with this label.
    pub label_id: Option<LabelId>,
    /// The IANA time zone days and hours are counted in (conversations report; default UTC).
    pub tz: Option<String>,
    /// Page size (1–200, default 50).
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, FromQueryResult)]
struct Row {
    id: Uuid,
    conversation_id: Uuid,
    missed_at: i64,
    waiting_since: i64,
    assignee_id: Option<Uuid>,
    group_id: Option<Uuid>,
    answered_at: Option<i64>,
}

impl From<Row> for MissedEpisode {
    fn from(r: Row) -> Self {
        Self {
            conversation_id: ConversationId(r.conversation_id),
            waiting_since: from_millis(r.waiting_since),
            missed_at: from_millis(r.missed_at),
            assignee_id: r.assignee_id.map(AgentId),
            group_id: r.group_id.map(GroupId),
            answered_at: r.answered_at.map(from_millis),
        }
    }
}

/// The conversations with `label`, as a subquery of their ids (through the
/// `(label_id, conversation_id)` index).
pub fn labelled(label: LabelId) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(conversation_labels::Column::ConversationId)
        .from(conversation_labels::Entity)
        .and_where(conversation_labels::Column::LabelId.eq(label.0))
        .to_owned()
}

/// Refuses a range that ends before it starts.
pub fn check_range(query: &ReportQuery) -> ApiResult<()> {
    match (query.from, query.to) {
        (Some(from), Some(to)) if from >= to => Err(ApiError::invalid("from must be before to")),
        _ => Ok(()),
    }
}

fn parse_cursor(cursor: &str) -> ApiResult<(i64, Uuid)> {
    let bad = || ApiError::Malformed("invalid cursor".into());
    let (at, id) = cursor.split_once('_').ok_or_else(bad)?;
    Ok((at.parse().map_err(|_| bad())?, Uuid::parse_str(id).map_err(|_| bad())?))
}

/// One page of the missed history, newest first.
#[tracing::instrument(skip_all)]
pub async fn missed(state: &AppState, query: &ReportQuery, limit: u64) -> ApiResult<Page<MissedEpisode>> {
    check_range(query)?;
    let mut select = missed_episodes::Entity::find();
    if let Some(from) = query.from {
        select = select.filter(missed_episodes::Column::MissedAt.gte(millis(from)));
    }
    if let Some(to) = query.to {
        select = select.filter(missed_episodes::Column::MissedAt.lt(millis(to)));
    }
    if let Some(agent) = query.agent_id {
        select = select.filter(missed_episodes::Column::AssigneeId.eq(agent.0));
    }
    if let Some(group) = query.group_id {
        select = select.filter(missed_episodes::Column::GroupId.eq(group.0));
    }
    if let Some(label) = query.label_id {
        select = select.filter(missed_episodes::Column::ConversationId.in_subquery(labelled(label)));
    }
    if let Some(cursor) = query.cursor.as_deref() {
        let (at, id) = parse_cursor(cursor)?;
        select = select.filter(Condition::any().add(missed_episodes::Column::MissedAt.lt(at)).add(
            Condition::all().add(missed_episodes::Column::MissedAt.eq(at)).add(missed_episodes::Column::Id.lt(id)),
        ));
    }
    // The first reply after it turned red, through the messages' (conversation, seq) index.
    let answered = Expr::cust(
        "(SELECT MIN(m.created_at) FROM messages m WHERE m.conversation_id = missed_episodes.conversation_id \
         AND m.kind = 'reply' AND m.created_at >= missed_episodes.missed_at)",
    );
    let mut rows: Vec<Row> = select
        .column_as(answered, "answered_at")
        .order_by_desc(missed_episodes::Column::MissedAt)
        .order_by_desc(missed_episodes::Column::Id)
        .limit(limit + 1)
        .into_model()
        .all(state.db.conn())
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = if more { rows.last().map(|r| format!("{}_{}", r.missed_at, r.id)) } else { None };
    Ok(Page { items: rows.into_iter().map(Into::into).collect(), next_cursor })
}

/// The missed history as CSV (RFC 4180), at most [`MAX_CSV_ROWS`] rows, newest first.
pub async fn missed_csv(state: &AppState, mut query: ReportQuery) -> ApiResult<String> {
    let mut out =
        String::from("conversation_id,waiting_since,missed_at,assignee_id,group_id,answered_at,minutes_to_answer\r\n");
    let mut written = 0;
    query.cursor = None;
    loop {
        let page = missed(state, &query, 500).await?;
        for e in &page.items {
            let minutes = e.answered_at.map(|a| format!("{:.1}", (a - e.missed_at).num_seconds() as f64 / 60.0));
            let cells = [
                e.conversation_id.to_string(),
                e.waiting_since.to_rfc3339(),
                e.missed_at.to_rfc3339(),
                e.assignee_id.map(|a| a.to_string()).unwrap_or_default(),
                e.group_id.map(|g| g.to_string()).unwrap_or_default(),
                e.answered_at.map(|a| a.to_rfc3339()).unwrap_or_default(),
                minutes.unwrap_or_default(),
            ];
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
            written += 1;
        }
        match page.next_cursor {
            Some(next) if written < MAX_CSV_ROWS => query.cursor = Some(next),
            _ => return Ok(out),
        }
    }
}
