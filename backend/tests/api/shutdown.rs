//! Graceful shutdown: sockets are told to go elsewhere (1001), nothing acknowledged is lost.

use crate::helpers::TestApp;
use crate::on_both_databases;
use shared::api::*;
use shared::frames::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

on_both_databases!(shutdown_closes_sockets_with_going_away);

async fn shutdown_closes_sockets_with_going_away(app: TestApp) {
    let visitor = app.new_visitor().await;
    let mut vws = app.visitor_ws(&visitor.token, None).await;
    let (mut aws, _) = app.agent_ws(app.admin_token(), None).await;
    vws.send(&VisitorClientFrame::Send {
        body: "just before".into(),
        client_id: "last".into(),
        attachment_ids: vec![],
    })
    .await;
    let ack = vws.until(|f: &VisitorServerFrame| matches!(f, VisitorServerFrame::Ack { .. })).await;
    let VisitorServerFrame::Ack { message_id, .. } = ack else { unreachable!() };
    app.shutdown.shutdown().await;
    assert_eq!(vws.closed().await, Some(1001));
    assert_eq!(aws.closed().await, Some(1001));
    // What was acknowledged is stored.
    let stored = backend::domain::messages::get(&app.state, shared::MessageId(message_id.0)).await;
    assert_eq!(stored.map(|m| m.body).ok().as_deref(), Some("just before"));
}

/// Kills the server if the test fails half-way.
struct Reaper(Option<std::process::Child>);

impl Drop for Reaper {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The real binary on SIGTERM: sockets get 1001 and the process exits cleanly.
#[tokio::test]
async fn sigterm_stops_the_binary_gracefully() {
    let dir = tempfile::tempdir().expect("dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_natter"))
        .env("NATTER_BIND", "127.0.0.1:0")
        .env("NATTER_DATA_DIR", dir.path())
        .env("NATTER_ADMIN_EMAIL", "admin@natter.test")
        .env("NATTER_ADMIN_PASSWORD", "correct horse battery")
        .env("NATTER_LOG", "info")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("natter starts");
    let stdout = child.stdout.take().expect("stdout");
    let pid = child.id();
    let mut reaper = Reaper(Some(child));
    let reader = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| line.split("port=").nth(1).and_then(|p| p.split_whitespace().next()?.parse::<u16>().ok()))
    });
    let port = match tokio::time::timeout(std::time::Duration::from_secs(60), reader).await {
        Ok(Ok(Some(port))) => port,
        other => panic!("the server did not log its port: {other:?}"),
    };
    let base = format!("127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let login: TokenPair = client
        .post(format!("http://{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "admin@natter.test", "password": "correct horse battery"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("tokens");
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://{base}/api/v1/ws/agent").into_client_request().expect("request");
    let protocols = format!("{PROTOCOL}, {BEARER_PROTOCOL_PREFIX}{}", login.access_token);
    request.headers_mut().insert("sec-websocket-protocol", protocols.parse().expect("header"));
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.expect("socket");
    use futures_util::StreamExt;
    let first = ws.next().await.expect("frame").expect("ok");
    assert!(first.to_text().unwrap_or("").contains("\"ready\""));

    let status = Command::new("kill").arg("-TERM").arg(pid.to_string()).status().expect("kill");
    assert!(status.success());
    let code = loop {
        match tokio::time::timeout(crate::helpers::FRAME_TIMEOUT, ws.next()).await.expect("closed in time") {
            Some(Ok(tokio_tungstenite::tungstenite::Message::Close(frame))) => break frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => {}
            _ => break None,
        }
    };
    assert_eq!(code, Some(1001));
    let mut child = reaper.0.take().expect("child");
    let exit = tokio::task::spawn_blocking(move || child.wait()).await.expect("join").expect("wait");
    assert!(exit.success(), "{exit:?}");
}
