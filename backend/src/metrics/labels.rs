//! The closed sets of label values: a label never takes an unbounded value.

use actix_web::http::Method;

/// The kind of a WebSocket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SocketKind {
    /// An agent's inbox.
    Agent,
    /// A visitor's widget.
    Visitor,
}

impl SocketKind {
    pub(super) fn label(self) -> &'static str {
        match self {
            Self::Agent => "agent",
            Self::Visitor => "visitor",
        }
    }
}

/// What a refusal for going too fast was about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Login attempts (per account and address).
    Login,
    /// New visitor sessions per address.
    NewVisitor,
    /// Frames on a WebSocket.
    SocketFrames,
}

impl Limit {
    pub(super) fn label(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::NewVisitor => "new_visitor",
            Self::SocketFrames => "socket_frames",
        }
    }
}

/// Methods as a closed set of labels (anything else is `OTHER`).
pub(super) fn method_label(method: &Method) -> &'static str {
    const KNOWN: [(Method, &str); 7] = [
        (Method::GET, "GET"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::PATCH, "PATCH"),
        (Method::DELETE, "DELETE"),
        (Method::HEAD, "HEAD"),
        (Method::OPTIONS, "OPTIONS"),
    ];
    KNOWN.iter().find(|(m, _)| m == method).map_or("OTHER", |(_, label)| label)
}

#[cfg(test)]
mod tests {
    use super::super::Metrics;
    use super::*;
    use std::time::Duration;

    #[test]
    fn unusual_methods_share_one_label() {
        let metrics = Metrics::new().unwrap();
        let odd = Method::from_bytes(b"BREW").unwrap();
        metrics.http_request(&odd, "/x", 404, Duration::from_millis(3));
        assert!(metrics.render().unwrap().contains("method=\"OTHER\""));
    }
}
