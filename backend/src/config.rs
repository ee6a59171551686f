//! Settings: a typed value built from defaults, environment variables and flags.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// A secret value: never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

/// `natter` command line.
#[derive(Debug, Parser)]
#[command(name = "natter", version, about = "Natter: self-hosted real-time customer live chat")]
pub struct Cli {
    /// What to do; `serve` when absent.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Settings shared by every command.
    #[command(flatten)]
    pub settings: Settings,
}

/// The subcommands.
#[derive(Debug, Subcommand, Clone, PartialEq, Eq)]
pub enum Command {
    /// Run migrations, then serve (the default).
    Serve,
    /// Run the database migrations and exit.
    Migrate,
    /// Write a consistent copy of the SQLite database and its attachments to one
    /// tar file, safely while the server runs.
    Backup {
        /// The archive to write (replaced if it exists).
        file: PathBuf,
    },
    /// Restore a `natter backup` archive into the data dir (stop the server first).
    Restore {
        /// The archive to read.
        file: PathBuf,
        /// Replace an existing database (it is kept beside, renamed).
        #[arg(long)]
        force: bool,
    },
    /// Fill the database with a big inbox for benchmarks, through the real write
    /// path (stop the server first).
    Seed {
        /// Conversations to create, each with its own contact.
        #[arg(long, default_value_t = 100_000)]
        conversations: u64,
        /// Messages in all (at least one per conversation).
        #[arg(long, default_value_t = 1_000_000)]
        messages: u64,
    },
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, with the request id of the request it belongs to.
    Json,
}

/// Everything the server can be told (flags may follow the subcommand).
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, global = true, env = "NATTER_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Directory for the SQLite database, attachments and the generated JWT secret.
    #[arg(long, global = true, env = "NATTER_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Database URL (`sqlite://…` or `postgres://…`); default: SQLite file in the data dir.
    #[arg(long, global = true, env = "DATABASE_URL")]
    pub database_url: Option<Secret>,
    /// Public base URL of this server, used in links (for example `https://chat.example.com`).
    #[arg(long, global = true, env = "NATTER_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Email of the admin created on first start.
    #[arg(long, global = true, env = "NATTER_ADMIN_EMAIL")]
    pub admin_email: Option<String>,
    /// Password of the admin created on first start; generated and printed once when unset.
    #[arg(long, global = true, env = "NATTER_ADMIN_PASSWORD")]
    pub admin_password: Option<Secret>,
    /// Secret that signs access tokens; generated and kept in the data dir when unset.
    #[arg(long, global = true, env = "NATTER_JWT_SECRET")]
    pub jwt_secret: Option<Secret>,
    /// Seconds an unanswered visitor message waits before the conversation turns red.
    #[arg(long, global = true, env = "NATTER_MISSED_AFTER_SECS", default_value_t = 30)]
    pub missed_after_secs: u64,
    /// Largest accepted attachment, in bytes.
    #[arg(long, global = true, env = "NATTER_MAX_UPLOAD_BYTES", default_value_t = shared::limits::DEFAULT_MAX_UPLOAD_BYTES)]
    pub max_upload_bytes: u64,
    /// New visitor sessions (each makes a contact) allowed per IP address every 10 minutes; 0: no limit.
    #[arg(long, global = true, env = "NATTER_NEW_VISITORS_PER_IP", default_value_t = 100)]
    pub new_visitors_per_ip: u32,
    /// WebSockets one visitor token may hold open at once (per node); 0: no limit.
    #[arg(long, global = true, env = "NATTER_SOCKETS_PER_VISITOR", default_value_t = 8)]
    pub sockets_per_visitor: usize,
    /// WebSockets one IP address may hold open at once (per node); 0: no limit.
    #[arg(long, global = true, env = "NATTER_SOCKETS_PER_IP", default_value_t = 1000)]
    pub sockets_per_ip: usize,
    /// Days a visitor session may go unused before it ends (the widget then starts a new one).
    #[arg(long, env = "NATTER_VISITOR_SESSION_DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..))]
    pub visitor_session_days: u32,
    /// Origins allowed to open WebSockets and embed the widget, comma-separated.
    #[arg(long, global = true, env = "NATTER_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,
    /// Directory of the built agent inbox (`index.html` and `assets/`), made by `just frontend`.
    #[arg(long, global = true, env = "NATTER_WEB_DIR", default_value = "./dist/inbox")]
    pub web_dir: PathBuf,
    /// Writes that may wait for the database writer; beyond that, writes answer 503 `unavailable`.
    #[arg(long, env = "NATTER_WRITE_QUEUE", default_value_t = 65_536)]
    pub write_queue: usize,
    /// Redis URL (`redis://host:6379/0`): when set, several nodes share events, presence and rate limits.
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<Secret>,
    /// Prefix of this deployment's keys and channels in Redis (`natter:<namespace>:`).
    #[arg(long, env = "NATTER_REDIS_NAMESPACE", default_value = "default")]
    pub redis_namespace: String,
    /// Log filter (tracing's `EnvFilter` syntax).
    #[arg(long, global = true, env = "NATTER_LOG", default_value = "info")]
    pub log: String,
    /// Log format: `text` or `json` (one object per line).
    #[arg(long, global = true, env = "NATTER_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Bearer token required by `GET /metrics`; open to anyone who can reach it when unset.
    #[arg(long, global = true, env = "NATTER_METRICS_TOKEN")]
    pub metrics_token: Option<Secret>,
    /// Days the event log keeps events for resuming clients; 0 keeps them for ever.
    #[arg(long, global = true, env = "NATTER_EVENT_RETENTION_DAYS", default_value_t = 30)]
    pub event_retention_days: u32,
    /// Allow webhook targets on loopback, private, link-local and metadata addresses (`1`/`true`).
    #[arg(long, global = true, env = "NATTER_WEBHOOK_ALLOW_PRIVATE", default_value_t = false,
        action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true",
        value_parser = clap::builder::BoolishValueParser::new())]
    pub webhook_allow_private: bool,
    /// SMTP server for outgoing email: `smtps://user:pass@host:465`, or `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS); email features are off when unset.
    #[arg(long, global = true, env = "NATTER_SMTP_URL")]
    pub smtp_url: Option<Secret>,
    /// Sender of outgoing email (`Support <support@example.com>`).
    #[arg(long, global = true, env = "NATTER_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Domain of the Reply-To addresses (`reply+<token>@<domain>`) whose mail reaches `POST /inbound/email`.
    #[arg(long, global = true, env = "NATTER_INBOUND_DOMAIN")]
    pub inbound_domain: Option<String>,
    /// Bearer secret `POST /api/v1/inbound/email` requires; inbound email is refused when unset.
    #[arg(long, global = true, env = "NATTER_INBOUND_SECRET")]
    pub inbound_secret: Option<Secret>,
    /// Seconds an agent's reply waits before it is emailed to a visitor who left (replies meanwhile join it).
    #[arg(long, global = true, env = "NATTER_EMAIL_DELAY_SECS", default_value_t = 120)]
    pub email_delay_secs: u64,
    /// Attachments on S3-compatible storage instead of the data dir.
    #[command(flatten)]
    pub s3: S3Settings,
}

/// S3-compatible storage for attachments: on when a bucket is named.
#[derive(Debug, Clone, Default, Args)]
pub struct S3Settings {
    /// Bucket for attachments; when set, files go to S3 rather than `<data dir>/files`.
    #[arg(long = "s3-bucket", global = true, env = "NATTER_S3_BUCKET")]
    pub bucket: Option<String>,
    /// Endpoint of an S3-compatible service (MinIO, Ceph, …); AWS when unset.
    #[arg(long = "s3-endpoint", global = true, env = "NATTER_S3_ENDPOINT")]
    pub endpoint: Option<String>,
    /// Region.
    #[arg(long = "s3-region", global = true, env = "NATTER_S3_REGION", default_value = "us-east-1")]
    pub region: String,
    /// Access key id (else AWS_ACCESS_KEY_ID or the instance's role).
    #[arg(long = "s3-access-key-id", global = true, env = "NATTER_S3_ACCESS_KEY_ID")]
    pub access_key_id: Option<String>,
    /// Secret access key (else AWS_SECRET_ACCESS_KEY).
    #[arg(long = "s3-secret-access-key", global = true, env = "NATTER_S3_SECRET_ACCESS_KEY")]
    pub secret_access_key: Option<Secret>,
    /// Key prefix inside the bucket, so that several deployments can share one.
    #[arg(long = "s3-prefix", global = true, env = "NATTER_S3_PREFIX")]
    pub prefix: Option<String>,
}

impl Settings {
    /// Defaults as if nothing were set, rooted in `data_dir`; for tests and tools.
    pub fn for_data_dir(data_dir: PathBuf) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir,
            database_url: None,
            public_url: None,
            admin_email: None,
            admin_password: None,
            jwt_secret: None,
            missed_after_secs: 30,
            max_upload_bytes: shared::limits::DEFAULT_MAX_UPLOAD_BYTES,
            new_visitors_per_ip: 100,
            sockets_per_visitor: 8,
            sockets_per_ip: 1000,
            visitor_session_days: 90,
            allowed_origins: Vec::new(),
            web_dir: PathBuf::from("./dist/inbox"),
            write_queue: 65_536,
            redis_url: None,
            redis_namespace: "default".into(),
            log: "info".into(),
            log_format: LogFormat::Text,
            metrics_token: None,
            event_retention_days: 30,
            webhook_allow_private: false,
            smtp_url: None,
            mail_from: None,
            inbound_domain: None,
            inbound_secret: None,
            email_delay_secs: 120,
            s3: S3Settings { region: "us-east-1".into(), ..Default::default() },
        }
    }

    /// The database URL to connect to.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.0.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("natter.db").display()),
        }
    }

    /// How long a visitor session lives without use.
    pub fn visitor_session_idle(&self) -> chrono::Duration {
        chrono::Duration::days(i64::from(self.visitor_session_days))
    }

    /// How the database writer batches.
    pub fn writer(&self) -> crate::db::WriterConfig {
        crate::db::WriterConfig { queue: self.write_queue, ..Default::default() }
    }

    /// The missed-conversation deadline as a duration.
    pub fn missed_after(&self) -> chrono::Duration {
        chrono::Duration::seconds(i64::try_from(self.missed_after_secs).unwrap_or(i64::MAX / 1000))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secrets() {
        let mut s = Settings::for_data_dir("d".into());
        s.database_url = Some(Secret("postgres://u:hunter2@h/db".into()));
        s.jwt_secret = Some(Secret("hunter2".into()));
        s.metrics_token = Some(Secret("hunter2".into()));
        s.smtp_url = Some(Secret("smtps://u:hunter2@h".into()));
        s.inbound_secret = Some(Secret("hunter2".into()));
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn allowing_private_webhook_targets_takes_1_or_a_bare_flag() {
        for args in [&["natter", "--webhook-allow-private=1"][..], &["natter", "--webhook-allow-private"]] {
            let cli = Cli::try_parse_from(args).expect("parses");
            assert!(cli.settings.webhook_allow_private);
        }
        let cli = Cli::try_parse_from(["natter"]).expect("parses");
        assert!(!cli.settings.webhook_allow_private);
    }

    #[test]
    fn default_database_is_sqlite_in_data_dir() {
        let s = Settings::for_data_dir("/tmp/x".into());
        assert_eq!(s.database_url(), "sqlite:///tmp/x/natter.db?mode=rwc");
    }
}
