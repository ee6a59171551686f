//! Settings (admins): agents, groups and their members, API keys (the secret
//! shown once), and the widget: its look, contact form, allowed sites and snippet.

use crate::api::Authed;
use crate::i18n::*;
use crate::store::Store;
use leptos::prelude::*;
use shared::api::{
    AskContact, CreateAgent, CreateApiKey, GroupInput, Role, UpdateAgent, UpdateWidgetSettings, WidgetPosition,
};
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
            <WidgetSection/>
            <KeysSection/>
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
    let set_active = move |id: AgentId, active: bool| {
        leptos::task::spawn_local(async move {
            let change = UpdateAgent { name: None, role: None, active: Some(active), availability: None };
            if api.update_agent(id, &change).await.is_ok() {
                refresh_team(api, store).await;
            }
        })
    };
    view! {
        <section class="settings-section" id="settings-agents">
            <h2>{t!(i18n, settings.agents)}</h2>
            <table class="table">
                <thead><tr><th>{t!(i18n, contact.name)}</th><th>{t!(i18n, contact.email)}</th><th>{t!(i18n, settings.role)}</th><th>{t!(i18n, settings.status)}</th><th></th></tr></thead>
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
                view! {
                    <div class="group-row">
                        <strong>{g.name.clone()}</strong>
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

#[component]
fn WidgetSection() -> impl IntoView {
    let api = expect_context::<Authed>();
    let i18n = use_i18n();
    let team_name = RwSignal::new(String::new());
    let greeting = RwSignal::new(String::new());
    let color = RwSignal::new("#6d4aff".to_owned());
    let left = RwSignal::new(false);
    let ask = RwSignal::new("after".to_owned());
    let origins = RwSignal::new(String::new());
    let site_key = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let note = RwSignal::new(None::<Result<String, String>>);
    leptos::task::spawn_local(async move {
        if let Ok(s) = api.widget_settings().await {
            team_name.set(s.team_name);
            greeting.set(s.greeting);
            color.set(s.color);
            left.set(s.position == WidgetPosition::Left);
            ask.set(
                match s.ask_contact {
                    AskContact::Before => "before",
                    AskContact::After => "after",
                    AskContact::Never => "never",
                }
                .into(),
            );
            origins.set(s.allowed_origins.join("\n"));
            site_key.set(s.site_key);
            secret.set(s.identity_secret);
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let change = UpdateWidgetSettings {
            team_name: Some(team_name.get_untracked()),
            greeting: Some(greeting.get_untracked()),
            color: Some(color.get_untracked()),
            position: Some(if left.get_untracked() { WidgetPosition::Left } else { WidgetPosition::Right }),
            ask_contact: Some(match ask.get_untracked().as_str() {
                "before" => AskContact::Before,
                "never" => AskContact::Never,
                _ => AskContact::After,
            }),
            allowed_origins: Some(
                origins.get_untracked().lines().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect(),
            ),
        };
        leptos::task::spawn_local(async move {
            match api.update_widget_settings(&change).await {
                Ok(_) => note.set(Some(Ok(t_string!(i18n, contact.saved).to_owned()))),
                Err(f) => note.set(Some(Err(f.message))),
            }
        });
    };
    let origin = window().location().origin().unwrap_or_default();
    let snippet = move || {
        format!(
            "<script>window.natter=window.natter||function(){{(window.natter.q=window.natter.q||[]).push(arguments)}};</script>\n<script src=\"{origin}/widget.js\" data-site-key=\"{}\" async></script>",
            site_key.get()
        )
    };
    view! {
        <section class="settings-section" id="settings-widget">
            <h2>{t!(i18n, settings.widget)}</h2>
            <form class="widget-form" on:submit=save>
                <div class="row">
                    <label class="field grow"><span>{t!(i18n, settings.team_name)}</span>
                        <input id="widget-team" type="text" required bind:value=team_name/></label>
                    <label class="field"><span>{t!(i18n, settings.color)}</span>
                        <input id="widget-color" type="color" bind:value=color/></label>
                    <label class="field"><span>{t!(i18n, settings.position)}</span>
                        <select id="widget-position" on:change=move |ev| left.set(event_target_value(&ev) == "left")
                            prop:value=move || if left.get() { "left" } else { "right" }>
                            <option value="right">{t!(i18n, settings.right)}</option>
                            <option value="left">{t!(i18n, settings.left)}</option>
                        </select></label>
                    <label class="field"><span>{t!(i18n, settings.ask_contact)}</span>
                        <select id="widget-ask" bind:value=ask>
                            <option value="before">{t!(i18n, settings.ask_before)}</option>
                            <option value="after">{t!(i18n, settings.ask_after)}</option>
                            <option value="never">{t!(i18n, settings.ask_never)}</option>
                        </select></label>
                </div>
                <label class="field"><span>{t!(i18n, settings.greeting)}</span>
                    <textarea id="widget-greeting" rows="2" bind:value=greeting></textarea></label>
                <label class="field"><span>{t!(i18n, settings.allowed_origins)}</span>
                    <textarea id="widget-origins" rows="3" placeholder="https://shop.example" bind:value=origins></textarea></label>
                <div class="dialog-buttons">
                    {move || note.get().map(|n| match n {
                        Ok(m) => view! { <span class="saved">{m}</span> }.into_any(),
                        Err(m) => view! { <span class="error">{m}</span> }.into_any(),
                    })}
                    <button type="submit" id="widget-save" class="primary">{t!(i18n, common.save)}</button>
                </div>
            </form>
            <h3 class="sub">{t!(i18n, settings.snippet)}</h3>
            <p class="muted">{t!(i18n, settings.snippet_help)}</p>
            <pre class="snippet"><code id="widget-snippet">{snippet}</code></pre>
            <h3 class="sub">{t!(i18n, settings.identity)}</h3>
            <p class="muted">{t!(i18n, settings.identity_help)}</p>
            <code class="secret" id="identity-secret">{move || secret.get()}</code>
        </section>
    }
}
