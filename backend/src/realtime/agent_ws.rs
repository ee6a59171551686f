//! An agent's socket: every logged event with the agent's own dots, typing and
//! presence; sends, typing and reads from the agent.

use super::Signal;
use super::handshake::authenticate;
use super::replay::{self, Replay};
use super::session::{Gone, IDLE_TIMEOUT, Inbound, Outbox, PING_EVERY, RateLimit, ResumeQuery, receive};
use crate::auth::{Caller, CurrentAgent};
use crate::domain::conversation_actions as actions;
use crate::domain::conversations::{dot_input_of, find_row, read_seqs};
use crate::entities::conversations;
use crate::error::{ApiError, ApiResult};
use crate::events::StoredEvent;
use crate::metrics::SocketKind;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, web};
use actix_ws::{AggregatedMessageStream, CloseCode};
use sea_orm::EntityTrait;
use shared::api::{Conversation, PostKind, PostMessage};
use shared::dot::{DotViewer, dot};
use shared::events::Event;
use shared::frames::{AgentClientFrame, AgentServerFrame, MAX_CLIENT_FRAME_BYTES, PROTOCOL, Typist, VisitorPresence};
use shared::{ContactId, ConversationId, Dot, ErrorCode};
use std::collections::HashMap;
use std::time::Instant;
use tokio::sync::broadcast::error::RecvError;

/// Open an agent's WebSocket (subprotocols `natter.v1`, `bearer.<token>`; `?after=<seq>` to resume).
#[utoipa::path(tag = "realtime", params(("after" = Option<i64>, Query, description = "Resume after this sequence")), responses(
    (status = 101, description = "Switching to the WebSocket protocol"),
    (status = 401, body = shared::ErrorBody, description = "`unauthorized`, `token_expired`: no or bad `bearer.<token>` subprotocol"),
    (status = 403, body = shared::ErrorBody, description = "`forbidden`: foreign Origin, or not an agent"),
))]
#[get("/api/v1/ws/agent")]
pub async fn connect(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
    query: web::Query<ResumeQuery>,
) -> Result<HttpResponse, ApiError> {
    let Caller::Agent(me) = authenticate(&req, &state).await? else { return Err(ApiError::Forbidden) };
    let (response, socket, stream) =
        actix_ws::handle_with_protocols(&req, body, &[PROTOCOL]).map_err(|e| ApiError::Malformed(e.to_string()))?;
    let stream = stream
        .max_frame_size(MAX_CLIENT_FRAME_BYTES)
        .aggregate_continuations()
        .max_continuation_size(MAX_CLIENT_FRAME_BYTES);
    let state = state.get_ref().clone();
    let after = query.after;
    actix_web::rt::spawn(async move {
        let _open = state.metrics.socket_opened(SocketKind::Agent);
        let agent = me.agent_id;
        let mut session =
            AgentSession { state: state.clone(), me, reads: HashMap::new(), contacts: HashMap::new(), since: i64::MAX };
        if let Some(id) = agent
            && state.realtime.presence.agent_connected(id)
            && let Err(e) = state.realtime.team_changed(&state).await
        {
            tracing::warn!(error = %e, "presence update failed");
        }
        session.run(Outbox::new(socket), stream, after).await;
        if let Some(id) = agent {
            state.realtime.presence.agent_disconnected(id, state.now());
        }
    });
    Ok(response)
}

struct AgentSession {
    state: AppState,
    me: CurrentAgent,
    /// Read state of conversations this session has seen, loaded when first needed.
    reads: HashMap<ConversationId, Option<i64>>,
    /// The contact of conversations this session typed in.
    contacts: HashMap<ConversationId, ContactId>,
    /// The latest sequence when the session started.
    since: i64,
}

impl AgentSession {
    async fn run(&mut self, mut out: Outbox, mut stream: AggregatedMessageStream, after: Option<i64>) {
        let mut bus = self.state.db.bus().subscribe();
        let mut signals = self.state.realtime.signals();
        let mut shutdown = self.state.realtime.shutdown_signal();
        let mut last = match self.start(&mut out, after).await {
            Ok(last) => last,
            Err(_) => return,
        };
        self.since = last;
        let mut limit = RateLimit::new(self.state.metrics.clone());
        let mut heard = Instant::now();
        let mut ping = tokio::time::interval(PING_EVERY);
        let outcome: Result<(), Gone> = loop {
            tokio::select! {
                message = stream.recv() => {
                    heard = Instant::now();
                    match receive(&mut out, &mut limit, message, refusal).await {
                        Ok(Inbound::Frame(text)) => {
                            if !self.me.still_valid(&self.state).await.unwrap_or(false) {
                                return self.end_expired(&mut out).await;
                            }
                            if let Err(gone) = self.handle(&mut out, &text).await { break Err(gone) }
                        }
                        Ok(Inbound::Handled) => {}
                        Ok(Inbound::Finished) => break Ok(()),
                        Ok(Inbound::Closed) => return,
                        Err(gone) => break Err(gone),
                    }
                }
                event = bus.recv() => match event {
                    Ok(event) if event.seq > last => {
                        last = event.seq;
                        if let Err(gone) = self.deliver(&mut out, &event).await { break Err(gone) }
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => match self.catch_up(&mut out, last).await {
                        Ok(seq) => last = seq,
                        Err(gone) => break Err(gone),
                    },
                    Err(RecvError::Closed) => break Ok(()),
                },
                signal = signals.recv() => match signal {
                    Ok(signal) => if let Err(gone) = self.on_signal(&mut out, signal).await { break Err(gone) },
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => break Ok(()),
                },
                _ = ping.tick() => {
                    if !self.me.still_valid(&self.state).await.unwrap_or(false) {
                        return self.end_expired(&mut out).await;
                    }
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

    /// The token expired or the session was ended: say so and close, so the
    /// client refreshes its token and resumes.
    async fn end_expired(&self, out: &mut Outbox) {
        let _ = out.send(&error(ErrorCode::Unauthorized, "the session ended; sign in again", None)).await;
        out.close(CloseCode::Policy, "session ended").await;
    }

    /// Replays what was missed (or asks for a reload), then says ready.
    async fn start(&mut self, out: &mut Outbox, after: Option<i64>) -> Result<i64, Gone> {
        let db = self.state.db.conn();
        let last = match after {
            None => replay::latest_seq(db).await.map_err(|_| Gone)?,
            Some(after) => self.catch_up(out, after).await?,
        };
        let team = self.state.realtime.team(&self.state).await.map_err(|_| Gone)?;
        let agents = team.team.agents.iter().map(|a| team.presence_of(*a)).collect();
        let visitors = self
            .state
            .realtime
            .presence
            .visitors_online()
            .into_iter()
            .map(|(contact_id, page)| VisitorPresence { contact_id, online: true, page })
            .collect();
        out.send(&AgentServerFrame::Ready { agent_id: self.me.agent_id, last_seq: last, agents, visitors }).await?;
        Ok(last)
    }

    /// Sends the events after `after` from the log; returns the last sequence sent.
    async fn catch_up(&mut self, out: &mut Outbox, after: i64) -> Result<i64, Gone> {
        match replay::since(self.state.db.conn(), after, None).await.map_err(|_| Gone)? {
            Replay::Reload { latest } => {
                out.send(&AgentServerFrame::ReloadRequired { last_seq: latest }).await?;
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

    /// Sends the event's shared frame, with this agent's own dot on a conversation.
    async fn deliver(&mut self, out: &mut Outbox, stored: &StoredEvent) -> Result<(), Gone> {
        let dot = match &stored.event {
            Event::ConversationCreated { conversation } | Event::ConversationUpdated { conversation } => {
                self.dot_of(conversation).await.map_err(|_| Gone)?
            }
            Event::MessageCreated { conversation: Some(conversation), .. } => {
                self.dot_of(conversation).await.map_err(|_| Gone)?
            }
            Event::ConversationDeleted { conversation_id, .. } => {
                self.reads.remove(conversation_id);
                Dot::None
            }
            Event::MessageCreated { .. } | Event::ContactUpdated { .. } => Dot::None,
        };
        out.send_text(stored.agent_frame(dot)).await
    }

    async fn dot_of(&mut self, conversation: &Conversation) -> ApiResult<Dot> {
        let team = self.state.realtime.team(&self.state).await?;
        let viewer = match self.me.agent_id {
            Some(agent) => {
                let read = match self.reads.get(&conversation.id) {
                    Some(seq) => *seq,
                    // A visitor message newer than this session: any read of it was
                    // announced to this session, so no entry means unread.
                    None if conversation.last_visitor_seq.is_none_or(|seq| seq > self.since) => None,
                    None => {
                        let seqs = read_seqs(self.state.db.conn(), agent, vec![conversation.id.0]).await?;
                        let seq = seqs.get(&conversation.id.0).copied();
                        self.reads.insert(conversation.id, seq);
                        seq
                    }
                };
                Some(DotViewer { agent, last_read_seq: read })
            }
            None => None,
        };
        let missed_after = self.state.settings.missed_after();
        Ok(dot(&dot_input_of(conversation), viewer.as_ref(), &team.team, self.state.now(), missed_after))
    }

    async fn handle(&mut self, out: &mut Outbox, text: &str) -> Result<(), Gone> {
        let frame = match serde_json::from_str::<AgentClientFrame>(text) {
            Ok(frame) => frame,
            Err(e) => return out.send(&error(ErrorCode::MalformedRequest, &format!("unknown frame: {e}"), None)).await,
        };
        match frame {
            AgentClientFrame::Send { conversation_id, kind, body, client_id, attachment_ids } => {
                let input = PostMessage { kind, body, client_id: client_id.clone(), attachment_ids };
                match actions::post(&self.state, &self.me, conversation_id, input).await {
                    Ok((message, _)) => out.send(&AgentServerFrame::Ack { client_id, message }).await,
                    Err(e) => out.send(&error(e.code(), &e.to_string(), Some(client_id))).await,
                }
            }
            AgentClientFrame::Typing { conversation_id, typing, kind } => {
                let Some(agent_id) = self.me.agent_id else { return Ok(()) };
                match self.contact_of(conversation_id).await {
                    Ok(contact) => {
                        self.state.realtime.signal(Signal::Typing {
                            conversation: conversation_id,
                            contact,
                            typist: Typist::Agent { agent_id, name: self.me.name.clone() },
                            reply: kind == PostKind::Reply,
                            typing,
                        });
                        Ok(())
                    }
                    Err(e) => out.send(&error(e.code(), &e.to_string(), None)).await,
                }
            }
            AgentClientFrame::Read { conversation_id } => {
                match actions::mark_read(&self.state, &self.me, conversation_id).await {
                    Ok(_) => Ok(()),
                    Err(e) => out.send(&error(e.code(), &e.to_string(), None)).await,
                }
            }
        }
    }

    async fn contact_of(&mut self, conversation: ConversationId) -> ApiResult<ContactId> {
        if let Some(contact) = self.contacts.get(&conversation) {
            return Ok(*contact);
        }
        let row = conversations::Entity::find_by_id(conversation.0)
            .one(self.state.db.conn())
            .await?
            .ok_or(ApiError::NotFound)?;
        let contact = ContactId(row.contact_id);
        self.contacts.insert(conversation, contact);
        Ok(contact)
    }

    async fn on_signal(&mut self, out: &mut Outbox, signal: Signal) -> Result<(), Gone> {
        match signal {
            Signal::Typing { conversation, typist, typing, .. } => {
                let own = matches!(&typist, Typist::Agent { agent_id, .. } if Some(*agent_id) == self.me.agent_id);
                if own {
                    return Ok(());
                }
                out.send(&AgentServerFrame::Typing { conversation_id: conversation, typist, typing }).await
            }
            Signal::Agent(presence) => out.send(&AgentServerFrame::Presence(presence)).await,
            Signal::Visitor(visitor) => out.send(&AgentServerFrame::Visitor(visitor)).await,
            Signal::TeamOnline(_) => Ok(()),
            Signal::Read { agent, conversation, read_seq } => {
                if Some(agent) != self.me.agent_id {
                    return Ok(());
                }
                self.reads.insert(conversation, Some(read_seq));
                let Ok(row) = find_row(self.state.db.conn(), conversation).await else { return Ok(()) };
                let dto = row.to_dto(Dot::None);
                let dot = self.dot_of(&dto).await.map_err(|_| Gone)?;
                out.send(&AgentServerFrame::Dot { conversation_id: conversation, dot }).await
            }
        }
    }
}

fn refusal(code: ErrorCode, message: &str) -> AgentServerFrame {
    error(code, message, None)
}

fn error(code: ErrorCode, message: &str, client_id: Option<String>) -> AgentServerFrame {
    AgentServerFrame::Error { code, message: message.to_owned(), client_id }
}
