//! Webhooks against a real HTTP receiver: signed, in order, retried with
//! backoff on the injected clock, durable across a restart, behind the SSRF guard.

use crate::helpers::{Backend, TestApp, spawn_app_in, spawn_app_with};
use crate::receiver::{Hit, Receiver};
use backend::config::{Secret, Settings};
use backend::webhooks::sign;
use shared::api::*;
use shared::{ErrorCode, Page};

// The receiver listens on 127.0.0.1: private targets are allowed.
crate::on_both_databases_with!(
    allow_private;
    deliveries_are_signed_in_order_and_skip_unsubscribed_comments,
    a_receiver_failing_twice_gets_the_event_on_the_third_attempt,
    a_day_of_failures_disables_the_endpoint_and_says_why,
    a_test_is_sent_and_a_delivery_redelivered,
    two_nodes_deliver_each_event_once_in_order,
);

pub fn allow_private(s: &mut Settings) {
    s.webhook_allow_private = true;
}

/// Adds an endpoint at `url` for `events`.
pub async fn add_webhook(app: &TestApp, url: &str, events: &[&str]) -> CreatedWebhook {
    let body = CreateWebhook { url: url.into(), events: events.iter().map(|e| (*e).to_owned()).collect() };
    app.post("/api/v1/webhooks", app.admin_token(), &body).await.json(201)
}

async fn deliveries(app: &TestApp, hook: &Webhook) -> Vec<WebhookDelivery> {
    let page: Page<WebhookDelivery> =
        app.get(&format!("/api/v1/webhooks/{}/deliveries", hook.id), app.admin_token()).await.json(200);
    page.items
}

/// Waits (10 s at most) until the endpoint's deliveries satisfy `done`.
async fn deliveries_until(
    app: &TestApp,
    hook: &Webhook,
    done: impl Fn(&[WebhookDelivery]) -> bool,
) -> Vec<WebhookDelivery> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let items = deliveries(app, hook).await;
        if done(&items) {
            return items;
        }
        assert!(std::time::Instant::now() < deadline, "deliveries never got there: {items:?}");
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

fn verified(hit: &Hit, secret: &str) -> bool {
    let now = chrono::Utc::now().timestamp();
    // The signature uses the server's (test) clock, which started at the real time.
    sign::verify(secret, hit.header("natter-signature"), &hit.body, now, 3600)
}

async fn deliveries_are_signed_in_order_and_skip_unsubscribed_comments(app: TestApp) {
    let plain = Receiver::start(&[]).await;
    let with_comments = Receiver::start(&[]).await;
    let hook = add_webhook(&app, &plain.url, &["conversation.created", "message.created"]).await;
    let all = add_webhook(&app, &with_comments.url, &["message.created", "message.comment"]).await;
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "Hello").await;
    app.agent_says(app.admin_token(), conv, PostKind::Comment, "internal note").await;
    app.agent_says(app.admin_token(), conv, PostKind::Reply, "Hi there").await;
    let hits = plain.wait_for(3).await;
    let names: Vec<String> = hits.iter().map(|h| h.json()["event"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(names, ["conversation.created", "message.created", "message.created"]);
    let bodies: Vec<String> =
        hits.iter().skip(1).map(|h| h.json()["data"]["message"]["body"].as_str().unwrap_or_default().into()).collect();
    assert_eq!(bodies, ["Hello", "Hi there"], "the comment is not sent without message.comment");
    let seqs: Vec<i64> = hits.iter().map(|h| h.json()["seq"].as_i64().unwrap_or_default()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in log order: {seqs:?}");
    for hit in &hits {
        assert!(verified(hit, &hook.secret), "the signature verifies");
        assert!(!verified(hit, &all.secret), "under its own endpoint's secret only");
        assert_eq!(hit.header("natter-delivery"), hit.json()["id"].as_str().unwrap_or_default());
        assert_eq!(hit.header("content-type"), "application/json");
    }
    let hits = with_comments.wait_for(3).await;
    let kinds: Vec<String> =
        hits.iter().map(|h| h.json()["data"]["message"]["kind"].as_str().unwrap_or_default().into()).collect();
    assert_eq!(kinds, ["visitor", "comment", "reply"]);
    // The pull API hands out exactly these bodies (without the delivery id).
    let after = seqs[0] - 1;
    let page: EventsPage = app.get(&format!("/api/v1/events?after={after}"), app.admin_token()).await.json(200);
    for hit in plain.hits() {
        let mut body = hit.json();
        body.as_object_mut().expect("object").remove("id");
        let pulled = page.items.iter().find(|e| Some(e.seq) == body["seq"].as_i64()).expect("the event is pulled");
        assert_eq!(serde_json::to_value(pulled).expect("json"), body);
    }
}

async fn a_receiver_failing_twice_gets_the_event_on_the_third_attempt(app: TestApp) {
    let receiver = Receiver::start(&[500, 500]).await;
    let created = add_webhook(&app, &receiver.url, &["message.created"]).await;
    let visitor = app.new_visitor().await;
    app.visitor_says(&visitor, "Anyone?").await;
    receiver.wait_for(1).await;
    deliveries_until(&app, &created.webhook, |d| d.first().is_some_and(|d| d.attempts == 1)).await;
    app.clock.advance(chrono::Duration::minutes(1));
    receiver.wait_for(2).await;
    deliveries_until(&app, &created.webhook, |d| d.first().is_some_and(|d| d.attempts == 2)).await;
    app.clock.advance(chrono::Duration::minutes(1));
    let hits = receiver.wait_for(3).await;
    let items =
        deliveries_until(&app, &created.webhook, |d| d.first().is_some_and(|d| d.state == DeliveryState::Delivered))
            .await;
    assert_eq!(items.len(), 1);
    assert_eq!((items[0].attempts, items[0].status_code), (3, Some(200)));
    let ids: Vec<&str> = hits.iter().map(|h| h.header("natter-delivery")).collect();
    assert!(ids.iter().all(|id| *id == items[0].id.to_string()), "one delivery id across retries");
}

async fn a_day_of_failures_disables_the_endpoint_and_says_why(mut app: TestApp) {
    let receiver = Receiver::start(&[]).await;
    receiver.set_fallback(503);
    let created = add_webhook(&app, &receiver.url, &["message.created"]).await;
    let visitor = app.new_visitor().await;
    app.visitor_says(&visitor, "Hello?").await;
    receiver.wait_for(1).await;
    deliveries_until(&app, &created.webhook, |d| d.first().is_some_and(|d| d.attempts == 1)).await;
    app.clock.advance(chrono::Duration::hours(25));
    receiver.wait_for(2).await;
    // A day later the admin's access token has expired.
    app.admin = app.login(crate::helpers::ADMIN_EMAIL, crate::helpers::ADMIN_PASSWORD).await;
    deliveries_until(&app, &created.webhook, |d| d.first().is_some_and(|d| d.state == DeliveryState::Failed)).await;
    let hook: Webhook = app.get(&format!("/api/v1/webhooks/{}", created.webhook.id), app.admin_token()).await.json(200);
    assert!(!hook.enabled);
    assert!(hook.disabled_reason.as_deref().is_some_and(|r| r.contains("503")), "{:?}", hook.disabled_reason);
}

async fn a_test_is_sent_and_a_delivery_redelivered(app: TestApp) {
    let receiver = Receiver::start(&[]).await;
    let created = add_webhook(&app, &receiver.url, &["message.created"]).await;
    let path = format!("/api/v1/webhooks/{}", created.webhook.id);
    let test: WebhookDelivery = app.post_empty(&format!("{path}/test"), app.admin_token()).await.json(200);
    assert_eq!(
        (test.event.as_str(), test.status_code, test.state),
        ("webhook.test", Some(200), DeliveryState::Delivered)
    );
    assert!(verified(&receiver.wait_for(1).await[0], &created.secret));
    let visitor = app.new_visitor().await;
    app.visitor_says(&visitor, "Once").await;
    receiver.wait_for(2).await;
    let items = deliveries_until(&app, &created.webhook, |d| {
        d.iter().any(|d| d.event == "message.created" && d.state == DeliveryState::Delivered)
    })
    .await;
    let first = items.iter().find(|d| d.event == "message.created").expect("delivered");
    let again: WebhookDelivery =
        app.post_empty(&format!("{path}/deliveries/{}/redeliver", first.id), app.admin_token()).await.json(202);
    let hits = receiver.wait_for(3).await;
    assert_eq!(hits[2].header("natter-delivery"), again.id.to_string());
    assert_eq!(hits[2].json()["data"], hits[1].json()["data"]);
    // Only admins manage webhooks.
    let agent = app.new_agent("Ana", Role::Agent).await;
    app.get("/api/v1/webhooks", &agent.access_token).await.error(403, ErrorCode::AdminOnly);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_targets_are_refused_with_the_guard_on() {
    let Some(app) = spawn_app_with(Backend::Sqlite, |_| {}).await else { return };
    for url in [
        "http://127.0.0.1:9/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://localhost:9/hook",
        "http://[::1]/hook",
        "ftp://example.com/",
    ] {
        let body = CreateWebhook { url: url.into(), events: vec!["message.created".into()] };
        app.post("/api/v1/webhooks", app.admin_token(), &body).await.error(422, ErrorCode::ValidationFailed);
    }
    let body = CreateWebhook { url: "https://example.com/hook".into(), events: vec!["message.sent".into()] };
    app.post("/api/v1/webhooks", app.admin_token(), &body).await.error(422, ErrorCode::ValidationFailed);
    // Checked again on every attempt: an endpoint whose name now resolves to
    // loopback gets nothing, and the delivery says why.
    let receiver = Receiver::start(&[]).await;
    let created = add_webhook_unchecked(&app, &receiver.url.replace("127.0.0.1", "localhost")).await;
    let visitor = app.new_visitor().await;
    app.visitor_says(&visitor, "Hi").await;
    let items = deliveries_until(&app, &created, |d| d.first().is_some_and(|d| d.attempts >= 1)).await;
    assert!(items[0].error.as_deref().is_some_and(|e| e.contains("refused")), "{:?}", items[0].error);
    assert!(receiver.hits().is_empty());
}

/// An endpoint stored as if its URL had been accepted earlier.
async fn add_webhook_unchecked(app: &TestApp, url: &str) -> Webhook {
    use sea_orm::{ActiveModelTrait, Set};
    let now = app.clock_millis();
    let latest = backend::db::log::latest_seq(app.state.db.conn()).await.expect("latest");
    let model = backend::entities::webhooks::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        url: Set(url.into()),
        secret: Set("whsec_test".into()),
        events: Set(r#"["message.created"]"#.into()),
        enabled: Set(true),
        disabled_reason: Set(None),
        cursor_seq: Set(latest),
        lease_owner: Set(None),
        lease_until: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&app.state.db.autocommit())
    .await
    .expect("insert");
    app.state.wake_webhooks();
    app.get(&format!("/api/v1/webhooks/{}", model.id), app.admin_token()).await.json(200)
}

impl TestApp {
    fn clock_millis(&self) -> i64 {
        backend::clock::millis(self.state.now())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_mid_retry_still_delivers_once_the_receiver_recovers() {
    let Some(first) = spawn_app_with(Backend::Sqlite, allow_private).await else { return };
    let receiver = Receiver::start(&[]).await;
    receiver.set_fallback(500);
    let created = add_webhook(&first, &receiver.url, &["message.created"]).await;
    let visitor = first.new_visitor().await;
    first.visitor_says(&visitor, "Before the restart").await;
    receiver.wait_for(1).await;
    deliveries_until(&first, &created.webhook, |d| d.first().is_some_and(|d| d.attempts == 1)).await;
    first.shutdown.shutdown().await;
    receiver.set_fallback(200);
    let url = first.state.settings.database_url();
    let second = spawn_app_in(tempfile::tempdir().expect("dir"), Backend::Sqlite, |s| {
        s.database_url = Some(Secret(url));
        s.webhook_allow_private = true;
    })
    .await
    .expect("the second server starts");
    // Past the backoff and any lease the first server held.
    second.clock.advance(chrono::Duration::minutes(5));
    let hits = receiver.wait_for(2).await;
    assert_eq!(hits[0].header("natter-delivery"), hits[1].header("natter-delivery"));
    let items =
        deliveries_until(&second, &created.webhook, |d| d.first().is_some_and(|d| d.state == DeliveryState::Delivered))
            .await;
    assert_eq!(items[0].attempts, 2);
}

async fn two_nodes_deliver_each_event_once_in_order(first: TestApp) {
    let url = first.state.settings.database_url();
    let second = spawn_app_with(Backend::Sqlite, |s| {
        s.database_url = Some(Secret(url));
        s.webhook_allow_private = true;
    })
    .await
    .expect("a second node on the same database");
    let receiver = Receiver::start(&[]).await;
    add_webhook(&first, &receiver.url, &["message.created"]).await;
    let visitor = first.new_visitor().await;
    let started = std::time::Instant::now();
    for i in 0..10 {
        let node = if i % 2 == 0 { &first } else { &second };
        node.visitor_says(&visitor, &format!("message {i}")).await;
    }
    let hits = receiver.wait_for(10).await;
    eprintln!("10 events through 2 nodes delivered in {:?}", started.elapsed());
    let bodies: Vec<String> =
        hits.iter().map(|h| h.json()["data"]["message"]["body"].as_str().unwrap_or_default().to_owned()).collect();
    let expected: Vec<String> = (0..10).map(|i| format!("message {i}")).collect();
    assert_eq!(bodies, expected, "each once, in order");
    // One node holds the endpoint's lease: no delivery went out twice.
    let visitor = second.new_visitor().await;
    second.visitor_says(&visitor, "last").await;
    let hits = receiver.wait_for(11).await;
    let ids: std::collections::HashSet<&str> = hits.iter().map(|h| h.header("natter-delivery")).collect();
    assert_eq!(ids.len(), hits.len(), "no delivery twice");
}
