//! Contact details beside the thread: editable fields and attributes, what the
//! visitor is doing now, and their past conversations.

use crate::api::Authed;
use crate::components::page_link::PageLink;
use crate::format;
use crate::i18n::*;
use crate::store::Store;
use leptos::prelude::*;
use serde_json::{Map, Value};
use shared::ContactId;
use shared::api::{Contact, Conversation, ConversationStatus, UpdateContact};

/// The contact column of the open conversation.
#[component]
pub fn ContactPanel() -> impl IntoView {
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    let contact_id = Memo::new(move |_| store.contact.with(|c| c.as_ref().map(|c| c.id)));
    view! {
        <aside class="contact-column" id="contact-panel" aria-label=move || t_string!(i18n, contact.label)>
            {move || match contact_id.get() {
                Some(id) => view! { <ContactCard id=id/> }.into_any(),
                None => view! { <p class="muted center">{t!(i18n, common.loading)}</p> }.into_any(),
            }}
        </aside>
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[component]
fn ContactCard(id: ContactId) -> impl IntoView {
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    let saved = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let contact = move || store.contact.get();
    let past =
        LocalResource::new(move || async move { api.contact(id).await.map(|d| d.conversations).unwrap_or_default() });

    let save = move |change: UpdateContact| {
        saved.set(None);
        leptos::task::spawn_local(async move {
            match api.update_contact(id, &change).await {
                Ok(c) => {
                    store.contact.set(Some(c));
                    error.set(None);
                    saved.set(Some(t_string!(i18n, contact.saved).to_owned()));
                }
                Err(f) => error.set(Some(f.message)),
            }
        });
    };
    let empty = || UpdateContact { name: None, email: None, phone: None, notes: None, attributes: None };
    let field = move |key: &'static str, label: Signal<String>, value: Option<String>, multiline: bool| {
        let commit = move |v: String| {
            let mut change = empty();
            let v = Some(v.trim().to_owned());
            match key {
                "name" => change.name = v,
                "email" => change.email = v,
                "phone" => change.phone = v,
                _ => change.notes = v,
            }
            save(change);
        };
        let id = format!("contact-{key}");
        let current = value.clone().unwrap_or_default();
        let input = if multiline {
            view! { <textarea id=id.clone() rows="3" prop:value=current.clone()
            on:change=move |ev| commit(event_target_value(&ev))></textarea> }
            .into_any()
        } else {
            view! { <input id=id.clone() type="text" prop:value=current.clone()
            on:change=move |ev| commit(event_target_value(&ev))/> }
            .into_any()
        };
        view! { <label class="field"><span>{label}</span>{input}</label> }
    };
    let new_key = RwSignal::new(String::new());
    let new_value = RwSignal::new(String::new());
    let set_attribute = move |key: String, value: Option<String>| {
        let mut change = empty();
        let mut map = Map::new();
        map.insert(key, value.map(Value::String).unwrap_or(Value::Null));
        change.attributes = Some(map);
        save(change);
    };
    let add_attribute = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let key = new_key.get_untracked().trim().to_owned();
        if key.is_empty() {
            return;
        }
        set_attribute(key, Some(new_value.get_untracked()));
        new_key.set(String::new());
        new_value.set(String::new());
    };

    view! {
        {move || contact().map(|c: Contact| {
            let label = c.name.clone().or(c.email.clone()).unwrap_or_else(|| t_string!(i18n, common.visitor).to_owned());
            // Presence changes often (every page the visitor opens): read it in small
            // reactive pieces so the editable fields above are not redrawn under the agent.
            let contact_id = c.id;
            let stored_page = c.current_page.clone();
            let online = move || store.visitors.with(|v| v.contains_key(&contact_id));
            let page = move || {
                store.visitors.with(|v| v.get(&contact_id).and_then(|p| p.page.clone())).or(stored_page.clone())
            };
            let attributes: Vec<(String, String)> = c.attributes.iter().map(|(k, v)| (k.clone(), text_of(v))).collect();
            view! {
                <div class="contact-head">
                    <span class="avatar large" style=format!("--hue:{}", format::hue(&label))>{format::initials(&label)}</span>
                    <div>
                        <h3>{label.clone()}</h3>
                        <span class=move || if online() { "status online" } else { "status" } id="visitor-online">
                            {move || if online() { t_string!(i18n, contact.online_now) } else { t_string!(i18n, contact.offline) }}
                        </span>
                        {c.banned.then(|| view! { <span class="pill danger">{t!(i18n, thread.banned)}</span> })}
                        {c.verified.then(|| view! {
                            <span class="pill verified" id="contact-verified" title=c.external_id.clone().unwrap_or_default()>{t!(i18n, contact.verified)}</span>
                        })}
                    </div>
                </div>
                <section class="panel-section">
                    {field("name", Signal::derive(move || t_string!(i18n, contact.name).to_owned()), c.name.clone(), false)}
                    {field("email", Signal::derive(move || t_string!(i18n, contact.email).to_owned()), c.email.clone(), false)}
                    {field("phone", Signal::derive(move || t_string!(i18n, contact.phone).to_owned()), c.phone.clone(), false)}
                    {field("notes", Signal::derive(move || t_string!(i18n, contact.notes).to_owned()), c.notes.clone(), true)}
                    <p class="saved small" role="status">{move || saved.get().unwrap_or_default()}</p>
                    <p class="error small" role="alert">{move || error.get().unwrap_or_default()}</p>
                </section>
                <section class="panel-section">
                    <h4>{t!(i18n, contact.attributes)}</h4>
                    <dl class="attributes">
                        {attributes.into_iter().map(|(k, v)| {
                            let key = k.clone();
                            view! {
                                <div class="attribute">
                                    <dt>{k.clone()}</dt>
                                    <dd>{v}</dd>
                                    <button class="icon-button small" aria-label=move || format!("{} {}", t_string!(i18n, common.remove), key)
                                        on:click={let k = k.clone(); move |_| set_attribute(k.clone(), None)}>"×"</button>
                                </div>
                            }
                        }).collect_view()}
                    </dl>
                    <form class="attribute-form" on:submit=add_attribute>
                        <input id="attribute-key" type="text" placeholder=move || t_string!(i18n, contact.attribute_key) bind:value=new_key/>
                        <input id="attribute-value" type="text" placeholder=move || t_string!(i18n, contact.attribute_value) bind:value=new_value/>
                        <button type="submit" class="secondary small">{t!(i18n, common.add)}</button>
                    </form>
                </section>
                <section class="panel-section">
                    <h4>{t!(i18n, contact.visit)}</h4>
                    <dl class="facts">
                        <dt>{t!(i18n, contact.page)}</dt>
                        <dd id="visitor-page">{move || page().map(|url| view! { <PageLink url=url/> })}</dd>
                        <dt>{t!(i18n, contact.browser)}</dt><dd>{c.browser.clone().unwrap_or_else(|| "—".into())}</dd>
                        <dt>{t!(i18n, contact.first_seen)}</dt><dd>{format::full(c.first_seen_at)}</dd>
                        <dt>{t!(i18n, contact.last_seen)}</dt><dd>{format::full(c.last_seen_at)}</dd>
                    </dl>
                </section>
            }
        })}
        <section class="panel-section">
            <h4>{t!(i18n, contact.past)}</h4>
            <ul class="past">
                {move || past.get().unwrap_or_default().into_iter().map(|c: Conversation| {
                    let closed = c.status == ConversationStatus::Closed;
                    view! {
                        <li>
                            <a href=format!("/conversations/{}", c.id)>{c.last_message_preview.clone().unwrap_or_else(|| "…".into())}</a>
                            <span class="muted small">{format::when(c.last_activity_at)}{closed.then_some(" · ✓")}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
