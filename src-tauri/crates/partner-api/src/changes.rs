//! The change feed, `GET /changes?cursor=C` (SPEC §4): every change to the partner's resources
//! after cursor `C`, oldest first, and the cursor to ask with next time.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use workbench_domain::Track;
use workbench_domain::installation::Waiting;
use workbench_domain::validation::NotChecked;

use crate::requests::{ReviewDecision, ReviewFeedback};

/// The path of the feed.
pub const CHANGES_PATH: &str = "/changes";

/// The most changes one reply carries; a client asks again with `next_cursor` for more.
pub const MAX_CHANGES_PER_PAGE: u32 = 500;

/// The `cursor` that asks for the current end of the feed: the reply has no changes and its
/// `next_cursor` is the position of the newest change. A client that has just made a full copy
/// of the partner's resources asks with it first (before the copy, so nothing made during the
/// copy is missed) and reads the feed from there on.
pub const LATEST_CURSOR: &str = "latest";

/// One reply of the feed. `next_cursor` is opaque: pass it back as `cursor`. When nothing is
/// new, `changes` is empty and `next_cursor` is the cursor that was asked with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChangesPage {
    pub changes: Vec<Change>,
    pub next_cursor: String,
}

/// One change. Fields other than `cursor`, `kind` and `resource` appear only when they apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Change {
    /// The position of this change; asking with it returns the changes after it.
    pub cursor: String,
    pub kind: ChangeKind,
    pub resource: ResourceRef,
    /// When it happened, RFC 3339 in UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// The track a submission, withdrawal, review, availability or advertisement concerns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track: Option<Track>,
    /// The outcome of a review (`kind` = `reviewed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewOutcome>,
    /// Who made the change when it was not the API's caller, for example `portal` for an edit
    /// made in Talkdesk's web portal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The resource's ETag after the change (absent once deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// What a customer asks of the partner (`kind` = `installation_requested`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<InstallationRequest>,
}

/// A customer's installation, or an update of one, that waits for the partner (FAQ §16: Installing
/// is "a pending installation waiting for partner confirmation"; Updating ends when "the partner
/// accepts or rejects the update").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InstallationRequest {
    /// The customer's account.
    pub account_name: String,
    /// The version installed or being installed.
    pub app_version_id: String,
    pub waiting: Waiting,
}

/// What happened. Readers treat a kind they do not know as [`ChangeKind::Other`]
/// (refetch the resource).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    AppRegistered,
    AppUpdated,
    /// Talkdesk removed the app, and with it its versions (no API route does it). A reader drops
    /// the app and its versions, keeping a version with unsent local changes (and so its app).
    AppRemoved,
    VersionCreated,
    /// Content changed (through the API or, with `origin: portal`, the web portal).
    VersionUpdated,
    VersionDeleted,
    IconChanged,
    Submitted,
    Withdrawn,
    Reviewed,
    MadeAvailable,
    Advertised,
    /// A customer's installation, or an update of one, waits for the partner: `request` says
    /// which, for which account and version.
    InstallationRequested,
    /// The partner confirmed or rejected an installation, or accepted or rejected an update.
    InstallationDecided,
    OauthClientCreated,
    OauthClientDeleted,
    /// The rules pack changed (resource type `rules`, id = the new pack's version): fetch
    /// `GET /rules` again.
    RulesUpdated,
    /// A kind this reader does not know.
    #[serde(other)]
    Other,
}

/// The resource a change concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ResourceRef {
    #[serde(rename = "type")]
    pub kind: ResourceType,
    pub id: String,
    /// The app of a version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResourceType {
    App,
    Version,
    Installation,
    OauthClient,
    /// The rules pack of `GET /rules`; its id is the pack's version.
    Rules,
    /// A type this reader does not know.
    #[serde(other)]
    Other,
}

/// A review's verdict with its feedback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReviewOutcome {
    pub track: Track,
    pub decision: ReviewDecision,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feedback: Vec<ReviewFeedback>,
    /// The rules the automatic reviewer could not check (a kind its engine does not know, a
    /// missing parameter, no icon), and why: not checked, never passed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_checked: Vec<NotChecked>,
}
