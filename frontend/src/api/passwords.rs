//! Calls made without a session: asking for a password link, and using one.

use super::{ApiResult, Failure, failure_of};
use gloo_net::http::Request;
use shared::api::{PasswordResetRequest, SetPassword};

async fn post_expecting_ok<B: serde::Serialize>(path: &str, body: &B) -> ApiResult<()> {
    let response = Request::post(path).json(body).map_err(Failure::local)?.send().await.map_err(Failure::local)?;
    if response.ok() { Ok(()) } else { Err(failure_of(response).await) }
}

/// Asks for a link to set a new password.
pub async fn request_password_reset(email: String) -> ApiResult<()> {
    post_expecting_ok("/api/v1/auth/password-reset", &PasswordResetRequest { email }).await
}

/// Sets a password with the token of an emailed link.
pub async fn set_password(token: String, password: String) -> ApiResult<()> {
    post_expecting_ok("/api/v1/auth/password", &SetPassword { token, password }).await
}
