//! Natter's load generator.
//!
//! Opens N visitor and M agent WebSockets against a running server (spreading
//! the client side over several 127.0.0.x source addresses), sends visitor
//! messages at a fixed rate whatever the server does (an open model: every
//! message carries its send time, so slow answers can't hide), and reports
//! visitor→agent delivery latency, throughput, server memory and losses.

mod clients;
mod report;

use clap::Parser;
use std::time::Duration;

/// What to run.
#[derive(Debug, Clone, Parser)]
#[command(name = "natter-loadgen", about = "Load generator for a running Natter server")]
pub struct Args {
    /// Server base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// Admin email (to log the agents in).
    #[arg(long, default_value = "admin@natter.test")]
    pub email: String,
    /// Admin password.
    #[arg(long, default_value = "correct horse battery")]
    pub password: String,
    /// Visitor connections.
    #[arg(long, default_value_t = 1000)]
    pub visitors: usize,
    /// Agent connections.
    #[arg(long, default_value_t = 10)]
    pub agents: usize,
    /// Visitor messages per second, spread over the visitors (0: idle connections only).
    #[arg(long, default_value_t = 1000)]
    pub rate: u64,
    /// How long to send, in seconds.
    #[arg(long, default_value_t = 30)]
    pub duration: u64,
    /// Source addresses 127.0.0.1 .. 127.0.0.N for the client side.
    #[arg(long, default_value_t = 4)]
    pub sources: u8,
    /// The server's process id, to read its memory from /proc.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Concurrent connection attempts while setting up.
    #[arg(long, default_value_t = 200)]
    pub connect_concurrency: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let rss_before = report::rss_kib(args.server_pid);
    let setup = clients::setup(&args).await?;
    let rss_connected = report::rss_kib(args.server_pid);
    println!(
        "connected: {} visitors, {} agents ({} failed)",
        setup.visitors.len(),
        setup.agents.len(),
        setup.failed_connections
    );
    let outcome = if args.rate == 0 {
        tokio::time::sleep(Duration::from_secs(args.duration.min(5))).await;
        clients::Outcome::default()
    } else {
        clients::run(&args, setup.visitors, setup.agents).await
    };
    let rss_after = report::rss_kib(args.server_pid);
    report::print(&args, &outcome, setup.failed_connections, rss_before, rss_connected, rss_after);
    Ok(())
}
