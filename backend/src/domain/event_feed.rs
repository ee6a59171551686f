//! `GET /events`: the event log as integrators pull it, with exactly the bodies
//! webhooks send (without the delivery id), each with its sequence.

use crate::db::log;
use crate::entities::events;
use crate::error::{ApiError, ApiResult};
use crate::events::StoredEvent;
use crate::state::AppState;
use crate::webhooks::catalog;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shared::api::{EventsPage, LoggedEvent};

/// Query of `GET /events`.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
pub struct EventsQuery {
    /// Events after this sequence (0: from the start of the log).
    #[serde(default)]
    pub after: i64,
    /// Page size (1–500, default 100).
    pub limit: Option<u64>,
}

/// A page of events after `query.after`; `resync_required` when the log no
/// longer holds them (pruned by retention, or a sequence the log never reached).
pub async fn page(state: &AppState, query: EventsQuery) -> ApiResult<EventsPage> {
    if query.after < 0 {
        return Err(ApiError::invalid("after must be 0 or more"));
    }
    let limit = query.limit.unwrap_or(100).clamp(1, 500);
    let db = state.db.conn();
    let latest = log::latest_seq(db).await?;
    if query.after > latest {
        return Err(ApiError::ResyncRequired(latest));
    }
    let rows = events::Entity::find()
        .filter(events::Column::Seq.gt(query.after))
        .order_by_asc(events::Column::Seq)
        .limit(limit + 1)
        .all(db)
        .await?;
    // Read after the events (retention moves the horizon before it prunes).
    if query.after < log::horizon(db).await? {
        return Err(ApiError::ResyncRequired(latest));
    }
    let has_more = rows.len() as u64 > limit;
    let rows = rows.into_iter().take(usize::try_from(limit).unwrap_or(usize::MAX));
    let mut next_after = query.after;
    let mut items = Vec::new();
    for row in rows {
        next_after = row.seq;
        let Some(event) = StoredEvent::from_row(row) else { continue };
        let Some(named) = catalog::name(&event) else { continue };
        let body = catalog::body(None, named.name, Some(event.seq), event.created_at, &event.payload);
        items.push(serde_json::from_str::<LoggedEvent>(&body).map_err(ApiError::internal)?);
    }
    Ok(EventsPage { items, next_after, has_more })
}
