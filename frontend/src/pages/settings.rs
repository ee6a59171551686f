//! Settings (admins): agents (with their capacity for automatic assignment),
//! groups with their members and automatic assignment, routing rules
//! (`routing_settings`), business hours (`hours_settings`), labels (`labels_settings`),
//! blocked addresses (`blocked_settings`),
//! API keys (the secret shown once), the widget (`widget_settings`) and webhooks
//! (`webhooks_settings`).

use crate::api::Authed;
use crate::i18n::*;
use crate::store::Store;
use leptos::prelude::*;
use shared::api::{CreateAgent, CreateApiKey, GroupInput, Role, UpdateAgent, UpdateGroup};
use shared::{AgentId, GroupId};

/// The settings page.
#[component]
pub fn Settings() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="page settings">
            <header class="page-head"><h1>{t!(i18n, settings.title)}</h1></header>
            <AgentsSection/>
            <GroupsSection/>
            <super::routing_settings::RoutingSection/>
            <super::hours_settings::HoursSection/>
            <super::labels_settings::LabelsSection/>
            <super::blocked_settings::BlockedSection/>
            <super::widget_settings::WidgetSection/>
            <KeysSection/>
            <super::webhooks_settings::WebhooksSection/>
        </div>
    }
}

async fn refresh_team(api: Authed, store: Store) {
    if let Ok(page) = api.agents().await {
        store.agents.set(page.items);
    }
    if let Ok(page) = api.groups().await {
        store.groups.set(page.items);
    }
}

/// An agent change that changes nothing (to fill in).
fn unchanged() -> UpdateAgent {
    UpdateAgent { name: None, role: None, active: None, availability: None, capacity: None }
}

#[component]
fn AgentsSection() -> impl IntoView {
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let admin = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let invite = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = CreateAgent {
            name: name.get_untracked(),
            email: email.get_untracked(),
            password: password.get_untracked(),
            role: Some(if admin.get_untracked() { Role::Admin } else { Role::Agent }),
        };
        leptos::task::spawn_local(async move {
            match api.create_agent(&input).await {
                Ok(_) => {
                    error.set(None);
                    name.set(String::new());
                    email.set(String::new());
                    password.set(String::new());
                    refresh_team(api, store).await;
                }
                Err(f) => error.set(Some(f.message)),
            }
        });
    };
    let update = move |id: AgentId, change: UpdateAgent| {
        leptos::task::spawn_local(async move {
            match api.update_agent(id, &change).await {
                Ok(_) => {
                    error.set(None);
                    refresh_team(api, store).await;
                }
                Err(f) => error.set(Some(f.message)),
            }
        })
    };
    let set_active = move |id: AgentId, active: bool| update(id, UpdateAgent { active: Some(active), ..unchanged() });
    // Empty (or 0) takes the limit away.
    let set_capacity = move |id: AgentId, value: String| {
        let Ok(capacity) = (if value.trim().is_empty() { Ok(0) } else { value.trim().parse::<u32>() }) else { return };
        update(id, UpdateAgent { capacity: Some(capacity), ..unchanged() });
    };
    view! {
        <section class="settings-section" id="settings-agents">
            <h2>{t!(i18n, settings.agents)}</h2>
            <table class="table">
                <thead><tr><th>{t!(i18n, contact.name)}</th><th>{t!(i18n, contact.email)}</th><th>{t!(i18n, settings.role)}</th><th>{t!(i18n, settings.status)}</th><th>{t!(i18n, settings.capacity)}</th><th></th></tr></thead>
                <tbody>
                    {move || store.agents.get().into_iter().map(|a| {
                        let online = store.is_online(a.id);
                        let (id, active) = (a.id, a.active);
                        view! {
                            <tr class:inactive=!a.active>
                                <td><span class=if online { "presence online" } else { "presence offline" }></span>{a.name.clone()}</td>
                                <td>{a.email.clone()}</td>
                                <td>{if a.role == Role::Admin { t_string!(i18n, settings.admin) } else { t_string!(i18n, settings.agent) }}</td>
                                <td>{if a.active { t_string!(i18n, settings.active) } else { t_string!(i18n, settings.deactivated) }}</td>
                                <td><input type="number" class="capacity" min="0" max="1000" id=format!("capacity-{}", a.id)
                                    aria-label=move || t_string!(i18n, settings.capacity_help)
                                    title=move || t_string!(i18n, settings.capacity_help)
                                    placeholder="∞" prop:value=a.capacity.map(|c| c.to_string()).unwrap_or_default()
                                    on:change=move |ev| set_capacity(id, event_target_value(&ev))/></td>
                                <td class="row-actions"><button class="link" on:click=move |_| set_active(id, !active)>
                                    {if active { t_string!(i18n, settings.deactivate) } else { t_string!(i18n, settings.activate) }}
                                </button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <form class="inline-form" on:submit=invite>
                <input type="text" required placeholder=move || t_string!(i18n, contact.name) bind:value=name/>
                <input type="email" required placeholder=move || t_string!(i18n, contact.email) bind:value=email/>
                <input type="password" required minlength="8" placeholder=move || t_string!(i18n, settings.password) bind:value=password/>
                <label class="check"><input type="checkbox" bind:checked=admin/>{t!(i18n, settings.admin)}</label>
                <button type="submit" class="primary">{t!(i18n, settings.add_agent)}</button>
            </form>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
        </section>
    }
}

#[component]
fn GroupsSection() -> impl IntoView {
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = GroupInput { name: name.get_untracked() };
        leptos::task::spawn_local(async move {
            match api.create_group(&input).await {
                Ok(_) => {
                    name.set(String::new());
                    refresh_team(api, store).await;
                }
                Err(f) => error.set(Some(f.message)),
            }
        });
    };
    let toggle_member = move |group: GroupId, agent: AgentId| {
        let Some(mut members) =
            store.groups.with_untracked(|g| g.iter().find(|g| g.id == group).map(|g| g.member_ids.clone()))
        else {
            return;
        };
        if members.contains(&agent) {
            members.retain(|m| *m != agent);
        } else {
            members.push(agent);
        }
        leptos::task::spawn_local(async move {
            if api.set_members(group, members).await.is_ok() {
                refresh_team(api, store).await;
            }
        });
    };
    let set_auto = move |group: GroupId, on: bool| {
        leptos::task::spawn_local(async move {
            match api.update_group(group, &UpdateGroup { name: None, auto_assign: Some(on) }).await {
                Ok(_) => refresh_team(api, store).await,
                Err(f) => error.set(Some(f.message)),
            }
        });
    };
    let remove = move |group: GroupId| {
        leptos::task::spawn_local(async move {
            if api.delete_group(group).await.is_ok() {
                refresh_team(api, store).await;
            }
        });
    };
    view! {
        <section class="settings-section" id="settings-groups">
            <h2>{t!(i18n, settings.groups)}</h2>
            {move || store.groups.get().into_iter().map(|g| {
                let group = g.id;
                let auto = g.auto_assign;
                view! {
                    <div class="group-row" data-group=g.id.to_string()>
                        <strong>{g.name.clone()}</strong>
                        <label class="check" title=move || t_string!(i18n, settings.auto_assign_help)>
                            <input type="checkbox" class="auto-assign" prop:checked=auto
                                on:change=move |_| set_auto(group, !auto)/>
                            {t!(i18n, settings.auto_assign)}
                        </label>
                        <div class="chips">
                            {store.agents.get().into_iter().filter(|a| a.active).map(|a| {
                                let member = g.member_ids.contains(&a.id);
                                let agent = a.id;
                                view! {
                                    <button class="chip" class:on=member aria-pressed=member.to_string()
                                        on:click=move |_| toggle_member(group, agent)>{a.name.clone()}</button>
                                }
                            }).collect_view()}
                        </div>
                        <button class="link danger" on:click=move |_| remove(group)>{t!(i18n, common.delete)}</button>
                    </div>
                }
            }).collect_view()}
            <form class="inline-form" on:submit=create>
                <input id="group-name" type="text" required placeholder=move || t_string!(i18n, settings.group_name) bind:value=name/>
                <button type="submit" class="primary">{t!(i18n, settings.add_group)}</button>
            </form>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
        </section>
    }
}

#[component]
fn KeysSection() -> impl IntoView {
    let api = expect_context::<Authed>();
    let i18n = use_i18n();
    let keys = LocalResource::new(move || async move { api.api_keys().await.map(|p| p.items).unwrap_or_default() });
    let name = RwSignal::new(String::new());
    let secret = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = CreateApiKey { name: name.get_untracked(), role: None };
        leptos::task::spawn_local(async move {
            match api.create_api_key(&input).await {
                Ok(created) => {
                    secret.set(Some(created.secret));
                    name.set(String::new());
                    keys.refetch();
                }
                Err(f) => error.set(Some(f.message)),
            }
        });
    };
    let revoke = move |id| {
        leptos::task::spawn_local(async move {
            if api.revoke_api_key(id).await.is_ok() {
                keys.refetch();
            }
        })
    };
    view! {
        <section class="settings-section" id="settings-keys">
            <h2>{t!(i18n, settings.api_keys)}</h2>
            <p class="muted">
                {t!(i18n, settings.api_docs_help)}" "
                <a id="api-docs-link" href="/api/docs/" target="_blank" rel="noopener">{t!(i18n, settings.api_docs)}</a>"."
            </p>
            <Show when=move || secret.with(Option::is_some)>
                <div class="notice">
                    <p>{t!(i18n, settings.key_once)}</p>
                    <code class="secret" id="api-key-secret">{move || secret.get().unwrap_or_default()}</code>
                </div>
            </Show>
            <table class="table">
                <thead><tr><th>{t!(i18n, contact.name)}</th><th>{t!(i18n, settings.prefix)}</th><th>{t!(i18n, settings.last_used)}</th><th></th></tr></thead>
                <tbody>
                    {move || keys.get().unwrap_or_default().into_iter().map(|k| {
                        let id = k.id;
                        view! {
                            <tr class:inactive=k.revoked_at.is_some()>
                                <td>{k.name.clone()}</td>
                                <td><code>{k.prefix.clone()}"…"</code></td>
                                <td>{k.last_used_at.map(crate::format::full).unwrap_or_else(|| "—".into())}</td>
                                <td class="row-actions">{k.revoked_at.is_none().then(|| view! {
                                    <button class="link danger" on:click=move |_| revoke(id)>{t!(i18n, settings.revoke)}</button>
                                })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <form class="inline-form" on:submit=create>
                <input id="key-name" type="text" required placeholder=move || t_string!(i18n, settings.key_name) bind:value=name/>
                <button type="submit" class="primary">{t!(i18n, settings.create_key)}</button>
            </form>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
        </section>
    }
}
