//! `pwb`: the command-line twin of the Partner Workbench desktop app, on the same facade
//! (`workbench`). Commands parse arguments, call one facade function, and print: a table for
//! people, `--json` for machines. Exit codes are stable; see [`exit`].

mod account;
mod docs;
mod doctor;
mod edit;
mod exit;
mod files;
mod formats;
mod lifecycle;
mod live;
mod outcomes;
mod output;
mod profile;
#[cfg(test)]
mod readme;
mod show;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Parser, Subcommand};
use time::OffsetDateTime;
use workbench::profiles::Profiles;
use workbench::server::{Connection, ServerChoice};
use workbench::{
    Places, ReviewAction, SyncPhase, SyncStage, SyncStatus, Workbench, WorkbenchError,
};
use workbench_domain::validation::Suppression;

#[derive(Debug, Parser)]
#[command(
    name = "pwb",
    version,
    about = "Partner Workbench on the command line: your AppConnect apps, offline and scriptable.",
    after_help = exit::help()
)]
struct Cli {
    /// The profile to use for this command instead of the active one (`pwb profile list`).
    #[arg(long, global = true, env = "PWB_PROFILE", value_name = "NAME")]
    profile: Option<String>,
    /// Base URL of a Partner Project server, for this command: the profile that has it, else a
    /// cache and sign-in of its own for that URL. Not with --profile.
    #[arg(long, global = true, env = "PWB_SERVER", value_name = "URL")]
    server: Option<String>,
    /// One folder for everything: settings, every profile's data, the log. Default: the
    /// platform's folders (on Linux $XDG_DATA_HOME, $XDG_CONFIG_HOME and $XDG_STATE_HOME).
    #[arg(long, global = true, env = "PWB_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List your apps and their versions with both review statuses. Refreshes from the server
    /// first; when the server cannot be reached, shows the cache and says it is offline.
    #[command(args_conflicts_with_subcommands = true)]
    Apps {
        /// Register an app, or rename one whose registration was refused. Without one: list.
        #[command(subcommand)]
        command: Option<lifecycle::AppsCommand>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Do not contact the server: show the cache as it is.
        #[arg(long)]
        offline: bool,
        /// Only the apps TEXT finds, case-insensitively, in an app's name, display name or slug
        /// (listed with all their versions) or in a version's number or either status as printed
        /// ("in review", "rejected"; the app listed with only those versions). Says how many of
        /// the cached apps match.
        #[arg(long, value_name = "TEXT")]
        filter: Option<String>,
    },
    /// Start an app's next version, or delete a draft. Queued, sent at the next sync.
    Versions {
        #[command(subcommand)]
        command: lifecycle::VersionsCommand,
    },
    /// A cached version as the window's editor opens it: content, plans, icon, what is locked and
    /// why, the review actions allowed, local changes. Works offline.
    Show(show::ShowArgs),
    /// Fetch everything from the server into the local cache, the rules pack included.
    Sync {
        /// Print JSON instead of a summary.
        #[arg(long)]
        json: bool,
    },
    /// Check a cached version, an exported listing folder as it stands (in a repository, in CI),
    /// or an icon file alone, against the rules pack. Works offline. Exits 0 when no errors are
    /// found (warnings and info allowed), 1 when errors are found, 2 when the check could not
    /// run.
    #[command(
        group(ArgGroup::new("target").required(true).args(["app", "icon", "dir"])),
        after_help = exit::validate_help()
    )]
    Validate {
        /// An exported listing folder (`pwb export`) to check as its files stand, without the
        /// cache; each problem points at its file and line.
        #[arg(value_name = "DIR", conflicts_with_all = ["app", "version", "icon"])]
        dir: Option<PathBuf>,
        /// The app of the version to check (with --version).
        #[arg(long, value_name = "ID", requires = "version")]
        app: Option<String>,
        /// The cached version to check (with --app).
        #[arg(long, value_name = "ID", requires = "app")]
        version: Option<String>,
        /// An icon file to check alone against the icon rules.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["app", "version"])]
        icon: Option<PathBuf>,
        /// Print the whole report and the rules pack's version and source as JSON (as
        /// `--format json`).
        #[arg(long, conflicts_with = "format")]
        json: bool,
        /// How to print the report: text, json, sarif (SARIF 2.1.0), junit (JUnit XML) or
        /// github (GitHub Actions annotations).
        #[arg(long, value_enum, value_name = "FORMAT", default_value = "text")]
        format: formats::Format,
    },
    /// Show the rules pack in force: its version, where it came from, and its rules.
    Rules {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Silence a warning on a version, recording why. Errors cannot be suppressed.
    Suppress {
        #[command(flatten)]
        target: SuppressionTarget,
        /// Why the warning does not apply; shown beside it by `pwb validate`.
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// Print the suppression as recorded as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Sign in with the device flow: prints a code and a page (and a QR code of it) to approve
    /// in a browser, then waits. The tokens go to the OS keyring, nowhere else.
    Login {
        /// When no keyring works: keep the tokens in a file readable only by you instead.
        /// Less safe than a keyring; never chosen without this flag.
        #[arg(long)]
        file_store: bool,
        /// Print JSON lines: the code and page first, then the result.
        #[arg(long)]
        json: bool,
    },
    /// Sign out: revoke the tokens on the server and delete them from the keyring. Cached apps
    /// and drafts are kept.
    Logout {
        /// Print JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
    /// The profiles (the embedded sandbox, Talkdesk's regions, yours): list, add, use, remove.
    Profile {
        #[command(subcommand)]
        command: profile::ProfileCommand,
    },
    /// What this installation uses and whether it works: folders, log, keyring, notification
    /// server, profile, cache schema, and the server's reachability.
    Doctor {
        /// Print JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Which profile and server, who you are signed in as there, and where the tokens are kept.
    Whoami {
        /// Print JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Remove a suppression recorded with `pwb suppress` (the same rule and field).
    Unsuppress {
        #[command(flatten)]
        target: SuppressionTarget,
        /// Print JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
    /// Change a version's content, plans or icon in the cache, offline; `pwb sync` sends it.
    /// Refused (exit 10) where the review track locks the part, saying why.
    Edit(edit::EditArgs),
    /// List the fields you and the server changed differently: base, mine and theirs.
    Conflicts(edit::LocalChangesArgs),
    /// Settle a conflict: keep yours, take the server's, or give a value.
    Resolve(edit::ResolveArgs),
    /// What waits to be sent, what waits on which conflict, and what the server refused (held,
    /// with why).
    Outbox(edit::LocalChangesArgs),
    /// Let a version's held changes be tried again at the next sync.
    Retry {
        #[command(flatten)]
        target: edit::VersionArgs,
        /// Print JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
    /// Drop a version's unsent content edits and conflicts: it goes back to the server's copy.
    /// With --change, only that queued change (a content edit still takes every unsent edit).
    Discard {
        #[command(flatten)]
        target: edit::VersionArgs,
        /// One queued change of the version, by the id `pwb outbox` shows.
        #[arg(long, value_name = "ID")]
        change: Option<i64>,
        /// Print JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
    /// Submit a track for review. Checked first with the track's rules (exit 11 on errors);
    /// queued, then sent by a sync now (or the next one when offline).
    Submit {
        #[command(flatten)]
        action: edit::ActionArgs,
        #[arg(long, value_enum)]
        track: workbench_domain::Track,
        /// Silence a warning for the reviewer: RULE=REASON or RULE@FIELD=REASON. Repeatable.
        #[arg(long, value_name = "RULE=REASON", value_parser = edit::parse_suppression)]
        suppress: Vec<Suppression>,
        /// Check and show exactly what would be submitted (the content JSON and its SHA-256)
        /// without queuing anything.
        #[arg(long)]
        preview: bool,
    },
    /// Write a cached version's marketplace preview (the card small and large, light and dark,
    /// and the listing page) as one self-contained HTML page. Works offline, from the cache.
    Preview {
        /// The app of the version.
        #[arg(long, value_name = "ID")]
        app: String,
        /// The cached version; its working copy, with your unsent edits, is shown.
        #[arg(long, value_name = "ID")]
        version: String,
        /// The file to write (replaced whole, never left half-written), or `-` for stdout.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Print JSON: where the page went and its size (with `--out -`, the page itself as `html`).
        #[arg(long)]
        json: bool,
    },
    /// Write a cached version (its working copy, unsent edits included) as files to keep in
    /// git: pwb.toml, listing.toml, plans.toml, the icon, screenshots/. Works offline.
    Export(files::ExportArgs),
    /// Apply a folder written by `pwb export` to its version as local edits, all or nothing:
    /// exit 10 when the review track locks a part it changes, 11 when the icon breaks a rule.
    Import(files::ImportArgs),
    /// Show field by field what `pwb import DIR` would change, against the cache and against
    /// the server's copy (offline: the cache only, and stderr says so).
    Diff(files::DiffArgs),
    /// Withdraw a track from review (back to Draft).
    Withdraw {
        #[command(flatten)]
        action: edit::ActionArgs,
        #[arg(long, value_enum)]
        track: workbench_domain::Track,
    },
    /// Make a technically approved version available.
    MakeAvailable {
        #[command(flatten)]
        action: edit::ActionArgs,
    },
    /// Gone: Talkdesk publishes a version on AppConnect itself (FAQ §15). Kept hidden, to say
    /// so to whoever still runs it; it changes nothing.
    /// Writes the manual pages and shell completions of pwb under DIR (for packaging).
    #[command(hide = true)]
    GenerateDocs {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    #[command(hide = true)]
    Advertise {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        _args: Vec<String>,
    },
    /// The sync status from the cache: last checked, pending, held and conflicts. With
    /// --watch, syncs every few seconds and prints each review decision, and each customer's
    /// installation or update waiting for you, as it arrives, until Ctrl+C or stdin closes.
    Status {
        /// Keep syncing and print review outcomes and customers' requests as they arrive;
        /// quiet otherwise.
        #[arg(long)]
        watch: bool,
        /// Seconds between syncs with --watch.
        #[arg(long, value_name = "SECONDS", default_value_t = 30,
              value_parser = clap::value_parser!(u64).range(1..=86_400), requires = "watch")]
        interval: u64,
        /// Print JSON (with --watch: one object per outcome or request, one per line).
        #[arg(long)]
        json: bool,
    },
    /// A version's review timeline from the cache: submitted, reviewed (with the feedback),
    /// made available, published on AppConnect, each with its time. Works offline.
    Timeline {
        /// The cached version.
        #[arg(long, value_name = "ID")]
        version: String,
        /// Print JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Which review outcomes and customers' requests the desktop app notifies (approved,
    /// rejected, requests); turn a kind on or off.
    Notifications {
        /// Turn notifications of this kind on: approved, rejected or requests.
        #[arg(long, value_name = "KIND", value_parser = outcomes::parse_kind, conflicts_with = "off")]
        on: Option<workbench::NotificationKind>,
        /// Turn notifications of this kind off: approved, rejected or requests.
        #[arg(long, value_name = "KIND", value_parser = outcomes::parse_kind)]
        off: Option<workbench::NotificationKind>,
        /// Print JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// An app's installations in customer accounts, with the badge each customer sees; approve
    /// or reject a pending one. Live: asked of the server (exit 4 offline).
    Installations(live::InstallationsArgs),
    /// Your OAuth clients for the Talkdesk APIs: list, create (with redirect URIs and grant
    /// types; the secret is shown once), delete. Live. And the Talkdesk API scopes a client can
    /// be given.
    Clients(live::ClientsArgs),
    /// Your licenses and credit balance. Live.
    Account {
        /// Print JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Args)]
struct SuppressionTarget {
    /// The app of the version.
    #[arg(long, value_name = "ID")]
    app: String,
    /// The cached version.
    #[arg(long, value_name = "ID")]
    version: String,
    /// The rule's id, for example `icon.corners_clear` (`pwb rules` lists them).
    #[arg(long, value_name = "ID")]
    rule: String,
    /// Only this field of the rule's diagnostics, for example `marketplace.description`.
    /// Without it: every field.
    #[arg(long, value_name = "FIELD")]
    field: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::GenerateDocs { out } = &cli.command {
        use clap::CommandFactory;
        return match docs::generate(Cli::command(), out) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                output::say_err!("error: cannot write the docs under {}: {e}", out.display());
                ExitCode::from(exit::FAILURE)
            }
        };
    }
    // `pwb validate` has three exit codes only: whatever stops it is "could not run".
    let validating = matches!(cli.command, Command::Validate { .. });
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            output::say_err!("error: cannot start: {e}");
            return ExitCode::from(if validating {
                exit::COULD_NOT_RUN
            } else {
                exit::FAILURE
            });
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(_) if output::write_failed() => ExitCode::from(if validating {
            exit::COULD_NOT_RUN
        } else {
            exit::FAILURE
        }),
        Ok(code) => ExitCode::from(code),
        Err(error) if validating => {
            output::say_err!("error: could not validate: {error}");
            ExitCode::from(exit::COULD_NOT_RUN)
        }
        Err(error) => {
            output::say_err!("error: {error}");
            ExitCode::from(exit::for_error(&error))
        }
    }
}

async fn run(cli: Cli) -> Result<u8, WorkbenchError> {
    let places = match cli.data_dir.clone() {
        Some(dir) => Places::all_in(dir),
        None => Places::from_env()?,
    };
    let profiles = Profiles::open(&places);
    // `PWB_TOKEN` goes only to a server named on this command line or in the environment.
    let named = [&cli.profile, &cli.server]
        .iter()
        .any(|value| value.as_deref().is_some_and(|v| !v.trim().is_empty()));
    let chosen = profiles.choose(cli.profile.as_deref(), cli.server.as_deref());
    workbench::server::name_token_server(match &chosen {
        Ok(profile) if named => Some(&profile.server),
        _ => None,
    });
    if !named && let Some(note) = workbench::server::ignored_token_note() {
        output::say_err!("note: {note}");
    }
    if let Command::Profile { command } = cli.command {
        return profile::run(&profiles, command);
    }
    let profile = chosen?;
    let workbench = profiles.open_workbench(&profile)?;
    let choice = profile.server.clone();
    // A local id the server has since replaced names the server's id (with a note).
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match lifecycle::resolve_local_ids(&workbench, &args) {
        Some(resolved) => Cli::parse_from(resolved),
        None => cli,
    };
    match cli.command {
        Command::Apps {
            command: Some(command),
            ..
        } => lifecycle::apps(&workbench, command),
        Command::Versions {
            command: lifecycle::VersionsCommand::InstallLink { app, version, json },
        } => live::install_link(&workbench, &choice, &app, &version, json).await,
        Command::Versions { command } => lifecycle::versions(&workbench, command),
        Command::Apps {
            command: None,
            json,
            offline,
            filter,
        } => {
            let status = if offline {
                workbench.status_cached()
            } else {
                sync(&workbench, &choice, !json).await
            };
            let apps = workbench.list_apps()?;
            let filtered = filter.as_deref().map(|text| {
                let matched = workbench::filter_apps(&apps, text);
                (text, matched, apps.len())
            });
            let shown = filtered.as_ref().map_or(&apps, |(_, matched, _)| matched);
            if json {
                let changes = workbench.local_changes(None)?;
                let mut value = output::apps_json(shown, &changes, &status);
                if let Some((text, matched, total)) = &filtered {
                    value["filter"] = output::filter_json(text, matched.len(), *total);
                }
                output::print_json(&value);
            } else {
                match &filtered {
                    Some((text, matched, total)) if *total > 0 => {
                        output::print_filtered_apps(text, matched, *total)
                    }
                    _ => output::print_apps_table(shown),
                }
                output::print_status_note(&status);
            }
            Ok(exit::SUCCESS)
        }
        Command::Show(args) => show::show(&workbench, args),
        Command::Sync { json } => {
            let status = sync(&workbench, &choice, !json).await;
            if json {
                output::print_json(&output::status_json(&status));
            } else if status.phase == SyncPhase::Idle {
                output::say!("synced with {}", status.server.as_deref().unwrap_or("?"));
                if status.conflicts > 0 {
                    output::say!(
                        "{} conflict(s) wait for you: `pwb conflicts`, then `pwb resolve`",
                        status.conflicts
                    );
                }
                if status.held > 0 {
                    output::say!(
                        "{} change(s) were refused by the server: `pwb outbox` says why",
                        status.held
                    );
                }
            } else {
                output::print_status_note(&status);
            }
            Ok(match status.error_code {
                Some(code) => exit::for_code(code),
                None if status.held > 0 => exit::HELD,
                None if status.conflicts > 0 => exit::CONFLICTS,
                None => exit::SUCCESS,
            })
        }
        Command::Validate {
            dir,
            app,
            version,
            icon,
            json,
            format,
        } => {
            let active = workbench.active_rules_pack()?;
            let (target, report, places) = match (dir, app, version, icon) {
                (Some(dir), ..) => {
                    let checked = workbench.validate_folder(&dir)?;
                    let places = checked
                        .locations
                        .iter()
                        .map(|at| formats::Place {
                            file: Some(dir.join(&at.file).display().to_string()),
                            line: at.line,
                        })
                        .collect();
                    let target = output::Target::Folder {
                        dir,
                        app: checked.app_id,
                        version: checked.version_id,
                    };
                    (target, checked.report, places)
                }
                (None, _, _, Some(path)) => {
                    let report = workbench.validate_icon_file(&path)?;
                    let place = formats::Place {
                        file: Some(path.display().to_string()),
                        line: None,
                    };
                    let places = vec![place; report.diagnostics.len()];
                    (output::Target::Icon(path), report, places)
                }
                (None, Some(app), Some(version), None) => {
                    workbench.check_version_of_app(&app, &version)?;
                    let report = workbench.validate_version(&version, None)?;
                    (output::Target::Version { app, version }, report, Vec::new())
                }
                // clap already refuses this; say so rather than trust it blindly.
                _ => {
                    output::say_err!(
                        "error: give a folder DIR, --icon FILE, or --app ID with --version ID"
                    );
                    return Ok(exit::COULD_NOT_RUN);
                }
            };
            let format = if json { formats::Format::Json } else { format };
            match format {
                formats::Format::Text => {
                    output::print_report(&active.info, &target, &report, &places)
                }
                formats::Format::Json => output::print_json(&output::report_json(
                    &active.info,
                    &target,
                    &report,
                    &places,
                )),
                formats::Format::Sarif => {
                    output::print_json(&formats::sarif(&active.pack, &report, &places))
                }
                formats::Format::Junit => output::print_text(&formats::junit(
                    &active.pack,
                    &report,
                    &places,
                    &target.describe(),
                )),
                formats::Format::Github => output::print_text(&formats::github(&report, &places)),
            }
            Ok(if report.has_errors() {
                exit::INVALID
            } else {
                exit::VALID
            })
        }
        Command::Rules { json } => {
            let active = workbench.active_rules_pack()?;
            if json {
                output::print_json(&output::rules_json(&active));
            } else {
                output::print_rules(&active);
            }
            Ok(exit::SUCCESS)
        }
        Command::Suppress {
            target,
            reason,
            json,
        } => {
            workbench.check_version_of_app(&target.app, &target.version)?;
            let recorded = workbench.suppress(
                &target.version,
                Suppression {
                    rule: target.rule,
                    field: target.field,
                    reason,
                },
                OffsetDateTime::now_utc(),
            )?;
            if json {
                output::print_json(&serde_json::json!({
                    "version_id": target.version,
                    "suppressed": recorded,
                }));
                return Ok(exit::SUCCESS);
            }
            output::say!(
                "suppressed {} on {} of version {}: {}",
                recorded.rule,
                recorded
                    .field
                    .as_deref()
                    .map_or("every field".to_owned(), |field| format!("field {field}")),
                target.version,
                recorded.reason
            );
            Ok(exit::SUCCESS)
        }
        Command::Login { file_store, json } => {
            account::login(&workbench, &choice, file_store, json).await
        }
        Command::Logout { json } => account::logout(&workbench, &choice, json).await,
        Command::Whoami { json } => account::whoami(&workbench, &profile, json),
        Command::Doctor { json } => {
            doctor::run(
                &places,
                &profiles.settings_path(),
                &profile,
                &workbench,
                json,
            )
            .await
        }
        Command::Profile { .. } => unreachable!("answered above"),
        Command::Edit(args) => edit::edit(&workbench, args),
        Command::Conflicts(args) => edit::conflicts(&workbench, args),
        Command::Resolve(args) => edit::resolve(&workbench, args),
        Command::Outbox(args) => edit::outbox(&workbench, args),
        Command::Retry { target, json } => {
            workbench.check_version_of_app(&target.app, &target.version)?;
            let n = workbench.retry_held(&target.version)?;
            if json {
                output::print_json(&serde_json::json!({
                    "version_id": target.version,
                    "released": n,
                }));
            } else {
                output::say!(
                    "{n} held change(s) of version {} will be tried again at the next sync",
                    target.version
                );
            }
            Ok(exit::SUCCESS)
        }
        Command::Discard {
            target,
            change,
            json,
        } => edit::discard(&workbench, &target, change, json),
        Command::Preview {
            app,
            version,
            out,
            json,
        } => {
            let page = workbench.export_preview(&app, &version)?;
            let to_stdout = out.as_os_str() == "-";
            if !to_stdout {
                workbench::preview::write_file_atomically(&out, page.as_bytes())?;
            }
            if json {
                output::print_json(&serde_json::json!({
                    "app_id": app,
                    "version_id": version,
                    "out": (!to_stdout).then(|| out.to_string_lossy()),
                    "bytes": page.len(),
                    "html": to_stdout.then_some(&page),
                }));
            } else if to_stdout {
                output::say!("{}", page.trim_end());
            } else {
                output::say!(
                    "wrote the preview of version {version} to {}",
                    out.display()
                );
            }
            Ok(exit::SUCCESS)
        }
        Command::Export(args) => files::export(&workbench, args),
        Command::Import(args) => files::import(&workbench, args),
        Command::Diff(args) => files::diff(&workbench, &choice, args).await,
        Command::Submit {
            action,
            track,
            preview: true,
            ..
        } => edit::preview(&workbench, &action.target, track, action.json),
        Command::Submit {
            action,
            track,
            suppress,
            preview: false,
        } => {
            act(
                &workbench,
                &choice,
                action,
                ReviewAction::Submit(track),
                suppress,
            )
            .await
        }
        Command::Withdraw { action, track } => {
            act(
                &workbench,
                &choice,
                action,
                ReviewAction::Withdraw(track),
                Vec::new(),
            )
            .await
        }
        Command::MakeAvailable { action } => {
            act(
                &workbench,
                &choice,
                action,
                ReviewAction::MakeAvailable,
                Vec::new(),
            )
            .await
        }
        Command::GenerateDocs { .. } => unreachable!("answered in main"),
        Command::Advertise { .. } => {
            output::say_err!(
                "error: there is nothing to advertise: Talkdesk publishes a version on \
                 AppConnect itself once its marketplace review is approved and its technical \
                 review is Available (Partner Project FAQ §15); `pwb status --watch` says when"
            );
            Ok(exit::USAGE)
        }
        Command::Status {
            watch: true,
            interval,
            json,
        } => {
            outcomes::watch(
                &workbench,
                &choice,
                std::time::Duration::from_secs(interval),
                json,
            )
            .await
        }
        Command::Status { json, .. } => outcomes::status(&workbench, json),
        Command::Timeline { version, json } => outcomes::timeline(&workbench, &version, json),
        Command::Notifications { on, off, json } => {
            outcomes::notifications(&workbench, on, off, json)
        }
        Command::Installations(args) => live::installations(&workbench, &choice, args).await,
        Command::Clients(args) => live::clients(&workbench, &choice, args).await,
        Command::Account { json } => live::account_summary(&workbench, &choice, json).await,
        Command::Unsuppress { target, json } => {
            workbench.check_version_of_app(&target.app, &target.version)?;
            workbench.unsuppress(&target.version, &target.rule, target.field.as_deref())?;
            if json {
                output::print_json(&serde_json::json!({
                    "version_id": target.version,
                    "removed": {"rule": target.rule, "field": target.field},
                }));
            } else {
                output::say!(
                    "removed the suppression of {} on version {}",
                    target.rule,
                    target.version
                );
            }
            Ok(exit::SUCCESS)
        }
    }
}

/// Queues a review action, then (unless `--no-sync`) syncs and says where it stands.
async fn act(
    workbench: &Workbench,
    choice: &ServerChoice,
    args: edit::ActionArgs,
    action: ReviewAction,
    suppressions: Vec<Suppression>,
) -> Result<u8, WorkbenchError> {
    edit::queue(workbench, &args.target, action, suppressions)?;
    if args.no_sync {
        if args.json {
            let mut value = output::status_json(&workbench.status_cached());
            value["sent"] = false.into();
            output::print_json(&value);
        } else {
            output::say!("queued; `pwb sync` sends it");
        }
        return Ok(exit::SUCCESS);
    }
    let status = sync(workbench, choice, !args.json).await;
    let held = workbench
        .local_changes(Some(&args.target.version))?
        .entries
        .into_iter()
        .find(|e| e.held);
    if args.json {
        let mut value = output::status_json(&status);
        value["sent"] = (held.is_none() && status.phase == SyncPhase::Idle).into();
        value["not_sent_because"] = held.as_ref().and_then(|e| e.last_error.clone()).into();
        output::print_json(&value);
    } else if let Some(entry) = &held {
        output::say!(
            "not sent: {}",
            entry
                .last_error
                .as_deref()
                .unwrap_or("refused by the server")
        );
    } else if status.phase == SyncPhase::Idle {
        output::say!("sent");
    } else {
        output::say!("queued: it is sent at the next sync");
        output::print_status_note(&status);
    }
    Ok(if held.is_some() {
        exit::HELD
    } else {
        exit::SUCCESS
    })
}

/// Pulls from the chosen server and says how it went, with a progress bar on stderr when asked
/// for and stderr is a terminal (never in a pipe or a file). A failed pull, or a server that
/// cannot even be set up, is not an error here: the status says offline or what went wrong, and
/// the cache is untouched for the caller to show.
async fn sync(workbench: &Workbench, choice: &ServerChoice, show_progress: bool) -> SyncStatus {
    let mut connection = match Connection::open(choice, workbench, account::now()).await {
        Ok(connection) => connection,
        Err(error) => return workbench.status_after(choice.label(), &Err(error)),
    };
    let server = connection.client.server().to_owned();
    let bar = output::progress(show_progress, "{spinner} {msg} {pos}/{len} {wide_bar}");
    let result = workbench
        .sync(&mut connection, OffsetDateTime::now_utc(), |progress| {
            bar.set_message(match progress.stage {
                SyncStage::Sending => "sending",
                SyncStage::Receiving => "receiving",
            });
            bar.set_length(progress.total as u64);
            bar.set_position(progress.done as u64);
        })
        .await;
    bar.finish_and_clear();
    connection.close().await;
    workbench.status_after(&server, &result)
}
