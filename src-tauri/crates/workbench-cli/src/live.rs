//! `pwb installations`, `pwb clients` and `pwb account`: the partner's live data, asked of the
//! server each time (offline, they say so and exit 4). A new OAuth client's secret is printed
//! once, here, and kept nowhere.

use clap::{Args, Subcommand};
use partner_api::installations::{InstallationState, Waiting};
use partner_api::oauth_clients::{self, AUTHORIZATION_CODE, CLIENT_CREDENTIALS, NewOAuthClient};
use serde_json::json;
use time::OffsetDateTime;
use workbench::live::{
    CREDITS_HELP_URL, CREDITS_WAYS, CREDITS_WHERE, FAILED_UPDATE_HELP, format_credits,
};
use workbench::server::{Connection, ServerChoice};
use workbench::{InstallationDecision, InstallationView, Workbench, WorkbenchError};

use crate::output::{print_json, say, say_err};
use crate::{account, exit};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct InstallationsArgs {
    #[command(subcommand)]
    action: Option<InstallationsAction>,
    /// The app whose installations to list.
    #[arg(long, value_name = "ID", required = true)]
    app: Option<String>,
    /// Only the installations in this state.
    #[arg(long, value_enum)]
    state: Option<InstallationState>,
    /// Only the installations waiting for you: to confirm, or with an update to accept.
    #[arg(long)]
    waiting: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum InstallationsAction {
    /// Confirm an installation waiting for you (Installing): the app is installed in the
    /// customer's account.
    #[command(visible_alias = "confirm")]
    Approve {
        /// The app of the installation.
        #[arg(long, value_name = "ID")]
        app: String,
        /// The installation (`pwb installations --app ID --waiting` lists those waiting).
        installation: String,
        /// Print the installation after the decision as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Reject an installation waiting for you, with a reason the customer will see.
    Reject {
        #[arg(long, value_name = "ID")]
        app: String,
        installation: String,
        /// Why: shown to the customer. Required, at most 2,000 characters.
        #[arg(long, value_name = "TEXT")]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Accept an update waiting for you (Updating): the customer's change is applied.
    AcceptUpdate {
        #[arg(long, value_name = "ID")]
        app: String,
        /// The installation being updated.
        installation: String,
        #[arg(long)]
        json: bool,
    },
    /// Reject an update waiting for you, with a reason the customer will see; the installation
    /// stays as it was.
    RejectUpdate {
        #[arg(long, value_name = "ID")]
        app: String,
        installation: String,
        /// Why: shown to the customer. Required, at most 2,000 characters.
        #[arg(long, value_name = "TEXT")]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ClientsArgs {
    #[command(subcommand)]
    action: Option<ClientsAction>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum ClientsAction {
    /// Create an OAuth client for the Talkdesk APIs. Its secret is printed once and never shown
    /// again.
    Create {
        /// A name to know it by (at most 100 characters).
        #[arg(long, value_name = "NAME")]
        name: String,
        /// A Talkdesk API scope to give it, such as users:read or contacts:read
        /// (`pwb clients scopes` lists them). Repeatable; at least one.
        #[arg(long = "scope", value_name = "SCOPE", required = true, num_args = 1..)]
        scopes: Vec<String>,
        /// Where an authorization-code sign-in returns: https, or http on localhost, 127.0.0.1
        /// or [::1]. Repeatable.
        #[arg(long = "redirect-uri", value_name = "URI", num_args = 1..)]
        redirect_uris: Vec<String>,
        /// A grant type: client_credentials, authorization_code or refresh_token. Repeatable.
        /// Without it: client_credentials, and authorization_code too when a --redirect-uri is
        /// given.
        #[arg(long = "grant-type", value_name = "GRANT", num_args = 1..)]
        grant_types: Vec<String>,
        /// Print the client and its secret as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete an OAuth client: whatever uses it can no longer sign in.
    Delete {
        /// The client's id (`pwb clients` lists them).
        id: String,
        /// Print JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
    /// The Talkdesk API scopes and grant types a client can be given, with the Talkdesk page
    /// each comes from. Known to `pwb` itself: works offline.
    Scopes {
        /// Print JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
}

/// A connection to the chosen server for live data.
async fn connect(
    workbench: &Workbench,
    choice: &ServerChoice,
) -> Result<Connection, WorkbenchError> {
    Connection::open(choice, workbench, account::now()).await
}

pub async fn installations(
    workbench: &Workbench,
    choice: &ServerChoice,
    args: InstallationsArgs,
) -> Result<u8, WorkbenchError> {
    let connection = connect(workbench, choice).await?;
    let result = match args.action {
        None => {
            let app = args.app.unwrap_or_default();
            // The badges take the app's versions from the cache as it is: listing neither
            // pushes nor syncs (that is `pwb sync`); the output says how old the cache is.
            let filter = Filter {
                state: args.state,
                waiting: args.waiting,
            };
            list(workbench, &connection, &app, filter, args.json).await
        }
        Some(action) => {
            let (app, installation, expect, decision, reason, json) = match action {
                InstallationsAction::Approve {
                    app,
                    installation,
                    json,
                } => (
                    app,
                    installation,
                    Waiting::Installation,
                    InstallationDecision::Approve,
                    None,
                    json,
                ),
                InstallationsAction::Reject {
                    app,
                    installation,
                    reason,
                    json,
                } => (
                    app,
                    installation,
                    Waiting::Installation,
                    InstallationDecision::Reject,
                    Some(reason),
                    json,
                ),
                InstallationsAction::AcceptUpdate {
                    app,
                    installation,
                    json,
                } => (
                    app,
                    installation,
                    Waiting::Update,
                    InstallationDecision::Approve,
                    None,
                    json,
                ),
                InstallationsAction::RejectUpdate {
                    app,
                    installation,
                    reason,
                    json,
                } => (
                    app,
                    installation,
                    Waiting::Update,
                    InstallationDecision::Reject,
                    Some(reason),
                    json,
                ),
            };
            decide(
                workbench,
                &connection,
                (&app, &installation),
                (expect, decision),
                reason.as_deref(),
                json,
            )
            .await
        }
    };
    connection.close().await;
    result
}

/// Says on stderr (so `--json` stays one document) where the badges' version facts come from:
/// the cache as last synced, or nothing when it holds no versions of the app.
fn cache_note(workbench: &Workbench, app: &str) -> Result<(), WorkbenchError> {
    let holds_app = workbench
        .list_apps()?
        .iter()
        .any(|a| a.app.id == app && !a.versions.is_empty());
    match workbench.status_cached().last_synced_at {
        Some(at) if holds_app => say_err!(
            "Badges use the app's versions as the cache had them at {at} (`pwb sync` updates it)."
        ),
        _ => say_err!(
            "The cache holds no versions of app {app}: badges that need them (Upgrade \
             Available, Installing) cannot show; run `pwb sync` first."
        ),
    }
    Ok(())
}

/// Which installations `pwb installations` lists.
struct Filter {
    state: Option<InstallationState>,
    waiting: bool,
}

async fn list(
    workbench: &Workbench,
    connection: &Connection,
    app: &str,
    filter: Filter,
    json: bool,
) -> Result<u8, WorkbenchError> {
    let all = workbench
        .installations(&connection.client, app, OffsetDateTime::now_utc())
        .await?;
    cache_note(workbench, app)?;
    let shown: Vec<&InstallationView> = all
        .iter()
        .filter(|i| filter.state.is_none_or(|s| i.installation.state == s))
        .filter(|i| !filter.waiting || i.waiting.is_some())
        .collect();
    if json {
        print_json(&serde_json::to_value(&shown).expect("installations serialize"));
        return Ok(exit::SUCCESS);
    }
    if shown.is_empty() {
        match (filter.state, filter.waiting) {
            (Some(state), _) => say!(
                "App {app} has no {} installation{} ({} in all).",
                state.as_str(),
                if filter.waiting {
                    " waiting for you"
                } else {
                    ""
                },
                all.len()
            ),
            (None, true) => say!(
                "No installation of app {app} waits for you ({} in all).",
                all.len()
            ),
            (None, false) => say!("App {app} has no installations yet."),
        }
        return Ok(exit::SUCCESS);
    }
    let mut rows = vec![
        [
            "ID",
            "ACCOUNT",
            "VERSION",
            "STATE",
            "BADGE",
            "WAITS FOR YOU",
            "PLAN",
            "LICENSES",
            "TRIAL",
        ]
        .map(String::from),
    ];
    let mut failed_update = false;
    for view in shown {
        let i = &view.installation;
        failed_update |= i.update == Some(partner_api::installations::UpdateState::Failed);
        let trial = match (&i.trial_start, &i.trial_end) {
            (Some(start), Some(end)) => format!("{} to {}", day(start), day(end)),
            (None, Some(end)) => format!("ends {}", day(end)),
            _ => "-".to_owned(),
        };
        rows.push([
            i.id.clone(),
            i.account_name.clone(),
            view.version_number
                .clone()
                .unwrap_or_else(|| i.app_version_id.clone()),
            i.state.as_str().to_owned(),
            if view.badges.shows_manually_provisioned() {
                format!("{} (manually provisioned)", view.badges.label)
            } else {
                view.badges.label.clone()
            },
            match view.waiting {
                Some(Waiting::Installation) => "confirm or reject".to_owned(),
                Some(Waiting::Update) => "accept or reject update".to_owned(),
                None => "-".to_owned(),
            },
            i.plan.clone().unwrap_or_else(|| "-".to_owned()),
            i.licenses.to_string(),
            trial,
        ]);
    }
    print_table(&rows);
    if failed_update {
        say_err!("Failed Update: {FAILED_UPDATE_HELP}");
    }
    Ok(exit::SUCCESS)
}

/// The date part of an RFC 3339 time, for a table.
fn day(time: &str) -> &str {
    time.get(..10).unwrap_or(time)
}

async fn decide(
    workbench: &Workbench,
    connection: &Connection,
    (app, installation): (&str, &str),
    (expect, decision): (Waiting, InstallationDecision),
    reason: Option<&str>,
    json: bool,
) -> Result<u8, WorkbenchError> {
    let decided = workbench
        .decide_installation(
            &connection.client,
            app,
            installation,
            expect,
            decision,
            reason,
        )
        .await?;
    if json {
        print_json(&serde_json::to_value(&decided).expect("an installation serializes"));
    } else {
        let done = match (expect, decision) {
            (Waiting::Installation, InstallationDecision::Approve) => "confirmed installation",
            (Waiting::Installation, InstallationDecision::Reject) => "rejected installation",
            (Waiting::Update, InstallationDecision::Approve) => "accepted the update of",
            (Waiting::Update, InstallationDecision::Reject) => "rejected the update of",
        };
        say!(
            "{done} {} in {}: it is now {}",
            decided.id,
            decided.account_name,
            decided.state.as_str()
        );
    }
    Ok(exit::SUCCESS)
}

pub async fn clients(
    workbench: &Workbench,
    choice: &ServerChoice,
    args: ClientsArgs,
) -> Result<u8, WorkbenchError> {
    // What asks the server; the scopes are answered here, offline.
    enum Live {
        List,
        Create { new: NewOAuthClient, json: bool },
        Delete { id: String, json: bool },
    }
    let action = match args.action {
        Some(ClientsAction::Scopes { json }) => {
            let catalogue = oauth_clients::catalogue();
            if json {
                print_json(&json!({
                    "scopes": oauth_clients::scope_names(),
                    "grant_types": oauth_clients::grant_type_names(),
                    "catalogue": catalogue,
                }));
            } else {
                let mut rows = vec![["SCOPE", "API", "WHAT IT ALLOWS"].map(String::from)];
                for scope in &catalogue.scopes {
                    rows.push([
                        scope.name.clone(),
                        scope.api.clone().unwrap_or_default(),
                        scope.description.clone(),
                    ]);
                }
                print_table(&rows);
                say!("");
                say!(
                    "Grant types: {}",
                    oauth_clients::grant_type_names().join(", ")
                );
                let mut sources: Vec<&str> = catalogue
                    .scopes
                    .iter()
                    .chain(&catalogue.grant_types)
                    .map(|entry| entry.source.as_str())
                    .collect();
                sources.sort_unstable();
                sources.dedup();
                say!("Source: Talkdesk's published pages, {}", sources.join(", "));
            }
            return Ok(exit::SUCCESS);
        }
        None => Live::List,
        Some(ClientsAction::Create {
            name,
            scopes,
            redirect_uris,
            mut grant_types,
            json,
        }) => {
            if grant_types.is_empty() {
                grant_types.push(CLIENT_CREDENTIALS.to_owned());
                if !redirect_uris.is_empty() {
                    grant_types.push(AUTHORIZATION_CODE.to_owned());
                }
            }
            Live::Create {
                new: NewOAuthClient {
                    name,
                    scopes,
                    redirect_uris,
                    grant_types,
                },
                json,
            }
        }
        Some(ClientsAction::Delete { id, json }) => Live::Delete { id, json },
    };
    let connection = connect(workbench, choice).await?;
    let client = &connection.client;
    let result = async {
        match action {
            Live::List => {
                let clients = workbench.oauth_clients(client).await?;
                if args.json {
                    print_json(&serde_json::to_value(&clients).expect("clients serialize"));
                } else if clients.is_empty() {
                    say!(
                        "No OAuth clients yet. `pwb clients create --name NAME --scope users:read` creates one."
                    );
                } else {
                    let mut rows = vec![
                        ["ID", "NAME", "SCOPES", "GRANT TYPES", "REDIRECT URIS", "CREATED"]
                            .map(String::from),
                    ];
                    for c in &clients {
                        rows.push([
                            c.id.clone(),
                            c.name.clone(),
                            c.scopes.join(" "),
                            c.grant_types.join(" "),
                            if c.redirect_uris.is_empty() {
                                "-".to_owned()
                            } else {
                                c.redirect_uris.join(" ")
                            },
                            c.created_at.clone(),
                        ]);
                    }
                    print_table(&rows);
                }
            }
            Live::Create { new, json } => {
                let created = workbench.create_oauth_client(client, new).await?;
                if json {
                    print_json(&json!({
                        "client": created.client,
                        "client_secret": created.secret.expose(),
                    }));
                } else {
                    say!("created OAuth client {} ({})", created.client.id, created.client.name);
                    say!("scopes: {}", created.client.scopes.join(" "));
                    say!("grant types: {}", created.client.grant_types.join(" "));
                    if !created.client.redirect_uris.is_empty() {
                        say!("redirect URIs: {}", created.client.redirect_uris.join(" "));
                    }
                    say!("secret: {}", created.secret.expose());
                    say!(
                        "Copy the secret now: it will not be shown again, and Partner Workbench does not keep it."
                    );
                }
            }
            Live::Delete { id, json } => {
                workbench.delete_oauth_client(client, &id).await?;
                if json {
                    print_json(&json!({ "deleted": id }));
                } else {
                    say!("deleted OAuth client {id}");
                }
            }
        }
        Ok(exit::SUCCESS)
    }
    .await;
    connection.close().await;
    result
}

pub async fn account_summary(
    workbench: &Workbench,
    choice: &ServerChoice,
    json: bool,
) -> Result<u8, WorkbenchError> {
    let connection = connect(workbench, choice).await?;
    let result = workbench.partner_account(&connection.client).await;
    connection.close().await;
    let account = result?;
    if json {
        print_json(&serde_json::to_value(&account).expect("the account serializes"));
        return Ok(exit::SUCCESS);
    }
    let l = &account.licenses;
    say!(
        "licenses: {} in all, {} used, {} available ({} free with the developer account)",
        l.total,
        l.used,
        l.total.saturating_sub(l.used),
        l.free_developer
    );
    say!(
        "credit balance: {}",
        format_credits(account.credits.balance, &account.credits.currency)
    );
    say!("how credits are added (Partner Project FAQ §9):");
    for way in CREDITS_WAYS {
        say!("  - {way}");
    }
    say!("  where: {CREDITS_WHERE}; see {CREDITS_HELP_URL}");
    Ok(exit::SUCCESS)
}

fn print_table<const N: usize>(rows: &[[String; N]]) {
    let mut widths = [0; N];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        say!("{}", line.join("  ").trim_end());
    }
}

/// `pwb versions install-link`: a version's private install link, and who can install from it.
pub async fn install_link(
    workbench: &Workbench,
    choice: &ServerChoice,
    app: &str,
    version: &str,
    json: bool,
) -> Result<u8, WorkbenchError> {
    workbench.check_version_of_app(app, version)?;
    let connection = connect(workbench, choice).await?;
    let result = workbench.install_link(&connection.client, version).await;
    connection.close().await;
    let link = result?;
    if json {
        print_json(&serde_json::to_value(&link).expect("the link serializes"));
        return Ok(exit::SUCCESS);
    }
    say!("{}", link.url);
    say!("{}", link.installable_on.describe());
    Ok(exit::SUCCESS)
}
