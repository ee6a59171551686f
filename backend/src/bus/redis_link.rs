//! The link to Redis: one multiplexed connection for commands (reconnecting by
//! itself) and one subscriber task per node, which resubscribes after a drop.
//! Keys and channels live under `natter:<namespace>:` so that several
//! deployments (or tests) can share one Redis.

use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use std::time::Duration;
use tokio::sync::mpsc;

/// The channels a node listens to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Channel {
    /// Committed events.
    Events,
    /// Signals that cross nodes.
    Signals,
    /// "The agents connected here changed": read the cluster's set again.
    Presence,
}

impl Channel {
    const ALL: [Channel; 3] = [Channel::Events, Channel::Signals, Channel::Presence];

    fn name(self) -> &'static str {
        match self {
            Channel::Events => "events",
            Channel::Signals => "signals",
            Channel::Presence => "presence",
        }
    }
}

/// A message heard on a channel, or the news that the subscription was
/// re-established (anything published meanwhile was lost).
pub(super) enum Heard {
    Message(Channel, String),
    Resubscribed,
}

/// Commands to Redis, under the deployment's namespace.
#[derive(Clone)]
pub(super) struct RedisLink {
    client: redis::Client,
    conn: ConnectionManager,
    prefix: String,
}

impl RedisLink {
    /// Connects (fails when Redis is unreachable at start).
    pub async fn connect(url: &str, namespace: &str) -> anyhow::Result<Self> {
        let client = redis::Client::open(url)?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)));
        let conn = client.get_connection_manager_with_config(config).await?;
        Ok(Self { client, conn, prefix: format!("natter:{namespace}:") })
    }

    /// A key under the namespace.
    pub fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// A connection for commands (cheap to clone).
    pub fn conn(&self) -> ConnectionManager {
        self.conn.clone()
    }

    /// Publishes on a channel; a failure is logged (the log is the truth for
    /// events, and signals are ephemeral).
    pub async fn publish(&self, channel: Channel, payload: String) {
        let mut conn = self.conn.clone();
        let result: redis::RedisResult<i64> = conn.publish(self.key(channel.name()), payload).await;
        if let Err(e) = result {
            tracing::debug!(error = %e, channel = channel.name(), "could not publish to Redis");
        }
    }

    /// Listens to every channel for good, reconnecting after a drop.
    pub fn listen(&self, heard: mpsc::UnboundedSender<Heard>) {
        let (client, prefix) = (self.client.clone(), self.prefix.clone());
        tokio::spawn(async move {
            let mut first = true;
            loop {
                match subscribe(&client, &prefix).await {
                    Ok(mut pubsub) => {
                        if !first && heard.send(Heard::Resubscribed).is_err() {
                            return;
                        }
                        first = false;
                        let mut messages = pubsub.on_message();
                        while let Some(message) = futures_util::StreamExt::next(&mut messages).await {
                            let name = message.get_channel_name().trim_start_matches(prefix.as_str()).to_owned();
                            let Some(channel) = Channel::ALL.into_iter().find(|c| c.name() == name) else {
                                continue;
                            };
                            let Ok(payload) = message.get_payload::<String>() else { continue };
                            if heard.send(Heard::Message(channel, payload)).is_err() {
                                return;
                            }
                        }
                        tracing::warn!("the Redis subscription dropped; reconnecting");
                    }
                    Err(e) => tracing::warn!(error = %e, "could not subscribe to Redis; retrying"),
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
    }
}

async fn subscribe(client: &redis::Client, prefix: &str) -> redis::RedisResult<redis::aio::PubSub> {
    let mut pubsub = client.get_async_pubsub().await?;
    for channel in Channel::ALL {
        pubsub.subscribe(format!("{prefix}{}", channel.name())).await?;
    }
    Ok(pubsub)
}
