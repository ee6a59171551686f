use super::PageQuery;
use super::input::Json;
use crate::auth::Admin;
use crate::domain::{api_keys, validate};
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, web};
use shared::api::{ApiKey, CreateApiKey, CreatedApiKey};
use shared::{ApiKeyId, ErrorBody, Page};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(create).service(revoke);
}

/// API keys, without their secrets (admin).
#[utoipa::path(tag = "api keys", security(("agent_token" = [])), params(PageQuery), responses(
    (status = 200, body = Page<ApiKey>),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
))]
#[get("/api/v1/api-keys")]
async fn list(
    state: web::Data<AppState>,
    _admin: Admin,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<ApiKey>>> {
    let q = query.into_inner();
    Ok(web::Json(api_keys::list(&state, q.cursor, validate::page_size(q.limit)).await?))
}

/// Create an API key; the secret is shown in this answer only (admin).
#[utoipa::path(tag = "api keys", security(("agent_token" = [])), request_body = CreateApiKey, responses(
    (status = 201, body = CreatedApiKey),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`"),
))]
#[post("/api/v1/api-keys")]
async fn create(state: web::Data<AppState>, _admin: Admin, body: Json<CreateApiKey>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(api_keys::create(&state, body.into_inner()).await?))
}

/// Revoke an API key; it stops working at once (admin).
#[utoipa::path(tag = "api keys", security(("agent_token" = [])), params(("id" = ApiKeyId, Path)), responses(
    (status = 200, body = ApiKey),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[delete("/api/v1/api-keys/{id}")]
async fn revoke(state: web::Data<AppState>, _admin: Admin, id: web::Path<ApiKeyId>) -> ApiResult<web::Json<ApiKey>> {
    Ok(web::Json(api_keys::revoke(&state, *id).await?))
}
