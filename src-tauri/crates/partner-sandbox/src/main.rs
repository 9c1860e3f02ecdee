//! The `partner-sandbox` binary: runs a [`partner_sandbox::Sandbox`] until Ctrl-C or SIGTERM.
//! Its first stdout line is `listening on http://HOST:PORT`, which scripts wait for. It listens
//! on loopback only unless `--public` is given (see the library's `trust.rs`).

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use partner_sandbox::{
    Config, FaultProfile, MAX_PAGE_SIZE, OAuthConfig, ReviewMode, Sandbox, Seed,
};

/// A local Partner Project API server over its own SQLite database.
#[derive(Debug, Parser)]
#[command(name = "partner-sandbox", version, about)]
struct Args {
    /// The address to listen on, `IP:PORT` or `NAME:PORT`; port 0 picks a free port. Only
    /// loopback unless --public is given.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0", value_parser = parse_listen)]
    listen: Listen,
    /// Serve other machines: allow a non-loopback --listen (such as 0.0.0.0:8080). The admin
    /// routes (/_sandbox/...) are then off, and the sign-in pages approve only after the demo
    /// partner's sign-in.
    #[arg(long)]
    public: bool,
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
    /// Offer no device flow: the metadata names no device endpoint, so clients sign in with the
    /// authorization code and PKCE.
    #[arg(long)]
    no_device_flow: bool,
    /// Fault profile: delay every request by MIN-MAX milliseconds (or a fixed MS).
    #[arg(long, value_name = "MIN-MAX")]
    fault_latency_ms: Option<String>,
    /// Fault profile: the share (0 to 1) of requests answering 500 or 503.
    #[arg(long, value_name = "R")]
    fault_error_rate: Option<f64>,
    /// Fault profile: the share (0 to 1) of requests answering 503 with Retry-After (on top
    /// of --fault-error-rate's).
    #[arg(long = "fault-unavailable-rate", value_name = "R")]
    fault_unavailable_rate: Option<f64>,
    /// Fault profile: the share (0 to 1) of requests answering 429.
    #[arg(long = "fault-429-rate", value_name = "R")]
    fault_429_rate: Option<f64>,
    /// Fault profile: every Nth request answers 429.
    #[arg(long = "fault-429-every", value_name = "N")]
    fault_429_every: Option<u64>,
    /// Fault profile: the Retry-After of 429 and 503 answers, in seconds.
    #[arg(long, value_name = "S")]
    fault_retry_after_s: Option<u64>,
    /// Fault profile: the share (0 to 1) of requests whose connection is dropped unanswered.
    #[arg(long, value_name = "R")]
    fault_drop_rate: Option<f64>,
    /// Fault profile: the share (0 to 1) of responses cut off halfway.
    #[arg(long, value_name = "R")]
    fault_truncate_rate: Option<f64>,
    /// Fault profile: the seed that makes the faults reproducible.
    #[arg(long, value_name = "N")]
    fault_seed: Option<u64>,
}

/// Where to listen: the address, and the host name it was given as, if it was a name.
#[derive(Debug, Clone)]
struct Listen {
    addr: SocketAddr,
    name: Option<String>,
}

/// `IP:PORT`, `[IPv6]:PORT` or `NAME:PORT`; a name is resolved here (its first address) and
/// kept, so requests may name it in `Host`.
fn parse_listen(text: &str) -> Result<Listen, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(Listen { addr, name: None });
    }
    let expected = || format!("expected IP:PORT or NAME:PORT, such as 127.0.0.1:0, not {text:?}");
    let (name, port) = text.rsplit_once(':').ok_or_else(expected)?;
    let port: u16 = port.parse().map_err(|_| expected())?;
    let valid_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if !valid_name {
        return Err(expected());
    }
    let addr = std::net::ToSocketAddrs::to_socket_addrs(&(name, port))
        .map_err(|e| format!("cannot resolve {name:?}: {e}"))?
        .next()
        .ok_or_else(|| format!("{name:?} resolves to no address"))?;
    Ok(Listen {
        addr,
        name: Some(name.to_ascii_lowercase()),
    })
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && (0.0..=86_400.0).contains(&s) => Ok(s),
        _ => Err(format!(
            "expected seconds between 0 and 86400, not {text:?}"
        )),
    }
}

impl Args {
    /// The fault profile the `--fault-*` flags ask for (checked by the same rules as
    /// `PUT /_sandbox/faults`), or `None` when no flag is given.
    fn fault_profile(&self) -> anyhow::Result<Option<FaultProfile>> {
        let mut profile = serde_json::Map::new();
        if let Some(range) = &self.fault_latency_ms {
            let (min, max) = range.split_once('-').unwrap_or((range, range));
            let parse = |n: &str| {
                n.trim().parse::<u64>().map_err(|_| {
                    anyhow::anyhow!("--fault-latency-ms must be MIN-MAX or MS, not {range:?}")
                })
            };
            profile.insert(
                "latency_ms".into(),
                serde_json::json!({"min": parse(min)?, "max": parse(max)?}),
            );
        }
        let mut limit = serde_json::Map::new();
        if let Some(rate) = self.fault_429_rate {
            limit.insert("rate".into(), rate.into());
        }
        if let Some(n) = self.fault_429_every {
            limit.insert("every_nth".into(), n.into());
        }
        if !limit.is_empty() {
            profile.insert("rate_limit".into(), limit.into());
        }
        let numbers = [
            ("error_rate", self.fault_error_rate),
            ("unavailable_rate", self.fault_unavailable_rate),
            ("drop_rate", self.fault_drop_rate),
            ("truncate_rate", self.fault_truncate_rate),
        ];
        for (name, rate) in numbers {
            if let Some(rate) = rate {
                profile.insert(name.into(), rate.into());
            }
        }
        if let Some(s) = self.fault_retry_after_s {
            profile.insert("retry_after_s".into(), s.into());
        }
        if let Some(seed) = self.fault_seed {
            profile.insert("seed".into(), seed.into());
        }
        if profile.is_empty() {
            return Ok(None);
        }
        FaultProfile::from_json(&profile.into())
            .map(Some)
            .map_err(|fields| {
                let problems: Vec<_> = fields
                    .iter()
                    .map(|f| format!("--fault-{}: {}", f.name.replace('_', "-"), f.description))
                    .collect();
                anyhow::anyhow!("invalid fault profile: {}", problems.join("; "))
            })
    }
}

/// `partner-sandbox --generate-man DIR` (not in `--help`): writes `DIR/partner-sandbox.1`, the
/// manual page generated from the arguments above, for the package.
fn generate_man() -> Option<ExitCode> {
    let mut args = std::env::args_os().skip(1);
    if args.next().as_deref() != Some("--generate-man".as_ref()) {
        return None;
    }
    let dir = PathBuf::from(args.next()?);
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        use clap::CommandFactory;
        let mut page = Vec::new();
        clap_mangen::Man::new(Args::command()).render(&mut page)?;
        std::fs::write(dir.join("partner-sandbox.1"), page)
    });
    Some(match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "error: cannot write the manual page in {}: {e}",
                dir.display()
            );
            ExitCode::FAILURE
        }
    })
}

fn main() -> ExitCode {
    if let Some(code) = generate_man() {
        return code;
    }
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
    let profile = args.fault_profile()?;
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
            device_flow: !args.no_device_flow,
            ..OAuthConfig::default()
        },
        public: args.public,
        host_name: args.listen.name,
    };
    let sandbox = Sandbox::start(config, args.listen.addr).await?;
    if args.public {
        tracing::warn!(
            "serving other machines (--public): the admin routes are off, and the sign-in pages \
             ask for the demo partner's sign-in"
        );
    }
    if profile.is_some() {
        tracing::info!(?profile, "fault profile set by flags");
        sandbox.set_fault_profile(profile);
    }
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
