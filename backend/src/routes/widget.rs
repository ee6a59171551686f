use super::input::Json;
use crate::auth::CurrentVisitor;
use crate::domain::{attachments, visitor_sessions, widget};
use crate::error::{ApiError, ApiResult};
use crate::metrics::Limit;
use crate::state::AppState;
use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use shared::ErrorBody;
use shared::api::{
    StartSession, Uploaded, VisitorContact, VisitorConversation, VisitorMessage, WidgetContactUpdate,
    WidgetConversation, WidgetPostMessage, WidgetRating, WidgetSession,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(start)
        .service(end)
        .service(conversation)
        .service(post_message)
        .service(upload)
        .service(contact)
        .service(rate);
}

/// Start an anonymous visitor session with the widget's site key: a new contact and its secret token.
/// The session ends after `NATTER_VISITOR_SESSION_DAYS` without use (then `session_expired`).
#[utoipa::path(tag = "widget", request_body = StartSession, responses(
    (status = 201, body = WidgetSession),
    (status = 400, body = ErrorBody, description = "`malformed_request`: no body, no site key, not a JSON object"),
    (status = 415, body = ErrorBody, description = "`unsupported_media_type`: not JSON"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: not this workspace's site key, or a page \
        URL that is not http(s)"),
    (status = 403, body = ErrorBody, description = "`contact_banned`: the address is blocked"),
    (status = 429, body = ErrorBody, description = "`rate_limited`: too many new visitors from this address"),
))]
#[post("/api/v1/widget/sessions")]
async fn start(state: web::Data<AppState>, req: HttpRequest, body: Json<StartSession>) -> ApiResult<HttpResponse> {
    let ip = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    if let Err(wait) = state.new_visitors.hit(&ip).await {
        state.metrics.rate_limited(Limit::NewVisitor);
        return Err(ApiError::RateLimited(wait));
    }
    let browser = req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let device = visitor_sessions::Device { browser, ip_address: (!ip.is_empty()).then_some(ip) };
    Ok(HttpResponse::Created().json(visitor_sessions::start(&state, body.into_inner(), device).await?))
}

/// End the visitor's session (`natter('reset')`, a site's logout): the token stops working at once.
#[utoipa::path(tag = "widget", security(("visitor_token" = [])), responses(
    (status = 204, description = "Ended"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `session_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: not a visitor token"),
))]
#[delete("/api/v1/widget/sessions/current")]
async fn end(state: web::Data<AppState>, me: CurrentVisitor) -> ApiResult<HttpResponse> {
    visitor_sessions::end(&state, &me).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The visitor's current conversation and its messages: their own and agents' replies, never comments.
#[utoipa::path(tag = "widget", security(("visitor_token" = [])), responses(
    (status = 200, body = WidgetConversation),
    (status = 401, body = ErrorBody, description = "`unauthorized`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: not a visitor token"),
))]
#[get("/api/v1/widget/conversation")]
async fn conversation(state: web::Data<AppState>, me: CurrentVisitor) -> ApiResult<web::Json<WidgetConversation>> {
    Ok(web::Json(widget::conversation(&state, &me).await?))
}

/// Send a message as the visitor. A retry with the same `client_id` returns the stored message with 200.
#[utoipa::path(tag = "widget", security(("visitor_token" = [])), request_body = WidgetPostMessage, responses(
    (status = 201, body = VisitorMessage, description = "Stored"),
    (status = 200, body = VisitorMessage, description = "Already stored with this client_id"),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`"),
    (status = 403, body = ErrorBody, description = "`contact_banned`, `forbidden`"),
    (status = 413, body = ErrorBody, description = "`payload_too_large`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`"),
))]
#[post("/api/v1/widget/messages")]
async fn post_message(
    state: web::Data<AppState>,
    me: CurrentVisitor,
    body: Json<WidgetPostMessage>,
) -> ApiResult<HttpResponse> {
    let (message, created) = widget::post(&state, &me, body.into_inner()).await?;
    Ok(if created { HttpResponse::Created() } else { HttpResponse::Ok() }.json(message))
}

/// Upload files as the visitor (multipart/form-data).
#[utoipa::path(tag = "widget", security(("visitor_token" = [])), request_body(content_type = "multipart/form-data", content = super::attachments::UploadForm), responses(
    (status = 201, body = Uploaded),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`"),
    (status = 403, body = ErrorBody, description = "`contact_banned`, `forbidden`"),
    (status = 413, body = ErrorBody, description = "`file_too_large`: nothing from the request is kept"),
    (status = 415, body = ErrorBody, description = "`unsupported_media_type`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`"),
))]
#[post("/api/v1/widget/attachments")]
async fn upload(state: web::Data<AppState>, me: CurrentVisitor, payload: Multipart) -> ApiResult<HttpResponse> {
    me.ensure_can_write()?;
    let files = attachments::upload(&state, me.contact.id, payload).await?;
    Ok(HttpResponse::Created().json(Uploaded { attachments: files }))
}

/// Fill in the visitor's name, email and phone (the contact-form bot).
#[utoipa::path(tag = "widget", security(("visitor_token" = [])), request_body = WidgetContactUpdate, responses(
    (status = 200, body = VisitorContact),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`"),
    (status = 403, body = ErrorBody, description = "`contact_banned`, `forbidden`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: bad email or phone"),
))]
#[patch("/api/v1/widget/contact")]
async fn contact(
    state: web::Data<AppState>,
    me: CurrentVisitor,
    body: Json<WidgetContactUpdate>,
) -> ApiResult<web::Json<VisitorContact>> {
    Ok(web::Json(widget::update_contact(&state, &me, body.into_inner()).await?))
}

/// Rate the visitor's conversation once it is closed: 1 to 5, with an optional comment.
#[utoipa::path(tag = "widget", security(("visitor_token" = [])), request_body = WidgetRating, responses(
    (status = 200, body = VisitorConversation),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`"),
    (status = 403, body = ErrorBody, description = "`contact_banned`, `forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`: no conversation yet"),
    (status = 409, body = ErrorBody, description = "`conflict`: still open, or rated already"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: score not 1 to 5, comment too long"),
))]
#[post("/api/v1/widget/rating")]
async fn rate(
    state: web::Data<AppState>,
    me: CurrentVisitor,
    body: Json<WidgetRating>,
) -> ApiResult<web::Json<VisitorConversation>> {
    Ok(web::Json(widget::rate(&state, &me, body.into_inner()).await?))
}
