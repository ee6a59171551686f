//! The composer: Reply or internal Comment, markdown formatting (toolbar and
//! Ctrl+B/I/K), saved replies by `/shortcut` or picker, attachments by button,
//! drag-and-drop and paste with upload progress, typing signals, Enter to send.

pub mod attachments;
pub mod suggestions;
pub mod text;
pub mod toolbar;
pub mod typing;

use crate::api::{ApiResult, Authed};
use crate::commands::{Command, Commands};
use crate::i18n::*;
use crate::store::Store;
use crate::ws::Socket;
use attachments::{UploadList, Uploads, start_uploads};
use leptos::prelude::*;
use shared::ConversationId;
use shared::api::{EmailReply, Message, PostKind, PostMessage, SavedReply};
use suggestions::{KeyOutcome, SuggestionList, Suggestions};
use text::Edit;
use toolbar::{Toolbar, Wrapper, wrappers};
use typing::TypingSignal;

fn client_id() -> String {
    format!("web-{}-{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e12) as u64)
}

/// The textarea's selection, in characters.
fn selection(area: &web_sys::HtmlTextAreaElement) -> (usize, usize) {
    let len = area.value().chars().count() as u32;
    let start = area.selection_start().ok().flatten().unwrap_or(len);
    let end = area.selection_end().ok().flatten().unwrap_or(start);
    (start as usize, end as usize)
}

/// Puts an edit's text and selection into the textarea, focused.
fn apply(area: &web_sys::HtmlTextAreaElement, edit: &Edit) {
    area.set_value(&edit.text);
    let _ = area.set_selection_range(edit.selection.0 as u32, edit.selection.1 as u32);
    let _ = area.focus();
}

/// Posts, retrying once on a network failure: the client id makes it safe.
async fn send_with_retry(api: Authed, id: ConversationId, post: &PostMessage) -> ApiResult<Message> {
    match api.post_message(id, post).await {
        Err(f) if f.code.is_none() => api.post_message(id, post).await,
        other => other,
    }
}

/// Adds a message to the open thread once, in order.
fn show_sent(store: Store, message: Message) {
    store.thread.update(|t| {
        if !t.iter().any(|m| m.id == message.id) {
            t.push(message);
            t.sort_by_key(|m| m.seq);
        }
    });
}

/// What is being written, and how it is sent.
#[derive(Clone, Copy)]
struct Draft {
    id: ConversationId,
    api: Authed,
    store: Store,
    kind: RwSignal<PostKind>,
    text: RwSignal<String>,
    error: RwSignal<Option<String>>,
    sending: RwSignal<bool>,
    uploads: Uploads,
    area: NodeRef<leptos::html::Textarea>,
    typing: TypingSignal,
}

impl Draft {
    /// Sends the text and the uploaded files (not while a file still uploads);
    /// the composer empties once the server has the message.
    fn send(self) {
        let body = self.text.get_untracked().trim().to_owned();
        let attachment_ids = self.uploads.ready_ids();
        if self.sending.get_untracked() || self.uploads.busy() || body.is_empty() && attachment_ids.is_empty() {
            return;
        }
        let post = PostMessage { kind: self.kind.get_untracked(), body, client_id: client_id(), attachment_ids };
        self.deliver(async move { send_with_retry(self.api, self.id, &post).await });
    }

    /// Emails the text (a reply, often a template picked from the saved
    /// replies) to the contact now; it is stored as a reply too. Files go by
    /// chat only, so not while any are attached.
    fn send_by_email(self) {
        let body = self.text.get_untracked().trim().to_owned();
        if self.sending.get_untracked() || !self.uploads.is_empty() || body.is_empty() {
            return;
        }
        let reply = EmailReply { saved_reply_id: None, body: Some(body), client_id: client_id() };
        self.deliver(async move { self.api.email_reply(self.id, &reply).await });
    }

    /// Waits for the server to store what was sent; then empties the composer.
    fn deliver(self, sent: impl Future<Output = ApiResult<Message>> + 'static) {
        self.sending.set(true);
        self.error.set(None);
        leptos::task::spawn_local(async move {
            match sent.await {
                Ok(message) => {
                    self.text.set(String::new());
                    if let Some(a) = self.area.get_untracked() {
                        a.set_value("");
                    }
                    self.uploads.clear();
                    self.typing.stopped();
                    show_sent(self.store, message);
                }
                Err(f) => self.error.set(Some(f.message)),
            }
            self.sending.set(false);
        });
    }
}

/// What Ctrl/⌘ with `key` formats, if anything.
fn shortcut(key: &str, i18n: leptos_i18n::I18nContext<Locale>) -> Option<Wrapper> {
    let [bold, italic, _, link] = wrappers(i18n);
    match key {
        "b" => Some(bold),
        "i" => Some(italic),
        "k" => Some(link),
        _ => None,
    }
}

/// The composer of the open conversation.
#[component]
pub fn Composer(id: ConversationId, api: Authed, store: Store) -> impl IntoView {
    let socket = expect_context::<Socket>();
    let commands = expect_context::<Commands>();
    let i18n = use_i18n();
    let kind = RwSignal::new(PostKind::Reply);
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let uploads = Uploads::new();
    let area = NodeRef::<leptos::html::Textarea>::new();
    let suggestions = Suggestions::new();
    let dragging = RwSignal::new(false);
    let typing = TypingSignal::new(socket, id, kind.into());

    let edit = move |change: &dyn Fn(&str, (usize, usize)) -> Edit| {
        let Some(a) = area.get_untracked() else { return };
        let result = change(&a.value(), selection(&a));
        apply(&a, &result);
        text.set(result.text);
    };
    let focus = move |mode: PostKind| {
        kind.set(mode);
        if let Some(a) = area.get() {
            let _ = a.focus();
        }
    };
    commands.on(move |command| match command {
        Command::Reply => focus(PostKind::Reply),
        Command::Comment => focus(PostKind::Comment),
        _ => {}
    });

    let draft = Draft { id, api, store, kind, text, error, sending, uploads, area, typing };
    let send = move || draft.send();
    let insert_saved = Callback::new(move |reply: SavedReply| {
        suggestions.close();
        leptos::task::spawn_local(async move {
            let rendered = api.render_saved_reply(reply.id, id).await.unwrap_or(reply.body);
            edit(&|value, (caret, _)| text::insert_at_caret(value, caret, &rendered));
        });
    });
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let caret = area.get_untracked().map_or(0, |a| selection(&a).0);
        match text::slash_word(&value, caret) {
            Some((_, word)) => suggestions.load(api, Some(word)),
            None => suggestions.items.set(Vec::new()),
        }
        text.set(value);
        typing.typed();
    };
    let wrap = Callback::new(move |(before, after, placeholder): Wrapper| {
        edit(&|value, sel| text::wrap(value, sel, before, after, placeholder));
    });
    let list = Callback::new(move |numbered: bool| edit(&|value, sel| text::prefix_lines(value, sel, numbered)));
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        match suggestions.key(&key) {
            KeyOutcome::Ignored => {}
            KeyOutcome::Handled => return ev.prevent_default(),
            KeyOutcome::Insert(reply) => {
                ev.prevent_default();
                return insert_saved.run(reply);
            }
        }
        if key == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        } else if let Some(wrapper) = shortcut(&key, i18n).filter(|_| ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            wrap.run(wrapper);
        } else if key == "Escape"
            && let Some(a) = area.get_untracked()
        {
            let _ = a.blur();
        }
    };
    let add_files = Callback::new(move |files: Vec<web_sys::File>| {
        start_uploads(api, uploads, files, store.max_upload_bytes.get_untracked(), i18n)
    });
    let on_paste = move |ev: leptos::ev::ClipboardEvent| {
        let files = crate::files::files_of(ev.clipboard_data().and_then(|d| d.files()));
        if !files.is_empty() {
            ev.prevent_default();
            add_files.run(files);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        add_files.run(crate::files::files_of(ev.data_transfer().and_then(|d| d.files())));
    };
    let comment = move || kind.get() == PostKind::Comment;
    view! {
        <div class="composer" id="composer" class:comment=comment class:dragging=move || dragging.get()
            on:dragover=move |ev| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop>
            <Modes kind=kind/>
            <Toolbar on_wrap=wrap on_list=list on_saved=Callback::new(move |()| suggestions.toggle_picker(api)) on_files=add_files/>
            <SuggestionList suggestions=suggestions on_pick=insert_saved/>
            <textarea id="composer-input" node_ref=area rows="3"
                placeholder=move || if comment() { t_string!(i18n, composer.comment_placeholder) } else { t_string!(i18n, composer.reply_placeholder) }
                aria-label=move || t_string!(i18n, composer.label)
                on:input=on_input on:keydown=on_keydown on:paste=on_paste on:blur=move |_| typing.stopped()></textarea>
            <UploadList uploads=uploads/>
            <div class="composer-foot">
                <span class="error" role="alert">{move || error.get().unwrap_or_default()}</span>
                <span class="muted small">{t!(i18n, composer.hint)}</span>
                <Show when=move || store.email_enabled.get() && !comment()>
                    <button id="send-email" class="secondary" title=move || t_string!(i18n, composer.send_email_hint)
                        disabled=move || sending.get() || !uploads.is_empty_tracked()
                        on:click=move |_| draft.send_by_email()>{t!(i18n, composer.send_email)}</button>
                </Show>
                <button id="send" class="primary" disabled=move || sending.get() || uploads.busy_tracked()
                    on:click=move |_| send()>
                    {move || if comment() { t_string!(i18n, composer.add_comment) } else { t_string!(i18n, composer.send) }}
                </button>
            </div>
        </div>
    }
}

/// Reply or Comment, and what a comment means.
#[component]
fn Modes(kind: RwSignal<PostKind>) -> impl IntoView {
    let i18n = use_i18n();
    let comment = move || kind.get() == PostKind::Comment;
    view! {
        <div class="composer-modes" role="tablist">
            <button id="mode-reply" role="tab" class="mode" class:active=move || !comment()
                aria-selected=move || (!comment()).to_string() on:click=move |_| kind.set(PostKind::Reply)>{t!(i18n, composer.reply)}</button>
            <button id="mode-comment" role="tab" class="mode" class:active=comment
                aria-selected=move || comment().to_string() on:click=move |_| kind.set(PostKind::Comment)>{t!(i18n, composer.comment)}</button>
            <Show when=comment>
                <span class="comment-note">{t!(i18n, composer.comment_note)}</span>
            </Show>
        </div>
    }
}
