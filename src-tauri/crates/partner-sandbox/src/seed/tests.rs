use std::collections::HashSet;

use workbench_domain::{Action, ReviewStatus, Track, VersionStatus, transition};

use super::*;

/// Every status pair reachable from a new version through the domain's transitions.
fn reachable() -> HashSet<VersionStatus> {
    let mut seen = HashSet::from([VersionStatus::NEW]);
    let mut queue = vec![VersionStatus::NEW];
    while let Some(status) = queue.pop() {
        for track in Track::ALL {
            for action in Action::ALL {
                if let Ok(next) = transition(status, track, action)
                    && seen.insert(next)
                {
                    queue.push(next);
                }
            }
        }
    }
    seen
}

#[test]
fn seed_statuses_are_reachable_and_cover_both_tracks() {
    let apps = demo().unwrap();
    let reachable = reachable();
    let mut seen: HashSet<(Track, ReviewStatus)> = HashSet::new();
    for app in &apps {
        for version in &app.versions {
            let status = version.version.status;
            assert!(
                reachable.contains(&status),
                "{} has unreachable {status:?}",
                version.version.id
            );
            for track in Track::ALL {
                assert!(
                    status.get(track).belongs_to(track),
                    "{}: {track}",
                    version.version.id
                );
                seen.insert((track, status.get(track)));
            }
        }
    }
    for track in Track::ALL {
        for status in ReviewStatus::ALL
            .into_iter()
            .filter(|s| s.belongs_to(track))
        {
            assert!(
                seen.contains(&(track, status)),
                "no seed version is {status} on {track}"
            );
        }
    }
}

#[test]
fn only_the_latest_version_of_an_app_is_unpublished() {
    // A new version can be created only when the latest one is Available.
    for app in demo().unwrap() {
        let (_latest, earlier) = app.versions.split_last().unwrap();
        for version in earlier {
            assert_eq!(
                version.version.status.technical,
                ReviewStatus::Available,
                "{}",
                version.version.id
            );
        }
    }
}

#[test]
fn seed_content_is_complete_and_consistent() {
    let apps = demo().unwrap();
    assert!(apps.len() >= 4);
    let mut ids = HashSet::new();
    for app in &apps {
        assert!(ids.insert(app.app.id.clone()));
        assert!((1..=3).contains(&app.versions.len()));
        for seeded in &app.versions {
            let v = &seeded.version;
            assert!(ids.insert(v.id.clone()), "duplicate id {}", v.id);
            assert_eq!(v.app_id, app.app.id);
            let plans = &v.content.subscription_types;
            let trials: Vec<_> = plans.iter().filter(|p| p.kind == PlanType::Trial).collect();
            assert_eq!(trials.len(), 1);
            assert_eq!((trials[0].price, trials[0].trial_days), (0, Some(30)));
            for plan in plans {
                assert!(plan.min_licenses <= plan.max_licenses && plan.price >= 0);
                assert_eq!(plan.currency, "USD");
            }
            let urls = v
                .content
                .technical
                .urls
                .iter()
                .chain(&v.content.marketplace.urls);
            assert!(urls.clone().all(|u| u.url.starts_with("https://")));
            assert_eq!(urls.count(), 5);
            if let Some(icon) = &seeded.icon {
                assert_eq!(icon.media_type, "image/png");
            } else {
                assert_eq!(
                    v.status,
                    VersionStatus::NEW,
                    "only a draft may lack an icon"
                );
            }
        }
    }
    assert!(
        apps.iter()
            .any(|a| a.app.app_type == AppType::Atlas && a.app.render == Render::Canvas)
    );
}

#[test]
fn every_demo_version_passes_the_shipped_rules_pack_cleanly_but_for_what_it_shows_on_purpose() {
    use workbench_domain::validation::{RulesPack, ValidationInput, validate};
    // The demo is what a new partner first sees and copies from: it must be an example of a
    // listing Talkdesk would accept, judged by the same engine the app and the server run,
    // but for the findings it carries on purpose: Beacon 1.0.0 is provisioned by hand, to show
    // FAQ §16's mark, and so the warning that AppConnect expects automated provisioning.
    const ON_PURPOSE: &[(&str, &str)] = &[(
        "ver-beacon-analytics-1-0-0",
        "technical.automated_provisioning",
    )];
    let pack = RulesPack::default_pack();
    for app in demo().unwrap() {
        for seeded in &app.versions {
            let version = &seeded.version;
            let mut input = ValidationInput::new(&version.content, version.status);
            if let Some(icon) = &seeded.icon {
                input = input.with_icon(&icon.bytes, "icon.png");
            }
            let report = validate(&input, &pack, &[]);
            let found: Vec<(&str, &str)> = report
                .diagnostics
                .iter()
                .map(|d| (version.id.as_str(), d.rule.as_str()))
                .collect();
            let expected: Vec<(&str, &str)> = ON_PURPOSE
                .iter()
                .filter(|(id, _)| *id == version.id)
                .copied()
                .collect();
            assert_eq!(found, expected, "{}: {:?}", version.id, report.diagnostics);
        }
    }
}
