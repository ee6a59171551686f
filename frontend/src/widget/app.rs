//! The chat a visitor sees in the frame: greeting, thread, composer with files,
//! agent typing and name, the contact-form bot, the offline form, and a polite
//! refusal for banned visitors.

use crate::client::{self, Failure, Visitor};
use crate::host::{self, HostCommand};
use crate::i18n::*;
use crate::icons;
use crate::session;
use crate::socket::Socket;
use leptos::prelude::*;
use serde_json::{Value, json};
use shared::api::{
    AskContact, Attachment, VisitorMessage, VisitorMessageKind, WidgetConfig, WidgetContactUpdate, WidgetConversation,
    WidgetPostMessage,
};
use shared::frames::{VisitorClientFrame, VisitorServerFrame};
use shared::limits::DEFAULT_MAX_UPLOAD_BYTES;

const BOT_DONE: &str = "natter.bot";

/// The chat's state.
#[derive(Clone, Copy)]
struct Chat {
    visitor: RwSignal<Option<Visitor>>,
    messages: RwSignal<Vec<VisitorMessage>>,
    team_online: RwSignal<bool>,
    agent_name: RwSignal<Option<String>>,
    agent_typing: RwSignal<Option<String>>,
    banned: RwSignal<bool>,
    open: RwSignal<bool>,
    unread: RwSignal<u32>,
    /// The contact-form bot: waiting for an answer.
    bot: RwSignal<bool>,
    /// The visitor left an email (bot, offline form or `setContact`).
    has_email: RwSignal<bool>,
    page: RwSignal<Option<String>>,
    socket: StoredValue<Option<Socket>, LocalStorage>,
}

fn site_key() -> String {
    let search = window().location().search().unwrap_or_default();
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("site_key="))
        .map(|v| js_sys::decode_uri_component(v).map(String::from).unwrap_or_default())
        .unwrap_or_default()
}

fn client_id() -> String {
    format!("w-{}-{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e12) as u64)
}

/// The whole frame.
#[component]
pub fn WidgetApp() -> impl IntoView {
    let key = site_key();
    // A plain signal rather than a resource: the async view machinery costs the
    // small bundle more than it gives here.
    let config = RwSignal::new(None::<Result<WidgetConfig, Failure>>);
    leptos::task::spawn_local(async move { config.set(Some(client::config(&key).await)) });
    move || match config.get() {
        Some(Ok(config)) => view! { <Chat config=config/> }.into_any(),
        Some(Err(_)) => view! { <p class="unavailable">"—"</p> }.into_any(),
        None => ().into_any(),
    }
}

#[component]
fn Chat(config: WidgetConfig) -> impl IntoView {
    let i18n = use_i18n();
    let chat = Chat {
        visitor: RwSignal::new(None),
        messages: RwSignal::new(Vec::new()),
        team_online: RwSignal::new(true),
        agent_name: RwSignal::new(None),
        agent_typing: RwSignal::new(None),
        banned: RwSignal::new(false),
        open: RwSignal::new(!host::embedded()),
        unread: RwSignal::new(0),
        bot: RwSignal::new(false),
        has_email: RwSignal::new(client::remembered(BOT_DONE).is_some()),
        page: RwSignal::new(None),
        socket: StoredValue::new_local(None),
    };
    let ask = config.ask_contact;
    if ask == AskContact::Before && !chat.has_email.get_untracked() {
        chat.bot.set(true);
    }
    let socket_slot = chat.socket;
    let pending_contact = StoredValue::new(None::<Value>);

    let on_frame = move |frame: VisitorServerFrame| match frame {
        VisitorServerFrame::Ready { team_online, .. } => chat.team_online.set(team_online),
        VisitorServerFrame::TeamOnline { online } => chat.team_online.set(online),
        VisitorServerFrame::Message { seq, message, .. } => {
            if let Some(socket) = socket_slot.get_value() {
                socket.saw(seq);
            }
            receive(chat, message);
        }
        VisitorServerFrame::Ack { seq, message, .. } => {
            if let Some(socket) = socket_slot.get_value() {
                socket.saw(seq);
            }
            receive(chat, message);
        }
        VisitorServerFrame::Typing { typing, name } => chat.agent_typing.set(typing.then_some(name)),
        VisitorServerFrame::Conversation { seq, agent_name, .. } => {
            if let Some(socket) = socket_slot.get_value() {
                socket.saw(seq);
            }
            if agent_name.is_some() {
                chat.agent_name.set(agent_name);
            }
        }
        VisitorServerFrame::Deleted { seq, .. } => {
            if let Some(socket) = socket_slot.get_value() {
                socket.saw(seq);
            }
            chat.messages.set(Vec::new());
        }
        VisitorServerFrame::ReloadRequired { .. } => load_thread(chat),
        VisitorServerFrame::Error { code, .. } => {
            if code == shared::ErrorCode::ContactBanned {
                chat.banned.set(true);
            }
        }
    };

    let apply_contact = move |contact: Value| {
        let Some(visitor) = chat.visitor.get_untracked() else {
            pending_contact.set_value(Some(contact));
            return;
        };
        leptos::task::spawn_local(set_contact(chat, visitor, contact));
    };

    // Start: the visitor (their token kept across pages and visits, or a new one),
    // signed in first if the site says who they are, then the thread and the socket.
    let started = StoredValue::new(false);
    let begin = move || {
        started.set_value(true);
        leptos::task::spawn_local(async move {
            let Ok((visitor, thread)) = session::resume(&site_key(), chat.page.get_untracked()).await else { return };
            chat.visitor.set(Some(visitor.clone()));
            if let Some(contact) = pending_contact.get_value() {
                pending_contact.set_value(None);
                set_contact(chat, visitor.clone(), contact).await;
            }
            let Some(current) = chat.visitor.get_untracked() else { return };
            match thread {
                Some(thread) if current == visitor => show_thread(chat, thread),
                // Signed in as someone else: `set_contact` loaded their thread.
                Some(_) => {}
                None => load_thread(chat),
            }
            let socket = Socket::start(current.token, on_frame, move || {
                if let (Some(socket), Some(url)) = (socket_slot.get_value(), chat.page.get_untracked()) {
                    socket.send(&VisitorClientFrame::Page { url });
                }
            });
            socket_slot.set_value(Some(socket));
        });
    };
    // In a host page, start once the loader has said what it knows (its first page).
    if !host::embedded() {
        begin();
    }

    host::listen(config.allowed_origins.clone(), move |command| match command {
        HostCommand::Open => {
            chat.open.set(true);
            chat.unread.set(0);
            host::post(json!({ "natter": 1, "type": "unread", "count": 0 }));
            focus_input();
        }
        HostCommand::Close => chat.open.set(false),
        HostCommand::Page(url) => {
            chat.page.set(Some(url.clone()));
            if !started.get_value() {
                begin();
            } else if let Some(socket) = socket_slot.get_value() {
                socket.send(&VisitorClientFrame::Page { url });
            }
        }
        HostCommand::SetContact(contact) => apply_contact(contact),
        HostCommand::Reset => {
            pending_contact.set_value(None);
            session::reset(chat.visitor.get_untracked());
            client::forget(BOT_DONE);
            chat.visitor.set(None);
            chat.messages.set(Vec::new());
            chat.has_email.set(false);
            chat.bot.set(ask == AskContact::Before);
            chat.unread.set(0);
            host::post(json!({ "natter": 1, "type": "unread", "count": 0 }));
            chat.agent_name.set(None);
            chat.agent_typing.set(None);
            if started.get_value() {
                leptos::task::spawn_local(async move {
                    if let Ok(visitor) = session::start(&site_key(), chat.page.get_untracked()).await {
                        switch_to(chat, visitor, false);
                    }
                });
            }
        }
    });
    host::ready();

    let color = config.color.clone();
    let team = config.team_name.clone();
    let greeting = config.greeting.clone();
    let minimise = move |_| {
        chat.open.set(false);
        host::post(json!({ "natter": 1, "type": "close" }));
    };
    let answering = move || chat.agent_name.get().map(|name| format!("{name} · {}", t_string!(i18n, widget.answering)));
    view! {
        <div class="chat" style=format!("--accent:{color}") on:keydown=move |ev| if ev.key() == "Escape" { minimise(()) }>
            <header class="chat-head">
                <div>
                    <h1 id="team-name">{team}</h1>
                    <p class="status" id="team-status">
                        <span class=move || if chat.team_online.get() { "pip on" } else { "pip" }></span>
                        {move || answering().unwrap_or_else(|| if chat.team_online.get() {
                            t_string!(i18n, widget.online).to_owned()
                        } else {
                            t_string!(i18n, widget.offline_short).to_owned()
                        })}
                    </p>
                </div>
                <Show when=host::embedded>
                    <button id="minimise" class="head-button" aria-label=move || t_string!(i18n, widget.minimise)
                        title=move || t_string!(i18n, widget.minimise) on:click=move |_| minimise(())>{icons::icon(icons::MINUS)}</button>
                </Show>
            </header>
            <div class="chat-body" id="chat-body">
                <div class="bubble agent greeting" id="greeting">{greeting}</div>
                <Show when=move || !chat.team_online.get() && !chat.banned.get()>
                    <div class="notice offline" id="offline-notice">
                        <p>{t!(i18n, widget.offline)}</p>
                        <Show when=move || !chat.has_email.get()>
                            <ContactForm chat=chat offline=true/>
                        </Show>
                    </div>
                </Show>
                <For each=move || chat.messages.get() key=|m| m.id let:m>
                    <MessageBubble m=m chat=chat/>
                </For>
                <Show when=move || chat.bot.get() && chat.team_online.get() && !chat.banned.get()>
                    <div class="bot" id="contact-bot">
                        <div class="bubble agent">{t!(i18n, widget.bot_ask)}</div>
                        <ContactForm chat=chat offline=false/>
                    </div>
                </Show>
                <Show when=move || chat.agent_typing.with(Option::is_some)>
                    <div class="typing" id="agent-typing">
                        {move || format!("{} {}", chat.agent_typing.get().unwrap_or_default(), t_string!(i18n, widget.typing))}
                    </div>
                </Show>
            </div>
            <Show when=move || !chat.banned.get() fallback=move || view! {
                <div class="notice banned" id="banned-notice" role="alert">{t!(i18n, widget.banned)}</div>
            }>
                <Composer chat=chat ask=ask/>
            </Show>
        </div>
    }
}

fn focus_input() {
    if let Some(input) = document().get_element_by_id("widget-input")
        && let Ok(input) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(input)
    {
        let _ = input.focus();
    }
}

fn scroll_down() {
    request_animation_frame(|| {
        if let Some(body) = document().get_element_by_id("chat-body") {
            body.set_scroll_top(body.scroll_height());
        }
    });
}

/// A message arrived (live or as an ack): show it once, count and chime for replies.
fn receive(chat: Chat, message: VisitorMessage) {
    let mut added = false;
    chat.messages.update(|list| {
        if !list.iter().any(|m| m.id == message.id) {
            list.push(message.clone());
            added = true;
        }
    });
    if !added {
        return;
    }
    scroll_down();
    if message.kind == VisitorMessageKind::Agent {
        chat.agent_typing.set(None);
        if message.author_name.is_some() {
            chat.agent_name.set(message.author_name.clone());
        }
        crate::sound::chime();
        if !chat.open.get_untracked() {
            chat.unread.update(|n| *n += 1);
            host::post(json!({ "natter": 1, "type": "unread", "count": chat.unread.get_untracked() }));
        }
    }
    let kind = if message.kind == VisitorMessageKind::Agent { "agent" } else { "visitor" };
    host::post_chat_message(json!({
        "id": message.id.to_string(), "kind": kind, "body": message.body, "author_name": message.author_name,
        "created_at": message.created_at.to_rfc3339(),
    }));
}

/// Loads the visitor's thread; a token that stopped working is replaced quietly.
fn load_thread(chat: Chat) {
    let Some(visitor) = chat.visitor.get_untracked() else { return };
    leptos::task::spawn_local(async move {
        match visitor.conversation().await {
            // A thread for whom we no longer are (signed in or reset meanwhile) is dropped.
            Ok(thread) if chat.visitor.get_untracked().as_ref() == Some(&visitor) => show_thread(chat, thread),
            Err(f) if session::gone(&f) => {
                renew(chat, visitor).await;
            }
            _ => {}
        }
    });
}

fn show_thread(chat: Chat, thread: WidgetConversation) {
    chat.banned.set(thread.banned);
    if let Some(name) = thread.messages.iter().rev().find_map(|m| m.author_name.clone()) {
        chat.agent_name.set(Some(name));
    }
    chat.messages.update(|list| {
        for m in thread.messages {
            if !list.iter().any(|x| x.id == m.id) {
                list.push(m);
            }
        }
        list.sort_by_key(|m| m.created_at);
    });
}

/// Chats as `visitor` from now on (signed in, reset, or a token replaced).
fn switch_to(chat: Chat, visitor: Visitor, load: bool) {
    chat.visitor.set(Some(visitor.clone()));
    chat.messages.set(Vec::new());
    chat.banned.set(false);
    if let Some(socket) = chat.socket.get_value() {
        socket.replace_token(visitor.token);
    }
    if load {
        load_thread(chat);
    }
}

/// Replaces a token that stopped working (expired, or ended by another tab) and
/// returns the visitor to chat as now.
async fn renew(chat: Chat, failed: Visitor) -> Option<Visitor> {
    if chat.visitor.get_untracked().as_ref() != Some(&failed) {
        return chat.visitor.get_untracked();
    }
    let (visitor, load) = session::renew(&failed, &site_key(), chat.page.get_untracked()).await.ok()?;
    switch_to(chat, visitor.clone(), load);
    Some(visitor)
}

/// `setContact` from the host page: a signed identity first, then the fields.
async fn set_contact(chat: Chat, visitor: Visitor, contact: Value) {
    let mut visitor = visitor;
    if let Some(identity) = session::identity(&contact) {
        match session::sign_in(&visitor, &identity).await {
            Ok(signed) if signed != visitor => {
                switch_to(chat, signed.clone(), true);
                visitor = signed;
            }
            Ok(_) => {}
            Err(f) if f.code == Some(shared::ErrorCode::ContactBanned) => chat.banned.set(true),
            Err(f) => web_sys::console::warn_1(&format!("natter: identity refused: {}", f.message).into()),
        }
    }
    let text = |key: &str| contact[key].as_str().map(str::to_owned);
    let attributes = contact["attributes"].as_object().cloned();
    let change = WidgetContactUpdate { name: text("name"), email: text("email"), phone: text("phone"), attributes };
    if change.name.is_some() || change.email.is_some() || change.phone.is_some() || change.attributes.is_some() {
        match visitor.update_contact(&change).await {
            Ok(updated) => {
                if updated.email.is_some() {
                    chat.has_email.set(true);
                    chat.bot.set(false);
                }
            }
            Err(f) => web_sys::console::warn_1(&format!("natter: setContact refused: {}", f.message).into()),
        }
    }
}

#[component]
fn MessageBubble(m: VisitorMessage, chat: Chat) -> impl IntoView {
    let mine = m.kind == VisitorMessageKind::Visitor;
    let author = (!mine).then(|| m.author_name.clone()).flatten();
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(m.created_at.timestamp_millis() as f64));
    let time = format!("{:02}:{:02}", date.get_hours(), date.get_minutes());
    view! {
        <div class=if mine { "row mine" } else { "row theirs" } data-kind=if mine { "visitor" } else { "agent" }>
            {author.map(|a| view! { <span class="author">{a}</span> })}
            <div class=if mine { "bubble visitor" } else { "bubble agent" }>
                <div class="text" inner_html=m.html.clone()></div>
                {m.attachments.into_iter().map(|a| view! { <FileView a=a chat=chat/> }).collect_view()}
            </div>
            <time class="time">{time}</time>
        </div>
    }
}

#[component]
fn FileView(a: Attachment, chat: Chat) -> impl IntoView {
    let url = a.url.clone();
    let source = RwSignal::new(None::<String>);
    if let Some(visitor) = chat.visitor.get_untracked() {
        leptos::task::spawn_local(async move { source.set(visitor.object_url(&url).await.ok()) });
    }
    let name = a.filename.clone();
    let inline = a.inline;
    view! {
        <div class="file">
            {move || match (source.get(), inline) {
                (Some(src), true) => view! { <img class="preview" src=src alt=name.clone()/> }.into_any(),
                (Some(src), false) => view! { <a href=src download=name.clone()>{name.clone()}</a> }.into_any(),
                (None, _) => view! { <span>{name.clone()}</span> }.into_any(),
            }}
        </div>
    }
}

/// Name and email: the contact-form bot's question, or the offline form.
#[component]
fn ContactForm(chat: Chat, offline: bool) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let done = move || {
        client::remember(BOT_DONE, "1");
        chat.bot.set(false);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let address = email.get_untracked().trim().to_owned();
        let plausible =
            address.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.ends_with('.'));
        if !plausible {
            error.set(Some(t_string!(i18n, widget.bad_email).to_owned()));
            return;
        }
        let Some(visitor) = chat.visitor.get_untracked() else { return };
        let who = name.get_untracked().trim().to_owned();
        let change = WidgetContactUpdate {
            name: (!who.is_empty()).then_some(who),
            email: Some(address),
            phone: None,
            attributes: None,
        };
        leptos::task::spawn_local(async move {
            match visitor.update_contact(&change).await {
                Ok(_) => {
                    chat.has_email.set(true);
                    done();
                }
                Err(f) => error.set(Some(f.message)),
            }
        });
    };
    let id = if offline { "offline-form" } else { "bot-form" };
    view! {
        <form class="contact-form" id=id on:submit=submit novalidate>
            <input type="text" name="name" autocomplete="name" placeholder=move || t_string!(i18n, widget.name) bind:value=name/>
            <input type="email" name="email" autocomplete="email" required placeholder=move || t_string!(i18n, widget.email) bind:value=email/>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            <div class="form-buttons">
                {(!offline).then(|| view! {
                    <button type="button" class="skip" on:click=move |_| done()>{t!(i18n, widget.skip)}</button>
                })}
                <button type="submit" class="send-details">{t!(i18n, widget.save)}</button>
            </div>
        </form>
    }
}

/// One file waiting to go with the next message.
#[derive(Clone, Debug, PartialEq)]
struct Pending {
    key: u32,
    name: String,
    progress: f64,
    id: Option<shared::AttachmentId>,
    error: Option<String>,
}

#[component]
fn Composer(chat: Chat, ask: AskContact) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let files = RwSignal::new(Vec::<Pending>::new());
    let error = RwSignal::new(None::<String>);
    let next_key = StoredValue::new(0u32);
    let typing_at = StoredValue::new(0f64);
    let typing_stop = StoredValue::new(None::<TimeoutHandle>);
    let stop_typing = move || {
        if typing_at.get_value() > 0.0 {
            typing_at.set_value(0.0);
            if let Some(socket) = chat.socket.get_value() {
                socket.send(&VisitorClientFrame::Typing { typing: false });
            }
        }
    };
    let file_input = NodeRef::<leptos::html::Input>::new();
    let busy = move || files.with(|f| f.iter().any(|p| p.id.is_none() && p.error.is_none()));

    let send = move || {
        if busy() {
            return;
        }
        let body = text.get_untracked().trim().to_owned();
        let attachment_ids: Vec<_> = files.with_untracked(|f| f.iter().filter_map(|p| p.id).collect());
        if body.is_empty() && attachment_ids.is_empty() {
            return;
        }
        let Some(visitor) = chat.visitor.get_untracked() else { return };
        let first = chat.messages.with_untracked(|m| !m.iter().any(|m| m.kind == VisitorMessageKind::Visitor));
        let message = WidgetPostMessage { body, client_id: client_id(), attachment_ids };
        text.set(String::new());
        files.set(Vec::new());
        stop_typing();
        leptos::task::spawn_local(async move {
            let result = match visitor.post(&message).await {
                Err(f) if session::gone(&f) => match renew(chat, visitor).await {
                    Some(visitor) => visitor.post(&message).await,
                    None => Err(f),
                },
                other => other,
            };
            match result {
                Ok(stored) => {
                    error.set(None);
                    receive(chat, stored);
                    if first && ask == AskContact::After && !chat.has_email.get_untracked() {
                        chat.bot.set(true);
                        scroll_down();
                    }
                }
                Err(f) if f.code == Some(shared::ErrorCode::ContactBanned) => chat.banned.set(true),
                Err(f) => {
                    text.set(message.body);
                    error.set(Some(f.message));
                }
            }
        });
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        text.set(event_target_value(&ev));
        let now = js_sys::Date::now();
        if now - typing_at.get_value() > 3000.0 {
            typing_at.set_value(now);
            if let Some(socket) = chat.socket.get_value() {
                socket.send(&VisitorClientFrame::Typing { typing: true });
            }
        }
        if let Some(handle) = typing_stop.get_value() {
            handle.clear();
        }
        typing_stop.set_value(set_timeout_with_handle(stop_typing, std::time::Duration::from_secs(4)).ok());
    };
    let add = move |list: Vec<web_sys::File>| {
        for file in list {
            let key = next_key.get_value();
            next_key.set_value(key + 1);
            let too_big = file.size() > DEFAULT_MAX_UPLOAD_BYTES as f64;
            let error = too_big.then(|| t_string!(i18n, widget.too_large).to_owned());
            files.update(|f| f.push(Pending { key, name: file.name(), progress: 0.0, id: None, error }));
            if too_big {
                continue;
            }
            let Some(visitor) = chat.visitor.get_untracked() else { continue };
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
    };
    view! {
        <div class="composer">
            <ul class="pending" id="widget-uploads">
                <For each=move || files.get() key=|p| (p.key, (p.progress * 100.0) as u32, p.id, p.error.clone()) let:p>
                    <li class="pending-file" class:failed=p.error.is_some() class:done=p.id.is_some()>
                        <span class="file-name">{p.name.clone()}</span>
                        {match p.error.clone() {
                            Some(e) => view! { <span class="error">{e}</span> }.into_any(),
                            None => view! { <progress max="100" value=(p.progress * 100.0).round().to_string()></progress> }.into_any(),
                        }}
                        <button class="remove" aria-label=move || t_string!(i18n, widget.remove)
                            on:click=move |_| files.update(|f| f.retain(|x| x.key != p.key))>"×"</button>
                    </li>
                </For>
            </ul>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            <div class="compose-row">
                <button class="attach" aria-label=move || t_string!(i18n, widget.attach) title=move || t_string!(i18n, widget.attach)
                    on:click=move |_| if let Some(input) = file_input.get() { input.click() }>{icons::icon(icons::CLIP)}</button>
                <input type="file" multiple id="widget-file" class="hidden" node_ref=file_input on:change=move |ev| {
                    let input: web_sys::HtmlInputElement = event_target(&ev);
                    add(crate::files::files_of(input.files()));
                    input.set_value("");
                }/>
                <textarea id="widget-input" rows="1" placeholder=move || t_string!(i18n, widget.placeholder)
                    aria-label=move || t_string!(i18n, widget.placeholder)
                    prop:value=move || text.get() on:input=on_input on:keydown=on_keydown></textarea>
                <button id="widget-send" class="send" aria-label=move || t_string!(i18n, widget.send)
                    disabled=busy on:click=move |_| send()>{icons::icon(icons::SEND)}</button>
            </div>
        </div>
    }
}
