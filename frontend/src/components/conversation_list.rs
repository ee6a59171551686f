//! The message list: filters, search and live conversation cards with dots.
//! Pages load as the list is scrolled; events update cards in place.

use crate::api::Authed;
use crate::commands::{Command, Commands};
use crate::format;
use crate::i18n::*;
use crate::store::{ListFilter, Store};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::api::Conversation;
use shared::{ConversationId, Dot};

/// Loads the first page for the current filter and search (replacing the list).
pub fn reload(api: Authed, store: Store) {
    store.list_loading.set(true);
    store.picked.set(Default::default());
    leptos::task::spawn_local(async move {
        let query = store.list_query();
        if let Ok(page) = api.conversations(&query).await {
            store.conversations.update(|m| {
                let selected = store.selected.get_untracked().and_then(|id| m.remove(&id));
                m.clear();
                m.extend(selected.map(|c| (c.id, c)));
                m.extend(page.items.into_iter().map(|c| (c.id, c)));
            });
            store.next_cursor.set(page.next_cursor);
        }
        store.list_loading.set(false);
    });
}

fn load_more(api: Authed, store: Store) {
    let Some(cursor) = store.next_cursor.get_untracked() else { return };
    if store.list_loading.get_untracked() {
        return;
    }
    store.list_loading.set(true);
    leptos::task::spawn_local(async move {
        let mut query = store.list_query();
        query.push(("cursor", cursor));
        if let Ok(page) = api.conversations(&query).await {
            store.conversations.update(|m| {
                for c in page.items {
                    m.entry(c.id).or_insert(c);
                }
            });
            store.next_cursor.set(page.next_cursor);
        }
        store.list_loading.set(false);
    });
}

/// The list column.
#[component]
pub fn ConversationList() -> impl IntoView {
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let commands = expect_context::<Commands>();
    let i18n = use_i18n();
    let navigate = use_navigate();

    // Reload when the filter or search changes, or the server asks for it.
    Effect::new(move |_| {
        store.filter.track();
        store.label_filter.track();
        store.search.track();
        store.reloads.track();
        reload(api, store);
    });

    let listed = Memo::new(move |_| store.listed());
    let search_ref = NodeRef::<leptos::html::Input>::new();
    let open = move |id: ConversationId| navigate(&format!("/conversations/{id}"), Default::default());
    let step = move |by: isize| {
        let items = listed.get_untracked();
        if items.is_empty() {
            return;
        }
        let at = store.selected.get_untracked().and_then(|id| items.iter().position(|c| c.id == id));
        let next = match at {
            Some(i) => (i as isize + by).clamp(0, items.len() as isize - 1) as usize,
            None => 0,
        };
        open(items[next].id);
    };
    let open_for_keys = step.clone();
    commands.on(move |command| match command {
        Command::Next => open_for_keys(1),
        Command::Previous => open_for_keys(-1),
        Command::Search => {
            if let Some(input) = search_ref.get() {
                let _ = input.focus();
            }
        }
        _ => {}
    });

    let on_scroll = move |ev: leptos::ev::Event| {
        let el: web_sys::Element = event_target(&ev);
        if el.scroll_top() + el.client_height() >= el.scroll_height() - 240 {
            load_more(api, store);
        }
    };
    let search_timer = StoredValue::new(None::<leptos::prelude::TimeoutHandle>);
    let on_search = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if let Some(handle) = search_timer.get_value() {
            handle.clear();
        }
        let handle =
            set_timeout_with_handle(move || store.search.set(value), std::time::Duration::from_millis(250)).ok();
        search_timer.set_value(handle);
    };

    view! {
        <section class="list-column" aria-label=move || t_string!(i18n, list.label)>
            <div class="list-head">
                <input node_ref=search_ref id="search" class="search" type="search"
                    placeholder=move || t_string!(i18n, list.search) aria-label=move || t_string!(i18n, list.search)
                    on:input=on_search/>
                <FilterBar/>
                <Show when=move || store.picked.with(|p| !p.is_empty())>
                    <crate::components::bulk::BulkBar/>
                </Show>
            </div>
            <div class="cards" id="cards" on:scroll=on_scroll role="list">
                <For each=move || listed.get() key=|c| (c.id, c.last_activity_at, c.dot, c.status, c.assignee_id, c.group_id, c.contact_name.clone(), c.last_message_preview.clone(), c.label_ids.clone()) let:c>
                    <Card c=c/>
                </For>
                <Show when=move || listed.with(Vec::is_empty) && !store.list_loading.get()>
                    <p class="empty">{t!(i18n, list.empty)}</p>
                </Show>
                <Show when=move || store.list_loading.get()>
                    <p class="muted center">{t!(i18n, common.loading)}</p>
                </Show>
            </div>
        </section>
    }
}

/// Mine / Unassigned / Open / Closed / Missed / Snoozed, the groups, and the labels.
#[component]
fn FilterBar() -> impl IntoView {
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    let tab = move |filter: ListFilter, id: &'static str, label: Signal<String>| {
        view! {
            <button id=id class="tab" class:active=move || store.filter.get() == filter
                aria-pressed=move || (store.filter.get() == filter).to_string()
                on:click=move |_| store.filter.set(filter)>{label}</button>
        }
    };
    let on_group = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if let Some(group) =
            store.groups.with_untracked(|gs| gs.iter().find(|g| g.id.to_string() == value).map(|g| g.id))
        {
            store.filter.set(ListFilter::Group(group));
        } else {
            store.filter.set(ListFilter::Open);
        }
    };
    let on_label = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        store
            .label_filter
            .set(store.labels.with_untracked(|ls| ls.iter().find(|l| l.id.to_string() == value).map(|l| l.id)));
    };
    view! {
        <div class="filters" role="toolbar">
            {tab(ListFilter::Mine, "filter-mine", Signal::derive(move || t_string!(i18n, list.mine).to_owned()))}
            {tab(ListFilter::Unassigned, "filter-unassigned", Signal::derive(move || t_string!(i18n, list.unassigned).to_owned()))}
            {tab(ListFilter::Open, "filter-open", Signal::derive(move || t_string!(i18n, list.open).to_owned()))}
            {tab(ListFilter::Closed, "filter-closed", Signal::derive(move || t_string!(i18n, list.closed).to_owned()))}
            {tab(ListFilter::Missed, "filter-missed", Signal::derive(move || t_string!(i18n, list.missed).to_owned()))}
            {tab(ListFilter::Snoozed, "filter-snoozed", Signal::derive(move || t_string!(i18n, list.snoozed).to_owned()))}
            <Show when=move || store.groups.with(|g| !g.is_empty())>
                <select id="filter-group" class="tab-select" aria-label=move || t_string!(i18n, list.by_group)
                    on:change=on_group>
                    <option value="">{t!(i18n, list.all_groups)}</option>
                    {move || store.groups.get().into_iter().map(|g| view! {
                        <option value=g.id.to_string() selected=move || store.filter.get() == ListFilter::Group(g.id)>{g.name.clone()}</option>
                    }).collect_view()}
                </select>
            </Show>
            <Show when=move || store.labels.with(|l| !l.is_empty())>
                <select id="filter-label" class="tab-select" aria-label=move || t_string!(i18n, list.by_label)
                    on:change=on_label>
                    <option value="">{t!(i18n, list.all_labels)}</option>
                    {move || store.labels.get().into_iter().map(|l| view! {
                        <option value=l.id.to_string() selected=move || store.label_filter.get() == Some(l.id)>{l.name.clone()}</option>
                    }).collect_view()}
                </select>
            </Show>
        </div>
    }
}

/// A conversation's labels as small coloured chips.
#[component]
pub fn LabelChips(c: Conversation) -> impl IntoView {
    let store = expect_context::<Store>();
    view! {
        <span class="card-labels">
            {move || store.labels_of(&c).into_iter().map(|l| view! {
                <span class="label-chip" data-label=l.id.to_string() style=format!("--label:{}", l.color)>{l.name}</span>
            }).collect_view()}
        </span>
    }
}

fn dot_name(dot: Dot) -> &'static str {
    match dot {
        Dot::Purple => "purple",
        Dot::Red => "red",
        _ => "none",
    }
}

fn dot_label(i18n: leptos_i18n::I18nContext<Locale>, dot: Dot) -> &'static str {
    match dot {
        Dot::Purple => t_string!(i18n, list.dot_purple),
        Dot::Red => t_string!(i18n, list.dot_red),
        _ => t_string!(i18n, list.dot_none),
    }
}

/// One conversation card.
#[component]
fn Card(c: Conversation) -> impl IntoView {
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    let id = c.id;
    let selected = move || store.selected.get() == Some(id);
    let who = format::contact_label(&c, t_string!(i18n, common.visitor));
    let assignee = c
        .assignee_id
        .and_then(|a| store.agent_name(a))
        .or_else(|| c.group_id.and_then(|g| store.group_name(g)))
        .unwrap_or_else(|| t_string!(i18n, list.nobody).to_owned());
    let online = store.visitors.with_untracked(|v| v.contains_key(&c.contact_id));
    let typing = move || store.typing.with(|t| t.contains_key(&id));
    let dot = dot_name(c.dot);
    let closed = c.status == shared::api::ConversationStatus::Closed;
    let labelled = c.clone();
    let picked = move || store.picked.with(|p| p.contains(&id));
    let picking = move || store.picked.with(|p| !p.is_empty());
    let pick = move |ev: leptos::ev::MouseEvent| {
        // The avatar picks; the rest of the card opens the conversation.
        ev.prevent_default();
        ev.stop_propagation();
        store.pick(id, ev.shift_key());
    };
    view! {
        <a class="card" class:selected=selected class:closed=closed class:picked=picked class:picking=picking href=format!("/conversations/{id}")
            data-id=id.to_string() data-dot=dot role="listitem" aria-current=move || selected().then_some("true")>
            <span class=format!("dot {dot}") title=dot_label(i18n, c.dot) aria-label=dot_label(i18n, c.dot)></span>
            <span class="avatar pick" role="checkbox" aria-checked=move || picked().to_string()
                aria-label=move || t_string!(i18n, bulk.pick) title=move || t_string!(i18n, bulk.pick)
                style=format!("--hue:{}", format::hue(&who)) on:click=pick>
                <span class="initials">{format::initials(&who)}</span>
                <span class="pick-box" aria-hidden="true">"✓"</span>
                <Show when=move || online><span class="online-pip"></span></Show>
            </span>
            <span class="card-body">
                <span class="card-top">
                    <span class="card-title">{who.clone()}</span>
                    <time class="card-time" title=format::full(c.last_activity_at)>{format::when(c.last_activity_at)}</time>
                </span>
                <span class="card-preview">
                    {move || if typing() { t_string!(i18n, thread.typing_short).to_owned() } else { c.last_message_preview.clone().unwrap_or_default() }}
                </span>
                <span class="card-foot">
                    <span class="card-assignee">{assignee}</span>
                    <LabelChips c=labelled/>
                </span>
            </span>
        </a>
    }
}
