//! Talking with the host page's loader through `postMessage`: it says open,
//! close, which page the visitor is on, who they are, reset, and whether it
//! listens to messages; we report unread counts, and new messages once the site
//! subscribed (`natter('on', 'message', …)`), so other scripts on the page don't
//! read the conversation by default. Only the parent window is listened to, and
//! only when its origin is one of the widget's allowed sites; only that origin
//! is written to.

use leptos::prelude::*;
use serde_json::{Value, json};

/// What the host page asks.
#[derive(Clone, Debug, PartialEq)]
pub enum HostCommand {
    Open,
    Close,
    /// The page the visitor is on; the loader's first one ends its greeting.
    Page(String),
    SetContact(Value),
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

/// Posts a message to the loader.
pub fn post(message: Value) {
    let Some(parent) = parent() else { return };
    let Some(origin) = HOST_ORIGIN.with(|o| o.borrow().clone()) else { return };
    if let Ok(value) = serde_wasm_value(&message) {
        let _ = parent.post_message(&value, &origin);
    }
}

/// Posts a chat message to the loader, if the site listens to them.
pub fn post_chat_message(message: Value) {
    if SUBSCRIBED.get() {
        post(json!({ "natter": 1, "type": "message", "message": message }));
    }
}

fn serde_wasm_value(message: &Value) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue> {
    js_sys::JSON::parse(&message.to_string())
}

/// Tells the loader the chat is ready (nothing private in it, so to any origin).
pub fn ready() {
    if let (Some(parent), Ok(value)) = (parent(), serde_wasm_value(&json!({ "natter": 1, "type": "ready" }))) {
        let _ = parent.post_message(&value, "*");
    }
}

/// Whether a page at `origin` may drive the chat: one of the allowed sites, or
/// Natter itself (as `frame-ancestors` allows).
fn may_drive(allowed: &[String], origin: &str) -> bool {
    let own = web_sys::window().and_then(|w| w.location().origin().ok());
    shared::web::origin_allowed(allowed, origin) || own.as_deref() == Some(origin)
}

/// Calls `on` for each command from the parent window, if it is on an allowed site.
pub fn listen(allowed: Vec<String>, on: impl Fn(HostCommand) + 'static) {
    let handle = window_event_listener(leptos::ev::message, move |event: web_sys::MessageEvent| {
        let Some(parent) = parent() else { return };
        // A cross-origin parent is no `instanceof Window` here: compare identities.
        let parent: &wasm_bindgen::JsValue = parent.as_ref();
        let from_parent = event.source().is_some_and(|source| {
            let source: &wasm_bindgen::JsValue = source.as_ref();
            source == parent
        });
        if !from_parent || !may_drive(&allowed, &event.origin()) {
            return;
        }
        let Ok(text) = js_sys::JSON::stringify(&event.data()) else { return };
        let Ok(data) = serde_json::from_str::<Value>(&String::from(text)) else { return };
        if data["natter"] != json!(1) {
            return;
        }
        HOST_ORIGIN.with(|o| *o.borrow_mut() = Some(event.origin()));
        let command = match data["type"].as_str() {
            Some("open") => HostCommand::Open,
            Some("close") => HostCommand::Close,
            Some("page") => HostCommand::Page(data["url"].as_str().unwrap_or_default().to_owned()),
            Some("setContact") => HostCommand::SetContact(data["contact"].clone()),
            Some("reset") => HostCommand::Reset,
            Some("subscribe") => return SUBSCRIBED.set(true),
            Some("unsubscribe") => return SUBSCRIBED.set(false),
            _ => return,
        };
        on(command);
    });
    on_cleanup(move || handle.remove());
}
