use backend::config::{Cli, Command};
use backend::startup::{Application, migrate};
use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    backend::telemetry::init(&cli.settings.log);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            migrate(&cli.settings).await?;
            tracing::info!("migrations applied");
        }
        Command::Serve => {
            let app = Application::build(cli.settings).await?;
            tracing::info!(port = app.port(), "natter is listening");
            app.run_until_stopped().await?;
        }
    }
    Ok(())
}
