//! The signed-in frame: the left navigation, the live link, keyboard shortcuts
//! and the help overlay around whichever screen is open.

use crate::api::Authed;
use crate::commands::{Command, Commands};
use crate::components::help::Help;
use crate::i18n::*;
use crate::icons::{self, icon};
use crate::notify;
use crate::session::Session;
use crate::store::{Link, Store};
use crate::ws::Socket;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use shared::api::{Availability, Role, UpdateMe};
use web_sys::NotificationPermission;

/// The frame of every signed-in screen.
#[component]
pub fn Shell() -> impl IntoView {
    let session = expect_context::<Session>();
    // A memo: renewing tokens or editing the agent must not rebuild the inbox.
    let signed_in = Memo::new(move |_| session.signed_in());
    move || {
        if signed_in.get() { view! { <SignedIn/> }.into_any() } else { view! { <Redirect path="/login"/> }.into_any() }
    }
}

#[component]
fn SignedIn() -> impl IntoView {
    let session = expect_context::<Session>();
    let api = Authed::new(session);
    let store = Store::new();
    store.me.set(session.tokens().map(|t| t.agent));
    let commands = Commands::new();
    provide_context(api);
    provide_context(store);
    provide_context(commands);
    let socket = Socket::start(store, api);
    provide_context(socket);
    on_cleanup(move || socket.stop());
    notify::title_follows(store);
    if let Ok(ticker) = set_interval_with_handle(move || store.expire_typing(), std::time::Duration::from_secs(2)) {
        on_cleanup(move || ticker.clear());
    }
    load_team(api, store, session);

    let help = RwSignal::new(false);
    keyboard(commands, help);

    let i18n = use_i18n();
    let is_admin = move || session.agent().is_some_and(|a| a.role == Role::Admin);
    let visitors_online = move || store.visitors.with(|v| v.len());
    let attention = move || store.attention();
    view! {
        <div class="shell">
            <nav class="sidebar" aria-label=move || t_string!(i18n, nav.label)>
                <div class="brand"><span class="logo" aria-hidden="true"></span>"Natter"</div>
                <A href="/conversations" attr:class="nav-item" attr:id="nav-conversations">
                    {icon(icons::CHAT)}
                    <span>{t!(i18n, nav.conversations)}</span>
                    <Show when=move || { attention() > 0 }>
                        <span class="badge" aria-label=move || t_string!(i18n, list.attention)>{attention}</span>
                    </Show>
                </A>
                <A href="/visitors" attr:class="nav-item" attr:id="nav-visitors">
                    {icon(icons::GLOBE)}
                    <span>{t!(i18n, nav.visitors)}</span>
                    <Show when=move || { visitors_online() > 0 }>
                        <span class="badge soft">{visitors_online}</span>
                    </Show>
                </A>
                <A href="/contacts" attr:class="nav-item" attr:id="nav-contacts">
                    {icon(icons::CONTACTS)}
                    <span>{t!(i18n, nav.contacts)}</span>
                </A>
                <A href="/saved-replies" attr:class="nav-item" attr:id="nav-saved-replies">
                    {icon(icons::ZAP)}
                    <span>{t!(i18n, nav.saved_replies)}</span>
                </A>
                <Show when=is_admin>
                    <A href="/reports" attr:class="nav-item" attr:id="nav-reports">
                        {icon(icons::CHART)}
                        <span>{t!(i18n, nav.reports)}</span>
                    </A>
                </Show>
                <Show when=is_admin>
                    <A href="/settings" attr:class="nav-item" attr:id="nav-settings">
                        {icon(icons::SETTINGS)}
                        <span>{t!(i18n, nav.settings)}</span>
                    </A>
                </Show>
                <div class="sidebar-foot">
                    <Me/>
                    <LinkState/>
                </div>
            </nav>
            <main class="screen">
                <Outlet/>
            </main>
            <Show when=move || help.get()>
                <Help on_close=Callback::new(move |_| help.set(false))/>
            </Show>
        </div>
    }
}

/// Loads the server's limits, who the agent is and the team (names, groups) once per sign-in.
fn load_team(api: Authed, store: Store, session: Session) {
    leptos::task::spawn_local(async move {
        if let Ok(config) = crate::api::client_config().await {
            store.max_upload_bytes.set(config.max_upload_bytes);
            store.email_enabled.set(config.email_enabled);
        }
        if let Ok(me) = api.me().await {
            session.set_agent(me.clone());
            store.me.set(Some(me));
        }
        if let Ok(page) = api.agents().await {
            store.agents.set(page.items);
        }
        if let Ok(page) = api.groups().await {
            store.groups.set(page.items);
        }
        if let Ok(page) = api.labels().await {
            store.labels.set(page.items);
        }
    });
}

/// The signed-in agent: availability, language, notifications and log out.
#[component]
fn Me() -> impl IntoView {
    let session = expect_context::<Session>();
    let api = expect_context::<Authed>();
    let store = expect_context::<Store>();
    let socket = expect_context::<Socket>();
    let i18n = use_i18n();
    let availability = move || session.agent().map(|a| a.availability).unwrap_or(Availability::Online);
    let set_availability = move |value: String| {
        let availability = match value.as_str() {
            "away" => Availability::Away,
            "offline" => Availability::Offline,
            _ => Availability::Online,
        };
        leptos::task::spawn_local(async move {
            let change =
                UpdateMe { name: None, availability: Some(availability), new_password: None, current_password: None };
            if let Ok(me) = api.update_me(&change).await {
                session.set_agent(me.clone());
                store.me.set(Some(me));
            }
        });
    };
    let permission = RwSignal::new(notify::permission());
    let logout = move |_| {
        leptos::task::spawn_local(async move {
            let _ = api.logout().await;
            socket.stop();
            session.sign_out();
        });
    };
    let name = move || session.agent().map(|a| a.name).unwrap_or_default();
    view! {
        <div class="me">
            <div class="me-name">
                <span class=move || format!("presence {}", avail_class(availability()))></span>
                <span id="me-name">{name}</span>
            </div>
            <label class="sr-only" for="availability">{t!(i18n, nav.availability)}</label>
            <select id="availability" class="availability" on:change=move |ev| set_availability(event_target_value(&ev))
                prop:value=move || avail_class(availability())>
                <option value="online">{t!(i18n, availability.online)}</option>
                <option value="away">{t!(i18n, availability.away)}</option>
                <option value="offline">{t!(i18n, availability.offline)}</option>
            </select>
            <select id="language" class="availability" aria-label=move || t_string!(i18n, nav.language)
                on:change=move |ev| {
                    let locale = if event_target_value(&ev) == "es" { Locale::es } else { Locale::en };
                    i18n.set_locale(locale);
                    crate::locale::remember_locale(locale);
                }
                prop:value=move || if i18n.get_locale() == Locale::es { "es" } else { "en" }>
                <option value="en">"English"</option>
                <option value="es">"Español"</option>
            </select>
            <Show when=move || permission.get() == NotificationPermission::Default>
                <button id="enable-notifications" class="link" title=move || t_string!(i18n, nav.notifications_hint) on:click=move |_| {
                    notify::ask_permission(move |p| permission.set(p));
                }>{t!(i18n, nav.enable_notifications)}</button>
            </Show>
            <button id="logout" class="link" on:click=logout>{t!(i18n, nav.logout)}</button>
        </div>
    }
}

fn avail_class(a: Availability) -> &'static str {
    match a {
        Availability::Online => "online",
        Availability::Away => "away",
        Availability::Offline => "offline",
    }
}

/// "Live", or a visible "reconnecting" while the socket is down.
#[component]
fn LinkState() -> impl IntoView {
    let store = expect_context::<Store>();
    let i18n = use_i18n();
    view! {
        <div id="link-state" class=move || match store.link.get() {
            Link::Live => "link-state live",
            Link::Connecting => "link-state connecting",
            Link::Reconnecting => "link-state reconnecting",
        } data-state=move || format!("{:?}", store.link.get()).to_lowercase() role="status">
            {move || match store.link.get() {
                Link::Live => t_string!(i18n, link.live).to_owned(),
                Link::Connecting => t_string!(i18n, link.connecting).to_owned(),
                Link::Reconnecting => t_string!(i18n, link.reconnecting).to_owned(),
            }}
        </div>
    }
}

/// Single-key shortcuts, ignored while typing in a field (but Escape works anywhere).
fn keyboard(commands: Commands, help: RwSignal<bool>) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let key = ev.key();
        if key == "Escape" {
            help.set(false);
            return;
        }
        let typing = document().active_element().is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.has_attribute("contenteditable")
        });
        if typing {
            return;
        }
        let command = match key.as_str() {
            "j" | "ArrowDown" => Command::Next,
            "k" | "ArrowUp" => Command::Previous,
            "r" => Command::Reply,
            "c" => Command::Comment,
            "e" => Command::Close,
            "a" => Command::AssignAgent,
            "g" => Command::AssignGroup,
            "l" => Command::Labels,
            "s" => Command::Snooze,
            "u" => Command::MarkUnread,
            "/" => Command::Search,
            "?" => {
                help.update(|h| *h = !*h);
                ev.prevent_default();
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        commands.issue(command);
    });
    on_cleanup(move || handle.remove());
}
