//! Logging: one subscriber for the whole process (human-readable text, or one
//! JSON object per line for log shippers), and the HTTP middleware that gives
//! every request an id, a span that carries it onto every line logged while the
//! request runs, an access-log line, its metrics and an `X-Request-Id` header.

use crate::config::LogFormat;
use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use std::time::Instant;
use tracing::Instrument;
use tracing_subscriber::{EnvFilter, fmt};

/// The response header (and accepted request header) with the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// The route label of requests that matched no route (pages of the inbox, unknown paths).
const FALLBACK_ROUTE: &str = "fallback";
/// Probes and scrapes: logged at debug level so they don't drown the rest.
const QUIET_ROUTES: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// Installs the global subscriber; later calls (tests) are ignored.
pub fn init(filter: &str, format: LogFormat) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = match format {
        LogFormat::Text => {
            let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
            fmt().with_env_filter(filter).with_target(false).with_ansi(ansi).try_init()
        }
        // Each line: timestamp, level, target, message and fields at the top,
        // and `spans` — the request's span with `request_id` among them.
        LogFormat::Json => fmt()
            .json()
            .with_env_filter(filter)
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(true)
            .try_init(),
    };
}

/// The id of a request: the caller's `X-Request-Id` when it is a short token
/// (a proxy's id keeps one id across hops), otherwise a new UUID.
fn request_id(headers: &HeaderMap) -> String {
    let given = headers.get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok()).filter(|id| {
        (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
    });
    given.map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned)
}

/// Middleware: runs the request inside a span with its id, then logs and
/// measures it by route pattern and status, and returns the id in a header.
pub async fn trace_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = request_id(req.headers());
    let method = req.method().clone();
    let route = req.match_pattern().unwrap_or_else(|| FALLBACK_ROUTE.to_owned());
    let metrics = req.app_data::<web::Data<AppState>>().map(|state| state.metrics.clone());
    let span = tracing::info_span!("request", request_id = %id, method = %method, route = %route);
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let latency = started.elapsed();
    let status = match &result {
        Ok(response) => response.status(),
        Err(error) => error.as_response_error().status_code(),
    };
    if let Some(metrics) = metrics {
        metrics.http_request(&method, &route, status.as_u16(), latency);
    }
    let latency_ms = latency.as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if QUIET_ROUTES.contains(&route.as_str()) {
            tracing::debug!(status = status.as_u16(), latency_ms, "request finished");
        } else {
            tracing::info!(status = status.as_u16(), latency_ms, "request finished");
        }
    });
    let mut response = result?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxys_request_id_is_kept_and_anything_odd_replaced() {
        let mut headers = HeaderMap::new();
        headers.insert(HeaderName::from_static(REQUEST_ID_HEADER), HeaderValue::from_static("lb-1234.abc"));
        assert_eq!(request_id(&headers), "lb-1234.abc");
        for odd in ["has space", "<script>", &"x".repeat(65)] {
            headers.insert(HeaderName::from_static(REQUEST_ID_HEADER), HeaderValue::from_str(odd).unwrap());
            let id = request_id(&headers);
            assert!(uuid::Uuid::parse_str(&id).is_ok(), "{odd:?} gave {id}");
        }
        assert!(uuid::Uuid::parse_str(&request_id(&HeaderMap::new())).is_ok());
    }
}
