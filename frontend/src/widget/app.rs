//! The chat a visitor sees in the frame: greeting, thread, composer with files,
//! agent typing and name, the contact-form bot, the offline form, and a polite
//! refusal for banned visitors.

use crate::chat::{self, BOT_DONE, Chat};
use crate::client::{self, Failure};
use crate::composer::Composer;
use crate::contact_form::ContactForm;
use crate::host::{self, ContactInput, HostCommand};
use crate::session;
use crate::socket::Socket;
use crate::thread::MessageBubble;
use crate::wire::Frame;
use crate::words::words;
use leptos::prelude::*;
use shared::api::{AskContact, WidgetConfig};
use shared::frames::VisitorClientFrame;

/// The whole frame.
#[component]
pub fn WidgetApp() -> impl IntoView {
    let key = chat::site_key();
    // A plain signal rather than a resource: the async view machinery costs the
    // small bundle more than it gives here.
    let config = RwSignal::new(None::<Result<WidgetConfig, Failure>>);
    leptos::task::spawn_local(async move { config.set(Some(client::config(&key).await)) });
    move || match config.get() {
        Some(Ok(config)) => view! { <ChatFrame config=config/> }.into_any(),
        Some(Err(_)) => view! { <p class="unavailable">"—"</p> }.into_any(),
        None => ().into_any(),
    }
}

/// What the server pushes, applied to the chat.
fn on_frame(chat: Chat, frame: Frame) {
    match frame {
        Frame::Ready { team_online, .. } => chat.team_online.set(team_online),
        Frame::TeamOnline(online) => chat.team_online.set(online),
        Frame::Message { seq, message } => {
            chat.saw(seq);
            chat::receive(chat, message);
        }
        Frame::Typing { typing, name } => chat.agent_typing.set(typing.then_some(name)),
        Frame::Conversation { seq, closed, agent_name } => {
            chat.saw(seq);
            chat::offer_rating(chat, closed);
            if agent_name.is_some() {
                chat.agent_name.set(agent_name);
            }
        }
        Frame::Deleted { seq } => {
            chat.saw(seq);
            chat.messages.set(Vec::new());
        }
        Frame::ReloadRequired => chat::load_thread(chat),
        Frame::Error { code } => {
            if code == "contact_banned" {
                chat.banned.set(true);
            }
        }
    }
}

/// Starts the chat: the visitor (their token kept across pages and visits, or a
/// new one), signed in first if the site said who they are, then the thread and
/// the socket.
fn begin(chat: Chat, pending_contact: StoredValue<Option<ContactInput>>) {
    leptos::task::spawn_local(async move {
        let (visitor, thread) = match session::resume(&chat::site_key(), chat.page.get_untracked()).await {
            Ok(started) => started,
            // A blocked address: the banned notice says so.
            Err(f) => return chat.banned.set(f.code == Some(shared::ErrorCode::ContactBanned)),
        };
        chat.visitor.set(Some(visitor.clone()));
        if let Some(contact) = pending_contact.get_value() {
            pending_contact.set_value(None);
            chat::set_contact(chat, visitor.clone(), contact).await;
        }
        let Some(current) = chat.visitor.get_untracked() else { return };
        match thread {
            Some(thread) if current == visitor => chat::show_thread(chat, thread),
            // Signed in as someone else: `set_contact` loaded their thread.
            Some(_) => {}
            None => chat::load_thread(chat),
        }
        let socket = Socket::start(
            current.token,
            move |frame| on_frame(chat, frame),
            move || {
                if let (Some(socket), Some(url)) = (chat.socket.get_value(), chat.page.get_untracked()) {
                    socket.send(&VisitorClientFrame::Page { url });
                }
            },
        );
        chat.socket.set_value(Some(socket));
    });
}

/// The site's logout: forget the visitor here and on the server, start afresh.
fn reset(chat: Chat, ask: AskContact, started: bool) {
    session::reset(chat.visitor.get_untracked());
    client::forget(BOT_DONE);
    chat.visitor.set(None);
    chat.messages.set(Vec::new());
    chat.has_email.set(false);
    chat.bot.set(ask == AskContact::Before);
    chat.set_unread(0);
    chat.agent_name.set(None);
    chat.agent_typing.set(None);
    chat::offer_rating(chat, false);
    if started {
        leptos::task::spawn_local(async move {
            if let Ok(visitor) = session::start(&chat::site_key(), chat.page.get_untracked()).await {
                chat::switch_to(chat, visitor, false);
            }
        });
    }
}

/// Follows the host page's commands; in a host page, the chat starts once the
/// loader has said what it knows (its first page).
fn follow_host(chat: Chat, config: &WidgetConfig) {
    let ask = config.ask_contact;
    let pending_contact = StoredValue::new(None::<ContactInput>);
    let started = StoredValue::new(!host::embedded());
    if !host::embedded() {
        begin(chat, pending_contact);
    }
    host::listen(config.allowed_origins.clone(), move |command| match command {
        HostCommand::Open => {
            chat.open.set(true);
            chat.set_unread(0);
            focus_input();
        }
        HostCommand::Close => chat.open.set(false),
        HostCommand::Page(url) => {
            chat.page.set(Some(url.clone()));
            if !started.get_value() {
                started.set_value(true);
                begin(chat, pending_contact);
            } else if let Some(socket) = chat.socket.get_value() {
                socket.send(&VisitorClientFrame::Page { url });
            }
        }
        HostCommand::SetContact(contact) => match chat.visitor.get_untracked() {
            Some(visitor) => leptos::task::spawn_local(chat::set_contact(chat, visitor, contact)),
            None => pending_contact.set_value(Some(contact)),
        },
        HostCommand::Reset => {
            pending_contact.set_value(None);
            reset(chat, ask, started.get_value());
        }
    });
    host::ready();
}

fn focus_input() {
    if let Some(input) = document().get_element_by_id("widget-input")
        && let Ok(input) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(input)
    {
        let _ = input.focus();
    }
}

/// The chat's header: the team, whether it is online or who answers, the
/// transcript button (email on, an email left, something said) and the minimise button.
#[component]
fn ChatHead(chat: Chat, team: String, email: bool, minimise: Callback<()>) -> impl IntoView {
    let w = words();
    // Signal types the chat already has: each new one costs the bundle its own code.
    let note = RwSignal::new(None::<String>);
    let offer_transcript = move || email && chat.has_email.get() && !chat.messages.with(Vec::is_empty);
    let transcript = move |_| {
        let Some(visitor) = chat.visitor.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            note.set(Some(match visitor.transcript().await {
                Ok(()) => w.transcript_sent.to_owned(),
                Err(f) => f.message,
            }));
        });
    };
    let status = move || match chat.agent_name.get() {
        Some(name) => format!("{name} · {}", w.answering),
        None if chat.team_online.get() => w.online.to_owned(),
        None => w.offline_short.to_owned(),
    };
    view! {
        <header class="chat-head">
            <div>
                <h1 id="team-name">{team}</h1>
                <p class="status" id="team-status">
                    <span class=move || if chat.team_online.get() { "pip on" } else { "pip" }></span>
                    {status}
                </p>
                <p class="status" id="transcript-note" role="status">{move || note.get().unwrap_or_default()}</p>
            </div>
            // Hidden by a class rather than left out: a `Show` costs the bundle more than the button.
            <button id="transcript" class=move || if offer_transcript() { "head-button" } else { "head-button off" }
                aria-label=w.transcript title=w.transcript on:click=transcript>{crate::icons::icon(crate::icons::MAIL)}</button>
            // Only embedded in a page is there something to minimise to (known at start).
            <button id="minimise" class=if host::embedded() { "head-button" } else { "head-button off" }
                aria-label=w.minimise title=w.minimise
                on:click=move |_| minimise.run(())>{crate::icons::icon(crate::icons::MINUS)}</button>
        </header>
    }
}

#[component]
fn ChatFrame(config: WidgetConfig) -> impl IntoView {
    let w = words();
    let chat = Chat::new(config.max_upload_bytes);
    let ask = config.ask_contact;
    if ask == AskContact::Before && !chat.has_email.get_untracked() {
        chat.bot.set(true);
    }
    follow_host(chat, &config);
    let minimise = Callback::new(move |()| {
        chat.open.set(false);
        host::post_close();
    });
    view! {
        <div class="chat" style=format!("--accent:{}", config.color) on:keydown=move |ev| if ev.key() == "Escape" { minimise.run(()) }>
            <ChatHead chat=chat team=config.team_name.clone() email=config.email_enabled minimise=minimise/>
            <div class="chat-body" id="chat-body">
                <div class="bubble agent greeting" id="greeting">{config.greeting.clone()}</div>
                <Show when=move || !chat.team_online.get() && !chat.banned.get()>
                    <div class="notice offline" id="offline-notice">
                        <p>{w.offline}</p>
                        <Show when=move || !chat.has_email.get()>
                            <ContactForm chat=chat offline=true/>
                        </Show>
                    </div>
                </Show>
                <For each=move || chat.messages.get() key=|m| m.id let:m>
                    <MessageBubble m=m visitor=chat.visitor.get_untracked()/>
                </For>
                <Show when=move || chat.bot.get() && chat.team_online.get() && !chat.banned.get()>
                    <div class="bot" id="contact-bot">
                        <div class="bubble agent">{w.bot_ask}</div>
                        <ContactForm chat=chat offline=false/>
                    </div>
                </Show>
                // Closed: the rating prompt, a plain page of its own loaded only now (it keeps
                // this bundle small); the visitor's token goes in the fragment, never to a server.
                // Emptied rather than removed: a `Show` costs the bundle more than the element.
                <div class="typing" id="agent-typing">
                    {move || chat.agent_typing.get().map(|name| format!("{name} {}", w.typing)).unwrap_or_default()}
                </div>
            </div>
            <Show when=move || !chat.banned.get() fallback=move || view! {
                <div class="notice banned" id="banned-notice" role="alert">{w.banned}</div>
            }>
                <Composer chat=chat ask=ask/>
            </Show>
        </div>
    }
}
