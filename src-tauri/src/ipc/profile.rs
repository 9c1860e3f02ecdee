//! The profile switch's types: each profile's name, server and sign-in state, which one this
//! window works with, and whether the environment chose it at start.

use serde::Serialize;
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
        ProfileRow {
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
}

/// What a switch did: the new profile and its cached status; a sync follows in the background.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Switched {
    pub profiles: ProfileList,
    pub status: SyncStatus,
}
