use crate::auth::Admin;
use crate::domain::reports::{self, MissedQuery};
use crate::domain::validate;
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use shared::api::{MissedEpisode, RatingsReport};
use shared::{ErrorBody, Page};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(missed).service(missed_csv).service(ratings).service(ratings_csv);
}

/// Missed history (admin): each time a conversation turned red and the first reply after it, newest first.
#[utoipa::path(tag = "reports", security(("agent_token" = [])), params(MissedQuery), responses(
    (status = 200, body = Page<MissedEpisode>),
    (status = 400, body = ErrorBody, description = "`malformed_request`: a bad time or cursor"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: from after to"),
))]
#[get("/api/v1/reports/missed")]
async fn missed(
    state: web::Data<AppState>,
    _admin: Admin,
    query: web::Query<MissedQuery>,
) -> ApiResult<web::Json<Page<MissedEpisode>>> {
    let limit = validate::page_size(query.limit);
    Ok(web::Json(reports::missed(&state, &query, limit).await?))
}

/// The missed history as CSV (admin; at most 10,000 rows, newest first; same filters, no paging).
#[utoipa::path(tag = "reports", security(("agent_token" = [])), params(MissedQuery), responses(
    (status = 200, content_type = "text/csv", body = String),
    (status = 400, body = ErrorBody, description = "`malformed_request`: a bad time"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: from after to"),
))]
#[get("/api/v1/reports/missed.csv")]
async fn missed_csv(
    state: web::Data<AppState>,
    _admin: Admin,
    query: web::Query<MissedQuery>,
) -> ApiResult<HttpResponse> {
    Ok(csv_file(reports::missed_csv(&state, query.into_inner()).await?, "missed-conversations.csv"))
}

/// Ratings (admin): how visitors rated their conversations in a range — count,
/// average, how many of each score — and the latest 100 with their comments.
/// `limit` and `cursor` are ignored.
#[utoipa::path(tag = "reports", security(("agent_token" = [])), params(MissedQuery), responses(
    (status = 200, body = RatingsReport),
    (status = 400, body = ErrorBody, description = "`malformed_request`: a bad time"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: from after to"),
))]
#[get("/api/v1/reports/ratings")]
async fn ratings(
    state: web::Data<AppState>,
    _admin: Admin,
    query: web::Query<MissedQuery>,
) -> ApiResult<web::Json<RatingsReport>> {
    Ok(web::Json(crate::domain::ratings_report::report(&state, &query).await?))
}

/// The ratings as CSV (admin; at most 10,000 rows, newest first; same filters).
#[utoipa::path(tag = "reports", security(("agent_token" = [])), params(MissedQuery), responses(
    (status = 200, content_type = "text/csv", body = String),
    (status = 400, body = ErrorBody, description = "`malformed_request`: a bad time"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: from after to"),
))]
#[get("/api/v1/reports/ratings.csv")]
async fn ratings_csv(
    state: web::Data<AppState>,
    _admin: Admin,
    query: web::Query<MissedQuery>,
) -> ApiResult<HttpResponse> {
    Ok(csv_file(crate::domain::ratings_report::csv(&state, &query).await?, "ratings.csv"))
}

/// CSV text as a download named `name`.
fn csv_file(csv: String, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{name}\"")))
        .body(csv)
}
