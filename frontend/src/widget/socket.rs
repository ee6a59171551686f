//! The visitor's WebSocket: resumes after the last sequence it saw and
//! reconnects with backoff and jitter, like the inbox's.

use crate::wire::{self, Frame};
use leptos::prelude::*;
use shared::frames::{BEARER_PROTOCOL_PREFIX, PROTOCOL, VisitorClientFrame};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

struct Inner {
    socket: Option<WebSocket>,
    token: String,
    last_seq: Option<i64>,
    attempt: u32,
    stopped: bool,
    on_frame: Rc<dyn Fn(Frame)>,
    on_open: Rc<dyn Fn()>,
    callbacks: Vec<Box<dyn std::any::Any>>,
}

/// A handle to the socket.
#[derive(Clone, Copy)]
pub struct Socket {
    inner: StoredValue<Rc<RefCell<Inner>>, LocalStorage>,
    pub live: RwSignal<bool>,
}

impl Socket {
    /// Connects with `token`; `on_frame` gets every frame, `on_open` runs on each (re)connection.
    pub fn start(token: String, on_frame: impl Fn(Frame) + 'static, on_open: impl Fn() + 'static) -> Self {
        let inner = Rc::new(RefCell::new(Inner {
            socket: None,
            token,
            last_seq: None,
            attempt: 0,
            stopped: false,
            on_frame: Rc::new(on_frame),
            on_open: Rc::new(on_open),
            callbacks: Vec::new(),
        }));
        let socket = Self { inner: StoredValue::new_local(inner), live: RwSignal::new(false) };
        let online = window_event_listener(leptos::ev::online, move |_| socket.connect_if_down());
        on_cleanup(move || online.remove());
        socket.connect();
        socket
    }

    fn inner(&self) -> Rc<RefCell<Inner>> {
        self.inner.get_value()
    }

    /// Switches to another token (after a signed identity), starting over.
    pub fn replace_token(&self, token: String) {
        let old = {
            let inner = self.inner();
            let mut inner = inner.borrow_mut();
            inner.token = token;
            inner.last_seq = None;
            inner.socket.take()
        };
        if let Some(old) = old {
            // Nothing more from the old token's socket reaches the new visitor.
            old.set_onmessage(None);
            old.set_onclose(None);
            let _ = old.close_with_code(1000);
        }
        self.connect();
    }

    pub fn saw(&self, seq: i64) {
        let inner = self.inner();
        let mut inner = inner.borrow_mut();
        inner.last_seq = Some(inner.last_seq.unwrap_or(0).max(seq));
    }

    pub fn send(&self, frame: &VisitorClientFrame) {
        let inner = self.inner();
        let inner = inner.borrow();
        if let (Some(socket), Ok(text)) = (&inner.socket, serde_json::to_string(frame))
            && socket.ready_state() == WebSocket::OPEN
        {
            let _ = socket.send_with_str(&text);
        }
    }

    fn connect_if_down(self) {
        if self.inner().borrow().socket.is_none() {
            self.connect();
        }
    }

    fn connect(self) {
        if let Err(e) = self.open() {
            web_sys::console::warn_1(&e);
            self.retry_later();
        }
    }

    fn open(self) -> Result<(), JsValue> {
        let (token, after) = {
            let inner = self.inner();
            let inner = inner.borrow();
            if inner.stopped {
                return Ok(());
            }
            (inner.token.clone(), inner.last_seq)
        };
        let location = window().location();
        let scheme = if location.protocol()? == "https:" { "wss" } else { "ws" };
        let mut url = format!("{scheme}://{}/api/v1/ws/visitor", location.host()?);
        if let Some(seq) = after {
            url.push_str(&format!("?after={seq}"));
        }
        let protocols = js_sys::Array::of2(&PROTOCOL.into(), &format!("{BEARER_PROTOCOL_PREFIX}{token}").into());
        let socket = WebSocket::new_with_str_sequence(&url, &protocols)?;
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(text) = event.data().as_string() else { return };
            let Some(frame) = wire::frame(&text) else { return };
            if let Frame::Ready { last_seq, .. } = &frame {
                self.saw(*last_seq);
                self.inner().borrow_mut().attempt = 0;
                self.live.set(true);
                let on_open = self.inner().borrow().on_open.clone();
                on_open();
            }
            let handler = self.inner().borrow().on_frame.clone();
            handler(frame);
        });
        let on_close = Closure::<dyn Fn(CloseEvent)>::new(move |_: CloseEvent| {
            self.live.set(false);
            self.inner().borrow_mut().socket = None;
            self.retry_later();
        });
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let inner = self.inner();
        let mut inner = inner.borrow_mut();
        inner.socket = Some(socket);
        inner.callbacks = vec![Box::new(on_message), Box::new(on_close)];
        Ok(())
    }

    fn retry_later(self) {
        let attempt = {
            let inner = self.inner();
            let mut inner = inner.borrow_mut();
            if inner.stopped {
                return;
            }
            inner.attempt += 1;
            inner.attempt
        };
        let delay = frontend::backoff::delay_ms(attempt, js_sys::Math::random());
        set_timeout(move || self.connect_if_down(), Duration::from_millis(delay));
    }
}
