use super::input::Json;
use crate::auth::CurrentAgent;
use crate::domain::conversation_actions as actions;
use crate::domain::messages::{self as msgs, MessagesQuery};
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use shared::api::{Message, PostMessage};
use shared::{ConversationId, ErrorBody, Page};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(create);
}

/// A conversation's messages (replies, comments, visitor messages and system notes), newest first.
#[utoipa::path(tag = "messages", security(("agent_token" = [])), params(("id" = ConversationId, Path), MessagesQuery), responses(
    (status = 200, body = Page<Message>),
    (status = 400, body = ErrorBody, description = "`malformed_request`: bad cursor"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[get("/api/v1/conversations/{id}/messages")]
async fn list(
    state: web::Data<AppState>,
    _me: CurrentAgent,
    id: web::Path<ConversationId>,
    query: web::Query<MessagesQuery>,
) -> ApiResult<web::Json<Page<Message>>> {
    Ok(web::Json(msgs::list(&state, *id, query.into_inner()).await?))
}

/// Post a reply (the visitor receives it) or an internal comment. A retry with the
/// same `client_id` returns the stored message with 200.
#[utoipa::path(tag = "messages", security(("agent_token" = [])), params(("id" = ConversationId, Path)), request_body = PostMessage, responses(
    (status = 201, body = Message, description = "Stored"),
    (status = 200, body = Message, description = "Already stored with this client_id"),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
    (status = 409, body = ErrorBody, description = "`conflict`: client_id used in another conversation"),
    (status = 413, body = ErrorBody, description = "`payload_too_large`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: empty or too long body, bad client_id, unavailable attachment"),
))]
#[post("/api/v1/conversations/{id}/messages")]
async fn create(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
    body: Json<PostMessage>,
) -> ApiResult<HttpResponse> {
    let (message, created) = actions::post(&state, &me, *id, body.into_inner()).await?;
    Ok(if created { HttpResponse::Created() } else { HttpResponse::Ok() }.json(message))
}
