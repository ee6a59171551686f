use super::input::Json;
use crate::auth::CurrentAgent;
use crate::domain::conversations::{self as convs, ListQuery};
use crate::domain::{contacts, conversation_actions as actions};
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, web};
use shared::api::{AssignRequest, BulkOutcome, BulkRequest, Conversation, ConversationDetail, CreateConversation};
use shared::{ConversationId, ErrorBody, Page};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get_one)
        .service(remove)
        .service(close)
        .service(reopen)
        .service(assign)
        .service(read)
        .service(unread)
        .service(bulk);
}

/// Conversations, most recent activity first, each with the caller's dot.
#[utoipa::path(tag = "conversations", security(("agent_token" = [])), params(ListQuery), responses(
    (status = 200, body = Page<Conversation>),
    (status = 400, body = ErrorBody, description = "`malformed_request`: bad filter or cursor"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: visitors can't list"),
    (status = 422, body = ErrorBody, description = "`validation_failed`"),
))]
#[get("/api/v1/conversations")]
async fn list(
    state: web::Data<AppState>,
    me: CurrentAgent,
    query: web::Query<ListQuery>,
) -> ApiResult<web::Json<Page<Conversation>>> {
    Ok(web::Json(convs::list(&state, &me, query.into_inner()).await?))
}

/// Start a conversation with a contact.
#[utoipa::path(tag = "conversations", security(("agent_token" = [])), request_body = CreateConversation, responses(
    (status = 201, body = Conversation),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`: no such contact"),
))]
#[post("/api/v1/conversations")]
async fn create(
    state: web::Data<AppState>,
    me: CurrentAgent,
    body: Json<CreateConversation>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(actions::create(&state, &me, body.contact_id).await?))
}

/// One conversation with its contact.
#[utoipa::path(tag = "conversations", security(("agent_token" = [])), params(("id" = ConversationId, Path)), responses(
    (status = 200, body = ConversationDetail),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[get("/api/v1/conversations/{id}")]
async fn get_one(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
) -> ApiResult<web::Json<ConversationDetail>> {
    let conversation = convs::get(&state, &me, *id).await?;
    let contact = contacts::load(&state, conversation.contact_id).await?.into();
    Ok(web::Json(ConversationDetail { conversation, contact }))
}

/// Delete a conversation with its messages and files.
#[utoipa::path(tag = "conversations", security(("agent_token" = [])), params(("id" = ConversationId, Path)), responses(
    (status = 204, description = "Deleted"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[delete("/api/v1/conversations/{id}")]
async fn remove(
    state: web::Data<AppState>,
    _me: CurrentAgent,
    id: web::Path<ConversationId>,
) -> ApiResult<HttpResponse> {
    actions::delete(&state, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Close a conversation.
#[utoipa::path(tag = "conversations", security(("agent_token" = [])), params(("id" = ConversationId, Path)), responses(
    (status = 200, body = Conversation),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[post("/api/v1/conversations/{id}/close")]
async fn close(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
) -> ApiResult<web::Json<Conversation>> {
    Ok(web::Json(actions::close(&state, &me, *id).await?))
}

/// Reopen a conversation.
#[utoipa::path(tag = "conversations", security(("agent_token" = [])), params(("id" = ConversationId, Path)), responses(
    (status = 200, body = Conversation),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[post("/api/v1/conversations/{id}/reopen")]
async fn reopen(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
) -> ApiResult<web::Json<Conversation>> {
    Ok(web::Json(actions::reopen(&state, &me, *id).await?))
}

/// Assign an agent and/or a group (`null` for none).
#[utoipa::path(tag = "conversations", security(("agent_token" = [])), params(("id" = ConversationId, Path)), request_body = AssignRequest, responses(
    (status = 200, body = Conversation),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: unknown or inactive agent, unknown group"),
))]
#[post("/api/v1/conversations/{id}/assign")]
async fn assign(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
    body: Json<AssignRequest>,
) -> ApiResult<web::Json<Conversation>> {
    Ok(web::Json(actions::assign(&state, &me, *id, body.into_inner()).await?))
}

/// Mark the conversation read by the calling agent.
#[utoipa::path(tag = "conversations", security(("agent_token" = [])), params(("id" = ConversationId, Path)), responses(
    (status = 200, body = Conversation),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: API keys have no read state"),
))]
#[post("/api/v1/conversations/{id}/read")]
async fn read(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
) -> ApiResult<web::Json<Conversation>> {
    Ok(web::Json(actions::mark_read(&state, &me, *id).await?))
}

/// Mark the conversation unread for the calling agent: their purple dot comes back until they open it.
#[utoipa::path(tag = "conversations", security(("agent_token" = [])), params(("id" = ConversationId, Path)), responses(
    (status = 200, body = Conversation),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: API keys have no read state"),
))]
#[post("/api/v1/conversations/{id}/unread")]
async fn unread(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
) -> ApiResult<web::Json<Conversation>> {
    Ok(web::Json(actions::mark_unread(&state, &me, *id).await?))
}

/// One action on up to 200 conversations (close, reopen, assign, add or remove a label, delete):
/// each is changed alone, with its own events, and one that can't be fails alone.
#[utoipa::path(tag = "conversations", security(("agent_token" = [])), request_body = BulkRequest, responses(
    (status = 200, body = BulkOutcome),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: no ids, or more than 200"),
))]
#[post("/api/v1/conversations/bulk")]
async fn bulk(
    state: web::Data<AppState>,
    me: CurrentAgent,
    body: Json<BulkRequest>,
) -> ApiResult<web::Json<BulkOutcome>> {
    Ok(web::Json(crate::domain::bulk::apply(&state, &me, body.into_inner()).await?))
}
