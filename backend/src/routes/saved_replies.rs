use super::input::Json;
use crate::auth::CurrentAgent;
use crate::domain::saved_replies::{self as replies, SavedRepliesQuery};
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use shared::api::{RenderSavedReply, RenderedSavedReply, SavedReply, SavedReplyInput};
use shared::{ErrorBody, Page, SavedReplyId};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(create).service(get_one).service(update).service(remove).service(render);
}

/// Saved replies and templates, by shortcut.
#[utoipa::path(tag = "saved replies", security(("agent_token" = [])), params(SavedRepliesQuery), responses(
    (status = 200, body = Page<SavedReply>),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
))]
#[get("/api/v1/saved-replies")]
async fn list(
    state: web::Data<AppState>,
    _me: CurrentAgent,
    query: web::Query<SavedRepliesQuery>,
) -> ApiResult<web::Json<Page<SavedReply>>> {
    Ok(web::Json(replies::list(&state, query.into_inner()).await?))
}

/// Create a saved reply or template.
#[utoipa::path(tag = "saved replies", security(("agent_token" = [])), request_body = SavedReplyInput, responses(
    (status = 201, body = SavedReply),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 409, body = ErrorBody, description = "`conflict`: shortcut taken"),
    (status = 422, body = ErrorBody, description = "`validation_failed`"),
))]
#[post("/api/v1/saved-replies")]
async fn create(state: web::Data<AppState>, _me: CurrentAgent, body: Json<SavedReplyInput>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(replies::create(&state, body.into_inner()).await?))
}

/// One saved reply.
#[utoipa::path(tag = "saved replies", security(("agent_token" = [])), params(("id" = SavedReplyId, Path)), responses(
    (status = 200, body = SavedReply),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[get("/api/v1/saved-replies/{id}")]
async fn get_one(
    state: web::Data<AppState>,
    _me: CurrentAgent,
    id: web::Path<SavedReplyId>,
) -> ApiResult<web::Json<SavedReply>> {
    Ok(web::Json(replies::get(&state, *id).await?))
}

/// Replace a saved reply.
#[utoipa::path(tag = "saved replies", security(("agent_token" = [])), params(("id" = SavedReplyId, Path)), request_body = SavedReplyInput, responses(
    (status = 200, body = SavedReply),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
    (status = 409, body = ErrorBody, description = "`conflict`: shortcut taken"),
    (status = 422, body = ErrorBody, description = "`validation_failed`"),
))]
#[put("/api/v1/saved-replies/{id}")]
async fn update(
    state: web::Data<AppState>,
    _me: CurrentAgent,
    id: web::Path<SavedReplyId>,
    body: Json<SavedReplyInput>,
) -> ApiResult<web::Json<SavedReply>> {
    Ok(web::Json(replies::update(&state, *id, body.into_inner()).await?))
}

/// Delete a saved reply.
#[utoipa::path(tag = "saved replies", security(("agent_token" = [])), params(("id" = SavedReplyId, Path)), responses(
    (status = 204, description = "Deleted"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[delete("/api/v1/saved-replies/{id}")]
async fn remove(state: web::Data<AppState>, _me: CurrentAgent, id: web::Path<SavedReplyId>) -> ApiResult<HttpResponse> {
    replies::delete(&state, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The saved reply with `{{contact.name}}`-style placeholders filled for a conversation.
#[utoipa::path(tag = "saved replies", security(("agent_token" = [])), params(("id" = SavedReplyId, Path)), request_body = RenderSavedReply, responses(
    (status = 200, body = RenderedSavedReply),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`: saved reply"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: no such conversation"),
))]
#[post("/api/v1/saved-replies/{id}/render")]
async fn render(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<SavedReplyId>,
    body: Json<RenderSavedReply>,
) -> ApiResult<web::Json<RenderedSavedReply>> {
    Ok(web::Json(replies::render(&state, &me, *id, body.conversation_id).await?))
}
