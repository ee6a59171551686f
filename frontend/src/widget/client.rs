//! The visitor's REST calls. The visitor token lives in this frame's
//! `localStorage`, so the visitor stays the same across pages and visits.

use gloo_net::http::{Request, Response};
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

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, Failure> {
    if response.ok() {
        return response.json().await.map_err(local);
    }
    match response.json::<ErrorBody>().await {
        Ok(body) => Err(Failure { code: Some(body.error.code), message: body.error.message }),
        Err(_) => Err(local(format!("HTTP {}", response.status()))),
    }
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

pub async fn config(site_key: &str) -> Result<WidgetConfig, Failure> {
    let request = Request::get("/api/v1/widget/config").query([("site_key", site_key)]);
    decode(request.send().await.map_err(local)?).await
}

pub async fn start_session(site_key: &str, page_url: Option<String>) -> Result<WidgetSession, Failure> {
    let body = StartSession { page_url, site_key: site_key.to_owned() };
    let request = Request::post("/api/v1/widget/sessions").json(&body).map_err(local)?;
    decode(request.send().await.map_err(local)?).await
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

    pub async fn conversation(&self) -> Result<WidgetConversation, Failure> {
        let request = Request::get("/api/v1/widget/conversation").header("Authorization", &self.auth());
        decode(request.send().await.map_err(local)?).await
    }

    async fn send_json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: &B,
    ) -> Result<T, Failure> {
        let builder = match method {
            "PATCH" => Request::patch(path),
            _ => Request::post(path),
        };
        let request = builder.header("Authorization", &self.auth()).json(body).map_err(local)?;
        decode(request.send().await.map_err(local)?).await
    }

    pub async fn post(&self, message: &WidgetPostMessage) -> Result<VisitorMessage, Failure> {
        // A lost answer is retried once: the client id makes the retry safe.
        match self.send_json("POST", "/api/v1/widget/messages", message).await {
            Err(f) if f.code.is_none() => self.send_json("POST", "/api/v1/widget/messages", message).await,
            other => other,
        }
    }

    pub async fn update_contact(&self, change: &WidgetContactUpdate) -> Result<VisitorContact, Failure> {
        self.send_json("PATCH", "/api/v1/widget/contact", change).await
    }

    pub async fn identify(&self, identity: &IdentifyVisitor) -> Result<IdentifiedVisitor, Failure> {
        self.send_json("POST", "/api/v1/widget/identify", identity).await
    }

    /// Ends this token's session on the server.
    pub async fn end_session(&self) -> Result<(), Failure> {
        let request = Request::delete("/api/v1/widget/sessions/current").header("Authorization", &self.auth());
        let response = request.send().await.map_err(local)?;
        if response.ok() { Ok(()) } else { Err(local(format!("HTTP {}", response.status()))) }
    }

    /// An object URL for one of the conversation's files.
    pub async fn object_url(&self, url: &str) -> Result<String, Failure> {
        let response = Request::get(url).header("Authorization", &self.auth()).send().await.map_err(local)?;
        if !response.ok() {
            return Err(local(format!("HTTP {}", response.status())));
        }
        let bytes = response.binary().await.map_err(local)?;
        let content_type = response.headers().get("content-type").unwrap_or_default();
        crate::files::object_url(&bytes, &content_type).map_err(|e| local(format!("{e:?}")))
    }
}
