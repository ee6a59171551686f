//! A conversation's labels in the message window: the chips under its title
//! (each with its remove button) and the menu that puts labels on or takes them off.

use crate::api::{Authed, Failure};
use crate::i18n::*;
use crate::store::Store;
use leptos::prelude::*;
use shared::api::Conversation;
use shared::{ConversationId, LabelId};

/// Puts `label` on the conversation or takes it off, and keeps the store in step.
fn toggle(api: Authed, store: Store, id: ConversationId, label: LabelId, on: bool, error: RwSignal<Option<String>>) {
    leptos::task::spawn_local(async move {
        let result: Result<Conversation, Failure> =
            if on { api.add_label(id, label).await } else { api.remove_label(id, label).await };
        match result {
            Ok(c) => {
                error.set(None);
                store.conversations.update(|m| drop(m.insert(c.id, c)));
            }
            Err(f) => error.set(Some(f.message)),
        }
    });
}

/// The conversation's labels, each removable.
#[component]
pub fn ThreadLabels(id: ConversationId) -> impl IntoView {
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    let error = RwSignal::new(None::<String>);
    let labels = move || store.conversations.with(|m| m.get(&id).map(|c| store.labels_of(c)).unwrap_or_default());
    view! {
        <div class="thread-labels" id="thread-labels">
            {move || labels().into_iter().map(|l| {
                let label = l.id;
                view! {
                    <span class="label-chip" data-label=l.id.to_string() style=format!("--label:{}", l.color)>
                        {l.name.clone()}
                        <button class="chip-remove" aria-label=move || format!("{} {}", t_string!(i18n, actions.remove_label), l.name)
                            on:click=move |_| toggle(api, store, id, label, false, error)>"×"</button>
                    </span>
                }
            }).collect_view()}
            <Show when=move || error.with(Option::is_some)>
                <span class="error inline" role="alert">{move || error.get().unwrap_or_default()}</span>
            </Show>
        </div>
    }
}

/// Every label of the team, checked where the conversation carries it; stays open
/// to pick several (Escape or the button closes it).
#[component]
pub fn LabelMenu(id: ConversationId, on_close: Callback<()>) -> impl IntoView {
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    let error = RwSignal::new(None::<String>);
    // Labels made since the inbox loaded show up when the menu opens.
    leptos::task::spawn_local(async move {
        if let Ok(page) = api.labels().await {
            store.labels.set(page.items);
        }
    });
    let carries =
        move |label: LabelId| store.conversations.with(|m| m.get(&id).is_some_and(|c| c.label_ids.contains(&label)));
    view! {
        <div class="menu" role="menu" id="label-menu" on:keydown=move |ev| if ev.key() == "Escape" { on_close.run(()) }>
            {move || store.labels.get().into_iter().map(|l| {
                let label = l.id;
                view! {
                    <button role="menuitemcheckbox" class="menu-item" data-label=l.id.to_string()
                        aria-checked=move || carries(label).to_string()
                        on:click=move |_| toggle(api, store, id, label, !carries(label), error)>
                        <span class="label-swatch" style=format!("--label:{}", l.color)></span>
                        <span class="menu-label">{l.name.clone()}</span>
                        <Show when=move || carries(label)><span class="menu-check">"✓"</span></Show>
                    </button>
                }
            }).collect_view()}
            <Show when=move || store.labels.with(Vec::is_empty)>
                <p class="muted small">{t!(i18n, actions.no_labels_yet)}</p>
            </Show>
            <Show when=move || error.with(Option::is_some)>
                <p class="error small" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </div>
    }
}
