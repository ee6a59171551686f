//! The team's business hours (admins set them): stored as one row, loaded with
//! the team snapshot, and read by whoever tells visitors whether the team is
//! there — an agent online, inside business hours.

use crate::clock::millis;
use crate::entities::business_hours::{self as table, Model};
use crate::error::{ApiError, ApiResult};
use crate::hours::{Invalid, Schedule};
use crate::state::AppState;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use shared::api::{BusinessHours, OpeningInterval};
use shared::limits::MAX_OPENING_INTERVALS;

const ROW: i32 = 1;

/// What is stored, or the default: off, in UTC, Monday to Friday 09:00–17:00
/// ready to switch on.
fn hours_of(row: Option<Model>) -> BusinessHours {
    match row {
        Some(row) => BusinessHours {
            enabled: row.enabled,
            time_zone: row.time_zone,
            intervals: serde_json::from_str(&row.intervals).unwrap_or_default(),
        },
        None => BusinessHours {
            enabled: false,
            time_zone: "UTC".into(),
            intervals: shared::api::Weekday::ALL[..5]
                .iter()
                .map(|&day| OpeningInterval { day, open: "09:00".into(), close: "17:00".into() })
                .collect(),
        },
    }
}

/// The business hours as set.
pub async fn get(state: &AppState) -> ApiResult<BusinessHours> {
    Ok(hours_of(table::Entity::find_by_id(ROW).one(state.db.conn()).await?))
}

/// The schedule in force (`None`: business hours are off), for the team snapshot.
pub async fn schedule(db: &impl ConnectionTrait) -> ApiResult<Option<Schedule>> {
    let hours = hours_of(table::Entity::find_by_id(ROW).one(db).await?);
    // Stored hours were checked when set; if they no longer parse, treat them as off.
    Ok(Schedule::of(&hours).unwrap_or_else(|e| {
        tracing::warn!(?e, "stored business hours are not valid; ignoring them");
        None
    }))
}

/// Replaces the business hours (admin); every node's visitors learn at once
/// whether the team is now open.
#[tracing::instrument(skip_all, fields(enabled = input.enabled))]
pub async fn set(state: &AppState, input: BusinessHours) -> ApiResult<BusinessHours> {
    if input.intervals.len() > MAX_OPENING_INTERVALS {
        return Err(ApiError::invalid(format!("at most {MAX_OPENING_INTERVALS} intervals")));
    }
    let input = BusinessHours { time_zone: input.time_zone.trim().to_owned(), ..input };
    match Schedule::of(&input) {
        Ok(_) => {}
        Err(Invalid::TimeZone) => {
            return Err(ApiError::invalid("time_zone is not an IANA time zone (such as Europe/Madrid)"));
        }
        Err(Invalid::Interval(i)) => {
            return Err(ApiError::invalid(format!(
                "intervals[{i}]: open and close are HH:MM (24-hour, close up to 24:00) with close after open"
            )));
        }
    }
    let intervals = serde_json::to_string(&input.intervals).map_err(|e| ApiError::Internal(e.into()))?;
    let row = table::ActiveModel {
        id: Set(ROW),
        enabled: Set(input.enabled),
        time_zone: Set(input.time_zone.clone()),
        intervals: Set(intervals),
        updated_at: Set(millis(state.now())),
    };
    table::Entity::insert(row)
        .on_conflict(
            OnConflict::column(table::Column::Id)
                .update_columns([
                    table::Column::Enabled,
                    table::Column::TimeZone,
                    table::Column::Intervals,
                    table::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(&state.db.autocommit())
        .await?;
    state.team_changed();
    Ok(input)
}
