//! The visitor's REST calls. The visitor token lives in this frame's
//! `localStorage`, so the visitor stays the same across pages and visits.

use gloo_net::http::{Method, Request, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::api::*;
use shared::{ErrorBody, ErrorCode};

const TOKEN_KEY: &str = "natter.visitor";
/// The site's user the stored token was verified as.
const USER_KEY: &str = "natter.user";

/// Why a call failed.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub code: Option<ErrorCode>,
    pub message: String,
}

fn local(e: impl ToString) -> Failure {
    Failure { code: None, message: e.to_string() }
}

/// A failure that never reached the server or came back unreadable. Its details
/// are not formatted: the error types' `Display` would cost the bundle kilobytes.
fn unreachable<E>(_: E) -> Failure {
    local("network error")
}

/// One request, answered with its body's text: every call of the chat goes
/// through this one (not inlined) function, which keeps the bundle small.
#[inline(never)]
async fn call(method: Method, path: &str, token: Option<&str>, body: Option<String>) -> Result<String, Failure> {
    let mut builder = RequestBuilder::new(path).method(method);
    if let Some(token) = token {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let request = match body {
        Some(json) => builder.header("Content-Type", "application/json").body(json),
        None => builder.build(),
    };
    let response = request.map_err(unreachable)?.send().await.map_err(unreachable)?;
    let text = response.text().await.map_err(unreachable)?;
    if response.ok() {
        return Ok(text);
    }
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => Err(Failure { code: Some(body.error.code), message: body.error.message }),
        Err(_) => Err(local(format!("HTTP {}", response.status()))),
    }
}

fn decode<T: DeserializeOwned>(text: Result<String, Failure>) -> Result<T, Failure> {
    serde_json::from_str(&text?).map_err(unreachable)
}

fn json<B: Serialize>(body: &B) -> Option<String> {
    serde_json::to_string(body).ok()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The stored visitor token.
pub fn stored_token() -> Option<String> {
    storage()?.get_item(TOKEN_KEY).ok().flatten()
}

/// Keeps a token, and the site's user it was verified as (if any).
pub fn store_token(token: &str, user: Option<&str>) {
    if let Some(s) = storage() {
        let _ = s.set_item(TOKEN_KEY, token);
        let _ = match user {
            Some(user) => s.set_item(USER_KEY, user),
            None => s.remove_item(USER_KEY),
        };
    }
}

/// The site's user the stored token was verified as.
pub fn stored_user() -> Option<String> {
    storage()?.get_item(USER_KEY).ok().flatten()
}

pub fn forget_token() {
    if let Some(s) = storage() {
        let _ = s.remove_item(TOKEN_KEY);
        let _ = s.remove_item(USER_KEY);
    }
}

/// A value kept in this frame's storage (the bot's "done", and so on).
pub fn remembered(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

pub fn remember(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

pub fn forget(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// The name and email the contact form collects, as the body of `PATCH /widget/contact`.
/// (Not `WidgetContactUpdate`: its attributes would bring a JSON value type into the bundle.)
pub fn contact_form_change(name: Option<String>, email: String) -> String {
    #[derive(Serialize)]
    struct Change {
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        email: String,
    }
    serde_json::to_string(&Change { name, email }).unwrap_or_default()
}

pub async fn config(site_key: &str) -> Result<WidgetConfig, Failure> {
    let key = String::from(js_sys::encode_uri_component(site_key));
    decode(call(Method::GET, &format!("/api/v1/widget/config?site_key={key}"), None, None).await)
}

pub async fn start_session(site_key: &str, page_url: Option<String>) -> Result<WidgetSession, Failure> {
    let body = StartSession { page_url, site_key: site_key.to_owned() };
    decode(call(Method::POST, "/api/v1/widget/sessions", None, json(&body)).await)
}

/// Calls made with the visitor's token.
#[derive(Clone, Debug, PartialEq)]
pub struct Visitor {
    pub token: String,
}

impl Visitor {
    fn auth(&self) -> String {
        format!("Bearer {}", self.token)
    }

    pub async fn conversation(&self) -> Result<crate::wire::Thread, Failure> {
        decode(call(Method::GET, "/api/v1/widget/conversation", Some(&self.token), None).await)
    }

    async fn post_json<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T, Failure> {
        decode(call(Method::POST, path, Some(&self.token), json(body)).await)
    }

    pub async fn post(&self, message: &WidgetPostMessage) -> Result<crate::wire::ChatMessage, Failure> {
        // A lost answer is retried once: the client id makes the retry safe.
        match self.post_json("/api/v1/widget/messages", message).await {
            Err(f) if f.code.is_none() => self.post_json("/api/v1/widget/messages", message).await,
            other => other,
        }
    }

    /// Changes the visitor's contact; `change` is the JSON body of `PATCH /widget/contact`
    /// (the host page's `setContact` arrives as JSON text already).
    pub async fn update_contact(&self, change: String) -> Result<VisitorContact, Failure> {
        decode(call(Method::PATCH, "/api/v1/widget/contact", Some(&self.token), Some(change)).await)
    }

    pub async fn identify(&self, identity: &IdentifyVisitor) -> Result<IdentifiedVisitor, Failure> {
        self.post_json("/api/v1/widget/identify", identity).await
    }

    /// Asks the server to email the visitor their conversation.
    pub async fn transcript(&self) -> Result<(), Failure> {
        call(Method::POST, "/api/v1/widget/transcript", Some(&self.token), None).await.map(drop)
    }

    /// Ends this token's session on the server.
    pub async fn end_session(&self) -> Result<(), Failure> {
        call(Method::DELETE, "/api/v1/widget/sessions/current", Some(&self.token), None).await.map(drop)
    }

    /// An object URL for one of the conversation's files.
    pub async fn object_url(&self, url: &str) -> Result<String, Failure> {
        let response = Request::get(url).header("Authorization", &self.auth()).send().await.map_err(unreachable)?;
        if !response.ok() {
            return Err(local(format!("HTTP {}", response.status())));
        }
        let bytes = response.binary().await.map_err(unreachable)?;
        let content_type = response.headers().get("content-type").unwrap_or_default();
        crate::files::object_url(&bytes, &content_type).map_err(unreachable)
    }
}
