//! The WebSocket upgrade: the token from `Sec-WebSocket-Protocol`, the Origin check.

use crate::auth::Caller;
use crate::auth::extract::resolve_token;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessageStream, Session};
use shared::frames::{BEARER_PROTOCOL_PREFIX, MAX_CLIENT_FRAME_BYTES, PROTOCOL};

/// The bearer token offered as the `bearer.<token>` subprotocol.
fn bearer_from_protocols(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .find_map(|p| p.strip_prefix(BEARER_PROTOCOL_PREFIX))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The host (and port) of an origin such as `https://chat.example.com:8443`.
fn origin_host(origin: &str) -> Option<&str> {
    origin.split_once("://").map(|(_, rest)| rest.trim_end_matches('/'))
}

/// Browsers always send `Origin` on a WebSocket upgrade: accept our own origin
/// (the page was served by us), the public URL's, and the configured ones. A page
/// elsewhere can't open a socket with a visitor's or agent's credentials.
/// Clients that are not browsers send no Origin and are judged by their token.
pub fn check_origin(req: &HttpRequest, state: &AppState) -> ApiResult<()> {
    let Some(origin) = req.headers().get(header::ORIGIN) else { return Ok(()) };
    let origin = origin.to_str().map_err(|_| ApiError::Forbidden)?.trim_end_matches('/');
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok());
    let same_host = host.is_some() && origin_host(origin) == host;
    let public = state.settings.public_url.as_deref().is_some_and(|p| p.trim_end_matches('/') == origin);
    let allowed = state.settings.allowed_origins.iter().any(|o| o.trim_end_matches('/') == origin);
    if same_host || public || allowed { Ok(()) } else { Err(ApiError::Forbidden) }
}

/// Authenticates the upgrade.
pub async fn authenticate(req: &HttpRequest, state: &AppState) -> ApiResult<Caller> {
    check_origin(req, state)?;
    let token = bearer_from_protocols(req).ok_or(ApiError::Unauthorized)?;
    resolve_token(state, &token).await
}

/// Switches to the WebSocket protocol with the frame limits in place.
pub fn upgrade(req: &HttpRequest, body: web::Payload) -> ApiResult<(HttpResponse, Session, AggregatedMessageStream)> {
    let (response, session, stream) =
        actix_ws::handle_with_protocols(req, body, &[PROTOCOL]).map_err(|e| ApiError::Malformed(e.to_string()))?;
    let stream = stream
        .max_frame_size(MAX_CLIENT_FRAME_BYTES)
        .aggregate_continuations()
        .max_continuation_size(MAX_CLIENT_FRAME_BYTES);
    Ok((response, session, stream))
}
