//! Getting the agent's attention: a short sound, a desktop notification (only
//! once the agent allowed them from a button) and the count in the tab title.

use crate::store::{Alert, Store};
use leptos::prelude::*;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

pub use crate::sound::chime;

/// Whether desktop notifications are allowed, still to be asked, or refused.
pub fn permission() -> NotificationPermission {
    Notification::permission()
}

/// Asks for permission (call from a click: browsers ignore it otherwise).
pub fn ask_permission(done: impl Fn(NotificationPermission) + 'static) {
    let Ok(promise) = Notification::request_permission() else { return };
    leptos::task::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        done(Notification::permission());
    });
}

/// Alerts the agent to something new: always a sound, and a notification when
/// the tab is hidden or another conversation is open.
pub fn alert(store: Store, alert: Alert) {
    let Alert::New { conversation_id, title, body } = alert;
    chime();
    let looking = !document().hidden() && store.selected.get_untracked() == Some(conversation_id);
    if looking || permission() != NotificationPermission::Granted {
        return;
    }
    let options = NotificationOptions::new();
    options.set_body(&body);
    options.set_tag(&conversation_id.to_string());
    if let Ok(notification) = Notification::new_with_options(&title, &options) {
        frontend::tally::count("notifications");
        let path = format!("/conversations/{conversation_id}");
        let on_click = wasm_bindgen::closure::Closure::once_into_js(move || {
            let _ = window().focus();
            if let Ok(history) = window().history() {
                let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
                if let Ok(event) = web_sys::Event::new("popstate") {
                    let _ = window().dispatch_event(&event);
                }
            }
        });
        notification.set_onclick(Some(wasm_bindgen::JsCast::unchecked_ref(&on_click)));
    }
}

/// Keeps "(n) Natter" in the tab title, n being the conversations with a dot.
pub fn title_follows(store: Store) {
    Effect::new(move |_| {
        let count = store.attention();
        let title = if count == 0 { "Natter".to_owned() } else { format!("({count}) Natter") };
        document().set_title(&title);
    });
}
