//! The tab's one WebSocket: connects with the access token as a subprotocol,
//! resumes after the last sequence it saw, and reconnects with exponential
//! backoff and jitter whenever the link drops (sleep, network, server restart).

use crate::api::Authed;
use crate::notify;
use crate::store::{Link, Store};
use leptos::prelude::*;
use shared::frames::{AgentClientFrame, AgentServerFrame, BEARER_PROTOCOL_PREFIX, PROTOCOL};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

struct Inner {
    socket: Option<WebSocket>,
    /// The last event sequence applied; the next connection resumes after it.
    last_seq: Option<i64>,
    attempt: u32,
    stopped: bool,
    /// Keeps the socket's callbacks alive while it is open.
    callbacks: Vec<Box<dyn std::any::Any>>,
}

/// A handle to the socket, given to components through context.
#[derive(Clone, Copy)]
pub struct Socket {
    inner: StoredValue<Rc<RefCell<Inner>>, LocalStorage>,
    store: Store,
    api: Authed,
}

impl Socket {
    /// Starts the link (it keeps itself up until [`Socket::stop`]).
    pub fn start(store: Store, api: Authed) -> Self {
        let inner = Rc::new(RefCell::new(Inner {
            socket: None,
            last_seq: None,
            attempt: 0,
            stopped: false,
            callbacks: Vec::new(),
        }));
        let socket = Self { inner: StoredValue::new_local(inner), store, api };
        socket.watch_network();
        socket.connect();
        socket
    }

    fn inner(&self) -> Rc<RefCell<Inner>> {
        self.inner.get_value()
    }

    /// Sends a frame if the link is up; typing and read marks are not worth queueing.
    pub fn send(&self, frame: &AgentClientFrame) {
        let inner = self.inner();
        let inner = inner.borrow();
        if let (Some(socket), Ok(text)) = (&inner.socket, serde_json::to_string(frame))
            && socket.ready_state() == WebSocket::OPEN
        {
            let _ = socket.send_with_str(&text);
        }
    }

    /// Closes the link for good (sign-out).
    pub fn stop(&self) {
        let inner = self.inner();
        let mut inner = inner.borrow_mut();
        inner.stopped = true;
        if let Some(socket) = inner.socket.take() {
            let _ = socket.close_with_code(1000);
        }
        inner.callbacks.clear();
    }

    fn connect(self) {
        leptos::task::spawn_local(async move {
            if self.inner().borrow().stopped {
                return;
            }
            let token = match self.api.access_token().await {
                Ok(token) => token,
                Err(failure) if failure.code.is_some() => return, // signed out
                Err(_) => return self.retry_later(),
            };
            if let Err(e) = self.open(&token) {
                web_sys::console::warn_1(&e);
                self.retry_later();
            }
        });
    }

    fn open(self, token: &str) -> Result<(), JsValue> {
        let location = window().location();
        let scheme = if location.protocol()? == "https:" { "wss" } else { "ws" };
        let mut url = format!("{scheme}://{}/api/v1/ws/agent", location.host()?);
        if let Some(seq) = self.inner().borrow().last_seq {
            url.push_str(&format!("?after={seq}"));
        }
        let protocols = js_sys::Array::of2(&PROTOCOL.into(), &format!("{BEARER_PROTOCOL_PREFIX}{token}").into());
        let socket = WebSocket::new_with_str_sequence(&url, &protocols)?;

        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(text) = event.data().as_string() {
                match serde_json::from_str::<AgentServerFrame>(&text) {
                    Ok(frame) => self.handle(frame),
                    Err(e) => web_sys::console::warn_1(&format!("unreadable frame: {e}").into()),
                }
            }
        });
        let on_close = Closure::<dyn Fn(CloseEvent)>::new(move |_event: CloseEvent| self.dropped());
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));

        let inner = self.inner();
        let mut inner = inner.borrow_mut();
        inner.socket = Some(socket);
        inner.callbacks = vec![Box::new(on_message), Box::new(on_close)];
        Ok(())
    }

    fn dropped(self) {
        {
            let inner = self.inner();
            let mut inner = inner.borrow_mut();
            inner.socket = None;
            if inner.stopped {
                return;
            }
        }
        self.retry_later();
    }

    fn retry_later(self) {
        let attempt = {
            let inner = self.inner();
            let mut inner = inner.borrow_mut();
            inner.attempt += 1;
            inner.attempt
        };
        self.store.link.set(Link::Reconnecting);
        let delay = frontend::backoff::delay_ms(attempt, js_sys::Math::random());
        set_timeout(move || self.connect_if_down(), Duration::from_millis(delay));
    }

    fn connect_if_down(self) {
        let down = self.inner().borrow().socket.is_none();
        if down {
            self.connect();
        }
    }

    /// Reconnects at once when the browser comes back online or the tab is shown
    /// again, instead of waiting out the backoff.
    fn watch_network(self) {
        let handle = window_event_listener(leptos::ev::online, move |_| self.connect_if_down());
        let visible = window_event_listener(leptos::ev::visibilitychange, move |_| {
            if !document().hidden() {
                self.connect_if_down();
            }
        });
        on_cleanup(move || {
            handle.remove();
            visible.remove();
        });
    }

    fn handle(&self, frame: AgentServerFrame) {
        let store = self.store;
        match frame {
            AgentServerFrame::Ready { last_seq, agents, visitors, .. } => {
                {
                    let inner = self.inner();
                    let mut inner = inner.borrow_mut();
                    inner.attempt = 0;
                    inner.last_seq = Some(inner.last_seq.unwrap_or(0).max(last_seq));
                }
                store.presence.set(agents.into_iter().map(|p| (p.agent_id, p)).collect());
                store.visitors.set(visitors.into_iter().filter(|v| v.online).map(|v| (v.contact_id, v)).collect());
                store.link.set(Link::Live);
            }
            AgentServerFrame::Event { seq, event } => {
                {
                    let inner = self.inner();
                    let mut inner = inner.borrow_mut();
                    inner.last_seq = Some(inner.last_seq.unwrap_or(0).max(seq));
                }
                // A visitor message in the conversation the agent is looking at is read at once.
                let seen_now = match &event {
                    shared::events::Event::MessageCreated { message, .. } => {
                        message.kind == shared::api::MessageKind::Visitor
                            && store.selected.get_untracked() == Some(message.conversation_id)
                            && !document().hidden()
                    }
                    _ => false,
                };
                let conversation = match &event {
                    shared::events::Event::MessageCreated { message, .. } => Some(message.conversation_id),
                    _ => None,
                };
                if let Some(alert) = store.apply(event) {
                    notify::alert(store, alert);
                }
                if let (true, Some(id)) = (seen_now, conversation) {
                    let api = self.api;
                    leptos::task::spawn_local(async move {
                        if let Ok(c) = api.mark_read(id).await {
                            store.conversations.update(|m| drop(m.insert(c.id, c)));
                        }
                    });
                }
            }
            AgentServerFrame::Typing { conversation_id, typist, typing } => {
                store.set_typing(conversation_id, typist, typing)
            }
            AgentServerFrame::Dot { conversation_id, dot } => store.set_dot(conversation_id, dot),
            AgentServerFrame::Presence(presence) => store.presence.update(|p| {
                p.insert(presence.agent_id, presence);
            }),
            AgentServerFrame::Visitor(visitor) => store.visitors.update(|v| {
                if visitor.online {
                    v.insert(visitor.contact_id, visitor);
                } else {
                    v.remove(&visitor.contact_id);
                }
            }),
            AgentServerFrame::ReloadRequired { last_seq } => {
                self.inner().borrow_mut().last_seq = Some(last_seq);
                store.reloads.update(|n| *n += 1);
            }
            AgentServerFrame::Ack { .. } => {}
            AgentServerFrame::Error { code, message, .. } => {
                web_sys::console::warn_1(&format!("socket error {code:?}: {message}").into())
            }
        }
    }
}
