//! Hostile clients on the sockets: frames declaring huge lengths, oversized
//! fragmented messages, floods of every frame kind, too many sockets, and a
//! database blip while an agent is connected, and a socket opened during one.

use crate::helpers::{Backend, TestApp, spawn_app_with};
use crate::on_both_databases;
use sea_orm::ConnectionTrait;
use shared::ConversationId;
use shared::ErrorCode;
use shared::frames::{AgentClientFrame, AgentServerFrame, MAX_CLIENT_FRAME_BYTES};

on_both_databases!(
    a_huge_declared_length_closes_before_the_payload_arrives,
    fragments_over_the_cap_close_with_1009,
    binary_frames_count_against_the_rate_limit,
    pings_count_against_the_rate_limit,
    a_database_blip_keeps_the_agent_connected,
    a_socket_opened_during_a_blip_closes_with_1011_and_reconnects,
);

/// A client frame header (masked with a zero key, so the payload goes as is).
fn header(opcode: u8, fin: bool, length: u64) -> Vec<u8> {
    let mut h = vec![opcode | if fin { 0x80 } else { 0 }];
    match length {
        0..=125 => h.push(0x80 | length as u8),
        126..=0xFFFF => {
            h.push(0x80 | 126);
            h.extend_from_slice(&(length as u16).to_be_bytes());
        }
        _ => {
            h.push(0x80 | 127);
            h.extend_from_slice(&length.to_be_bytes());
        }
    }
    h.extend_from_slice(&[0, 0, 0, 0]);
    h
}

async fn a_huge_declared_length_closes_before_the_payload_arrives(app: TestApp) {
    let (mut ws, _) = app.agent_ws(app.admin_token(), None).await;
    let mut bytes = header(1, true, 1 << 30);
    bytes.extend(std::iter::repeat_n(b'x', 128 * 1024));
    ws.send_raw(&bytes).await;
    // The rest of the gigabyte never comes: the close must not wait for it.
    assert_eq!(ws.closed().await, Some(1009));
}

async fn fragments_over_the_cap_close_with_1009(app: TestApp) {
    let (mut ws, _) = app.agent_ws(app.admin_token(), None).await;
    let part = 40 * 1024;
    assert!(2 * part > MAX_CLIENT_FRAME_BYTES && part < MAX_CLIENT_FRAME_BYTES);
    let mut bytes = header(1, false, part as u64);
    bytes.extend(std::iter::repeat_n(b' ', part));
    bytes.extend(header(0, true, part as u64));
    bytes.extend(std::iter::repeat_n(b' ', part));
    ws.send_raw(&bytes).await;
    assert_eq!(ws.closed().await, Some(1009));
}

async fn binary_frames_count_against_the_rate_limit(app: TestApp) {
    let (mut ws, _) = app.agent_ws(app.admin_token(), None).await;
    for _ in 0..200 {
        ws.send_binary(vec![1, 2, 3]).await;
    }
    assert_eq!(ws.closed().await, Some(1008));
}

async fn pings_count_against_the_rate_limit(app: TestApp) {
    let visitor = app.new_visitor().await;
    let mut ws = app.visitor_ws(&visitor.token, None).await;
    for _ in 0..200 {
        ws.send_ping(vec![7; 125]).await;
    }
    assert_eq!(ws.closed().await, Some(1008));
}

async fn a_database_blip_keeps_the_agent_connected(app: TestApp) {
    let (mut ws, _) = app.agent_ws(app.admin_token(), None).await;
    let db = app.state.db.autocommit();
    db.execute_unprepared("ALTER TABLE agent_sessions RENAME TO agent_sessions_away").await.unwrap();
    let unknown = ConversationId(uuid::Uuid::now_v7());
    ws.send(&AgentClientFrame::Read { conversation_id: unknown }).await;
    let e = ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Error { .. })).await;
    assert!(matches!(e, AgentServerFrame::Error { code: ErrorCode::Unavailable, .. }), "{e:?}");
    db.execute_unprepared("ALTER TABLE agent_sessions_away RENAME TO agent_sessions").await.unwrap();
    // Still connected, still signed in.
    ws.send(&AgentClientFrame::Read { conversation_id: unknown }).await;
    let e = ws.until(|f: &AgentServerFrame| matches!(f, AgentServerFrame::Error { .. })).await;
    assert!(matches!(e, AgentServerFrame::Error { code: ErrorCode::NotFound, .. }), "{e:?}");
}

async fn a_socket_opened_during_a_blip_closes_with_1011_and_reconnects(app: TestApp) {
    let visitor = app.new_visitor().await;
    // Straight on the writer's connection: without the event log, the writer can't open batches.
    let db = app.state.db.migration_conn();
    // The token is good, but the event log can't be read to start the session.
    db.execute_unprepared("ALTER TABLE events RENAME TO events_away").await.unwrap();
    let mut ws = app.ws("/api/v1/ws/visitor", &visitor.token, None).await.expect("upgraded");
    assert_eq!(ws.closed().await, Some(1011), "a retryable close, not a silent drop");
    db.execute_unprepared("ALTER TABLE events_away RENAME TO events").await.unwrap();
    // The client's reconnect gets a ready session.
    let _ws = app.visitor_ws(&visitor.token, None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sockets_are_capped_per_visitor_token_and_per_address() {
    let tweak = |s: &mut backend::config::Settings| {
        s.sockets_per_visitor = 2;
        // The admin's inbox socket, held by the harness, is one of them.
        s.sockets_per_ip = 4;
    };
    let Some(app) = spawn_app_with(Backend::Sqlite, tweak).await else { return };
    let one = app.new_visitor().await;
    let _a = app.visitor_ws(&one.token, None).await;
    let _b = app.visitor_ws(&one.token, None).await;
    assert_eq!(app.ws("/api/v1/ws/visitor", &one.token, None).await.err(), Some(429));
    let two = app.new_visitor().await;
    let _c = app.visitor_ws(&two.token, None).await;
    let three = app.new_visitor().await;
    assert_eq!(app.ws("/api/v1/ws/visitor", &three.token, None).await.err(), Some(429));
    assert_eq!(app.ws("/api/v1/ws/agent", app.admin_token(), None).await.err(), Some(429));
}
