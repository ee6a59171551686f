use super::input::Json;
use crate::auth::CurrentAgent;
use crate::domain::sessions;
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use shared::ErrorBody;
use shared::api::{Agent, LoginRequest, RefreshRequest, TokenPair, UpdateMe};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(login).service(refresh).service(logout).service(get_me).service(update_me);
}

/// Log in with email and password.
#[utoipa::path(tag = "auth", request_body = LoginRequest, responses(
    (status = 200, body = TokenPair),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`invalid_credentials`"),
    (status = 429, body = ErrorBody, description = "`rate_limited` (see `Retry-After`)"),
))]
#[post("/api/v1/auth/login")]
async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> ApiResult<web::Json<TokenPair>> {
    let ip = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    Ok(web::Json(sessions::login(&state, body.into_inner(), &ip).await?))
}

/// Exchange a refresh token for new tokens (the old refresh token stops working).
#[utoipa::path(tag = "auth", request_body = RefreshRequest, responses(
    (status = 200, body = TokenPair),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`: unknown, revoked or expired refresh token"),
))]
#[post("/api/v1/auth/refresh")]
async fn refresh(state: web::Data<AppState>, body: Json<RefreshRequest>) -> ApiResult<web::Json<TokenPair>> {
    Ok(web::Json(sessions::refresh(&state, &body.refresh_token).await?))
}

/// End the current session (its access and refresh tokens).
#[utoipa::path(tag = "auth", security(("agent_token" = [])), responses(
    (status = 204, description = "Logged out"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: not an agent's session"),
))]
#[post("/api/v1/auth/logout")]
async fn logout(state: web::Data<AppState>, me: CurrentAgent) -> ApiResult<HttpResponse> {
    sessions::logout(&state, &me).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The calling agent.
#[utoipa::path(tag = "auth", security(("agent_token" = [])), responses(
    (status = 200, body = Agent),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: not an agent"),
))]
#[get("/api/v1/me")]
async fn get_me(state: web::Data<AppState>, me: CurrentAgent) -> ApiResult<web::Json<Agent>> {
    Ok(web::Json(sessions::me(&state, &me).await?))
}

/// Change the calling agent's name, availability or password (which ends their other sessions).
#[utoipa::path(tag = "auth", security(("agent_token" = [])), request_body = UpdateMe, responses(
    (status = 200, body = Agent),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`, `invalid_credentials` (wrong current password)"),
    (status = 403, body = ErrorBody, description = "`forbidden`: not an agent"),
    (status = 422, body = ErrorBody, description = "`validation_failed`"),
))]
#[patch("/api/v1/me")]
async fn update_me(state: web::Data<AppState>, me: CurrentAgent, body: Json<UpdateMe>) -> ApiResult<web::Json<Agent>> {
    Ok(web::Json(sessions::update_me(&state, &me, body.into_inner()).await?))
}
