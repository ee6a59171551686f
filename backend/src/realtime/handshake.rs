//! The WebSocket upgrade: the token from `Sec-WebSocket-Protocol`, the Origin check.

use super::frame_guard::GuardedPayload;
use crate::auth::Caller;
use crate::auth::extract::resolve_token;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessageStream, Session};
use bytes::Bytes;
use futures_util::Stream;
use shared::frames::{BEARER_PROTOCOL_PREFIX, MAX_CLIENT_FRAME_BYTES, PROTOCOL};
use std::pin::Pin;

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

/// The origin (scheme, host, port) of a URL; `None` for anything else.
fn origin_of(url: &str) -> Option<url::Origin> {
    let origin = url::Url::parse(url).ok()?.origin();
    origin.is_tuple().then_some(origin)
}

/// Browsers always send `Origin` on a WebSocket upgrade: accept our own origin
/// (the page was served by us: same scheme, host and port), the public URL's,
/// and the configured ones. A page elsewhere — or on a plain-http twin of an
/// https site — can't open a socket with a visitor's or agent's credentials.
/// Clients that are not browsers send no Origin and are judged by their token.
pub fn check_origin(req: &HttpRequest, state: &AppState) -> ApiResult<()> {
    let Some(origin) = req.headers().get(header::ORIGIN) else { return Ok(()) };
    let origin = origin.to_str().ok().and_then(origin_of).ok_or(ApiError::Forbidden)?;
    let own = {
        let info = req.connection_info();
        origin_of(&format!("{}://{}", info.scheme(), info.host()))
    };
    let public = state.settings.public_url.as_deref().and_then(origin_of);
    let allowed = state.settings.allowed_origins.iter().filter_map(|o| origin_of(o));
    let ok = own.into_iter().chain(public).chain(allowed).any(|o| o == origin);
    if ok { Ok(()) } else { Err(ApiError::Forbidden) }
}

/// Authenticates the upgrade.
pub async fn authenticate(req: &HttpRequest, state: &AppState) -> ApiResult<Caller> {
    check_origin(req, state)?;
    let token = bearer_from_protocols(req).ok_or(ApiError::Unauthorized)?;
    resolve_token(state, &token).await
}

/// Switches to the WebSocket protocol with the frame limits in place: frame
/// headers are checked before their payload is buffered ([`GuardedPayload`]).
pub async fn upgrade(
    req: &HttpRequest,
    body: web::Payload,
) -> ApiResult<(HttpResponse, Session, AggregatedMessageStream)> {
    let guarded = GuardedPayload::new(body.into_inner(), MAX_CLIENT_FRAME_BYTES);
    let stream: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> = Box::pin(guarded);
    let mut raw = Payload::Stream { payload: stream };
    let body = web::Payload::from_request(req, &mut raw).await.map_err(|e| ApiError::Malformed(e.to_string()))?;
    let (response, session, stream) =
        actix_ws::handle_with_protocols(req, body, &[PROTOCOL]).map_err(|e| ApiError::Malformed(e.to_string()))?;
    let stream = stream
        .max_frame_size(MAX_CLIENT_FRAME_BYTES)
        .aggregate_continuations()
        .max_continuation_size(MAX_CLIENT_FRAME_BYTES);
    Ok((response, session, stream))
}
