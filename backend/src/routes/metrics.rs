//! `GET /metrics`: every metric in the Prometheus text format, behind a bearer
//! token when `NATTER_METRICS_TOKEN` is set.

use crate::auth::extract::bearer;
use crate::auth::secrets::{constant_time_eq, hash};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, web};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(metrics);
}

/// Prometheus metrics (text format 0.0.4). When the server sets
/// `NATTER_METRICS_TOKEN`, send it as `Authorization: Bearer <token>`.
#[utoipa::path(tag = "health", responses(
    (status = 200, description = "Prometheus text format", content_type = "text/plain"),
    (status = 401, body = shared::ErrorBody, description = "`unauthorized`: `NATTER_METRICS_TOKEN` is set and the bearer token is not it"),
))]
#[get("/metrics")]
async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    if let Some(token) = &state.settings.metrics_token {
        let given = bearer(&req)?;
        // Hashed first, so the comparison takes the same time whatever the lengths.
        if !constant_time_eq(hash(&given).as_bytes(), hash(&token.0).as_bytes()) {
            return Err(ApiError::Unauthorized);
        }
    }
    state.metrics.bus_lag(state.bus.lag());
    state.metrics.write_queue_depth(state.db.queue_depth());
    let text = state.metrics.render().map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(text))
}
