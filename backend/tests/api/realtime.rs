//! Real WebSocket clients against the running server.

use crate::helpers::{Received, TestApp};
use crate::on_both_databases;
use serde_json::json;
use shared::api::*;
use shared::events::Event;
use shared::frames::*;
use shared::{ConversationId, Dot, ErrorCode};

on_both_databases!(
    fan_out_and_isolation,
    dots_change_live_per_agent,
    offline_assignee_turns_red_and_return_clears,
    resume_loses_and_duplicates_nothing,
    sends_are_acked_and_idempotent,
    typing_and_presence,
    upgrades_are_authenticated,
    ended_sessions_lose_their_socket,
    bad_frames_are_refused,
);

fn is_event(f: &AgentServerFrame) -> bool {
    matches!(f, AgentServerFrame::Event { .. })
}

/// The next event frame (skipping presence, typing and the like).
async fn next_event(ws: &mut crate::helpers::Ws) -> (i64, Event) {
    match ws.until(is_event).await {
        AgentServerFrame::Event { seq, event } => (seq, event),
        _ => unreachable!(),
    }
}

/// The next state of `conv` (from any event that carries it), with the recipient's dot.
async fn next_conversation(ws: &mut crate::helpers::Ws, conv: ConversationId) -> Conversation {
    conversation_where(ws, conv, |_| true).await
}

/// The next state of `conv` that satisfies `wanted`.
async fn conversation_where(
    ws: &mut crate::helpers::Ws,
    conv: ConversationId,
    wanted: impl Fn(&Conversation) -> bool,
) -> Conversation {
    loop {
        let state = match next_event(ws).await {
            (_, Event::ConversationUpdated { conversation } | Event::ConversationCreated { conversation }) => {
                Some(conversation)
            }
            (_, Event::MessageCreated { conversation: Some(conversation), .. }) => Some(*conversation),
            _ => None,
        };
        if let Some(conversation) = state
            && conversation.id == conv
            && wanted(&conversation)
        {
            return conversation;
        }
    }
}

async fn visitor_message(ws: &mut crate::helpers::Ws) -> VisitorMessage {
    match ws.until(|f: &VisitorServerFrame| matches!(f, VisitorServerFrame::Message { .. })).await {
        VisitorServerFrame::Message { message, .. } => message,
        _ => unreachable!(),
    }
}

async fn fan_out_and_isolation(app: TestApp) {
    let ben = app.new_offline_agent("Ben", Role::Agent).await;
    let (mut admin_ws, _) = app.agent_ws(app.admin_token(), None).await;
    let (mut ben_ws, _) = app.agent_ws(&ben.access_token, None).await;
    let a = app.new_visitor().await;
    let b = app.new_visitor().await;
    let mut a_ws = app.visitor_ws(&a.token, None).await;
    let mut b_ws = app.visitor_ws(&b.token, None).await;

    a_ws.send(&VisitorClientFrame::Send { body: "Hi from A".into(), client_id: "a1".into(), attachment_ids: vec![] })
        .await;
    let ack = a_ws.until(|f: &VisitorServerFrame| matches!(f, VisitorServerFrame::Ack { .. })).await;
    let VisitorServerFrame::Ack { client_id, message_id, seq, .. } = ack else { unreachable!() };
    assert_eq!(client_id, "a1");
    assert!(seq > 0);
    // Both agents get it.
    for ws in [&mut admin_ws, &mut ben_ws] {
        let (_, event) = ws
            .until(|f: &AgentServerFrame| {
                matches!(f, AgentServerFrame::Event { event: Event::MessageCreated { .. }, .. })
            })
            .await
            .into_event();
        let Event::MessageCreated { message, .. } = event else { unreachable!() };
        assert_eq!((message.id, message.body.as_str()), (message_id, "Hi from A"));
    }
    let conv = app.conversation(app.admin_token(), ConversationId(uuid_of_conversation(&app, &a.token).await)).await.id;

    // A comment reaches agents, never the visitor; the reply after it does.
    app.agent_says(&ben.access_token, conv, PostKind::Comment, "internal: VIP").await;
    app.agent_says(&ben.access_token, conv, PostKind::Reply, "Hello A").await;
    let seen = visitor_message(&mut a_ws).await;
    assert_eq!(seen.body, "Hi from A", "own message echoes");
    let seen = visitor_message(&mut a_ws).await;
    assert_eq!((seen.kind, seen.body.as_str()), (VisitorMessageKind::Agent, "Hello A"), "the comment was skipped");
    assert_eq!(seen.author_name.as_deref(), Some("Ben"));
    let (_, Event::MessageCreated { message, .. }) = next_message_event(&mut admin_ws).await else { unreachable!() };
    assert_eq!(message.kind, MessageKind::Comment);

    // B saw nothing of A: its first frame after its own send is its own message.
    b_ws.send(&VisitorClientFrame::Send { body: "B here".into(), client_id: "b1".into(), attachment_ids: vec![] })
        .await;
    let first = b_ws.next::<VisitorServerFrame>().await;
    match first {
        VisitorServerFrame::Message { message, .. } | VisitorServerFrame::Ack { message, .. } => {
            assert_eq!(message.body, "B here")
        }
        VisitorServerFrame::Conversation { .. } => {}
        other => panic!("B received {other:?}"),
    }
}

trait IntoEvent {
    fn into_event(self) -> (i64, Event);
}

impl IntoEvent for AgentServerFrame {
    fn into_event(self) -> (i64, Event) {
        match self {
            AgentServerFrame::Event { seq, event } => (seq, event),
            other => panic!("not an event: {other:?}"),
        }
    }
}

async fn next_message_event(ws: &mut crate::helpers::Ws) -> (i64, Event) {
    loop {
        let (seq, event) = next_event(ws).await;
        if matches!(event, Event::MessageCreated { .. }) {
            return (seq, event);
        }
    }
}

async fn uuid_of_conversation(app: &TestApp, visitor_token: &str) -> uuid::Uuid {
    let thread: WidgetConversation = app.get("/api/v1/widget/conversation", visitor_token).await.json(200);
    thread.conversation.expect("conversation").id.0
}

async fn dots_change_live_per_agent(app: TestApp) {
    let ben = app.new_offline_agent("Ben", Role::Agent).await;
    let (mut admin_ws, _) = app.agent_ws(app.admin_token(), None).await;
    let (mut ben_ws, _) = app.agent_ws(&ben.access_token, None).await;
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "Hello?").await;
    // New and unassigned: purple for both.
    let waiting = |c: &Conversation| c.last_visitor_seq.is_some();
    assert_eq!(conversation_where(&mut admin_ws, conv, waiting).await.dot, Dot::Purple);
    assert_eq!(conversation_where(&mut ben_ws, conv, waiting).await.dot, Dot::Purple);
    // Assigned to Ben: purple for Ben only.
    app.post(&format!("/api/v1/conversations/{conv}/assign"), app.admin_token(), &json!({"agent_id": ben.agent.id}))
        .await
        .json::<Conversation>(200);
    let assigned = |c: &Conversation| c.assignee_id.is_some();
    assert_eq!(conversation_where(&mut admin_ws, conv, assigned).await.dot, Dot::None);
    assert_eq!(conversation_where(&mut ben_ws, conv, assigned).await.dot, Dot::Purple);
    // Opening it clears Ben's dot, live.
    ben_ws.send(&AgentClientFrame::Read { conversation_id: conv }).await;
    let dot = ben_ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Dot { .. })).await;
    assert_eq!(dot, AgentServerFrame::Dot { conversation_id: conv, dot: Dot::None });
    // The deadline passes with no reply: the server turns it red for everyone.
    app.clock.advance(chrono::Duration::seconds(31));
    let red = next_conversation(&mut admin_ws, conv).await;
    assert_eq!((red.dot, red.missed_at.is_some()), (Dot::Red, true));
    assert_eq!(next_conversation(&mut ben_ws, conv).await.dot, Dot::Red);
    // A comment does not clear it; a reply does.
    ben_ws
        .send(&AgentClientFrame::Send {
            conversation_id: conv,
            kind: PostKind::Comment,
            body: "hmm".into(),
            client_id: "c".into(),
            attachment_ids: vec![],
        })
        .await;
    assert_eq!(next_conversation(&mut admin_ws, conv).await.dot, Dot::Red);
    ben_ws
        .send(&AgentClientFrame::Send {
            conversation_id: conv,
            kind: PostKind::Reply,
            body: "Here!".into(),
            client_id: "r".into(),
            attachment_ids: vec![],
        })
        .await;
    let cleared = next_conversation(&mut admin_ws, conv).await;
    assert_eq!((cleared.dot, cleared.missed_at), (Dot::None, None));
}

async fn offline_assignee_turns_red_and_return_clears(app: TestApp) {
    let ben = app.new_offline_agent("Ben", Role::Agent).await;
    let (mut admin_ws, _) = app.agent_ws(app.admin_token(), None).await;
    let (ben_ws, _) = app.agent_ws(&ben.access_token, None).await;
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "Hello?").await;
    app.post(&format!("/api/v1/conversations/{conv}/assign"), app.admin_token(), &json!({"agent_id": ben.agent.id}))
        .await
        .json::<Conversation>(200);
    let seen = conversation_where(&mut admin_ws, conv, |c| c.assignee_id.is_some()).await;
    assert_eq!(seen.dot, Dot::None);
    // Ben closes his inbox; after the grace period he is offline and it turns red.
    ben_ws.close().await;
    let presence = app.state.bus.presence();
    let ben_id = ben.agent.id;
    tokio::time::timeout(crate::helpers::FRAME_TIMEOUT, async {
        while presence.open_connections(ben_id) > 0 {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the server saw the socket close");
    app.clock.advance(chrono::Duration::seconds(backend::bus::presence::GRACE_SECS));
    let offline = admin_ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Presence(p) if !p.online)).await;
    assert!(matches!(offline, AgentServerFrame::Presence(ref p) if p.agent_id == ben.agent.id), "{offline:?}");
    let red = next_conversation(&mut admin_ws, conv).await;
    assert_eq!(red.dot, Dot::Red);
    // Ben returns: it clears.
    let (_ben_again, _) = app.agent_ws(&ben.access_token, None).await;
    let back = next_conversation(&mut admin_ws, conv).await;
    assert_eq!((back.dot, back.missed_at), (Dot::None, None));
}

async fn resume_loses_and_duplicates_nothing(app: TestApp) {
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "m0").await;
    let (mut ws, _) = app.agent_ws(app.admin_token(), None).await;
    app.agent_says(app.admin_token(), conv, PostKind::Reply, "m1").await;
    let (last, _) = next_message_event(&mut ws).await;
    ws.close().await;
    // While disconnected.
    for i in 2..6 {
        app.agent_says(app.admin_token(), conv, PostKind::Reply, &format!("m{i}")).await;
    }
    app.visitor_says(&visitor, "m6").await;
    let (mut resumed, ready_seq) = app.agent_ws(app.admin_token(), Some(last)).await;
    // Ready comes after the last missed event.
    let logged = crate::event_log::seqs_after(&app, last).await;
    assert_eq!(Some(&ready_seq), logged.last());
    // Live events continue after the resume point without gaps.
    app.agent_says(app.admin_token(), conv, PostKind::Reply, "m7").await;
    let (seq, event) = next_message_event(&mut resumed).await;
    assert!(seq > ready_seq);
    let Event::MessageCreated { message, .. } = event else { unreachable!() };
    assert_eq!(message.body, "m7");

    // The replay itself: connect again from `last` and read every frame up to ready.
    let mut ws = app.ws(&format!("/api/v1/ws/agent?after={last}"), app.admin_token(), None).await.expect("socket");
    let mut seqs = Vec::new();
    let mut bodies = Vec::new();
    loop {
        match ws.next::<AgentServerFrame>().await {
            AgentServerFrame::Event { seq, event } => {
                seqs.push(seq);
                if let Event::MessageCreated { message, .. } = event {
                    bodies.push(message.body);
                }
            }
            AgentServerFrame::Ready { last_seq, .. } => {
                assert_eq!(Some(&last_seq), seqs.last());
                break;
            }
            _ => {}
        }
    }
    assert_eq!(seqs, crate::event_log::seqs_after(&app, last).await, "in order, no gaps, no duplicates");
    assert_eq!(bodies, ["m2", "m3", "m4", "m5", "m6", "m7"]);

    // The visitor resumes too, seeing only their own conversation's public messages.
    let mut vws = app.ws("/api/v1/ws/visitor?after=0", &visitor.token, None).await.expect("socket");
    let mut texts = Vec::new();
    loop {
        match vws.next::<VisitorServerFrame>().await {
            VisitorServerFrame::Message { message, .. } => texts.push(message.body),
            VisitorServerFrame::Ready { .. } => break,
            _ => {}
        }
    }
    assert_eq!(texts, ["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"]);
    // A point the log can't serve asks for a reload.
    let mut ws = app.ws("/api/v1/ws/agent?after=999999999", app.admin_token(), None).await.expect("socket");
    assert!(matches!(ws.next::<AgentServerFrame>().await, AgentServerFrame::ReloadRequired { .. }));
}

async fn sends_are_acked_and_idempotent(app: TestApp) {
    let visitor = app.new_visitor().await;
    let mut vws = app.visitor_ws(&visitor.token, None).await;
    let send = VisitorClientFrame::Send { body: "once".into(), client_id: "same".into(), attachment_ids: vec![] };
    vws.send(&send).await;
    let first = vws.until(|f: &VisitorServerFrame| matches!(f, VisitorServerFrame::Ack { .. })).await;
    vws.send(&send).await;
    let second = vws.until(|f: &VisitorServerFrame| matches!(f, VisitorServerFrame::Ack { .. })).await;
    let (VisitorServerFrame::Ack { message_id: a, .. }, VisitorServerFrame::Ack { message_id: b, .. }) =
        (first, second)
    else {
        unreachable!()
    };
    assert_eq!(a, b);
    let thread: WidgetConversation = app.get("/api/v1/widget/conversation", &visitor.token).await.json(200);
    assert_eq!(thread.messages.len(), 1);
    let conv = thread.conversation.expect("conversation").id;

    let (mut ws, _) = app.agent_ws(app.admin_token(), None).await;
    let reply = AgentClientFrame::Send {
        conversation_id: conv,
        kind: PostKind::Reply,
        body: "ok".into(),
        client_id: "r-1".into(),
        attachment_ids: vec![],
    };
    ws.send(&reply).await;
    let AgentServerFrame::Ack { message: m1, .. } =
        ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Ack { .. })).await
    else {
        unreachable!()
    };
    ws.send(&reply).await;
    let AgentServerFrame::Ack { message: m2, .. } =
        ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Ack { .. })).await
    else {
        unreachable!()
    };
    assert_eq!((m1.id, m1.seq), (m2.id, m2.seq));
    // The ack comes after the commit: the message is readable at once.
    let page: shared::Page<Message> =
        app.get(&format!("/api/v1/conversations/{conv}/messages"), app.admin_token()).await.json(200);
    assert_eq!(page.items[0].id, m1.id);
    // A refused send is answered with its client id.
    ws.send(&AgentClientFrame::Send {
        conversation_id: conv,
        kind: PostKind::Reply,
        body: " ".into(),
        client_id: "empty".into(),
        attachment_ids: vec![],
    })
    .await;
    let refused = ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Error { .. })).await;
    assert!(
        matches!(refused, AgentServerFrame::Error { code: ErrorCode::ValidationFailed, client_id: Some(ref c), .. } if c == "empty")
    );
    // A banned visitor's socket sends are refused.
    app.post_empty(&format!("/api/v1/contacts/{}/ban", visitor.contact_id), app.admin_token())
        .await
        .json::<Contact>(200);
    vws.send(&VisitorClientFrame::Send { body: "again".into(), client_id: "x".into(), attachment_ids: vec![] }).await;
    let refused = vws.until(|f: &VisitorServerFrame| matches!(f, VisitorServerFrame::Error { .. })).await;
    assert!(matches!(refused, VisitorServerFrame::Error { code: ErrorCode::ContactBanned, .. }));
}

async fn typing_and_presence(app: TestApp) {
    let (mut ws, _) = app.agent_ws(app.admin_token(), None).await;
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "hi").await;
    let mut vws = app.visitor_ws(&visitor.token, None).await;
    let came = ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Visitor(v) if v.online)).await;
    let AgentServerFrame::Visitor(v) = came else { unreachable!() };
    assert_eq!((v.contact_id, v.page.as_deref()), (visitor.contact_id, Some("https://shop.example/cart")));
    vws.send(&VisitorClientFrame::Page { url: "https://shop.example/checkout".into() }).await;
    let moved = ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Visitor(v) if v.page.as_deref() == Some("https://shop.example/checkout"))).await;
    assert!(matches!(moved, AgentServerFrame::Visitor(_)));
    vws.send(&VisitorClientFrame::Typing { typing: true }).await;
    let typing = ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Typing { .. })).await;
    assert_eq!(typing, AgentServerFrame::Typing { conversation_id: conv, typist: Typist::Visitor, typing: true });
    // Comment typing stays among agents; reply typing reaches the visitor with the agent's name.
    ws.send(&AgentClientFrame::Typing { conversation_id: conv, typing: true, kind: PostKind::Comment }).await;
    ws.send(&AgentClientFrame::Typing { conversation_id: conv, typing: true, kind: PostKind::Reply }).await;
    let shown = vws.until(|f: &VisitorServerFrame| matches!(f, VisitorServerFrame::Typing { .. })).await;
    assert_eq!(shown, VisitorServerFrame::Typing { typing: true, name: "Admin".into() });
    // The visitor leaves.
    vws.close().await;
    let left = ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Visitor(v) if !v.online)).await;
    assert!(matches!(left, AgentServerFrame::Visitor(_)));
    // Team online: the visitor hears when the last agent goes away.
    let mut vws = app.visitor_ws(&visitor.token, None).await;
    app.patch("/api/v1/me", app.admin_token(), &json!({"availability": "away"})).await.json::<Agent>(200);
    let off = vws.until(|f: &VisitorServerFrame| matches!(f, VisitorServerFrame::TeamOnline { .. })).await;
    assert_eq!(off, VisitorServerFrame::TeamOnline { online: false });
}

async fn ended_sessions_lose_their_socket(app: TestApp) {
    let session = app.login(crate::helpers::ADMIN_EMAIL, crate::helpers::ADMIN_PASSWORD).await;
    let (mut ws, _) = app.agent_ws(&session.access_token, None).await;
    assert_eq!(app.post_empty("/api/v1/auth/logout", &session.access_token).await.status, 204);
    ws.send(&AgentClientFrame::Read { conversation_id: ConversationId(uuid::Uuid::now_v7()) }).await;
    let refused = ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Error { .. })).await;
    assert!(matches!(refused, AgentServerFrame::Error { code: ErrorCode::Unauthorized, .. }), "{refused:?}");
    assert_eq!(ws.closed().await, Some(1008));
}

async fn upgrades_are_authenticated(app: TestApp) {
    let visitor = app.new_visitor().await;
    assert_eq!(app.ws("/api/v1/ws/agent", "nonsense", None).await.err(), Some(401));
    assert_eq!(app.ws("/api/v1/ws/visitor", "nv_forged", None).await.err(), Some(401));
    assert_eq!(app.ws("/api/v1/ws/agent", &visitor.token, None).await.err(), Some(403));
    assert_eq!(app.ws("/api/v1/ws/visitor", app.admin_token(), None).await.err(), Some(403));
    // A page elsewhere can't use someone's credentials.
    assert_eq!(app.ws("/api/v1/ws/visitor", &visitor.token, Some("https://evil.example")).await.err(), Some(403));
    assert_eq!(app.ws("/api/v1/ws/agent", app.admin_token(), Some("https://evil.example")).await.err(), Some(403));
    // Natter's own origin is fine.
    let own = app.base.clone();
    assert!(app.ws("/api/v1/ws/visitor", &visitor.token, Some(&own)).await.is_ok());
    // An expired token is refused at the upgrade.
    app.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(app.ws("/api/v1/ws/agent", app.admin_token(), None).await.err(), Some(401));
}

async fn bad_frames_are_refused(app: TestApp) {
    let (mut ws, _) = app.agent_ws(app.admin_token(), None).await;
    ws.send_text("{not json".into()).await;
    let e = ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Error { .. })).await;
    assert!(matches!(e, AgentServerFrame::Error { code: ErrorCode::MalformedRequest, .. }));
    ws.send(&json!({"type": "explode"})).await;
    let e = ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Error { .. })).await;
    assert!(matches!(e, AgentServerFrame::Error { code: ErrorCode::MalformedRequest, .. }));
    ws.send(&json!({"type": "read", "conversation_id": uuid::Uuid::now_v7()})).await;
    let e = ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Error { .. })).await;
    assert!(matches!(e, AgentServerFrame::Error { code: ErrorCode::NotFound, .. }));
    ws.send_binary(vec![1, 2, 3]).await;
    let e = ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Error { .. })).await;
    assert!(matches!(e, AgentServerFrame::Error { code: ErrorCode::MalformedRequest, .. }));
    // Oversized: closed with 1009.
    ws.send_text("x".repeat(MAX_CLIENT_FRAME_BYTES + 1)).await;
    assert_eq!(ws.closed().await, Some(1009));

    // A flood: refused, then closed with 1008, without hurting others.
    let visitor = app.new_visitor().await;
    let mut flood = app.visitor_ws(&visitor.token, None).await;
    for _ in 0..200 {
        flood.send(&VisitorClientFrame::Typing { typing: true }).await;
    }
    let mut refused = 0;
    let code = loop {
        match flood.receive::<VisitorServerFrame>().await {
            Received::Frame(VisitorServerFrame::Error { code: ErrorCode::RateLimited, .. }) => refused += 1,
            Received::Frame(_) => {}
            Received::Closed(code) => break code,
        }
    };
    assert!(refused > 0);
    assert_eq!(code, Some(1008));
    let (mut other, _) = app.agent_ws(app.admin_token(), None).await;
    app.visitor_says(&app.new_visitor().await, "still fine").await;
    next_message_event(&mut other).await;
}
