//! Data-driven tests: every (track, status, action) combination is checked against one table.

use super::*;
use ReviewStatus::*;

/// Every allowed transition: (track, from, action, to). The technical track is shown with a Draft
/// marketplace track and vice versa, except where the other track matters (Advertise).
const ALLOWED: &[(Track, ReviewStatus, Action, ReviewStatus)] = &[
    (Track::Technical, Draft, Action::Edit, Draft),
    (Track::Technical, Rejected, Action::Edit, Draft),
    (Track::Technical, Draft, Action::Submit, InReview),
    (Track::Technical, Rejected, Action::Submit, InReview),
    (Track::Technical, InReview, Action::Withdraw, Draft),
    (Track::Technical, InReview, Action::Approve, Approved),
    (Track::Technical, InReview, Action::Reject, Rejected),
    (Track::Technical, Approved, Action::MakeAvailable, Available),
    (Track::Marketplace, Draft, Action::Edit, Draft),
    (Track::Marketplace, Rejected, Action::Edit, Draft),
    (Track::Marketplace, Draft, Action::Submit, InReview),
    (Track::Marketplace, Rejected, Action::Submit, InReview),
    (Track::Marketplace, InReview, Action::Withdraw, Draft),
    (Track::Marketplace, InReview, Action::Approve, Approved),
    (Track::Marketplace, InReview, Action::Reject, Rejected),
    (Track::Marketplace, Approved, Action::Advertise, Advertised),
];

fn status_with(track: Track, on_track: ReviewStatus, other: ReviewStatus) -> VersionStatus {
    match track {
        Track::Technical => VersionStatus {
            technical: on_track,
            marketplace: other,
        },
        Track::Marketplace => VersionStatus {
            technical: other,
            marketplace: on_track,
        },
    }
}

/// The other track's status used when it does not matter: Available lets Advertise through.
fn other_track_status(track: Track) -> ReviewStatus {
    match track {
        Track::Technical => Draft,
        Track::Marketplace => Available,
    }
}

#[test]
fn every_combination_is_allowed_exactly_when_the_table_says_so() {
    let mut checked = 0;
    for track in Track::ALL {
        for from in ReviewStatus::ALL
            .into_iter()
            .filter(|s| s.belongs_to(track))
        {
            for action in Action::ALL {
                let other = other_track_status(track);
                let result = transition(status_with(track, from, other), track, action);
                let expected = ALLOWED
                    .iter()
                    .find(|(t, f, a, _)| *t == track && *f == from && *a == action)
                    .map(|(_, _, _, to)| status_with(track, *to, other));
                match (expected, result) {
                    (Some(want), Ok(got)) => {
                        assert_eq!(got, want, "{action:?} on {track} from {from}")
                    }
                    (None, Err(_)) => {}
                    (want, got) => {
                        panic!("{action:?} on {track} from {from}: expected {want:?}, got {got:?}")
                    }
                }
                checked += 1;
            }
        }
    }
    assert_eq!(
        checked,
        2 * 5 * 7,
        "every status of both tracks times every action"
    );
}

#[test]
fn a_transition_never_changes_the_other_track() {
    for (track, from, action, _) in ALLOWED {
        let other = other_track_status(*track);
        let after = transition(status_with(*track, *from, other), *track, *action).unwrap();
        let other_track = if *track == Track::Technical {
            Track::Marketplace
        } else {
            Track::Technical
        };
        assert_eq!(
            after.get(other_track),
            other,
            "{action:?} on {track} must leave the other track alone"
        );
    }
}

#[test]
fn refusals_say_why() {
    let cases: &[(VersionStatus, Track, Action, TransitionError)] = &[
        (
            VersionStatus {
                technical: InReview,
                marketplace: Draft,
            },
            Track::Technical,
            Action::Edit,
            TransitionError::NotAllowedFrom {
                track: Track::Technical,
                action: Action::Edit,
                from: InReview,
            },
        ),
        (
            VersionStatus {
                technical: Approved,
                marketplace: Approved,
            },
            Track::Marketplace,
            Action::MakeAvailable,
            TransitionError::WrongTrack {
                track: Track::Marketplace,
                action: Action::MakeAvailable,
            },
        ),
        (
            VersionStatus {
                technical: Approved,
                marketplace: Approved,
            },
            Track::Technical,
            Action::Advertise,
            TransitionError::WrongTrack {
                track: Track::Technical,
                action: Action::Advertise,
            },
        ),
        (
            VersionStatus {
                technical: Approved,
                marketplace: Approved,
            },
            Track::Marketplace,
            Action::Advertise,
            TransitionError::NotYetAvailable {
                technical: Approved,
            },
        ),
        (
            VersionStatus {
                technical: Draft,
                marketplace: Draft,
            },
            Track::Marketplace,
            Action::Withdraw,
            TransitionError::NotAllowedFrom {
                track: Track::Marketplace,
                action: Action::Withdraw,
                from: Draft,
            },
        ),
    ];
    for (status, track, action, want) in cases {
        assert_eq!(transition(*status, *track, *action), Err(want.clone()));
    }
}

#[test]
fn advertising_waits_for_the_technical_track_to_be_available() {
    for technical in ReviewStatus::ALL
        .into_iter()
        .filter(|s| s.belongs_to(Track::Technical))
    {
        let status = VersionStatus {
            technical,
            marketplace: Approved,
        };
        let result = transition(status, Track::Marketplace, Action::Advertise);
        assert_eq!(
            result.is_ok(),
            technical == Available,
            "advertise with technical {technical}"
        );
    }
}

/// (technical, marketplace, part, follows a published version, expected lock)
type LockCase = (
    ReviewStatus,
    ReviewStatus,
    ContentPart,
    bool,
    Option<EditLock>,
);

fn track_locked(track: Track, status: ReviewStatus) -> Option<EditLock> {
    Some(EditLock::TrackLocked { track, status })
}

#[test]
fn edit_lock_follows_the_track_that_owns_each_part() {
    use ContentPart::*;
    let cases: &[LockCase] = &[
        (Draft, Draft, General, false, None),
        (Rejected, Draft, General, false, None),
        (
            InReview,
            Draft,
            General,
            false,
            track_locked(Track::Technical, InReview),
        ),
        (
            Draft,
            Approved,
            General,
            false,
            track_locked(Track::Marketplace, Approved),
        ),
        (Draft, InReview, Technical, false, None),
        (Rejected, Advertised, Technical, false, None),
        (
            InReview,
            Draft,
            Technical,
            false,
            track_locked(Track::Technical, InReview),
        ),
        (
            Approved,
            Draft,
            Technical,
            false,
            track_locked(Track::Technical, Approved),
        ),
        (
            Available,
            Draft,
            Technical,
            false,
            track_locked(Track::Technical, Available),
        ),
        (Available, Draft, Marketplace, false, None),
        (Available, Rejected, Marketplace, false, None),
        (
            Draft,
            InReview,
            Marketplace,
            false,
            track_locked(Track::Marketplace, InReview),
        ),
        (
            Draft,
            Advertised,
            Marketplace,
            false,
            track_locked(Track::Marketplace, Advertised),
        ),
        (InReview, Draft, SubscriptionPlans, false, None),
        (
            Draft,
            Approved,
            SubscriptionPlans,
            false,
            track_locked(Track::Marketplace, Approved),
        ),
        (Draft, Draft, Icon, false, None),
        (Draft, Rejected, Icon, false, None),
        (
            Draft,
            InReview,
            Icon,
            false,
            track_locked(Track::Marketplace, InReview),
        ),
        // The icon and plan exception: frozen after a published version, whatever the track says.
        (Draft, Draft, Icon, true, Some(EditLock::FrozenAfterPublish)),
        (
            Draft,
            Draft,
            SubscriptionPlans,
            true,
            Some(EditLock::FrozenAfterPublish),
        ),
        (Draft, Draft, Marketplace, true, None),
        (Draft, Draft, Technical, true, None),
        (Draft, Draft, General, true, None),
    ];
    for (technical, marketplace, part, follows, want) in cases {
        let status = VersionStatus {
            technical: *technical,
            marketplace: *marketplace,
        };
        let context = EditContext {
            follows_published_version: *follows,
            freeze_icon_and_plans_after_publish: true,
        };
        assert_eq!(
            edit_lock(status, *part, context).err(),
            want.clone(),
            "{part:?} with technical {technical}, marketplace {marketplace}, follows published: {follows}"
        );
    }
}

#[test]
fn the_icon_and_plan_freeze_is_policy_not_hard_coded() {
    let context = EditContext {
        follows_published_version: true,
        freeze_icon_and_plans_after_publish: false,
    };
    for part in [ContentPart::Icon, ContentPart::SubscriptionPlans] {
        assert_eq!(
            edit_lock(VersionStatus::NEW, part, context),
            Ok(()),
            "{part:?} with the freeze turned off"
        );
    }
}

#[test]
fn lock_messages_tell_the_partner_what_to_do() {
    let in_review = EditLock::TrackLocked {
        track: Track::Technical,
        status: InReview,
    };
    assert!(
        in_review.to_string().contains("withdraw the submission"),
        "{in_review}"
    );
    let published = EditLock::TrackLocked {
        track: Track::Marketplace,
        status: Advertised,
    };
    assert!(
        published.to_string().contains("create a new version"),
        "{published}"
    );
}

#[test]
fn statuses_round_trip_through_their_wire_names() {
    for status in ReviewStatus::ALL {
        assert_eq!(ReviewStatus::parse(status.as_str()), Some(status));
        let json = serde_json::to_string(&status).unwrap();
        assert_eq!(
            json,
            format!("\"{}\"", status.as_str()),
            "serde and as_str must agree"
        );
    }
    assert_eq!(ReviewStatus::parse("published"), None);
}
