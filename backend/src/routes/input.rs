//! Request input, checked once where it is parsed: JSON bodies are read only
//! once the caller is authenticated (see [`crate::auth::gate`]) and must be
//! objects (never an array standing in for one); no text in a body or a query
//! string may hold a NUL character (PostgreSQL can't store or compare one), and
//! a page's `limit` is within its bounds.

use crate::error::ApiError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;
use serde_json::Value;
use shared::limits::MAX_PAGE_SIZE;
use std::future::Future;
use std::pin::Pin;

/// A JSON object body deserialised into `T` (limits and content type as `web::Json`).
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let (req, mut payload, passed) = (req.clone(), payload.take(), crate::auth::gate::passed(req));
        Box::pin(async move {
            if !passed.await {
                return Err(ApiError::Unauthorized.into());
            }
            let value = web::Json::<Value>::from_request(&req, &mut payload).await?.into_inner();
            Ok(Json(parse(value)?))
        })
    }
}

/// Checks the shape of a parsed body and turns it into `T`.
pub fn parse<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    if !value.is_object() {
        return Err(ApiError::Malformed("invalid JSON body: expected an object".into()));
    }
    if has_nul(&value) {
        return Err(ApiError::invalid("text may not contain NUL characters"));
    }
    serde_json::from_value(value).map_err(|e| ApiError::Malformed(format!("invalid JSON body: {e}")))
}

/// Middleware: a query string with a NUL character (`%00`) is refused with 422,
/// a `limit` other than 1 to 200 with 400, before any handler sees them.
pub async fn check_queries(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if let Err(refused) = check_query(req.query_string()) {
        return Ok(req.error_response(refused));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

fn check_query(query: &str) -> Result<(), ApiError> {
    if query.contains("%00") {
        return Err(ApiError::invalid("query text may not contain NUL characters"));
    }
    let limit = url::form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "limit");
    if let Some((_, value)) = limit
        && !value.parse::<u64>().is_ok_and(|n| (1..=MAX_PAGE_SIZE).contains(&n))
    {
        return Err(ApiError::Malformed(format!("invalid query: limit must be 1 to {MAX_PAGE_SIZE}")));
    }
    Ok(())
}

fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(fields) => fields.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Named {
        name: String,
    }

    #[test]
    fn queries_without_nul_and_with_a_limit_in_bounds() {
        assert!(check_query("q=ann&limit=200").is_ok());
        assert!(check_query("").is_ok());
        assert!(matches!(check_query("q=a%00b"), Err(ApiError::Invalid(_))));
        for bad in ["limit=0", "limit=201", "limit=-1", "limit=x", "limit="] {
            assert!(matches!(check_query(bad), Err(ApiError::Malformed(_))), "{bad}");
        }
    }

    #[test]
    fn objects_only_and_no_nul() {
        assert_eq!(parse::<Named>(json!({"name": "Ann"})).unwrap(), Named { name: "Ann".into() });
        assert!(matches!(parse::<Named>(json!(["Ann"])), Err(ApiError::Malformed(_))));
        assert!(matches!(parse::<Named>(json!({"name": "A\u{0}nn"})), Err(ApiError::Invalid(_))));
        assert!(matches!(parse::<Named>(json!({"name": "Ann", "x": [{"y": "\u{0}"}]})), Err(ApiError::Invalid(_))));
        assert!(matches!(parse::<Named>(json!({"name": 5})), Err(ApiError::Malformed(_))));
    }
}
