//! The agent's typing signal: "typing" at most every 3 seconds while keys come,
//! "stopped" 4 seconds after the last one, on blur and after sending.

use crate::ws::Socket;
use leptos::prelude::*;
use shared::ConversationId;
use shared::api::PostKind;
use shared::frames::AgentClientFrame;

#[derive(Clone, Copy)]
pub struct TypingSignal {
    socket: Socket,
    id: ConversationId,
    kind: Signal<PostKind>,
    sent_at: StoredValue<f64>,
    stop: StoredValue<Option<TimeoutHandle>>,
}

impl TypingSignal {
    /// Signals for conversation `id`; `kind` says whether a visitor may see it (replies) or not (comments).
    pub fn new(socket: Socket, id: ConversationId, kind: Signal<PostKind>) -> Self {
        let signal = Self { socket, id, kind, sent_at: StoredValue::new(0.0), stop: StoredValue::new(None) };
        on_cleanup(move || signal.clear_timer());
        signal
    }

    fn send(self, typing: bool) {
        let kind = self.kind.get_untracked();
        self.socket.send(&AgentClientFrame::Typing { conversation_id: self.id, typing, kind });
    }

    fn clear_timer(self) {
        if let Some(handle) = self.stop.try_get_value().flatten() {
            handle.clear();
        }
    }

    /// The agent stopped (sent, left the field, or paused).
    pub fn stopped(self) {
        if self.sent_at.get_value() > 0.0 {
            self.sent_at.set_value(0.0);
            self.send(false);
        }
    }

    /// The agent typed a key.
    pub fn typed(self) {
        let now = js_sys::Date::now();
        if now - self.sent_at.get_value() > 3_000.0 {
            self.sent_at.set_value(now);
            self.send(true);
        }
        self.clear_timer();
        self.stop.set_value(set_timeout_with_handle(move || self.stopped(), std::time::Duration::from_secs(4)).ok());
    }
}
