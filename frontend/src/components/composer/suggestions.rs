//! Saved replies offered in the composer: by `/shortcut` as the agent types, or
//! all of them from the toolbar's picker; arrows move, Enter or Tab inserts.

use crate::api::Authed;
use crate::i18n::*;
use leptos::prelude::*;
use shared::api::{SavedReply, SavedReplyKind};

/// The offered replies and which one is highlighted.
#[derive(Clone, Copy)]
pub struct Suggestions {
    pub items: RwSignal<Vec<SavedReply>>,
    pub highlighted: RwSignal<usize>,
    /// Opened from the toolbar (rather than by a `/shortcut`).
    pub picker: RwSignal<bool>,
}

/// What a key does to the open suggestions.
pub enum KeyOutcome {
    /// Not theirs: the composer handles it.
    Ignored,
    /// Handled (moved or closed).
    Handled,
    /// Insert this reply.
    Insert(SavedReply),
}

impl Suggestions {
    pub fn new() -> Self {
        Self { items: RwSignal::new(Vec::new()), highlighted: RwSignal::new(0), picker: RwSignal::new(false) }
    }

    /// Offers the replies whose shortcut starts with `prefix` (all with `None`).
    pub fn load(self, api: Authed, prefix: Option<String>) {
        leptos::task::spawn_local(async move {
            if let Ok(page) = api.saved_replies(prefix).await {
                self.highlighted.set(0);
                self.items.set(page.items);
            }
        });
    }

    pub fn close(self) {
        self.items.set(Vec::new());
        self.picker.set(false);
    }

    /// Opens or closes the picker.
    pub fn toggle_picker(self, api: Authed) {
        self.picker.update(|p| *p = !*p);
        if self.picker.get_untracked() {
            self.load(api, None);
        } else {
            self.items.set(Vec::new());
        }
    }

    /// Handles a key pressed in the textarea while replies are offered.
    pub fn key(self, key: &str) -> KeyOutcome {
        let count = self.items.with_untracked(Vec::len);
        if count == 0 {
            return KeyOutcome::Ignored;
        }
        match key {
            "ArrowDown" => self.highlighted.update(|h| *h = (*h + 1) % count),
            "ArrowUp" => self.highlighted.update(|h| *h = (*h + count - 1) % count),
            "Enter" | "Tab" => {
                let chosen = self.items.with_untracked(|s| s.get(self.highlighted.get_untracked()).cloned());
                return chosen.map_or(KeyOutcome::Handled, KeyOutcome::Insert);
            }
            "Escape" => self.items.set(Vec::new()),
            _ => return KeyOutcome::Ignored,
        }
        KeyOutcome::Handled
    }
}

/// The list of offered replies.
#[component]
pub fn SuggestionList(suggestions: Suggestions, on_pick: Callback<SavedReply>) -> impl IntoView {
    let i18n = use_i18n();
    let Suggestions { items, highlighted, .. } = suggestions;
    view! {
        <Show when=move || items.with(|s| !s.is_empty())>
            <ul class="suggestions" id="suggestions" role="listbox">
                {move || items.get().into_iter().enumerate().map(|(i, reply)| {
                    let shown = reply.clone();
                    view! {
                        <li role="option" class="suggestion" class:active=move || highlighted.get() == i
                            aria-selected=move || (highlighted.get() == i).to_string()
                            on:mousedown=move |ev| { ev.prevent_default(); on_pick.run(reply.clone()); }>
                            <span class="shortcut">"/"{shown.shortcut.clone()}</span>
                            <span class="suggestion-title">{shown.title.clone()}</span>
                            {(shown.kind == SavedReplyKind::Template).then(|| view! { <span class="pill">{t!(i18n, saved.template)}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </Show>
    }
}
