//! Webhook endpoints and their deliveries (admin).

use super::{ApiResult, Authed};
use gloo_net::http::Request;
use shared::api::{CreateWebhook, CreatedWebhook, UpdateWebhook, Webhook, WebhookDelivery};
use shared::{DeliveryId, Page, WebhookId};

impl Authed {
    pub async fn webhooks(&self) -> ApiResult<Page<Webhook>> {
        self.get("/api/v1/webhooks", &[("limit", "200".into())]).await
    }

    pub async fn create_webhook(&self, input: &CreateWebhook) -> ApiResult<CreatedWebhook> {
        self.with_body(Request::post, "/api/v1/webhooks", input).await
    }

    pub async fn update_webhook(&self, id: WebhookId, change: &UpdateWebhook) -> ApiResult<Webhook> {
        self.with_body(Request::patch, &format!("/api/v1/webhooks/{id}"), change).await
    }

    pub async fn delete_webhook(&self, id: WebhookId) -> ApiResult<()> {
        self.empty(Request::delete, &format!("/api/v1/webhooks/{id}")).await
    }

    pub async fn webhook_deliveries(&self, id: WebhookId) -> ApiResult<Page<WebhookDelivery>> {
        self.get(&format!("/api/v1/webhooks/{id}/deliveries"), &[("limit", "20".into())]).await
    }

    pub async fn test_webhook(&self, id: WebhookId) -> ApiResult<WebhookDelivery> {
        self.post_empty(&format!("/api/v1/webhooks/{id}/test")).await
    }

    pub async fn redeliver(&self, id: WebhookId, delivery: DeliveryId) -> ApiResult<WebhookDelivery> {
        self.post_empty(&format!("/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver")).await
    }
}
