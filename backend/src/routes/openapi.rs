//! The OpenAPI 3 document, generated from the handlers' annotations.

use super::{
    agents, attachments, auth, contacts, conversations, groups, health, keys, messages, metrics, saved_replies, widget,
    widget_settings,
};
use actix_web::{HttpResponse, get, web};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "agent_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An agent's access token (JWT from /auth/login) or an API key (`nk_…`)"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "visitor_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A visitor token (`nv_…`) from POST /widget/sessions"))
                    .build(),
            ),
        );
    }
}

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "Natter API", description = "Self-hosted real-time customer live chat. Errors are \
        `{\"error\": {\"code\", \"message\"}}` with a stable code (see the ErrorCode schema). \
        A rendered version of this document is served at `/api/docs/`."),
    modifiers(&Security),
    paths(
        health::healthz, health::readyz, metrics::metrics, openapi_json,
        auth::login, auth::refresh, auth::logout, auth::get_me, auth::update_me,
        conversations::list, conversations::create, conversations::get_one, conversations::remove,
        conversations::close, conversations::reopen, conversations::assign, conversations::read,
        messages::list, messages::create,
        attachments::upload, attachments::download,
        contacts::list, contacts::create, contacts::get_one, contacts::update, contacts::ban, contacts::unban,
        agents::list, agents::create, agents::get_one, agents::update,
        groups::list, groups::create, groups::get_one, groups::rename, groups::remove, groups::members,
        saved_replies::list, saved_replies::create, saved_replies::get_one, saved_replies::update,
        saved_replies::remove, saved_replies::render,
        keys::list, keys::create, keys::revoke,
        widget::start, widget::end, widget::conversation, widget::post_message, widget::upload, widget::contact,
        widget_settings::loader, widget_settings::frame, widget_settings::config, widget_settings::client_config, widget_settings::get_settings,
        widget_settings::update_settings, widget_settings::rotate_identity_secret, widget_settings::identify,
        crate::realtime::agent::connect, crate::realtime::visitor::connect,
    ),
    components(schemas(shared::ErrorCode, shared::events::Event)),
    tags((name = "realtime", description = "WebSockets. Frames are JSON objects tagged by `type`: see \
        `shared::frames` (AgentClientFrame, AgentServerFrame, VisitorClientFrame, VisitorServerFrame)."))
)]
pub struct ApiDoc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(openapi_json);
}

/// This document.
#[utoipa::path(tag = "health", responses((status = 200, description = "The OpenAPI 3 document")))]
#[get("/api/v1/openapi.json")]
async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
