//! Request bodies of the write routes (SPEC §4). Readers ignore unknown fields; the server
//! answers a body that does not fit with the `ApiError` body (400 `invalid_request`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use workbench_domain::validation::Suppression;
use workbench_domain::{AppType, General, Marketplace, Render, SubscriptionPlan, Technical, Track};

/// `POST /apps`: register a new app. Every field is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RegisterApp {
    /// The unique identifier the partner chooses: lower-case letters, digits and `-`, 1 to 64.
    #[schema(pattern = "^[a-z0-9][a-z0-9-]{0,63}$")]
    pub name: String,
    /// Not blank; at most 200 characters (so are `display_name` and `created_type`).
    #[schema(pattern = "\\S", max_length = 200)]
    pub slug: String,
    #[schema(pattern = "\\S", max_length = 200)]
    pub display_name: String,
    /// The partner's company name, shown as the vendor.
    #[schema(pattern = "\\S", max_length = 200)]
    pub created_type: String,
    pub app_type: AppType,
    pub render: Render,
}

impl RegisterApp {
    /// The fields a registration must carry, in the order errors list them.
    pub const REQUIRED: [&'static str; 6] = [
        "name",
        "slug",
        "display_name",
        "created_type",
        "app_type",
        "render",
    ];
}

/// `PATCH /apps/{app_id}`: the app-level fields to change; absent fields stay as they are.
/// `id` and `name` never change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UpdateApp {
    /// Not blank; at most 200 characters (so are `display_name` and `created_type`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "\\S", max_length = 200)]
    pub slug: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "\\S", max_length = 200)]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "\\S", max_length = 200)]
    pub created_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_type: Option<AppType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub render: Option<Render>,
}

/// `PATCH /apps/{app_id}/versions/{version_id}`: any subset of the content sections. A present
/// section replaces that whole section; absent sections stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UpdateVersion {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub general: Option<General>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technical: Option<Technical>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketplace: Option<Marketplace>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_types: Option<Vec<SubscriptionPlan>>,
}

impl UpdateVersion {
    pub fn is_empty(&self) -> bool {
        self.general.is_none()
            && self.technical.is_none()
            && self.marketplace.is_none()
            && self.subscription_types.is_none()
    }
}

/// `POST /apps/{app_id}/versions`: create the next version. The body is empty or `{}`; the new
/// version is a copy of the latest one, which must be Available.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CreateVersion {}

/// `POST /apps/{app_id}/versions/{version_id}/submissions`: submit one track for review.
///
/// The server checks the stored content and icon with the rules engine for that track
/// (`workbench_domain::validation::validate_submission`, its current rules pack): any error
/// refuses the submission with 422 `validation_failed`. Warnings do not refuse it, but the
/// reviewer rejects a version for each warning left unsuppressed; `suppressions` silence
/// warnings with the partner's reason and are recorded with the submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Submission {
    pub track: Track,
    /// Warnings to silence, each with a non-blank reason. Errors cannot be suppressed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
}

impl Submission {
    /// A submission of `track` with no suppressions.
    pub fn new(track: Track) -> Submission {
        Submission {
            track,
            suppressions: Vec::new(),
        }
    }
}

/// A reviewer's verdict on one track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    Approve,
    Reject,
}

impl ReviewDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewDecision::Approve => "approve",
            ReviewDecision::Reject => "reject",
        }
    }
}

/// One remark of a review: which field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReviewFeedback {
    /// The field's path in the version, for example `marketplace.description`.
    pub field: String,
    pub message: String,
    /// The id of the rules-pack rule behind the remark, for example `plans.quoted_prices`, when
    /// a rule is (the automatic reviewer always names one; a person may not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// `POST /_sandbox/versions/{version_id}/review` (sandbox only): decide a track in review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReviewRequest {
    pub track: Track,
    pub decision: ReviewDecision,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feedback: Vec<ReviewFeedback>,
}
