use crate::auth::Admin;
use crate::domain::conversations_report;
use crate::domain::reports::{self, ReportQuery};
use crate::domain::validate;
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use shared::api::{ConversationsReport, MissedEpisode, RatingsReport};
use shared::{ErrorBody, Page};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(missed)
        .service(missed_csv)
        .service(ratings)
        .service(ratings_csv)
        .service(conversations)
        .service(conversations_csv)
        .service(agents_csv);
}

/// Missed history (admin): each time a conversation turned red and the first reply after it, newest first.
#[utoipa::path(tag = "reports", security(("agent_token" = [])), params(ReportQuery), responses(
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
    query: web::Query<ReportQuery>,
) -> ApiResult<web::Json<Page<MissedEpisode>>> {
    let limit = validate::page_size(query.limit);
    Ok(web::Json(reports::missed(&state, &query, limit).await?))
}

/// The missed history as CSV (admin; at most 10,000 rows, newest first; same filters, no paging).
#[utoipa::path(tag = "reports", security(("agent_token" = [])), params(ReportQuery), responses(
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
    query: web::Query<ReportQuery>,
) -> ApiResult<HttpResponse> {
    Ok(csv_file(reports::missed_csv(&state, query.into_inner()).await?, "missed-conversations.csv"))
}

/// Ratings (admin): how visitors rated their conversations in a range — count,
/// average, how many of each score — and the latest 100 with their comments.
/// `limit` and `cursor` are ignored.
#[utoipa::path(tag = "reports", security(("agent_token" = [])), params(ReportQuery), responses(
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
    query: web::Query<ReportQuery>,
) -> ApiResult<web::Json<RatingsReport>> {
    Ok(web::Json(crate::domain::ratings_report::report(&state, &query).await?))
}

/// The ratings as CSV (admin; at most 10,000 rows, newest first; same filters).
#[utoipa::path(tag = "reports", security(("agent_token" = [])), params(ReportQuery), responses(
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
    query: web::Query<ReportQuery>,
) -> ApiResult<HttpResponse> {
    Ok(csv_file(crate::domain::ratings_report::csv(&state, &query).await?, "ratings.csv"))
}

/// Conversations (admin): those that started in a range (default: the 30 days
/// up to now; at most 400 days) — per day and per hour of the day in `tz`, how
/// long visitors waited for a first answer and how long until closed (median,
/// 90th percentile, buckets) — and the replies each agent sent in it. `agent_id`
/// and `group_id` filter by assignment (replies: by author); `limit` and
/// `cursor` are ignored.
#[utoipa::path(tag = "reports", security(("agent_token" = [])), params(ReportQuery), responses(
    (status = 200, body = ConversationsReport),
    (status = 400, body = ErrorBody, description = "`malformed_request`: a bad time"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: from after to, too long a range, unknown tz"),
))]
#[get("/api/v1/reports/conversations")]
async fn conversations(
    state: web::Data<AppState>,
    _admin: Admin,
    query: web::Query<ReportQuery>,
) -> ApiResult<web::Json<ConversationsReport>> {
    Ok(web::Json(conversations_report::report(&state, &query).await?))
}

/// The conversations that started in the range as CSV (admin; one row each,
/// newest first, at most 10,000; same filters).
#[utoipa::path(tag = "reports", security(("agent_token" = [])), params(ReportQuery), responses(
    (status = 200, content_type = "text/csv", body = String),
    (status = 400, body = ErrorBody, description = "`malformed_request`: a bad time"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: from after to, too long a range, unknown tz"),
))]
#[get("/api/v1/reports/conversations.csv")]
async fn conversations_csv(
    state: web::Data<AppState>,
    _admin: Admin,
    query: web::Query<ReportQuery>,
) -> ApiResult<HttpResponse> {
    Ok(csv_file(conversations_report::csv(&state, &query).await?, "conversations.csv"))
}

/// Replies by agent in the range as CSV (admin; same filters).
#[utoipa::path(tag = "reports", security(("agent_token" = [])), params(ReportQuery), responses(
    (status = 200, content_type = "text/csv", body = String),
    (status = 400, body = ErrorBody, description = "`malformed_request`: a bad time"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: from after to, too long a range, unknown tz"),
))]
#[get("/api/v1/reports/agents.csv")]
async fn agents_csv(
    state: web::Data<AppState>,
    _admin: Admin,
    query: web::Query<ReportQuery>,
) -> ApiResult<HttpResponse> {
    Ok(csv_file(conversations_report::agents_csv(&state, &query).await?, "replies-by-agent.csv"))
}

/// CSV text as a download named `name`.
fn csv_file(csv: String, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{name}\"")))
        .body(csv)
}
