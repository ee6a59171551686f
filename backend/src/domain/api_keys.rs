//! API keys for integrators: shown once, stored hashed, revocable.

use super::team::{page_by_id, parse_uuid_cursor};
use super::validate;
use crate::auth::secrets::{self, API_KEY_PREFIX};
use crate::clock::{from_millis, millis};
use crate::entities::api_keys;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set};
use shared::api::{ApiKey, CreateApiKey, CreatedApiKey, Role};
use shared::{ApiKeyId, Page};
use uuid::Uuid;

impl From<api_keys::Model> for ApiKey {
    fn from(m: api_keys::Model) -> Self {
        Self {
            id: ApiKeyId(m.id),
            name: m.name,
            role: m.role.into(),
            prefix: m.prefix,
            created_at: from_millis(m.created_at),
            last_used_at: m.last_used_at.map(from_millis),
            revoked_at: m.revoked_at.map(from_millis),
        }
    }
}

/// Creates a key; its secret is in the answer and nowhere else.
#[tracing::instrument(skip_all)]
pub async fn create(state: &AppState, input: CreateApiKey) -> ApiResult<CreatedApiKey> {
    let name = validate::required("name", &input.name)?;
    let secret = secrets::generate(API_KEY_PREFIX);
    let model = api_keys::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        role: Set(input.role.unwrap_or(Role::Agent).into()),
        prefix: Set(secret.chars().take(10).collect()),
        secret_hash: Set(secrets::hash(&secret)),
        created_at: Set(millis(state.now())),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(&state.db.autocommit())
    .await?;
    Ok(CreatedApiKey { key: model.into(), secret })
}

/// Lists keys (without secrets).
pub async fn list(state: &AppState, cursor: Option<String>, limit: u64) -> ApiResult<Page<ApiKey>> {
    let mut select = api_keys::Entity::find().order_by_asc(api_keys::Column::Id);
    if let Some(after) = cursor.as_deref().map(parse_uuid_cursor).transpose()? {
        select = select.filter(api_keys::Column::Id.gt(after));
    }
    let rows = select.limit(limit + 1).all(state.db.conn()).await?;
    Ok(page_by_id(rows, limit, |k| k.id))
}

/// Revokes a key; it stops working at once.
#[tracing::instrument(skip_all, fields(api_key_id = %id))]
pub async fn revoke(state: &AppState, id: ApiKeyId) -> ApiResult<ApiKey> {
    let key = api_keys::Entity::find_by_id(id.0).one(state.db.conn()).await?.ok_or(ApiError::NotFound)?;
    if key.revoked_at.is_some() {
        return Ok(key.into());
    }
    let mut model = key.into_active_model();
    model.revoked_at = Set(Some(millis(state.now())));
    Ok(model.update(&state.db.autocommit()).await?.into())
}
