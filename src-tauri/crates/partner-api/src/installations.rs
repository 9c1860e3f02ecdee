//! Installations of the partner's apps in customer accounts (SPEC §3, FAQ §16), and the
//! partner's decision on a pending one.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The name under `_embedded` of the installations collection.
pub const COLLECTION: &str = "installations";

pub fn path(app_id: &str) -> String {
    format!("/apps/{app_id}/installations")
}

pub fn installation_path(app_id: &str, id: &str) -> String {
    format!("/apps/{app_id}/installations/{id}")
}

/// The longest reason of a decision, in characters: the server refuses a longer one, and the
/// workbench refuses it before sending. (The schemas below state it as the literal 2000, which
/// a test keeps equal to this.)
pub const REASON_MAX_CHARS: usize = 2000;

pub fn state_path(app_id: &str, id: &str) -> String {
    format!("/apps/{app_id}/installations/{id}/state")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Installation {
    pub id: String,
    pub app_id: String,
    /// The customer account the app is installed in.
    pub account_name: String,
    pub app_version_id: String,
    pub state: InstallationState,
    /// RFC 3339; present when the installation is or was on the trial plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trial_start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trial_end: Option<String>,
    /// The subscription plan's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    pub licenses: u32,
    /// Why the partner rejected it (only for `rejected` installations the partner refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// An update to a newer version under way (`updating`) or one that did not finish
    /// (`failed`); absent when the installation is not being updated. FAQ §16's Updating and
    /// Failed Update badges come from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<UpdateState>,
}

/// Where an installation's update to a newer version stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UpdateState {
    Updating,
    Failed,
}

impl UpdateState {
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateState::Updating => "updating",
            UpdateState::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<UpdateState> {
        [UpdateState::Updating, UpdateState::Failed]
            .into_iter()
            .find(|state| state.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InstallationState {
    Installing,
    Pending,
    Timeout,
    Completed,
    Failed,
    Rejected,
    Suspended,
    Revoked,
}

impl InstallationState {
    pub const ALL: [InstallationState; 8] = [
        InstallationState::Installing,
        InstallationState::Pending,
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
            InstallationState::Pending => "pending",
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

/// The body of `POST .../installations/{id}/state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StateChange {
    pub state: Decision,
    /// Required (non-empty) when rejecting; ignored when approving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What [`StateChange`] accepts, as the document states it: approving takes an optional
/// reason, rejecting needs a non-blank one; a reason is at most 2,000 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum StateChangeBody {
    Approve(Approval),
    Reject(Rejection),
}

/// `{"state": "approve"}`: install the app; a reason is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Approval {
    #[schema(pattern = "^approve$")]
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// `{"state": "reject", "reason": "..."}`: refuse it, with a reason the customer will see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Rejection {
    #[schema(pattern = "^reject$")]
    pub state: String,
    #[schema(max_length = 2000, pattern = "\\S")]
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_reason_limit_is_the_constant() {
        let document = serde_json::to_value(crate::openapi::document()).unwrap();
        for schema in ["Approval", "Rejection"] {
            assert_eq!(
                document["components"]["schemas"][schema]["properties"]["reason"]["maxLength"],
                REASON_MAX_CHARS,
                "{schema}"
            );
        }
    }

    #[test]
    fn states_round_trip_through_their_wire_names() {
        for state in InstallationState::ALL {
            let json = serde_json::to_value(state).unwrap();
            assert_eq!(json, state.as_str());
            assert_eq!(InstallationState::parse(state.as_str()), Some(state));
        }
        assert_eq!(InstallationState::parse("active"), None);
        for update in [UpdateState::Updating, UpdateState::Failed] {
            assert_eq!(serde_json::to_value(update).unwrap(), update.as_str());
            assert_eq!(UpdateState::parse(update.as_str()), Some(update));
        }
        assert_eq!(UpdateState::parse("done"), None);
    }
}
