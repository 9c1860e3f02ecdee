//! The desktop app's log: to stderr as before, and to a file a day in the state folder
//! ([`workbench::places`]: `$XDG_STATE_HOME/partner-workbench/logs/partner-workbench.DATE.log`),
//! the last [`LOG_DAYS_KEPT`] days kept. `PWB_LOG` sets the level (`info` unless set). Nothing
//! logged carries a token: the types that hold one redact their `Debug`.

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, fmt};
use workbench::Places;
use workbench::places::{LOG_DAYS_KEPT, LOG_PREFIX, LOG_SUFFIX};

/// Starts logging. The guard flushes the file when dropped: keep it until the app ends. Without
/// a state folder, or when the log folder cannot be made, the log goes to stderr alone and a
/// line there says why.
pub fn init(places: Option<&Places>) -> Option<WorkerGuard> {
    let filter = || EnvFilter::try_from_env("PWB_LOG").unwrap_or_else(|_| "info".into());
    let file = places.map(|places| {
        let folder = places.log_dir();
        RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix(LOG_PREFIX)
            .filename_suffix(LOG_SUFFIX)
            .max_log_files(LOG_DAYS_KEPT)
            .build(&folder)
            .map_err(|e| format!("cannot write the log in {}: {e}", folder.display()))
    });
    let stderr = fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter());
    match file {
        Some(Ok(appender)) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let to_file = fmt::layer()
                .with_writer(writer)
                .with_ansi(false)
                .with_filter(filter());
            tracing_subscriber::registry()
                .with(stderr)
                .with(to_file)
                .init();
            Some(guard)
        }
        other => {
            tracing_subscriber::registry().with(stderr).init();
            if let Some(Err(reason)) = other {
                tracing::warn!("{reason}; logging to stderr only");
            }
            None
        }
    }
}
