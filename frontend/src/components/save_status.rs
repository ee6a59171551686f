//! The line under a settings form that says how its last save went: "Saved.",
//! or the server's reason in red.

use crate::i18n::*;
use leptos::prelude::*;

/// How the last save went: none yet, saved, or why not.
pub type Saved = RwSignal<Option<Result<(), String>>>;

/// The status line, `id` for tests.
#[component]
pub fn SaveStatus(id: &'static str, status: Saved) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p id=id class=move || match status.get() { Some(Err(_)) => "error", _ => "muted" } role="status">
            {move || match status.get() {
                Some(Ok(())) => t_string!(i18n, common.saved).to_owned(),
                Some(Err(message)) => message,
                None => String::new(),
            }}
        </p>
    }
}
