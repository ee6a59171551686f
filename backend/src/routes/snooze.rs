use super::input::Json;
use crate::auth::CurrentAgent;
use crate::domain::snooze;
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{delete, post, web};
use shared::api::{Conversation, SnoozeRequest};
use shared::{ConversationId, ErrorBody};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(snooze_until).service(wake);
}

/// Snooze an open conversation until a time: it leaves the working lists and comes back by
/// itself then (or when the visitor writes), with a purple dot for its assignee.
#[utoipa::path(tag = "conversations", security(("agent_token" = [])), params(("id" = ConversationId, Path)), request_body = SnoozeRequest, responses(
    (status = 200, body = Conversation),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: not open, or `until` not in the coming year"),
))]
#[post("/api/v1/conversations/{id}/snooze")]
async fn snooze_until(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
    body: Json<SnoozeRequest>,
) -> ApiResult<web::Json<Conversation>> {
    Ok(web::Json(snooze::snooze(&state, &me, *id, body.until).await?))
}

/// Wake a snoozed conversation now (idempotent).
#[utoipa::path(tag = "conversations", security(("agent_token" = [])), params(("id" = ConversationId, Path)), responses(
    (status = 200, body = Conversation),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[delete("/api/v1/conversations/{id}/snooze")]
async fn wake(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
) -> ApiResult<web::Json<Conversation>> {
    Ok(web::Json(snooze::unsnooze(&state, &me, *id).await?))
}
