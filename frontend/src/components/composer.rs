//! The composer: Reply or internal Comment, markdown formatting (toolbar and
//! Ctrl+B/I/K), saved replies by `/shortcut` or picker, attachments by button,
//! drag-and-drop and paste with upload progress, typing signals, Enter to send.

use crate::api::{ApiResult, Authed};
use crate::commands::{Command, Commands};
use crate::components::uploads::{Uploads, start_uploads};
use crate::i18n::*;
use crate::icons::{self, icon};
use crate::store::Store;
use crate::ws::Socket;
use leptos::prelude::*;
use shared::ConversationId;
use shared::api::{PostKind, PostMessage, SavedReply};
use shared::frames::AgentClientFrame;

/// Wraps the textarea's selection in `before`/`after` (or inserts them around a placeholder).
fn wrap(area: &web_sys::HtmlTextAreaElement, before: &str, after: &str, placeholder: &str) -> String {
    let text = area.value();
    let chars: Vec<char> = text.chars().collect();
    let start = area.selection_start().ok().flatten().unwrap_or(chars.len() as u32) as usize;
    let end = area.selection_end().ok().flatten().unwrap_or(start as u32) as usize;
    let (start, end) = (start.min(chars.len()), end.min(chars.len()).max(start.min(chars.len())));
    let selected: String = chars[start..end].iter().collect();
    let inner = if selected.is_empty() { placeholder.to_owned() } else { selected };
    let head: String = chars[..start].iter().collect();
    let tail: String = chars[end..].iter().collect();
    let result = format!("{head}{before}{inner}{after}{tail}");
    area.set_value(&result);
    let from = (start + before.chars().count()) as u32;
    let _ = area.set_selection_range(from, from + inner.chars().count() as u32);
    let _ = area.focus();
    result
}

/// Starts each selected line with `marker` ("- " or "1. ").
fn prefix_lines(area: &web_sys::HtmlTextAreaElement, numbered: bool) -> String {
    let text = area.value();
    let chars: Vec<char> = text.chars().collect();
    let start = area.selection_start().ok().flatten().unwrap_or(0) as usize;
    let end = area.selection_end().ok().flatten().unwrap_or(start as u32) as usize;
    let line_start = chars[..start.min(chars.len())].iter().rposition(|c| *c == '\n').map_or(0, |i| i + 1);
    let head: String = chars[..line_start].iter().collect();
    let body: String = chars[line_start..end.min(chars.len()).max(line_start)].iter().collect();
    let tail: String = chars[end.min(chars.len()).max(line_start)..].iter().collect();
    let lines: Vec<String> = body
        .split('\n')
        .enumerate()
        .map(|(i, line)| if numbered { format!("{}. {line}", i + 1) } else { format!("- {line}") })
        .collect();
    let result = format!("{head}{}{tail}", lines.join("\n"));
    area.set_value(&result);
    let _ = area.focus();
    result
}

/// The `/word` being typed at the caret, if any: (its start in chars, the word).
fn slash_word(text: &str, caret: usize) -> Option<(usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    let caret = caret.min(chars.len());
    let start = chars[..caret].iter().rposition(|c| c.is_whitespace()).map_or(0, |i| i + 1);
    (chars.get(start) == Some(&'/')).then(|| (start, chars[start + 1..caret].iter().collect()))
}

fn client_id() -> String {
    format!("web-{}-{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e12) as u64)
}

/// The composer of the open conversation.
#[component]
pub fn Composer(id: ConversationId) -> impl IntoView {
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let socket = expect_context::<Socket>();
    let commands = expect_context::<Commands>();
    let i18n = use_i18n();
    let kind = RwSignal::new(PostKind::Reply);
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let uploads = Uploads::new();
    let area = NodeRef::<leptos::html::Textarea>::new();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let suggestions = RwSignal::new(Vec::<SavedReply>::new());
    let highlighted = RwSignal::new(0usize);
    let picker = RwSignal::new(false);
    let dragging = RwSignal::new(false);
    let typing_sent_at = StoredValue::new(0f64);
    let typing_stop = StoredValue::new(None::<TimeoutHandle>);

    let focus = move || {
        if let Some(a) = area.get() {
            let _ = a.focus();
        }
    };
    commands.on(move |command| match command {
        Command::Reply => {
            kind.set(PostKind::Reply);
            focus();
        }
        Command::Comment => {
            kind.set(PostKind::Comment);
            focus();
        }
        _ => {}
    });

    let stop_typing = move || {
        if typing_sent_at.get_value() > 0.0 {
            typing_sent_at.set_value(0.0);
            socket.send(&AgentClientFrame::Typing { conversation_id: id, typing: false, kind: kind.get_untracked() });
        }
    };
    let typed = move || {
        let now = js_sys::Date::now();
        if now - typing_sent_at.get_value() > 3_000.0 {
            typing_sent_at.set_value(now);
            socket.send(&AgentClientFrame::Typing { conversation_id: id, typing: true, kind: kind.get_untracked() });
        }
        if let Some(h) = typing_stop.get_value() {
            h.clear();
        }
        typing_stop.set_value(set_timeout_with_handle(stop_typing, std::time::Duration::from_secs(4)).ok());
    };
    on_cleanup(move || {
        if let Some(h) = typing_stop.get_value() {
            h.clear();
        }
    });

    let send = move || {
        if sending.get_untracked() || uploads.busy() {
            return;
        }
        let body = text.get_untracked().trim().to_owned();
        let attachment_ids = uploads.ready_ids();
        if body.is_empty() && attachment_ids.is_empty() {
            return;
        }
        sending.set(true);
        error.set(None);
        let post = PostMessage { kind: kind.get_untracked(), body, client_id: client_id(), attachment_ids };
        leptos::task::spawn_local(async move {
            match send_with_retry(api, id, &post).await {
                Ok(message) => {
                    text.set(String::new());
                    if let Some(a) = area.get_untracked() {
                        a.set_value("");
                    }
                    uploads.clear();
                    stop_typing();
                    store.thread.update(|t| {
                        if !t.iter().any(|m| m.id == message.id) {
                            t.push(message);
                            t.sort_by_key(|m| m.seq);
                        }
                    });
                }
                Err(f) => error.set(Some(f.message)),
            }
            sending.set(false);
        });
    };

    // `/shortcut` suggestions as the agent types.
    let suggest = move |value: &str, caret: usize| {
        let Some((_, word)) = slash_word(value, caret) else {
            suggestions.set(Vec::new());
            return;
        };
        leptos::task::spawn_local(async move {
            if let Ok(page) = api.saved_replies(Some(word)).await {
                highlighted.set(0);
                suggestions.set(page.items);
            }
        });
    };
    let insert_saved = move |reply: SavedReply| {
        suggestions.set(Vec::new());
        picker.set(false);
        leptos::task::spawn_local(async move {
            let rendered = api.render_saved_reply(reply.id, id).await.unwrap_or(reply.body);
            let Some(a) = area.get_untracked() else { return };
            let value = a.value();
            let caret = a.selection_start().ok().flatten().unwrap_or(value.chars().count() as u32) as usize;
            let chars: Vec<char> = value.chars().collect();
            let (from, to) = match slash_word(&value, caret) {
                Some((start, _)) => (start, caret.min(chars.len())),
                None => (caret.min(chars.len()), caret.min(chars.len())),
            };
            let head: String = chars[..from].iter().collect();
            let tail: String = chars[to..].iter().collect();
            let result = format!("{head}{rendered}{tail}");
            a.set_value(&result);
            text.set(result);
            let at = (from + rendered.chars().count()) as u32;
            let _ = a.set_selection_range(at, at);
            let _ = a.focus();
        });
    };

    let on_input = move |ev: leptos::ev::Event| {
        let Some(a) = area.get_untracked() else { return };
        let value = event_target_value(&ev);
        let caret = a.selection_start().ok().flatten().unwrap_or(0) as usize;
        suggest(&value, caret);
        text.set(value);
        typed();
    };
    let format_with = move |before: &'static str, after: &'static str, placeholder: &'static str| {
        if let Some(a) = area.get_untracked() {
            text.set(wrap(&a, before, after, placeholder));
        }
    };
    let list_with = move |numbered: bool| {
        if let Some(a) = area.get_untracked() {
            text.set(prefix_lines(&a, numbered));
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let open_suggestions = suggestions.with_untracked(|s| s.len());
        if open_suggestions > 0 {
            match ev.key().as_str() {
                "ArrowDown" => {
                    ev.prevent_default();
                    highlighted.update(|h| *h = (*h + 1) % open_suggestions);
                    return;
                }
                "ArrowUp" => {
                    ev.prevent_default();
                    highlighted.update(|h| *h = (*h + open_suggestions - 1) % open_suggestions);
                    return;
                }
                "Enter" | "Tab" => {
                    ev.prevent_default();
                    if let Some(reply) = suggestions.with_untracked(|s| s.get(highlighted.get_untracked()).cloned()) {
                        insert_saved(reply);
                    }
                    return;
                }
                "Escape" => {
                    suggestions.set(Vec::new());
                    return;
                }
                _ => {}
            }
        }
        let modifier = ev.ctrl_key() || ev.meta_key();
        match ev.key().as_str() {
            "Enter" if !ev.shift_key() && !ev.is_composing() => {
                ev.prevent_default();
                send();
            }
            "b" if modifier => {
                ev.prevent_default();
                format_with("**", "**", tu_string!(i18n, composer.bold_text));
            }
            "i" if modifier => {
                ev.prevent_default();
                format_with("_", "_", tu_string!(i18n, composer.italic_text));
            }
            "k" if modifier => {
                ev.prevent_default();
                format_with("[", "](https://)", tu_string!(i18n, composer.link_text));
            }
            "Escape" => {
                if let Some(a) = area.get_untracked() {
                    let _ = a.blur();
                }
            }
            _ => {}
        }
    };
    let add_files = move |files: Vec<web_sys::File>| start_uploads(api, uploads, files, i18n);
    let on_paste = move |ev: leptos::ev::ClipboardEvent| {
        let files = crate::files::files_of(ev.clipboard_data().and_then(|d| d.files()));
        if !files.is_empty() {
            ev.prevent_default();
            add_files(files);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        add_files(crate::files::files_of(ev.data_transfer().and_then(|d| d.files())));
    };
    let pick_files = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        add_files(crate::files::files_of(input.files()));
        input.set_value("");
    };
    let open_picker = move |_| {
        picker.update(|p| *p = !*p);
        if picker.get_untracked() {
            leptos::task::spawn_local(async move {
                if let Ok(page) = api.saved_replies(None).await {
                    highlighted.set(0);
                    suggestions.set(page.items);
                }
            });
        } else {
            suggestions.set(Vec::new());
        }
    };
    let comment = move || kind.get() == PostKind::Comment;
    view! {
        <div class="composer" id="composer" class:comment=comment class:dragging=move || dragging.get()
            on:dragover=move |ev| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop>
            <div class="composer-modes" role="tablist">
                <button id="mode-reply" role="tab" class="mode" class:active=move || !comment()
                    aria-selected=move || (!comment()).to_string() on:click=move |_| kind.set(PostKind::Reply)>{t!(i18n, composer.reply)}</button>
                <button id="mode-comment" role="tab" class="mode" class:active=comment
                    aria-selected=move || comment().to_string() on:click=move |_| kind.set(PostKind::Comment)>{t!(i18n, composer.comment)}</button>
                <Show when=comment>
                    <span class="comment-note">{t!(i18n, composer.comment_note)}</span>
                </Show>
            </div>
            <div class="toolbar" role="toolbar" aria-label=move || t_string!(i18n, composer.formatting)>
                <button class="tool" id="tool-bold" title=move || t_string!(i18n, composer.bold) aria-label=move || t_string!(i18n, composer.bold) on:click=move |_| format_with("**", "**", tu_string!(i18n, composer.bold_text))><b>"B"</b></button>
                <button class="tool" id="tool-italic" title=move || t_string!(i18n, composer.italic) aria-label=move || t_string!(i18n, composer.italic) on:click=move |_| format_with("_", "_", tu_string!(i18n, composer.italic_text))><i>"I"</i></button>
                <button class="tool" id="tool-list" title=move || t_string!(i18n, composer.bullets) aria-label=move || t_string!(i18n, composer.bullets) on:click=move |_| list_with(false)>"•≡"</button>
                <button class="tool" id="tool-numbers" title=move || t_string!(i18n, composer.numbers) aria-label=move || t_string!(i18n, composer.numbers) on:click=move |_| list_with(true)>"1≡"</button>
                <button class="tool" id="tool-code" title=move || t_string!(i18n, composer.code) aria-label=move || t_string!(i18n, composer.code) on:click=move |_| format_with("`", "`", tu_string!(i18n, composer.code_text))><code>"</>"</code></button>
                <button class="tool" id="tool-link" title=move || t_string!(i18n, composer.link) aria-label=move || t_string!(i18n, composer.link) on:click=move |_| format_with("[", "](https://)", tu_string!(i18n, composer.link_text))>{icon(icons::LINK)}</button>
                <span class="tool-gap"></span>
                <button class="tool" id="tool-saved" title=move || t_string!(i18n, composer.saved) aria-label=move || t_string!(i18n, composer.saved) on:click=open_picker>{icon(icons::ZAP)}</button>
                <button class="tool" id="tool-attach" title=move || t_string!(i18n, composer.attach) aria-label=move || t_string!(i18n, composer.attach)
                    on:click=move |_| if let Some(input) = file_input.get() { input.click() }>{icon(icons::CLIP)}</button>
                <input type="file" multiple id="file-input" class="hidden-input" node_ref=file_input on:change=pick_files/>
            </div>
            <Show when=move || suggestions.with(|s| !s.is_empty())>
                <ul class="suggestions" id="suggestions" role="listbox">
                    {move || suggestions.get().into_iter().enumerate().map(|(i, reply)| {
                        let shown = reply.clone();
                        view! {
                            <li role="option" class="suggestion" class:active=move || highlighted.get() == i
                                aria-selected=move || (highlighted.get() == i).to_string()
                                on:mousedown=move |ev| { ev.prevent_default(); insert_saved(reply.clone()); }>
                                <span class="shortcut">"/"{shown.shortcut.clone()}</span>
                                <span class="suggestion-title">{shown.title.clone()}</span>
                                {(shown.kind == shared::api::SavedReplyKind::Template).then(|| view! { <span class="pill">{t!(i18n, saved.template)}</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
            <textarea id="composer-input" node_ref=area rows="3"
                placeholder=move || if comment() { t_string!(i18n, composer.comment_placeholder) } else { t_string!(i18n, composer.reply_placeholder) }
                aria-label=move || t_string!(i18n, composer.label)
                on:input=on_input on:keydown=on_keydown on:paste=on_paste on:blur=move |_| stop_typing()></textarea>
            <crate::components::uploads::UploadList uploads=uploads/>
            <div class="composer-foot">
                <span class="error" role="alert">{move || error.get().unwrap_or_default()}</span>
                <span class="muted small">{t!(i18n, composer.hint)}</span>
                <button id="send" class="primary" disabled=move || sending.get() || uploads.busy_tracked()
                    on:click=move |_| send()>
                    {move || if comment() { t_string!(i18n, composer.add_comment) } else { t_string!(i18n, composer.send) }}
                </button>
            </div>
        </div>
    }
}

/// Posts, retrying once on a network failure: the client id makes it safe.
async fn send_with_retry(api: Authed, id: ConversationId, post: &PostMessage) -> ApiResult<shared::api::Message> {
    match api.post_message(id, post).await {
        Err(f) if f.code.is_none() => api.post_message(id, post).await,
        other => other,
    }
}
