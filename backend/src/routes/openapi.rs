//! The OpenAPI 3 document, generated from the handlers' annotations.

use super::openapi_fixes::Corrections;
use super::{
    agents, attachments, auth, blocked_addresses, business_hours, contacts, conversations, email, events, groups,
    health, keys, labels, messages, metrics, reports, routing, saved_replies, snooze, webhooks, widget,
    widget_settings,
};
use actix_web::{HttpResponse, get, web};
use std::sync::OnceLock;
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
    modifiers(&Security, &Corrections),
    paths(
        health::healthz, health::readyz, metrics::metrics, openapi_json,
        auth::login, auth::refresh, auth::logout, auth::get_me, auth::update_me,
        conversations::list, conversations::create, conversations::get_one, conversations::remove,
        conversations::close, conversations::reopen, conversations::assign, conversations::read,
        conversations::unread, conversations::bulk, snooze::snooze_until, snooze::wake,
        messages::list, messages::create,
        attachments::upload, attachments::download,
        contacts::list, contacts::create, contacts::get_one, contacts::update, contacts::ban, contacts::unban,
        contacts::erase, blocked_addresses::list, blocked_addresses::block, blocked_addresses::unblock,
        agents::list, agents::create, agents::get_one, agents::update,
        groups::list, groups::create, groups::get_one, groups::rename, groups::remove, groups::members,
        saved_replies::list, saved_replies::create, saved_replies::get_one, saved_replies::update,
        saved_replies::remove, saved_replies::render,
        labels::list, labels::create, labels::get_one, labels::update, labels::remove, labels::add,
        labels::take_off,
        routing::list, routing::replace,
        business_hours::show, business_hours::replace,
        reports::missed, reports::missed_csv, reports::ratings, reports::ratings_csv,
        reports::conversations, reports::conversations_csv, reports::agents_csv,
        keys::list, keys::create, keys::revoke,
        webhooks::list, webhooks::create, webhooks::get_one, webhooks::update, webhooks::remove,
        webhooks::deliveries, webhooks::send_test, webhooks::redeliver, events::list,
        email::inbound, email::password_reset, email::set_password, email::invite, email::transcript,
        email::email_reply,
        widget::start, widget::end, widget::conversation, widget::post_message, widget::upload, widget::contact,
        widget::rate,
        widget_settings::loader, widget_settings::frame, widget_settings::rating, widget_settings::config, widget_settings::client_config, widget_settings::get_settings,
        widget_settings::update_settings, widget_settings::rotate_identity_secret, widget_settings::identify,
        crate::realtime::agent::connect, crate::realtime::visitor::connect,
    ),
    components(schemas(shared::ErrorCode, shared::events::Event, shared::api::ConversationFilter, attachments::UploadForm)),
    tags((name = "webhooks", description = "Webhooks POST `{\"id\", \"event\", \"seq\", \"created_at\", \"data\"}` \
        (`data`: the Event schema) with the headers `Natter-Delivery` (the same on retries), `Natter-Event` and \
        `Natter-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" under the endpoint's secret>`. \
        Verify the MAC in constant time and reject a `t` more than 5 minutes away from now. Retried with \
        exponential backoff for a day, in order per endpoint; answer 2xx within 10 s."),
        (name = "realtime", description = "WebSockets. Frames are JSON objects tagged by `type`: see \
        `shared::frames` (AgentClientFrame, AgentServerFrame, VisitorClientFrame, VisitorServerFrame)."))
)]
pub struct ApiDoc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(openapi_json);
}

/// The document, built once.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi)
}

/// This document.
#[utoipa::path(tag = "health", operation_id = "get_openapi", responses((status = 200, description = "The OpenAPI 3 document")))]
#[get("/api/v1/openapi.json")]
async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(document())
}

/// The methods the document gives `path` (by its templates), comma-separated;
/// `None` when no path of the API matches.
pub fn allowed_methods(path: &str) -> Option<String> {
    let paths = &document().paths.paths;
    let item = match paths.get(path) {
        Some(literal) => literal,
        None => paths.iter().find(|(template, _)| matches_template(template, path))?.1,
    };
    Some(methods_of(item))
}

/// The methods of the documented path that is exactly `path` (no template), if any.
pub fn literal_methods(path: &str) -> Option<String> {
    document().paths.paths.get(path).map(methods_of)
}

fn methods_of(item: &utoipa::openapi::PathItem) -> String {
    let methods = [
        ("GET", &item.get),
        ("PUT", &item.put),
        ("POST", &item.post),
        ("DELETE", &item.delete),
        ("PATCH", &item.patch),
    ];
    let allowed: Vec<&str> = methods.iter().filter(|(_, op)| op.is_some()).map(|(m, _)| *m).collect();
    allowed.join(", ")
}

/// Whether `path` fits `template` (`/a/{id}/b`: one segment per `{…}`).
fn matches_template(template: &str, path: &str) -> bool {
    let (mut t, mut p) = (template.split('/'), path.split('/'));
    loop {
        match (t.next(), p.next()) {
            (None, None) => return true,
            (Some(t), Some(p)) if t.starts_with('{') && !p.is_empty() => {}
            (Some(t), Some(p)) if t == p => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_their_templates() {
        assert!(matches_template("/api/v1/contacts/{id}", "/api/v1/contacts/abc"));
        assert!(!matches_template("/api/v1/contacts/{id}", "/api/v1/contacts/"));
        assert!(!matches_template("/api/v1/contacts/{id}", "/api/v1/contacts/a/b"));
        assert_eq!(allowed_methods("/api/v1/contacts").as_deref(), Some("GET, POST"));
        assert_eq!(allowed_methods("/api/v1/nope"), None);
        // A literal path is itself, not the template it also fits.
        assert_eq!(allowed_methods("/api/v1/conversations/bulk").as_deref(), Some("POST"));
        assert_eq!(literal_methods("/api/v1/conversations/bulk").as_deref(), Some("POST"));
        assert_eq!(literal_methods("/api/v1/conversations/0193a1b2"), None);
    }
}
