//! The wire contract of the Partner Project API (SPEC §4), shared by the client
//! (`workbench-remote`) and the server (`partner-sandbox`), so the two cannot drift apart.
//!
//! Style: JSON; collections are HAL pages ([`Page`]) that clients walk through `_links.next`
//! and never build page URLs for; errors are [`ApiError`]. Readers ignore unknown fields and
//! writers omit empty optional ones. Resources reuse the domain's types, whose field names are
//! Talkdesk's, and add only what the wire needs (an ETag, the icon's checksum).

mod changes;
mod requests;

pub use changes::*;
pub use requests::*;
pub mod account;
pub mod installations;
pub mod oauth;
pub mod oauth_clients;
pub mod rules;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use workbench_domain::validation::{Diagnostic, NotChecked};
use workbench_domain::{App, AppVersion};

pub mod openapi;

/// Paths of the routes, relative to the server's base URL.
pub mod paths {
    pub const APPS: &str = "/apps";

    pub fn app(app_id: &str) -> String {
        format!("/apps/{app_id}")
    }

    pub fn versions(app_id: &str) -> String {
        format!("/apps/{app_id}/versions")
    }

    pub fn version(app_id: &str, version_id: &str) -> String {
        format!("/apps/{app_id}/versions/{version_id}")
    }

    pub fn icon(app_id: &str, version_id: &str) -> String {
        format!("/apps/{app_id}/versions/{version_id}/icon")
    }

    pub fn install_link(app_id: &str, version_id: &str) -> String {
        format!("/apps/{app_id}/versions/{version_id}/install-link")
    }
}

/// `GET /apps/{app_id}/versions/{version_id}/install-link`: the link that installs a version
/// privately, to test it before it is listed (FAQ §14; Talkdesk's guides,
/// <https://docs.talkdesk.com/docs/guides>: "To get the installation link, on Partner Project,
/// go to Projects, and then to the Versions"). Every version the server has has one; who can
/// install from it follows its technical review (`workbench_domain::lifecycle::installable_on`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InstallLink {
    pub version_id: String,
    /// Opened in a browser signed in to a Talkdesk account, it installs the version there.
    pub url: String,
    pub installable_on: workbench_domain::lifecycle::InstallableOn,
}

/// The names under `_embedded` of each collection.
pub mod collections {
    pub const APPS: &str = "apps";
    pub const VERSIONS: &str = "versions";
}

/// One page of a HAL collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    #[serde(rename = "_embedded")]
    pub embedded: BTreeMap<String, Vec<T>>,
    #[serde(rename = "_links")]
    pub links: Links,
}

impl<T> Page<T> {
    pub fn new(
        name: &str,
        items: Vec<T>,
        total: u64,
        page: u32,
        per_page: u32,
        links: Links,
    ) -> Self {
        Page {
            total,
            page,
            per_page,
            embedded: BTreeMap::from([(name.to_owned(), items)]),
            links,
        }
    }

    /// The items embedded under `name`, or `None` when the page does not have them:
    /// a malformed reply, which the caller reports as such.
    pub fn take(&mut self, name: &str) -> Option<Vec<T>> {
        self.embedded.remove(name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Links {
    #[serde(rename = "self")]
    pub self_: Link,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<Link>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Link {
    pub href: String,
}

/// The error body of every non-OAuth error reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApiError {
    /// A stable, machine-readable code, for example `not_found`.
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// An extension member of the `validation_failed` replies (422 on an icon upload or a
    /// submission): every diagnostic of the rules engine, errors and the rest, as the tool's own
    /// validation reports them. `fields` names the errors among them as `{field, "rule: message"}`.
    /// Readers that do not know it ignore it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
    /// An extension member of the `validation_failed` replies: the rules the server could not
    /// check, and why (a kind its engine does not know, a missing parameter): not checked, never
    /// passed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_checked: Vec<NotChecked>,
}

/// The `code` of a reply refused by the rules engine (422): see [`ApiError::diagnostics`].
pub const VALIDATION_FAILED: &str = "validation_failed";

impl ApiError {
    /// The ids of the rules whose errors refused the request, in the reply's order.
    pub fn failed_rules(&self) -> Vec<&str> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == workbench_domain::validation::Severity::Error)
            .map(|d| d.rule.as_str())
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    pub name: String,
    pub description: String,
}

/// An app as the API serves it.
pub type AppResource = App;

/// A version as the API serves it: the domain's version plus its ETag and a summary of its icon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VersionResource {
    #[serde(flatten)]
    pub version: AppVersion,
    /// The same value as the `ETag` header of `GET` on the version, so a collection gives every
    /// version's ETag without one request each.
    pub etag: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<IconInfo>,
}

/// The file name a stored icon of `media_type` is validated under (its bytes are kept, its
/// original name is not): `icon.png`, `icon.jpg`, ... The server and a client that checks the
/// server's copy use this one function, so the icon rules see the same name on both sides.
pub fn icon_file_name(media_type: &str) -> &'static str {
    match media_type {
        "image/png" => "icon.png",
        "image/jpeg" => "icon.jpg",
        "image/gif" => "icon.gif",
        "image/webp" => "icon.webp",
        "image/bmp" => "icon.bmp",
        _ => "icon",
    }
}

/// What a version says about its icon; the bytes are at [`paths::icon`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IconInfo {
    pub media_type: String,
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
    pub size: u64,
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use workbench_domain::validation::Severity;

    use super::*;

    #[test]
    fn a_client_reads_the_diagnostics_of_a_422_and_ignores_members_it_does_not_know() {
        let body = json!({
            "code": "validation_failed",
            "message": "the icon breaks 1 rule of rules pack 2026.12.1",
            "fields": [{"name": "icon", "description": "icon.square: The icon is 320×256; it must be square."}],
            "diagnostics": [
                {"rule": "icon.square", "severity": "error", "field": "icon",
                 "message": "The icon is 320×256; it must be square.",
                 "params": {"width": 320, "height": 256}, "hint": "a future member"},
                {"rule": "icon.corners_clear", "severity": "warning", "field": "icon",
                 "message": "m", "params": {}}
            ],
            "not_checked": [{"rule": "listing.video_length", "reason": "unknown rule kind video_max_seconds; update Partner Workbench"}],
            "trace_id": "a future member"
        });
        let error: ApiError = serde_json::from_value(body).unwrap();
        assert_eq!(error.code, VALIDATION_FAILED);
        assert_eq!(error.diagnostics.len(), 2);
        assert_eq!(error.diagnostics[0].severity, Severity::Error);
        assert_eq!(error.diagnostics[0].params["width"], 320);
        assert_eq!(error.failed_rules(), ["icon.square"]);
        assert_eq!(error.not_checked[0].rule, "listing.video_length");
        // An error body without the member reads as no diagnostics, and writes without it.
        let plain: ApiError =
            serde_json::from_value(json!({"code": "not_found", "message": "no app x"})).unwrap();
        assert!(plain.diagnostics.is_empty() && plain.not_checked.is_empty());
        assert_eq!(
            serde_json::to_value(&plain).unwrap(),
            json!({"code": "not_found", "message": "no app x"})
        );
    }

    #[test]
    fn review_feedback_names_its_rule_when_it_has_one() {
        let named: ReviewFeedback = serde_json::from_value(json!({
            "field": "marketplace.description", "message": "m", "rule": "plans.quoted_prices"
        }))
        .unwrap();
        assert_eq!(named.rule.as_deref(), Some("plans.quoted_prices"));
        let by_hand: ReviewFeedback =
            serde_json::from_value(json!({"field": "general", "message": "m"})).unwrap();
        assert_eq!(by_hand.rule, None);
        assert!(
            serde_json::to_value(&by_hand)
                .unwrap()
                .get("rule")
                .is_none()
        );
    }

    #[test]
    fn a_submission_without_suppressions_is_just_its_track() {
        let submission: Submission =
            serde_json::from_value(json!({"track": "marketplace"})).unwrap();
        assert_eq!(
            submission,
            Submission::new(workbench_domain::Track::Marketplace)
        );
        assert_eq!(
            serde_json::to_value(&submission).unwrap(),
            json!({"track": "marketplace"})
        );
    }
}
