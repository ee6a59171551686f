//! Visitors online: who is on the site now, where, since when, and their
//! conversation if they have one.

use crate::api::Authed;
use crate::components::page_link::PageLink;
use crate::i18n::*;
use crate::store::Store;
use leptos::prelude::*;
use shared::ContactId;
use shared::api::Contact;
use std::collections::HashMap;

/// The live visitors table.
#[component]
pub fn Visitors() -> impl IntoView {
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    // Details of each visitor (name, since when), fetched once per visitor.
    let details = RwSignal::new(HashMap::<ContactId, (Contact, Option<shared::ConversationId>)>::new());
    Effect::new(move |_| {
        let ids: Vec<ContactId> = store.visitors.with(|v| v.keys().copied().collect());
        for id in ids {
            if details.with_untracked(|d| d.contains_key(&id)) {
                continue;
            }
            leptos::task::spawn_local(async move {
                if let Ok(detail) = api.contact(id).await {
                    let open = detail.conversations.iter().find(|c| c.status == shared::api::ConversationStatus::Open);
                    let conversation = open.or(detail.conversations.first()).map(|c| c.id);
                    details.update(|d| drop(d.insert(id, (detail.contact, conversation))));
                }
            });
        }
    });
    let rows = move || {
        let mut visitors: Vec<_> = store.visitors.get().into_values().collect();
        visitors.sort_by_key(|v| v.contact_id.to_string());
        visitors
            .into_iter()
            .map(|v| {
                let detail = details.with(|d| d.get(&v.contact_id).cloned());
                let name = detail
                    .as_ref()
                    .and_then(|(c, _)| c.name.clone().or(c.email.clone()))
                    .unwrap_or_else(|| t_string!(i18n, common.visitor).to_owned());
                let since = detail.as_ref().map(|(c, _)| crate::format::when(c.last_seen_at)).unwrap_or_default();
                let page = v.page.clone().or_else(|| detail.as_ref().and_then(|(c, _)| c.current_page.clone()));
                let conversation = detail.and_then(|(_, conv)| conv);
                view! {
                    <tr class="visitor-row" data-contact=v.contact_id.to_string()>
                        <td><span class="presence online"></span>{name}</td>
                        <td class="ellipsis">{page.map(|url| view! { <PageLink url=url/> })}</td>
                        <td>{since}</td>
                        <td>{conversation.map(|id| view! { <a href=format!("/conversations/{id}")>{t!(i18n, visitors.open_chat)}</a> })}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="page">
            <header class="page-head">
                <h1>{t!(i18n, visitors.title)}</h1>
                <span class="muted">{move || store.visitors.with(|v| v.len())}" "{t!(i18n, visitors.online)}</span>
            </header>
            <Show when=move || store.visitors.with(|v| !v.is_empty())
                fallback=move || view! { <p class="empty">{t!(i18n, visitors.none)}</p> }>
                <table class="table" id="visitors-table">
                    <thead><tr>
                        <th>{t!(i18n, visitors.who)}</th><th>{t!(i18n, visitors.page)}</th>
                        <th>{t!(i18n, visitors.since)}</th><th>{t!(i18n, visitors.conversation)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </Show>
        </div>
    }
}
