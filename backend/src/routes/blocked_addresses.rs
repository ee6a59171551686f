use super::PageQuery;
use super::input::Json;
use crate::auth::CurrentAgent;
use crate::domain::{blocked_addresses as blocked, validate};
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, web};
use shared::api::{BlockAddress, BlockedAddress};
use shared::{ErrorBody, Page};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(block).service(unblock);
}

/// Addresses that can't start a visitor session.
#[utoipa::path(tag = "contacts", security(("agent_token" = [])), params(PageQuery), responses(
    (status = 200, body = Page<BlockedAddress>),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
))]
#[get("/api/v1/blocked-addresses")]
async fn list(
    state: web::Data<AppState>,
    _me: CurrentAgent,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<BlockedAddress>>> {
    let q = query.into_inner();
    Ok(web::Json(blocked::list(&state, q.cursor, validate::page_size(q.limit)).await?))
}

/// Block the address a contact's session started from: new visitor sessions from it are refused
/// (`contact_banned`).
#[utoipa::path(tag = "contacts", security(("agent_token" = [])), request_body = BlockAddress, responses(
    (status = 201, body = BlockedAddress),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`: contact"),
    (status = 409, body = ErrorBody, description = "`conflict`: blocked already"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: the contact's address is not known"),
))]
#[post("/api/v1/blocked-addresses")]
async fn block(state: web::Data<AppState>, me: CurrentAgent, body: Json<BlockAddress>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(blocked::block(&state, &me, body.contact_id).await?))
}

/// Unblock an address.
#[utoipa::path(tag = "contacts", security(("agent_token" = [])), params(("address" = String, Path)), responses(
    (status = 204, description = "Unblocked"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[delete("/api/v1/blocked-addresses/{address}")]
async fn unblock(state: web::Data<AppState>, _me: CurrentAgent, address: web::Path<String>) -> ApiResult<HttpResponse> {
    blocked::unblock(&state, &address).await?;
    Ok(HttpResponse::NoContent().finish())
}
