//! An installation's state and its update (SPEC §3, Partner Project FAQ §16), and what waits
//! for the partner: the one rule the sandbox, the workbench, `pwb` and the window share.
//!
//! FAQ §16 says Installing is "a transient status that represents a pending installation
//! waiting for partner confirmation", and that an update's Updating badge "will disappear upon
//! completion of the process (the partner accepts or rejects the update)". So an `installing`
//! installation is the one the partner confirms or rejects, and an installation whose `update`
//! is `updating` has an update the partner accepts or rejects; nothing else waits for them.

use serde::{Deserialize, Serialize};

/// Where an installation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum InstallationState {
    /// Waiting for the partner to confirm it (FAQ §16, Installing).
    Installing,
    /// AppConnect could not reach the partner in time (a Failed Installation).
    Timeout,
    /// Installed and working (Active).
    Completed,
    /// The installation failed (a Failed Installation).
    Failed,
    /// The partner refused it.
    Rejected,
    Suspended,
    Revoked,
}

impl InstallationState {
    pub const ALL: [InstallationState; 7] = [
        InstallationState::Installing,
        InstallationState::Timeout,
        InstallationState::Completed,
        InstallationState::Failed,
        InstallationState::Rejected,
        InstallationState::Suspended,
        InstallationState::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InstallationState::Installing => "installing",
            InstallationState::Timeout => "timeout",
            InstallationState::Completed => "completed",
            InstallationState::Failed => "failed",
            InstallationState::Rejected => "rejected",
            InstallationState::Suspended => "suspended",
            InstallationState::Revoked => "revoked",
        }
    }

    pub fn parse(text: &str) -> Option<InstallationState> {
        InstallationState::ALL
            .into_iter()
            .find(|state| state.as_str() == text)
    }
}

/// An update of an installation (a change of its users or settings, FAQ §16's Updating): waiting
/// for the partner, or failed to roll back (Failed Update, which only Talkdesk can recover).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum UpdateState {
    Updating,
    Failed,
}

impl UpdateState {
    pub const ALL: [UpdateState; 2] = [UpdateState::Updating, UpdateState::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            UpdateState::Updating => "updating",
            UpdateState::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<UpdateState> {
        UpdateState::ALL.into_iter().find(|u| u.as_str() == text)
    }
}

/// What an installation waits for the partner to decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Waiting {
    /// A new installation to confirm or reject.
    Installation,
    /// An update to accept or reject.
    Update,
}

impl Waiting {
    pub fn as_str(self) -> &'static str {
        match self {
            Waiting::Installation => "installation",
            Waiting::Update => "update",
        }
    }

    pub fn parse(text: &str) -> Option<Waiting> {
        [Waiting::Installation, Waiting::Update]
            .into_iter()
            .find(|w| w.as_str() == text)
    }
}

/// What an installation in `state` with `update` waits for the partner to decide, if anything.
pub fn waiting(state: InstallationState, update: Option<UpdateState>) -> Option<Waiting> {
    match (state, update) {
        (InstallationState::Installing, _) => Some(Waiting::Installation),
        (_, Some(UpdateState::Updating)) => Some(Waiting::Update),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for state in InstallationState::ALL {
            assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
            assert_eq!(InstallationState::parse(state.as_str()), Some(state));
        }
        for update in UpdateState::ALL {
            assert_eq!(serde_json::to_value(update).unwrap(), update.as_str());
            assert_eq!(UpdateState::parse(update.as_str()), Some(update));
        }
        for w in [Waiting::Installation, Waiting::Update] {
            assert_eq!(serde_json::to_value(w).unwrap(), w.as_str());
            assert_eq!(Waiting::parse(w.as_str()), Some(w));
        }
        assert_eq!(InstallationState::parse("pending"), None);
    }

    #[test]
    fn only_installing_and_an_update_under_way_wait_for_the_partner() {
        use InstallationState::*;
        for state in InstallationState::ALL {
            for update in [None, Some(UpdateState::Updating), Some(UpdateState::Failed)] {
                let expected = match (state, update) {
                    (Installing, _) => Some(Waiting::Installation),
                    (_, Some(UpdateState::Updating)) => Some(Waiting::Update),
                    _ => None,
                };
                assert_eq!(waiting(state, update), expected, "{state:?} {update:?}");
            }
        }
        assert_eq!(waiting(Completed, Some(UpdateState::Failed)), None);
    }
}
