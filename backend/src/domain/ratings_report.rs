//! The ratings report: how visitors rated their closed conversations in a
//! range (count, average, how many of each score) and the latest ratings with
//! their comments, read from the conversations' own `rating` columns through
//! the `rated_at` index; the same rows as CSV.

use super::reports::{MAX_CSV_ROWS, ReportQuery, check_range, labelled};
use crate::clock::{from_millis, millis};
use crate::entities::conversations;
use crate::error::ApiResult;
use crate::state::AppState;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use shared::api::{RatingEntry, RatingsReport};
use shared::{AgentId, ConversationId};
use uuid::Uuid;

/// Most ratings the report lists.
const LATEST: u64 = 100;

/// Rated conversations matching the filters (time, the agent or group who had them, a label).
fn rated(query: &ReportQuery) -> ApiResult<Select<conversations::Entity>> {
    check_range(query)?;
    let mut select = conversations::Entity::find().filter(conversations::Column::RatedAt.is_not_null());
    if let Some(from) = query.from {
        select = select.filter(conversations::Column::RatedAt.gte(millis(from)));
    }
    if let Some(to) = query.to {
        select = select.filter(conversations::Column::RatedAt.lt(millis(to)));
    }
    if let Some(agent) = query.agent_id {
        select = select.filter(conversations::Column::AssigneeId.eq(agent.0));
    }
    if let Some(group) = query.group_id {
        select = select.filter(conversations::Column::GroupId.eq(group.0));
    }
    if let Some(label) = query.label_id {
        select = select.filter(conversations::Column::Id.in_subquery(labelled(label)));
    }
    Ok(select)
}

type Rated = (Uuid, Option<i16>, Option<String>, Option<i64>, Option<Uuid>);

fn entry((id, score, comment, at, assignee): Rated) -> RatingEntry {
    RatingEntry {
        conversation_id: ConversationId(id),
        score: score.and_then(|s| u8::try_from(s).ok()).unwrap_or_default(),
        comment,
        rated_at: from_millis(at.unwrap_or_default()),
        assignee_id: assignee.map(AgentId),
    }
}

async fn newest(state: &AppState, query: &ReportQuery, limit: u64) -> ApiResult<Vec<RatingEntry>> {
    let rows: Vec<Rated> = rated(query)?
        .select_only()
        .columns([
            conversations::Column::Id,
            conversations::Column::Rating,
            conversations::Column::RatingComment,
            conversations::Column::RatedAt,
            conversations::Column::AssigneeId,
        ])
        .order_by_desc(conversations::Column::RatedAt)
        .order_by_desc(conversations::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(state.db.conn())
        .await?;
    Ok(rows.into_iter().map(entry).collect())
}

/// The report: one grouped count and the latest rows.
#[tracing::instrument(skip_all)]
pub async fn report(state: &AppState, query: &ReportQuery) -> ApiResult<RatingsReport> {
    let counts: Vec<(Option<i16>, i64)> = rated(query)?
        .select_only()
        .column(conversations::Column::Rating)
        .column_as(conversations::Column::Id.count(), "n")
        .group_by(conversations::Column::Rating)
        .into_tuple()
        .all(state.db.conn())
        .await?;
    let mut distribution = vec![0u64; 5];
    for (score, n) in counts {
        if let Some(slot) = score.and_then(|s| usize::try_from(s - 1).ok()).and_then(|i| distribution.get_mut(i)) {
            *slot += u64::try_from(n).unwrap_or_default();
        }
    }
    let count: u64 = distribution.iter().sum();
    let total: u64 = distribution.iter().zip(1u64..).map(|(n, score)| n * score).sum();
    let average = (count > 0).then(|| total as f64 / count as f64);
    Ok(RatingsReport { count, average, distribution, latest: newest(state, query, LATEST).await? })
}

/// The ratings as CSV (RFC 4180), newest first, at most [`MAX_CSV_ROWS`].
pub async fn csv(state: &AppState, query: &ReportQuery) -> ApiResult<String> {
    let mut out = String::from("conversation_id,rated_at,score,comment,assignee_id\r\n");
    for e in newest(state, query, MAX_CSV_ROWS).await? {
        let cells = [
            e.conversation_id.to_string(),
            e.rated_at.to_rfc3339(),
            e.score.to_string(),
            quoted(e.comment.as_deref().unwrap_or_default()),
            e.assignee_id.map(|a| a.to_string()).unwrap_or_default(),
        ];
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    Ok(out)
}

/// A CSV field: quoted, with quotes doubled; a leading `=`, `+`, `-` or `@` is
/// prefixed with `'` so a spreadsheet never runs a visitor's text as a formula.
pub(super) fn quoted(text: &str) -> String {
    let safe = if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.to_owned() };
    format!("\"{}\"", safe.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(quoted("fine"), "\"fine\"");
        assert_eq!(quoted("say \"hi\"\nbye"), "\"say \"\"hi\"\"\nbye\"");
        assert_eq!(quoted("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(quoted(""), "\"\"");
    }
}
