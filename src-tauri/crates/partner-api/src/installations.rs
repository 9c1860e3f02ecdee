//! Installations of the partner's apps in customer accounts (SPEC §3, FAQ §16), and the
//! partner's decision on what waits for them: an `installing` installation to confirm or
//! reject, or an update (`update: updating`) to accept or reject
//! ([`workbench_domain::installation::waiting`]).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
pub use workbench_domain::installation::{InstallationState, UpdateState, Waiting, waiting};

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
    /// Why the partner rejected it, or rejected its last update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// An update (a change of its users or settings) waiting for the partner to accept or
    /// reject it (`updating`), or one that failed to roll back (`failed`, which only Talkdesk
    /// can recover); absent when no update is under way. FAQ §16's Updating and Failed Update
    /// badges come from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<UpdateState>,
}

/// The body of `POST .../installations/{id}/state`: the partner's decision on what waits for
/// them. On an `installing` installation, `approve` confirms it (→ `completed`) and `reject`
/// refuses it (→ `rejected`); on one with an update waiting, `approve` accepts the update and
/// `reject` rejects it (either way the update ends, and a rejection's reason is kept).
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

/// `{"state": "approve"}`: confirm the installation or accept the update; a reason is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Approval {
    #[schema(pattern = "^approve$")]
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// `{"state": "reject", "reason": "..."}`: refuse the installation or the update, with a reason
/// the customer will see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Rejection {
    #[schema(pattern = "^reject$")]
    pub state: String,
    #[schema(max_length = 2000, pattern = "\\S")]
    pub reason: String,
}

/// The body of the sandbox's `POST /_sandbox/apps/{app_id}/installations`: a customer's request
/// to install a version (AppConnect's side, which the real API does not have).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InstallationRequestBody {
    #[schema(max_length = 200)]
    pub account_name: String,
    /// A technically Available version of the app.
    pub version_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licenses: Option<u32>,
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
}
