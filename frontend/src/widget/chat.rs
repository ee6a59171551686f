//! The chat's state and what happens to it: messages arriving, the thread
//! loading, the visitor changing (signed in, reset, a token replaced) and the
//! host page's `setContact`.

use crate::client::{self, Failure, Visitor};
use crate::host::{self, ContactInput};
use crate::session;
use crate::socket::Socket;
use crate::wire::{ChatMessage, Thread};
use crate::words::words;
use leptos::prelude::*;
use shared::api::VisitorMessageKind;

/// Remembers that the contact-form bot is done with this visitor.
pub const BOT_DONE: &str = "natter.bot";

/// The chat's state (cheap to copy: signals and a stored socket).
#[derive(Clone, Copy)]
pub struct Chat {
    pub visitor: RwSignal<Option<Visitor>>,
    pub messages: RwSignal<Vec<ChatMessage>>,
    pub team_online: RwSignal<bool>,
    pub agent_name: RwSignal<Option<String>>,
    pub agent_typing: RwSignal<Option<String>>,
    pub banned: RwSignal<bool>,
    pub open: RwSignal<bool>,
    pub unread: RwSignal<u32>,
    /// The contact-form bot: waiting for an answer.
    pub bot: RwSignal<bool>,
    /// The visitor left an email (bot, offline form or `setContact`).
    pub has_email: RwSignal<bool>,
    pub page: RwSignal<Option<String>>,
    pub socket: StoredValue<Option<Socket>, LocalStorage>,
    /// Largest file the server takes, in bytes.
    pub max_upload_bytes: u64,
}

impl Chat {
    pub fn new(max_upload_bytes: u64) -> Self {
        Self {
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
            max_upload_bytes,
        }
    }

    /// Notes a sequence number the socket saw, to resume after it.
    pub fn saw(&self, seq: i64) {
        if let Some(socket) = self.socket.get_value() {
            socket.saw(seq);
        }
    }

    /// Sets the unread count and tells the loader (for the bubble's badge).
    pub fn set_unread(&self, count: u32) {
        self.unread.set(count);
        host::post_unread(count);
    }
}

/// The site key, from the frame's query.
pub fn site_key() -> String {
    let search = window().location().search().unwrap_or_default();
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("site_key="))
        .map(|v| js_sys::decode_uri_component(v).map(String::from).unwrap_or_default())
        .unwrap_or_default()
}

/// Scrolls the thread to its end once the page has drawn.
pub fn scroll_down() {
    request_animation_frame(|| {
        if let Some(body) = document().get_element_by_id("chat-body") {
            body.set_scroll_top(body.scroll_height());
        }
    });
}

/// A message arrived (live or as an ack): show it once, count and chime for replies.
pub fn receive(chat: Chat, message: ChatMessage) {
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
            chat.set_unread(chat.unread.get_untracked() + 1);
        }
    }
    host::post_chat_message(&message);
}

/// Loads the visitor's thread; a token that stopped working is replaced quietly.
pub fn load_thread(chat: Chat) {
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

pub fn show_thread(chat: Chat, thread: Thread) {
    chat.banned.set(thread.banned);
    offer_rating(chat, thread.closed);
    if let Some(name) = thread.messages.iter().rev().find_map(|m| m.author_name.clone()) {
        chat.agent_name.set(Some(name));
    }
    chat.messages.update(|list| {
        for m in thread.messages {
            if !list.iter().any(|x| x.id == m.id) {
                // In time order, without a sort routine in the bundle.
                let at = list.iter().position(|x| x.created_at > m.created_at).unwrap_or(list.len());
                list.insert(at, m);
            }
        }
    });
}

/// Chats as `visitor` from now on (signed in, reset, or a token replaced).
pub fn switch_to(chat: Chat, visitor: Visitor, load: bool) {
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
pub async fn renew(chat: Chat, failed: Visitor) -> Option<Visitor> {
    if chat.visitor.get_untracked().as_ref() != Some(&failed) {
        return chat.visitor.get_untracked();
    }
    let (visitor, load) = session::renew(&failed, &site_key(), chat.page.get_untracked()).await.ok()?;
    switch_to(chat, visitor.clone(), load);
    Some(visitor)
}

/// `setContact` from the host page: a signed identity first, then the fields.
pub async fn set_contact(chat: Chat, visitor: Visitor, contact: ContactInput) {
    let mut visitor = visitor;
    if let Some(identity) = &contact.identity {
        match session::sign_in(&visitor, identity).await {
            Ok(signed) if signed != visitor => {
                switch_to(chat, signed.clone(), true);
                visitor = signed;
            }
            Ok(_) => {}
            Err(f) if f.code == Some(shared::ErrorCode::ContactBanned) => chat.banned.set(true),
            Err(f) => warn("identity refused", &f),
        }
    }
    let Some(change) = contact.change else { return };
    match visitor.update_contact(change).await {
        Ok(updated) => {
            if updated.email.is_some() {
                chat.has_email.set(true);
                chat.bot.set(false);
            }
        }
        Err(f) => warn("setContact refused", &f),
    }
}

/// A note for the site's developer, in the console.
pub fn warn(what: &str, failure: &Failure) {
    web_sys::console::warn_1(&format!("natter: {what}: {}", failure.message).into());
}

/// Shows the rating prompt under a closed conversation, or takes it away: a
/// plain page of its own (`/widget/rating`, the token in its fragment, never
/// sent), in a frame added by hand — as a reactive view it costs the bundle
/// over a kilobyte.
pub fn offer_rating(chat: Chat, closed: bool) {
    let document = document();
    let shown = document.get_element_by_id("rating-frame");
    match (closed && !chat.banned.get_untracked(), shown, chat.visitor.get_untracked()) {
        (false, Some(frame), _) => frame.remove(),
        (true, None, Some(visitor)) => {
            let (Some(body), Ok(frame)) = (document.get_element_by_id("chat-body"), document.create_element("iframe"))
            else {
                return;
            };
            for (name, value) in [
                ("id", "rating-frame"),
                ("class", "rating-frame"),
                ("title", words().rate),
                ("src", &format!("/widget/rating#{}", visitor.token)),
            ] {
                let _ = frame.set_attribute(name, value);
            }
            let _ = body.append_with_node_1(&frame);
            frame.scroll_into_view();
        }
        _ => {}
    }
}
