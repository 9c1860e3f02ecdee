//! `pwb profile list|add|use|remove`: which servers `pwb` knows, which is active, and which are
//! signed in. Each profile has a data folder of its own; `--profile NAME` picks one for a single
//! command.

use clap::Subcommand;
use serde_json::{Value, json};
use workbench::profiles::{Profile, ProfileEntry, Profiles};
use workbench::server::Access;
use workbench::{SignInSettings, WorkbenchError};

use crate::exit;
use crate::output::{self, say};

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// List the profiles: the embedded sandbox, Talkdesk's regions and yours, with their server,
    /// whether each is signed in, and which is active.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Add a profile for a server by its base URL (https://, or http:// on this machine only).
    Add {
        /// Its name: lowercase letters, digits, '-' and '_'.
        name: String,
        /// The server's base URL.
        #[arg(long, value_name = "URL")]
        url: String,
        /// The authorization server's issuer URL, when you sign in elsewhere than the server
        /// (Talkdesk: https://ACCOUNT.talkdeskid.com). Its metadata is read from RFC 8414's
        /// well-known URL, else OpenID Connect's.
        #[arg(long, value_name = "URL")]
        issuer: Option<String>,
        /// The OAuth client id to sign in as. Default: this tool's public client.
        #[arg(long, value_name = "ID")]
        client_id: Option<String>,
        /// A scope to ask for (repeat for more). Default: every scope of the API.
        #[arg(long = "scope", value_name = "SCOPE")]
        scopes: Vec<String>,
        /// Print the new profile as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make a profile the active one: the one every command uses unless --profile says otherwise.
    Use {
        name: String,
        /// Print the profile now active as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a profile you added, and its cache. Not a built-in one, not the active one, not one
    /// that is signed in (sign out first), not one with edits not yet sent.
    Remove {
        name: String,
        /// Print the removed profile as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(profiles: &Profiles, command: ProfileCommand) -> Result<u8, WorkbenchError> {
    match command {
        ProfileCommand::List { json } => {
            let entries = profiles.list()?;
            if json {
                output::print_json(&list_json(&entries));
            } else {
                print_list(&entries);
            }
        }
        ProfileCommand::Add {
            name,
            url,
            issuer,
            client_id,
            scopes,
            json,
        } => {
            let sign_in = SignInSettings {
                issuer,
                client_id,
                scopes: (!scopes.is_empty()).then_some(scopes),
            };
            let profile = profiles.add(&name, &url, &sign_in)?;
            if json {
                output::print_json(&json!({ "added": profile_json(&profile) }));
                return Ok(exit::SUCCESS);
            }
            say!(
                "added profile {} for {}; `pwb profile use {}` makes it the active one, \
                 `pwb --profile {} login` signs in to it",
                profile.name,
                server_label(&profile),
                profile.name,
                profile.name
            );
        }
        ProfileCommand::Use { name, json } => {
            let profile = profiles.set_active(&name)?;
            if json {
                output::print_json(&json!({ "active": profile_json(&profile) }));
                return Ok(exit::SUCCESS);
            }
            say!(
                "the active profile is now {} ({})",
                profile.name,
                server_label(&profile)
            );
        }
        ProfileCommand::Remove { name, json } => {
            let profile = profiles.remove(&name)?;
            if json {
                output::print_json(&json!({ "removed": profile_json(&profile) }));
                return Ok(exit::SUCCESS);
            }
            say!(
                "removed profile {} ({}) and its cache",
                profile.name,
                server_label(&profile)
            );
        }
    }
    Ok(exit::SUCCESS)
}

/// The server as a person reads it: the URL, or "the embedded sandbox".
pub fn server_label(profile: &Profile) -> &str {
    profile.server.label()
}

pub fn profile_json(profile: &Profile) -> Value {
    let sign_in = profile.server.sign_in();
    json!({
        "name": profile.name,
        "kind": profile.kind,
        "server": server_label(profile),
        "url": profile.url(),
        "issuer": sign_in.issuer,
        "client_id": sign_in.client_id(),
        "scopes": sign_in.scopes,
        "data_dir": profile.data_dir,
    })
}

fn list_json(entries: &[ProfileEntry]) -> Value {
    let active = entries
        .iter()
        .find(|entry| entry.active)
        .map(|entry| entry.profile.name.as_str());
    let profiles: Vec<Value> = entries
        .iter()
        .map(|entry| {
            let mut value = profile_json(&entry.profile);
            let object = value.as_object_mut().expect("an object");
            object.insert("active".into(), json!(entry.active));
            object.insert("signed_in".into(), json!(entry.signed_in));
            object.insert("access".into(), json!(entry.access));
            object.insert("problem".into(), json!(entry.problem));
            value
        })
        .collect();
    json!({"active": active, "profiles": profiles})
}

fn print_list(entries: &[ProfileEntry]) {
    let mut rows = vec![["", "NAME", "SERVER", "SIGNED IN"].map(String::from)];
    rows.extend(entries.iter().map(|entry| {
        let signed_in = match (&entry.problem, entry.signed_in, entry.access) {
            (Some(problem), _, _) => format!("cannot tell: {problem}"),
            (None, true, _) => "yes".to_owned(),
            (None, false, Access::Environment) => "no (PWB_TOKEN is used)".to_owned(),
            (None, false, Access::Demo) => "no (the demo partner is let in)".to_owned(),
            (None, false, _) => "no".to_owned(),
        };
        [
            if entry.active { "*" } else { "" }.to_owned(),
            entry.profile.name.clone(),
            server_label(&entry.profile).to_owned(),
            signed_in,
        ]
    }));
    for line in output::aligned(&rows) {
        say!("{line}");
    }
    say!();
    say!(
        "* the active profile (`pwb profile use NAME` to switch, `--profile NAME` for one command)"
    );
}
