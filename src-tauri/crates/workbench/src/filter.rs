//! Find as you type over the app list: one matcher for the window's filter box and
//! `pwb apps --filter TEXT`, so both keep the same apps and versions. See [`AppFilter`].

use workbench_domain::{App, ReviewStatus};

use crate::{AppListing, VersionSummary};

/// The filter text, prepared once and applied to every app: cheap enough to run on each
/// keystroke over a large catalogue.
///
/// The text matches, as a case-insensitive substring (surrounding whitespace ignored), an app's
/// name, display name and slug, and a version's number and its two review statuses by the labels
/// the list prints ("In Review", "Rejected", "Advertised": see
/// [`workbench_domain::ReviewStatus::label`]), so "in review" finds a version In Review on either
/// track. An app whose own fields match is kept with all its versions; an app that matches only
/// through some of its versions is kept with those versions alone. Empty text keeps everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppFilter {
    /// Trimmed and lowercased.
    needle: String,
}

impl AppFilter {
    pub fn new(text: &str) -> AppFilter {
        AppFilter {
            needle: text.trim().to_lowercase(),
        }
    }

    /// Whether the text is empty (or only whitespace): then everything matches.
    pub fn is_empty(&self) -> bool {
        self.needle.is_empty()
    }

    fn finds(&self, haystack: &str) -> bool {
        // Labels and version numbers are mostly ASCII: skip the allocation of lowercasing them.
        if haystack.is_ascii() && self.needle.is_ascii() {
            let (hay, needle) = (haystack.as_bytes(), self.needle.as_bytes());
            return needle.is_empty()
                || hay
                    .windows(needle.len())
                    .any(|window| window.eq_ignore_ascii_case(needle));
        }
        haystack.to_lowercase().contains(&self.needle)
    }

    /// Whether the app's own fields match: its name, display name or slug.
    pub fn matches_app(&self, app: &App) -> bool {
        self.finds(&app.name) || self.finds(&app.display_name) || self.finds(&app.slug)
    }

    /// Whether a version matches: its number, or either track's status by its label.
    pub fn matches_version(&self, version: &VersionSummary) -> bool {
        let status = |status: ReviewStatus| self.finds(status.label());
        self.finds(&version.version_number)
            || status(version.status.technical)
            || status(version.status.marketplace)
    }

    /// The listing as the filtered list shows it: whole when the app matches, only its matching
    /// versions when it matches through them, `None` when nothing of it matches.
    pub fn apply(&self, listing: &AppListing) -> Option<AppListing> {
        if self.is_empty() || self.matches_app(&listing.app) {
            return Some(listing.clone());
        }
        let versions: Vec<VersionSummary> = listing
            .versions
            .iter()
            .filter(|v| self.matches_version(v))
            .cloned()
            .collect();
        (!versions.is_empty()).then(|| AppListing {
            app: listing.app.clone(),
            versions,
        })
    }
}

/// The apps `text` matches, in their order, each whole or with only its matching versions (see
/// [`AppFilter`]). `apps.len()` against the result's is the count "N of M apps match".
pub fn filter_apps(apps: &[AppListing], text: &str) -> Vec<AppListing> {
    let filter = AppFilter::new(text);
    apps.iter()
        .filter_map(|listing| filter.apply(listing))
        .collect()
}

#[cfg(test)]
mod tests {
    use workbench_domain::{AppType, Render, VersionStatus};

    use super::*;
    use ReviewStatus::*;

    fn version(number: &str, technical: ReviewStatus, marketplace: ReviewStatus) -> VersionSummary {
        VersionSummary {
            id: format!("ver-{number}"),
            version_number: number.into(),
            status: VersionStatus {
                technical,
                marketplace,
            },
            has_icon: false,
        }
    }

    fn app(name: &str, display_name: &str, versions: Vec<VersionSummary>) -> AppListing {
        AppListing {
            app: App {
                id: format!("app-{name}"),
                name: name.into(),
                slug: format!("{name}-slug"),
                display_name: display_name.into(),
                created_type: "Vendor Matchword".into(),
                app_type: AppType::Standalone,
                render: Render::Portal,
                sandbox: false,
            },
            versions,
        }
    }

    fn catalogue() -> Vec<AppListing> {
        vec![
            app(
                "acme-crm",
                "Acme CRM Connector",
                vec![
                    version("1.2.0", InReview, Draft),
                    version("1.0.0", Available, Advertised),
                ],
            ),
            app(
                "beacon",
                "Beacon Analytics",
                vec![
                    version("1.1.0", Rejected, InReview),
                    version("1.0.0", Available, Approved),
                ],
            ),
            app(
                "delta",
                "Délta Ünïcode",
                vec![version("0.1.0", Draft, Draft)],
            ),
            app("empty", "No Versions Yet", vec![]),
        ]
    }

    /// Each kept app's name with its kept versions' numbers.
    fn kept(text: &str) -> Vec<(String, Vec<String>)> {
        filter_apps(&catalogue(), text)
            .into_iter()
            .map(|l| {
                let numbers = l.versions.into_iter().map(|v| v.version_number).collect();
                (l.app.name, numbers)
            })
            .collect()
    }

    fn row(name: &str, numbers: &[&str]) -> (String, Vec<String>) {
        (name.into(), numbers.iter().map(|n| n.to_string()).collect())
    }

    #[test]
    fn an_app_matching_by_name_display_name_or_slug_keeps_all_its_versions() {
        let acme = row("acme-crm", &["1.2.0", "1.0.0"]);
        assert_eq!(kept("acme"), vec![acme.clone()]);
        assert_eq!(kept("  crm CONNECTOR "), vec![acme.clone()], "display name");
        assert_eq!(kept("acme-crm-SLUG"), vec![acme], "slug");
        assert_eq!(kept("versions yet"), vec![row("empty", &[])]);
    }

    #[test]
    fn status_labels_match_on_either_track_keeping_only_the_matching_versions() {
        assert_eq!(
            kept("in review"),
            vec![row("acme-crm", &["1.2.0"]), row("beacon", &["1.1.0"])],
            "technical In Review (Acme) and marketplace In Review (Beacon)"
        );
        assert_eq!(kept("REJECTED"), vec![row("beacon", &["1.1.0"])]);
        assert_eq!(
            kept("advert"),
            vec![row("acme-crm", &["1.0.0"])],
            "a prefix of a label"
        );
        assert_eq!(
            kept("in_review"),
            vec![],
            "the wire name is not what the list prints"
        );
    }

    #[test]
    fn version_numbers_match_and_an_app_without_versions_never_matches_through_them() {
        assert_eq!(
            kept("1.0.0"),
            vec![row("acme-crm", &["1.0.0"]), row("beacon", &["1.0.0"])]
        );
        assert_eq!(
            kept("1.0"),
            vec![
                row("acme-crm", &["1.0.0"]),
                row("beacon", &["1.1.0", "1.0.0"]),
                row("delta", &["0.1.0"]),
            ],
            "a substring anywhere in the number"
        );
        assert_eq!(kept("0.1.0"), vec![row("delta", &["0.1.0"])]);
    }

    #[test]
    fn matching_ignores_case_beyond_ascii_and_not_other_fields() {
        assert_eq!(kept("DÉLTA ÜNÏ"), vec![row("delta", &["0.1.0"])]);
        assert_eq!(kept("matchword"), vec![], "the vendor is not matched");
        assert_eq!(kept("app-acme"), vec![], "nor the id");
        assert_eq!(kept("no such app"), vec![]);
    }

    #[test]
    fn empty_text_keeps_everything_as_it_is() {
        assert_eq!(filter_apps(&catalogue(), ""), catalogue());
        assert_eq!(filter_apps(&catalogue(), "   "), catalogue());
        assert!(AppFilter::new(" \t").is_empty());
    }

    /// The cases the window's twin (`ui/src/features/apps/filter.ts`) passes too:
    /// `tests/fixtures/filter/cases.json`.
    #[test]
    fn the_shared_cases_filter_as_the_window_does() {
        #[derive(serde::Deserialize)]
        struct Version {
            version_number: String,
            technical: ReviewStatus,
            marketplace: ReviewStatus,
        }
        #[derive(serde::Deserialize)]
        struct CaseApp {
            name: String,
            display_name: String,
            slug: String,
            versions: Vec<Version>,
        }
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Kept {
            name: String,
            versions: Vec<String>,
        }
        #[derive(serde::Deserialize)]
        struct Case {
            text: String,
            apps: Vec<CaseApp>,
            expected: Vec<Kept>,
        }
        let file: serde_json::Value =
            serde_json::from_str(include_str!("../../../../tests/fixtures/filter/cases.json"))
                .unwrap();
        let cases: Vec<Case> = serde_json::from_value(file["cases"].clone()).unwrap();
        assert!(cases.len() >= 10, "the shared file has its cases");
        for case in cases {
            let listing: Vec<AppListing> = case
                .apps
                .into_iter()
                .map(|a| {
                    let mut listing = app(
                        &a.name,
                        &a.display_name,
                        a.versions
                            .iter()
                            .map(|v| version(&v.version_number, v.technical, v.marketplace))
                            .collect(),
                    );
                    listing.app.slug = a.slug;
                    listing
                })
                .collect();
            let kept: Vec<Kept> = filter_apps(&listing, &case.text)
                .into_iter()
                .map(|l| Kept {
                    name: l.app.name,
                    versions: l.versions.into_iter().map(|v| v.version_number).collect(),
                })
                .collect();
            assert_eq!(kept, case.expected, "filter {:?}", case.text);
        }
    }
}
