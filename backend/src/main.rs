use backend::config::{Cli, Command};
use backend::metrics::Metrics;
use backend::startup::{Application, migrate};
use clap::Parser;

// mimalloc hands freed memory back to the system (argon2's 19 MiB per login, bursts
// of frames) and is faster than glibc's allocator for the many small frames. Built
// without transparent huge pages (`no_thp`): they cost ~5 KB more per idle socket.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    backend::telemetry::init(&cli.settings.log, cli.settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            migrate(&cli.settings, &Metrics::new()?).await?;
            tracing::info!("migrations applied");
        }
        Command::Backup { file } => {
            let report = backend::backup::create(&cli.settings, &file).await?;
            tracing::info!(file = %file.display(), attachments = report.attachments, "backup written");
        }
        Command::Restore { file, force } => {
            let report = backend::backup::restore(&cli.settings, &file, force).await?;
            tracing::info!(attachments = report.attachments, "backup restored");
        }
        Command::Seed { conversations, messages } => {
            let seeded = backend::seed::run(&cli.settings, conversations, messages).await?;
            tracing::info!(conversations = seeded.conversations, messages = seeded.messages, "seeded");
        }
        Command::Serve => {
            let app = Application::build(cli.settings).await?;
            tracing::info!(port = app.port(), "natter is listening");
            app.run_until_stopped().await?;
        }
    }
    Ok(())
}
