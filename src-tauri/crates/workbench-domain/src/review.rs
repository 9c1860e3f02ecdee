//! The two review tracks of a version and the rules that move them (SPEC §3).
//!
//! A version has a technical track and a marketplace track, each with its own status. Transitions
//! are asked for as an [`Action`] on a [`Track`]; [`transition`] answers with the new
//! [`VersionStatus`] or says why the action is refused. [`edit_lock`] says whether a part of the
//! content may be edited now, and why not.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Track {
    Technical,
    Marketplace,
}

impl Track {
    pub const ALL: [Track; 2] = [Track::Technical, Track::Marketplace];

    pub fn as_str(self) -> &'static str {
        match self {
            Track::Technical => "technical",
            Track::Marketplace => "marketplace",
        }
    }
}

impl fmt::Display for Track {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The status of one track. `Available` exists only on the technical track and `Advertised` only
/// on the marketplace track; [`ReviewStatus::belongs_to`] says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Draft,
    InReview,
    Approved,
    Rejected,
    Available,
    Advertised,
}

impl ReviewStatus {
    pub const ALL: [ReviewStatus; 6] = [
        ReviewStatus::Draft,
        ReviewStatus::InReview,
        ReviewStatus::Approved,
        ReviewStatus::Rejected,
        ReviewStatus::Available,
        ReviewStatus::Advertised,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Draft => "draft",
            ReviewStatus::InReview => "in_review",
            ReviewStatus::Approved => "approved",
            ReviewStatus::Rejected => "rejected",
            ReviewStatus::Available => "available",
            ReviewStatus::Advertised => "advertised",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewStatus> {
        ReviewStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
    }

    /// The words a person reads: "In Review", "Advertised".
    pub fn label(self) -> &'static str {
        match self {
            ReviewStatus::Draft => "Draft",
            ReviewStatus::InReview => "In Review",
            ReviewStatus::Approved => "Approved",
            ReviewStatus::Rejected => "Rejected",
            ReviewStatus::Available => "Available",
            ReviewStatus::Advertised => "Advertised",
        }
    }

    /// Whether this status can occur on `track`.
    pub fn belongs_to(self, track: Track) -> bool {
        match self {
            ReviewStatus::Available => track == Track::Technical,
            ReviewStatus::Advertised => track == Track::Marketplace,
            _ => true,
        }
    }

    /// Content of a track is editable only while the track is Draft or Rejected.
    pub fn is_editable(self) -> bool {
        matches!(self, ReviewStatus::Draft | ReviewStatus::Rejected)
    }
}

impl fmt::Display for ReviewStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Both tracks of one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionStatus {
    pub technical: ReviewStatus,
    pub marketplace: ReviewStatus,
}

impl VersionStatus {
    pub const NEW: VersionStatus = VersionStatus {
        technical: ReviewStatus::Draft,
        marketplace: ReviewStatus::Draft,
    };

    pub fn get(self, track: Track) -> ReviewStatus {
        match track {
            Track::Technical => self.technical,
            Track::Marketplace => self.marketplace,
        }
    }

    fn with(mut self, track: Track, status: ReviewStatus) -> VersionStatus {
        match track {
            Track::Technical => self.technical = status,
            Track::Marketplace => self.marketplace = status,
        }
        self
    }

    /// A version is published once its technical track is Available: customers can install it.
    pub fn is_published(self) -> bool {
        self.technical == ReviewStatus::Available
    }
}

/// What someone asks of a track. `Approve`, `Reject` and `Advertise` (publishing on AppConnect:
/// FAQ §15, "once your marketing content has been approved by Talkdesk, it is published") are
/// Talkdesk's; the rest are the partner's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Change content of the track. A Rejected track returns to Draft.
    Edit,
    Submit,
    Withdraw,
    Approve,
    Reject,
    MakeAvailable,
    Advertise,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Edit,
        Action::Submit,
        Action::Withdraw,
        Action::Approve,
        Action::Reject,
        Action::MakeAvailable,
        Action::Advertise,
    ];
}

/// Why a transition was refused. Each variant carries what a person needs to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("cannot {action:?} the {track} review while it is {from}")]
    NotAllowedFrom {
        track: Track,
        action: Action,
        from: ReviewStatus,
    },
    #[error("{action:?} does not apply to the {track} review")]
    WrongTrack { track: Track, action: Action },
    #[error(
        "the marketplace listing can be published on AppConnect only once the technical review is Available (it is {technical})"
    )]
    NotYetAvailable { technical: ReviewStatus },
}

/// Applies `action` to `track` of a version in `status`.
///
/// | action | allowed from | to |
/// | --- | --- | --- |
/// | Edit | Draft, Rejected | Draft |
/// | Submit | Draft, Rejected | In Review |
/// | Withdraw | In Review | Draft |
/// | Approve, Reject | In Review | Approved, Rejected |
/// | MakeAvailable (technical only) | Approved | Available |
/// | Advertise (marketplace only, technical Available) | Approved | Advertised |
pub fn transition(
    status: VersionStatus,
    track: Track,
    action: Action,
) -> Result<VersionStatus, TransitionError> {
    use ReviewStatus::*;
    let from = status.get(track);
    let refused = TransitionError::NotAllowedFrom {
        track,
        action,
        from,
    };
    let to = match action {
        Action::Edit | Action::Submit if !from.is_editable() => return Err(refused),
        Action::Edit => Draft,
        Action::Submit => InReview,
        Action::Withdraw | Action::Approve | Action::Reject if from != InReview => {
            return Err(refused);
        }
        Action::Withdraw => Draft,
        Action::Approve => Approved,
        Action::Reject => Rejected,
        Action::MakeAvailable if track != Track::Technical => {
            return Err(TransitionError::WrongTrack { track, action });
        }
        Action::Advertise if track != Track::Marketplace => {
            return Err(TransitionError::WrongTrack { track, action });
        }
        Action::MakeAvailable | Action::Advertise if from != Approved => return Err(refused),
        Action::MakeAvailable => Available,
        Action::Advertise if status.technical != Available => {
            return Err(TransitionError::NotYetAvailable {
                technical: status.technical,
            });
        }
        Action::Advertise => Advertised,
    };
    Ok(status.with(track, to))
}

/// The parts of a version's content, as far as editing is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContentPart {
    /// Display name, slug, notes and notification emails: they describe the version on both
    /// tracks, so both must be editable.
    General,
    Technical,
    Marketplace,
    SubscriptionPlans,
    Icon,
}

impl ContentPart {
    pub const ALL: [ContentPart; 5] = [
        ContentPart::General,
        ContentPart::Technical,
        ContentPart::Marketplace,
        ContentPart::SubscriptionPlans,
        ContentPart::Icon,
    ];

    /// The tracks whose status decides whether the part is editable.
    pub fn tracks(self) -> &'static [Track] {
        match self {
            ContentPart::General => &Track::ALL,
            ContentPart::Technical => &[Track::Technical],
            ContentPart::Marketplace | ContentPart::SubscriptionPlans | ContentPart::Icon => {
                &[Track::Marketplace]
            }
        }
    }
}

/// What the edit-lock rule needs to know beyond the version's own status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EditContext {
    /// Whether an earlier version of the same app has been published.
    pub follows_published_version: bool,
    /// The rules pack's policy: in a version that follows a published one, the icon and the plans
    /// can be changed only by Talkdesk. It is data (a rule in the rules pack), not hard-coded.
    pub freeze_icon_and_plans_after_publish: bool,
}

/// Why a part cannot be edited now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditLock {
    #[error("the {track} review is {status}; content can change only while it is Draft or Rejected{hint}", hint = lock_hint(*status))]
    TrackLocked { track: Track, status: ReviewStatus },
    #[error(
        "the icon and subscription plans of a version that follows a published one can be changed only by Talkdesk; contact Talkdesk to change them"
    )]
    FrozenAfterPublish,
}

fn lock_hint(status: ReviewStatus) -> &'static str {
    match status {
        ReviewStatus::InReview => " (withdraw the submission to edit)",
        ReviewStatus::Available | ReviewStatus::Advertised => " (create a new version to edit)",
        _ => "",
    }
}

/// Whether `part` of a version in `status` may be edited now. An edit of a Rejected track is
/// allowed and returns the track to Draft (see [`transition`] with [`Action::Edit`]).
pub fn edit_lock(
    status: VersionStatus,
    part: ContentPart,
    context: EditContext,
) -> Result<(), EditLock> {
    if matches!(part, ContentPart::Icon | ContentPart::SubscriptionPlans)
        && context.follows_published_version
        && context.freeze_icon_and_plans_after_publish
    {
        return Err(EditLock::FrozenAfterPublish);
    }
    for &track in part.tracks() {
        let track_status = status.get(track);
        if !track_status.is_editable() {
            return Err(EditLock::TrackLocked {
                track,
                status: track_status,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
