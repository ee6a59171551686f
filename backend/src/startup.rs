//! Building and running the application: the library's entry point, used by
//! `main` and by the tests (which bind port 0 and read the port back).

use crate::bus::Wiring;
use crate::bus::limits::{LoginThrottle, RateWindow};
use crate::claims::JwtKeys;
use crate::clock::{Clock, SystemClock};
use crate::config::{LogFormat, Settings};
use crate::db::Db;
use crate::domain::sessions;
use crate::metrics::Metrics;
use crate::realtime::{Hub, SocketCaps};
use crate::state::AppState;
use crate::storage::Storage;
use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use std::sync::Arc;
use tokio::sync::watch;

/// A built server, bound but not yet running.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    shutdown: Arc<watch::Sender<bool>>,
}

/// Connects to the database (and Redis, when set) and runs every pending migration.
pub async fn connect(settings: &Settings, metrics: &Metrics) -> anyhow::Result<(Db, Wiring)> {
    std::fs::create_dir_all(&settings.data_dir)?;
    let redis = settings.redis_url.as_ref().map(|url| url.0.as_str());
    let wiring = Wiring::connect(redis, &settings.redis_namespace).await?;
    let db = Db::connect(&settings.database_url(), wiring.sink.clone(), settings.writer(), metrics.clone()).await?;
    crate::db::migrate(&db).await?;
    Ok((db, wiring))
}

/// Connects to the database and runs every pending migration (`natter migrate`).
pub async fn migrate(settings: &Settings, metrics: &Metrics) -> anyhow::Result<Db> {
    Ok(connect(settings, metrics).await?.0)
}

impl Application {
    /// Migrates, creates the first admin if needed, and binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// As [`Application::build`], with an injected clock.
    pub async fn build_with_clock(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let metrics = Metrics::new()?;
        let (db, wiring) = connect(&settings, &metrics).await?;
        let bus = wiring.start(db.conn().clone(), clock.clone()).await?;
        let (shutdown, stopping) = watch::channel(false);
        let state = AppState::new(crate::state::Parts {
            metrics,
            jwt: JwtKeys::load(&settings)?,
            storage: Storage::from_settings(&settings)?,
            throttle: LoginThrottle::new(bus.counters()),
            new_visitors: RateWindow::new(bus.counters(), "new-visitor", settings.new_visitors_per_ip, 600),
            roster: Arc::default(),
            shutdown: stopping,
            webhook_wake: Arc::new(watch::channel(0).0),
            mailer: crate::mail::Mailer::from_settings(&settings)?,
            settings: Arc::new(settings),
            clock,
            bus,
            db,
        });
        if let Some((email, password)) = sessions::bootstrap_admin(&state).await.map_err(|e| anyhow::anyhow!("{e}"))? {
            // Shown once, on the first start, so the owner can log in.
            if state.settings.log_format == LogFormat::Json {
                tracing::warn!(email, password, "created the first admin; change the password after logging in");
            } else {
                println!("Created the first admin: {email} / {password}  (change it after logging in)");
            }
        }
        crate::domain::roster::spawn_watcher(state.clone());
        crate::domain::missed::spawn(state.clone());
        crate::domain::snooze::spawn(state.clone());
        crate::domain::assignment::spawn(state.clone());
        crate::retention::spawn(state.clone());
        crate::webhooks::spawn(state.clone());
        crate::domain::reply_emails::spawn(state.clone());
        let hub = web::Data::new(Hub::start(&state.bus));
        let caps = web::Data::new(SocketCaps::new(state.settings.sockets_per_visitor, state.settings.sockets_per_ip));
        let listener = crate::listener::bind(state.settings.bind)?;
        let port = listener.local_addr()?.port();
        let data = web::Data::new(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(hub.clone())
                .app_data(caps.clone())
                .wrap(from_fn(crate::routes::input::check_queries))
                .wrap(from_fn(crate::routes::security_headers::security_headers))
                .wrap(Compress::default())
                .wrap(DefaultHeaders::new().add(("X-Content-Type-Options", "nosniff")))
                .wrap(from_fn(crate::telemetry::trace_requests))
                .configure(crate::routes::configure)
                .default_service(web::to(crate::routes::fallback))
        })
        // Frames go out as soon as they are written: Nagle's algorithm would hold
        // a small frame back until the previous one is acknowledged.
        .on_connect(|conn, _| {
            if let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>()
                && let Err(e) = tcp.set_nodelay(true)
            {
                tracing::debug!(error = %e, "could not set TCP_NODELAY");
            }
        })
        .listen(listener)?
        .shutdown_timeout(10)
        .disable_signals()
        .run();
        Ok(Self { port, server, state, shutdown: Arc::new(shutdown) })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (tests use its clock and database).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// A handle that stops the server gracefully, as SIGTERM does.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle { server: self.server.handle(), shutdown: self.shutdown.clone() }
    }

    /// Serves until stopped: on SIGTERM or Ctrl-C, stops accepting, closes every
    /// socket with 1001 ("going away") so clients resume elsewhere, lets in-flight
    /// requests finish (10 s at most) and returns.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.shutdown_handle();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutting down");
            handle.shutdown().await;
        });
        self.server.await
    }
}

/// Stops a running [`Application`].
#[derive(Clone)]
pub struct ShutdownHandle {
    server: actix_web::dev::ServerHandle,
    shutdown: Arc<watch::Sender<bool>>,
}

impl ShutdownHandle {
    /// Closes the sockets, then stops the server gracefully.
    pub async fn shutdown(&self) {
        self.shutdown.send_replace(true);
        self.server.stop(true).await;
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
