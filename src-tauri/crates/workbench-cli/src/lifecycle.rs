//! `pwb apps create|rename` and `pwb versions create|delete`: each a local change queued like an
//! edit (works offline; `pwb sync` sends it), and the note when a command names a local id the
//! server has since replaced.

use std::ffi::OsString;

use serde_json::json;
use time::OffsetDateTime;
use workbench::{Deletion, NewApp, Workbench, WorkbenchError};
use workbench_domain::{App, AppType, AppVersion, Render};

use crate::exit;
use crate::output;

#[derive(Debug, clap::Subcommand)]
pub enum AppsCommand {
    /// Register a new app. Queued with a local id (`local-app-…`) and sent at the next sync,
    /// which gives it the server's id; works offline.
    Create {
        /// The app's unique identifier: 1 to 64 lower-case letters, digits or '-'.
        #[arg(long, value_name = "NAME")]
        name: String,
        /// The name partners and customers see.
        #[arg(long, value_name = "TEXT")]
        display_name: String,
        /// The vendor: your company's name, as the listing shows it.
        #[arg(long, value_name = "TEXT")]
        vendor: String,
        /// Standalone (your own solution, with Single Sign-On) or Atlas (inside Talkdesk).
        #[arg(long = "type", value_enum, value_name = "TYPE")]
        app_type: AppType,
        /// Where the app is shown: portal or canvas.
        #[arg(long, value_enum)]
        render: Render,
        /// The listing's slug. Default: the name.
        #[arg(long, value_name = "SLUG")]
        slug: Option<String>,
        /// Print JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
    /// Change an app's own fields: display_name, slug, created_type (the vendor), app_type
    /// (standalone or atlas), render (portal or canvas). Queued, then merged three ways with the
    /// server's copy at the next sync: a field changed differently there too is a conflict
    /// (`pwb conflicts`, then `pwb apps resolve`).
    Edit {
        /// The app.
        #[arg(long, value_name = "ID")]
        app: String,
        /// FIELD=VALUE, for example `display_name=Acme CRM` (`app.display_name` works too);
        /// repeatable.
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        set: Vec<String>,
        /// Print JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
    /// Settle a conflict on an app's field, as `pwb conflicts` names it (`app.display_name`).
    #[command(group(clap::ArgGroup::new("choice").required(true).args(["mine", "theirs", "value"])))]
    Resolve {
        /// The app.
        #[arg(long, value_name = "ID")]
        app: String,
        /// The field in conflict, for example `app.display_name`.
        #[arg(long, value_name = "FIELD")]
        field: String,
        /// Keep your value.
        #[arg(long)]
        mine: bool,
        /// Take the server's value.
        #[arg(long)]
        theirs: bool,
        /// Use this value instead.
        #[arg(long, value_name = "TEXT")]
        value: Option<String>,
        /// Print JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
    /// Give an app whose registration the server refused (its name was taken) another name; it
    /// is sent again at the next sync.
    Rename {
        /// The app, by the id `pwb apps` shows.
        #[arg(long, value_name = "ID")]
        app: String,
        /// The new unique identifier.
        #[arg(long, value_name = "NAME")]
        name: String,
        /// Print JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum VersionsCommand {
    /// Start an app's next version: the first one empty, a later one as a copy of the latest,
    /// which must be Available. Queued with a local id and sent at the next sync; works offline.
    Create {
        /// The app.
        #[arg(long, value_name = "ID")]
        app: String,
        /// Print JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
    /// Delete a draft version (both reviews Draft). One the server never had goes at once; else
    /// it is hidden now and deleted on the server at the next sync.
    Delete {
        /// The app of the version.
        #[arg(long, value_name = "ID")]
        app: String,
        /// The version.
        #[arg(long, value_name = "ID")]
        version: String,
        /// Print JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
    /// Print the link that installs a version privately, to test it before it is listed (FAQ
    /// §14), and who can install from it: any Talkdesk account once its technical review is
    /// approved, before that only your own developer account. Asks the server.
    InstallLink {
        /// The app of the version.
        #[arg(long, value_name = "ID")]
        app: String,
        /// The version.
        #[arg(long, value_name = "ID")]
        version: String,
        /// Print JSON (`{version_id, url, installable_on}`) instead of sentences.
        #[arg(long)]
        json: bool,
    },
}

pub fn apps(workbench: &Workbench, command: AppsCommand) -> Result<u8, WorkbenchError> {
    let now = OffsetDateTime::now_utc();
    let (app, json, verb) = match command {
        AppsCommand::Create {
            name,
            display_name,
            vendor,
            app_type,
            render,
            slug,
            json,
        } => {
            let new = NewApp {
                name,
                slug,
                display_name,
                created_type: vendor,
                app_type,
                render,
            };
            (workbench.create_app(&new, now)?, json, "registered")
        }
        AppsCommand::Rename { app, name, json } => {
            (workbench.rename_app(&app, &name)?, json, "renamed")
        }
        AppsCommand::Edit { app, set, json } => return edit_app(workbench, &app, &set, json, now),
        AppsCommand::Resolve {
            app,
            field,
            mine,
            theirs: _,
            value,
            json,
        } => return resolve_app(workbench, &app, &field, mine, value, json, now),
    };
    let pending = pending(workbench)?;
    if json {
        output::print_json(&json!({ "app": app_json(&app), "pending": pending }));
    } else {
        output::say!(
            "{verb} app {} ({}) as {}, not sent yet; `pwb sync` sends it ({pending} change(s) wait)",
            app.name,
            app.display_name,
            app.id
        );
    }
    Ok(exit::SUCCESS)
}

fn edit_app(
    workbench: &Workbench,
    app_id: &str,
    sets: &[String],
    json: bool,
    now: OffsetDateTime,
) -> Result<u8, WorkbenchError> {
    let mut pairs = Vec::new();
    for set in sets {
        let Some((field, value)) = set.split_once('=') else {
            return Err(WorkbenchError::InvalidInput(format!(
                "--set {set}: give FIELD=VALUE, for example display_name=Acme CRM"
            )));
        };
        pairs.push((field.trim().to_owned(), serde_json::Value::from(value)));
    }
    let (app, changed) = workbench.edit_app(app_id, &pairs, now)?;
    let pending = pending(workbench)?;
    if json {
        output::print_json(
            &json!({ "app": app_json(&app), "changed": changed, "pending": pending }),
        );
    } else if changed.is_empty() {
        output::say!("app {app_id} already has those values: nothing to send");
    } else {
        output::say!(
            "changed {} of app {app_id}; `pwb sync` sends it ({pending} change(s) wait)",
            changed.join(", ")
        );
    }
    Ok(exit::SUCCESS)
}

fn resolve_app(
    workbench: &Workbench,
    app_id: &str,
    field: &str,
    mine: bool,
    value: Option<String>,
    json: bool,
    now: OffsetDateTime,
) -> Result<u8, WorkbenchError> {
    let conflict = workbench.conflict(app_id, field)?;
    let (chosen, label, value) = match (mine, value) {
        (true, _) => ("mine", "your value", conflict.mine),
        (false, Some(text)) => ("value", "the value given", serde_json::Value::from(text)),
        (false, None) => ("theirs", "the server's value", conflict.theirs),
    };
    workbench.resolve(app_id, field, value.clone(), now)?;
    if json {
        output::print_json(&json!({
            "app_id": app_id, "field": field, "chosen": chosen, "value": value,
        }));
    } else {
        output::say!("resolved {field} of app {app_id} with {label}; `pwb sync` sends it");
    }
    Ok(exit::SUCCESS)
}

pub fn versions(workbench: &Workbench, command: VersionsCommand) -> Result<u8, WorkbenchError> {
    let now = OffsetDateTime::now_utc();
    match command {
        VersionsCommand::InstallLink { .. } => {
            unreachable!("`pwb versions install-link` asks the server: `live::install_link`")
        }
        VersionsCommand::Create { app, json } => {
            let version = workbench.create_version(&app, now)?;
            let pending = pending(workbench)?;
            if json {
                output::print_json(
                    &json!({ "version": version_json(&version), "pending": pending }),
                );
            } else {
                output::say!(
                    "started version {} of app {app} as {}, not sent yet; `pwb sync` sends it \
                     ({pending} change(s) wait)",
                    version.version_number,
                    version.id
                );
            }
        }
        VersionsCommand::Delete { app, version, json } => {
            workbench.check_version_of_app(&app, &version)?;
            let deletion = workbench.delete_version(&version, now)?;
            let pending = pending(workbench)?;
            let sent_at_sync = matches!(deletion, Deletion::Queued { .. });
            if json {
                output::print_json(&json!({
                    "version_id": version,
                    "deleted": if sent_at_sync { "at_next_sync" } else { "now" },
                    "pending": pending,
                }));
            } else if sent_at_sync {
                output::say!(
                    "deleted version {version} here; `pwb sync` deletes it on the server \
                     ({pending} change(s) wait)"
                );
            } else {
                output::say!("deleted version {version}: the server never had it");
            }
        }
    }
    Ok(exit::SUCCESS)
}

fn pending(workbench: &Workbench) -> Result<usize, WorkbenchError> {
    Ok(workbench.local_changes(None)?.entries.len())
}

pub fn app_json(app: &App) -> serde_json::Value {
    let mut value = serde_json::to_value(app).unwrap_or_default();
    value["not_sent"] = workbench::is_local(&app.id).into();
    value
}

fn version_json(version: &AppVersion) -> serde_json::Value {
    json!({
        "id": version.id,
        "app_id": version.app_id,
        "version_number": version.version_number,
        "technical": version.status.technical,
        "marketplace": version.status.marketplace,
        "not_sent": workbench::is_local(&version.id),
    })
}

/// The command line with every local id the server has since replaced put as the server's id,
/// and a note on stderr for each; `None` when it names none.
pub fn resolve_local_ids(workbench: &Workbench, args: &[OsString]) -> Option<Vec<OsString>> {
    let mut changed = false;
    let resolved = args
        .iter()
        .map(|arg| {
            let Some(text) = arg.to_str() else {
                return arg.clone();
            };
            // `--version=local-…` as well as `local-…` alone.
            let (prefix, id) = match text.split_once('=') {
                Some((flag, id)) if flag.starts_with("--") => (format!("{flag}="), id),
                _ => (String::new(), text),
            };
            match workbench.resolve_local_id(id) {
                Ok(Some(server_id)) => {
                    changed = true;
                    output::say_err!("note: {id} is now {server_id} on the server; using that");
                    OsString::from(format!("{prefix}{server_id}"))
                }
                _ => arg.clone(),
            }
        })
        .collect();
    changed.then_some(resolved)
}
