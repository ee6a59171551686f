use super::input::Json;
use crate::auth::{Admin, CurrentAgent};
use crate::domain::assignment;
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{get, put, web};
use shared::ErrorBody;
use shared::api::RoutingRules;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(replace);
}

/// The routing rules, in order: a new conversation goes to the group of the
/// first rule whose text its visitor's page address contains.
#[utoipa::path(tag = "groups", security(("agent_token" = [])), responses(
    (status = 200, body = RoutingRules),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
))]
#[get("/api/v1/routing-rules")]
async fn list(state: web::Data<AppState>, _me: CurrentAgent) -> ApiResult<web::Json<RoutingRules>> {
    Ok(web::Json(assignment::rules(&state).await?))
}

/// Replace the routing rules (admin), at most 50.
#[utoipa::path(tag = "groups", security(("agent_token" = [])), request_body = RoutingRules, responses(
    (status = 200, body = RoutingRules),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: too many rules, text too long, unknown group"),
))]
#[put("/api/v1/routing-rules")]
async fn replace(
    state: web::Data<AppState>,
    _admin: Admin,
    body: Json<RoutingRules>,
) -> ApiResult<web::Json<RoutingRules>> {
    Ok(web::Json(assignment::set_rules(&state, body.into_inner()).await?))
}
