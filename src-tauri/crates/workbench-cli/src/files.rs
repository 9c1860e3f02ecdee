//! `pwb export`, `pwb import` and `pwb diff`: a version as files a partner keeps in git and
//! edits by hand (`workbench::files`). Export and import work offline, from the cache; diff also
//! asks the server for its copy, and says on stderr when it cannot.

use std::path::PathBuf;

use serde_json::{Value, json};
use time::OffsetDateTime;
use workbench::files::{FileChanges, ServerDiff};
use workbench::server::{Connection, ServerChoice};
use workbench::{ErrorCode, Workbench, WorkbenchError};

use crate::output::{self, say, say_err};
use crate::{account, edit, exit};

/// The longest value `pwb diff` prints on one line; `--json` has them whole.
const SHOWN_VALUE_CHARS: usize = 72;

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub target: edit::VersionArgs,
    /// The folder to write (created; or an empty folder, or an earlier export of this version,
    /// which is replaced whole; hidden entries such as `.git` stay). Anything else is refused
    /// and left as it is.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Replace an earlier export even when its files hold changes not imported (which are lost).
    #[arg(long)]
    pub force: bool,
    /// Print JSON instead of a summary.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// A folder written by `pwb export`, edited or not.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Print JSON instead of a summary.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// A folder written by `pwb export`, edited or not.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Compare with the cache only; do not ask the server.
    #[arg(long)]
    pub offline: bool,
    /// Print JSON instead of lines.
    #[arg(long)]
    pub json: bool,
}

pub fn export(workbench: &Workbench, args: ExportArgs) -> Result<u8, WorkbenchError> {
    let report = workbench.export_files(
        &args.target.app,
        &args.target.version,
        &args.dir,
        args.force,
    )?;
    if args.json {
        output::print_json(&serde_json::to_value(&report).expect("the report serializes"));
        return Ok(exit::SUCCESS);
    }
    say!(
        "{} version {} ({}) to {}: {}",
        if report.replaced {
            "replaced the export of"
        } else {
            "exported"
        },
        report.version_number,
        report.version_id,
        report.dir.display(),
        report.files.join(", ")
    );
    if let Some(icon) = &report.icon
        && icon.format != "png"
    {
        say!(
            "the icon is not a PNG: its bytes are {}, written as {}",
            if icon.format == "unknown" {
                "of no image format the rules know"
            } else {
                icon.format.as_str()
            },
            icon.file
        );
    }
    Ok(exit::SUCCESS)
}

pub fn import(workbench: &Workbench, args: ImportArgs) -> Result<u8, WorkbenchError> {
    let report = workbench.import_files(&args.dir, OffsetDateTime::now_utc())?;
    let changed_any = !report.fields.is_empty() || report.icon;
    if !report.overridden.is_empty() {
        say_err!(
            "note: changed both in the files and in the cache since the export (a sync or an \
             edit): {}; the files' values were applied over the cache's",
            report.overridden.join(", ")
        );
    }
    if args.json {
        output::print_json(&serde_json::to_value(&report).expect("the report serializes"));
        return Ok(exit::SUCCESS);
    }
    let mut changed = report.fields.clone();
    if report.icon {
        changed.push("icon".into());
    }
    if !changed_any {
        say!(
            "nothing changed: version {} already is what the files say",
            report.version_id
        );
    } else {
        say!(
            "saved {} on version {}; {} change(s) wait for `pwb sync`",
            changed.join(", "),
            report.version_id,
            report.pending
        );
    }
    if !report.kept.is_empty() {
        say!(
            "kept the cache's newer {} (the files left them as exported)",
            report.kept.join(", ")
        );
    }
    Ok(exit::SUCCESS)
}

pub async fn diff(
    workbench: &Workbench,
    choice: &ServerChoice,
    args: DiffArgs,
) -> Result<u8, WorkbenchError> {
    let files = workbench.read_export(&args.dir)?;
    let cache = files.against_cache();
    let server = if args.offline {
        None
    } else {
        Some(server_diff(workbench, choice, &files).await)
    };
    let code = match &server {
        Some(Err(error)) if error.code() == ErrorCode::ServerUnreachable => {
            say_err!("offline: not compared with the server ({error}); the cache's copy is shown");
            exit::SUCCESS
        }
        Some(Err(error)) => {
            say_err!("error: not compared with the server: {error}");
            exit::for_error(error)
        }
        _ => exit::SUCCESS,
    };
    let header = &files.header;
    if args.json {
        let server_json = match &server {
            None => json!({ "compared": false, "reason": "--offline" }),
            Some(Err(error)) => json!({ "compared": false, "reason": error.to_string() }),
            Some(Ok(diff)) => json!({
                "compared": true,
                "url": choice.label(),
                "etag": diff.etag,
                "moved_since_export": diff.moved_since_export,
                "changes": diff.changes,
            }),
        };
        output::print_json(&json!({
            "app_id": header.app_id,
            "version_id": header.version_id,
            "version_number": header.version_number,
            "cache": cache,
            "server": server_json,
        }));
        return Ok(code);
    }
    say!(
        "against the cache (the working copy of version {} {}):",
        header.version_number,
        header.version_id
    );
    print_changes(&cache.changes);
    for field in &cache.overridden {
        say!(
            "  {field}: changed in the cache too since the export; import applies the files' value"
        );
    }
    for kept in &cache.kept {
        say!(
            "  {}: kept as the cache has it, {} (the files hold the exported {})",
            kept.field,
            shown(&kept.to),
            shown(&kept.from)
        );
    }
    if let Some(Ok(diff)) = &server {
        say!("against the server ({}):", choice.label());
        if diff.moved_since_export {
            say!("  (the server's copy changed since the export)");
        }
        print_changes(&diff.changes);
    }
    Ok(code)
}

async fn server_diff(
    workbench: &Workbench,
    choice: &ServerChoice,
    files: &workbench::files::ExportedFiles,
) -> Result<ServerDiff, WorkbenchError> {
    let mut connection = Connection::open(choice, workbench, account::now()).await?;
    let result = workbench
        .with_fresh_token(&mut connection, account::now(), |client| async move {
            workbench.diff_with_server(&client, files).await
        })
        .await;
    connection.close().await;
    result
}

fn print_changes(changes: &FileChanges) {
    if changes.is_empty() {
        say!("  no differences");
        return;
    }
    for change in &changes.fields {
        say!(
            "  {}: {} -> {}",
            change.field,
            shown(&change.from),
            shown(&change.to)
        );
    }
    if let Some(icon) = &changes.icon {
        say!(
            "  icon changed: {} -> {}",
            icon.from.as_deref().map_or("none", short_sum),
            short_sum(&icon.to)
        );
    }
}

/// A value on one line: `null` reads as (absent), long ones are cut with `…`.
fn shown(value: &Value) -> String {
    if value.is_null() {
        return "(absent)".into();
    }
    let text = value.to_string();
    if text.chars().count() <= SHOWN_VALUE_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(SHOWN_VALUE_CHARS - 1).collect();
    cut.push('…');
    cut
}

fn short_sum(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}
