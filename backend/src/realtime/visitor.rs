//! A visitor's socket: only their own conversation's messages and replies (never
//! comments or notes), agent typing, whether the team is online; sends, typing
//! and page changes from the widget.

use super::caps::SocketCaps;
use super::handshake::{authenticate, upgrade};
use super::hub::{Hub, Member};
use super::outbox::Outbox;
use super::session::{self, Flow, Halt, Handler, ResumeQuery};
use crate::auth::{Caller, CurrentVisitor, visitor_token};
use crate::bus::Signal;
use crate::db::log::{self, Replay};
use crate::domain::roster::snapshot;
use crate::domain::{messages, team, validate, widget};
use crate::error::{ApiError, ApiResult};
use crate::events::StoredEvent;
use crate::metrics::SocketKind;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, web};
use actix_ws::CloseCode;
use bytestring::ByteString;
use shared::api::{Conversation, ConversationStatus, WidgetPostMessage};
use shared::events::Event;
use shared::frames::{Typist, VisitorClientFrame, VisitorPresence, VisitorServerFrame};
use shared::{AgentId, ContactId, ConversationId, ErrorCode};
use std::collections::HashMap;

/// Open a visitor's WebSocket (subprotocols `natter.v1`, `bearer.<visitor token>`;
/// `?after=<seq>` to resume, `?page=<url>` for the current page).
#[utoipa::path(tag = "realtime", operation_id = "visitor_socket", params(
    ("after" = Option<i64>, Query, description = "Resume after this sequence"),
    ("page" = Option<String>, Query, description = "The page the visitor is on (http or https)"),
), responses(
    (status = 101, description = "Switching to the WebSocket protocol"),
    (status = 401, body = shared::ErrorBody, description = "`unauthorized`, `session_expired`: no or bad `bearer.<token>` subprotocol"),
    (status = 403, body = shared::ErrorBody, description = "`forbidden`: foreign Origin, or not a visitor"),
    (status = 422, body = shared::ErrorBody, description = "`validation_failed`: a page that is not an http(s) URL"),
    (status = 400, body = shared::ErrorBody, description = "`malformed_request`: not a WebSocket upgrade, or a bad `after`"),
    (status = 429, body = shared::ErrorBody, description = "`rate_limited`: too many sockets open for this token or address"),
))]
#[get("/api/v1/ws/visitor")]
pub async fn connect(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
    hub: web::Data<Hub>,
    caps: web::Data<SocketCaps>,
    query: web::Query<ResumeQuery>,
) -> Result<HttpResponse, ApiError> {
    let Caller::Visitor(me) = authenticate(&req, &state).await? else { return Err(ApiError::Forbidden) };
    let me = *me;
    let ticket = caps.admit(req.peer_addr().map(|a| a.ip()), Some(me.session_id))?;
    let page = validate::page_url("page", query.page.as_deref())?;
    let (response, socket, stream) = upgrade(&req, body).await?;
    let (state, hub) = (state.get_ref().clone(), hub.get_ref().clone());
    let after = query.after;
    actix_web::rt::spawn(async move {
        let _ticket = ticket;
        let _open = state.metrics.socket_opened(SocketKind::Visitor);
        let contact = ContactId(me.contact.id);
        let membership = hub.join(Member::Visitor(contact)).await;
        let presence = state.bus.presence().visitor_connected(contact, page.clone());
        state.bus.signal(Signal::Visitor(VisitorPresence { contact_id: contact, online: true, page: presence.page }));
        if let Some(page) = page {
            save_page(&state, contact, &page);
        }
        let session = VisitorSession {
            state: state.clone(),
            me,
            seen: HashMap::new(),
            agent_names: HashMap::new(),
            current: None,
        };
        let (shutdown, metrics) = (state.shutdown.clone(), state.metrics.clone());
        session::run(session, socket, stream, membership, shutdown, after, metrics).await;
        if let Some(left) = state.bus.presence().visitor_disconnected(contact) {
            state.bus.signal(Signal::Visitor(VisitorPresence { contact_id: contact, online: false, page: left.page }));
        }
    });
    Ok(response)
}

fn save_page(state: &AppState, contact: ContactId, page: &str) {
    state.db.visitor_seen(contact, Some(page.to_owned()), crate::clock::millis(state.now()));
}

struct VisitorSession {
    state: AppState,
    me: CurrentVisitor,
    /// What the visitor was last told about each conversation: (closed, agent).
    seen: HashMap<ConversationId, (bool, Option<AgentId>)>,
    agent_names: HashMap<AgentId, String>,
    /// The visitor's latest conversation, once known (kept up to date from events).
    current: Option<ConversationId>,
}

impl Handler for VisitorSession {
    fn refusal(&self, code: ErrorCode, message: &str) -> ByteString {
        frame(&error(code, message, None))
    }

    async fn start(&mut self, out: &mut Outbox, after: Option<i64>) -> Result<i64, Halt> {
        let last = match after {
            None => log::latest_seq(self.state.db.conn()).await.map_err(Halt::unavailable)?,
            Some(after) => self.catch_up(out, after).await?,
        };
        let team_online = snapshot(&self.state).await.map_err(Halt::unavailable)?.open_at(self.state.now());
        out.send(&VisitorServerFrame::Ready { last_seq: last, team_online }).await?;
        Ok(last)
    }

    async fn catch_up(&mut self, out: &mut Outbox, after: i64) -> Result<i64, Halt> {
        match log::since(self.state.db.conn(), after, Some(self.contact())).await.map_err(Halt::unavailable)? {
            Replay::Reload { latest } => {
                out.send(&VisitorServerFrame::ReloadRequired { last_seq: latest }).await?;
                Ok(latest)
            }
            Replay::Events { events, last } => {
                for event in &events {
                    self.event(out, event).await?;
                }
                Ok(last)
            }
        }
    }

    async fn frame(&mut self, out: &mut Outbox, text: &str) -> Result<Flow, Halt> {
        self.handle(out, text).await.map(|()| Flow::Continue)
    }

    /// The visitor's view of an event: an allowlist, so nothing for agents only
    /// (comments, notes, previews, contact details) can pass.
    async fn event(&mut self, out: &mut Outbox, stored: &StoredEvent) -> Result<(), Halt> {
        let seq = stored.seq;
        match &stored.event {
            Event::MessageCreated { message, conversation } => {
                self.current = Some(message.conversation_id);
                if let Some(visible) = messages::for_visitor(message.clone()) {
                    let frame =
                        VisitorServerFrame::Message { seq, conversation_id: message.conversation_id, message: visible };
                    out.send(&frame).await?;
                }
                match conversation {
                    Some(conversation) => self.conversation_state(out, seq, conversation).await,
                    None => Ok(()),
                }
            }
            Event::ConversationCreated { conversation } => {
                self.current = Some(conversation.id);
                self.conversation_state(out, seq, conversation).await
            }
            Event::ConversationUpdated { conversation } => self.conversation_state(out, seq, conversation).await,
            Event::ConversationDeleted { conversation_id, .. } => {
                if self.current == Some(*conversation_id) {
                    self.current = None;
                }
                out.send(&VisitorServerFrame::Deleted { seq, conversation_id: *conversation_id }).await
            }
            Event::ContactUpdated { .. } | Event::ContactDeleted { .. } => Ok(()),
        }
    }

    async fn signal(&mut self, out: &mut Outbox, signal: &Signal) -> Result<(), Halt> {
        match signal {
            Signal::Typing { typist: Typist::Agent { name, .. }, reply: true, typing, .. } => {
                out.send(&VisitorServerFrame::Typing { typing: *typing, name: name.clone() }).await
            }
            Signal::TeamOnline(online) => out.send(&VisitorServerFrame::TeamOnline { online: *online }).await,
            _ => Ok(()),
        }
    }

    /// A session ended (reset, another sign-in, expiry) loses its socket too.
    async fn heartbeat(&mut self, out: &mut Outbox) -> Result<Flow, Halt> {
        match visitor_token::still_valid(&self.state, self.me.session_id).await {
            Ok(false) => {
                out.send(&error(ErrorCode::SessionExpired, "this chat session ended", None)).await?;
                Ok(Flow::Close(CloseCode::Policy, "session ended"))
            }
            Ok(true) | Err(_) => Ok(Flow::Continue),
        }
    }
}

impl VisitorSession {
    fn contact(&self) -> ContactId {
        ContactId(self.me.contact.id)
    }

    /// Tells the visitor when their conversation closes, reopens or changes hands.
    async fn conversation_state(
        &mut self,
        out: &mut Outbox,
        seq: i64,
        conversation: &Conversation,
    ) -> Result<(), Halt> {
        let closed = conversation.status == ConversationStatus::Closed;
        let now = (closed, conversation.assignee_id);
        if self.seen.insert(conversation.id, now) == Some(now) {
            return Ok(());
        }
        let agent_name = match conversation.assignee_id {
            Some(agent) => self.agent_name(agent).await.map_err(Halt::unavailable)?,
            None => None,
        };
        out.send(&VisitorServerFrame::Conversation { seq, conversation_id: conversation.id, closed, agent_name }).await
    }

    async fn agent_name(&mut self, agent: AgentId) -> ApiResult<Option<String>> {
        if let Some(name) = self.agent_names.get(&agent) {
            return Ok(Some(name.clone()));
        }
        let name = team::agent_name(&self.state, agent).await?;
        if let Some(name) = &name {
            self.agent_names.insert(agent, name.clone());
        }
        Ok(name)
    }

    async fn handle(&mut self, out: &mut Outbox, text: &str) -> Result<(), Halt> {
        let frame = match serde_json::from_str::<VisitorClientFrame>(text) {
            Ok(frame) => frame,
            Err(e) => return out.send(&error(ErrorCode::MalformedRequest, &format!("unknown frame: {e}"), None)).await,
        };
        match frame {
            VisitorClientFrame::Send { body, client_id, attachment_ids } => {
                let input = WidgetPostMessage { body, client_id: client_id.clone(), attachment_ids };
                match widget::post_message(&self.state, &self.me, input).await {
                    Ok((message, _)) => {
                        self.current = Some(message.conversation_id);
                        let (message_id, seq) = (message.id, message.seq);
                        match messages::for_visitor(message) {
                            Some(message) => {
                                out.send(&VisitorServerFrame::Ack { client_id, message_id, seq, message }).await
                            }
                            None => Ok(()),
                        }
                    }
                    Err(e) => out.send(&error(e.code(), &e.to_string(), Some(client_id))).await,
                }
            }
            VisitorClientFrame::Typing { typing } => {
                if let Some(conversation) = self.current_conversation().await {
                    self.state.bus.signal(Signal::Typing {
                        conversation,
                        contact: self.contact(),
                        typist: Typist::Visitor,
                        reply: true,
                        typing,
                    });
                }
                Ok(())
            }
            VisitorClientFrame::Page { url } => match validate::page_url("url", Some(&url)) {
                Ok(Some(url)) => {
                    let state = self.state.bus.presence().visitor_page(self.contact(), url.clone());
                    let presence = VisitorPresence { contact_id: self.contact(), online: true, page: state.page };
                    self.state.bus.signal(Signal::Visitor(presence));
                    save_page(&self.state, self.contact(), &url);
                    Ok(())
                }
                Ok(None) => Ok(()),
                Err(e) => out.send(&error(e.code(), &e.to_string(), None)).await,
            },
        }
    }

    /// The visitor's latest conversation: looked up once, then followed from events.
    async fn current_conversation(&mut self) -> Option<ConversationId> {
        if self.current.is_none() {
            self.current = widget::current_conversation(&self.state, self.contact()).await.ok().flatten();
        }
        self.current
    }
}

fn frame(frame: &VisitorServerFrame) -> ByteString {
    serde_json::to_string(frame).unwrap_or_default().into()
}

fn error(code: ErrorCode, message: &str, client_id: Option<String>) -> VisitorServerFrame {
    VisitorServerFrame::Error { code, message: message.to_owned(), client_id }
}
