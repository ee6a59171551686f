//! `/metrics`: Prometheus text whose counters follow what the server does.

use crate::helpers::{ADMIN_EMAIL, Backend, TestApp, spawn_app_with};
use crate::on_both_databases;
use openmetrics_parser::prometheus::parse_prometheus;
use openmetrics_parser::{MetricsExposition, PrometheusType, PrometheusValue};
use reqwest::Method;
use shared::ErrorCode;
use shared::api::*;

on_both_databases!(counters_follow_messages_logins_and_sockets);

/// A parsed scrape.
pub type Scrape = MetricsExposition<PrometheusType, PrometheusValue>;

/// Scrapes `/metrics` and parses it with a Prometheus text-format parser.
pub async fn scrape(app: &TestApp, token: Option<&str>) -> Scrape {
    let answer = app.send(app.request(Method::GET, "/metrics", token)).await;
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.bytes));
    assert!(answer.headers["content-type"].to_str().unwrap_or("").starts_with("text/plain; version=0.0.4"));
    let text = String::from_utf8(answer.bytes.to_vec()).expect("UTF-8");
    parse_prometheus(&text).unwrap_or_else(|e| panic!("not Prometheus text ({e:?}):\n{text}"))
}

/// The samples of `metric` whose labels include `labels`.
fn samples<'a>(
    scrape: &'a Scrape,
    metric: &str,
    labels: &'a [(&str, &str)],
) -> impl Iterator<Item = &'a PrometheusValue> + 'a {
    let family = scrape.families.get(metric);
    family.into_iter().flat_map(|f| f.iter_samples()).filter_map(move |sample| {
        let set = sample.get_labelset().ok()?;
        labels.iter().all(|(k, v)| set.get_label_value(k) == Some(*v)).then_some(&sample.value)
    })
}

/// The value of a counter or gauge with these labels (0 when absent).
pub fn value(scrape: &Scrape, metric: &str, labels: &[(&str, &str)]) -> f64 {
    samples(scrape, metric, labels)
        .map(|v| match v {
            PrometheusValue::Counter(c) => c.value.as_f64(),
            PrometheusValue::Gauge(n) | PrometheusValue::Unknown(n) => n.as_f64(),
            other => panic!("{metric} is not a counter or gauge: {other:?}"),
        })
        .sum()
}

/// Observations and their sum in a histogram, over every label set.
fn histogram(scrape: &Scrape, metric: &str) -> (u64, f64) {
    samples(scrape, metric, &[]).fold((0, 0.0), |(count, sum), v| match v {
        PrometheusValue::Histogram(h) => {
            (count + h.count.unwrap_or(0), sum + h.sum.as_ref().map_or(0.0, |s| s.as_f64()))
        }
        other => panic!("{metric} is not a histogram: {other:?}"),
    })
}

async fn counters_follow_messages_logins_and_sockets(app: TestApp) {
    let before = scrape(&app, None).await;
    assert_eq!(value(&before, "natter_build_info", &[]), 1.0);
    assert!(value(&before, "natter_websockets_open", &[("kind", "agent")]) >= 1.0, "the admin's inbox is open");

    let visitor = app.new_visitor().await;
    let socket = app.visitor_ws(&visitor.token, None).await;
    let conv = app.visitor_says(&visitor, "one").await;
    app.visitor_says(&visitor, "two").await;
    app.agent_says(app.admin_token(), conv, PostKind::Reply, "hi").await;
    app.agent_says(app.admin_token(), conv, PostKind::Comment, "note").await;
    let wrong = LoginRequest { email: ADMIN_EMAIL.into(), password: "wrong".into() };
    for _ in 0..6 {
        app.send(app.request(Method::POST, "/api/v1/auth/login", None).json(&wrong)).await;
    }

    let after = scrape(&app, None).await;
    let grew = |metric: &str, labels: &[(&str, &str)]| value(&after, metric, labels) - value(&before, metric, labels);
    assert_eq!(grew("natter_messages_stored_total", &[("kind", "visitor")]), 2.0);
    assert_eq!(grew("natter_messages_stored_total", &[("kind", "reply")]), 1.0);
    assert_eq!(grew("natter_messages_stored_total", &[("kind", "comment")]), 1.0);
    assert_eq!(grew("natter_websockets_open", &[("kind", "visitor")]), 1.0);
    assert_eq!(grew("natter_login_failures_total", &[]), 5.0, "the sixth attempt is throttled, not checked");
    assert_eq!(grew("natter_rate_limited_total", &[("limit", "login")]), 1.0);
    let posted = [("method", "POST"), ("route", "/api/v1/conversations/{id}/messages"), ("status", "201")];
    assert_eq!(grew("natter_http_requests_total", &posted), 2.0);
    assert_eq!(grew("natter_http_requests_total", &[("route", "/api/v1/auth/login"), ("status", "401")]), 5.0);
    // Routes are labelled by pattern, never by a path with an id in it.
    let family = &after.families["natter_http_requests_total"];
    let routes =
        family.iter_samples().filter_map(|s| s.get_labelset().ok()?.get_label_value("route").map(str::to_owned));
    assert!(routes.into_iter().all(|r| !r.contains(&conv.to_string())));
    // Every write was committed and timed; the batches add up to the writes.
    let (commits_before, _) = histogram(&before, "natter_db_commit_duration_seconds");
    let (commits_after, _) = histogram(&after, "natter_db_commit_duration_seconds");
    assert!(commits_after >= commits_before + 4, "{commits_before} then {commits_after}");
    let (_, batched_before) = histogram(&before, "natter_db_commit_batch_size");
    let (_, batched_after) = histogram(&after, "natter_db_commit_batch_size");
    assert!(batched_after >= batched_before + 4.0);
    let (answered, _) = histogram(&after, "natter_http_request_duration_seconds");
    assert!(answered >= 10);

    socket.close().await;
    wait_for(&app, |s| value(s, "natter_websockets_open", &[("kind", "visitor")]) == 0.0).await;
}

/// Scrapes until `done` holds: a closed socket stops counting when its session
/// task ends, just after the close handshake.
async fn wait_for(app: &TestApp, done: impl Fn(&Scrape) -> bool) {
    for _ in 0..1000 {
        if done(&scrape(app, None).await) {
            return;
        }
    }
    panic!("the metrics never got there");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metrics_token_guards_the_endpoint() {
    let token = "mt_scraper-secret";
    let setting = backend::config::Secret(token.into());
    let Some(app) = spawn_app_with(Backend::Sqlite, move |s| s.metrics_token = Some(setting)).await else { return };
    app.send(app.request(Method::GET, "/metrics", None)).await.error(401, ErrorCode::Unauthorized);
    app.send(app.request(Method::GET, "/metrics", Some("mt_wrong"))).await.error(401, ErrorCode::Unauthorized);
    assert_eq!(value(&scrape(&app, Some(token)).await, "natter_build_info", &[]), 1.0);
}
