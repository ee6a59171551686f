//! Contact details beside the thread: editable fields and attributes, what the
//! visitor is doing now, and their past conversations. A change pushed while the
//! agent edits a field (`contact.updated`) updates everything else and leaves
//! the agent's unsaved text alone.

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
pub fn ContactPanel(api: Authed, store: Store) -> impl IntoView {
    let i18n = use_i18n();
    let contact_id = Memo::new(move |_| store.contact.with(|c| c.as_ref().map(|c| c.id)));
    view! {
        <aside class="contact-column" id="contact-panel" aria-label=move || t_string!(i18n, contact.label)>
            {move || match contact_id.get() {
                Some(id) => view! { <ContactCard id=id api=api store=store/> }.into_any(),
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

/// One part of the open contact, following its changes.
fn part<T: Clone + PartialEq + Send + Sync + 'static>(store: Store, read: fn(&Contact) -> T) -> Memo<Option<T>> {
    Memo::new(move |_| store.contact.with(|c| c.as_ref().map(read)))
}

fn empty_change() -> UpdateContact {
    UpdateContact { name: None, email: None, phone: None, notes: None, attributes: None }
}

#[component]
fn ContactCard(id: ContactId, api: Authed, store: Store) -> impl IntoView {
    let i18n = use_i18n();
    let saved = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let save = Callback::new(move |change: UpdateContact| {
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
    });
    let field = move |key: &'static str, read: fn(&Contact) -> Option<String>, multiline: bool| {
        let commit = Callback::new(move |v: String| {
            let mut change = empty_change();
            let v = Some(v.trim().to_owned());
            match key {
                "name" => change.name = v,
                "email" => change.email = v,
                "phone" => change.phone = v,
                _ => change.notes = v,
            }
            save.run(change);
        });
        let value = part(store, read);
        view! { <ContactField key=key value=Signal::derive(move || value.get().flatten()) multiline=multiline on_commit=commit/> }
    };
    view! {
        <ContactHead store=store/>
        <section class="panel-section">
            {field("name", |c| c.name.clone(), false)}
            {field("email", |c| c.email.clone(), false)}
            {field("phone", |c| c.phone.clone(), false)}
            {field("notes", |c| c.notes.clone(), true)}
            <p class="saved small" role="status">{move || saved.get().unwrap_or_default()}</p>
            <p class="error small" role="alert">{move || error.get().unwrap_or_default()}</p>
        </section>
        <Attributes store=store save=save/>
        <VisitFacts store=store/>
        <PastConversations api=api id=id/>
    }
}

/// The contact's avatar, name, presence and badges.
#[component]
fn ContactHead(store: Store) -> impl IntoView {
    let i18n = use_i18n();
    let label = move || {
        store
            .contact
            .with(|c| c.as_ref().and_then(|c| c.name.clone().or(c.email.clone())))
            .unwrap_or_else(|| t_string!(i18n, common.visitor).to_owned())
    };
    let contact_id = part(store, |c| c.id);
    let online = move || contact_id.get().is_some_and(|id| store.visitors.with(|v| v.contains_key(&id)));
    let banned = part(store, |c| c.banned);
    let verified = part(store, |c| c.external_id.clone().filter(|_| c.verified).unwrap_or_default());
    let is_verified = part(store, |c| c.verified);
    view! {
        <div class="contact-head">
            <span class="avatar large" style=move || format!("--hue:{}", format::hue(&label()))>{move || format::initials(&label())}</span>
            <div>
                <h3>{label}</h3>
                <span class=move || if online() { "status online" } else { "status" } id="visitor-online">
                    {move || if online() { t_string!(i18n, contact.online_now) } else { t_string!(i18n, contact.offline) }}
                </span>
                <Show when=move || banned.get() == Some(true)>
                    <span class="pill danger">{t!(i18n, thread.banned)}</span>
                </Show>
                <Show when=move || is_verified.get() == Some(true)>
                    <span class="pill verified" id="contact-verified" title=move || verified.get().unwrap_or_default()>{t!(i18n, contact.verified)}</span>
                </Show>
            </div>
        </div>
    }
}

/// An editable field, saved when it changes (on blur or Enter). What the agent
/// typed stays while it is unsaved, whatever arrives meanwhile.
#[component]
fn ContactField(
    key: &'static str,
    value: Signal<Option<String>>,
    multiline: bool,
    on_commit: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let draft = RwSignal::new(None::<String>);
    // Once the server holds what the agent wrote, the field follows the server again.
    Effect::new(move |_| {
        let stored = value.get().unwrap_or_default();
        if draft.with_untracked(|d| d.as_deref().is_some_and(|d| d.trim() == stored)) {
            draft.set(None);
        }
    });
    let shown = move || draft.get().unwrap_or_else(|| value.get().unwrap_or_default());
    let input = move |ev: leptos::ev::Event| draft.set(Some(event_target_value(&ev)));
    let change = move |ev: leptos::ev::Event| on_commit.run(event_target_value(&ev));
    let id = format!("contact-{key}");
    let label = move || match key {
        "name" => t_string!(i18n, contact.name),
        "email" => t_string!(i18n, contact.email),
        "phone" => t_string!(i18n, contact.phone),
        _ => t_string!(i18n, contact.notes),
    };
    let control = if multiline {
        view! { <textarea id=id rows="3" prop:value=shown on:input=input on:change=change></textarea> }.into_any()
    } else {
        view! { <input id=id type="text" prop:value=shown on:input=input on:change=change/> }.into_any()
    };
    view! { <label class="field"><span>{label}</span>{control}</label> }
}

/// Custom attributes: listed with a remove button each, and a form to add one.
#[component]
fn Attributes(store: Store, save: Callback<UpdateContact>) -> impl IntoView {
    let i18n = use_i18n();
    let attributes = part(store, |c| c.attributes.iter().map(|(k, v)| (k.clone(), text_of(v))).collect::<Vec<_>>());
    let new_key = RwSignal::new(String::new());
    let new_value = RwSignal::new(String::new());
    let set_attribute = move |key: String, value: Option<String>| {
        let mut map = Map::new();
        map.insert(key, value.map(Value::String).unwrap_or(Value::Null));
        save.run(UpdateContact { attributes: Some(map), ..empty_change() });
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
        <section class="panel-section">
            <h4>{t!(i18n, contact.attributes)}</h4>
            <dl class="attributes" id="attributes">
                <For each=move || attributes.get().unwrap_or_default() key=|kv| kv.clone() let:kv>
                    {
                        let (k, v) = kv;
                        let label = k.clone();
                        let key = k.clone();
                        view! {
                            <div class="attribute" data-key=k.clone()>
                                <dt>{k.clone()}</dt>
                                <dd>{v}</dd>
                                <button class="icon-button small remove-attribute" aria-label=move || format!("{} {}", t_string!(i18n, common.remove), label)
                                    on:click=move |_| set_attribute(key.clone(), None)>"×"</button>
                            </div>
                        }
                    }
                </For>
            </dl>
            <form class="attribute-form" on:submit=add_attribute>
                <input id="attribute-key" type="text" placeholder=move || t_string!(i18n, contact.attribute_key) bind:value=new_key/>
                <input id="attribute-value" type="text" placeholder=move || t_string!(i18n, contact.attribute_value) bind:value=new_value/>
                <button type="submit" id="attribute-add" class="secondary small">{t!(i18n, common.add)}</button>
            </form>
        </section>
    }
}

/// Where the visitor is now (live) and when they came.
#[component]
fn VisitFacts(store: Store) -> impl IntoView {
    let i18n = use_i18n();
    let contact_id = part(store, |c| c.id);
    let stored_page = part(store, |c| c.current_page.clone());
    // Presence changes often (every page the visitor opens): read in small pieces.
    let page = move || {
        let live = contact_id.get().and_then(|id| store.visitors.with(|v| v.get(&id).and_then(|p| p.page.clone())));
        live.or(stored_page.get().flatten())
    };
    let browser = part(store, |c| c.browser.clone().unwrap_or_else(|| "—".into()));
    let address = part(store, |c| c.ip_address.clone().unwrap_or_else(|| "—".into()));
    let first_seen = part(store, |c| format::full(c.first_seen_at));
    let last_seen = part(store, |c| format::full(c.last_seen_at));
    view! {
        <section class="panel-section">
            <h4>{t!(i18n, contact.visit)}</h4>
            <dl class="facts">
                <dt>{t!(i18n, contact.page)}</dt>
                <dd id="visitor-page">{move || page().map(|url| view! { <PageLink url=url/> })}</dd>
                <dt>{t!(i18n, contact.browser)}</dt><dd>{move || browser.get()}</dd>
                <dt>{t!(i18n, contact.ip_address)}</dt><dd id="visitor-address">{move || address.get()}</dd>
                <dt>{t!(i18n, contact.first_seen)}</dt><dd>{move || first_seen.get()}</dd>
                <dt>{t!(i18n, contact.last_seen)}</dt><dd>{move || last_seen.get()}</dd>
            </dl>
        </section>
    }
}

/// The contact's other conversations, newest first.
#[component]
fn PastConversations(api: Authed, id: ContactId) -> impl IntoView {
    let i18n = use_i18n();
    let past =
        LocalResource::new(move || async move { api.contact(id).await.map(|d| d.conversations).unwrap_or_default() });
    view! {
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
