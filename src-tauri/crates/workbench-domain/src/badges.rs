//! The badges a customer sees on an installed app's icon (FAQ §16), as the preview rules state
//! them (`tests/fixtures/preview/cases.json`; the window's TypeScript twin passes the same cases).
//!
//! One status badge is drawn (bottom-left), the highest in priority among those that apply;
//! the others are covered by it. The manually provisioned mark is the exception: FAQ §16 says it
//! "will be temporarily hidden whenever higher priority icons need to be displayed, including
//! upgrade available, updating, failed update/installation or generic alerts", so only those
//! ([`Badge::hides_manually_provisioned`]) cover it; with Installing or Trial Expired it is drawn
//! beside the shown badge, and alone (an Active installation) it is the shown one. The manage
//! gear (top-right) and force uninstall (bottom-right) are not status badges and are drawn
//! beside them. A failed installation also dims the icon.
//!
//! [`facts`] derives the inputs from an installation and the app's versions; [`badges`] applies
//! the priority. Both are pure: the clock's reading is an argument.

use serde::{Deserialize, Serialize};

pub use crate::installation::{InstallationState, UpdateState};
use crate::version_sort_key;

/// What the badges are computed from (the shape of the shared case file's `installation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeFacts {
    pub state: InstallationState,
    #[serde(default)]
    pub update: Option<UpdateState>,
    #[serde(default)]
    pub upgrade_available: bool,
    #[serde(default)]
    pub trial_expired: bool,
    #[serde(default)]
    pub manually_provisioned: bool,
    /// The customer may manage the app: the gear shows (on hover).
    #[serde(default)]
    pub can_manage: bool,
    #[serde(default)]
    pub force_uninstall: bool,
}

/// A status badge, in priority order (highest first): the derived `Ord` is that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Badge {
    FailedUpdate,
    FailedInstallation,
    Updating,
    UpgradeAvailable,
    TrialExpired,
    Installing,
    ManuallyProvisioned,
}

impl Badge {
    /// Whether this badge hides the manually provisioned mark (FAQ §16: "upgrade available,
    /// updating, failed update/installation"). Installing and Trial Expired do not: the mark is
    /// drawn beside them.
    pub fn hides_manually_provisioned(self) -> bool {
        matches!(
            self,
            Badge::FailedUpdate
                | Badge::FailedInstallation
                | Badge::Updating
                | Badge::UpgradeAvailable
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            Badge::FailedUpdate => "Failed Update",
            Badge::FailedInstallation => "Failed Installation",
            Badge::Updating => "Updating",
            Badge::UpgradeAvailable => "Upgrade Available",
            Badge::TrialExpired => "Trial Expired",
            Badge::Installing => "Installing",
            Badge::ManuallyProvisioned => "Manually Provisioned",
        }
    }
}

/// What the icon shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Badges {
    /// The one status badge drawn (bottom-left), if any: the highest in priority that applies.
    pub shown: Option<Badge>,
    /// Status badges drawn beside `shown` rather than hidden by it: the manually provisioned
    /// mark when the shown badge is Installing or Trial Expired (FAQ §16).
    pub beside: Vec<Badge>,
    /// The other status badges that apply, hidden by `shown`, in priority order.
    pub covered: Vec<Badge>,
    /// The text a customer reads for the installation.
    pub label: String,
    /// The icon is dimmed (a failed installation).
    pub dimmed: bool,
    /// The manage gear (top-right, on hover).
    pub gear: bool,
    /// The force-uninstall mark (bottom-right).
    pub force_uninstall: bool,
}

impl Badges {
    /// Whether the manually provisioned mark is drawn: shown alone, or beside Installing or
    /// Trial Expired.
    pub fn shows_manually_provisioned(&self) -> bool {
        self.shown == Some(Badge::ManuallyProvisioned)
            || self.beside.contains(&Badge::ManuallyProvisioned)
    }
}

/// The badges of an installation with these facts.
pub fn badges(facts: &BadgeFacts) -> Badges {
    use InstallationState::*;
    let mut applying = Vec::new();
    match facts.state {
        Installing => applying.push(Badge::Installing),
        Failed | Timeout => applying.push(Badge::FailedInstallation),
        Completed | Rejected | Suspended | Revoked => {}
    }
    match facts.update {
        Some(UpdateState::Updating) => applying.push(Badge::Updating),
        Some(UpdateState::Failed) => applying.push(Badge::FailedUpdate),
        None => {}
    }
    for (flag, badge) in [
        (facts.upgrade_available, Badge::UpgradeAvailable),
        (facts.trial_expired, Badge::TrialExpired),
        (facts.manually_provisioned, Badge::ManuallyProvisioned),
    ] {
        if flag {
            applying.push(badge);
        }
    }
    applying.sort();
    let mut applying = applying.into_iter();
    let shown = applying.next();
    // The mark (always last in priority) is drawn beside any shown badge that does not hide it.
    let (beside, covered): (Vec<Badge>, Vec<Badge>) = applying.partition(|badge| {
        *badge == Badge::ManuallyProvisioned
            && shown.is_some_and(|shown| !shown.hides_manually_provisioned())
    });
    let label = match shown {
        Some(badge) if badge != Badge::ManuallyProvisioned => badge.label(),
        _ => match facts.state {
            Completed => "Active",
            Rejected => "Rejected",
            Suspended => "Suspended",
            Revoked => "Revoked",
            _ if shown.is_some() => Badge::ManuallyProvisioned.label(),
            _ => "Active",
        },
    };
    Badges {
        shown,
        beside,
        covered,
        label: label.to_owned(),
        dimmed: shown == Some(Badge::FailedInstallation),
        gear: facts.can_manage,
        force_uninstall: facts.force_uninstall,
    }
}

/// An installed version and the app's versions, for [`facts`].
#[derive(Debug, Clone, Copy)]
pub struct InstalledVersion<'a> {
    /// The installed version's number, when the cache knows that version.
    pub version_number: Option<&'a str>,
    /// Its `technical.manually_provisioned`.
    pub manually_provisioned: bool,
    /// The number of the app's latest technically Available version, if it has one.
    pub latest_available: Option<&'a str>,
}

/// The facts of an installation: `trial_expired` when its trial ended before `now` (both in
/// Unix seconds), `upgrade_available` when its version is older than the app's latest
/// Available one, both only while the installation is live in the customer's account
/// (completed or suspended: a pending, failed, rejected or revoked one has nothing to upgrade
/// and no trial running, and its own badge or label says so); `manually_provisioned` from its
/// version. The partner cannot see the customer's permissions, so the gear and force uninstall
/// are off.
pub fn facts(
    state: InstallationState,
    update: Option<UpdateState>,
    trial_end: Option<i64>,
    now: i64,
    version: InstalledVersion<'_>,
) -> BadgeFacts {
    let live = matches!(
        state,
        InstallationState::Completed | InstallationState::Suspended
    );
    let upgrade_available = match (version.version_number, version.latest_available) {
        (Some(installed), Some(latest)) => version_sort_key(installed) < version_sort_key(latest),
        _ => false,
    };
    BadgeFacts {
        state,
        update,
        upgrade_available: live && upgrade_available,
        trial_expired: live && trial_end.is_some_and(|end| end < now),
        manually_provisioned: version.manually_provisioned,
        can_manage: false,
        force_uninstall: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Case {
        /// The FAQ's words that decide the case, when a passage does.
        #[serde(default)]
        faq: Option<String>,
        installation: BadgeFacts,
        expected: Badges,
    }

    fn shared_cases() -> Vec<Case> {
        let file: serde_json::Value = serde_json::from_str(include_str!(
            "../../../../tests/fixtures/preview/cases.json"
        ))
        .unwrap();
        serde_json::from_value(file["badges"].clone()).unwrap()
    }

    /// The shared file holds §16's cases: the mark with each status badge, quoting §16.
    #[test]
    fn the_shared_file_has_the_mark_with_every_status_badge_as_faq_16_says() {
        let cases = shared_cases();
        for badge in [
            Badge::FailedUpdate,
            Badge::FailedInstallation,
            Badge::Updating,
            Badge::UpgradeAvailable,
            Badge::TrialExpired,
            Badge::Installing,
            Badge::ManuallyProvisioned,
        ] {
            let case = cases
                .iter()
                .find(|c| c.installation.manually_provisioned && c.expected.shown == Some(badge))
                .unwrap_or_else(|| panic!("no case of the mark with {badge:?}"));
            assert!(
                case.faq.as_deref().is_some_and(|q| q.starts_with("§16")),
                "the case of the mark with {badge:?} quotes §16"
            );
        }
    }

    #[test]
    fn every_badges_case_of_the_shared_file_passes() {
        let cases = shared_cases();
        assert!(
            cases.len() >= 10,
            "the case file has {} badge cases",
            cases.len()
        );
        for (i, case) in cases.iter().enumerate() {
            assert_eq!(
                badges(&case.installation),
                case.expected,
                "case {i}: {:?}",
                case.installation
            );
        }
    }

    #[test]
    fn every_state_has_a_label_and_every_badge_its_priority() {
        for state in InstallationState::ALL {
            let facts = BadgeFacts {
                state,
                update: None,
                upgrade_available: true,
                trial_expired: true,
                manually_provisioned: true,
                can_manage: false,
                force_uninstall: false,
            };
            let shown = badges(&facts);
            assert!(!shown.label.is_empty());
            // Every status badge that applies is shown, beside it or covered: one of the three.
            let mut all = shown.covered.clone();
            all.extend(shown.beside.iter().copied());
            all.extend(shown.shown);
            all.sort();
            all.dedup();
            assert_eq!(
                all.len(),
                shown.covered.len() + shown.beside.len() + 1,
                "{state:?}"
            );
        }
    }

    /// FAQ §16: the mark "will be temporarily hidden whenever higher priority icons need to be
    /// displayed, including upgrade available, updating, failed update/installation or generic
    /// alerts". Every other status badge leaves it drawn beside itself.
    #[test]
    fn the_manually_provisioned_mark_is_hidden_only_by_the_badges_faq_16_names() {
        use InstallationState::*;
        let with = |state, update, upgrade_available, trial_expired| BadgeFacts {
            state,
            update,
            upgrade_available,
            trial_expired,
            manually_provisioned: true,
            can_manage: false,
            force_uninstall: false,
        };
        let cases = [
            (
                Badge::FailedUpdate,
                with(Completed, Some(UpdateState::Failed), false, false),
            ),
            (Badge::FailedInstallation, with(Failed, None, false, false)),
            (Badge::FailedInstallation, with(Timeout, None, false, false)),
            (
                Badge::Updating,
                with(Completed, Some(UpdateState::Updating), false, false),
            ),
            (Badge::UpgradeAvailable, with(Completed, None, true, false)),
            (Badge::TrialExpired, with(Completed, None, false, true)),
            (Badge::TrialExpired, with(Suspended, None, false, true)),
            (Badge::Installing, with(Installing, None, false, false)),
        ];
        for (badge, facts) in cases {
            let drawn = badges(&facts);
            assert_eq!(drawn.shown, Some(badge), "{facts:?}");
            assert_eq!(drawn.label, badge.label(), "{facts:?}");
            assert_eq!(
                drawn.shows_manually_provisioned(),
                !badge.hides_manually_provisioned(),
                "{facts:?}"
            );
            if badge.hides_manually_provisioned() {
                assert!(drawn.beside.is_empty(), "{facts:?}");
                assert_eq!(drawn.covered, [Badge::ManuallyProvisioned], "{facts:?}");
            } else {
                assert_eq!(drawn.beside, [Badge::ManuallyProvisioned], "{facts:?}");
                assert!(drawn.covered.is_empty(), "{facts:?}");
            }
        }
        // Alone, on an Active installation, the mark is the shown badge and the label Active.
        let active = badges(&with(Completed, None, false, false));
        assert_eq!(active.shown, Some(Badge::ManuallyProvisioned));
        assert!(active.beside.is_empty() && active.covered.is_empty());
        assert_eq!(active.label, "Active");
        assert!(active.shows_manually_provisioned());
        // Exactly the four badges §16 names hide it.
        let hiding: Vec<Badge> = [
            Badge::FailedUpdate,
            Badge::FailedInstallation,
            Badge::Updating,
            Badge::UpgradeAvailable,
            Badge::TrialExpired,
            Badge::Installing,
            Badge::ManuallyProvisioned,
        ]
        .into_iter()
        .filter(|b| b.hides_manually_provisioned())
        .collect();
        assert_eq!(
            hiding,
            [
                Badge::FailedUpdate,
                Badge::FailedInstallation,
                Badge::Updating,
                Badge::UpgradeAvailable
            ]
        );
    }

    #[test]
    fn facts_come_from_the_trial_the_versions_and_the_update() {
        let version = InstalledVersion {
            version_number: Some("1.9.0"),
            manually_provisioned: true,
            latest_available: Some("1.10.0"),
        };
        let f = facts(InstallationState::Completed, None, Some(100), 101, version);
        assert!(f.trial_expired && f.upgrade_available && f.manually_provisioned);
        // A trial that ends now has not ended yet; the latest version needs no upgrade.
        let latest = InstalledVersion {
            version_number: Some("1.10.0"),
            manually_provisioned: false,
            latest_available: Some("1.10.0"),
        };
        let f = facts(
            InstallationState::Completed,
            Some(UpdateState::Failed),
            Some(100),
            100,
            latest,
        );
        assert!(!f.trial_expired && !f.upgrade_available && !f.manually_provisioned);
        assert_eq!(badges(&f).label, "Failed Update");
        // An unknown installed version, or an app with no Available version: no upgrade.
        let unknown = InstalledVersion {
            version_number: None,
            manually_provisioned: false,
            latest_available: Some("2.0.0"),
        };
        assert!(!facts(InstallationState::Completed, None, None, 0, unknown).upgrade_available);
    }

    #[test]
    fn only_a_live_installation_has_an_upgrade_or_an_expired_trial() {
        use InstallationState::*;
        let older = InstalledVersion {
            version_number: Some("1.0.0"),
            manually_provisioned: false,
            latest_available: Some("2.0.0"),
        };
        for state in [Completed, Suspended] {
            let f = facts(state, None, Some(100), 101, older);
            assert!(f.upgrade_available && f.trial_expired, "{state:?}");
        }
        // Each of the others keeps its own badge or label, not "Upgrade Available".
        for (state, label) in [
            (Installing, "Installing"),
            (Timeout, "Failed Installation"),
            (Failed, "Failed Installation"),
            (Rejected, "Rejected"),
            (Revoked, "Revoked"),
        ] {
            let f = facts(state, None, Some(100), 101, older);
            assert!(!f.upgrade_available && !f.trial_expired, "{state:?}");
            assert_eq!(badges(&f).label, label, "{state:?}");
        }
    }
}
