//! PostgreSQL connections cut while visitors send: a send is acknowledged only
//! once stored, otherwise it gets a retryable error and the visitor sends it
//! again; agents stay connected, and service resumes by itself.

use crate::helpers::{Backend, Received, Ws, spawn_app};
use sea_orm::ConnectionTrait;
use shared::ErrorCode;
use shared::events::Event;
use shared::frames::{AgentServerFrame, VisitorClientFrame, VisitorServerFrame};
use std::collections::BTreeMap;

/// Visitors sending, and messages each.
const VISITORS: usize = 8;
const MESSAGES: usize = 40;

fn is_message(frame: &AgentServerFrame) -> bool {
    matches!(frame, AgentServerFrame::Event { event: Event::MessageCreated { .. }, .. })
}

/// Sends each message until it is acknowledged; counts the retryable refusals.
async fn send_until_acked(mut ws: Ws, v: usize) -> usize {
    let mut refused = 0;
    for i in 0..MESSAGES {
        let id = format!("v{v}-{i}");
        let mut attempts = 0;
        'retry: loop {
            attempts += 1;
            assert!(attempts < 200, "{id} never stored");
            let frame =
                VisitorClientFrame::Send { body: format!("m {id}"), client_id: id.clone(), attachment_ids: vec![] };
            ws.send(&frame).await;
            loop {
                match ws.receive::<VisitorServerFrame>().await {
                    Received::Frame(VisitorServerFrame::Ack { client_id, .. }) if client_id == id => break 'retry,
                    Received::Frame(VisitorServerFrame::Error { code, client_id: Some(c), .. }) if c == id => {
                        assert!(matches!(code, ErrorCode::Unavailable | ErrorCode::RateLimited), "{code:?}");
                        refused += 1;
                        continue 'retry;
                    }
                    Received::Frame(_) => {}
                    Received::Closed(code) => panic!("visitor socket closed ({code:?})"),
                }
            }
        }
    }
    refused
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_connections_never_ack_falsely_and_service_resumes() {
    let Some(app) = spawn_app(Backend::Postgres).await else { return };
    let (mut agent, _) = app.agent_ws(app.admin_token(), None).await;
    let url = app.state.settings.database_url();
    let database = url.rsplit('/').next().expect("database name").to_owned();
    // The sockets are open before the cuts (one opening during a cut may be dropped,
    // and its client reconnects); what is under test is sending through them.
    let mut sockets = Vec::new();
    for _ in 0..VISITORS {
        sockets.push(app.visitor_ws(&app.new_visitor().await.token, None).await);
    }
    let mut senders = Vec::new();
    for (v, ws) in sockets.into_iter().enumerate() {
        senders.push(tokio::spawn(send_until_acked(ws, v)));
    }
    // Cut every connection of the server's database, a few times, while they send.
    let admin = sea_orm::Database::connect(&url).await.expect("connect");
    let cut = format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()"
    );
    for _ in 0..3 {
        // Wait until the agent has seen some traffic (a condition, not a delay).
        agent.until(is_message).await;
        admin.execute_unprepared(&cut).await.expect("cut");
    }
    let mut refused = 0;
    for sender in senders {
        refused += sender.await.expect("sender");
    }
    eprintln!("connections cut 3 times: {refused} sends refused as retryable, all stored");
    // Every message once; the agent is still connected and still hears new ones.
    let rows = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            "SELECT client_id, COUNT(*) AS n FROM messages WHERE client_id LIKE 'v%' GROUP BY client_id",
        ))
        .await
        .expect("rows");
    let counts: BTreeMap<String, i64> =
        rows.iter().map(|r| (r.try_get("", "client_id").expect("id"), r.try_get("", "n").expect("n"))).collect();
    assert_eq!(counts.len(), VISITORS * MESSAGES);
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
    app.visitor_says(&app.new_visitor().await, "after the cuts").await;
    agent.until(|f: &AgentServerFrame| {
        matches!(f, AgentServerFrame::Event { event: Event::MessageCreated { message, .. }, .. } if message.body == "after the cuts")
    })
    .await;
}
