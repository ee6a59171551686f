//! The bar over the list while conversations are picked (click an avatar,
//! shift-click for a range): select all listed, close, assign, label or delete
//! them in one request; what could not be done says why.

use crate::api::Authed;
use crate::components::confirm::Confirm;
use crate::i18n::*;
use crate::store::Store;
use leptos::prelude::*;
use shared::api::{BulkAction, BulkOutcome, BulkRequest};
use shared::{AgentId, ConversationId, GroupId};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Nothing,
    Agents,
    Labels,
    ConfirmDelete,
}

/// Applies what the server did: changed conversations in place, deleted ones gone.
fn settle(store: Store, outcome: BulkOutcome) {
    for conversation in outcome.updated {
        store.changed(conversation);
    }
    store.conversations.update(|m| {
        for id in &outcome.deleted {
            m.remove(id);
        }
    });
    store.picked.update(|p| p.retain(|id| outcome.failed.iter().any(|f| f.conversation_id == *id)));
}

/// The bulk bar (shown while something is picked).
#[component]
pub fn BulkBar() -> impl IntoView {
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    let open = RwSignal::new(Open::Nothing);
    let error = RwSignal::new(None::<String>);
    let count = move || store.picked.with(|p| p.len());
    let run =
        move |action: BulkAction| {
            open.set(Open::Nothing);
            let conversation_ids: Vec<ConversationId> = store.picked.with_untracked(|p| p.iter().copied().collect());
            leptos::task::spawn_local(async move {
                match api.bulk(&BulkRequest { conversation_ids, action }).await {
                    Ok(outcome) => {
                        error.set(outcome.failed.first().map(|f| {
                            format!("{} {}: {}", outcome.failed.len(), t_string!(i18n, bulk.failed), f.message)
                        }));
                        settle(store, outcome);
                    }
                    Err(f) => error.set(Some(f.message)),
                }
            });
        };
    let all_picked = move || {
        let listed = store.conversations.with(|m| m.len());
        listed > 0 && count() == listed
    };
    let pick_all = move |_| {
        if all_picked() {
            store.picked.set(Default::default());
        } else {
            store.picked.set(store.conversations.with_untracked(|m| m.keys().copied().collect()));
        }
    };
    let assign = move |agent_id: Option<AgentId>| run(BulkAction::Assign { agent_id, group_id: None::<GroupId> });
    view! {
        <div class="bulk-bar" id="bulk-bar" role="toolbar">
            <label class="check"><input id="bulk-all" type="checkbox" prop:checked=all_picked on:change=pick_all/>
                <span id="bulk-count">{move || format!("{} {}", count(), t_string!(i18n, bulk.selected))}</span></label>
            <button id="bulk-close" class="secondary small" on:click=move |_| run(BulkAction::Close)>{t!(i18n, bulk.close)}</button>
            <div class="menu-anchor">
                <button id="bulk-assign" class="secondary small" on:click=move |_| open.update(|o| *o = if *o == Open::Agents { Open::Nothing } else { Open::Agents })>{t!(i18n, bulk.assign)}</button>
                <Show when=move || open.get() == Open::Agents>
                    <div class="menu left" role="menu" id="bulk-agent-menu">
                        <button role="menuitem" class="menu-item" on:click=move |_| assign(None)>{t!(i18n, actions.unassigned)}</button>
                        {move || store.agents.get().into_iter().filter(|a| a.active).map(|a| view! {
                            <button role="menuitem" class="menu-item" data-agent=a.id.to_string() on:click=move |_| assign(Some(a.id))>{a.name.clone()}</button>
                        }).collect_view()}
                    </div>
                </Show>
            </div>
            <div class="menu-anchor">
                <button id="bulk-label" class="secondary small" on:click=move |_| open.update(|o| *o = if *o == Open::Labels { Open::Nothing } else { Open::Labels })>{t!(i18n, bulk.label)}</button>
                <Show when=move || open.get() == Open::Labels>
                    <div class="menu left" role="menu" id="bulk-label-menu">
                        {move || store.labels.get().into_iter().map(|l| view! {
                            <button role="menuitem" class="menu-item" data-label=l.id.to_string() on:click=move |_| run(BulkAction::AddLabel { label_id: l.id })>
                                <span class="label-swatch" style=format!("--label:{}", l.color)></span>{l.name.clone()}
                            </button>
                        }).collect_view()}
                        <Show when=move || store.labels.with(Vec::is_empty)>
                            <p class="muted small">{t!(i18n, actions.no_labels_yet)}</p>
                        </Show>
                    </div>
                </Show>
            </div>
            <button id="bulk-delete" class="secondary small danger-text" on:click=move |_| open.set(Open::ConfirmDelete)>{t!(i18n, common.delete)}</button>
            <button id="bulk-clear" class="link small" on:click=move |_| store.picked.set(Default::default())>{t!(i18n, common.cancel)}</button>
            <Show when=move || error.with(Option::is_some)>
                <p class="error small" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
            <Show when=move || open.get() == Open::ConfirmDelete>
                <Confirm title=Signal::derive(move || format!("{} ({})", t_string!(i18n, bulk.delete_title), count()))
                    body=Signal::derive(move || t_string!(i18n, actions.delete_body).to_owned())
                    confirm=Signal::derive(move || t_string!(i18n, common.delete).to_owned())
                    on_confirm=Callback::new(move |_| run(BulkAction::Delete)) on_cancel=Callback::new(move |_| open.set(Open::Nothing))/>
            </Show>
        </div>
    }
}
