//! A visitor's socket: only their own conversation's messages and replies (never
//! comments or notes), agent typing, whether the team is online; sends, typing
//! and page changes from the widget.

use super::Signal;
use super::handshake::authenticate;
use super::replay::{self, Replay};
use super::router::VisitorItem;
use super::session::{Gone, IDLE_TIMEOUT, Inbound, Outbox, PING_EVERY, RateLimit, ResumeQuery, receive};
use crate::auth::{Caller, CurrentVisitor};
use crate::domain::{messages, validate, widget};
use crate::entities::{agents, conversations};
use crate::error::{ApiError, ApiResult};
use crate::events::StoredEvent;
use crate::metrics::SocketKind;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, web};
use actix_ws::{AggregatedMessageStream, CloseCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shared::api::{Conversation, ConversationStatus, WidgetPostMessage};
use shared::events::Event;
use shared::frames::{
    MAX_CLIENT_FRAME_BYTES, PROTOCOL, Typist, VisitorClientFrame, VisitorPresence, VisitorServerFrame,
};
use shared::{AgentId, ContactId, ConversationId, ErrorCode};
use std::collections::HashMap;
use std::time::Instant;

/// Open a visitor's WebSocket (subprotocols `natter.v1`, `bearer.<visitor token>`;
/// `?after=<seq>` to resume, `?page=<url>` for the current page).
#[utoipa::path(tag = "realtime", params(
    ("after" = Option<i64>, Query, description = "Resume after this sequence"),
    ("page" = Option<String>, Query, description = "The page the visitor is on"),
), responses(
    (status = 101, description = "Switching to the WebSocket protocol"),
    (status = 401, body = shared::ErrorBody, description = "`unauthorized`: no or bad `bearer.<token>` subprotocol"),
    (status = 403, body = shared::ErrorBody, description = "`forbidden`: foreign Origin, or not a visitor"),
))]
#[get("/api/v1/ws/visitor")]
pub async fn connect(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
    query: web::Query<ResumeQuery>,
) -> Result<HttpResponse, ApiError> {
    let Caller::Visitor(me) = authenticate(&req, &state).await? else { return Err(ApiError::Forbidden) };
    let page = validate::page_url("page", query.page.as_deref())?;
    let (response, socket, stream) =
        actix_ws::handle_with_protocols(&req, body, &[PROTOCOL]).map_err(|e| ApiError::Malformed(e.to_string()))?;
    let stream = stream
        .max_frame_size(MAX_CLIENT_FRAME_BYTES)
        .aggregate_continuations()
        .max_continuation_size(MAX_CLIENT_FRAME_BYTES);
    let state = state.get_ref().clone();
    let after = query.after;
    actix_web::rt::spawn(async move {
        let _open = state.metrics.socket_opened(SocketKind::Visitor);
        let contact = ContactId(me.contact.id);
        let presence = state.realtime.presence.visitor_connected(contact, page.clone());
        state.realtime.signal(Signal::Visitor(VisitorPresence {
            contact_id: contact,
            online: true,
            page: presence.page,
        }));
        if let Some(page) = page {
            save_page(&state, contact, &page);
        }
        let mut session =
            VisitorSession { state: state.clone(), me, seen: HashMap::new(), agent_names: HashMap::new() };
        session.run(Outbox::new(socket), stream, after).await;
        if let Some(left) = state.realtime.presence.visitor_disconnected(contact) {
            state.realtime.signal(Signal::Visitor(VisitorPresence {
                contact_id: contact,
                online: false,
                page: left.page,
            }));
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
}

impl VisitorSession {
    fn contact(&self) -> ContactId {
        ContactId(self.me.contact.id)
    }

    async fn run(&mut self, mut out: Outbox, mut stream: AggregatedMessageStream, after: Option<i64>) {
        // Registered before reading the log: nothing committed meanwhile is missed.
        let mut inbox = self.state.realtime.visitors.register(self.contact());
        let mut shutdown = self.state.realtime.shutdown_signal();
        let Ok(mut last) = self.start(&mut out, after).await else { return };
        let mut limit = RateLimit::new(self.state.metrics.clone());
        let mut heard = Instant::now();
        let mut ping = tokio::time::interval(PING_EVERY);
        let outcome: Result<(), Gone> = loop {
            tokio::select! {
                message = stream.recv() => {
                    heard = Instant::now();
                    match receive(&mut out, &mut limit, message, refusal).await {
                        Ok(Inbound::Frame(text)) => {
                            if let Err(gone) = self.handle(&mut out, &text).await { break Err(gone) }
                        }
                        Ok(Inbound::Handled) => {}
                        Ok(Inbound::Finished) => break Ok(()),
                        Ok(Inbound::Closed) => return,
                        Err(gone) => break Err(gone),
                    }
                }
                item = inbox.items.recv() => {
                    let resync = matches!(item, Some(VisitorItem::Resync));
                    let sent = match item {
                        Some(VisitorItem::Event(event)) if event.seq > last => {
                            last = event.seq;
                            self.deliver(&mut out, &event).await
                        }
                        Some(VisitorItem::Event(_)) => Ok(()),
                        Some(VisitorItem::Typing { typing, name }) => out.send(&VisitorServerFrame::Typing { typing, name }).await,
                        Some(VisitorItem::TeamOnline(online)) => out.send(&VisitorServerFrame::TeamOnline { online }).await,
                        Some(VisitorItem::Resync) => Ok(()),
                        None => break Ok(()),
                    };
                    if let Err(gone) = sent { break Err(gone) }
                    if resync || inbox.fell_behind() {
                        match self.catch_up(&mut out, last).await {
                            Ok(seq) => last = last.max(seq),
                            Err(gone) => break Err(gone),
                        }
                    }
                },
                _ = ping.tick() => {
                    if heard.elapsed() > IDLE_TIMEOUT {
                        out.close(CloseCode::Away, "idle").await;
                        return;
                    }
                    if let Err(gone) = out.ping().await { break Err(gone) }
                }
                _ = shutdown.changed() => {
                    out.close(CloseCode::Away, "server shutting down").await;
                    return;
                }
            }
        };
        if outcome.is_ok() {
            out.close(CloseCode::Normal, "bye").await;
        }
    }

    async fn start(&mut self, out: &mut Outbox, after: Option<i64>) -> Result<i64, Gone> {
        let last = match after {
            None => replay::latest_seq(self.state.db.conn()).await.map_err(|_| Gone)?,
            Some(after) => self.catch_up(out, after).await?,
        };
        let team_online = self.state.realtime.team_online(&self.state).await.map_err(|_| Gone)?;
        out.send(&VisitorServerFrame::Ready { last_seq: last, team_online }).await?;
        Ok(last)
    }

    async fn catch_up(&mut self, out: &mut Outbox, after: i64) -> Result<i64, Gone> {
        match replay::since(self.state.db.conn(), after, Some(self.contact())).await.map_err(|_| Gone)? {
            Replay::Reload { latest } => {
                out.send(&VisitorServerFrame::ReloadRequired { last_seq: latest }).await?;
                Ok(latest)
            }
            Replay::Events { events, last } => {
                for event in &events {
                    self.deliver(out, event).await?;
                }
                Ok(last)
            }
        }
    }

    /// The visitor's view of an event: an allowlist, so nothing for agents only
    /// (comments, notes, previews, contact details) can pass.
    async fn deliver(&mut self, out: &mut Outbox, stored: &StoredEvent) -> Result<(), Gone> {
        let seq = stored.seq;
        match &stored.event {
            Event::MessageCreated { message, conversation } => {
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
            Event::ConversationCreated { conversation } | Event::ConversationUpdated { conversation } => {
                self.conversation_state(out, seq, conversation).await
            }
            Event::ConversationDeleted { conversation_id, .. } => {
                out.send(&VisitorServerFrame::Deleted { seq, conversation_id: *conversation_id }).await
            }
            Event::ContactUpdated { .. } => Ok(()),
        }
    }

    /// Tells the visitor when their conversation closes, reopens or changes hands.
    async fn conversation_state(
        &mut self,
        out: &mut Outbox,
        seq: i64,
        conversation: &Conversation,
    ) -> Result<(), Gone> {
        let closed = conversation.status == ConversationStatus::Closed;
        let now = (closed, conversation.assignee_id);
        if self.seen.insert(conversation.id, now) == Some(now) {
            return Ok(());
        }
        let agent_name = match conversation.assignee_id {
            Some(agent) => self.agent_name(agent).await.map_err(|_| Gone)?,
            None => None,
        };
        out.send(&VisitorServerFrame::Conversation { seq, conversation_id: conversation.id, closed, agent_name }).await
    }

    async fn agent_name(&mut self, agent: AgentId) -> ApiResult<Option<String>> {
        if let Some(name) = self.agent_names.get(&agent) {
            return Ok(Some(name.clone()));
        }
        let row = agents::Entity::find_by_id(agent.0).one(self.state.db.conn()).await?;
        Ok(row.map(|a| {
            self.agent_names.insert(agent, a.name.clone());
            a.name
        }))
    }

    async fn handle(&mut self, out: &mut Outbox, text: &str) -> Result<(), Gone> {
        let frame = match serde_json::from_str::<VisitorClientFrame>(text) {
            Ok(frame) => frame,
            Err(e) => return out.send(&error(ErrorCode::MalformedRequest, &format!("unknown frame: {e}"), None)).await,
        };
        match frame {
            VisitorClientFrame::Send { body, client_id, attachment_ids } => {
                let input = WidgetPostMessage { body, client_id: client_id.clone(), attachment_ids };
                match widget::post_message(&self.state, &self.me, input).await {
                    Ok((message, _)) => {
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
                if let Ok(Some(conversation)) = self.current_conversation().await {
                    self.state.realtime.signal(Signal::Typing {
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
                    let state = self.state.realtime.presence.visitor_page(self.contact(), url.clone());
                    self.state.realtime.signal(Signal::Visitor(VisitorPresence {
                        contact_id: self.contact(),
                        online: true,
                        page: state.page,
                    }));
                    save_page(&self.state, self.contact(), &url);
                    Ok(())
                }
                Ok(None) => Ok(()),
                Err(e) => out.send(&error(e.code(), &e.to_string(), None)).await,
            },
        }
    }

    async fn current_conversation(&self) -> ApiResult<Option<ConversationId>> {
        Ok(conversations::Entity::find()
            .filter(conversations::Column::ContactId.eq(self.me.contact.id))
            .order_by_desc(conversations::Column::CreatedAt)
            .one(self.state.db.conn())
            .await?
            .map(|c| ConversationId(c.id)))
    }
}

fn refusal(code: ErrorCode, message: &str) -> VisitorServerFrame {
    error(code, message, None)
}

fn error(code: ErrorCode, message: &str, client_id: Option<String>) -> VisitorServerFrame {
    VisitorServerFrame::Error { code, message: message.to_owned(), client_id }
}
