//! The profile switch's types: each profile's name, server and sign-in state, which one this
//! window works with, and whether the environment chose it at start.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench::profiles::{ProfileEntry, ProfileKind as CoreKind};

use super::SyncStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    /// The sandbox embedded in the app.
    Sandbox,
    /// One of Talkdesk's regions.
    Region,
    /// Added with a base URL (`pwb profile add`).
    Custom,
    /// A server given by URL alone (`PWB_SERVER`), which no profile has.
    Server,
}

impl From<CoreKind> for ProfileKind {
    fn from(kind: CoreKind) -> Self {
        match kind {
            CoreKind::Sandbox => ProfileKind::Sandbox,
            CoreKind::Region => ProfileKind::Region,
            CoreKind::Custom => ProfileKind::Custom,
            CoreKind::Server => ProfileKind::Server,
        }
    }
}

/// The profile this window works with, for its header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CurrentProfile {
    pub name: String,
    pub kind: ProfileKind,
    /// Its server, as a person reads it.
    pub server: String,
    /// The environment variable that chose it at start, like `PWB_PROFILE=eu`; `null` when the
    /// window opened the active profile.
    pub chosen_by: Option<String>,
}

/// A profile in the account screen's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProfileRow {
    pub name: String,
    pub kind: ProfileKind,
    /// Its server, as a person reads it.
    pub server: String,
    /// The one this window works with.
    pub current: bool,
    /// The active one recorded in the settings, which `pwb` uses and the app opens at start.
    pub active: bool,
    /// An account is signed in to its server.
    pub signed_in: bool,
    /// Why its sign-in state cannot be read, when it cannot.
    pub problem: Option<String>,
    /// The authorization server's issuer, when partners sign in elsewhere than the server.
    pub issuer: Option<String>,
    /// The OAuth client it signs in as.
    pub client_id: String,
    /// The scopes it asks for; `null`: every scope of the API.
    pub scopes: Option<Vec<String>>,
}

/// The account screen's form for a new profile (`pwb profile add`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct NewProfileForm {
    pub name: String,
    /// The server's base URL.
    pub url: String,
    /// Blank: sign in on the server itself.
    pub issuer: String,
    /// Blank: this tool's public client.
    pub client_id: String,
    /// Separated by spaces; blank: every scope of the API.
    pub scopes: String,
}

impl From<NewProfileForm> for workbench::SignInSettings {
    fn from(form: NewProfileForm) -> Self {
        let given = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
        let scopes: Vec<String> = form.scopes.split_whitespace().map(str::to_owned).collect();
        workbench::SignInSettings {
            issuer: given(&form.issuer),
            client_id: given(&form.client_id),
            scopes: (!scopes.is_empty()).then_some(scopes),
        }
    }
}

impl ProfileRow {
    pub fn new(entry: ProfileEntry, current: &str) -> ProfileRow {
        // How its requests would be let in is the account screen's, for the current one.
        let ProfileEntry {
            profile,
            active,
            signed_in,
            access: _,
            problem,
        } = entry;
        let sign_in = profile.server.sign_in();
        ProfileRow {
            issuer: sign_in.issuer.clone(),
            client_id: sign_in.client_id().to_owned(),
            scopes: sign_in.scopes.clone(),
            current: profile.name == current,
            server: profile.server.label().to_owned(),
            name: profile.name,
            kind: profile.kind.into(),
            active,
            signed_in,
            problem,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProfileList {
    pub current: CurrentProfile,
    /// `sandbox`, the regions, then the custom profiles by name.
    pub profiles: Vec<ProfileRow>,
    /// The first start on this machine: the window offers the demo or a Talkdesk sign-in.
    pub welcome: bool,
}

/// What a switch did: the new profile and its cached status; a sync follows in the background.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Switched {
    pub profiles: ProfileList,
    pub status: SyncStatus,
}
