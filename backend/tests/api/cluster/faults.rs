//! A node dies, Redis drops its connections: nothing acknowledged is lost or
//! delivered twice, and the cluster carries on by itself.

use super::harness::{Cluster, Options};
use crate::helpers::{Received, Remote, Ws};
use shared::api::*;
use shared::events::Event;
use shared::frames::*;
use shared::{ContactId, MessageId};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Messages per visitor (under a socket's burst allowance, so that pacing is not the subject).
const MESSAGES: usize = 30;

/// What one visitor got acknowledged, in the order it sent.
struct Sent {
    contact: ContactId,
    acked: Vec<MessageId>,
}

/// A visitor that sends [`MESSAGES`] messages, each after the previous one's
/// ack; when its node goes away it reconnects to the next one (resuming after
/// what it saw) and sends the unacknowledged message again with its client id.
async fn chatty_visitor(nodes: Vec<Remote>, first: usize, name: String, acks: Arc<AtomicUsize>) -> Sent {
    let visitor = nodes[first].new_visitor().await;
    let (mut at, mut acked, mut last_seq) = (first, Vec::new(), None);
    let mut ws: Option<Ws> = None;
    while acked.len() < MESSAGES {
        let Some(socket) = ws.as_mut() else {
            ws = nodes[at].try_visitor_ws(&visitor.token, last_seq).await;
            if ws.is_none() {
                at = (at + 1) % nodes.len();
            }
            continue;
        };
        let client_id = format!("{name}-{}", acked.len());
        socket
            .send(&VisitorClientFrame::Send {
                body: client_id.clone(),
                client_id: client_id.clone(),
                attachment_ids: vec![],
            })
            .await;
        loop {
            match socket.receive::<VisitorServerFrame>().await {
                Received::Frame(VisitorServerFrame::Ack { client_id: id, message_id, seq, .. }) if id == client_id => {
                    acked.push(message_id);
                    last_seq = Some(seq);
                    acks.fetch_add(1, Ordering::SeqCst);
                    break;
                }
                Received::Frame(VisitorServerFrame::Error { code, client_id: Some(id), .. }) if id == client_id => {
                    // Retryable (a node going away): send it again.
                    assert!(matches!(code, shared::ErrorCode::Unavailable), "refused: {code:?}");
                    break;
                }
                Received::Frame(_) => {}
                Received::Closed(_) => {
                    ws = None;
                    at = (at + 1) % nodes.len();
                    break;
                }
            }
        }
    }
    Sent { contact: visitor.contact_id, acked }
}

/// An agent's view of the message events: (seq, message id) in arrival order.
#[derive(Default)]
struct Seen {
    messages: Vec<(i64, MessageId)>,
    last_seq: i64,
}

impl Seen {
    fn take(&mut self, frame: &AgentServerFrame) {
        if let AgentServerFrame::Event { seq, event } = frame {
            self.last_seq = *seq;
            if let Event::MessageCreated { message, .. } = event {
                self.messages.push((*seq, message.id));
            }
        }
    }

    fn has_all(&self, expected: &HashSet<MessageId>) -> bool {
        let ids: HashSet<MessageId> = self.messages.iter().map(|(_, id)| *id).collect();
        expected.is_subset(&ids)
    }

    /// An agent socket on `node` resuming after the last event seen; the events
    /// replayed before its `ready` count as seen.
    async fn resume(&mut self, node: &Remote, token: &str) -> Ws {
        let path = format!("/api/v1/ws/agent?after={}", self.last_seq);
        let mut ws = node.ws(&path, token, None).await.expect("agent socket");
        loop {
            let frame: AgentServerFrame = ws.next().await;
            if matches!(frame, AgentServerFrame::Ready { .. }) {
                return ws;
            }
            assert!(!matches!(frame, AgentServerFrame::ReloadRequired { .. }), "resumable");
            self.take(&frame);
        }
    }

    /// Reads `ws` until every expected message was seen.
    async fn catch_up(&mut self, ws: &mut Ws, expected: &HashSet<MessageId>, who: &str) {
        while !self.has_all(expected) {
            let next = tokio::time::timeout(Duration::from_secs(5), ws.receive::<AgentServerFrame>()).await;
            match next {
                Ok(Received::Frame(frame)) => self.take(&frame),
                other => {
                    let ids: HashSet<MessageId> = self.messages.iter().map(|(_, id)| *id).collect();
                    let missing = expected.difference(&ids).count();
                    panic!("{who} stopped with {missing} messages missing (last seq {}): {other:?}", self.last_seq);
                }
            }
        }
    }

    /// Every expected message once, in sequence order.
    fn check(&self, expected: &HashSet<MessageId>, who: &str) {
        let mut once = HashSet::new();
        for (_, id) in &self.messages {
            assert!(once.insert(*id), "{who} got message {id:?} twice");
        }
        assert!(expected.is_subset(&once), "{who} missed {} messages", expected.difference(&once).count());
        assert!(self.messages.windows(2).all(|w| w[0].0 < w[1].0), "{who} got events out of order");
    }
}

fn spawn_visitors(nodes: &[Remote], starts: &[usize], acks: &Arc<AtomicUsize>) -> Vec<tokio::task::JoinHandle<Sent>> {
    starts
        .iter()
        .enumerate()
        .map(|(i, &first)| tokio::spawn(chatty_visitor(nodes.to_vec(), first, format!("v{i}"), acks.clone())))
        .collect()
}

/// Every acknowledged message is stored once, in the order its visitor sent it.
async fn check_stored(node: &Remote, sent: &[Sent]) {
    for visitor in sent {
        let detail: ContactDetail =
            node.get(&format!("/api/v1/contacts/{}", visitor.contact), node.admin_token()).await.json(200);
        let conv = detail.conversations.first().expect("the visitor's conversation").id;
        let thread: shared::Page<Message> =
            node.get(&format!("/api/v1/conversations/{conv}/messages?limit=200"), node.admin_token()).await.json(200);
        let mut stored: Vec<&Message> = thread.items.iter().filter(|m| m.kind == MessageKind::Visitor).collect();
        stored.sort_by_key(|m| m.seq);
        let stored: Vec<MessageId> = stored.iter().map(|m| m.id).collect();
        assert_eq!(stored, visitor.acked, "stored once each, in order");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_under_load_loses_nothing() {
    let Some(mut cluster) = Cluster::start(3, Options::default()).await else { return };
    let nodes: Vec<Remote> = cluster.nodes.iter().map(|n| n.remote.clone()).collect();
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let (mut watcher, _) = a.agent_ws(a.admin_token(), None).await;
    let ben = a.new_offline_agent("Ben", Role::Agent).await;
    let (mut ben_ws, _) = b.agent_ws(&ben.access_token, None).await;
    watcher.until(|f| matches!(f, AgentServerFrame::Presence(p) if p.agent_id == ben.agent.id && p.online)).await;

    let acks = Arc::new(AtomicUsize::new(0));
    let visitors = spawn_visitors(&nodes, &[0, 1, 2, 0, 1, 2, 0, 1, 2], &acks);
    let (mut seen, mut ben_seen) = (Seen::default(), Seen::default());
    // Node B dies a third of the way through.
    while acks.load(Ordering::SeqCst) < 3 * MESSAGES {
        let frame: AgentServerFrame = watcher.next().await;
        seen.take(&frame);
    }
    cluster.nodes[1].kill();
    let killed = Instant::now();
    // Ben's socket on B ends; the watcher sees him go offline within 10 s.
    while let Received::Frame(frame) = ben_ws.receive::<AgentServerFrame>().await {
        ben_seen.take(&frame);
    }
    loop {
        let frame: AgentServerFrame = watcher.next().await;
        seen.take(&frame);
        if matches!(&frame, AgentServerFrame::Presence(p) if p.agent_id == ben.agent.id && !p.online) {
            break;
        }
    }
    let offline_after = killed.elapsed();
    assert!(offline_after <= Duration::from_secs(10), "offline after {offline_after:?}");

    // Ben resumes on C from where he was.
    let mut ben_ws = ben_seen.resume(c, &ben.access_token).await;
    let mut sent = Vec::new();
    for visitor in visitors {
        sent.push(visitor.await.expect("visitor"));
    }
    let expected: HashSet<MessageId> = sent.iter().flat_map(|s| s.acked.iter().copied()).collect();
    assert_eq!(expected.len(), 9 * MESSAGES);
    seen.catch_up(&mut watcher, &expected, "the agent on A").await;
    seen.check(&expected, "the agent on A");
    ben_seen.catch_up(&mut ben_ws, &expected, "the agent who moved from B to C").await;
    ben_seen.check(&expected, "the agent who moved from B to C");
    check_stored(c, &sent).await;
    eprintln!("B's agent went offline {offline_after:?} after B was killed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_connections_cut_under_load_lose_nothing() {
    let Some(cluster) = Cluster::start(2, Options::default()).await else { return };
    let nodes: Vec<Remote> = cluster.nodes.iter().map(|n| n.remote.clone()).collect();
    // Visitors write on A; the agent reads on B: every event crosses Redis (or the log).
    let (mut agent, _) = nodes[1].agent_ws(nodes[1].admin_token(), None).await;
    let acks = Arc::new(AtomicUsize::new(0));
    let visitors = spawn_visitors(&nodes[..1], &[0; 6], &acks);
    let mut seen = Seen::default();
    while acks.load(Ordering::SeqCst) < 2 * MESSAGES {
        seen.take(&agent.next().await);
    }
    assert!(cluster.redis.cut() > 0, "the nodes were connected to Redis");
    let mut sent = Vec::new();
    for visitor in visitors {
        sent.push(visitor.await.expect("visitor"));
    }
    let expected: HashSet<MessageId> = sent.iter().flat_map(|s| s.acked.iter().copied()).collect();
    seen.catch_up(&mut agent, &expected, "the agent on B").await;
    seen.check(&expected, "the agent on B");
    check_stored(&nodes[1], &sent).await;

    // Signals flow again once the nodes have reconnected: a visitor's typing on A reaches B.
    let visitor = nodes[0].new_visitor().await;
    let conv = nodes[0].visitor_says(&visitor, "still there?").await;
    let mut vws = nodes[0].visitor_ws(&visitor.token, None).await;
    // (Signals are ephemeral: one sent while a node resubscribes is gone, so keep typing.)
    for attempt in 0.. {
        assert!(attempt < 20, "typing never crossed again");
        vws.send(&VisitorClientFrame::Typing { typing: attempt % 2 == 0 }).await;
        let crossed =
            agent.until(|f| matches!(f, AgentServerFrame::Typing { conversation_id, .. } if *conversation_id == conv));
        if tokio::time::timeout(Duration::from_secs(1), crossed).await.is_ok() {
            break;
        }
    }
}
