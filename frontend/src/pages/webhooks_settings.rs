//! Settings → Webhooks (admins): endpoints (the signing secret shown once), the
//! events they get, enable/disable, and each endpoint's recent deliveries with
//! "send test" and "redeliver".

use crate::api::Authed;
use crate::i18n::*;
use leptos::prelude::*;
use shared::api::{CreateWebhook, DeliveryState, UpdateWebhook, WEBHOOK_EVENTS, Webhook, WebhookDelivery};

/// The webhooks section of Settings.
#[component]
pub fn WebhooksSection() -> impl IntoView {
    let api = expect_context::<Authed>();
    let i18n = use_i18n();
    let hooks = LocalResource::new(move || async move { api.webhooks().await.map(|p| p.items).unwrap_or_default() });
    let secret = RwSignal::new(None::<String>);
    let refresh = Callback::new(move |()| hooks.refetch());
    let created = Callback::new(move |s: String| {
        secret.set(Some(s));
        hooks.refetch();
    });
    view! {
        <section class="settings-section" id="settings-webhooks">
            <h2>{t!(i18n, webhooks.title)}</h2>
            <p class="muted">{t!(i18n, webhooks.help)}</p>
            <Show when=move || secret.with(Option::is_some)>
                <div class="notice">
                    <p>{t!(i18n, webhooks.secret_once)}</p>
                    <code class="secret" id="webhook-secret">{move || secret.get().unwrap_or_default()}</code>
                </div>
            </Show>
            {move || {
                let items = hooks.get().unwrap_or_default();
                if items.is_empty() {
                    view! { <p class="muted">{t!(i18n, webhooks.none)}</p> }.into_any()
                } else {
                    items.into_iter().map(|hook| view! { <Endpoint hook=hook changed=refresh/> }).collect_view().into_any()
                }
            }}
            <NewEndpoint created=created/>
        </section>
    }
}

#[component]
fn NewEndpoint(created: Callback<String>) -> impl IntoView {
    let api = expect_context::<Authed>();
    let i18n = use_i18n();
    let url = RwSignal::new(String::new());
    let chosen = RwSignal::new(vec!["message.created".to_owned(), "conversation.created".to_owned()]);
    let error = RwSignal::new(None::<String>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = CreateWebhook { url: url.get_untracked(), events: chosen.get_untracked() };
        leptos::task::spawn_local(async move {
            match api.create_webhook(&input).await {
                Ok(made) => {
                    error.set(None);
                    url.set(String::new());
                    created.run(made.secret);
                }
                Err(f) => error.set(Some(f.message)),
            }
        });
    };
    view! {
        <form class="webhook-form" on:submit=add>
            <input id="webhook-url" type="url" required placeholder=move || t_string!(i18n, webhooks.url) bind:value=url/>
            <fieldset class="webhook-events">
                <legend>{t!(i18n, webhooks.events)}</legend>
                {WEBHOOK_EVENTS.iter().map(|event| {
                    let event = (*event).to_owned();
                    let name = event.clone();
                    let checked = move || chosen.with(|c| c.contains(&name));
                    let toggle = {
                        let event = event.clone();
                        move |_| chosen.update(|c| match c.iter().position(|e| *e == event) {
                            Some(i) => { c.remove(i); }
                            None => c.push(event.clone()),
                        })
                    };
                    view! {
                        <label class="check"><input type="checkbox" prop:checked=checked on:change=toggle/>" "<code>{event}</code></label>
                    }
                }).collect_view()}
            </fieldset>
            <button id="webhook-add" type="submit" class="primary">{t!(i18n, webhooks.add)}</button>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
        </form>
    }
}

#[component]
fn Endpoint(hook: Webhook, changed: Callback<()>) -> impl IntoView {
    let api = expect_context::<Authed>();
    let i18n = use_i18n();
    let id = hook.id;
    let deliveries =
        LocalResource::new(
            move || async move { api.webhook_deliveries(id).await.map(|p| p.items).unwrap_or_default() },
        );
    let enabled = hook.enabled;
    let toggle = move |_| {
        leptos::task::spawn_local(async move {
            let change = UpdateWebhook { url: None, events: None, enabled: Some(!enabled) };
            if api.update_webhook(id, &change).await.is_ok() {
                changed.run(());
            }
        })
    };
    let remove = move |_| {
        leptos::task::spawn_local(async move {
            if api.delete_webhook(id).await.is_ok() {
                changed.run(());
            }
        })
    };
    let test = move |_| {
        leptos::task::spawn_local(async move {
            let _ = api.test_webhook(id).await;
            deliveries.refetch();
        })
    };
    let redeliver = Callback::new(move |delivery| {
        leptos::task::spawn_local(async move {
            let _ = api.redeliver(id, delivery).await;
            deliveries.refetch();
        })
    });
    view! {
        <div class="webhook" class:inactive=!enabled>
            <div class="webhook-head">
                <code class="webhook-url">{hook.url.clone()}</code>
                <span class="muted">" "{hook.events.join(", ")}</span>
                <span class="badge">{move || if enabled { t_string!(i18n, webhooks.enabled) } else { t_string!(i18n, webhooks.disabled) }}</span>
                <span class="row-actions">
                    <button class="link webhook-test" on:click=test>{t!(i18n, webhooks.send_test)}</button>
                    <button class="link" on:click=toggle>{move || if enabled { t_string!(i18n, webhooks.disable) } else { t_string!(i18n, webhooks.enable) }}</button>
                    <button class="link danger" on:click=remove>{t!(i18n, webhooks.delete)}</button>
                </span>
            </div>
            {hook.disabled_reason.clone().map(|why| view! { <p class="error">{why}</p> })}
            <h3>{t!(i18n, webhooks.deliveries)}</h3>
            {move || view! { <Deliveries items=deliveries.get().unwrap_or_default() redeliver=redeliver/> }}
        </div>
    }
}

#[component]
fn Deliveries(items: Vec<WebhookDelivery>, redeliver: Callback<shared::DeliveryId>) -> impl IntoView {
    let i18n = use_i18n();
    if items.is_empty() {
        return view! { <p class="muted">{t!(i18n, webhooks.no_deliveries)}</p> }.into_any();
    }
    view! {
        <table class="table webhook-deliveries">
            <thead><tr>
                <th>{t!(i18n, webhooks.events)}</th><th>{t!(i18n, webhooks.state)}</th><th>"HTTP"</th>
                <th>{t!(i18n, webhooks.latency)}</th><th>{t!(i18n, webhooks.attempts)}</th><th></th>
            </tr></thead>
            <tbody>
                {items.into_iter().map(|d| {
                    let delivery = d.id;
                    let state = match d.state {
                        DeliveryState::Pending => "pending",
                        DeliveryState::Delivered => "delivered",
                        DeliveryState::Failed => "failed",
                    };
                    view! {
                        <tr class="delivery" title=d.error.clone().unwrap_or_default()>
                            <td><code>{d.event.clone()}</code></td>
                            <td class=format!("delivery-{state}")>{state}</td>
                            <td class="delivery-status">{d.status_code.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</td>
                            <td>{d.latency_ms.map(|ms| format!("{ms} ms")).unwrap_or_default()}</td>
                            <td>{d.attempts}</td>
                            <td class="row-actions">
                                <button class="link" on:click=move |_| redeliver.run(delivery)>{t!(i18n, webhooks.redeliver)}</button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
