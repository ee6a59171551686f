//! The conversations report: the conversations that started in a range — per
//! day and per hour of the day in the reader's time zone, how long visitors
//! waited for a first answer, how long until the conversation was closed — and
//! the replies each agent sent. Read from facts the write path keeps on each
//! conversation (`created_at`, `first_reply_at`, `first_response_ms`,
//! `closed_at`) and from the replies' own index; the database groups, so the
//! rows read are quarter hours and distinct seconds, never conversations.

use super::ratings_report::quoted;
use super::reports::{MAX_CSV_ROWS, ReportQuery, check_range, labelled};
use crate::clock::{from_millis, millis};
use crate::entities::stored::StoredStatus;
use crate::entities::{agents, conversations, messages};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use chrono::{NaiveDate, TimeZone, Timelike};
use chrono_tz::Tz;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select};
use shared::api::{
    AgentMessages, ConversationsReport, DURATION_BOUNDS, DayCount, Durations, MAX_REPORT_DAYS, duration_bucket,
    percentile,
};
use shared::{AgentId, ConversationId, GroupId};
use std::collections::HashMap;
use uuid::Uuid;

/// Conversations are counted per quarter hour, which every time zone's offset is a multiple of.
const QUARTER_MS: i64 = 15 * 60 * 1000;

/// The report's range in milliseconds and its time zone.
struct Range {
    from: i64,
    to: i64,
    zone: Tz,
}

impl Range {
    /// The range of `query`: `to` defaults to now (this millisecond included)
    /// and `from` to 30 days before it.
    fn of(state: &AppState, query: &ReportQuery) -> ApiResult<Self> {
        check_range(query)?;
        let zone = match query.tz.as_deref() {
            None | Some("") => Tz::UTC,
            Some(name) => name.parse().map_err(|_| ApiError::invalid(format!("tz: unknown time zone {name:?}")))?,
        };
        let to = query.to.unwrap_or_else(|| state.clock.now() + chrono::Duration::milliseconds(1));
        let from = query.from.unwrap_or(to - chrono::Duration::days(30));
        if from >= to {
            return Err(ApiError::invalid("from must be before to"));
        }
        if to - from > chrono::Duration::days(MAX_REPORT_DAYS) {
            return Err(ApiError::invalid(format!("the range is longer than {MAX_REPORT_DAYS} days")));
        }
        Ok(Self { from: millis(from), to: millis(to), zone })
    }

    /// The local day and hour of an instant.
    fn local(&self, at: i64) -> (NaiveDate, u32) {
        let local = self.zone.from_utc_datetime(&from_millis(at).naive_utc());
        (local.date_naive(), local.hour())
    }

    /// Every local day the range touches, oldest first.
    fn days(&self) -> Vec<NaiveDate> {
        let (first, _) = self.local(self.from);
        let (last, _) = self.local(self.to - 1);
        first.iter_days().take_while(|day| *day <= last).collect()
    }
}

/// Conversations that started in the range, with the filters: the agent or
/// group they are assigned to, a label.
fn started(query: &ReportQuery, range: &Range) -> Select<conversations::Entity> {
    let mut select = conversations::Entity::find()
        .filter(conversations::Column::CreatedAt.gte(range.from))
        .filter(conversations::Column::CreatedAt.lt(range.to));
    if let Some(agent) = query.agent_id {
        select = select.filter(conversations::Column::AssigneeId.eq(agent.0));
    }
    if let Some(group) = query.group_id {
        select = select.filter(conversations::Column::GroupId.eq(group.0));
    }
    if let Some(label) = query.label_id {
        select = select.filter(conversations::Column::Id.in_subquery(labelled(label)));
    }
    select
}

/// How durations (whole seconds, grouped by the database) are spread.
fn durations(rows: Vec<(i64, i64)>) -> Durations {
    let sorted: Vec<(u64, u64)> =
        rows.into_iter().map(|(s, n)| (u64::try_from(s).unwrap_or(0), u64::try_from(n).unwrap_or(0))).collect();
    let mut buckets = vec![0; DURATION_BOUNDS.len() + 1];
    for (seconds, n) in &sorted {
        buckets[duration_bucket(*seconds)] += n;
    }
    Durations {
        count: sorted.iter().map(|(_, n)| n).sum(),
        median_seconds: percentile(&sorted, 50),
        p90_seconds: percentile(&sorted, 90),
        buckets,
    }
}

/// `(whole seconds, how many)` of a duration expression, in order.
async fn seconds_of(state: &AppState, select: Select<conversations::Entity>, expr: &str) -> ApiResult<Vec<(i64, i64)>> {
    let seconds = format!("({expr}) / 1000");
    Ok(select
        .select_only()
        .column_as(Expr::cust(seconds.clone()), "s")
        .column_as(conversations::Column::Id.count(), "n")
        .group_by(Expr::cust(seconds.clone()))
        .order_by(Expr::cust(seconds), Order::Asc)
        .into_tuple()
        .all(state.db.conn())
        .await?)
}

/// Replies sent in the range by each agent, most first.
async fn agents(state: &AppState, query: &ReportQuery, range: &Range) -> ApiResult<Vec<AgentMessages>> {
    // The kind is written out, not bound, so the partial index of replies serves it.
    let mut select = messages::Entity::find()
        .filter(Expr::cust("messages.kind = 'reply'"))
        .filter(messages::Column::CreatedAt.gte(range.from))
        .filter(messages::Column::CreatedAt.lt(range.to))
        .filter(messages::Column::AgentId.is_not_null());
    if let Some(agent) = query.agent_id {
        select = select.filter(messages::Column::AgentId.eq(agent.0));
    }
    if let Some(group) = query.group_id {
        let of_group = Query::select()
            .column(conversations::Column::Id)
            .from(conversations::Entity)
            .and_where(conversations::Column::GroupId.eq(group.0))
            .to_owned();
        select = select.filter(messages::Column::ConversationId.in_subquery(of_group));
    }
    if let Some(label) = query.label_id {
        select = select.filter(messages::Column::ConversationId.in_subquery(labelled(label)));
    }
    let rows: Vec<(Uuid, i64, i64)> = select
        .select_only()
        .column(messages::Column::AgentId)
        .column_as(messages::Column::Id.count(), "n")
        .column_as(Expr::cust("COUNT(DISTINCT messages.conversation_id)"), "c")
        .group_by(messages::Column::AgentId)
        .into_tuple()
        .all(state.db.conn())
        .await?;
    let mut agents: Vec<AgentMessages> = rows
        .into_iter()
        .map(|(agent, n, c)| AgentMessages {
            agent_id: AgentId(agent),
            messages: u64::try_from(n).unwrap_or(0),
            conversations: u64::try_from(c).unwrap_or(0),
        })
        .collect();
    agents.sort_by(|a, b| {
        (b.messages, b.conversations).cmp(&(a.messages, a.conversations)).then(a.agent_id.0.cmp(&b.agent_id.0))
    });
    Ok(agents)
}

/// The report.
#[tracing::instrument(skip_all)]
pub async fn report(state: &AppState, query: &ReportQuery) -> ApiResult<ConversationsReport> {
    let range = Range::of(state, query)?;
    let quarter = format!("conversations.created_at / {QUARTER_MS}");
    let quarters: Vec<(i64, i64, i64)> = started(query, &range)
        .select_only()
        .column_as(Expr::cust(quarter.clone()), "q")
        .column_as(conversations::Column::Id.count(), "n")
        .column_as(Expr::cust("COUNT(conversations.first_reply_at)"), "answered")
        .group_by(Expr::cust(quarter))
        .into_tuple()
        .all(state.db.conn())
        .await?;
    let dates = range.days();
    let mut days: Vec<DayCount> =
        dates.iter().map(|day| DayCount { day: *day, conversations: 0, answered: 0 }).collect();
    let mut hours = vec![0u64; 24];
    for (q, n, answered) in quarters {
        let (n, answered) = (u64::try_from(n).unwrap_or(0), u64::try_from(answered).unwrap_or(0));
        let (date, hour) = range.local(q * QUARTER_MS);
        if let Some(day) = dates.binary_search(&date).ok().and_then(|i| days.get_mut(i)) {
            day.conversations += n;
            day.answered += answered;
        }
        hours[hour as usize] += n;
    }
    let first_response = durations(
        seconds_of(
            state,
            started(query, &range).filter(conversations::Column::FirstResponseMs.is_not_null()),
            "conversations.first_response_ms",
        )
        .await?,
    );
    let resolution = durations(
        seconds_of(
            state,
            started(query, &range)
                .filter(conversations::Column::Status.eq(StoredStatus::Closed))
                .filter(conversations::Column::ClosedAt.is_not_null()),
            "conversations.closed_at - conversations.created_at",
        )
        .await?,
    );
    Ok(ConversationsReport {
        time_zone: range.zone.name().to_owned(),
        conversations: days.iter().map(|d| d.conversations).sum(),
        answered: days.iter().map(|d| d.answered).sum(),
        days,
        hours,
        first_response,
        resolution,
        agents: agents(state, query, &range).await?,
    })
}

type Started = (Uuid, i64, Option<i64>, Option<i64>, Option<i64>, StoredStatus, Option<Uuid>, Option<Uuid>);

/// The conversations that started in the range as CSV (RFC 4180), newest
/// first, at most [`MAX_CSV_ROWS`]: one row each with its first response and
/// resolution, from which every figure of the report can be recomputed.
pub async fn csv(state: &AppState, query: &ReportQuery) -> ApiResult<String> {
    let range = Range::of(state, query)?;
    let rows: Vec<Started> = started(query, &range)
        .select_only()
        .columns([
            conversations::Column::Id,
            conversations::Column::CreatedAt,
            conversations::Column::FirstReplyAt,
            conversations::Column::FirstResponseMs,
            conversations::Column::ClosedAt,
            conversations::Column::Status,
            conversations::Column::AssigneeId,
            conversations::Column::GroupId,
        ])
        .order_by_desc(conversations::Column::CreatedAt)
        .order_by_desc(conversations::Column::Id)
        .limit(MAX_CSV_ROWS)
        .into_tuple()
        .all(state.db.conn())
        .await?;
    let mut out = String::from(
        "conversation_id,started_at,first_reply_at,first_response_seconds,closed_at,resolution_seconds,\
         assignee_id,group_id\r\n",
    );
    let time = |at: Option<i64>| at.map(|t| from_millis(t).to_rfc3339()).unwrap_or_default();
    for (id, created, first_reply, first_response, closed, status, assignee, group) in rows {
        let closed = closed.filter(|_| status == StoredStatus::Closed);
        let cells = [
            ConversationId(id).to_string(),
            time(Some(created)),
            time(first_reply),
            first_response.map(|ms| (ms / 1000).to_string()).unwrap_or_default(),
            time(closed),
            closed.map(|at| ((at - created) / 1000).to_string()).unwrap_or_default(),
            assignee.map(|a| AgentId(a).to_string()).unwrap_or_default(),
            group.map(|g| GroupId(g).to_string()).unwrap_or_default(),
        ];
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    Ok(out)
}

/// The replies by agent as CSV, with each agent's name.
pub async fn agents_csv(state: &AppState, query: &ReportQuery) -> ApiResult<String> {
    let range = Range::of(state, query)?;
    let rows = agents(state, query, &range).await?;
    let names: HashMap<Uuid, String> = agents::Entity::find()
        .filter(agents::Column::Id.is_in(rows.iter().map(|a| a.agent_id.0)))
        .select_only()
        .columns([agents::Column::Id, agents::Column::Name])
        .into_tuple()
        .all(state.db.conn())
        .await?
        .into_iter()
        .collect();
    let mut out = String::from("agent_id,agent_name,replies,conversations\r\n");
    for a in rows {
        let name = names.get(&a.agent_id.0).map(String::as_str).unwrap_or_default();
        out.push_str(&format!("{},{},{},{}\r\n", a.agent_id, quoted(name), a.messages, a.conversations));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(from: &str, to: &str, zone: Tz) -> Range {
        let at = |s: &str| millis(chrono::DateTime::parse_from_rfc3339(s).map(|t| t.to_utc()).unwrap_or_default());
        Range { from: at(from), to: at(to), zone }
    }

    #[test]
    fn days_are_the_local_days_the_range_touches() {
        // Local midnight to local midnight in Madrid (UTC+1 in December): three days.
        let madrid = range("2026-11-30T23:00:00Z", "2026-12-03T23:00:00Z", chrono_tz::Europe::Madrid);
        let days: Vec<String> = madrid.days().iter().map(ToString::to_string).collect();
        assert_eq!(days, ["2026-12-01", "2026-12-02", "2026-12-03"]);
        // 23:30 UTC is the next day at 05:00 in Kolkata.
        let kolkata = range("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", chrono_tz::Asia::Kolkata);
        let at = millis(chrono::DateTime::parse_from_rfc3339("2026-12-01T23:30:00Z").unwrap_or_default().to_utc());
        assert_eq!(kolkata.local(at), (NaiveDate::from_ymd_opt(2026, 12, 2).unwrap_or_default(), 5));
        assert_eq!(kolkata.days().len(), 2);
    }

    #[test]
    fn durations_give_percentiles_and_buckets() {
        let d = durations(vec![(5, 2), (90, 1), (400, 1), (7_200, 1)]);
        assert_eq!(d.count, 5);
        assert_eq!(d.median_seconds, Some(90));
        assert_eq!(d.p90_seconds, Some(7_200));
        assert_eq!(d.buckets, [2, 1, 1, 0, 1, 0, 0]);
        let none = durations(Vec::new());
        assert_eq!((none.count, none.median_seconds, none.buckets.len()), (0, None, 7));
    }
}
