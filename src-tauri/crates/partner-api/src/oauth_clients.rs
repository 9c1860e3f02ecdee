//! The partner's OAuth clients for the Talkdesk APIs (FAQ §6: a developer account can
//! "generate OAuth Clients to access the Talkdesk APIs"), not the desktop app's sign-in. A
//! client's scopes and grant types come from the catalogue in `partner-api/talkdesk-scopes.json`
//! (Talkdesk's published names, each with the address of the page it was read from), never from
//! this tool's own scopes. The secret is returned once, by the creating request, and never again.

use std::borrow::Cow;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::FieldError;

pub const PATH: &str = "/oauth-clients";
/// The name under `_embedded` of the OAuth clients collection.
pub const COLLECTION: &str = "oauth_clients";
/// The longest client name, in characters.
pub const NAME_MAX_CHARS: usize = 100;
/// The most redirect URIs a client may have (a limit of this tool, not Talkdesk's).
pub const REDIRECT_URIS_MAX: usize = 10;
/// The longest redirect URI, in characters (a limit of this tool, not Talkdesk's).
pub const REDIRECT_URI_MAX_CHARS: usize = 2000;

/// Access on behalf of a whole Talkdesk account.
pub const CLIENT_CREDENTIALS: &str = "client_credentials";
/// Access on behalf of one Talkdesk user, through a sign-in that returns to a redirect URI.
pub const AUTHORIZATION_CODE: &str = "authorization_code";
/// A new access token from the refresh token of an authorization-code sign-in.
pub const REFRESH_TOKEN: &str = "refresh_token";

pub fn client_path(id: &str) -> String {
    format!("/oauth-clients/{id}")
}

/// One scope or grant type of the catalogue, with the address of the Talkdesk page it is from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueEntry {
    pub name: String,
    /// The Talkdesk API the scope belongs to (scopes only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    pub description: String,
    pub source: String,
}

/// The scopes and grant types an OAuth client for the Talkdesk APIs may be given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    pub scopes: Vec<CatalogueEntry>,
    pub grant_types: Vec<CatalogueEntry>,
}

/// The catalogue file, kept as data beside this crate.
pub const CATALOGUE_JSON: &str = include_str!("../talkdesk-scopes.json");

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    serde_json::from_str(CATALOGUE_JSON).expect("talkdesk-scopes.json is a valid catalogue")
});

/// The catalogue of Talkdesk API scopes and grant types.
pub fn catalogue() -> &'static Catalogue {
    &CATALOGUE
}

/// The names of the scopes a client may be given, in the catalogue's order.
pub fn scope_names() -> Vec<&'static str> {
    catalogue().scopes.iter().map(|s| s.name.as_str()).collect()
}

/// The names of the grant types a client may have, in the catalogue's order.
pub fn grant_type_names() -> Vec<&'static str> {
    catalogue()
        .grant_types
        .iter()
        .map(|g| g.name.as_str())
        .collect()
}

fn default_grant_types() -> Vec<String> {
    vec![CLIENT_CREDENTIALS.to_owned()]
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OAuthClient {
    pub id: String,
    pub name: String,
    /// Talkdesk API scopes, each from the catalogue.
    pub scopes: Vec<String>,
    /// Where an authorization-code sign-in may return to; may be empty for a client that only
    /// uses `client_credentials`.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    #[serde(default = "default_grant_types")]
    #[schema(value_type = Vec<GrantType>)]
    pub grant_types: Vec<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// The body of `POST /oauth-clients`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NewOAuthClient {
    /// Not blank, at most 100 characters, no control characters.
    #[schema(
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub name: String,
    /// At least one Talkdesk API scope, each at most once (`uniqueItems`, set by the document).
    #[schema(value_type = Vec<Scope>, min_items = 1)]
    pub scopes: Vec<String>,
    /// Absolute `https` URIs, or `http` on a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`),
    /// without a fragment; at most 10, each at most once. At least one when `grant_types` has
    /// `authorization_code`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 10)]
    pub redirect_uris: Vec<String>,
    /// Each at most once; `refresh_token` only beside `authorization_code`. Absent means
    /// `["client_credentials"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<GrantType>, min_items = 1)]
    pub grant_types: Vec<String>,
}

impl NewOAuthClient {
    /// The grant types the client gets: those asked for, or `client_credentials`.
    pub fn grant_types_or_default(&self) -> Vec<String> {
        if self.grant_types.is_empty() {
            default_grant_types()
        } else {
            self.grant_types.clone()
        }
    }

    /// What is wrong with the request, one entry per field (`redirect_uris[0]`, `scopes[2]`...);
    /// empty when it may be created. `grant_types` empty means the default.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        let mut add =
            |name: String, description: String| problems.push(FieldError { name, description });
        let name = self.name.trim();
        if name.is_empty() {
            add("name".into(), "must not be empty".into());
        } else if name.chars().count() > NAME_MAX_CHARS {
            add(
                "name".into(),
                format!("must be at most {NAME_MAX_CHARS} characters"),
            );
        } else if name.chars().any(char::is_control) {
            add("name".into(), "must not contain control characters".into());
        }
        if self.scopes.is_empty() {
            add(
                "scopes".into(),
                "must list at least one Talkdesk API scope (`pwb clients scopes` lists them)"
                    .into(),
            );
        }
        for (i, scope) in self.scopes.iter().enumerate() {
            if !scope_names().contains(&scope.as_str()) {
                add(
                    format!("scopes[{i}]"),
                    format!(
                        "{scope:?} is not a Talkdesk API scope in the catalogue (`pwb clients scopes` lists them)"
                    ),
                );
            } else if self.scopes[..i].contains(scope) {
                add(format!("scopes[{i}]"), format!("{scope} is listed twice"));
            }
        }
        let grants = self.grant_types_or_default();
        for (i, grant) in self.grant_types.iter().enumerate() {
            if !grant_type_names().contains(&grant.as_str()) {
                add(
                    format!("grant_types[{i}]"),
                    format!("{grant:?} is not one of {}", grant_type_names().join(", ")),
                );
            } else if self.grant_types[..i].contains(grant) {
                add(
                    format!("grant_types[{i}]"),
                    format!("{grant} is listed twice"),
                );
            }
        }
        let has = |g: &str| grants.iter().any(|x| x == g);
        if has(REFRESH_TOKEN) && !has(AUTHORIZATION_CODE) {
            add(
                "grant_types".into(),
                "refresh_token comes with an authorization_code sign-in: add authorization_code"
                    .into(),
            );
        }
        if has(AUTHORIZATION_CODE) && self.redirect_uris.is_empty() {
            add(
                "redirect_uris".into(),
                "authorization_code needs at least one redirect URI to return the user to".into(),
            );
        }
        if self.redirect_uris.len() > REDIRECT_URIS_MAX {
            add(
                "redirect_uris".into(),
                format!("must list at most {REDIRECT_URIS_MAX} URIs"),
            );
        }
        for (i, uri) in self.redirect_uris.iter().enumerate() {
            if let Err(why) = check_redirect_uri(uri) {
                add(format!("redirect_uris[{i}]"), why);
            } else if self.redirect_uris[..i].contains(uri) {
                add(
                    format!("redirect_uris[{i}]"),
                    format!("{uri} is listed twice"),
                );
            }
        }
        problems
    }
}

/// Whether `uri` may be a redirect URI: an absolute `https` URI, or `http` on a loopback host
/// (`localhost`, `127.0.0.0/8`, `[::1]`, as a native app's local listener, RFC 8252 §7.3), with
/// a host, no user information and no fragment (RFC 6749 §3.1.2). The error says why not.
pub fn check_redirect_uri(uri: &str) -> Result<(), String> {
    if uri.chars().count() > REDIRECT_URI_MAX_CHARS {
        return Err(format!(
            "must be at most {REDIRECT_URI_MAX_CHARS} characters"
        ));
    }
    if uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces or control characters".into());
    }
    let lower = uri.to_ascii_lowercase();
    let (secure, rest) = if lower.starts_with("https://") {
        (true, &uri["https://".len()..])
    } else if lower.starts_with("http://") {
        (false, &uri["http://".len()..])
    } else {
        return Err(format!(
            "{uri:?} must be an absolute https:// URI (or http:// on a loopback host)"
        ));
    };
    if uri.contains('#') {
        return Err("must not have a fragment (#...)".into());
    }
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err("must not carry user information (user@host)".into());
    }
    let host = if let Some(bracketed) = authority.strip_prefix('[') {
        match bracketed.split_once(']') {
            Some((host, port)) if port.is_empty() || port.starts_with(':') => host,
            _ => return Err("has a malformed IPv6 host".into()),
        }
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    if host.is_empty() {
        return Err("must name a host".into());
    }
    if !secure && !is_loopback(host) {
        return Err(format!(
            "{uri:?} uses http off loopback: use https, or http only on localhost, 127.0.0.1 or [::1]"
        ));
    }
    Ok(())
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
        || host.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback())
}

/// A Talkdesk API scope a client may be given: one of the catalogue's (the document lists them).
pub struct Scope;

impl PartialSchema for Scope {
    fn schema() -> RefOr<Schema> {
        enum_schema(
            "A Talkdesk API scope, from the catalogue of Talkdesk's published scopes (`partner-api/talkdesk-scopes.json`, https://docs.talkdesk.com/docs/scopes).",
            scope_names(),
        )
    }
}

impl ToSchema for Scope {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Scope")
    }
}

/// An OAuth 2.0 grant type a client may have: one of the catalogue's.
pub struct GrantType;

impl PartialSchema for GrantType {
    fn schema() -> RefOr<Schema> {
        enum_schema(
            "An OAuth 2.0 grant type of the Talkdesk APIs (https://docs.talkdesk.com/docs/authentication).",
            grant_type_names(),
        )
    }
}

impl ToSchema for GrantType {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("GrantType")
    }
}

fn enum_schema(description: &str, names: Vec<&'static str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .description(Some(description))
        .enum_values(Some(names))
        .into()
}

/// The reply to `POST /oauth-clients`: the client and, this once, its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CreatedOAuthClient {
    #[serde(flatten)]
    pub client: OAuthClient,
    /// Present only in the reply that created the client; a replay of the same
    /// `Idempotency-Key` returns the client without it (the server keeps only a hash).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(scopes: &[&str], redirects: &[&str], grants: &[&str]) -> NewOAuthClient {
        let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect();
        NewOAuthClient {
            name: "Reports".into(),
            scopes: owned(scopes),
            redirect_uris: owned(redirects),
            grant_types: owned(grants),
        }
    }

    fn fields(client: &NewOAuthClient) -> Vec<String> {
        client.problems().into_iter().map(|f| f.name).collect()
    }

    #[test]
    fn every_catalogue_entry_has_a_name_a_description_and_a_talkdesk_source() {
        let catalogue = catalogue();
        assert!(catalogue.scopes.len() >= 20, "Talkdesk's published scopes");
        for entry in catalogue.scopes.iter().chain(&catalogue.grant_types) {
            assert!(!entry.name.trim().is_empty());
            assert!(!entry.description.trim().is_empty(), "{}", entry.name);
            assert!(
                entry.source.starts_with("https://docs.talkdesk.com/"),
                "{} cites {}",
                entry.name,
                entry.source
            );
        }
        for entry in &catalogue.scopes {
            assert!(entry.api.is_some(), "{} names its API", entry.name);
        }
        let mut names = scope_names();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), catalogue.scopes.len(), "each scope once");
        assert_eq!(
            grant_type_names(),
            [CLIENT_CREDENTIALS, AUTHORIZATION_CODE, REFRESH_TOKEN]
        );
        // This tool's own scope is not a Talkdesk scope.
        assert!(!scope_names().contains(&"oauth-clients:write"));
    }

    #[test]
    fn redirect_uris_are_https_or_http_on_loopback() {
        for good in [
            "https://crm.example.com/talkdesk/callback",
            "HTTPS://crm.example.com:8443/cb?x=1",
            "http://127.0.0.1:8080/cb",
            "http://127.1.2.3/cb",
            "http://localhost:3000/cb",
            "http://[::1]:9000/cb",
        ] {
            assert_eq!(check_redirect_uri(good), Ok(()), "{good}");
        }
        for bad in [
            "http://example.com/cb",
            "http://127.0.0.1.example.com/cb",
            "http://localhost.example.com/cb",
            "ftp://example.com/cb",
            "/cb",
            "https://",
            "https://example.com/cb#frag",
            "https://user@example.com/cb",
            "https://exa mple.com/cb",
        ] {
            assert!(check_redirect_uri(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_request_names_each_field_it_gets_wrong() {
        assert!(fields(&new(&["users:read"], &[], &[])).is_empty());
        assert!(
            fields(&new(
                &["users:read", "contacts:read"],
                &["https://crm.example.com/cb", "http://127.0.0.1:8080/cb"],
                &["client_credentials", "authorization_code", "refresh_token"],
            ))
            .is_empty()
        );
        assert_eq!(
            fields(&new(&["users:read"], &["http://example.com/cb"], &[])),
            ["redirect_uris[0]"]
        );
        assert_eq!(
            fields(&new(
                &["users:read", "oauth-clients:write", "users:read"],
                &[],
                &[]
            )),
            ["scopes[1]", "scopes[2]"]
        );
        assert_eq!(fields(&new(&[], &[], &[])), ["scopes"]);
        assert_eq!(
            fields(&new(&["users:read"], &[], &["authorization_code"])),
            ["redirect_uris"]
        );
        assert_eq!(
            fields(&new(&["users:read"], &[], &["refresh_token", "implicit"])),
            ["grant_types[1]", "grant_types"]
        );
    }
}
