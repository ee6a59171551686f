//! argon2id password hashing on a few threads of its own, off the async executor.
//!
//! Each hash takes argon2's ~19 MiB of memory blocks. On the blocking pool
//! (up to 512 threads) a burst of logins hashed all at once: 100 logins held
//! ~1.9 GiB for a moment, and each thread's allocator kept some of it. A fixed
//! set of hashing threads bounds that memory to a few hashes, whatever the
//! number of logins (a burst is an easy attack: login attempts cost nothing);
//! the others queue, and the login throttle keeps the queue short.

use crate::error::{ApiError, ApiResult};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, LazyLock, Mutex};

/// Hashing threads: concurrent logins beyond this wait their turn.
const HASHERS: usize = 2;

type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads' queue, started on first use.
static QUEUE: LazyLock<mpsc::Sender<Job>> = LazyLock::new(|| {
    let (queue, jobs) = mpsc::channel::<Job>();
    let jobs = Arc::new(Mutex::new(jobs));
    for n in 0..HASHERS {
        let jobs = jobs.clone();
        let spawned = std::thread::Builder::new().name(format!("natter-argon2-{n}")).spawn(move || work(&jobs));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start a password-hashing thread");
        }
    }
    queue
});

fn work(jobs: &Mutex<Receiver<Job>>) {
    loop {
        // The lock is held only to take a job, not while running it.
        let job = match jobs.lock() {
            Ok(jobs) => jobs.recv(),
            Err(_) => return,
        };
        match job {
            // A job that panics answers nobody (its caller gets an error); the thread goes on.
            Ok(job) => drop(std::panic::catch_unwind(std::panic::AssertUnwindSafe(job))),
            Err(_) => return,
        }
    }
}

/// Runs `work` on a hashing thread and waits for it.
async fn on_hasher<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    let (answer, answered) = tokio::sync::oneshot::channel();
    QUEUE
        .send(Box::new(move || {
            let _ = answer.send(work());
        }))
        .map_err(|_| ApiError::internal(anyhow::anyhow!("the password-hashing threads stopped")))?;
    answered.await.map_err(ApiError::internal)
}

/// Hashes a password (PHC string).
pub async fn hash(password: String) -> ApiResult<String> {
    on_hasher(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| ApiError::internal(anyhow::anyhow!("hashing failed: {e}")))
    })
    .await?
}

/// Whether `password` matches `hash`.
pub async fn verify(password: String, hash: String) -> ApiResult<bool> {
    on_hasher(move || Argon2::default().verify_password(password.as_bytes(), hash.as_str()).is_ok()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn many_hashes_at_once_all_verify() {
        let hashes: Vec<_> = (0..6).map(|i| tokio::spawn(hash(format!("password {i}")))).collect();
        for (i, hashed) in hashes.into_iter().enumerate() {
            let hashed = hashed.await.expect("joined").expect("hashed");
            assert!(verify(format!("password {i}"), hashed.clone()).await.expect("verified"));
            assert!(!verify("wrong".into(), hashed).await.expect("verified"));
        }
    }
}
