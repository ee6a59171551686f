//! Saved replies and templates: list, create, edit, delete.

use crate::api::Authed;
use crate::i18n::*;
use leptos::prelude::*;
use shared::SavedReplyId;
use shared::api::{SavedReply, SavedReplyInput, SavedReplyKind};

/// The saved replies page.
#[component]
pub fn SavedReplies() -> impl IntoView {
    let api = expect_context::<Authed>();
    let i18n = use_i18n();
    let items = RwSignal::new(Vec::<SavedReply>::new());
    let editing = RwSignal::new(None::<Option<SavedReply>>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            if let Ok(page) = api.saved_replies(None).await {
                items.set(page.items);
            }
        })
    };
    reload();
    let remove = move |id: SavedReplyId| {
        leptos::task::spawn_local(async move {
            if api.delete_saved_reply(id).await.is_ok() {
                items.update(|i| i.retain(|r| r.id != id));
            }
        })
    };
    view! {
        <div class="page">
            <header class="page-head">
                <h1>{t!(i18n, saved.title)}</h1>
                <button id="new-saved-reply" class="primary" on:click=move |_| editing.set(Some(None))>{t!(i18n, saved.new)}</button>
            </header>
            <p class="muted">{t!(i18n, saved.explain)}</p>
            {move || editing.get().map(|current| view! {
                <SavedReplyForm current=current on_done=Callback::new(move |changed: bool| {
                    editing.set(None);
                    if changed { reload() }
                })/>
            })}
            <table class="table" id="saved-table">
                <thead><tr><th>{t!(i18n, saved.shortcut)}</th><th>{t!(i18n, saved.name)}</th><th>{t!(i18n, saved.kind)}</th><th>{t!(i18n, saved.body)}</th><th></th></tr></thead>
                <tbody>
                    <For each=move || items.get() key=|r| (r.id, r.updated_at, r.shortcut.clone(), r.title.clone(), r.body.clone(), r.kind) let:r>
                        {
                            let id = r.id;
                            let edit = r.clone();
                            view! {
                                <tr data-shortcut=r.shortcut.clone()>
                                    <td><code>"/"{r.shortcut.clone()}</code></td>
                                    <td>{r.title.clone()}</td>
                                    <td>{match r.kind { SavedReplyKind::Template => t_string!(i18n, saved.template), SavedReplyKind::Reply => t_string!(i18n, saved.reply) }}</td>
                                    <td class="ellipsis">{r.body.clone()}</td>
                                    <td class="row-actions">
                                        <button class="link edit" on:click=move |_| editing.set(Some(Some(edit.clone())))>{t!(i18n, common.edit)}</button>
                                        <button class="link danger delete" on:click=move |_| remove(id)>{t!(i18n, common.delete)}</button>
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
            <Show when=move || items.with(Vec::is_empty)>
                <p class="empty">{t!(i18n, saved.none)}</p>
            </Show>
        </div>
    }
}

#[component]
fn SavedReplyForm(current: Option<SavedReply>, on_done: Callback<bool>) -> impl IntoView {
    let api = expect_context::<Authed>();
    let i18n = use_i18n();
    let id = current.as_ref().map(|r| r.id);
    let shortcut = RwSignal::new(current.as_ref().map(|r| r.shortcut.clone()).unwrap_or_default());
    let title = RwSignal::new(current.as_ref().map(|r| r.title.clone()).unwrap_or_default());
    let body = RwSignal::new(current.as_ref().map(|r| r.body.clone()).unwrap_or_default());
    let template = RwSignal::new(current.as_ref().is_some_and(|r| r.kind == SavedReplyKind::Template));
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = SavedReplyInput {
            kind: Some(if template.get_untracked() { SavedReplyKind::Template } else { SavedReplyKind::Reply }),
            shortcut: shortcut.get_untracked().trim().trim_start_matches('/').to_owned(),
            title: title.get_untracked(),
            body: body.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            let result = match id {
                Some(id) => api.update_saved_reply(id, &input).await,
                None => api.create_saved_reply(&input).await,
            };
            match result {
                Ok(_) => on_done.run(true),
                Err(f) => error.set(Some(f.message)),
            }
        });
    };
    view! {
        <form class="card-form" id="saved-form" on:submit=submit>
            <div class="row">
                <label class="field"><span>{t!(i18n, saved.shortcut)}</span>
                    <input id="saved-shortcut" type="text" required bind:value=shortcut placeholder="hello"/></label>
                <label class="field grow"><span>{t!(i18n, saved.name)}</span>
                    <input id="saved-title" type="text" required bind:value=title/></label>
                <label class="check"><input id="saved-template" type="checkbox" bind:checked=template/>{t!(i18n, saved.template)}</label>
            </div>
            <label class="field"><span>{t!(i18n, saved.body)}</span>
                <textarea id="saved-body" rows="5" required bind:value=body></textarea></label>
            <p class="muted small">{t!(i18n, saved.placeholders)}" "
                {["contact.name", "contact.email", "contact.phone", "agent.name"].map(|p| view! { <code>"{{"{p}"}}"</code>" " })}</p>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            <div class="dialog-buttons">
                <button type="button" class="secondary" on:click=move |_| on_done.run(false)>{t!(i18n, common.cancel)}</button>
                <button type="submit" id="saved-save" class="primary">{t!(i18n, common.save)}</button>
            </div>
        </form>
    }
}
