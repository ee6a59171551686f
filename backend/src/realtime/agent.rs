//! An agent's socket: every logged event with the agent's own dots, typing and
//! presence; sends, typing and reads from the agent.

use super::caps::SocketCaps;
use super::handshake::{authenticate, upgrade};
use super::hub::{Hub, Member};
use super::outbox::Outbox;
use super::session::{self, Flow, Halt, Handler, ResumeQuery};
use crate::auth::{Caller, CurrentAgent};
use crate::bus::Signal;
use crate::db::log::{self, Replay};
use crate::domain::conversation_actions as actions;
use crate::domain::conversations::{self, dot_input_of, read_seqs};
use crate::domain::roster as team;
use crate::error::{ApiError, ApiResult};
use crate::events::StoredEvent;
use crate::metrics::SocketKind;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, web};
use actix_ws::CloseCode;
use bytestring::ByteString;
use shared::api::{Conversation, PostKind, PostMessage};
use shared::dot::{DotViewer, dot};
use shared::events::Event;
use shared::frames::{AgentClientFrame, AgentServerFrame, Typist, VisitorPresence};
use shared::{ContactId, ConversationId, Dot, ErrorCode};
use std::collections::HashMap;

/// Open an agent's WebSocket (subprotocols `natter.v1`, `bearer.<token>`; `?after=<seq>` to resume).
#[utoipa::path(tag = "realtime", operation_id = "agent_socket", params(("after" = Option<i64>, Query, description = "Resume after this sequence")), responses(
    (status = 101, description = "Switching to the WebSocket protocol"),
    (status = 401, body = shared::ErrorBody, description = "`unauthorized`, `token_expired`: no or bad `bearer.<token>` subprotocol"),
    (status = 403, body = shared::ErrorBody, description = "`forbidden`: foreign Origin, or not an agent"),
    (status = 400, body = shared::ErrorBody, description = "`malformed_request`: not a WebSocket upgrade, or a bad `after`"),
    (status = 429, body = shared::ErrorBody, description = "`rate_limited`: too many sockets open for this token or address"),
))]
#[get("/api/v1/ws/agent")]
pub async fn connect(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
    hub: web::Data<Hub>,
    caps: web::Data<SocketCaps>,
    query: web::Query<ResumeQuery>,
) -> Result<HttpResponse, ApiError> {
    let Caller::Agent(me) = authenticate(&req, &state).await? else { return Err(ApiError::Forbidden) };
    let ticket = caps.admit(req.peer_addr().map(|a| a.ip()), None)?;
    let (response, socket, stream) = upgrade(&req, body).await?;
    let (state, hub) = (state.get_ref().clone(), hub.get_ref().clone());
    let after = query.after;
    actix_web::rt::spawn(async move {
        let _ticket = ticket;
        let membership = hub.join(Member::Agent(me.agent_id)).await;
        let _open = state.metrics.socket_opened(SocketKind::Agent);
        let agent = me.agent_id;
        if let Some(id) = agent {
            state.bus.presence().agent_connected(id);
        }
        let session =
            AgentSession { state: state.clone(), me, reads: HashMap::new(), contacts: HashMap::new(), since: i64::MAX };
        let (shutdown, metrics) = (state.shutdown.clone(), state.metrics.clone());
        session::run(session, socket, stream, membership, shutdown, after, metrics).await;
        if let Some(id) = agent {
            state.bus.presence().agent_disconnected(id);
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

impl Handler for AgentSession {
    fn refusal(&self, code: ErrorCode, message: &str) -> ByteString {
        frame(&error(code, message, None))
    }

    /// Replays what was missed (or asks for a reload), then says ready.
    async fn start(&mut self, out: &mut Outbox, after: Option<i64>) -> Result<i64, Halt> {
        let last = match after {
            None => log::latest_seq(self.state.db.conn()).await.map_err(Halt::unavailable)?,
            Some(after) => self.catch_up(out, after).await?,
        };
        self.since = last;
        let team = team::snapshot(&self.state).await.map_err(Halt::unavailable)?;
        let agents = team.team.agents.iter().map(|a| team.presence_of(*a)).collect();
        let visitors = self
            .state
            .bus
            .presence()
            .visitors_online()
            .await
            .into_iter()
            .map(|(contact_id, page)| VisitorPresence { contact_id, online: true, page })
            .collect();
        out.send(&AgentServerFrame::Ready { agent_id: self.me.agent_id, last_seq: last, agents, visitors }).await?;
        Ok(last)
    }

    async fn catch_up(&mut self, out: &mut Outbox, after: i64) -> Result<i64, Halt> {
        match log::since(self.state.db.conn(), after, None).await.map_err(Halt::unavailable)? {
            Replay::Reload { latest } => {
                out.send(&AgentServerFrame::ReloadRequired { last_seq: latest }).await?;
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
        match self.me.still_valid(&self.state).await {
            Ok(true) => {}
            Ok(false) => return self.ended(out).await,
            // A database blip is not a revocation: refuse this frame, keep the socket.
            Err(_) => {
                out.send(&error(ErrorCode::Unavailable, "try again in a moment", None)).await?;
                return Ok(Flow::Continue);
            }
        }
        self.handle(out, text).await.map(|()| Flow::Continue)
    }

    /// Sends the event's shared frame, with this agent's own dot on a conversation.
    async fn event(&mut self, out: &mut Outbox, stored: &StoredEvent) -> Result<(), Halt> {
        let dot = match &stored.event {
            Event::ConversationCreated { conversation } | Event::ConversationUpdated { conversation } => {
                self.dot_of(conversation).await.map_err(Halt::unavailable)?
            }
            Event::MessageCreated { conversation: Some(conversation), .. } => {
                self.dot_of(conversation).await.map_err(Halt::unavailable)?
            }
            Event::ConversationDeleted { conversation_id, .. } => {
                self.reads.remove(conversation_id);
                Dot::None
            }
            Event::MessageCreated { conversation: None, .. }
            | Event::ContactUpdated { .. }
            | Event::ContactDeleted { .. } => Dot::None,
        };
        out.send_text(stored.agent_frame(dot)).await
    }

    async fn signal(&mut self, out: &mut Outbox, signal: &Signal) -> Result<(), Halt> {
        match signal {
            Signal::Typing { conversation, typist, typing, .. } => {
                let own = matches!(typist, Typist::Agent { agent_id, .. } if Some(*agent_id) == self.me.agent_id);
                if own {
                    return Ok(());
                }
                let frame = AgentServerFrame::Typing {
                    conversation_id: *conversation,
                    typist: typist.clone(),
                    typing: *typing,
                };
                out.send(&frame).await
            }
            Signal::Agent(presence) => out.send(&AgentServerFrame::Presence(presence.clone())).await,
            Signal::Visitor(visitor) => out.send(&AgentServerFrame::Visitor(visitor.clone())).await,
            Signal::Read { agent, conversation, read_seq } if Some(*agent) == self.me.agent_id => {
                self.reads.insert(*conversation, Some(*read_seq));
                let Ok(row) = conversations::find_row(self.state.db.conn(), *conversation).await else { return Ok(()) };
                let dot = self.dot_of(&row.to_dto(Dot::None)).await.map_err(Halt::unavailable)?;
                out.send(&AgentServerFrame::Dot { conversation_id: *conversation, dot }).await
            }
            _ => Ok(()),
        }
    }

    async fn heartbeat(&mut self, out: &mut Outbox) -> Result<Flow, Halt> {
        match self.me.still_valid(&self.state).await {
            Ok(false) => self.ended(out).await,
            // True, or the database could not say: check again at the next heartbeat.
            Ok(true) | Err(_) => Ok(Flow::Continue),
        }
    }
}

impl AgentSession {
    /// The token expired or the session was ended: say so and close with 1008,
    /// so the client refreshes its token and resumes.
    async fn ended(&self, out: &mut Outbox) -> Result<Flow, Halt> {
        out.send(&error(ErrorCode::Unauthorized, "the session ended; sign in again", None)).await?;
        Ok(Flow::Close(CloseCode::Policy, "session ended"))
    }

    async fn dot_of(&mut self, conversation: &Conversation) -> ApiResult<Dot> {
        let team = team::snapshot(&self.state).await?;
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

    async fn handle(&mut self, out: &mut Outbox, text: &str) -> Result<(), Halt> {
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
                        self.state.bus.signal(Signal::Typing {
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
        let row = conversations::find_row(self.state.db.conn(), conversation).await?;
        let contact = ContactId(row.contact_id);
        self.contacts.insert(conversation, contact);
        Ok(contact)
    }
}

fn frame(frame: &AgentServerFrame) -> ByteString {
    serde_json::to_string(frame).unwrap_or_default().into()
}

fn error(code: ErrorCode, message: &str, client_id: Option<String>) -> AgentServerFrame {
    AgentServerFrame::Error { code, message: message.to_owned(), client_id }
}
