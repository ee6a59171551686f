//! Who is asking is decided before the body is read: an extractor that
//! authenticates leaves a gate in the request, and the body extractor
//! ([`crate::routes::input::Json`]) waits for it to open. Extractors of one handler
//! run side by side, so without the gate a bad body could answer 400 or 415 to a
//! caller who should get 401 or 403.

use actix_web::{HttpMessage, HttpRequest};
use std::future::Future;
use tokio::sync::oneshot;

/// The receiving end, kept in the request's extensions.
struct Gate(oneshot::Receiver<()>);

/// Runs `auth`, opening the request's gate once it has succeeded.
pub fn guard<T, E, F>(req: &HttpRequest, auth: F) -> impl Future<Output = Result<T, E>> + use<T, E, F>
where
    F: Future<Output = Result<T, E>>,
{
    let (open, gate) = oneshot::channel();
    req.extensions_mut().insert(Gate(gate));
    async move {
        let caller = auth.await?;
        let _ = open.send(());
        Ok(caller)
    }
}

/// Waits until the caller is authenticated, if the handler asks who is calling;
/// `false` when authentication failed (the handler never runs then).
pub fn passed(req: &HttpRequest) -> impl Future<Output = bool> + use<> {
    let gate = req.extensions_mut().remove::<Gate>();
    async move {
        match gate {
            Some(Gate(gate)) => gate.await.is_ok(),
            None => true,
        }
    }
}
