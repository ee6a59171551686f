//! The signed-in agent's tokens, kept in `localStorage` across reloads.

use shared::api::TokenPair;

const KEY: &str = "natter.session";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The stored session, if any.
pub fn load() -> Option<TokenPair> {
    let text = storage()?.get_item(KEY).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

/// Keeps the session.
pub fn save(tokens: &TokenPair) {
    if let (Some(store), Ok(text)) = (storage(), serde_json::to_string(tokens)) {
        let _ = store.set_item(KEY, &text);
    }
}

/// Forgets the session.
pub fn clear() {
    if let Some(store) = storage() {
        let _ = store.remove_item(KEY);
    }
}
