//! Reading the event log: its latest sequence, what came after a sequence (for
//! clients that resume and nodes that missed something), and how far retention pruned.

use crate::entities::{event_log_horizon, events};
use crate::error::ApiResult;
use crate::events::StoredEvent;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shared::ContactId;

/// Most events replayed on one resume; past that the client reloads over REST.
pub const MAX_REPLAY: u64 = 2000;

/// What a resuming client gets.
pub enum Replay {
    /// The events it missed, in order, and the latest sequence before they were
    /// read: every later event reaches the session through the bus.
    Events {
        /// The events.
        events: Vec<StoredEvent>,
        /// Resume the live stream after this.
        last: i64,
    },
    /// Too much was missed, or retention pruned part of it: reload, then
    /// resume from `latest`.
    Reload {
        /// The latest sequence now.
        latest: i64,
    },
}

/// The latest sequence in the log (0 when empty).
pub async fn latest_seq(db: &impl ConnectionTrait) -> ApiResult<i64> {
    let latest: Option<Option<i64>> = events::Entity::find()
        .select_only()
        .column_as(events::Column::Seq.max(), "latest")
        .into_tuple()
        .one(db)
        .await?;
    Ok(latest.flatten().unwrap_or(0))
}

/// Events after `after`; for a visitor only those about their contact that are
/// not for agents only.
pub async fn since(db: &impl ConnectionTrait, after: i64, visitor: Option<ContactId>) -> ApiResult<Replay> {
    let latest = latest_seq(db).await?;
    if after > latest || after < 0 {
        return Ok(Replay::Reload { latest });
    }
    let mut query = events::Entity::find().filter(events::Column::Seq.gt(after));
    if let Some(contact) = visitor {
        query = query.filter(events::Column::ContactId.eq(contact.0)).filter(events::Column::AgentsOnly.eq(false));
    }
    let rows = query.order_by_asc(events::Column::Seq).limit(MAX_REPLAY + 1).all(db).await?;
    // Read after the events: retention moves the horizon before it prunes, so a
    // resume racing a prune sees the new horizon here.
    if rows.len() as u64 > MAX_REPLAY || after < horizon(db).await? {
        return Ok(Replay::Reload { latest });
    }
    let mut replayed = Vec::with_capacity(rows.len());
    for row in rows {
        let seq = row.seq;
        match StoredEvent::from_row(row) {
            Some(event) => replayed.push(event),
            None => tracing::warn!(seq, "skipping an event that does not parse"),
        }
    }
    let last = replayed.last().map_or(latest, |e| e.seq.max(latest));
    Ok(Replay::Events { events: replayed, last })
}

/// The highest sequence pruned from the event log (0 when none was).
pub async fn horizon(db: &impl ConnectionTrait) -> ApiResult<i64> {
    Ok(event_log_horizon::Entity::find_by_id(1).one(db).await?.map_or(0, |h| h.pruned_through))
}

/// Every event with a sequence in `from..=to`, in order (for a node filling a gap).
pub async fn range(db: &impl ConnectionTrait, from: i64, to: i64) -> ApiResult<Vec<StoredEvent>> {
    let rows = events::Entity::find()
        .filter(events::Column::Seq.gte(from))
        .filter(events::Column::Seq.lte(to))
        .order_by_asc(events::Column::Seq)
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(StoredEvent::from_row).collect())
}
