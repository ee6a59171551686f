//! Emailed links that let an agent set a password: "forgot password" (answered
//! the same way whether the email exists or not) and invitations. A link works
//! once and expires; using it ends the agent's other sessions.

use super::{team, validate};
use crate::auth::{password, secrets};
use crate::clock::millis;
use crate::entities::{agent_sessions, agents, password_tokens};
use crate::error::{ApiError, ApiResult};
use crate::mail::templates;
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use shared::api::{Agent, InviteAgent, PasswordResetRequest, Role, SetPassword};

/// How long a reset link works.
pub const RESET_VALID: chrono::Duration = chrono::Duration::hours(1);
/// How long an invitation works.
pub const INVITATION_VALID: chrono::Duration = chrono::Duration::days(7);
const TOKEN_PREFIX: &str = "npw_";

fn link(state: &AppState, token: &str) -> String {
    let base = state.settings.public_url.as_deref().unwrap_or("").trim_end_matches('/');
    format!("{base}/set-password#token={token}")
}

async fn issue(state: &AppState, agent: &agents::Model, purpose: &str, valid: chrono::Duration) -> ApiResult<String> {
    let token = secrets::generate(TOKEN_PREFIX);
    let now = state.now();
    password_tokens::ActiveModel {
        token_hash: Set(secrets::hash(&token)),
        agent_id: Set(agent.id),
        purpose: Set(purpose.into()),
        expires_at: Set(millis(now + valid)),
        used_at: Set(None),
        created_at: Set(millis(now)),
    }
    .insert(&state.db.autocommit())
    .await?;
    Ok(token)
}

async fn team_name(state: &AppState) -> String {
    crate::entities::widget_settings::Entity::find()
        .one(state.db.conn())
        .await
        .ok()
        .flatten()
        .map_or_else(|| "Natter".into(), |w| w.team_name)
}

/// Emails a reset link if an active agent has this email. The answer never
/// says whether one does, and takes the same time: the work goes on after it.
#[tracing::instrument(skip_all)]
pub async fn request_reset(state: &AppState, input: PasswordResetRequest) -> ApiResult<()> {
    let Some(mailer) = state.mailer.clone() else { return Err(ApiError::EmailDisabled) };
    let email = validate::email(&input.email)?;
    let state = state.clone();
    tokio::spawn(async move {
        let found = agents::Entity::find().filter(agents::Column::Email.eq(&email)).one(state.db.conn()).await;
        let Ok(Some(agent)) = found else { return };
        if !agent.active {
            return;
        }
        let sent = match issue(&state, &agent, "reset", RESET_VALID).await {
            Ok(token) => {
                let mail = templates::password_link(
                    &team_name(&state).await,
                    &agent.email,
                    &agent.name,
                    &link(&state, &token),
                    false,
                );
                mailer.send(mail).await.map_err(|e| e.to_string())
            }
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = sent {
            tracing::warn!(error = %e, "password reset email not sent");
        }
    });
    Ok(())
}

/// Creates an agent who sets their own password from an emailed link (admin).
#[tracing::instrument(skip_all)]
pub async fn invite(state: &AppState, input: InviteAgent) -> ApiResult<Agent> {
    let Some(mailer) = state.mailer.clone() else { return Err(ApiError::EmailDisabled) };
    let name = validate::required("name", &input.name)?;
    let email = validate::email(&input.email)?;
    if agents::Entity::find().filter(agents::Column::Email.eq(&email)).count(state.db.conn()).await? > 0 {
        return Err(ApiError::Conflict("an agent with this email already exists".into()));
    }
    // Nobody knows this password: the agent sets theirs through the link.
    let unusable = password::hash(secrets::generate("")).await?;
    let agent = team::insert_agent(state, name, email, unusable, input.role.unwrap_or(Role::Agent)).await?;
    let model = agents::Entity::find_by_id(agent.id.0).one(state.db.conn()).await?.ok_or(ApiError::NotFound)?;
    let token = issue(state, &model, "invite", INVITATION_VALID).await?;
    let mail = templates::password_link(&team_name(state).await, &model.email, &model.name, &link(state, &token), true);
    mailer.send(mail).await.map_err(|e| ApiError::internal(e.context("sending the invitation")))?;
    Ok(agent)
}

/// Sets a password through a link: once, before it expires.
#[tracing::instrument(skip_all)]
pub async fn set_password(state: &AppState, input: SetPassword) -> ApiResult<()> {
    validate::password(&input.password)?;
    let expired = || ApiError::invalid("this link has expired or was already used; ask for a new one");
    let now = millis(state.now());
    let token = password_tokens::Entity::find_by_id(secrets::hash(input.token.trim()))
        .one(state.db.conn())
        .await?
        .ok_or_else(expired)?;
    if token.used_at.is_some() || token.expires_at <= now {
        return Err(expired());
    }
    let hash = password::hash(input.password).await?;
    let txn = state.db.write().await?;
    let used = password_tokens::Entity::update_many()
        .col_expr(password_tokens::Column::UsedAt, Expr::value(now))
        .filter(password_tokens::Column::TokenHash.eq(&token.token_hash))
        .filter(password_tokens::Column::UsedAt.is_null())
        .exec(&*txn)
        .await?;
    if used.rows_affected != 1 {
        return Err(expired());
    }
    agents::Entity::update_many()
        .col_expr(agents::Column::PasswordHash, Expr::value(hash))
        .col_expr(agents::Column::UpdatedAt, Expr::value(now))
        .filter(agents::Column::Id.eq(token.agent_id))
        .exec(&*txn)
        .await?;
    agent_sessions::Entity::update_many()
        .col_expr(agent_sessions::Column::RevokedAt, Expr::value(now))
        .filter(agent_sessions::Column::AgentId.eq(token.agent_id))
        .filter(agent_sessions::Column::RevokedAt.is_null())
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
