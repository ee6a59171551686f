//! The Conversations dashboard: the list, the open conversation and its contact.

use crate::api::Authed;
use crate::components::contact_panel::ContactPanel;
use crate::components::conversation_list::ConversationList;
use crate::components::thread::{Thread, open_conversation};
use crate::i18n::*;
use crate::store::Store;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::ConversationId;

/// The three-column dashboard; the URL names the open conversation.
#[component]
pub fn Conversations() -> impl IntoView {
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<ConversationId>().ok()));
    Effect::new(move |_| {
        store.reloads.track();
        let id = id.get();
        store.select(id);
        if let Some(id) = id {
            open_conversation(api, store, id);
        }
    });
    on_cleanup(move || store.select(None));
    view! {
        <div class="dashboard">
            <ConversationList/>
            {move || match id.get() {
                Some(id) => view! {
                    <Thread id=id/>
                    <ContactPanel api=api store=store/>
                }.into_any(),
                None => view! {
                    <section class="thread-column empty-state">
                        <div>
                            <p class="big">{crate::icons::icon(crate::icons::CHAT)}</p>
                            <p>{t!(i18n, thread.pick)}</p>
                            <p class="muted small">{t!(i18n, thread.pick_hint)}</p>
                        </div>
                    </section>
                }.into_any(),
            }}
        </div>
    }
}
