//! The `partner-sandbox` binary: runs a [`partner_sandbox::Sandbox`] until Ctrl-C or SIGTERM.
//! Its first stdout line is `listening on http://HOST:PORT`, which scripts wait for.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use partner_sandbox::{Config, MAX_PAGE_SIZE, OAuthConfig, ReviewMode, Sandbox, Seed};

/// A local Partner Project API server over its own SQLite database.
#[derive(Debug, Parser)]
#[command(name = "partner-sandbox", version, about)]
struct Args {
    /// The address to listen on; port 0 picks a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// The directory of the sandbox's database (created when missing; reused as it is).
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
    /// What a new database starts with.
    #[arg(long, value_enum, default_value_t = Seed::Demo)]
    seed: Seed,
    /// The default page size of collections.
    #[arg(long, value_name = "N", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..=MAX_PAGE_SIZE as i64))]
    page_size: u32,
    /// How submitted tracks are decided: `auto` (after the delay, by the rules) or `manual`
    /// (by `POST /_sandbox/versions/{id}/review`).
    #[arg(long, value_enum, default_value_t = ReviewMode::Auto)]
    review: ReviewMode,
    /// Seconds an automatic review takes (fractions allowed).
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0, value_parser = parse_seconds)]
    review_delay: f64,
    /// How long an access token is valid, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600,
          value_parser = clap::value_parser!(u64).range(1..))]
    access_token_ttl: u64,
    /// How long a refresh token is valid, in seconds (default 30 days).
    #[arg(long, value_name = "SECONDS", default_value_t = 30 * 24 * 3600,
          value_parser = clap::value_parser!(u64).range(1..))]
    refresh_token_ttl: u64,
    /// How long a device code can be approved and polled, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 600,
          value_parser = clap::value_parser!(u64).range(1..))]
    device_code_ttl: u64,
    /// The least number of seconds between two polls of one device code.
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    device_interval: u64,
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && (0.0..=86_400.0).contains(&s) => Ok(s),
        _ => Err(format!(
            "expected seconds between 0 and 86400, not {text:?}"
        )),
    }
}

fn main() -> ExitCode {
    // clap prints a clear message and exits with status 2 on bad arguments.
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in a parent's captured stderr.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,partner_sandbox=info".into()),
        )
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("partner-sandbox: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("partner-sandbox: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    let config = Config {
        data_dir: args.data,
        seed: args.seed,
        page_size: args.page_size,
        review: args.review,
        review_delay: std::time::Duration::from_secs_f64(args.review_delay),
        oauth: OAuthConfig {
            access_token_ttl: Duration::from_secs(args.access_token_ttl),
            refresh_token_ttl: Duration::from_secs(args.refresh_token_ttl),
            device_code_ttl: Duration::from_secs(args.device_code_ttl),
            device_interval: Duration::from_secs(args.device_interval),
            ..OAuthConfig::default()
        },
    };
    let sandbox = Sandbox::start(config, args.listen).await?;
    let mut stdout = std::io::stdout().lock();
    // A closed stdout only means nobody reads the address; keep serving rather than panic.
    let _ = writeln!(stdout, "listening on {}", sandbox.base_url()).and_then(|()| stdout.flush());
    drop(stdout);
    shutdown_signal().await;
    tracing::info!("shutting down");
    sandbox.stop().await;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
                return;
            }
            Err(error) => tracing::warn!(%error, "cannot listen for SIGTERM; Ctrl-C only"),
        }
    }
    if let Err(error) = tokio::signal::ctrl_c().await {
        // Without signals we cannot be told to stop; serve until killed.
        tracing::warn!(%error, "cannot listen for Ctrl-C");
        std::future::pending::<()>().await;
    }
}
