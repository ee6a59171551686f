use super::PageQuery;
use super::input::Json;
use crate::auth::{Admin, CurrentAgent};
use crate::domain::{team, validate};
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{HttpResponse, get, patch, post, web};
use shared::api::{Agent, CreateAgent, UpdateAgent};
use shared::{AgentId, ErrorBody, Page};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(create).service(get_one).service(update);
}

/// The team's agents.
#[utoipa::path(tag = "agents", security(("agent_token" = [])), params(PageQuery), responses(
    (status = 200, body = Page<Agent>),
    (status = 400, body = ErrorBody, description = "`malformed_request`: bad cursor"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
))]
#[get("/api/v1/agents")]
async fn list(
    state: web::Data<AppState>,
    _me: CurrentAgent,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<Agent>>> {
    let q = query.into_inner();
    Ok(web::Json(team::list_agents(&state, q.cursor, validate::page_size(q.limit)).await?))
}

/// Create an agent (admin).
#[utoipa::path(tag = "agents", security(("agent_token" = [])), request_body = CreateAgent, responses(
    (status = 201, body = Agent),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 409, body = ErrorBody, description = "`conflict`: email taken"),
    (status = 422, body = ErrorBody, description = "`validation_failed`"),
))]
#[post("/api/v1/agents")]
async fn create(state: web::Data<AppState>, _admin: Admin, body: Json<CreateAgent>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(team::create_agent(&state, body.into_inner()).await?))
}

/// One agent.
#[utoipa::path(tag = "agents", security(("agent_token" = [])), params(("id" = AgentId, Path)), responses(
    (status = 200, body = Agent),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[get("/api/v1/agents/{id}")]
async fn get_one(state: web::Data<AppState>, _me: CurrentAgent, id: web::Path<AgentId>) -> ApiResult<web::Json<Agent>> {
    Ok(web::Json(team::get_agent(&state, *id).await?.into()))
}

/// Change an agent's name, role, availability or deactivate them (admin).
#[utoipa::path(tag = "agents", security(("agent_token" = [])), params(("id" = AgentId, Path)), request_body = UpdateAgent, responses(
    (status = 200, body = Agent),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
    (status = 409, body = ErrorBody, description = "`conflict`: the last admin"),
    (status = 422, body = ErrorBody, description = "`validation_failed`"),
))]
#[patch("/api/v1/agents/{id}")]
async fn update(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<AgentId>,
    body: Json<UpdateAgent>,
) -> ApiResult<web::Json<Agent>> {
    Ok(web::Json(team::update_agent(&state, *id, body.into_inner()).await?))
}
