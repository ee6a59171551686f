use super::input::Json;
use crate::auth::{Admin, CurrentAgent};
use crate::domain::business_hours;
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{get, put, web};
use shared::ErrorBody;
use shared::api::BusinessHours;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(show).service(replace);
}

/// The team's business hours. Outside them visitors find the team away (the
/// widget's offline mode), whoever is online.
#[utoipa::path(tag = "widget", security(("agent_token" = [])), responses(
    (status = 200, body = BusinessHours),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
))]
#[get("/api/v1/settings/business-hours")]
async fn show(state: web::Data<AppState>, _me: CurrentAgent) -> ApiResult<web::Json<BusinessHours>> {
    Ok(web::Json(business_hours::get(&state).await?))
}

/// Replace the business hours (admin); widgets open now learn at once whether the team is there.
#[utoipa::path(tag = "widget", security(("agent_token" = [])), request_body = BusinessHours, responses(
    (status = 200, body = BusinessHours),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: unknown time zone, bad time, close not after open, too many intervals"),
))]
#[put("/api/v1/settings/business-hours")]
async fn replace(
    state: web::Data<AppState>,
    _admin: Admin,
    body: Json<BusinessHours>,
) -> ApiResult<web::Json<BusinessHours>> {
    Ok(web::Json(business_hours::set(&state, body.into_inner()).await?))
}
