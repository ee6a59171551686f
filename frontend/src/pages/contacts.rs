//! Contacts: search, edit, the banned list with unban, and erasure (admins).

use crate::api::Authed;
use crate::components::confirm::Confirm;
use crate::i18n::*;
use crate::store::Store;
use leptos::prelude::*;
use shared::ContactId;
use shared::api::{Contact, Role, UpdateContact};

/// The contacts list.
#[component]
pub fn Contacts() -> impl IntoView {
    let api = expect_context::<Authed>();
    let i18n = use_i18n();
    let q = RwSignal::new(String::new());
    let banned_only = RwSignal::new(false);
    // Anonymous visitors (no name, email or phone) outnumber the rest: hidden
    // unless asked for, except from the banned list, which is always whole.
    let show_anonymous = RwSignal::new(false);
    let items = RwSignal::new(Vec::<Contact>::new());
    let cursor = RwSignal::new(None::<String>);
    let editing = RwSignal::new(None::<ContactId>);
    let erasing = RwSignal::new(None::<ContactId>);
    let store = expect_context::<Store>();
    let admin = move || store.me.with(|m| m.as_ref().is_some_and(|m| m.role == Role::Admin));
    let error = RwSignal::new(None::<String>);
    let erase = Callback::new(move |_: ()| {
        let Some(id) = erasing.get_untracked() else { return };
        erasing.set(None);
        leptos::task::spawn_local(async move {
            match api.delete_contact(id).await {
                Ok(()) => {
                    error.set(None);
                    items.update(|i| i.retain(|c| c.id != id));
                }
                Err(f) => error.set(Some(f.message)),
            }
        });
    });
    let query = move |after: Option<String>| {
        let mut query = vec![("limit", "50".to_owned())];
        let text = q.get_untracked();
        if !text.trim().is_empty() {
            query.push(("q", text.trim().to_owned()));
        }
        if banned_only.get_untracked() {
            query.push(("banned", "true".to_owned()));
        } else if !show_anonymous.get_untracked() {
            query.push(("anonymous", "false".to_owned()));
        }
        query.extend(after.map(|c| ("cursor", c)));
        query
    };
    Effect::new(move |_| {
        q.track();
        banned_only.track();
        show_anonymous.track();
        let query = query(None);
        leptos::task::spawn_local(async move {
            if let Ok(page) = api.contacts(&query).await {
                items.set(page.items);
                cursor.set(page.next_cursor);
            }
        });
    });
    let more = move |_| {
        let query = query(cursor.get_untracked());
        leptos::task::spawn_local(async move {
            if let Ok(page) = api.contacts(&query).await {
                items.update(|i| i.extend(page.items));
                cursor.set(page.next_cursor);
            }
        });
    };
    let replace =
        move |c: Contact| items.update(|i| i.iter_mut().filter(|x| x.id == c.id).for_each(|x| *x = c.clone()));
    view! {
        <div class="page">
            <header class="page-head">
                <h1>{t!(i18n, contacts.title)}</h1>
                <input id="contacts-search" class="search" type="search" placeholder=move || t_string!(i18n, contacts.search)
                    on:change=move |ev| q.set(event_target_value(&ev))/>
                <label class="check"><input id="banned-only" type="checkbox" on:change=move |ev| banned_only.set(event_target_checked(&ev))/>
                    {t!(i18n, contacts.banned_only)}</label>
                <label class="check"><input id="show-anonymous" type="checkbox" on:change=move |ev| show_anonymous.set(event_target_checked(&ev))/>
                    {t!(i18n, contacts.show_anonymous)}</label>
            </header>
            <table class="table" id="contacts-table">
                <thead><tr>
                    <th>{t!(i18n, contact.name)}</th><th>{t!(i18n, contact.email)}</th><th>{t!(i18n, contact.phone)}</th><th></th>
                </tr></thead>
                <tbody>
                    <For each=move || items.get() key=|c| (c.id, c.name.clone(), c.email.clone(), c.phone.clone(), c.banned) let:c>
                        {
                            let id = c.id;
                            let banned = c.banned;
                            let toggle_ban = move |_| leptos::task::spawn_local(async move {
                                let result = if banned { api.unban(id).await } else { api.ban(id).await };
                                if let Ok(c) = result { replace(c) }
                            });
                            let row = c.clone();
                            view! {
                                <tr data-contact=id.to_string() class:banned=banned>
                                    <Show when=move || editing.get() == Some(id) fallback={
                                        let c = row.clone();
                                        move || view! {
                                            <td>{c.name.clone().unwrap_or_else(|| "—".into())}{c.banned.then(|| view! { <span class="pill danger">{t!(i18n, thread.banned)}</span> })}</td>
                                            <td>{c.email.clone().unwrap_or_default()}</td>
                                            <td>{c.phone.clone().unwrap_or_default()}</td>
                                        }
                                    }>
                                        <EditRow c=c.clone() on_done=Callback::new(move |c: Option<Contact>| {
                                            if let Some(c) = c { replace(c) }
                                            editing.set(None);
                                        })/>
                                    </Show>
                                    <td class="row-actions">
                                        <button class="link edit" on:click=move |_| editing.set(Some(id))>{t!(i18n, common.edit)}</button>
                                        <button class="link unban" on:click=toggle_ban>
                                            {if banned { t_string!(i18n, actions.unban) } else { t_string!(i18n, actions.ban) }}
                                        </button>
                                        <Show when=admin>
                                            <button class="link danger erase" on:click=move |_| erasing.set(Some(id))>{t!(i18n, common.delete)}</button>
                                        </Show>
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            <Show when=move || items.with(Vec::is_empty)>
                <p class="empty">{t!(i18n, contacts.none)}</p>
            </Show>
            <Show when=move || erasing.with(Option::is_some)>
                <Confirm title=Signal::derive(move || t_string!(i18n, contacts.erase_title).to_owned())
                    body=Signal::derive(move || t_string!(i18n, contacts.erase_body).to_owned())
                    confirm=Signal::derive(move || t_string!(i18n, common.delete).to_owned())
                    on_confirm=erase on_cancel=Callback::new(move |_| erasing.set(None))/>
            </Show>
            <Show when=move || cursor.with(Option::is_some)>
                <button class="secondary" on:click=more>{t!(i18n, common.more)}</button>
            </Show>
        </div>
    }
}

#[component]
fn EditRow(c: Contact, on_done: Callback<Option<Contact>>) -> impl IntoView {
    let api = expect_context::<Authed>();
    let i18n = use_i18n();
    let name = RwSignal::new(c.name.clone().unwrap_or_default());
    let email = RwSignal::new(c.email.clone().unwrap_or_default());
    let phone = RwSignal::new(c.phone.clone().unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let id = c.id;
    let save = move |_| {
        let change = UpdateContact {
            name: Some(name.get_untracked()),
            email: Some(email.get_untracked()),
            phone: Some(phone.get_untracked()),
            notes: None,
            attributes: None,
        };
        leptos::task::spawn_local(async move {
            match api.update_contact(id, &change).await {
                Ok(c) => on_done.run(Some(c)),
                Err(f) => error.set(Some(f.message)),
            }
        });
    };
    view! {
        <td><input type="text" bind:value=name aria-label=move || t_string!(i18n, contact.name)/></td>
        <td><input type="email" bind:value=email aria-label=move || t_string!(i18n, contact.email)/>
            <span class="error small">{move || error.get().unwrap_or_default()}</span></td>
        <td><input type="tel" bind:value=phone aria-label=move || t_string!(i18n, contact.phone)/>
            <button class="primary small" on:click=save>{t!(i18n, common.save)}</button>
            <button class="link" on:click=move |_| on_done.run(None)>{t!(i18n, common.cancel)}</button></td>
    }
}
