//! The message window: header with the conversation's actions, the thread
//! (visitor messages, replies, internal comments and system notes each look
//! different), who is typing, and the composer.

use crate::api::Authed;
use crate::components::actions::HeaderActions;
use crate::components::composer::Composer;
use crate::format;
use crate::i18n::*;
use crate::store::Store;
use leptos::prelude::*;
use shared::ConversationId;
use shared::api::{Attachment, Message, MessageKind};
use shared::frames::Typist;

/// Loads the thread and contact of `id` and marks it read.
pub fn open_conversation(api: Authed, store: Store, id: ConversationId) {
    store.thread.set(Vec::new());
    store.thread_cursor.set(None);
    store.contact.set(None);
    leptos::task::spawn_local(async move {
        if let Ok(detail) = api.conversation(id).await {
            if store.selected.get_untracked() != Some(id) {
                return;
            }
            store.contact.set(Some(detail.contact));
            store.conversations.update(|m| {
                m.insert(detail.conversation.id, detail.conversation);
            });
        }
        if let Ok(page) = api.messages(id, None).await {
            if store.selected.get_untracked() != Some(id) {
                return;
            }
            store.thread.update(|t| {
                let live: Vec<Message> = std::mem::take(t);
                let mut all = page.items;
                all.extend(live);
                all.sort_by_key(|m| m.seq);
                all.dedup_by_key(|m| m.id);
                *t = all;
            });
            store.thread_cursor.set(page.next_cursor);
        }
        if let Ok(conversation) = api.mark_read(id).await {
            store.conversations.update(|m| {
                m.insert(conversation.id, conversation);
            });
        }
    });
}

fn load_older(api: Authed, store: Store, id: ConversationId) {
    let Some(cursor) = store.thread_cursor.get_untracked() else { return };
    leptos::task::spawn_local(async move {
        if let Ok(page) = api.messages(id, Some(cursor)).await {
            store.thread.update(|t| {
                let mut all = page.items;
                all.append(t);
                all.sort_by_key(|m| m.seq);
                all.dedup_by_key(|m| m.id);
                *t = all;
            });
            store.thread_cursor.set(page.next_cursor);
        }
    });
}

/// The message window for the open conversation.
#[component]
pub fn Thread(id: ConversationId) -> impl IntoView {
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    let scroller = NodeRef::<leptos::html::Div>::new();

    // Follow the newest message when it arrives.
    Effect::new(move |_| {
        store.thread.with(|t| t.len());
        if let Some(el) = scroller.get() {
            request_animation_frame(move || el.set_scroll_top(el.scroll_height()));
        }
    });

    let typing = move || {
        store.typing.with(|t| {
            t.get(&id).map(|t| match &t.typist {
                Typist::Visitor => t_string!(i18n, thread.visitor_typing).to_owned(),
                Typist::Agent { name, .. } => format!("{name} {}", t_string!(i18n, thread.agent_typing)),
            })
        })
    };
    view! {
        <section class="thread-column" aria-label=move || t_string!(i18n, thread.label)>
            <HeaderActions id=id/>
            <div class="thread" id="thread" node_ref=scroller role="log" aria-live="polite">
                <Show when=move || store.thread_cursor.with(Option::is_some)>
                    <button class="link older" on:click=move |_| load_older(api, store, id)>{t!(i18n, thread.older)}</button>
                </Show>
                <For each=move || store.thread.get() key=|m| m.id let:m>
                    <MessageView m=m/>
                </For>
            </div>
            <div class="typing" id="typing" aria-live="polite">{typing}</div>
            <Composer id=id api=api store=store/>
        </section>
    }
}

#[component]
fn MessageView(m: Message) -> impl IntoView {
    let i18n = use_i18n();
    let (class, label) = match m.kind {
        MessageKind::Visitor => ("msg visitor", None),
        MessageKind::Reply => ("msg reply", None),
        MessageKind::Comment => ("msg comment", Some(t_string!(i18n, thread.internal).to_owned())),
        MessageKind::System => ("msg system", None),
    };
    let kind = format!("{:?}", m.kind).to_lowercase();
    if m.kind == MessageKind::System {
        return view! {
            <div class=class data-kind=kind data-id=m.id.to_string()>
                <span>{m.body.clone()}</span>
                <time title=format::full(m.created_at)>{format::when(m.created_at)}</time>
            </div>
        }
        .into_any();
    }
    let author = m.author_name.clone().unwrap_or_default();
    view! {
        <div class=class data-kind=kind data-id=m.id.to_string()>
            <div class="msg-meta">
                <span class="msg-author">{author}</span>
                {label.map(|l| view! { <span class="msg-label">{l}</span> })}
                <time title=format::full(m.created_at)>{format::when(m.created_at)}</time>
            </div>
            <div class="msg-body" inner_html=m.html.clone()></div>
            <Show when={
                let empty = m.attachments.is_empty();
                move || !empty
            }>
                <div class="attachments">
                    {m.attachments.clone().into_iter().map(|a| view! { <AttachmentView a=a/> }).collect_view()}
                </div>
            </Show>
        </div>
    }
    .into_any()
}

/// An attachment: an image preview, or a file to download. Files need the
/// agent's token, so they are fetched (images at once, other files on click)
/// and handed to the browser as object URLs.
#[component]
pub fn AttachmentView(a: Attachment) -> impl IntoView {
    let api = expect_context::<Authed>();
    let size = crate::files::human_size(a.size as f64);
    let name = a.filename.clone();
    if a.inline {
        let url = a.url.clone();
        let source = LocalResource::new(move || {
            let url = url.clone();
            async move { api.object_url(&url).await.ok() }
        });
        return view! {
            <figure class="attachment image">
                {move || source.get().flatten().map(|src| {
                    let href = src.clone();
                    view! { <a href=href target="_blank" rel="noopener"><img src=src alt=name.clone() class="preview"/></a> }
                })}
                <figcaption>{a.filename.clone()}" · "{size}</figcaption>
            </figure>
        }
        .into_any();
    }
    let url = a.url.clone();
    let download = move |_| {
        let (url, name) = (url.clone(), name.clone());
        leptos::task::spawn_local(async move {
            let Ok(href) = api.object_url(&url).await else { return };
            if let Ok(link) = document().create_element("a") {
                let _ = link.set_attribute("href", &href);
                let _ = link.set_attribute("download", &name);
                if let Some(link) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&link) {
                    link.click();
                }
            }
        });
    };
    view! {
        <div class="attachment file">
            {crate::icons::icon(crate::icons::FILE)}
            <button class="link download" on:click=download>{a.filename.clone()}</button>
            <span class="muted">{size}</span>
        </div>
    }
    .into_any()
}
