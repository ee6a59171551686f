//! Talking with the host page's loader through `postMessage`: it says open,
//! close, which page the visitor is on, who they are, reset, and whether it
//! listens to messages; we report unread counts, and new messages once the site
//! subscribed (`natter('on', 'message', …)`), so other scripts on the page don't
//! read the conversation by default. Only the parent window is listened to, and
//! only when its origin is one of the widget's allowed sites; only that origin
//! is written to. Messages are plain JavaScript objects, read and made with
//! `Reflect` (no JSON library in the chat's bundle for this).

use crate::wire::ChatMessage;
use leptos::prelude::*;
use shared::api::{IdentifyVisitor, VisitorMessageKind};
use wasm_bindgen::JsValue;

/// What `setContact` asked: a signed identity, and the contact fields to change
/// (as the JSON body of `PATCH /widget/contact`).
#[derive(Clone, Debug, PartialEq)]
pub struct ContactInput {
    pub identity: Option<IdentifyVisitor>,
    pub change: Option<String>,
}

/// What the host page asks.
#[derive(Clone, Debug, PartialEq)]
pub enum HostCommand {
    Open,
    Close,
    /// The page the visitor is on; the loader's first one ends its greeting.
    Page(String),
    SetContact(ContactInput),
    /// Forget the visitor (the site's logout).
    Reset,
}

thread_local! {
    static HOST_ORIGIN: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
    static SUBSCRIBED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn parent() -> Option<web_sys::Window> {
    let window = web_sys::window()?;
    let parent = window.parent().ok().flatten()?;
    (parent != window).then_some(parent)
}

/// Whether the chat runs inside a host page (else it was opened on its own).
pub fn embedded() -> bool {
    parent().is_some()
}

/// A `{natter: 1, type, ...fields}` message.
fn message(kind: &str, fields: &[(&str, JsValue)]) -> JsValue {
    object(&[("natter", JsValue::from_f64(1.0)), ("type", kind.into())]).tap(fields)
}

trait Tap {
    fn tap(self, fields: &[(&str, JsValue)]) -> JsValue;
}

impl Tap for JsValue {
    fn tap(self, fields: &[(&str, JsValue)]) -> JsValue {
        for (key, value) in fields {
            let _ = js_sys::Reflect::set(&self, &(*key).into(), value);
        }
        self
    }
}

/// A plain object with `fields`.
pub fn object(fields: &[(&str, JsValue)]) -> JsValue {
    JsValue::from(js_sys::Object::new()).tap(fields)
}

fn post(message: &JsValue) {
    let Some(parent) = parent() else { return };
    let Some(origin) = HOST_ORIGIN.with(|o| o.borrow().clone()) else { return };
    let _ = parent.post_message(message, &origin);
}

/// Tells the loader how many replies are unread (for the bubble's badge).
pub fn post_unread(count: u32) {
    post(&message("unread", &[("count", JsValue::from_f64(count.into()))]));
}

/// Tells the loader the visitor minimised the chat.
pub fn post_close() {
    post(&message("close", &[]));
}

/// Posts a chat message to the loader, if the site listens to them.
pub fn post_chat_message(m: &ChatMessage) {
    if !SUBSCRIBED.get() {
        return;
    }
    let kind = if m.kind == VisitorMessageKind::Agent { "agent" } else { "visitor" };
    let created_at = js_sys::Date::new(&JsValue::from_f64(m.created_at)).to_iso_string();
    let author = m.author_name.as_deref().map_or(JsValue::NULL, JsValue::from);
    let fields = object(&[
        ("id", m.id.to_string().into()),
        ("kind", kind.into()),
        ("body", m.body.as_str().into()),
        ("author_name", author),
        ("created_at", created_at.into()),
    ]);
    post(&message("message", &[("message", fields)]));
}

/// Tells the loader the chat is ready (nothing private in it, so to any origin).
pub fn ready() {
    if let Some(parent) = parent() {
        let _ = parent.post_message(&message("ready", &[]), "*");
    }
}

/// Whether a page at `origin` may drive the chat: one of the allowed sites, or
/// Natter itself (as `frame-ancestors` allows).
fn may_drive(allowed: &[String], origin: &str) -> bool {
    let own = web_sys::window().and_then(|w| w.location().origin().ok());
    shared::web::origin_allowed(allowed, origin) || own.as_deref() == Some(origin)
}

fn get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// `setContact`'s argument: the signed identity (`user_id`, `timestamp`,
/// `user_hash`) and the known fields (name, email, phone, attributes).
fn contact_input(contact: &JsValue) -> ContactInput {
    let identity =
        match (get(contact, "user_id").as_string(), get(contact, "timestamp").as_f64()) {
            (Some(user_id), Some(timestamp)) => get(contact, "user_hash")
                .as_string()
                .map(|signature| IdentifyVisitor { user_id, timestamp: timestamp as i64, signature }),
            _ => None,
        };
    let change = object(&[]);
    let mut any = false;
    for key in ["name", "email", "phone", "attributes"] {
        let value = get(contact, key);
        let fits =
            if key == "attributes" { value.is_object() && !js_sys::Array::is_array(&value) } else { value.is_string() };
        if fits {
            let _ = js_sys::Reflect::set(&change, &key.into(), &value);
            any = true;
        }
    }
    let change = any.then(|| js_sys::JSON::stringify(&change).ok().map(String::from)).flatten();
    ContactInput { identity, change }
}

fn command(data: &JsValue) -> Option<HostCommand> {
    Some(match get(data, "type").as_string()?.as_str() {
        "open" => HostCommand::Open,
        "close" => HostCommand::Close,
        "page" => HostCommand::Page(get(data, "url").as_string().unwrap_or_default()),
        "setContact" => HostCommand::SetContact(contact_input(&get(data, "contact"))),
        "reset" => HostCommand::Reset,
        "subscribe" | "unsubscribe" => {
            SUBSCRIBED.set(get(data, "type").as_string().as_deref() == Some("subscribe"));
            return None;
        }
        _ => return None,
    })
}

/// Calls `on` for each command from the parent window, if it is on an allowed site.
pub fn listen(allowed: Vec<String>, on: impl Fn(HostCommand) + 'static) {
    let handle = window_event_listener(leptos::ev::message, move |event: web_sys::MessageEvent| {
        let Some(parent) = parent() else { return };
        // A cross-origin parent is no `instanceof Window` here: compare identities.
        let parent: &JsValue = parent.as_ref();
        let from_parent = event.source().is_some_and(|source| {
            let source: &JsValue = source.as_ref();
            source == parent
        });
        if !from_parent || !may_drive(&allowed, &event.origin()) {
            return;
        }
        let data = event.data();
        if get(&data, "natter").as_f64() != Some(1.0) {
            return;
        }
        HOST_ORIGIN.with(|o| *o.borrow_mut() = Some(event.origin()));
        if let Some(command) = command(&data) {
            on(command);
        }
    });
    on_cleanup(move || handle.remove());
}
