//! A typed client of the REST API. Only an [`Authed`] value, which holds the
//! session, can call the endpoints that need one; it refreshes an expired access
//! token once and retries, and signs the agent out when the refresh is refused.

mod blocked;
mod labels;
pub mod passwords;
mod reports;
mod webhooks;

use crate::session::Session;
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::api::*;
use shared::{AgentId, ApiKeyId, ContactId, ConversationId, ErrorBody, ErrorCode, GroupId, Page, SavedReplyId};

/// Why a call failed, for people and for code.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The stable code (`None` when the server could not be reached).
    pub code: Option<ErrorCode>,
    /// A message to show.
    pub message: String,
}

impl Failure {
    pub fn local(message: impl ToString) -> Self {
        Self { code: None, message: message.to_string() }
    }
}

pub type ApiResult<T> = Result<T, Failure>;

async fn failure_of(response: Response) -> Failure {
    match response.json::<ErrorBody>().await {
        Ok(body) => Failure { code: Some(body.error.code), message: body.error.message },
        Err(_) => Failure::local(format!("HTTP {}", response.status())),
    }
}

async fn decode<T: DeserializeOwned>(response: Response) -> ApiResult<T> {
    if response.ok() {
        return response.json::<T>().await.map_err(Failure::local);
    }
    Err(failure_of(response).await)
}

/// Logs in.
pub async fn login(email: String, password: String) -> ApiResult<TokenPair> {
    let request =
        Request::post("/api/v1/auth/login").json(&LoginRequest { email, password }).map_err(Failure::local)?;
    decode(request.send().await.map_err(Failure::local)?).await
}

/// What the server tells every client (public): the upload limit.
pub async fn client_config() -> ApiResult<ClientConfig> {
    decode(Request::get("/api/v1/config").send().await.map_err(Failure::local)?).await
}

async fn refresh(refresh_token: String) -> ApiResult<TokenPair> {
    let request =
        Request::post("/api/v1/auth/refresh").json(&RefreshRequest { refresh_token }).map_err(Failure::local)?;
    decode(request.send().await.map_err(Failure::local)?).await
}

/// Calls made on behalf of the signed-in agent.
#[derive(Clone, Copy)]
pub struct Authed {
    session: Session,
}

impl Authed {
    /// A client for `session`.
    pub fn new(session: Session) -> Self {
        Self { session }
    }

    /// The current access token, refreshed first when it has expired or is about to.
    pub async fn access_token(&self) -> ApiResult<String> {
        let tokens =
            self.session.tokens().ok_or(Failure { code: Some(ErrorCode::Unauthorized), message: String::new() })?;
        if !self.session.expiring() {
            return Ok(tokens.access_token);
        }
        self.refreshed().await
    }

    async fn refreshed(&self) -> ApiResult<String> {
        let tokens =
            self.session.tokens().ok_or(Failure { code: Some(ErrorCode::Unauthorized), message: String::new() })?;
        match refresh(tokens.refresh_token).await {
            Ok(fresh) => {
                let token = fresh.access_token.clone();
                self.session.set(fresh);
                Ok(token)
            }
            Err(failure) if failure.code.is_some() => {
                self.session.sign_out();
                Err(failure)
            }
            Err(failure) => Err(failure),
        }
    }

    /// Sends the request built by `build` with `body` (JSON), refreshing the
    /// token and trying once more if it had expired.
    async fn send(&self, build: impl Fn() -> RequestBuilder, body: Option<String>) -> ApiResult<Response> {
        let mut token = self.access_token().await?;
        for attempt in 0..2 {
            let builder = build().header("Authorization", &format!("Bearer {token}"));
            let request = match &body {
                None => builder.build(),
                Some(json) => builder.header("Content-Type", "application/json").body(json.clone()),
            }
            .map_err(Failure::local)?;
            let response = request.send().await.map_err(Failure::local)?;
            if response.status() == 401 && attempt == 0 {
                token = self.refreshed().await?;
                continue;
            }
            return Ok(response);
        }
        Err(Failure::local("unauthorized"))
    }

    async fn get<T: DeserializeOwned>(&self, path: &str, query: &[(&str, String)]) -> ApiResult<T> {
        let response =
            self.send(|| Request::get(path).query(query.iter().map(|(k, v)| (*k, v.as_str()))), None).await?;
        decode(response).await
    }

    async fn with_body<T: DeserializeOwned>(
        &self,
        method: fn(&str) -> RequestBuilder,
        path: &str,
        body: &impl Serialize,
    ) -> ApiResult<T> {
        let json = serde_json::to_string(body).map_err(Failure::local)?;
        decode(self.send(|| method(path), Some(json)).await?).await
    }

    async fn empty(&self, method: fn(&str) -> RequestBuilder, path: &str) -> ApiResult<()> {
        let response = self.send(|| method(path), None).await?;
        if response.ok() { Ok(()) } else { Err(failure_of(response).await) }
    }

    async fn post_empty<T: DeserializeOwned>(&self, path: &str) -> ApiResult<T> {
        decode(self.send(|| Request::post(path), Some("{}".to_owned())).await?).await
    }

    // --- me and the team

    pub async fn me(&self) -> ApiResult<Agent> {
        self.get("/api/v1/me", &[]).await
    }

    pub async fn update_me(&self, change: &UpdateMe) -> ApiResult<Agent> {
        self.with_body(Request::patch, "/api/v1/me", change).await
    }

    pub async fn logout(&self) -> ApiResult<()> {
        let response = self.send(|| Request::post("/api/v1/auth/logout"), None).await?;
        if response.ok() { Ok(()) } else { Err(failure_of(response).await) }
    }

    pub async fn agents(&self) -> ApiResult<Page<Agent>> {
        self.get("/api/v1/agents", &[("limit", "200".into())]).await
    }

    pub async fn create_agent(&self, input: &CreateAgent) -> ApiResult<Agent> {
        self.with_body(Request::post, "/api/v1/agents", input).await
    }

    pub async fn update_agent(&self, id: AgentId, change: &UpdateAgent) -> ApiResult<Agent> {
        self.with_body(Request::patch, &format!("/api/v1/agents/{id}"), change).await
    }

    pub async fn groups(&self) -> ApiResult<Page<Group>> {
        self.get("/api/v1/groups", &[("limit", "200".into())]).await
    }

    pub async fn create_group(&self, input: &GroupInput) -> ApiResult<Group> {
        self.with_body(Request::post, "/api/v1/groups", input).await
    }

    pub async fn update_group(&self, id: GroupId, change: &UpdateGroup) -> ApiResult<Group> {
        self.with_body(Request::patch, &format!("/api/v1/groups/{id}"), change).await
    }

    pub async fn business_hours(&self) -> ApiResult<BusinessHours> {
        self.get("/api/v1/settings/business-hours", &[]).await
    }

    pub async fn set_business_hours(&self, hours: &BusinessHours) -> ApiResult<BusinessHours> {
        self.with_body(Request::put, "/api/v1/settings/business-hours", hours).await
    }

    pub async fn routing_rules(&self) -> ApiResult<RoutingRules> {
        self.get("/api/v1/routing-rules", &[]).await
    }

    pub async fn set_routing_rules(&self, rules: &RoutingRules) -> ApiResult<RoutingRules> {
        self.with_body(Request::put, "/api/v1/routing-rules", rules).await
    }

    pub async fn delete_group(&self, id: GroupId) -> ApiResult<()> {
        self.empty(Request::delete, &format!("/api/v1/groups/{id}")).await
    }

    pub async fn set_members(&self, id: GroupId, agent_ids: Vec<AgentId>) -> ApiResult<Group> {
        self.with_body(Request::put, &format!("/api/v1/groups/{id}/members"), &SetMembers { agent_ids }).await
    }

    // --- conversations

    /// A page of conversations matching `query` (filter, group_id, q, cursor).
    pub async fn conversations(&self, query: &[(&str, String)]) -> ApiResult<Page<Conversation>> {
        self.get("/api/v1/conversations", query).await
    }

    pub async fn conversation(&self, id: ConversationId) -> ApiResult<ConversationDetail> {
        self.get(&format!("/api/v1/conversations/{id}"), &[]).await
    }

    /// Messages, newest first; `cursor` pages back in time.
    pub async fn messages(&self, id: ConversationId, cursor: Option<String>) -> ApiResult<Page<Message>> {
        let mut query = vec![("limit", "100".to_owned())];
        query.extend(cursor.map(|c| ("cursor", c)));
        self.get(&format!("/api/v1/conversations/{id}/messages"), &query).await
    }

    pub async fn post_message(&self, id: ConversationId, post: &PostMessage) -> ApiResult<Message> {
        self.with_body(Request::post, &format!("/api/v1/conversations/{id}/messages"), post).await
    }

    /// A reply emailed to the contact now (and stored as a reply).
    pub async fn email_reply(&self, id: ConversationId, reply: &EmailReply) -> ApiResult<Message> {
        self.with_body(Request::post, &format!("/api/v1/conversations/{id}/email"), reply).await
    }

    /// One action on many conversations.
    pub async fn bulk(&self, request: &BulkRequest) -> ApiResult<BulkOutcome> {
        self.with_body(Request::post, "/api/v1/conversations/bulk", request).await
    }

    /// Brings the caller's purple dot back until they open the conversation again.
    pub async fn mark_unread(&self, id: ConversationId) -> ApiResult<Conversation> {
        self.post_empty(&format!("/api/v1/conversations/{id}/unread")).await
    }

    pub async fn snooze(&self, id: ConversationId, request: &SnoozeRequest) -> ApiResult<Conversation> {
        self.with_body(Request::post, &format!("/api/v1/conversations/{id}/snooze"), request).await
    }

    pub async fn unsnooze(&self, id: ConversationId) -> ApiResult<Conversation> {
        let path = format!("/api/v1/conversations/{id}/snooze");
        decode(self.send(|| Request::delete(&path), None).await?).await
    }

    pub async fn mark_read(&self, id: ConversationId) -> ApiResult<Conversation> {
        self.post_empty(&format!("/api/v1/conversations/{id}/read")).await
    }

    pub async fn close(&self, id: ConversationId) -> ApiResult<Conversation> {
        self.post_empty(&format!("/api/v1/conversations/{id}/close")).await
    }

    pub async fn reopen(&self, id: ConversationId) -> ApiResult<Conversation> {
        self.post_empty(&format!("/api/v1/conversations/{id}/reopen")).await
    }

    pub async fn assign(&self, id: ConversationId, request: &AssignRequest) -> ApiResult<Conversation> {
        self.with_body(Request::post, &format!("/api/v1/conversations/{id}/assign"), request).await
    }

    pub async fn delete_conversation(&self, id: ConversationId) -> ApiResult<()> {
        self.empty(Request::delete, &format!("/api/v1/conversations/{id}")).await
    }

    // --- contacts

    pub async fn contacts(&self, query: &[(&str, String)]) -> ApiResult<Page<Contact>> {
        self.get("/api/v1/contacts", query).await
    }

    pub async fn contact(&self, id: ContactId) -> ApiResult<ContactDetail> {
        self.get(&format!("/api/v1/contacts/{id}"), &[]).await
    }

    pub async fn update_contact(&self, id: ContactId, change: &UpdateContact) -> ApiResult<Contact> {
        self.with_body(Request::patch, &format!("/api/v1/contacts/{id}"), change).await
    }

    pub async fn ban(&self, id: ContactId) -> ApiResult<Contact> {
        self.post_empty(&format!("/api/v1/contacts/{id}/ban")).await
    }

    pub async fn unban(&self, id: ContactId) -> ApiResult<Contact> {
        self.post_empty(&format!("/api/v1/contacts/{id}/unban")).await
    }

    /// Erases a contact and everything of theirs (admins).
    pub async fn delete_contact(&self, id: ContactId) -> ApiResult<()> {
        self.empty(Request::delete, &format!("/api/v1/contacts/{id}")).await
    }

    // --- saved replies

    pub async fn saved_replies(&self, prefix: Option<String>) -> ApiResult<Page<SavedReply>> {
        let mut query = vec![("limit", "200".to_owned())];
        query.extend(prefix.map(|p| ("prefix", p)));
        self.get("/api/v1/saved-replies", &query).await
    }

    pub async fn create_saved_reply(&self, input: &SavedReplyInput) -> ApiResult<SavedReply> {
        self.with_body(Request::post, "/api/v1/saved-replies", input).await
    }

    pub async fn update_saved_reply(&self, id: SavedReplyId, input: &SavedReplyInput) -> ApiResult<SavedReply> {
        self.with_body(Request::put, &format!("/api/v1/saved-replies/{id}"), input).await
    }

    pub async fn delete_saved_reply(&self, id: SavedReplyId) -> ApiResult<()> {
        self.empty(Request::delete, &format!("/api/v1/saved-replies/{id}")).await
    }

    /// The saved reply's text with the conversation's placeholders filled.
    pub async fn render_saved_reply(&self, id: SavedReplyId, conversation_id: ConversationId) -> ApiResult<String> {
        let rendered: RenderedSavedReply = self
            .with_body(
                Request::post,
                &format!("/api/v1/saved-replies/{id}/render"),
                &RenderSavedReply { conversation_id },
            )
            .await?;
        Ok(rendered.body)
    }

    // --- API keys

    pub async fn api_keys(&self) -> ApiResult<Page<ApiKey>> {
        self.get("/api/v1/api-keys", &[("limit", "200".into())]).await
    }

    pub async fn create_api_key(&self, input: &CreateApiKey) -> ApiResult<CreatedApiKey> {
        self.with_body(Request::post, "/api/v1/api-keys", input).await
    }

    pub async fn revoke_api_key(&self, id: ApiKeyId) -> ApiResult<()> {
        self.empty(Request::delete, &format!("/api/v1/api-keys/{id}")).await
    }

    // --- widget

    pub async fn widget_settings(&self) -> ApiResult<WidgetSettings> {
        self.get("/api/v1/settings/widget", &[]).await
    }

    pub async fn update_widget_settings(&self, change: &UpdateWidgetSettings) -> ApiResult<WidgetSettings> {
        self.with_body(Request::patch, "/api/v1/settings/widget", change).await
    }

    pub async fn rotate_identity_secret(&self) -> ApiResult<WidgetSettings> {
        self.post_empty("/api/v1/settings/widget/identity-secret").await
    }

    // --- files

    /// Downloads a file the agent may see and returns an object URL for it.
    pub async fn object_url(&self, url: &str) -> ApiResult<String> {
        let response = self.send(|| Request::get(url), None).await?;
        if !response.ok() {
            return Err(failure_of(response).await);
        }
        let bytes = response.binary().await.map_err(Failure::local)?;
        let content_type = response.headers().get("content-type").unwrap_or_default();
        crate::files::object_url(&bytes, &content_type).map_err(|e| Failure::local(format!("{e:?}")))
    }
}
