//! Who the visitor chats as: the token kept in this frame's storage while it
//! works, else a new session started quietly (an expired or ended token is no
//! error to show); a signed identity from the host page; a reset on the site's
//! logout.

use crate::client::{self, Failure, Visitor};
use crate::wire::Thread;
use shared::ErrorCode;
use shared::api::IdentifyVisitor;

/// Whether the token no longer works (ended or expired): start afresh.
pub fn gone(failure: &Failure) -> bool {
    matches!(failure.code, Some(ErrorCode::Unauthorized | ErrorCode::SessionExpired))
}

/// A new anonymous visitor.
pub async fn start(site_key: &str, page: Option<String>) -> Result<Visitor, Failure> {
    let session = client::start_session(site_key, page).await?;
    client::store_token(&session.token, None);
    Ok(Visitor { token: session.token })
}

/// The stored visitor and their thread while the token works, else a new visitor.
pub async fn resume(site_key: &str, page: Option<String>) -> Result<(Visitor, Option<Thread>), Failure> {
    if let Some(token) = client::stored_token() {
        let visitor = Visitor { token };
        match visitor.conversation().await {
            Ok(thread) => return Ok((visitor, Some(thread))),
            Err(f) if gone(&f) => client::forget_token(),
            // Unreachable for now: keep the token, the socket retries.
            Err(_) => return Ok((visitor, None)),
        }
    }
    Ok((start(site_key, page).await?, None))
}

/// The visitor to chat as once `failed` stopped working: the one another tab of
/// this site stored meanwhile (`true`: load their thread), or a new one.
pub async fn renew(failed: &Visitor, site_key: &str, page: Option<String>) -> Result<(Visitor, bool), Failure> {
    match client::stored_token() {
        Some(token) if token != failed.token => Ok((Visitor { token }, true)),
        _ => {
            client::forget_token();
            Ok((start(site_key, page).await?, false))
        }
    }
}

/// Signs `visitor` in as the site's user and returns who to chat as: the same
/// visitor when the token is already that user's, else the token the server
/// gives (the old one has ended).
pub async fn sign_in(visitor: &Visitor, identity: &IdentifyVisitor) -> Result<Visitor, Failure> {
    let already = client::stored_token().as_deref() == Some(visitor.token.as_str())
        && client::stored_user().as_deref() == Some(identity.user_id.as_str());
    if already {
        return Ok(visitor.clone());
    }
    let identified = visitor.identify(identity).await?;
    client::store_token(&identified.token, Some(&identity.user_id));
    Ok(Visitor { token: identified.token })
}

/// Forgets the visitor in this browser at once and ends their session on the
/// server (the stored one when the chat has not started yet).
pub fn reset(visitor: Option<Visitor>) {
    let visitor = visitor.or_else(|| client::stored_token().map(|token| Visitor { token }));
    client::forget_token();
    if let Some(visitor) = visitor {
        leptos::task::spawn_local(async move {
            if let Err(f) = visitor.end_session().await {
                web_sys::console::warn_1(&format!("natter: could not end the session: {}", f.message).into());
            }
        });
    }
}
