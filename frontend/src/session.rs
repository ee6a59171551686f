//! The signed-in agent's tokens, kept in `localStorage` across reloads and
//! shared by every part of the app through one reactive [`Session`].

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::api::{Agent, TokenPair};

const KEY: &str = "natter.session";
/// Refresh this long before the access token expires.
const MARGIN_MS: f64 = 60_000.0;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Stored {
    tokens: TokenPair,
    /// When the access token expires, in browser milliseconds.
    expires_at_ms: f64,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn load() -> Option<Stored> {
    let text = storage()?.get_item(KEY).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

fn keep(stored: Option<&Stored>) {
    let Some(store) = storage() else { return };
    match stored.and_then(|s| serde_json::to_string(s).ok()) {
        Some(text) => {
            let _ = store.set_item(KEY, &text);
        }
        None => {
            let _ = store.remove_item(KEY);
        }
    }
}

/// The session: `None` when signed out.
#[derive(Clone, Copy)]
pub struct Session(RwSignal<Option<Stored>>);

impl Session {
    /// The session kept by this browser, if any.
    pub fn restore() -> Self {
        Self(RwSignal::new(load()))
    }

    /// Starts or renews the session.
    pub fn set(&self, tokens: TokenPair) {
        let expires_at_ms = js_sys::Date::now() + tokens.expires_in as f64 * 1000.0;
        let stored = Stored { tokens, expires_at_ms };
        keep(Some(&stored));
        self.0.set(Some(stored));
    }

    /// Forgets the session (the app goes back to the login page).
    pub fn sign_out(&self) {
        keep(None);
        self.0.set(None);
    }

    pub fn signed_in(&self) -> bool {
        self.0.with(Option::is_some)
    }

    pub fn tokens(&self) -> Option<TokenPair> {
        self.0.with_untracked(|s| s.as_ref().map(|s| s.tokens.clone()))
    }

    /// The signed-in agent (tracked).
    pub fn agent(&self) -> Option<Agent> {
        self.0.with(|s| s.as_ref().map(|s| s.tokens.agent.clone()))
    }

    /// Replaces the agent's details after a change to them.
    pub fn set_agent(&self, agent: Agent) {
        self.0.update(|s| {
            if let Some(s) = s {
                s.tokens.agent = agent;
                keep(Some(s));
            }
        });
    }

    /// Whether the access token has expired or is about to.
    pub fn expiring(&self) -> bool {
        self.0.with_untracked(|s| s.as_ref().is_none_or(|s| js_sys::Date::now() + MARGIN_MS >= s.expires_at_ms))
    }
}
