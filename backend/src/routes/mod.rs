//! HTTP in and out: thin handlers that call the domain services.

mod agents;
mod attachments;
mod auth;
mod blocked_addresses;
mod business_hours;
mod contacts;
mod conversations;
mod docs;
mod email;
mod events;
mod files;
mod groups;
mod health;
pub mod input;
mod keys;
mod labels;
mod messages;
mod metrics;
pub mod openapi;
mod openapi_fixes;
mod pages;
mod reports;
mod routing;
mod saved_replies;
pub mod security_headers;
mod snooze;
mod webhooks;
mod widget;
mod widget_settings;

use crate::error::{ApiError, json_error, query_error};
use actix_web::web;
use serde::Deserialize;

/// Page parameters of the simple lists.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// Page size (1–200, default 50).
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A malformed path (such as an id that is not a UUID) is a resource that does
/// not exist — unless the path is one of the API's own literal paths taken by a
/// templated route's method (`GET /conversations/bulk` beside
/// `GET /conversations/{id}`): then the method is what is wrong.
fn path_error(_: actix_web::error::PathError, req: &actix_web::HttpRequest) -> actix_web::Error {
    match openapi::literal_methods(req.path()) {
        Some(allow) => ApiError::MethodNotAllowed(allow),
        None => ApiError::NotFound,
    }
    .into()
}

/// Registers every route and the extractor settings that turn bad input into JSON errors.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::JsonConfig::default().limit(shared::limits::MAX_JSON_BYTES).error_handler(json_error))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .app_data(web::QueryConfig::default().error_handler(query_error));
    health::configure(cfg);
    metrics::configure(cfg);
    openapi::configure(cfg);
    docs::configure(cfg);
    auth::configure(cfg);
    conversations::configure(cfg);
    messages::configure(cfg);
    attachments::configure(cfg);
    contacts::configure(cfg);
    blocked_addresses::configure(cfg);
    agents::configure(cfg);
    groups::configure(cfg);
    saved_replies::configure(cfg);
    labels::configure(cfg);
    business_hours::configure(cfg);
    routing::configure(cfg);
    reports::configure(cfg);
    snooze::configure(cfg);
    keys::configure(cfg);
    webhooks::configure(cfg);
    email::configure(cfg);
    events::configure(cfg);
    widget::configure(cfg);
    widget_settings::configure(cfg);
    crate::realtime::configure(cfg);
    pages::configure(cfg);
}

pub use pages::fallback;
