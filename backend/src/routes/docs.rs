//! `/api/docs`: the API reference, rendered by Swagger UI from the OpenAPI
//! document. Swagger UI's files are compiled into the binary: nothing comes
//! from a CDN, so the page works offline and behind a strict firewall.

use crate::error::{ApiError, ApiResult};
use actix_web::http::header::{CACHE_CONTROL, LOCATION};
use actix_web::{HttpResponse, web};
use std::sync::Arc;
use utoipa_swagger_ui::Config;

const TITLE: &str = "<title>Natter API reference</title>";

/// Registers the page (not an API operation, so not in the OpenAPI document).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/docs", web::get().to(docs_root)).route("/api/docs/{file:.*}", web::get().to(docs_file));
}

/// The reference lives under a trailing slash, so its relative links resolve.
async fn docs_root() -> HttpResponse {
    HttpResponse::MovedPermanently().insert_header((LOCATION, "/api/docs/")).finish()
}

/// Swagger UI's page and files.
async fn docs_file(file: web::Path<String>) -> ApiResult<HttpResponse> {
    let config =
        Config::new(["/api/v1/openapi.json"]).display_request_duration(true).filter(true).persist_authorization(true);
    match utoipa_swagger_ui::serve(&file, Arc::new(config)) {
        Ok(Some(found)) => {
            let mut bytes = found.bytes.into_owned();
            if found.content_type == "text/html" {
                let page = String::from_utf8_lossy(&bytes).replace("<title>Swagger UI</title>", TITLE);
                bytes = page.into_bytes();
            }
            Ok(HttpResponse::Ok()
                .content_type(found.content_type)
                .insert_header((CACHE_CONTROL, "no-cache"))
                .body(bytes))
        }
        Ok(None) => Err(ApiError::NotFound),
        Err(e) => Err(ApiError::Internal(anyhow::anyhow!("API reference: {e}"))),
    }
}
