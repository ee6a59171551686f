//! The error body every API error uses, and its stable machine codes.

use serde::{Deserialize, Serialize};

/// A stable, machine-readable error code. New codes may be added: clients must
/// treat an unknown code like its HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// 400: the request body is not valid JSON or not of the expected shape.
    MalformedRequest,
    /// 422: the request is well-formed but a value is not acceptable.
    ValidationFailed,
    /// 401: no credentials, or credentials that are not valid.
    Unauthorized,
    /// 401: the access token has expired; refresh it.
    TokenExpired,
    /// 401: the visitor's session went unused too long and ended; start a new one.
    SessionExpired,
    /// 401: wrong email or password.
    InvalidCredentials,
    /// 403: authenticated, but not allowed to do this.
    Forbidden,
    /// 403: only an admin may do this.
    AdminOnly,
    /// 403: the contact is banned and may not write.
    ContactBanned,
    /// 404: no such resource (or not visible to the caller).
    NotFound,
    /// 409: the change conflicts with the current state (for example a duplicate).
    Conflict,
    /// 413: the request body is too large.
    PayloadTooLarge,
    /// 413: an uploaded file is larger than the limit.
    FileTooLarge,
    /// 405: the path exists but not with this method (see the `Allow` header).
    MethodNotAllowed,
    /// 415: the request's content type is not accepted here.
    UnsupportedMediaType,
    /// 429: too many attempts; retry after the `Retry-After` header.
    RateLimited,
    /// 410: the events asked for were pruned from the log; reload over REST and
    /// resume from the latest sequence.
    ResyncRequired,
    /// 503: email is off on this server (no SMTP settings).
    EmailDisabled,
    /// 503: a dependency (such as the database) is not reachable.
    Unavailable,
    /// 500: something went wrong on the server; details are in its logs.
    Internal,
}

impl ErrorCode {
    /// The code as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MalformedRequest => "malformed_request",
            Self::ValidationFailed => "validation_failed",
            Self::Unauthorized => "unauthorized",
            Self::TokenExpired => "token_expired",
            Self::SessionExpired => "session_expired",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Forbidden => "forbidden",
            Self::AdminOnly => "admin_only",
            Self::ContactBanned => "contact_banned",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::PayloadTooLarge => "payload_too_large",
            Self::FileTooLarge => "file_too_large",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::RateLimited => "rate_limited",
            Self::ResyncRequired => "resync_required",
            Self::EmailDisabled => "email_disabled",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }

    /// The HTTP status that goes with this code.
    pub fn status(self) -> u16 {
        match self {
            Self::MalformedRequest => 400,
            Self::ValidationFailed => 422,
            Self::Unauthorized | Self::TokenExpired | Self::SessionExpired | Self::InvalidCredentials => 401,
            Self::Forbidden | Self::AdminOnly | Self::ContactBanned => 403,
            Self::NotFound => 404,
            Self::Conflict => 409,
            Self::PayloadTooLarge | Self::FileTooLarge => 413,
            Self::MethodNotAllowed => 405,
            Self::UnsupportedMediaType => 415,
            Self::RateLimited => 429,
            Self::ResyncRequired => 410,
            Self::Unavailable | Self::EmailDisabled => 503,
            Self::Internal => 500,
        }
    }
}

/// The body of every error response: `{"error": {"code": "...", "message": "..."}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// The code and a human-readable message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable machine code.
    pub code: ErrorCode,
    /// Message for people; its wording may change.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_str_matches_serde() {
        for code in [
            ErrorCode::MalformedRequest,
            ErrorCode::ValidationFailed,
            ErrorCode::Unauthorized,
            ErrorCode::TokenExpired,
            ErrorCode::SessionExpired,
            ErrorCode::InvalidCredentials,
            ErrorCode::Forbidden,
            ErrorCode::AdminOnly,
            ErrorCode::ContactBanned,
            ErrorCode::NotFound,
            ErrorCode::Conflict,
            ErrorCode::PayloadTooLarge,
            ErrorCode::FileTooLarge,
            ErrorCode::MethodNotAllowed,
            ErrorCode::UnsupportedMediaType,
            ErrorCode::RateLimited,
            ErrorCode::ResyncRequired,
            ErrorCode::EmailDisabled,
            ErrorCode::Unavailable,
            ErrorCode::Internal,
        ] {
            let json = serde_json::to_string(&code).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}
