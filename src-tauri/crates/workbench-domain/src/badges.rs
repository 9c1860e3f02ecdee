//! The badges a customer sees on an installed app's icon (FAQ §16), as the preview rules state
//! them (ARCHITECTURE.md, "Preview rules"; the window's TypeScript twin passes the same cases).
//!
//! One status badge is drawn (bottom-left), the highest in priority among those that apply;
//! the others are covered by it. The manage gear (top-right) and force uninstall
//! (bottom-right) are not status badges and are drawn beside it. A failed installation also
//! dims the icon.
//!
//! [`facts`] derives the inputs from an installation and the app's versions; [`badges`] applies
//! the priority. Both are pure: the clock's reading is an argument.

use serde::{Deserialize, Serialize};

use crate::version_sort_key;

/// The state of an installation (SPEC §3), as the domain needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstallState {
    Installing,
    Pending,
    Timeout,
    Completed,
    Failed,
    Rejected,
    Suspended,
    Revoked,
}

/// An update of an installation to a newer version: under way, or failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateState {
    Updating,
    Failed,
}

/// What the badges are computed from (the shape of the shared case file's `installation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeFacts {
    pub state: InstallState,
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
    /// The one status badge drawn (bottom-left), if any.
    pub shown: Option<Badge>,
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

/// The badges of an installation with these facts.
pub fn badges(facts: &BadgeFacts) -> Badges {
    use InstallState::*;
    let mut applying = Vec::new();
    match facts.state {
        Installing | Pending => applying.push(Badge::Installing),
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
    let covered: Vec<Badge> = applying.collect();
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
    state: InstallState,
    update: Option<UpdateState>,
    trial_end: Option<i64>,
    now: i64,
    version: InstalledVersion<'_>,
) -> BadgeFacts {
    let live = matches!(state, InstallState::Completed | InstallState::Suspended);
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
        installation: BadgeFacts,
        expected: Badges,
    }

    #[test]
    fn every_badges_case_of_the_shared_file_passes() {
        let file: serde_json::Value = serde_json::from_str(include_str!(
            "../../../../tests/fixtures/preview/cases.json"
        ))
        .unwrap();
        let cases: Vec<Case> = serde_json::from_value(file["badges"].clone()).unwrap();
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
        use InstallState::*;
        for state in [
            Installing, Pending, Timeout, Completed, Failed, Rejected, Suspended, Revoked,
        ] {
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
            // Every status badge that applies is either shown or covered, never both.
            let mut all = shown.covered.clone();
            all.extend(shown.shown);
            all.sort();
            all.dedup();
            assert_eq!(all.len(), shown.covered.len() + 1, "{state:?}");
        }
    }

    #[test]
    fn facts_come_from_the_trial_the_versions_and_the_update() {
        let version = InstalledVersion {
            version_number: Some("1.9.0"),
            manually_provisioned: true,
            latest_available: Some("1.10.0"),
        };
        let f = facts(InstallState::Completed, None, Some(100), 101, version);
        assert!(f.trial_expired && f.upgrade_available && f.manually_provisioned);
        // A trial that ends now has not ended yet; the latest version needs no upgrade.
        let latest = InstalledVersion {
            version_number: Some("1.10.0"),
            manually_provisioned: false,
            latest_available: Some("1.10.0"),
        };
        let f = facts(
            InstallState::Completed,
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
        assert!(!facts(InstallState::Completed, None, None, 0, unknown).upgrade_available);
    }

    #[test]
    fn only_a_live_installation_has_an_upgrade_or_an_expired_trial() {
        use InstallState::*;
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
            (Pending, "Installing"),
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
