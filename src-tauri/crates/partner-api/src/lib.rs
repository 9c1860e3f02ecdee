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

/// What a version says about its icon; the bytes are at [`paths::icon`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IconInfo {
    pub media_type: String,
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
    pub size: u64,
}
