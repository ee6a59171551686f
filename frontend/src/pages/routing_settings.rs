//! Settings → Routing (admins): rules that send a new conversation to a group
//! by the page its visitor is on, first match wins; the group then assigns it
//! automatically if it is set to (Groups).

use crate::api::Authed;
use crate::components::save_status::SaveStatus;
use crate::i18n::*;
use crate::store::Store;
use leptos::prelude::*;
use shared::GroupId;
use shared::api::{RoutingRule, RoutingRules};

/// One rule being edited.
#[derive(Clone, Copy)]
struct Row {
    key: usize,
    text: RwSignal<String>,
    group: RwSignal<Option<GroupId>>,
}

/// The routing section of the settings page.
#[component]
pub fn RoutingSection() -> impl IntoView {
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    let rows = RwSignal::new(Vec::<Row>::new());
    let next_key = StoredValue::new(0usize);
    let status = RwSignal::new(None::<Result<(), String>>);
    let add = move |text: String, group: Option<GroupId>| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|r| r.push(Row { key, text: RwSignal::new(text), group: RwSignal::new(group) }));
    };
    leptos::task::spawn_local(async move {
        if let Ok(stored) = api.routing_rules().await {
            for rule in stored.rules {
                add(rule.url_contains, Some(rule.group_id));
            }
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let rules = rows
            .get_untracked()
            .iter()
            .filter_map(|r| {
                r.group.get_untracked().map(|group_id| RoutingRule { url_contains: r.text.get_untracked(), group_id })
            })
            .collect();
        leptos::task::spawn_local(async move {
            status.set(Some(api.set_routing_rules(&RoutingRules { rules }).await.map(drop).map_err(|f| f.message)));
        });
    };
    let first_group = move || store.groups.with_untracked(|g| g.first().map(|g| g.id));
    view! {
        <section class="settings-section" id="settings-routing">
            <h2>{t!(i18n, settings.routing)}</h2>
            <p class="muted">{t!(i18n, settings.routing_help)}</p>
            <form on:submit=save>
                <For each=move || rows.get() key=|r| r.key let:row>
                    <div class="group-row routing-row">
                        <span>{t!(i18n, settings.page_contains)}</span>
                        <input type="text" class="routing-text" maxlength="200" placeholder="/pricing" bind:value=row.text/>
                        <span>"→"</span>
                        <select class="routing-group" aria-label=move || t_string!(i18n, settings.groups)
                            on:change=move |ev| {
                                let value = event_target_value(&ev);
                                row.group.set(store.groups.with_untracked(|gs| gs.iter().find(|g| g.id.to_string() == value).map(|g| g.id)));
                            }>
                            {move || store.groups.get().into_iter().map(|g| {
                                let selected = row.group.get_untracked() == Some(g.id);
                                view! { <option value=g.id.to_string() selected=selected>{g.name.clone()}</option> }
                            }).collect_view()}
                        </select>
                        <button type="button" class="link danger"
                            on:click=move |_| rows.update(|r| r.retain(|x| x.key != row.key))>{t!(i18n, common.delete)}</button>
                    </div>
                </For>
                <div class="inline-form">
                    <button type="button" class="secondary" id="routing-add" disabled=move || store.groups.with(Vec::is_empty)
                        on:click=move |_| add(String::new(), first_group())>{t!(i18n, settings.add_rule)}</button>
                    <button type="submit" class="primary" id="routing-save">{t!(i18n, common.save)}</button>
                </div>
            </form>
            <SaveStatus id="routing-status" status=status/>
        </section>
    }
}
