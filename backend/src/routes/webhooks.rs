use super::PageQuery;
use super::input::Json;
use crate::auth::Admin;
use crate::domain::{validate, webhooks};
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use shared::api::{CreateWebhook, CreatedWebhook, UpdateWebhook, Webhook, WebhookDelivery};
use shared::{DeliveryId, ErrorBody, Page, WebhookId};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get_one)
        .service(update)
        .service(remove)
        .service(deliveries)
        .service(send_test)
        .service(redeliver);
}

/// Webhook endpoints, without their secrets (admin).
#[utoipa::path(tag = "webhooks", security(("agent_token" = [])), params(PageQuery), responses(
    (status = 200, body = Page<Webhook>),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
))]
#[get("/api/v1/webhooks")]
async fn list(
    state: web::Data<AppState>,
    _admin: Admin,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<Webhook>>> {
    let q = query.into_inner();
    Ok(web::Json(webhooks::list(&state, q.cursor, validate::page_size(q.limit)).await?))
}

/// Add an endpoint; its signing secret is shown in this answer only (admin). It
/// receives the events logged from now on. Targets on private networks are
/// refused unless `NATTER_WEBHOOK_ALLOW_PRIVATE` is set.
#[utoipa::path(tag = "webhooks", security(("agent_token" = [])), request_body = CreateWebhook, responses(
    (status = 201, body = CreatedWebhook),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`: bad or refused URL, unknown event"),
))]
#[post("/api/v1/webhooks")]
async fn create(state: web::Data<AppState>, _admin: Admin, body: Json<CreateWebhook>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(webhooks::create(&state, body.into_inner()).await?))
}

/// One endpoint (admin).
#[utoipa::path(tag = "webhooks", security(("agent_token" = [])), params(("id" = WebhookId, Path)), responses(
    (status = 200, body = Webhook),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[get("/api/v1/webhooks/{id}")]
async fn get_one(state: web::Data<AppState>, _admin: Admin, id: web::Path<WebhookId>) -> ApiResult<web::Json<Webhook>> {
    Ok(web::Json(webhooks::get(&state, *id).await?))
}

/// Change an endpoint: URL, events, enabled (enabling clears why it was disabled) (admin).
#[utoipa::path(tag = "webhooks", security(("agent_token" = [])), params(("id" = WebhookId, Path)),
    request_body = UpdateWebhook, responses(
    (status = 200, body = Webhook),
    (status = 400, body = ErrorBody, description = "`malformed_request`"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
    (status = 422, body = ErrorBody, description = "`validation_failed`"),
))]
#[patch("/api/v1/webhooks/{id}")]
async fn update(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<WebhookId>,
    body: Json<UpdateWebhook>,
) -> ApiResult<web::Json<Webhook>> {
    Ok(web::Json(webhooks::update(&state, *id, body.into_inner()).await?))
}

/// Delete an endpoint and its deliveries (admin).
#[utoipa::path(tag = "webhooks", security(("agent_token" = [])), params(("id" = WebhookId, Path)), responses(
    (status = 204, description = "Deleted"),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[delete("/api/v1/webhooks/{id}")]
async fn remove(state: web::Data<AppState>, _admin: Admin, id: web::Path<WebhookId>) -> ApiResult<HttpResponse> {
    webhooks::delete(&state, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An endpoint's deliveries, newest first: event, state, status code, latency, attempts (admin).
#[utoipa::path(tag = "webhooks", security(("agent_token" = [])), params(("id" = WebhookId, Path), PageQuery),
    responses(
    (status = 200, body = Page<WebhookDelivery>),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[get("/api/v1/webhooks/{id}/deliveries")]
async fn deliveries(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<WebhookId>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<WebhookDelivery>>> {
    let q = query.into_inner();
    Ok(web::Json(webhooks::deliveries(&state, *id, q.cursor, validate::page_size(q.limit)).await?))
}

/// Send a `webhook.test` event now; the answer is the recorded delivery (admin).
#[utoipa::path(tag = "webhooks", security(("agent_token" = [])), params(("id" = WebhookId, Path)), responses(
    (status = 200, body = WebhookDelivery),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[post("/api/v1/webhooks/{id}/test")]
async fn send_test(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<WebhookId>,
) -> ApiResult<web::Json<WebhookDelivery>> {
    Ok(web::Json(webhooks::send_test(&state, *id).await?))
}

/// Queue a delivery again, at the end of the endpoint's queue (admin).
#[utoipa::path(tag = "webhooks", security(("agent_token" = [])),
    params(("id" = WebhookId, Path), ("delivery_id" = DeliveryId, Path)), responses(
    (status = 202, body = WebhookDelivery),
    (status = 401, body = ErrorBody, description = "`unauthorized`, `token_expired`"),
    (status = 403, body = ErrorBody, description = "`admin_only`, `forbidden`"),
    (status = 404, body = ErrorBody, description = "`not_found`"),
))]
#[post("/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
async fn redeliver(
    state: web::Data<AppState>,
    _admin: Admin,
    path: web::Path<(WebhookId, DeliveryId)>,
) -> ApiResult<HttpResponse> {
    let (id, delivery) = path.into_inner();
    Ok(HttpResponse::Accepted().json(webhooks::redeliver(&state, id, delivery).await?))
}
