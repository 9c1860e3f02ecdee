//! `pwb show`: one cached version as the window's editor opens it: its app, both review
//! statuses, the content and plans, the icon's facts (its bytes with `--icon-out`), which parts
//! are locked and why, which review actions the tracks allow, the local changes waiting, and
//! the fields changed since the server's copy. Works offline, from the cache.

use std::path::PathBuf;

use serde_json::{Value, json};
use workbench::{ReviewAction, Workbench, WorkbenchError};
use workbench_domain::ContentPart;
use workbench_domain::merge::changed_fields;

use crate::edit::VersionArgs;
use crate::exit;
use crate::output::{self, say};

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub target: VersionArgs,
    /// Also write the version's icon, as cached, to FILE (replaced whole, never left
    /// half-written). A version without an icon exits 2 and writes nothing.
    #[arg(long, value_name = "FILE")]
    pub icon_out: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn show(workbench: &Workbench, args: ShowArgs) -> Result<u8, WorkbenchError> {
    let ShowArgs {
        target,
        icon_out,
        json,
    } = args;
    workbench.check_version_of_app(&target.app, &target.version)?;
    let detail = workbench.version(&target.version)?;
    let source = workbench.preview_source(&target.version)?;
    let icon = workbench.icon(&target.version)?;
    let locks = workbench.editable_parts(&target.version)?;
    let actions = workbench.review_actions(&target.version)?;
    let changes = workbench.local_changes(Some(&target.version))?;
    let content = &detail.version.content;
    let changed = source
        .live
        .as_ref()
        .map(|live| changed_fields(live, content));
    if let Some(path) = &icon_out {
        let Some(icon) = &icon else {
            return Err(WorkbenchError::InvalidInput(format!(
                "version {} has no icon to write to {}",
                target.version,
                path.display()
            )));
        };
        workbench::preview::write_file_atomically(path, &icon.bytes)?;
    }
    let local = output::LocalCounts::of(&changes, &target.version);
    if json {
        output::print_json(&json!({
            "app": {
                "id": detail.app.id,
                "name": detail.app.name,
                "display_name": detail.app.display_name,
                "vendor": source.vendor,
            },
            "version": {
                "id": detail.version.id,
                "version_number": detail.version.version_number,
                "technical": detail.version.status.technical,
                "marketplace": detail.version.status.marketplace,
            },
            "content": content,
            "icon": icon.as_ref().map(|icon| json!({
                "media_type": icon.media_type,
                "bytes": icon.bytes.len(),
                "sha256": icon.sha256,
                "changed": source.icon_changed,
            })),
            "icon_written_to": icon_out.as_ref().map(|path| path.to_string_lossy()),
            "locks": locks.iter().map(|(part, why)| json!({
                "part": part,
                "locked_because": why,
            })).collect::<Vec<_>>(),
            "actions": actions.iter().map(|(action, allowed)| {
                let (name, track) = action_words(*action);
                json!({
                    "action": name,
                    "track": track,
                    "refused_because": allowed.as_ref().err(),
                })
            }).collect::<Vec<_>>(),
            "local": local,
            "changed_since_server": changed,
        }));
        return Ok(exit::SUCCESS);
    }
    say!(
        "{} {} (version {} of app {}, by {})",
        detail.app.display_name,
        detail.version.version_number,
        detail.version.id,
        detail.app.id,
        source.vendor
    );
    say!(
        "technical review: {}; marketplace review: {}",
        detail.version.status.technical.label(),
        detail.version.status.marketplace.label()
    );
    match &icon {
        Some(icon) => say!(
            "icon: {}, {} bytes, sha256 {}{}",
            icon.media_type,
            icon.bytes.len(),
            icon.sha256,
            if source.icon_changed {
                " (changed, not sent yet)"
            } else {
                ""
            }
        ),
        None => say!("icon: none"),
    }
    if let Some(path) = &icon_out {
        say!("wrote the icon to {}", path.display());
    }
    say!(
        "local changes: {} waiting to be sent ({} held), {} conflict(s)",
        local.unsent,
        local.held,
        local.conflicts
    );
    match &changed {
        None => say!("the server has no copy of it yet"),
        Some(fields) if fields.is_empty() => say!("no field differs from the server's copy"),
        Some(fields) => say!("changed since the server's copy: {}", fields.join(", ")),
    }
    say!();
    let sections = serde_json::to_value(content).expect("a version's content serializes");
    for section in ["general", "technical", "marketplace"] {
        say!("{section}:");
        if let Some(fields) = sections[section].as_object() {
            for (key, value) in fields {
                say!("  {key}: {}", text(value));
            }
        }
    }
    say!("subscription plans:");
    if content.subscription_types.is_empty() {
        say!("  none");
    } else {
        let mut rows = vec![["NAME", "TYPE", "LICENSE", "PRICE", "LICENSES"].map(String::from)];
        for (plan, value) in content.subscription_types.iter().zip(
            sections["subscription_types"]
                .as_array()
                .into_iter()
                .flatten(),
        ) {
            rows.push([
                plan.name.clone(),
                text(&value["type"]),
                text(&value["license_type"]),
                workbench_domain::card::format_price(plan.price, &plan.currency),
                format!("{} to {}", plan.min_licenses, plan.max_licenses),
            ]);
        }
        for line in output::aligned(&rows) {
            say!("  {line}");
        }
    }
    say!();
    say!("editing:");
    for (part, why) in &locks {
        say!(
            "  {}: {}",
            part_words(*part),
            why.as_deref().unwrap_or("editable")
        );
    }
    say!("review actions:");
    for (action, allowed) in &actions {
        let (name, track) = action_words(*action);
        say!(
            "  {name} {track}: {}",
            match allowed {
                Ok(()) => "allowed",
                Err(why) => why,
            }
        );
    }
    Ok(exit::SUCCESS)
}

/// A JSON value as a person reads it: a string as it is (its lines indented), the rest as JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.replace('\n', "\n    "),
        other => other.to_string(),
    }
}

fn part_words(part: ContentPart) -> &'static str {
    match part {
        ContentPart::General => "general",
        ContentPart::Technical => "technical",
        ContentPart::Marketplace => "marketplace",
        ContentPart::SubscriptionPlans => "subscription plans",
        ContentPart::Icon => "icon",
    }
}

/// The action as the `pwb` command that does it, and the track it is on.
fn action_words(action: ReviewAction) -> (&'static str, &'static str) {
    match action {
        ReviewAction::Submit(track) => ("submit", track.as_str()),
        ReviewAction::Withdraw(track) => ("withdraw", track.as_str()),
        ReviewAction::MakeAvailable => ("make-available", "technical"),
    }
}
