use super::input::Json;
use crate::auth::{Admin, CurrentAgent};
use crate::domain::contacts::{self, ContactsQuery};
use crate::domain::erasure;
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use shared::api::{Contact, ContactDetail, CreateContact, UpdateContact};
use shared::{ContactId, ErrorBody, Page};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(create).service(get_one).service(update).service(ban).service(unban).service(erase);
}

/// Contacts, newest first; search over name, email and phone; known contacts or anonymous visitors only.
#[utoipa::path(tag = "contacts", security(("agent_token" = [])), params(ContactsQuery), responses(
    (status = 200, body = Page<Contact>),
    (status = 400, body = ErrorBody, description = "`malformed_request`: bad cursor, or a flag (`banned`, `anonymous`) that is not `true` or `false`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
))]
#[get("/api/v1/contacts")]
async fn list(
    state: web::Data<AppState>,
    _me: CurrentAgent,
    query: web::Query<ContactsQuery>,
) -> ApiResult<web::Json<Page<Contact>>> {
    Ok(web::Json(contacts::list(&state, query.into_inner()).await?))
}

/// Create a contact.
#[utoipa::path(tag = "contacts", security(("agent_token" = [])), request_body = CreateContact, responses(
    (status = 201, body = Contact),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: bad email or phone, attribute limits"),
))]
#[post("/api/v1/contacts")]
async fn create(state: web::Data<AppState>, _me: CurrentAgent, body: Json<CreateContact>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(contacts::create(&state, body.into_inner()).await?))
}

/// A contact with its past conversations.
#[utoipa::path(tag = "contacts", security(("agent_token" = [])), params(("id" = ContactId, Path)), responses(
    (status = 200, body = ContactDetail),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[get("/api/v1/contacts/{id}")]
async fn get_one(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ContactId>,
) -> ApiResult<web::Json<ContactDetail>> {
    Ok(web::Json(contacts::detail(&state, &me, *id).await?))
}

/// Change a contact's details, notes and custom attributes.
#[utoipa::path(tag = "contacts", security(("agent_token" = [])), params(("id" = ContactId, Path)), request_body = UpdateContact, responses(
    (status = 200, body = Contact),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
    (status = 413, body = ErrorBody, description = "`payload_too_large`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: bad email or phone, attribute limits"),
))]
#[patch("/api/v1/contacts/{id}")]
async fn update(
    state: web::Data<AppState>,
    _me: CurrentAgent,
    id: web::Path<ContactId>,
    body: Json<UpdateContact>,
) -> ApiResult<web::Json<Contact>> {
    Ok(web::Json(contacts::update(&state, *id, body.into_inner()).await?))
}

/// Ban a contact: their visitor can no longer write.
#[utoipa::path(tag = "contacts", security(("agent_token" = [])), params(("id" = ContactId, Path)), responses(
    (status = 200, body = Contact),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[post("/api/v1/contacts/{id}/ban")]
async fn ban(state: web::Data<AppState>, _me: CurrentAgent, id: web::Path<ContactId>) -> ApiResult<web::Json<Contact>> {
    Ok(web::Json(contacts::set_banned(&state, *id, true).await?))
}

/// Lift a contact's ban.
#[utoipa::path(tag = "contacts", security(("agent_token" = [])), params(("id" = ContactId, Path)), responses(
    (status = 200, body = Contact),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[post("/api/v1/contacts/{id}/unban")]
async fn unban(
    state: web::Data<AppState>,
    _me: CurrentAgent,
    id: web::Path<ContactId>,
) -> ApiResult<web::Json<Contact>> {
    Ok(web::Json(contacts::set_banned(&state, *id, false).await?))
}

/// Erase a contact (admin): the contact, their conversations, messages, files and
/// events, and the webhook deliveries that carried them. Leaves one
/// `conversation.deleted` per conversation and a `contact.deleted`.
#[utoipa::path(tag = "contacts", security(("agent_token" = [])), params(("id" = ContactId, Path)), responses(
    (status = 204, description = "Erased"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[delete("/api/v1/contacts/{id}")]
async fn erase(state: web::Data<AppState>, _admin: Admin, id: web::Path<ContactId>) -> ApiResult<HttpResponse> {
    erasure::erase(&state, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
