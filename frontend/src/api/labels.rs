//! Labels: the team's list (admins edit it) and a conversation's own.

use super::{ApiResult, Authed, decode};
use gloo_net::http::Request;
use shared::api::{AddLabel, Conversation, Label, LabelInput};
use shared::{ConversationId, LabelId, Page};

impl Authed {
    pub async fn labels(&self) -> ApiResult<Page<Label>> {
        self.get("/api/v1/labels", &[("limit", "200".into())]).await
    }

    pub async fn create_label(&self, input: &LabelInput) -> ApiResult<Label> {
        self.with_body(Request::post, "/api/v1/labels", input).await
    }

    pub async fn delete_label(&self, id: LabelId) -> ApiResult<()> {
        self.empty(Request::delete, &format!("/api/v1/labels/{id}")).await
    }

    pub async fn add_label(&self, id: ConversationId, label_id: LabelId) -> ApiResult<Conversation> {
        self.with_body(Request::post, &format!("/api/v1/conversations/{id}/labels"), &AddLabel { label_id }).await
    }

    pub async fn remove_label(&self, id: ConversationId, label: LabelId) -> ApiResult<Conversation> {
        let path = format!("/api/v1/conversations/{id}/labels/{label}");
        decode(self.send(|| Request::delete(&path), None).await?).await
    }
}
