//! The agent's language: the browser's until they pick one, then theirs, kept in
//! this browser's storage.

use crate::i18n::*;
use leptos::prelude::*;

const LOCALE_KEY: &str = "natter.locale";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Remembers the language the agent picked in this browser.
pub fn remember_locale(locale: Locale) {
    if let Some(s) = storage() {
        let _ = s.set_item(LOCALE_KEY, locale.as_str());
    }
}

/// Restores the picked language; until one is picked, the browser's is used.
#[component]
pub fn LocaleMemory() -> impl IntoView {
    let i18n = use_i18n();
    let saved = storage().and_then(|s| s.get_item(LOCALE_KEY).ok().flatten()).and_then(|l| l.parse::<Locale>().ok());
    Effect::new(move |_| {
        if let Some(locale) = saved {
            i18n.set_locale(locale);
        }
    });
}
