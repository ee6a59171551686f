use super::input::Json;
use crate::auth::secrets::constant_time_eq;
use crate::auth::{Admin, CurrentAgent, CurrentVisitor};
use crate::domain::{email, email_out, password_links};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, post, web};
use futures_util::StreamExt;
use shared::api::{Agent, EmailReply, InviteAgent, Message, PasswordResetRequest, SetPassword};
use shared::{ConversationId, ErrorBody};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(inbound)
        .service(password_reset)
        .service(set_password)
        .service(invite)
        .service(transcript)
        .service(email_reply);
}

fn inbound_authorized(state: &AppState, request: &HttpRequest) -> ApiResult<()> {
    let Some(secret) = &state.settings.inbound_secret else { return Err(ApiError::Forbidden) };
    let given = request
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if constant_time_eq(given.as_bytes(), secret.0.as_bytes()) { Ok(()) } else { Err(ApiError::Unauthorized) }
}

/// A visitor's answer by email: the raw RFC 822 message (as Postfix's pipe
/// transport or a provider's inbound forwarding sends it), authenticated with
/// `Authorization: Bearer <NATTER_INBOUND_SECRET>`. Sent to the conversation's
/// `reply+<token>@<NATTER_INBOUND_DOMAIN>`; the quoted history is cut, files are
/// kept, and the text becomes the visitor's message (reopening the conversation).
#[utoipa::path(tag = "email", request_body(content = String, content_type = "message/rfc822"), responses(
    (status = 201, body = Message),
    (status = 400, body = ErrorBody, description = "`malformed_request`: not an email"),
    (status = 401, body = ErrorBody, description = "`unauthorized`: wrong secret"),
    (status = 403, body = ErrorBody, description = "`forbidden`: inbound email is off; `contact_banned`"),
    (status = 404, body = ErrorBody, description = "`not_found`: unknown token"),
    (status = 413, body = ErrorBody, description = "`payload_too_large`, `file_too_large`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: no reply address, no text"),
))]
#[post("/api/v1/inbound/email")]
async fn inbound(state: web::Data<AppState>, request: HttpRequest, mut body: web::Payload) -> ApiResult<HttpResponse> {
    inbound_authorized(&state, &request)?;
    let max = email::max_inbound_bytes(&state);
    let mut raw = web::BytesMut::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| ApiError::Malformed(format!("could not read the body: {e}")))?;
        if raw.len() + chunk.len() > max {
            return Err(ApiError::PayloadTooLarge);
        }
        raw.extend_from_slice(&chunk);
    }
    Ok(HttpResponse::Created().json(email::receive(&state, &raw).await?))
}

/// Emails a link to set a new password (valid for an hour, once). The answer is
/// the same whether an agent has this email or not.
#[utoipa::path(tag = "auth", request_body = PasswordResetRequest, responses(
    (status = 202, description = "If an agent has this email, a link is on its way"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: not an email address"),
    (status = 503, body = ErrorBody, description = "`email_disabled`"),
))]
#[post("/api/v1/auth/password-reset")]
async fn password_reset(state: web::Data<AppState>, body: Json<PasswordResetRequest>) -> ApiResult<HttpResponse> {
    password_links::request_reset(&state, body.into_inner()).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Sets a password with the token of an emailed link (reset or invitation);
/// the agent's other sessions end.
#[utoipa::path(tag = "auth", request_body = SetPassword, responses(
    (status = 204, description = "The password is set: log in with it"),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: expired or used link, short password"),
))]
#[post("/api/v1/auth/password")]
async fn set_password(state: web::Data<AppState>, body: Json<SetPassword>) -> ApiResult<HttpResponse> {
    password_links::set_password(&state, body.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Invite an agent by email: they set their own password from the link (admin).
#[utoipa::path(tag = "agents", security(("agent_token" = [])), request_body = InviteAgent, responses(
    (status = 201, body = Agent),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 409, body = ErrorBody, description = "`conflict`: email taken"),
    (status = 422, body = ErrorBody, description = "`validation_failed`"),
    (status = 503, body = ErrorBody, description = "`email_disabled`"),
))]
#[post("/api/v1/agents/invitations")]
async fn invite(state: web::Data<AppState>, _admin: Admin, body: Json<InviteAgent>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(password_links::invite(&state, body.into_inner()).await?))
}

/// Email the visitor their conversation (they must have left an email).
#[utoipa::path(tag = "widget", security(("visitor_token" = [])), responses(
    (status = 202, description = "On its way"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `session_expired`"),
    (status = 404, body = ErrorBody, description = "`not_found`: no conversation yet"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: no email left"),
    (status = 503, body = ErrorBody, description = "`email_disabled`"),
))]
#[post("/api/v1/widget/transcript")]
async fn transcript(state: web::Data<AppState>, me: CurrentVisitor) -> ApiResult<HttpResponse> {
    email_out::transcript(&state, &me).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Reply by email now: a saved reply or template (filled in for this conversation)
/// or a body, stored as a reply and emailed with the recent thread to the contact.
#[utoipa::path(tag = "messages", security(("agent_token" = [])), params(("id" = ConversationId, Path)),
    request_body = EmailReply, responses(
    (status = 201, body = Message),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: the contact has no email"),
    (status = 503, body = ErrorBody, description = "`email_disabled`"),
))]
#[post("/api/v1/conversations/{id}/email")]
async fn email_reply(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
    body: Json<EmailReply>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(email_out::email_reply(&state, &me, *id, body.into_inner()).await?))
}
