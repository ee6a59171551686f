//! Blocking by address: with a ban, agents can block the address the visitor's
//! session started from, so a new anonymous session from it is refused (the
//! widget shows its banned notice). Visitors behind one shared address (an
//! office, a carrier's NAT) are all refused, which is why it is a choice.

use crate::auth::CurrentAgent;
use crate::clock::{from_millis, millis};
use crate::entities::blocked_addresses;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shared::api::BlockedAddress;
use shared::{ContactId, Page};

impl From<blocked_addresses::Model> for BlockedAddress {
    fn from(m: blocked_addresses::Model) -> Self {
        Self { address: m.address, contact_id: m.contact_id.map(ContactId), created_at: from_millis(m.created_at) }
    }
}

/// Whether a new visitor session from `address` is refused.
pub async fn is_blocked(state: &AppState, address: &str) -> ApiResult<bool> {
    Ok(blocked_addresses::Entity::find_by_id(address.to_owned()).one(state.db.conn()).await?.is_some())
}

/// Blocks the address `contact`'s session started from (409 if it is blocked already).
#[tracing::instrument(skip_all, fields(contact_id = %contact))]
pub async fn block(state: &AppState, me: &CurrentAgent, contact: ContactId) -> ApiResult<BlockedAddress> {
    let row = super::contacts::load(state, contact).await?;
    let address = row.ip_address.ok_or_else(|| ApiError::invalid("this contact's address is not known"))?;
    let model = blocked_addresses::ActiveModel {
        address: Set(address),
        contact_id: Set(Some(contact.0)),
        blocked_by: Set(me.agent_id.map(|a| a.0)),
        created_at: Set(millis(state.now())),
    }
    .insert(&state.db.autocommit())
    .await?;
    tracing::info!("address blocked");
    Ok(model.into())
}

/// Blocked addresses, by address.
pub async fn list(state: &AppState, cursor: Option<String>, limit: u64) -> ApiResult<Page<BlockedAddress>> {
    let mut select = blocked_addresses::Entity::find();
    if let Some(after) = cursor {
        select = select.filter(blocked_addresses::Column::Address.gt(after));
    }
    let mut rows =
        select.order_by_asc(blocked_addresses::Column::Address).limit(limit + 1).all(state.db.conn()).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = if more { rows.last().map(|r| r.address.clone()) } else { None };
    Ok(Page { items: rows.into_iter().map(Into::into).collect(), next_cursor })
}

/// Unblocks an address.
#[tracing::instrument(skip_all)]
pub async fn unblock(state: &AppState, address: &str) -> ApiResult<()> {
    let result = blocked_addresses::Entity::delete_by_id(address.to_owned()).exec(&state.db.autocommit()).await?;
    if result.rows_affected == 0 { Err(ApiError::NotFound) } else { Ok(()) }
}
