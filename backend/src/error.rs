//! The API's one error type. Each variant maps to a stable [`ErrorCode`] and status;
//! internal causes are logged with their chain and never sent to clients.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use sea_orm::{DbErr, SqlErr};
use shared::{ErrorBody, ErrorCode, ErrorDetail};

/// Result of a handler or service.
pub type ApiResult<T> = Result<T, ApiError>;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 `malformed_request`: the body or query is not of the expected shape.
    #[error("{0}")]
    Malformed(String),
    /// 422 `validation_failed`: a value is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// 401 `unauthorized`: missing or invalid credentials.
    #[error("missing or invalid credentials")]
    Unauthorized,
    /// 401 `token_expired`: the access token has expired.
    #[error("the access token has expired")]
    TokenExpired,
    /// 401 `session_expired`: the visitor session went unused too long.
    #[error("the visitor session has expired; start a new one")]
    SessionExpired,
    /// 401 `invalid_credentials`: wrong email or password.
    #[error("wrong email or password")]
    InvalidCredentials,
    /// 403 `forbidden`: not allowed for this caller.
    #[error("not allowed")]
    Forbidden,
    /// 403 `admin_only`: only admins may do this.
    #[error("only an admin may do this")]
    AdminOnly,
    /// 403 `contact_banned`: the visitor is banned.
    #[error("you can no longer send messages in this chat")]
    ContactBanned,
    /// 404 `not_found`: no such resource visible to the caller.
    #[error("not found")]
    NotFound,
    /// 409 `conflict`.
    #[error("{0}")]
    Conflict(String),
    /// 413 `payload_too_large`.
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// 413 `file_too_large`: a file is over the limit (bytes).
    #[error("a file is larger than the limit of {0} bytes")]
    FileTooLarge(u64),
    /// 405 `method_not_allowed`, with the methods the path has.
    #[error("this path does not take this method; it takes {0}")]
    MethodNotAllowed(String),
    /// 415 `unsupported_media_type`.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 429 `rate_limited`, with seconds to wait.
    #[error("too many attempts; try again in {0} seconds")]
    RateLimited(u64),
    /// 410 `resync_required`: the log no longer holds what was asked for (latest sequence).
    #[error("these events were pruned from the log; reload, then resume after sequence {0}")]
    ResyncRequired(i64),
    /// 503 `email_disabled`: the server has no SMTP settings.
    #[error("email is off on this server (NATTER_SMTP_URL and NATTER_MAIL_FROM are not set)")]
    EmailDisabled,
    /// 503 `unavailable`.
    #[error("the service is temporarily unavailable")]
    Unavailable,
    /// 500 `internal`: logged, never described to the client.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Malformed(_) => ErrorCode::MalformedRequest,
            Self::Invalid(_) => ErrorCode::ValidationFailed,
            Self::Unauthorized => ErrorCode::Unauthorized,
            Self::TokenExpired => ErrorCode::TokenExpired,
            Self::SessionExpired => ErrorCode::SessionExpired,
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::Forbidden => ErrorCode::Forbidden,
            Self::AdminOnly => ErrorCode::AdminOnly,
            Self::ContactBanned => ErrorCode::ContactBanned,
            Self::NotFound => ErrorCode::NotFound,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            Self::FileTooLarge(_) => ErrorCode::FileTooLarge,
            Self::MethodNotAllowed(_) => ErrorCode::MethodNotAllowed,
            Self::UnsupportedMediaType(_) => ErrorCode::UnsupportedMediaType,
            Self::RateLimited(_) => ErrorCode::RateLimited,
            Self::ResyncRequired(_) => ErrorCode::ResyncRequired,
            Self::EmailDisabled => ErrorCode::EmailDisabled,
            Self::Unavailable => ErrorCode::Unavailable,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// Shorthand for a validation failure.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }

    /// Wraps any internal failure.
    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        Self::Internal(err.into())
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Self::Conflict("already exists".into()),
            // An update whose row was deleted meanwhile: the row is gone.
            _ if matches!(err, DbErr::RecordNotUpdated) => Self::NotFound,
            // A lost or refused connection: retryable, not a failure of the request.
            _ if connection_lost(&err) => {
                tracing::warn!(error = %err, "database connection lost; the caller may retry");
                Self::Unavailable
            }
            _ => Self::Internal(err.into()),
        }
    }
}

/// Whether the database connection failed (rather than the statement).
fn connection_lost(err: &DbErr) -> bool {
    matches!(err, DbErr::Conn(_) | DbErr::ConnectionAcquire(_)) || {
        let text = err.to_string().to_lowercase();
        ["connection", "57p01", "broken pipe", "pool timed out"].iter().any(|sign| text.contains(sign))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(cause) = self {
            tracing::error!(error = format!("{cause:#}"), "request failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        match self {
            Self::RateLimited(secs) => {
                response.insert_header((header::RETRY_AFTER, secs.to_string()));
            }
            Self::MethodNotAllowed(allow) => {
                response.insert_header((header::ALLOW, allow.as_str()));
            }
            _ => {}
        }
        response.json(ErrorBody { error: ErrorDetail { code: self.code(), message: self.to_string() } })
    }
}

/// Turns a JSON body error into our error (400, 413 or 415).
pub fn json_error(err: actix_web::error::JsonPayloadError, _: &actix_web::HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    match err {
        E::Overflow { .. } | E::OverflowKnownLength { .. } => ApiError::PayloadTooLarge,
        E::ContentType => ApiError::UnsupportedMediaType("expected Content-Type: application/json".into()),
        E::Deserialize(e) => ApiError::Malformed(format!("invalid JSON body: {e}")),
        other => ApiError::Malformed(format!("invalid JSON body: {other}")),
    }
    .into()
}

/// A malformed query string.
pub fn query_error(err: actix_web::error::QueryPayloadError, _: &actix_web::HttpRequest) -> actix_web::Error {
    ApiError::Malformed(format!("invalid query: {err}")).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vanished_rows_are_not_found_and_lost_connections_retryable() {
        assert!(matches!(ApiError::from(DbErr::RecordNotUpdated), ApiError::NotFound));
        let lost = DbErr::Conn(sea_orm::RuntimeErr::Internal("connection reset".into()));
        assert!(matches!(ApiError::from(lost), ApiError::Unavailable));
        assert!(matches!(ApiError::from(DbErr::Custom("bad".into())), ApiError::Internal(_)));
    }
}
