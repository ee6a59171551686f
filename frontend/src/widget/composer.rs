//! The visitor's composer: text (Enter sends), typing signals, and files that
//! upload at once with a progress bar (over the server's limit: refused before
//! any byte is sent).

use crate::chat::{self, Chat};
use crate::session;
use crate::words::words;
use leptos::prelude::*;
use shared::api::{AskContact, VisitorMessageKind, WidgetPostMessage};
use shared::frames::VisitorClientFrame;

/// One file waiting to go with the next message.
#[derive(Clone, Debug, PartialEq)]
struct Pending {
    key: u32,
    name: String,
    progress: f64,
    id: Option<shared::AttachmentId>,
    error: Option<String>,
}

fn client_id() -> String {
    format!("w-{}-{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e12) as u64)
}

/// Sends "typing" at most every 3 seconds, and "stopped" 4 seconds after the last key.
#[derive(Clone, Copy)]
struct Typing {
    chat: Chat,
    sent_at: StoredValue<f64>,
    stop: StoredValue<Option<TimeoutHandle>>,
}

impl Typing {
    fn new(chat: Chat) -> Self {
        Self { chat, sent_at: StoredValue::new(0.0), stop: StoredValue::new(None) }
    }

    fn send(self, typing: bool) {
        if let Some(socket) = self.chat.socket.get_value() {
            socket.send(&VisitorClientFrame::Typing { typing });
        }
    }

    fn stopped(self) {
        if self.sent_at.get_value() > 0.0 {
            self.sent_at.set_value(0.0);
            self.send(false);
        }
    }

    fn typed(self) {
        let now = js_sys::Date::now();
        if now - self.sent_at.get_value() > 3000.0 {
            self.sent_at.set_value(now);
            self.send(true);
        }
        if let Some(handle) = self.stop.get_value() {
            handle.clear();
        }
        self.stop.set_value(set_timeout_with_handle(move || self.stopped(), std::time::Duration::from_secs(4)).ok());
    }
}

/// Posts `message` (once more with a renewed token if the old one ended), then
/// shows it, or puts the text back with the error.
async fn post(
    chat: Chat,
    ask: AskContact,
    message: WidgetPostMessage,
    text: RwSignal<String>,
    error: RwSignal<Option<String>>,
) {
    let Some(visitor) = chat.visitor.get_untracked() else { return };
    let first = chat.messages.with_untracked(|m| !m.iter().any(|m| m.kind == VisitorMessageKind::Visitor));
    let result = match visitor.post(&message).await {
        Err(f) if session::gone(&f) => match chat::renew(chat, visitor).await {
            Some(visitor) => visitor.post(&message).await,
            None => Err(f),
        },
        other => other,
    };
    match result {
        Ok(stored) => {
            error.set(None);
            chat::receive(chat, stored);
            if first && ask == AskContact::After && !chat.has_email.get_untracked() {
                chat.bot.set(true);
                chat::scroll_down();
            }
        }
        Err(f) if f.code == Some(shared::ErrorCode::ContactBanned) => chat.banned.set(true),
        Err(f) => {
            text.set(message.body);
            error.set(Some(f.message));
        }
    }
}

/// Starts uploading `list`, each file with its own progress.
fn upload(chat: Chat, files: RwSignal<Vec<Pending>>, next_key: StoredValue<u32>, list: Vec<web_sys::File>) {
    for file in list {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        let too_big = file.size() > chat.max_upload_bytes as f64;
        let limit = frontend::files::human_size(chat.max_upload_bytes as f64);
        let error = too_big.then(|| format!("{} {limit}", words().too_large));
        files.update(|f| f.push(Pending { key, name: file.name(), progress: 0.0, id: None, error }));
        let Some(visitor) = chat.visitor.get_untracked().filter(|_| !too_big) else { continue };
        leptos::task::spawn_local(async move {
            let change = move |f: &mut dyn FnMut(&mut Pending)| {
                files.update(|list| list.iter_mut().filter(|p| p.key == key).for_each(&mut *f));
            };
            let progress = move |p: f64| change(&mut |x: &mut Pending| x.progress = p);
            match crate::files::upload("/api/v1/widget/attachments", &visitor.token, &file, progress).await {
                Ok(a) => change(&mut |x: &mut Pending| {
                    x.progress = 1.0;
                    x.id = Some(a.id);
                }),
                Err(e) => change(&mut |x: &mut Pending| x.error = Some(e.message.clone())),
            }
        });
    }
}

#[component]
pub fn Composer(chat: Chat, ask: AskContact) -> impl IntoView {
    let w = words();
    let text = RwSignal::new(String::new());
    let files = RwSignal::new(Vec::<Pending>::new());
    let error = RwSignal::new(None::<String>);
    let next_key = StoredValue::new(0u32);
    let typing = Typing::new(chat);
    let file_input = NodeRef::<leptos::html::Input>::new();
    let busy = move || files.with(|f| f.iter().any(|p| p.id.is_none() && p.error.is_none()));

    let send = move || {
        let body = text.get_untracked().trim().to_owned();
        let attachment_ids: Vec<_> = files.with_untracked(|f| f.iter().filter_map(|p| p.id).collect());
        if busy() || body.is_empty() && attachment_ids.is_empty() || chat.visitor.with_untracked(Option::is_none) {
            return;
        }
        text.set(String::new());
        files.set(Vec::new());
        typing.stopped();
        let message = WidgetPostMessage { body, client_id: client_id(), attachment_ids };
        leptos::task::spawn_local(post(chat, ask, message, text, error));
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        text.set(event_target_value(&ev));
        typing.typed();
    };
    view! {
        <div class="composer">
            <ul class="pending" id="widget-uploads">
                <For each=move || files.get() key=|p| (p.key, (p.progress * 100.0) as u32, p.id, p.error.clone()) let:p>
                    <li class="pending-file" class:failed=p.error.is_some() class:done=p.id.is_some()>
                        <span class="file-name">{p.name.clone()}</span>
                        {match p.error.clone() {
                            Some(e) => view! { <span class="error">{e}</span> }.into_any(),
                            None => view! { <progress max="100" value=((p.progress * 100.0).round() as u32).to_string()></progress> }.into_any(),
                        }}
                        <button class="remove" aria-label=w.remove
                            on:click=move |_| files.update(|f| f.retain(|x| x.key != p.key))>"×"</button>
                    </li>
                </For>
            </ul>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            <div class="compose-row">
                <button class="attach" aria-label=w.attach title=w.attach
                    on:click=move |_| if let Some(input) = file_input.get() { input.click() }>{crate::icons::icon(crate::icons::CLIP)}</button>
                <input type="file" multiple id="widget-file" class="hidden" node_ref=file_input on:change=move |ev| {
                    let input: web_sys::HtmlInputElement = event_target(&ev);
                    upload(chat, files, next_key, crate::files::files_of(input.files()));
                    input.set_value("");
                }/>
                <textarea id="widget-input" rows="1" placeholder=w.placeholder aria-label=w.placeholder
                    prop:value=move || text.get() on:input=on_input on:keydown=on_keydown></textarea>
                <button id="widget-send" class="send" aria-label=w.send
                    disabled=busy on:click=move |_| send()>{crate::icons::icon(crate::icons::SEND)}</button>
            </div>
        </div>
    }
}
