//! The numbers, printed for people.

use crate::Args;
use crate::clients::Outcome;

/// A process's resident memory in KiB, from /proc.
pub fn rss_kib(pid: Option<u32>) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// Prints the report.
pub fn print(args: &Args, o: &Outcome, failed: usize, before: Option<u64>, connected: Option<u64>, after: Option<u64>) {
    let connections = (args.visitors + args.agents) as u64;
    println!(
        "== natter-loadgen: {} visitors, {} agents, {} msg/s for {} s ==",
        args.visitors, args.agents, args.rate, args.duration
    );
    if let (Some(b), Some(c)) = (before, connected) {
        let per = (c.saturating_sub(b) * 1024) / connections.max(1);
        println!("server RSS: {b} KiB idle, {c} KiB connected ({per} bytes per connection)");
    }
    if let Some(a) = after {
        println!("server RSS after the run: {a} KiB");
    }
    println!("failed connections: {failed}");
    if args.rate == 0 {
        return;
    }
    let expected = o.acked * args.agents as u64;
    println!(
        "sent {} (not handed over: {}), acked {}, errors {}, unanswered {}",
        o.sent,
        o.backlog,
        o.acked,
        o.errors,
        o.sent.saturating_sub(o.acked + o.errors)
    );
    println!(
        "delivered {}/{} acknowledged messages × agents, lost {}",
        o.delivered,
        expected,
        expected.saturating_sub(o.delivered)
    );
    println!(
        "throughput: {:.0} msg/s acknowledged over sending + drain ({:.1} s + {:.1} s)",
        o.acked as f64 / (o.seconds + o.drain_seconds).max(0.001),
        o.seconds,
        o.drain_seconds
    );
    if let Some(h) = &o.latency {
        let ms = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
        println!(
            "visitor→agent delivery latency (ms): p50 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}  ({} samples)",
            ms(0.5),
            ms(0.99),
            ms(0.999),
            h.max() as f64 / 1000.0,
            h.len()
        );
    }
}
