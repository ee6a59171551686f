use crate::auth::CurrentAgent;
use crate::domain::event_feed::{self, EventsQuery};
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{get, web};
use shared::ErrorBody;
use shared::api::EventsPage;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list);
}

/// The events webhooks deliver, pulled: each with its sequence, in order. Keep the
/// last `seq` and ask for `after=<seq>` to catch up; `410 resync_required` means the
/// log no longer holds them: reload over REST and continue from the latest sequence.
#[utoipa::path(tag = "webhooks", security(("agent_token" = [])), params(EventsQuery), responses(
    (status = 200, body = EventsPage),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 410, body = ErrorBody, description = "`resync_required`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`"),
))]
#[get("/api/v1/events")]
async fn list(
    state: web::Data<AppState>,
    _me: CurrentAgent,
    query: web::Query<EventsQuery>,
) -> ApiResult<web::Json<EventsPage>> {
    Ok(web::Json(event_feed::page(&state, query.into_inner()).await?))
}
