//! The message window's header: who the conversation is with, its labels, and
//! the actions — close/reopen, snooze, mark unread, ban the contact, delete,
//! assign to a group, assign to an agent, labels. Destructive ones ask first.

use crate::api::{Authed, Failure};
use crate::commands::{Command, Commands};
use crate::components::confirm::Confirm;
use crate::components::labels::{LabelMenu, ThreadLabels};
use crate::components::snooze::SnoozeMenu;
use crate::format;
use crate::i18n::*;
use crate::icons;
use crate::store::Store;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::api::{AssignRequest, ConversationStatus};
use shared::{AgentId, ConversationId, GroupId};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Nothing,
    Agents,
    Groups,
    Labels,
    Snooze,
    ConfirmBan,
    ConfirmDelete,
}

/// The header of the message window.
#[component]
pub fn HeaderActions(id: ConversationId) -> impl IntoView {
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let commands = expect_context::<Commands>();
    let i18n = use_i18n();
    let navigate = use_navigate();
    let navigate_away = navigate.clone();
    let open = RwSignal::new(Open::Nothing);
    let error = RwSignal::new(None::<String>);
    let conversation = move || store.conversations.with(|m| m.get(&id).cloned());
    let closed = move || conversation().is_some_and(|c| c.status == ConversationStatus::Closed);
    let banned = move || store.contact.with(|c| c.as_ref().is_some_and(|c| c.banned));

    let report = move |result: Result<(), Failure>| {
        error.set(result.err().map(|f| f.message));
    };
    let toggle_closed = move || {
        let closing = !closed();
        leptos::task::spawn_local(async move {
            let result = if closing { api.close(id).await } else { api.reopen(id).await };
            report(result.map(|c| store.conversations.update(|m| drop(m.insert(c.id, c)))));
        });
    };
    let assign = move |request: AssignRequest| {
        open.set(Open::Nothing);
        leptos::task::spawn_local(async move {
            let result = api.assign(id, &request).await;
            report(result.map(|c| store.conversations.update(|m| drop(m.insert(c.id, c)))));
        });
    };
    let block_address = RwSignal::new(false);
    let address = move || store.contact.with(|c| c.as_ref().and_then(|c| c.ip_address.clone()));
    let ban = move || {
        let contact = store.contact.with_untracked(|c| c.as_ref().map(|c| (c.id, c.banned)));
        open.set(Open::Nothing);
        let Some((contact_id, banned)) = contact else { return };
        let block = !banned && block_address.get_untracked() && address().is_some();
        leptos::task::spawn_local(async move {
            let result = if banned { api.unban(contact_id).await } else { api.ban(contact_id).await };
            let banned_ok = result.is_ok();
            report(result.map(|c| store.contact.set(Some(c))));
            if banned_ok && block {
                report(api.block_address(contact_id).await.map(drop));
            }
        });
    };
    let delete = Callback::new(move |_: ()| {
        open.set(Open::Nothing);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result = api.delete_conversation(id).await;
            if result.is_ok() {
                store.conversations.update(|m| drop(m.remove(&id)));
                navigate("/conversations", Default::default());
            }
            report(result);
        });
    });
    let mark_unread = move || {
        let navigate = navigate_away.clone();
        leptos::task::spawn_local(async move {
            match api.mark_unread(id).await {
                Ok(c) => {
                    store.conversations.update(|m| drop(m.insert(c.id, c)));
                    // Left open, it would be read again at once.
                    navigate("/conversations", Default::default());
                }
                Err(f) => error.set(Some(f.message)),
            }
        });
    };
    let mark_unread_key = mark_unread.clone();
    commands.on(move |command| match command {
        Command::Close => toggle_closed(),
        Command::AssignAgent => open.set(Open::Agents),
        Command::AssignGroup => open.set(Open::Groups),
        Command::Labels => open.set(Open::Labels),
        Command::Snooze => open.set(Open::Snooze),
        Command::MarkUnread => mark_unread_key(),
        _ => {}
    });

    let icon = move |id: &'static str, glyph: &'static str, label: Signal<String>, on: Box<dyn Fn() + Send + Sync>| {
        view! {
            <button id=id class="icon-button" aria-label=label title=label on:click=move |_| on()>
                {icons::icon(glyph)}
            </button>
        }
    };
    view! {
        <header class="thread-head">
            <ThreadTitle id=id store=store/>
            <div class="thread-actions" role="toolbar">
                {move || {
                    let (glyph, label) = if closed() { (icons::REOPEN, t_string!(i18n, actions.reopen)) } else { (icons::CHECK, t_string!(i18n, actions.close)) };
                    icon("action-close", glyph, Signal::derive(move || label.to_owned()), Box::new(toggle_closed))
                }}
                {move || {
                    let label = if banned() { t_string!(i18n, actions.unban) } else { t_string!(i18n, actions.ban) };
                    icon("action-ban", icons::BAN, Signal::derive(move || label.to_owned()), Box::new(move || {
                        if banned() { ban() } else { open.set(Open::ConfirmBan) }
                    }))
                }}
                <div class="menu-anchor">
                    {icon("action-snooze", icons::CLOCK, Signal::derive(move || t_string!(i18n, snooze.title).to_owned()), Box::new(move || open.update(|o| *o = if *o == Open::Snooze { Open::Nothing } else { Open::Snooze })))}
                    <Show when=move || open.get() == Open::Snooze>
                        <SnoozeMenu id=id on_close=Callback::new(move |_| open.set(Open::Nothing))/>
                    </Show>
                </div>
                {icon("action-unread", icons::UNREAD, Signal::derive(move || t_string!(i18n, actions.mark_unread).to_owned()), Box::new(mark_unread.clone()))}
                {icon("action-delete", icons::TRASH, Signal::derive(move || t_string!(i18n, actions.delete).to_owned()), Box::new(move || open.set(Open::ConfirmDelete)))}
                <div class="menu-anchor">
                    {icon("action-group", icons::GROUP, Signal::derive(move || t_string!(i18n, actions.assign_group).to_owned()), Box::new(move || open.update(|o| *o = if *o == Open::Groups { Open::Nothing } else { Open::Groups })))}
                    <Show when=move || open.get() == Open::Groups>
                        <GroupMenu on_pick=Callback::new(move |g: Option<GroupId>| {
                            let agent = conversation().and_then(|c| c.assignee_id);
                            assign(AssignRequest { agent_id: agent, group_id: g })
                        }) on_close=Callback::new(move |_| open.set(Open::Nothing))/>
                    </Show>
                </div>
                <div class="menu-anchor">
                    {icon("action-agent", icons::AGENT, Signal::derive(move || t_string!(i18n, actions.assign_agent).to_owned()), Box::new(move || open.update(|o| *o = if *o == Open::Agents { Open::Nothing } else { Open::Agents })))}
                    <Show when=move || open.get() == Open::Agents>
                        <AgentMenu on_pick=Callback::new(move |a: Option<AgentId>| {
                            let group = conversation().and_then(|c| c.group_id);
                            assign(AssignRequest { agent_id: a, group_id: group })
                        }) on_close=Callback::new(move |_| open.set(Open::Nothing))/>
                    </Show>
                </div>
                <div class="menu-anchor">
                    {icon("action-labels", icons::TAG, Signal::derive(move || t_string!(i18n, actions.labels).to_owned()), Box::new(move || open.update(|o| *o = if *o == Open::Labels { Open::Nothing } else { Open::Labels })))}
                    <Show when=move || open.get() == Open::Labels>
                        <LabelMenu id=id on_close=Callback::new(move |_| open.set(Open::Nothing))/>
                    </Show>
                </div>
            </div>
            <Show when=move || error.with(Option::is_some)>
                <p class="error inline" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
            <Show when=move || open.get() == Open::ConfirmBan>
                <Confirm title=Signal::derive(move || t_string!(i18n, actions.ban_title).to_owned())
                    body=Signal::derive(move || t_string!(i18n, actions.ban_body).to_owned())
                    confirm=Signal::derive(move || t_string!(i18n, actions.ban).to_owned())
                    on_confirm=Callback::new(move |_| ban()) on_cancel=Callback::new(move |_| open.set(Open::Nothing))>
                    {move || address().map(|ip| view! {
                        <label class="check"><input id="ban-block-address" type="checkbox" bind:checked=block_address/>
                            {format!("{} ({ip})", t_string!(i18n, actions.block_address))}</label>
                    })}
                </Confirm>
            </Show>
            <Show when=move || open.get() == Open::ConfirmDelete>
                <Confirm title=Signal::derive(move || t_string!(i18n, actions.delete_title).to_owned())
                    body=Signal::derive(move || t_string!(i18n, actions.delete_body).to_owned())
                    confirm=Signal::derive(move || t_string!(i18n, actions.delete).to_owned())
                    on_confirm=delete on_cancel=Callback::new(move |_| open.set(Open::Nothing))/>
            </Show>
        </header>
    }
}

/// Who the conversation is with, who answers it, and whether it is closed or the contact banned.
#[component]
fn ThreadTitle(id: ConversationId, store: Store) -> impl IntoView {
    let i18n = use_i18n();
    let conversation = move || store.conversations.with(|m| m.get(&id).cloned());
    let closed = move || conversation().is_some_and(|c| c.status == ConversationStatus::Closed);
    let banned = move || store.contact.with(|c| c.as_ref().is_some_and(|c| c.banned));
    let title =
        move || conversation().map(|c| format::contact_label(&c, t_string!(i18n, common.visitor))).unwrap_or_default();
    let subtitle = move || {
        let c = conversation()?;
        let agent = c.assignee_id.and_then(|a| store.agent_name(a));
        let group = c.group_id.and_then(|g| store.group_name(g));
        Some(match (agent, group) {
            (Some(a), Some(g)) => format!("{a} · {g}"),
            (Some(a), None) => a,
            (None, Some(g)) => g,
            (None, None) => t_string!(i18n, list.nobody).to_owned(),
        })
    };
    view! {
        <div class="thread-title">
            <h2 id="thread-title">{title}</h2>
            <span class="muted" id="thread-assignee">{subtitle}</span>
            <Show when=closed><span class="pill">{t!(i18n, thread.closed)}</span></Show>
            <Show when=banned><span class="pill danger">{t!(i18n, thread.banned)}</span></Show>
            {move || conversation().and_then(|c| c.snoozed_until).map(|until| view! {
                <span class="pill" id="snoozed-pill" title=format::full(until)>{format!("{} {}", t_string!(i18n, snooze.until), format::when(until))}</span>
            })}
            <ThreadLabels id=id/>
        </div>
    }
}

#[component]
fn AgentMenu(on_pick: Callback<Option<AgentId>>, on_close: Callback<()>) -> impl IntoView {
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    view! {
        <div class="menu" role="menu" id="agent-menu" on:keydown=move |ev| if ev.key() == "Escape" { on_close.run(()) }>
            <button role="menuitem" class="menu-item" on:click=move |_| on_pick.run(None)>{t!(i18n, actions.unassigned)}</button>
            {move || store.agents.get().into_iter().filter(|a| a.active).map(|a| {
                let online = store.is_online(a.id);
                view! {
                    <button role="menuitem" class="menu-item" data-agent=a.id.to_string() on:click=move |_| on_pick.run(Some(a.id))>
                        <span class=if online { "presence online" } else { "presence offline" }></span>{a.name.clone()}
                    </button>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
fn GroupMenu(on_pick: Callback<Option<GroupId>>, on_close: Callback<()>) -> impl IntoView {
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    view! {
        <div class="menu" role="menu" id="group-menu" on:keydown=move |ev| if ev.key() == "Escape" { on_close.run(()) }>
            <button role="menuitem" class="menu-item" on:click=move |_| on_pick.run(None)>{t!(i18n, actions.no_group)}</button>
            {move || store.groups.get().into_iter().map(|g| view! {
                <button role="menuitem" class="menu-item" data-group=g.id.to_string() on:click=move |_| on_pick.run(Some(g.id))>{g.name.clone()}</button>
            }).collect_view()}
            <Show when=move || store.groups.with(Vec::is_empty)>
                <p class="muted small">{t!(i18n, actions.no_groups_yet)}</p>
            </Show>
        </div>
    }
}
