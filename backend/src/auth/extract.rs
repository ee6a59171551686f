//! Extractors: handlers name who may call them by taking `CurrentAgent`, `Admin`
//! or `CurrentVisitor` as an argument.

use super::secrets::{self, API_KEY_PREFIX, VISITOR_PREFIX};
use crate::clock::millis;
use crate::entities::{agent_sessions, agents, api_keys, contacts};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use shared::AgentId;
use shared::Timestamp;
use shared::api::Role;
use std::future::Future;
use std::pin::Pin;
use uuid::Uuid;

/// An agent, or an integrator's API key acting with the key's role.
#[derive(Debug, Clone)]
pub struct CurrentAgent {
    /// The agent, when the caller is one (absent for API keys).
    pub agent_id: Option<AgentId>,
    /// The session of an agent's access token.
    pub session_id: Option<Uuid>,
    /// Whose `client_id`s are theirs: the agent or the API key.
    pub author_id: Uuid,
    /// Name shown on what they write.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// When the access token expires (seconds since the epoch); API keys don't.
    pub expires_at: Option<i64>,
}

impl CurrentAgent {
    /// Whether the credentials this agent connected with still hold now: the
    /// token not expired, the session not ended, the agent active, the key not revoked.
    pub async fn still_valid(&self, state: &AppState) -> ApiResult<bool> {
        if self.expires_at.is_some_and(|exp| exp <= state.now().timestamp()) {
            return Ok(false);
        }
        let db = state.db.conn();
        match (self.session_id, self.agent_id) {
            (Some(session), Some(agent)) => {
                let session = agent_sessions::Entity::find_by_id(session).one(db).await?;
                let agent = agents::Entity::find_by_id(agent.0).one(db).await?;
                Ok(session.is_some_and(|s| s.revoked_at.is_none()) && agent.is_some_and(|a| a.active))
            }
            _ => {
                Ok(api_keys::Entity::find_by_id(self.author_id).one(db).await?.is_some_and(|k| k.revoked_at.is_none()))
            }
        }
    }
}

impl CurrentAgent {
    /// Fails unless the caller is an admin.
    pub fn require_admin(&self) -> ApiResult<()> {
        if self.role == Role::Admin { Ok(()) } else { Err(ApiError::AdminOnly) }
    }
}

/// An admin (agent or admin API key).
#[derive(Debug, Clone)]
pub struct Admin(pub CurrentAgent);

/// A visitor, scoped to their own contact.
#[derive(Debug, Clone)]
pub struct CurrentVisitor {
    /// Their contact.
    pub contact: contacts::Model,
    /// The session their token belongs to.
    pub session_id: Uuid,
}

impl CurrentVisitor {
    /// Fails with `contact_banned` if the visitor may not write.
    pub fn ensure_can_write(&self) -> ApiResult<()> {
        if self.contact.banned_at.is_some() { Err(ApiError::ContactBanned) } else { Ok(()) }
    }
}

/// Any authenticated caller.
#[derive(Debug, Clone)]
pub enum Caller {
    /// An agent or API key.
    Agent(CurrentAgent),
    /// A visitor (boxed: the contact row is most of it).
    Visitor(Box<CurrentVisitor>),
}

/// The token of `Authorization: Bearer <token>`.
pub fn bearer(req: &HttpRequest) -> ApiResult<String> {
    let value = req.headers().get(header::AUTHORIZATION).ok_or(ApiError::Unauthorized)?;
    let value = value.to_str().map_err(|_| ApiError::Unauthorized)?;
    let token =
        value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")).ok_or(ApiError::Unauthorized)?;
    Ok(token.trim().to_owned())
}

/// Resolves the bearer token of `req`.
pub async fn resolve(req: &HttpRequest) -> ApiResult<Caller> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("state missing")))?
        .clone();
    resolve_token(&state, &bearer(req)?).await
}

/// Who `token` belongs to, if it is valid now.
pub async fn resolve_token(state: &AppState, token: &str) -> ApiResult<Caller> {
    let db = state.db.conn();
    let now = state.now();
    if token.starts_with(VISITOR_PREFIX) {
        return Ok(Caller::Visitor(Box::new(super::visitor_token::resolve(state, token).await?)));
    }
    if token.starts_with(API_KEY_PREFIX) {
        let key = api_keys::Entity::find()
            .filter(api_keys::Column::SecretHash.eq(secrets::hash(token)))
            .one(db)
            .await?
            .filter(|k| k.revoked_at.is_none())
            .ok_or(ApiError::Unauthorized)?;
        touch_key(state, key.id, now).await;
        return Ok(Caller::Agent(CurrentAgent {
            agent_id: None,
            session_id: None,
            author_id: key.id,
            name: key.name,
            role: key.role.into(),
            expires_at: None,
        }));
    }
    let claims = state.jwt.decode(token).ok_or(ApiError::Unauthorized)?;
    if claims.exp <= now.timestamp() {
        return Err(ApiError::TokenExpired);
    }
    let session = agent_sessions::Entity::find_by_id(claims.sid).one(db).await?.ok_or(ApiError::Unauthorized)?;
    if session.revoked_at.is_some() || session.agent_id != claims.sub || session.expires_at <= millis(now) {
        return Err(ApiError::Unauthorized);
    }
    let agent =
        agents::Entity::find_by_id(claims.sub).one(db).await?.filter(|a| a.active).ok_or(ApiError::Unauthorized)?;
    Ok(Caller::Agent(CurrentAgent {
        agent_id: Some(AgentId(agent.id)),
        session_id: Some(session.id),
        author_id: agent.id,
        role: agent.role.into(),
        name: agent.name,
        expires_at: Some(claims.exp),
    }))
}

/// A key's last use is written at most this often.
const TOUCH_EVERY_MS: i64 = 60_000;

/// Records that a key was used (at most once a minute per key).
async fn touch_key(state: &AppState, id: Uuid, now: Timestamp) {
    let now = millis(now);
    let result = api_keys::Entity::update_many()
        .col_expr(api_keys::Column::LastUsedAt, Expr::value(now))
        .filter(api_keys::Column::Id.eq(id))
        .filter(
            Condition::any()
                .add(api_keys::Column::LastUsedAt.is_null())
                .add(api_keys::Column::LastUsedAt.lt(now - TOUCH_EVERY_MS)),
        )
        .exec(&state.db.autocommit())
        .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not record API key use");
    }
}

type Fut<T> = Pin<Box<dyn Future<Output = Result<T, actix_web::Error>>>>;

impl FromRequest for Caller {
    type Error = actix_web::Error;
    type Future = Fut<Self>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = req.clone();
        Box::pin(super::gate::guard::<_, actix_web::Error, _>(req, async move { Ok(resolve(&request).await?) }))
    }
}

impl FromRequest for CurrentAgent {
    type Error = actix_web::Error;
    type Future = Fut<Self>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = req.clone();
        Box::pin(super::gate::guard::<_, actix_web::Error, _>(req, async move {
            match resolve(&request).await? {
                Caller::Agent(agent) => Ok(agent),
                Caller::Visitor(_) => Err(ApiError::Forbidden.into()),
            }
        }))
    }
}

impl FromRequest for Admin {
    type Error = actix_web::Error;
    type Future = Fut<Self>;
    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let agent = CurrentAgent::from_request(req, payload);
        // A gate of its own: the body waits for the role check too.
        Box::pin(super::gate::guard::<_, actix_web::Error, _>(req, async move {
            let agent = agent.await?;
            agent.require_admin()?;
            Ok(Admin(agent))
        }))
    }
}

impl FromRequest for CurrentVisitor {
    type Error = actix_web::Error;
    type Future = Fut<Self>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = req.clone();
        Box::pin(super::gate::guard::<_, actix_web::Error, _>(req, async move {
            match resolve(&request).await? {
                Caller::Visitor(visitor) => Ok(*visitor),
                Caller::Agent(_) => Err(ApiError::Forbidden.into()),
            }
        }))
    }
}
