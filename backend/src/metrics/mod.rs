//! Prometheus metrics: one registry per server, made at startup and held in
//! [`AppState`](crate::state::AppState) (never a global, so servers in one process
//! — the tests — keep their own counts). Code reports through the small typed
//! functions below; `GET /metrics` renders the registry as Prometheus text.

mod labels;

use actix_web::http::Method;
use labels::method_label;
pub use labels::{Limit, SocketKind};
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder, exponential_buckets,
};
use shared::api::MessageKind;
use std::sync::Arc;
use std::time::Duration;

/// Seconds: from 1 ms to 10 s.
const LATENCY_BUCKETS: [f64; 13] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
/// Seconds: from 0.25 ms to 2.5 s (a commit is one fsync).
const COMMIT_BUCKETS: [f64; 13] = [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

struct Inner {
    registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    sockets_open: IntGaugeVec,
    sockets_opened: IntCounterVec,
    messages: IntCounterVec,
    commit_duration: Histogram,
    commit_batch: Histogram,
    write_retries: IntCounter,
    write_queue: IntGauge,
    bus_lag: IntGauge,
    login_failures: IntCounter,
    rate_limited: IntCounterVec,
    events_pruned: IntCounter,
    uploads_removed: IntCounter,
    missed_runs: IntCounterVec,
    missed_changes: IntCounterVec,
}

/// The server's metrics.
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

impl Metrics {
    /// A fresh registry with every Natter metric at zero.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let reg = Registrar(&registry);
        let inner = Inner {
            http_requests: reg.add(IntCounterVec::new(
                Opts::new("natter_http_requests_total", "HTTP requests answered, by route pattern and status"),
                &["method", "route", "status"],
            )?)?,
            http_duration: reg.add(HistogramVec::new(
                HistogramOpts::new("natter_http_request_duration_seconds", "Time to answer an HTTP request")
                    .buckets(LATENCY_BUCKETS.to_vec()),
                &["method", "route"],
            )?)?,
            sockets_open: reg.add(IntGaugeVec::new(
                Opts::new("natter_websockets_open", "WebSockets open now, by kind"),
                &["kind"],
            )?)?,
            sockets_opened: reg.add(IntCounterVec::new(
                Opts::new("natter_websockets_opened_total", "WebSockets opened, by kind"),
                &["kind"],
            )?)?,
            messages: reg.add(IntCounterVec::new(
                Opts::new("natter_messages_stored_total", "Messages stored (durably committed), by kind"),
                &["kind"],
            )?)?,
            commit_duration: reg.add(Histogram::with_opts(
                HistogramOpts::new("natter_db_commit_duration_seconds", "Time of one durable write commit")
                    .buckets(COMMIT_BUCKETS.to_vec()),
            )?)?,
            commit_batch: reg.add(Histogram::with_opts(
                HistogramOpts::new("natter_db_commit_batch_size", "Writer jobs made durable by one commit")
                    .buckets(exponential_buckets(1.0, 2.0, 12)?),
            )?)?,
            write_retries: reg.add(IntCounter::new(
                "natter_db_write_retries_total",
                "Write batches whose sends were written again one by one after a statement failed",
            )?)?,
            write_queue: reg.add(IntGauge::new(
                "natter_db_write_queue_depth",
                "Jobs (messages, transactions, single writes) waiting for the database writer",
            )?)?,
            bus_lag: reg.add(IntGauge::new(
                "natter_event_bus_lag_events",
                "Events published on the bus that its slowest listener has not taken yet",
            )?)?,
            login_failures: reg.add(IntCounter::new("natter_login_failures_total", "Failed agent logins")?)?,
            rate_limited: reg.add(IntCounterVec::new(
                Opts::new("natter_rate_limited_total", "Requests and frames refused for going too fast, by limit"),
                &["limit"],
            )?)?,
            events_pruned: reg.add(IntCounter::new(
                "natter_events_pruned_total",
                "Event-log rows removed after the retention period",
            )?)?,
            uploads_removed: reg.add(IntCounter::new(
                "natter_orphan_uploads_removed_total",
                "Uploads removed because no message used them within a day",
            )?)?,
            missed_runs: reg.add(IntCounterVec::new(
                Opts::new(
                    "natter_missed_rule_runs_total",
                    "Times the missed-conversation rule looked, by what woke it (deadline, news, everything)",
                ),
                &["cause"],
            )?)?,
            missed_changes: reg.add(IntCounterVec::new(
                Opts::new(
                    "natter_missed_changes_total",
                    "Conversations this node turned red (announced) or back (cleared)",
                ),
                &["change"],
            )?)?,
            registry,
        };
        let build = IntGaugeVec::new(Opts::new("natter_build_info", "The running version"), &["version"])?;
        build.with_label_values(&[env!("CARGO_PKG_VERSION")]).set(1);
        inner.registry.register(Box::new(build))?;
        Ok(Self(Arc::new(inner)))
    }

    /// Everything, in the Prometheus text format.
    pub fn render(&self) -> Result<String, prometheus::Error> {
        let mut text = Vec::new();
        TextEncoder::new().encode(&self.0.registry.gather(), &mut text)?;
        String::from_utf8(text).map_err(|e| prometheus::Error::Msg(e.to_string()))
    }

    /// An HTTP request was answered. `route` is the pattern that matched (never
    /// the raw path, which would make a series per id).
    pub fn http_request(&self, method: &Method, route: &str, status: u16, latency: Duration) {
        let method = method_label(method);
        self.0.http_requests.with_label_values(&[method, route, &status.to_string()]).inc();
        self.0.http_duration.with_label_values(&[method, route]).observe(latency.as_secs_f64());
    }

    /// A WebSocket opened; it counts as open until the returned guard drops.
    pub fn socket_opened(&self, kind: SocketKind) -> OpenSocket {
        self.0.sockets_opened.with_label_values(&[kind.label()]).inc();
        let gauge = self.0.sockets_open.with_label_values(&[kind.label()]);
        gauge.inc();
        OpenSocket(gauge)
    }

    /// A message was durably stored.
    pub fn message_stored(&self, kind: MessageKind) {
        let label = match kind {
            MessageKind::Visitor => "visitor",
            MessageKind::Reply => "reply",
            MessageKind::Comment => "comment",
            MessageKind::System => "system",
        };
        self.0.messages.with_label_values(&[label]).inc();
    }

    /// One durable commit made `batch_size` write transactions durable in `latency`.
    pub fn commit(&self, batch_size: usize, latency: Duration) {
        self.0.commit_batch.observe(batch_size as f64);
        self.0.commit_duration.observe(latency.as_secs_f64());
    }

    /// A batch's sends had to be written again one by one (a statement failed).
    pub fn write_retried(&self) {
        self.0.write_retries.inc();
    }

    /// How many jobs wait for the database writer.
    pub fn write_queue_depth(&self, n: usize) {
        self.0.write_queue.set(i64::try_from(n).unwrap_or(i64::MAX));
    }

    /// How many published events the slowest bus listener has not taken yet.
    pub fn bus_lag(&self, n: usize) {
        self.0.bus_lag.set(i64::try_from(n).unwrap_or(i64::MAX));
    }

    /// A login failed (wrong email or password).
    pub fn login_failed(&self) {
        self.0.login_failures.inc();
    }

    /// Something was refused for going too fast.
    pub fn rate_limited(&self, limit: Limit) {
        self.0.rate_limited.with_label_values(&[limit.label()]).inc();
    }

    /// Retention removed `n` old events.
    pub fn events_pruned(&self, n: u64) {
        self.0.events_pruned.inc_by(n);
    }

    /// The missed-conversation rule looked, woken by `cause`.
    pub fn missed_rule_run(&self, cause: &'static str) {
        self.0.missed_runs.with_label_values(&[cause]).inc();
    }

    /// This node turned a conversation red (`announced`) or back (`cleared`).
    pub fn missed_change(&self, change: &'static str) {
        self.0.missed_changes.with_label_values(&[change]).inc();
    }

    /// Retention removed `n` uploads no message used.
    pub fn orphan_uploads_removed(&self, n: u64) {
        self.0.uploads_removed.inc_by(n);
    }
}

/// An open WebSocket, counted until dropped.
pub struct OpenSocket(IntGauge);

impl Drop for OpenSocket {
    fn drop(&mut self) {
        self.0.dec();
    }
}

struct Registrar<'a>(&'a Registry);

impl Registrar<'_> {
    fn add<M: prometheus::core::Collector + Clone + 'static>(&self, metric: M) -> Result<M, prometheus::Error> {
        self.0.register(Box::new(metric.clone()))?;
        Ok(metric)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockets_count_while_open_and_registries_are_separate() {
        let (one, two) = (Metrics::new().unwrap(), Metrics::new().unwrap());
        let socket = one.socket_opened(SocketKind::Visitor);
        one.write_queue_depth(3);
        let text = one.render().unwrap();
        assert!(text.contains("natter_websockets_open{kind=\"visitor\"} 1"), "{text}");
        assert!(text.contains("natter_db_write_queue_depth 3"), "{text}");
        drop(socket);
        let text = one.render().unwrap();
        assert!(text.contains("natter_websockets_open{kind=\"visitor\"} 0"), "{text}");
        assert!(text.contains("natter_websockets_opened_total{kind=\"visitor\"} 1"), "{text}");
        assert!(!two.render().unwrap().contains("kind=\"visitor\""), "another server counts apart");
    }
}
