use super::PageQuery;
use super::input::Json;
use crate::auth::{Admin, CurrentAgent};
use crate::domain::{labels, validate};
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use shared::api::{AddLabel, Conversation, Label, LabelInput};
use shared::{ConversationId, ErrorBody, LabelId, Page};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(create).service(get_one).service(update).service(remove).service(add).service(take_off);
}

/// Labels, by name.
#[utoipa::path(tag = "labels", security(("agent_token" = [])), params(PageQuery), responses(
    (status = 200, body = Page<Label>),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
))]
#[get("/api/v1/labels")]
async fn list(
    state: web::Data<AppState>,
    _me: CurrentAgent,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<Label>>> {
    let q = query.into_inner();
    Ok(web::Json(labels::list(&state, q.cursor, validate::page_size(q.limit)).await?))
}

/// Create a label (admin).
#[utoipa::path(tag = "labels", security(("agent_token" = [])), request_body = LabelInput, responses(
    (status = 201, body = Label),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 409, body = ErrorBody, description = "`conflict`: name taken (whatever its case)"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: name, color, or 200 labels already"),
))]
#[post("/api/v1/labels")]
async fn create(state: web::Data<AppState>, _admin: Admin, body: Json<LabelInput>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(labels::create(&state, body.into_inner()).await?))
}

/// One label.
#[utoipa::path(tag = "labels", security(("agent_token" = [])), params(("id" = LabelId, Path)), responses(
    (status = 200, body = Label),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[get("/api/v1/labels/{id}")]
async fn get_one(state: web::Data<AppState>, _me: CurrentAgent, id: web::Path<LabelId>) -> ApiResult<web::Json<Label>> {
    Ok(web::Json(labels::get(&state, *id).await?))
}

/// Rename or recolour a label (admin); conversations keep it.
#[utoipa::path(tag = "labels", security(("agent_token" = [])), params(("id" = LabelId, Path)), request_body = LabelInput, responses(
    (status = 200, body = Label),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
    (status = 409, body = ErrorBody, description = "`conflict`: name taken (whatever its case)"),
    (status = 422, body = ErrorBody, description = "`validation_failed`"),
))]
#[put("/api/v1/labels/{id}")]
async fn update(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<LabelId>,
    body: Json<LabelInput>,
) -> ApiResult<web::Json<Label>> {
    Ok(web::Json(labels::update(&state, *id, body.into_inner()).await?))
}

/// Delete a label (admin): it leaves every conversation, each with its `conversation.updated`.
#[utoipa::path(tag = "labels", security(("agent_token" = [])), params(("id" = LabelId, Path)), responses(
    (status = 204, description = "Deleted"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[delete("/api/v1/labels/{id}")]
async fn remove(state: web::Data<AppState>, _admin: Admin, id: web::Path<LabelId>) -> ApiResult<HttpResponse> {
    labels::delete(&state, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Put a label on a conversation (idempotent).
#[utoipa::path(tag = "labels", security(("agent_token" = [])), params(("id" = ConversationId, Path)), request_body = AddLabel, responses(
    (status = 200, body = Conversation),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`: conversation"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: unknown label, or 20 labels already"),
))]
#[post("/api/v1/conversations/{id}/labels")]
async fn add(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
    body: Json<AddLabel>,
) -> ApiResult<web::Json<Conversation>> {
    Ok(web::Json(labels::add(&state, &me, *id, body.label_id).await?))
}

/// Take a label off a conversation (idempotent).
#[utoipa::path(tag = "labels", security(("agent_token" = [])), params(("id" = ConversationId, Path), ("label_id" = LabelId, Path)), responses(
    (status = 200, body = Conversation),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`: conversation"),
))]
#[delete("/api/v1/conversations/{id}/labels/{label_id}")]
async fn take_off(
    state: web::Data<AppState>,
    me: CurrentAgent,
    path: web::Path<(ConversationId, LabelId)>,
) -> ApiResult<web::Json<Conversation>> {
    let (id, label) = path.into_inner();
    Ok(web::Json(labels::remove(&state, &me, id, label).await?))
}
