//! A typed client of the REST API. Only an [`Authed`] value, which holds a
//! token, can call the endpoints that need one.

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use shared::api::{Conversation, LoginRequest, TokenPair};
use shared::{ErrorBody, ErrorCode, Page};

/// Why a call failed, for people and for code.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The stable code (`None` when the server could not be reached).
    pub code: Option<ErrorCode>,
    /// A message to show.
    pub message: String,
}

async fn decode<T: DeserializeOwned>(response: Result<Response, gloo_net::Error>) -> Result<T, Failure> {
    let response = response.map_err(|e| Failure { code: None, message: e.to_string() })?;
    if response.ok() {
        return response.json::<T>().await.map_err(|e| Failure { code: None, message: e.to_string() });
    }
    match response.json::<ErrorBody>().await {
        Ok(body) => Err(Failure { code: Some(body.error.code), message: body.error.message }),
        Err(_) => Err(Failure { code: None, message: format!("HTTP {}", response.status()) }),
    }
}

/// Logs in.
pub async fn login(email: String, password: String) -> Result<TokenPair, Failure> {
    let request = Request::post("/api/v1/auth/login")
        .json(&LoginRequest { email, password })
        .map_err(|e| Failure { code: None, message: e.to_string() })?;
    decode(request.send().await).await
}

/// Calls made on behalf of a signed-in agent.
#[derive(Debug, Clone, PartialEq)]
pub struct Authed {
    token: String,
}

impl Authed {
    /// A client using `token`.
    pub fn new(token: String) -> Self {
        Self { token }
    }

    fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }

    /// Open conversations, most recent first.
    pub async fn conversations(&self, filter: &str) -> Result<Page<Conversation>, Failure> {
        let request =
            Request::get("/api/v1/conversations").query([("filter", filter)]).header("Authorization", &self.bearer());
        decode(request.send().await).await
    }
}
