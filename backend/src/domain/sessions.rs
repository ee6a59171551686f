//! Agent sign-in: login, refresh, logout, profile changes, and the first admin.

use super::{team, validate};
use crate::auth::secrets::{self, REFRESH_PREFIX};
use crate::auth::{CurrentAgent, password};
use crate::claims::{ACCESS_TTL_SECS, REFRESH_TTL_SECS};
use crate::clock::millis;
use crate::entities::{agent_sessions, agents};
use crate::error::{ApiError, ApiResult};
use crate::metrics::Limit;
use crate::state::AppState;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use shared::AgentId;
use shared::api::{Agent, LoginRequest, Role, TokenPair, UpdateMe};
use uuid::Uuid;

/// Checks email and password (throttled per account and address) and opens a session.
#[tracing::instrument(skip_all)]
pub async fn login(state: &AppState, input: LoginRequest, ip: &str) -> ApiResult<TokenPair> {
    if let Err(wait) = state.throttle.check(&input.email, ip).await {
        state.metrics.rate_limited(Limit::Login);
        return Err(ApiError::RateLimited(wait));
    }
    let email = input.email.trim().to_lowercase();
    let agent = agents::Entity::find().filter(agents::Column::Email.eq(&email)).one(state.db.conn()).await?;
    let valid = match &agent {
        Some(agent) => password::verify(input.password, agent.password_hash.clone()).await?,
        None => {
            // Same work as a real check, so timing does not reveal which emails exist.
            let _ = password::hash(input.password).await?;
            false
        }
    };
    match agent {
        Some(agent) if valid && agent.active => {
            state.throttle.succeeded(&input.email).await;
            open_session(state, agent).await
        }
        _ => {
            state.throttle.failed(&input.email, ip).await;
            state.metrics.login_failed();
            tracing::warn!(ip, "login failed");
            Err(ApiError::InvalidCredentials)
        }
    }
}

async fn open_session(state: &AppState, agent: agents::Model) -> ApiResult<TokenPair> {
    let now = state.now();
    let refresh = secrets::generate(REFRESH_PREFIX);
    let session = agent_sessions::ActiveModel {
        id: Set(Uuid::now_v7()),
        agent_id: Set(agent.id),
        refresh_hash: Set(secrets::hash(&refresh)),
        created_at: Set(millis(now)),
        expires_at: Set(millis(now) + REFRESH_TTL_SECS * 1000),
        revoked_at: Set(None),
    }
    .insert(&state.db.autocommit())
    .await?;
    tokens(state, agent, session.id, refresh)
}

fn tokens(state: &AppState, agent: agents::Model, sid: Uuid, refresh: String) -> ApiResult<TokenPair> {
    let access = state.jwt.issue(agent.id, sid, state.now()).map_err(ApiError::internal)?;
    Ok(TokenPair {
        access_token: access,
        refresh_token: refresh,
        expires_in: ACCESS_TTL_SECS.unsigned_abs(),
        agent: agent.into(),
    })
}

/// Exchanges a refresh token for a new pair; the old refresh token stops working.
#[tracing::instrument(skip_all)]
pub async fn refresh(state: &AppState, token: &str) -> ApiResult<TokenPair> {
    let now = millis(state.now());
    let session = agent_sessions::Entity::find()
        .filter(agent_sessions::Column::RefreshHash.eq(secrets::hash(token)))
        .one(state.db.conn())
        .await?
        .filter(|s| s.revoked_at.is_none() && s.expires_at > now)
        .ok_or(ApiError::Unauthorized)?;
    let agent = agents::Entity::find_by_id(session.agent_id)
        .one(state.db.conn())
        .await?
        .filter(|a| a.active)
        .ok_or(ApiError::Unauthorized)?;
    let refresh = secrets::generate(REFRESH_PREFIX);
    // Conditional on the old hash: of two concurrent refreshes with one token, one wins.
    let swapped = agent_sessions::Entity::update_many()
        .col_expr(agent_sessions::Column::RefreshHash, sea_orm::sea_query::Expr::value(secrets::hash(&refresh)))
        .col_expr(agent_sessions::Column::ExpiresAt, sea_orm::sea_query::Expr::value(now + REFRESH_TTL_SECS * 1000))
        .filter(agent_sessions::Column::Id.eq(session.id))
        .filter(agent_sessions::Column::RefreshHash.eq(session.refresh_hash.clone()))
        .filter(agent_sessions::Column::RevokedAt.is_null())
        .exec(&state.db.autocommit())
        .await?;
    if swapped.rows_affected != 1 {
        return Err(ApiError::Unauthorized);
    }
    tokens(state, agent, session.id, refresh)
}

/// Ends the caller's session (its access and refresh tokens).
#[tracing::instrument(skip_all)]
pub async fn logout(state: &AppState, me: &CurrentAgent) -> ApiResult<()> {
    let sid = me.session_id.ok_or(ApiError::Forbidden)?;
    agent_sessions::Entity::update_many()
        .col_expr(agent_sessions::Column::RevokedAt, sea_orm::sea_query::Expr::value(millis(state.now())))
        .filter(agent_sessions::Column::Id.eq(sid))
        .exec(&state.db.autocommit())
        .await?;
    Ok(())
}

/// The caller's own agent.
pub async fn me(state: &AppState, me: &CurrentAgent) -> ApiResult<Agent> {
    let id = me.agent_id.ok_or(ApiError::Forbidden)?;
    Ok(team::get_agent(state, id).await?.into())
}

/// Changes the caller's name, availability or password. A new password needs the
/// current one and ends every other session.
#[tracing::instrument(skip_all)]
pub async fn update_me(state: &AppState, me: &CurrentAgent, input: UpdateMe) -> ApiResult<Agent> {
    let id = me.agent_id.ok_or(ApiError::Forbidden)?;
    let current = team::get_agent(state, id).await?;
    let new_hash = match &input.new_password {
        Some(new) => {
            validate::password(new)?;
            let given = input.current_password.clone().unwrap_or_default();
            if !password::verify(given, current.password_hash.clone()).await? {
                return Err(ApiError::InvalidCredentials);
            }
            Some(password::hash(new.clone()).await?)
        }
        None => None,
    };
    let mut model: agents::ActiveModel = current.into();
    if let Some(name) = &input.name {
        model.name = Set(validate::required("name", name)?);
    }
    if let Some(availability) = input.availability {
        model.availability = Set(availability.into());
    }
    if let Some(hash) = new_hash.clone() {
        model.password_hash = Set(hash);
    }
    model.updated_at = Set(millis(state.now()));
    let updated = model.update(&state.db.autocommit()).await?;
    if new_hash.is_some() {
        team::revoke_sessions(state, id, me.session_id).await?;
    }
    if input.availability.is_some() {
        state.team_changed();
    }
    Ok(updated.into())
}

/// Creates the first admin when there are no agents yet. Returns the generated
/// password when none was configured, for the caller to print once.
pub async fn bootstrap_admin(state: &AppState) -> ApiResult<Option<(String, String)>> {
    if agents::Entity::find().count(state.db.conn()).await? > 0 {
        return Ok(None);
    }
    let settings = &state.settings;
    let email = validate::email(settings.admin_email.as_deref().unwrap_or("admin@localhost.localdomain"))?;
    let (password, generated) = match &settings.admin_password {
        Some(p) => (p.0.clone(), false),
        None => (secrets::generate("")[..20].to_owned(), true),
    };
    validate::password(&password)?;
    let hash = password::hash(password.clone()).await?;
    if let Err(e) = team::insert_agent(state, "Admin".into(), email.clone(), hash, Role::Admin).await {
        // Several nodes starting at once: one of them made the admin.
        if agents::Entity::find().count(state.db.conn()).await? > 0 {
            return Ok(None);
        }
        return Err(e);
    }
    Ok(generated.then_some((email, password)))
}

/// Whether `agent` exists and is active.
pub async fn is_active_agent(state: &AppState, agent: AgentId) -> ApiResult<bool> {
    Ok(agents::Entity::find_by_id(agent.0).one(state.db.conn()).await?.is_some_and(|a| a.active))
}
