//! `pwb edit`, `pwb conflicts`, `pwb resolve`, `pwb outbox`, and the review actions
//! (`pwb submit|withdraw|make-available`): local changes that the next sync sends.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use time::OffsetDateTime;
use workbench::{Edit, ReviewAction, Workbench, WorkbenchError};
use workbench_domain::validation::Suppression;
use workbench_domain::{SubscriptionPlan, Track};

use crate::exit;
use crate::output::{self, say};

/// The largest plans file read.
const MAX_PLANS_FILE: u64 = 1024 * 1024;

#[derive(Debug, clap::Args)]
pub struct VersionArgs {
    /// The app of the version.
    #[arg(long, value_name = "ID")]
    pub app: String,
    /// The cached version.
    #[arg(long, value_name = "ID")]
    pub version: String,
}

#[derive(Debug, clap::Args)]
pub struct EditArgs {
    #[command(flatten)]
    pub target: VersionArgs,
    /// Set one field: `general.display_name=Acme CRM`, `technical.manually_provisioned=true`,
    /// `marketplace.categories=["CRM"]`, `subscription_types[Pro].price=1500`. The value is read
    /// as JSON when it is JSON of the right kind, else as text. Repeat for more fields.
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
    /// Replace every subscription plan with the JSON list in FILE (add, remove, reorder, edit).
    #[arg(long, value_name = "FILE.json")]
    pub plans: Option<PathBuf>,
    /// Replace the icon with FILE, after the icon rules found no error in it.
    #[arg(long, value_name = "FILE")]
    pub icon: Option<PathBuf>,
    /// Undo the version's latest edit (as a new edit).
    #[arg(long, conflicts_with_all = ["set", "plans", "icon"])]
    pub undo: bool,
    /// Print JSON instead of a sentence.
    #[arg(long)]
    pub json: bool,
}

pub fn edit(workbench: &Workbench, args: EditArgs) -> Result<u8, WorkbenchError> {
    let EditArgs {
        target,
        set,
        plans,
        icon,
        undo,
        json,
    } = args;
    workbench.check_version_of_app(&target.app, &target.version)?;
    let now = OffsetDateTime::now_utc();
    if undo {
        let undone = workbench.undo(&target.version, now)?;
        if json {
            output::print_json(&json!({ "undone": undone }));
        } else {
            match undone {
                Some(summary) => say!("undid {summary} on version {}", target.version),
                None => say!("nothing to undo on version {}", target.version),
            }
        }
        return Ok(exit::SUCCESS);
    }
    if set.is_empty() && plans.is_none() && icon.is_none() {
        return Err(WorkbenchError::InvalidEdit(
            "nothing to change: give --set FIELD=VALUE, --plans FILE.json or --icon FILE (or --undo)"
                .into(),
        ));
    }
    // Every argument is read and checked before the first change, so a mistake changes nothing.
    let mut edits = Vec::new();
    for assignment in &set {
        let (field, value) = assignment.split_once('=').ok_or_else(|| {
            WorkbenchError::InvalidEdit(format!(
                "--set {assignment:?}: write FIELD=VALUE, for example general.display_name=Acme"
            ))
        })?;
        edits.push((field.trim().to_owned(), value.to_owned()));
    }
    let plans = plans.map(|path| read_plans(&path)).transpose()?;
    let icon = icon
        .map(|path| read_icon(workbench, &path).map(|bytes| (path, bytes)))
        .transpose()?;
    let mut fields = Vec::new();
    for (field, text) in edits {
        let outcome = set_text(workbench, &target.version, &field, &text, now)?;
        fields.extend(outcome.fields);
    }
    if let Some(plans) = plans {
        let outcome = workbench.edit(&target.version, Edit::Plans(plans), now)?;
        fields.extend(outcome.fields);
    }
    if let Some((path, bytes)) = icon {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "icon".into());
        workbench.set_icon(&target.version, bytes, &name, now)?;
        fields.push("icon".into());
    }
    let pending = workbench.local_changes(None)?.entries.len();
    if json {
        output::print_json(&json!({ "changed": fields, "pending": pending }));
    } else if fields.is_empty() {
        say!(
            "nothing changed: version {} already had those values",
            target.version
        );
    } else {
        say!(
            "saved {} on version {}; {pending} change(s) wait for `pwb sync`",
            fields.join(", "),
            target.version
        );
    }
    Ok(exit::SUCCESS)
}

/// Sets a field from command-line text: as JSON when that fits the field, else as a string.
fn set_text(
    workbench: &Workbench,
    version_id: &str,
    field: &str,
    text: &str,
    now: OffsetDateTime,
) -> Result<workbench::EditOutcome, WorkbenchError> {
    if let Ok(value) = serde_json::from_str::<Value>(text)
        && !value.is_string()
    {
        let edit = Edit::Set {
            field: field.to_owned(),
            value,
        };
        match workbench.edit(version_id, edit, now) {
            Err(WorkbenchError::InvalidEdit(_)) => {} // not of that kind: try it as text
            other => return other,
        }
    }
    workbench.edit(
        version_id,
        Edit::Set {
            field: field.to_owned(),
            value: Value::String(text.to_owned()),
        },
        now,
    )
}

fn read_plans(path: &Path) -> Result<Vec<SubscriptionPlan>, WorkbenchError> {
    let invalid = |reason: String| {
        WorkbenchError::InvalidEdit(format!("cannot use {} as plans: {reason}", path.display()))
    };
    let meta = std::fs::metadata(path).map_err(|e| invalid(e.to_string()))?;
    if meta.len() > MAX_PLANS_FILE {
        return Err(invalid(format!("larger than {MAX_PLANS_FILE} bytes")));
    }
    let text = std::fs::read_to_string(path).map_err(|e| invalid(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| {
        invalid(format!(
            "{e}; write a JSON list of plans like [{{\"type\": \"paid\", \"license_type\": \"individual\", \"name\": \"Pro\", \"price\": 1500, \"currency\": \"USD\", \"min_licenses\": 1, \"max_licenses\": 100}}]"
        ))
    })
}

fn read_icon(workbench: &Workbench, path: &Path) -> Result<Vec<u8>, WorkbenchError> {
    workbench.read_icon_file(path)
}

/// The arguments of `pwb conflicts` and `pwb outbox`: every version's, or one version's.
#[derive(Debug, clap::Args)]
pub struct LocalChangesArgs {
    /// Only this app's version (with --version).
    #[arg(long, value_name = "ID", requires = "version")]
    pub app: Option<String>,
    #[arg(long, value_name = "ID", requires = "app")]
    pub version: Option<String>,
    /// Print JSON instead of lines.
    #[arg(long)]
    pub json: bool,
}

impl LocalChangesArgs {
    /// The local changes asked for, after checking that the version is one of that app's.
    fn changes(&self, workbench: &Workbench) -> Result<workbench::LocalChanges, WorkbenchError> {
        if let (Some(app), Some(version)) = (&self.app, &self.version) {
            workbench.check_version_of_app(app, version)?;
        }
        workbench.local_changes(self.version.as_deref())
    }
}

pub fn conflicts(workbench: &Workbench, args: LocalChangesArgs) -> Result<u8, WorkbenchError> {
    let conflicts = args.changes(workbench)?.conflicts;
    if args.json {
        let list: Vec<Value> = conflicts
            .iter()
            .map(|c| {
                json!({
                    "version_id": c.version_id,
                    "field": c.conflict.field,
                    "base": c.conflict.base,
                    "mine": c.conflict.mine,
                    "theirs": c.conflict.theirs,
                    "detected_at": c.detected_at,
                })
            })
            .collect();
        output::print_json(&json!({ "conflicts": list }));
    } else if conflicts.is_empty() {
        say!("no conflicts");
    } else {
        for c in &conflicts {
            say!("{} {}", c.version_id, c.conflict.field);
            say!("  base:   {}", c.conflict.base);
            say!("  mine:   {}", c.conflict.mine);
            say!("  theirs: {}", c.conflict.theirs);
        }
        say!(
            "settle each with `pwb resolve --app ID --version ID --field FIELD --mine|--theirs|--value JSON` \
             (an app's own field, `app.…`: `pwb apps resolve --app ID --field FIELD ...`)"
        );
    }
    Ok(exit::SUCCESS)
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("choice").required(true).args(["mine", "theirs", "value"])))]
pub struct ResolveArgs {
    #[command(flatten)]
    pub target: VersionArgs,
    /// The field in conflict, as `pwb conflicts` names it.
    #[arg(long, value_name = "FIELD")]
    pub field: String,
    /// Keep your value.
    #[arg(long)]
    pub mine: bool,
    /// Take the server's value.
    #[arg(long)]
    pub theirs: bool,
    /// Use this value instead (JSON; plain text is taken as a string).
    #[arg(long, value_name = "JSON")]
    pub value: Option<String>,
    /// Print JSON instead of a sentence.
    #[arg(long)]
    pub json: bool,
}

pub fn resolve(workbench: &Workbench, args: ResolveArgs) -> Result<u8, WorkbenchError> {
    workbench.check_version_of_app(&args.target.app, &args.target.version)?;
    let conflict = workbench.conflict(&args.target.version, &args.field)?;
    let (value, chosen, label) = if args.mine {
        (conflict.mine, "mine", "your value")
    } else if args.theirs {
        (conflict.theirs, "theirs", "the server's value")
    } else {
        let text = args.value.unwrap_or_default();
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (value, "value", "the value given")
    };
    workbench.resolve(
        &args.target.version,
        &args.field,
        value.clone(),
        OffsetDateTime::now_utc(),
    )?;
    if args.json {
        output::print_json(&json!({
            "version_id": args.target.version,
            "field": args.field,
            "chosen": chosen,
            "value": value,
        }));
        return Ok(exit::SUCCESS);
    }
    match (args.field == workbench::DELETED_FIELD, chosen) {
        (true, "mine") => say!(
            "kept version {}, deleted on the server: `pwb sync` sends it again as a new version, \
             with your content",
            args.target.version
        ),
        (true, _) => say!(
            "let version {} go: it is gone from this computer too",
            args.target.version
        ),
        _ => say!(
            "resolved {} of version {} with {label}; `pwb sync` sends it",
            args.field,
            args.target.version
        ),
    }
    Ok(exit::SUCCESS)
}

#[derive(Debug, clap::Args)]
pub struct ActionArgs {
    #[command(flatten)]
    pub target: VersionArgs,
    /// Queue it without syncing now.
    #[arg(long)]
    pub no_sync: bool,
    /// Print JSON instead of a sentence.
    #[arg(long)]
    pub json: bool,
}

/// Parses `RULE=REASON` (or `RULE@FIELD=REASON`) into a suppression sent with a submission.
pub fn parse_suppression(text: &str) -> Result<Suppression, String> {
    let (target, reason) = text
        .split_once('=')
        .ok_or("write RULE=REASON or RULE@FIELD=REASON")?;
    let (rule, field) = match target.split_once('@') {
        Some((rule, field)) => (rule, Some(field.to_owned())),
        None => (target, None),
    };
    if rule.trim().is_empty() || reason.trim().is_empty() {
        return Err("both the rule and the reason are needed".into());
    }
    Ok(Suppression {
        rule: rule.trim().to_owned(),
        field,
        reason: reason.trim().to_owned(),
    })
}

/// Queues a review action; the caller syncs unless asked not to.
pub fn queue(
    workbench: &Workbench,
    target: &VersionArgs,
    action: ReviewAction,
    suppressions: Vec<Suppression>,
) -> Result<(), WorkbenchError> {
    workbench.check_version_of_app(&target.app, &target.version)?;
    workbench.queue_action(
        &target.version,
        action,
        suppressions,
        OffsetDateTime::now_utc(),
    )?;
    Ok(())
}

/// `pwb submit --preview`: the track's submission check, then exactly what a submission sends
/// (the content JSON and its SHA-256, as the desktop's submit panel shows them); nothing is
/// queued. Errors of the check end it with their exit code, as a submission would.
pub fn preview(
    workbench: &Workbench,
    target: &VersionArgs,
    track: Track,
    as_json: bool,
) -> Result<u8, WorkbenchError> {
    workbench.check_version_of_app(&target.app, &target.version)?;
    workbench.preflight(&target.version, track)?;
    let preview = workbench.submission_preview(&target.version, track)?;
    if as_json {
        output::print_json(&json!({
            "version": preview.version_id,
            "track": preview.track,
            "sha256": preview.sha256,
            "icon_sha256": preview.icon_sha256,
            "content": preview.json,
        }));
    } else {
        say!("{}", preview.json);
        say!("sha256 {}", preview.sha256);
        match &preview.icon_sha256 {
            Some(icon) => say!("icon sha256 {icon}"),
            None => say!("no icon"),
        }
        say!(
            "the {} review of version {} can be submitted: `pwb submit` without --preview sends it",
            preview.track,
            preview.version_id
        );
    }
    Ok(exit::SUCCESS)
}

/// `pwb outbox`: what waits to be sent, what waits on which open conflict (`waits_on`: the
/// conflicted fields that hold it back; every other change goes at the next sync), and what the
/// server refused (held, with why), of every version or one.
pub fn outbox(workbench: &Workbench, args: LocalChangesArgs) -> Result<u8, WorkbenchError> {
    let changes = args.changes(workbench)?;
    if args.json {
        let list: Vec<Value> = changes
            .entries
            .iter()
            .map(|e| {
                json!({
                    "id": e.id,
                    "version_id": e.version_id,
                    "operation": e.operation.as_str(),
                    "payload": e.payload,
                    "created_at": e.created_at,
                    "attempts": e.attempts,
                    "last_error": e.last_error,
                    "held": e.held,
                    "waits_on": e.waits_on(&changes.conflicts),
                })
            })
            .collect();
        output::print_json(&json!({ "entries": list, "conflicts": changes.conflicts.len() }));
    } else if changes.entries.is_empty() {
        say!("nothing waits to be sent");
    } else {
        let mut waiting = false;
        for e in &changes.entries {
            let waits_on = e.waits_on(&changes.conflicts);
            let state = if e.held {
                "held".to_owned()
            } else if waits_on.is_empty() {
                "queued".to_owned()
            } else {
                waiting = true;
                format!("waits on the conflict on {}", waits_on.join(", "))
            };
            say!(
                "{:>5} {:<14} {} {state}{}",
                e.id,
                e.operation.as_str(),
                e.version_id,
                e.last_error
                    .as_deref()
                    .map(|why| format!(": {why}"))
                    .unwrap_or_default()
            );
        }
        if waiting {
            say!(
                "a change that waits on a conflict is sent once it is settled (`pwb conflicts`, \
                 then `pwb resolve`); the others go at the next sync"
            );
        }
    }
    Ok(exit::SUCCESS)
}

/// `pwb discard`: drops a version's unsent content edits and conflicts, or one queued change of
/// it (`--change`, as the window's Discard of a held change; a content edit still takes them all).
pub fn discard(
    workbench: &Workbench,
    target: &VersionArgs,
    change: Option<i64>,
    json: bool,
) -> Result<u8, WorkbenchError> {
    workbench.check_version_of_app(&target.app, &target.version)?;
    match change {
        Some(id) => workbench.discard_entry(&target.version, id)?,
        None => workbench.discard_edits(&target.version)?,
    }
    let pending = workbench
        .local_changes(Some(&target.version))?
        .entries
        .len();
    if json {
        output::print_json(&json!({
            "version_id": target.version,
            "change": change,
            "pending": pending,
        }));
    } else {
        match change {
            Some(id) => say!(
                "dropped change {id} of version {}; {pending} change(s) of it still wait",
                target.version
            ),
            None => say!("version {} is back to the server's copy", target.version),
        }
    }
    Ok(exit::SUCCESS)
}
