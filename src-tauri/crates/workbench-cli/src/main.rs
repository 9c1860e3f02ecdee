//! `pwb`: the command-line twin of the Partner Workbench desktop app, on the same facade
//! (`workbench`). Commands parse arguments, call one facade function, and print: a table for
//! people, `--json` for machines. Exit codes are stable; see [`exit`].

mod exit;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use time::OffsetDateTime;
use workbench::server::{Connection, ServerChoice};
use workbench::{SyncPhase, SyncStatus, Workbench, WorkbenchError};

#[derive(Debug, Parser)]
#[command(
    name = "pwb",
    version,
    about = "Partner Workbench on the command line: your AppConnect apps, offline and scriptable."
)]
struct Cli {
    /// Base URL of the Partner Project server. Default: the sandbox embedded in Partner Workbench.
    #[arg(long, global = true, env = "PWB_SERVER", value_name = "URL")]
    server: Option<String>,
    /// Folder of the cache, settings and logs. Default: the platform's data folder.
    #[arg(long, global = true, env = "PWB_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List your apps and their versions with both review statuses. Refreshes from the server
    /// first; when the server cannot be reached, shows the cache and says it is offline.
    Apps {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Do not contact the server: show the cache as it is.
        #[arg(long)]
        offline: bool,
    },
    /// Fetch everything from the server into the local cache.
    Sync {
        /// Print JSON instead of a summary.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(exit::FAILURE);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(exit::for_error(&error))
        }
    }
}

async fn run(cli: Cli) -> Result<u8, WorkbenchError> {
    let data_dir = match cli.data_dir {
        Some(dir) => dir,
        None => workbench::default_data_dir()?,
    };
    let workbench = Workbench::open(&data_dir)?;
    let choice = ServerChoice::from_option(cli.server);
    match cli.command {
        Command::Apps { json, offline } => {
            let status = if offline {
                workbench.status_cached()
            } else {
                sync(&workbench, &choice, &data_dir, false).await
            };
            let apps = workbench.list_apps()?;
            if json {
                output::print_json(&output::apps_json(&apps, &status));
            } else {
                output::print_apps_table(&apps);
                output::print_status_note(&status);
            }
            Ok(exit::SUCCESS)
        }
        Command::Sync { json } => {
            let status = sync(&workbench, &choice, &data_dir, !json).await;
            if json {
                output::print_json(&output::status_json(&status));
            } else if status.phase == SyncPhase::Idle {
                println!("synced from {}", status.server.as_deref().unwrap_or("?"));
            } else {
                output::print_status_note(&status);
            }
            Ok(status.error_code.map_or(exit::SUCCESS, exit::for_code))
        }
    }
}

/// Pulls from the chosen server and says how it went. A failed pull, or a server that cannot even
/// be set up, is not an error here: the status says offline or what went wrong, and the cache is
/// untouched for the caller to show.
async fn sync(
    workbench: &Workbench,
    choice: &ServerChoice,
    data_dir: &std::path::Path,
    show_progress: bool,
) -> SyncStatus {
    let connection = match Connection::open(choice, data_dir).await {
        Ok(connection) => connection,
        Err(error) => return workbench.status_after(choice.label(), &Err(error)),
    };
    let server = connection.client.server().to_owned();
    let bar = if show_progress {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} syncing {pos}/{len} apps {wide_bar}")
            .expect("the template is valid"),
    );
    let result = workbench
        .pull(&connection.client, OffsetDateTime::now_utc(), |progress| {
            bar.set_length(progress.total as u64);
            bar.set_position(progress.done as u64);
        })
        .await;
    bar.finish_and_clear();
    connection.close().await;
    workbench.status_after(&server, &result)
}
