//! Settings → Webhooks in a real browser: add an endpoint, send a test, see the delivery.

use crate::harness::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A receiver that answers 200 to whatever it gets; returns its URL.
async fn receiver() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://127.0.0.1:{}/hook", listener.local_addr().expect("addr").port());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut chunk = [0u8; 4096];
                // Read the head and the body (content-length) before answering.
                while let Ok(n) = stream.read(&mut chunk).await {
                    if n == 0 {
                        break;
                    }
                    seen.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&seen).to_lowercase();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:").and_then(|v| v.trim().parse().ok()))
                            .unwrap_or(0usize);
                        if seen.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await;
            });
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_a_webhook_sends_a_test_and_sees_the_delivery() {
    let server = Server::start().await;
    let url = receiver().await;
    with_browser("webhooks", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        b.click("#nav-settings").await?;
        b.type_into("#webhook-url", &url).await?;
        b.click("#webhook-add").await?;
        b.until_text("#webhook-secret", "whsec_").await?;
        b.until_text(".webhook-url", &url).await?;
        b.click(".webhook-test").await?;
        b.until_text(".webhook-deliveries .delivery-status", "200").await?;
        b.until_text(".webhook-deliveries code", "webhook.test").await?;
        Ok(())
    })
    .await;
}
