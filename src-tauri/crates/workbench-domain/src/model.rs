//! The shapes of the domain. Field names follow Talkdesk's public Apps API (SPEC §3), so the
//! same structs serialize to the wire, to the cache and to the UI without renaming.
//!
//! Readers ignore unknown fields (serde's default); optional and empty fields are defaulted so an
//! older or newer peer never breaks a reader.

use serde::{Deserialize, Serialize};

use crate::review::VersionStatus;

/// A partner's app as registered in Partner Project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct App {
    pub id: String,
    /// The unique identifier the partner chose.
    pub name: String,
    pub slug: String,
    pub display_name: String,
    /// The partner's company name, shown as the vendor.
    pub created_type: String,
    pub app_type: AppType,
    pub render: Render,
    #[serde(default)]
    pub sandbox: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AppType {
    Standalone,
    Atlas,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum Render {
    Portal,
    Canvas,
}

impl AppType {
    pub fn as_str(self) -> &'static str {
        match self {
            AppType::Standalone => "standalone",
            AppType::Atlas => "atlas",
        }
    }

    pub fn parse(s: &str) -> Option<AppType> {
        [AppType::Standalone, AppType::Atlas]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
}

impl Render {
    pub fn as_str(self) -> &'static str {
        match self {
            Render::Portal => "portal",
            Render::Canvas => "canvas",
        }
    }

    pub fn parse(s: &str) -> Option<Render> {
        [Render::Portal, Render::Canvas]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// One version of an app: its review status on both tracks and its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppVersion {
    pub id: String,
    pub app_id: String,
    pub version_number: String,
    pub status: VersionStatus,
    #[serde(flatten)]
    pub content: VersionContent,
}

/// Everything a partner edits in a version: the three sections and the plans.
/// The icon's bytes travel separately (see [`IconFile`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionContent {
    #[serde(default)]
    pub general: General,
    #[serde(default)]
    pub technical: Technical,
    #[serde(default)]
    pub marketplace: Marketplace,
    #[serde(default)]
    pub subscription_types: Vec<SubscriptionPlan>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct General {
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<NotificationEmail>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationEmail {
    /// What the address is notified about, for example `technical` or `billing`.
    #[serde(rename = "type")]
    pub kind: String,
    pub email: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Technical {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scopes_reason: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<TypedUrl>,
    #[serde(default)]
    pub manually_provisioned: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Marketplace {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub listing_summary: String,
    /// A small, safe Markdown subset.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assets: Vec<Asset>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<TypedUrl>,
    #[serde(default, skip_serializing_if = "SupportContact::is_empty")]
    pub support: SupportContact,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportContact {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
}

impl SupportContact {
    pub fn is_empty(&self) -> bool {
        self.email.is_empty() && self.phone.is_empty() && self.url.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TypedUrl {
    #[serde(rename = "type")]
    pub kind: UrlType,
    pub url: String,
}

/// The kinds of URL a version declares: the first four belong to the technical section,
/// the last three to the marketplace section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UrlType {
    RedirectUri,
    /// The events callback.
    InstallationSubscription,
    /// The standalone URL, used for SSO.
    LaunchUrl,
    PrivacyPolicy,
    TermsOfService,
    AppSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Asset {
    #[serde(rename = "type")]
    pub kind: AssetType,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AssetType {
    Icon,
    Screenshot,
    Video,
}

/// A subscription plan (`subscription_types[]` in the Apps API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionPlan {
    #[serde(rename = "type")]
    pub kind: PlanType,
    pub license_type: LicenseType,
    pub name: String,
    /// Minor units (cents) per seat or per account per month.
    pub price: i64,
    /// ISO 4217 code.
    pub currency: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub listing_summary: String,
    pub min_licenses: u32,
    pub max_licenses: u32,
    /// How long a trial lasts; only trial plans carry it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trial_days: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlanType {
    Trial,
    Paid,
}

/// `individual` is priced per seat, `universal` per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LicenseType {
    Individual,
    Universal,
}

/// The icon of a version, as bytes, with the checksum that tells whether it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IconFile {
    pub media_type: String,
    pub bytes: Vec<u8>,
    /// Lower-case hex SHA-256 of `bytes`.
    pub sha256: String,
}

/// A key that orders version numbers numerically: "1.10.0" sorts after "1.9.0". Each
/// dot-separated part that is a number is zero-padded; other parts are kept as they are.
pub fn version_sort_key(version_number: &str) -> String {
    version_number
        .split('.')
        .map(|part| match part.parse::<u64>() {
            Ok(n) => format!("{n:010}"),
            Err(_) => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_numbers_sort_numerically() {
        let mut numbers = ["1.10.0", "1.9.0", "2.0.0", "1.9.10", "1.9.2"];
        numbers.sort_by_key(|n| version_sort_key(n));
        assert_eq!(numbers, ["1.9.0", "1.9.2", "1.9.10", "1.10.0", "2.0.0"]);
    }

    #[test]
    fn readers_ignore_unknown_fields_and_default_missing_sections() {
        let json = r#"{"id":"v1","app_id":"a1","version_number":"1.0.0",
            "status":{"technical":"draft","marketplace":"in_review"},
            "general":{"display_name":"Acme","slug":"acme","future_field":1},
            "something_new":{"x":1}}"#;
        let version: AppVersion = serde_json::from_str(json).unwrap();
        assert_eq!(version.content.general.display_name, "Acme");
        assert_eq!(version.content.technical, Technical::default());
        assert!(version.content.subscription_types.is_empty());
    }

    #[test]
    fn app_enums_round_trip_through_their_wire_names() {
        for t in [AppType::Standalone, AppType::Atlas] {
            assert_eq!(AppType::parse(t.as_str()), Some(t));
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                format!("\"{}\"", t.as_str())
            );
        }
        for r in [Render::Portal, Render::Canvas] {
            assert_eq!(Render::parse(r.as_str()), Some(r));
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
        }
    }

    #[test]
    fn writers_omit_empty_optional_fields() {
        let json = serde_json::to_value(Marketplace::default()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({}),
            "an empty marketplace section serializes to an empty object"
        );
    }
}
