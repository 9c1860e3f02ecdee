//! The OpenAPI 3.1 document of the contract, generated from the types of this crate and the
//! domain's. It is committed at `partner-api/openapi.json`; a test fails when the file drifts
//! (`PWB_UPDATE_OPENAPI=1 cargo test -p partner-api` rewrites it). The sandbox is checked
//! against the committed document by a schema-driven fuzz (schemathesis) in CI.

use utoipa::OpenApi;

/// The whole document.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as the committed file holds it: pretty JSON with a final newline.
pub fn render() -> String {
    let mut json = document()
        .to_pretty_json()
        .expect("the document always serializes");
    json.push('\n');
    json
}

/// The name of the bearer security scheme every API route needs.
pub const BEARER: &str = "bearer";
/// The tag of the sandbox-only admin routes.
pub const SANDBOX_ADMIN_TAG: &str = "sandbox-admin";
/// The prefix of the sandbox-only admin routes.
pub const SANDBOX_ADMIN_PREFIX: &str = "/_sandbox";

/// Whether a path of the document is served without a token: the OAuth metadata and
/// endpoints, the HTML pages and the sandbox's admin area.
pub fn is_open_path(path: &str) -> bool {
    path.starts_with("/.well-known/")
        || path.starts_with("/oauth/")
        || path == "/device"
        || path == SANDBOX_ADMIN_PREFIX
        || path.starts_with("/_sandbox/")
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Partner Project API",
        description = "The API of Talkdesk Partner Project as Partner Workbench uses it: the partner's apps, their versions and review tracks, the change feed, the rules pack, installations, OAuth clients and the account, and the OAuth 2.0 authorization server that signs clients in. Collections are HAL pages: follow `_links.next`, never build page URLs. Errors carry the `ApiError` body; the OAuth endpoints answer `OAuthError`. Every API route needs `Authorization: Bearer`; writes need `If-Match` (428 without, 412 when stale) and honour `Idempotency-Key` (a replay of a write whose reply was lost returns the first reply). Under load the server may answer 429 or 503 with `Retry-After`.",
        version = "0.1.0"
    ),
    paths(
        routes::list_apps, routes::register_app, routes::get_app, routes::update_app,
        routes::list_versions, routes::create_version, routes::get_version,
        routes::update_version, routes::delete_version,
        routes::get_icon, routes::put_icon, routes::install_link,
        routes::submit, routes::withdraw, routes::make_available,
        routes::changes, routes::rules,
        routes::list_installations, routes::get_installation, routes::set_installation_state,
        routes::list_oauth_clients, routes::create_oauth_client, routes::get_oauth_client,
        routes::delete_oauth_client,
        routes::account,
        oauth::metadata, oauth::device_authorization, oauth::token, oauth::revoke,
        oauth::verification_page, oauth::verification_submit,
        oauth::authorize_page, oauth::authorize_submit,
        admin::list_faults, admin::add_fault, admin::set_fault_profile, admin::clear_faults,
        admin::approve_device_code, admin::deny_device_code, admin::issue_token,
        admin::portal_edit, admin::review, admin::publish, admin::set_rules, admin::install_page,
        admin::request_installation, admin::request_update,
    ),
    modifiers(&Security),
    tags(
        (name = "apps", description = "The partner's apps, their versions, icons and review tracks"),
        (name = "changes", description = "The change feed"),
        (name = "rules", description = "The rules pack"),
        (name = "installations", description = "Installations of the partner's apps in customer accounts"),
        (name = "oauth-clients", description = "The partner's OAuth clients for the Talkdesk APIs (scopes from the catalogue of Talkdesk API scopes)"),
        (name = "account", description = "Licenses and credits"),
        (name = "oauth", description = "The OAuth 2.0 authorization server (RFC 8414, RFC 8628, RFC 6749, RFC 7636, RFC 7009). No bearer token; errors are `OAuthError`."),
        (name = "sandbox-admin", description = "Sandbox only: these routes exist only in `partner-sandbox`, never in the real service, and answer only loopback peers (403 otherwise). Tests and demos drive the sandbox through them: device-code decisions, review decisions and publications on AppConnect (Talkdesk's steps), customers' installation and update requests (AppConnect's side), portal edits, the rules pack, faults and tokens without a browser. Every operation carries `x-sandbox-only: true`."),
    )
)]
struct ApiDoc;

/// Adds the bearer scheme, applies it (with its 401 and 403 replies) to every API route, and
/// marks the admin routes `x-sandbox-only`.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::extensions::ExtensionsBuilder;
        use utoipa::openapi::header::HeaderBuilder;
        use utoipa::openapi::security::{
            HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
        };
        use utoipa::openapi::{ContentBuilder, ObjectBuilder, Ref, ResponseBuilder, Type};

        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An access token of the OAuth server (device flow, authorization code, or the sandbox's `POST /_sandbox/tokens`)",
                    ))
                    .build(),
            ),
        );
        let error = || {
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ApiError")))
                .build()
        };
        let challenge = HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(Type::String))
            .description(Some("`Bearer`, with `error=\"invalid_token\"` or `error=\"insufficient_scope\"` and the scope"))
            .build();
        let unauthorized = ResponseBuilder::new()
            .description("No bearer token, or an invalid or expired one (code `unauthorized`)")
            .content("application/json", error())
            .header("WWW-Authenticate", challenge.clone())
            .build();
        let forbidden = ResponseBuilder::new()
            .description("The token lacks the route's scope (code `insufficient_scope`)")
            .content("application/json", error())
            .header("WWW-Authenticate", challenge)
            .build();
        let admin_forbidden = ResponseBuilder::new()
            .description("The peer is not on the loopback interface")
            .content("application/json", error())
            .build();
        // A client's scopes, redirect URIs and grant types are each listed once (utoipa has no
        // attribute for `uniqueItems`).
        if let Some(utoipa::openapi::RefOr::T(utoipa::openapi::Schema::Object(client))) =
            components.schemas.get_mut("NewOAuthClient")
        {
            for list in ["scopes", "redirect_uris", "grant_types"] {
                if let Some(utoipa::openapi::RefOr::T(utoipa::openapi::Schema::Array(items))) =
                    client.properties.get_mut(list)
                {
                    items.unique_items = true;
                }
            }
        }
        // `POST /apps/{app_id}/versions` takes an empty body as well as `{}`.
        if let Some(body) = openapi
            .paths
            .paths
            .get_mut("/apps/{app_id}/versions")
            .and_then(|item| item.post.as_mut())
            .and_then(|operation| operation.request_body.as_mut())
        {
            body.required = Some(utoipa::openapi::Required::False);
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                if path.starts_with(SANDBOX_ADMIN_PREFIX) {
                    let sandbox_only = ExtensionsBuilder::new().add("x-sandbox-only", true).build();
                    match operation.extensions.as_mut() {
                        Some(extensions) => extensions.merge(sandbox_only),
                        None => operation.extensions = Some(sandbox_only),
                    }
                    operation
                        .responses
                        .responses
                        .insert("403".into(), admin_forbidden.clone().into());
                } else if !is_open_path(path) {
                    operation.security =
                        Some(vec![SecurityRequirement::new::<_, _, &str>(BEARER, [])]);
                    let responses = &mut operation.responses.responses;
                    responses.insert("401".into(), unauthorized.clone().into());
                    responses.insert("403".into(), forbidden.clone().into());
                }
            }
        }
    }
}

/// Request bodies that exist only on the wire of the HTML pages (the sandbox reads them as
/// forms); documented here so the document describes every route.
pub mod forms {
    use serde::{Deserialize, Serialize};
    use utoipa::ToSchema;

    /// The form of `POST /device`: look a user code up, or decide it.
    #[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
    pub struct VerificationForm {
        pub user_code: String,
        /// `approve` or `deny`; absent means "look the code up".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub decision: Option<String>,
    }

    /// The parameters of `GET /oauth/authorize`, and the form of `POST /oauth/authorize` (which
    /// adds `decision`).
    #[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
    pub struct AuthorizeForm {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub response_type: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schema(example = "partner-workbench")]
        pub client_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub redirect_uri: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub scope: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub state: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub code_challenge: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub code_challenge_method: Option<String>,
        /// `approve` or `deny`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub decision: Option<String>,
    }
}

/// The route declarations. These functions are never called: they only carry the
/// `#[utoipa::path]` attributes that describe each route of the contract. The bearer scheme
/// and its 401/403 replies are added to every API route by [`Security`].
#[allow(dead_code)]
mod routes {
    use workbench_domain::{App, Track};

    use crate::account::Account;
    use crate::installations::{Installation, StateChangeBody};
    use crate::oauth_clients::{CreatedOAuthClient, NewOAuthClient, OAuthClient};
    use crate::{
        ApiError, ChangesPage, CreateVersion, InstallLink, Page, RegisterApp, Submission,
        UpdateApp, UpdateVersion, VersionResource,
    };

    #[utoipa::path(get, path = "/apps", tag = "apps",
        params(
            ("page" = Option<u64>, Query, description = "1-based page number", minimum = 1, maximum = 4294967295_u64),
            ("per_page" = Option<u64>, Query, description = "items per page; more than 100 is served as 100", minimum = 1, maximum = 4294967295_u64),
        ),
        responses(
            (status = 200, description = "A page of the partner's apps, embedded as `apps`", body = Page<App>),
            (status = 400, description = "Bad paging parameters", body = ApiError),
        ))]
    fn list_apps() {}

    #[utoipa::path(post, path = "/apps", tag = "apps",
        params(
            ("Idempotency-Key" = Option<String>, Header, description = "A repeat with the same key and request returns the first reply and creates nothing", min_length = 1, max_length = 255),
        ),
        request_body(content = RegisterApp, content_type = "application/json"),
        responses(
            (status = 201, description = "The registered app", body = App,
                headers(("ETag" = String, description = "The app's entity tag"),
                        ("Location" = String, description = "The app's URL"))),
            (status = 400, description = "Malformed JSON or invalid fields", body = ApiError),
            (status = 409, description = "An app with that name already exists", body = ApiError),
            (status = 413, description = "The body is larger than 256 KiB", body = ApiError),
            (status = 415, description = "The body is not `application/json`", body = ApiError),
            (status = 422, description = "The `Idempotency-Key` was used for another request", body = ApiError),
        ))]
    fn register_app() {}

    #[utoipa::path(get, path = "/apps/{app_id}", tag = "apps",
        params(("app_id" = String, Path, description = "The app's id")),
        responses(
            (status = 200, description = "The app", body = App,
                headers(("ETag" = String, description = "The app's entity tag"))),
            (status = 404, description = "No such app", body = ApiError),
        ))]
    fn get_app() {}

    #[utoipa::path(patch, path = "/apps/{app_id}", tag = "apps",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("If-Match" = String, Header, description = "The app's current ETag (or `*`)"),
        ),
        request_body(content = UpdateApp, content_type = "application/json"),
        responses(
            (status = 200, description = "The updated app", body = App,
                headers(("ETag" = String, description = "The app's new entity tag"))),
            (status = 400, description = "Malformed JSON or invalid fields", body = ApiError),
            (status = 404, description = "No such app", body = ApiError),
            (status = 412, description = "The app changed since its ETag was read", body = ApiError),
            (status = 413, description = "The body is larger than 256 KiB", body = ApiError),
            (status = 415, description = "The body is not `application/json`", body = ApiError),
            (status = 428, description = "No `If-Match` header", body = ApiError),
        ))]
    fn update_app() {}

    #[utoipa::path(get, path = "/apps/{app_id}/versions", tag = "apps",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("page" = Option<u64>, Query, description = "1-based page number", minimum = 1, maximum = 4294967295_u64),
            ("per_page" = Option<u64>, Query, description = "items per page; more than 100 is served as 100", minimum = 1, maximum = 4294967295_u64),
        ),
        responses(
            (status = 200, description = "A page of the app's versions, embedded as `versions`", body = Page<VersionResource>),
            (status = 400, description = "Bad paging parameters", body = ApiError),
            (status = 404, description = "No such app", body = ApiError),
        ))]
    fn list_versions() {}

    #[utoipa::path(post, path = "/apps/{app_id}/versions", tag = "apps",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("Idempotency-Key" = Option<String>, Header, description = "A repeat with the same key and request returns the first reply and creates nothing", min_length = 1, max_length = 255),
        ),
        request_body(content = CreateVersion, content_type = "application/json",
            description = "Empty or `{}`: the new version is a copy of the latest one, which must be Available"),
        responses(
            (status = 201, description = "The new version", body = VersionResource,
                headers(("ETag" = String, description = "The version's entity tag"),
                        ("Location" = String, description = "The version's URL"))),
            (status = 400, description = "Malformed JSON", body = ApiError),
            (status = 404, description = "No such app", body = ApiError),
            (status = 409, description = "The latest version is not Available", body = ApiError),
            (status = 413, description = "The body is larger than 256 KiB", body = ApiError),
            (status = 415, description = "The body is not `application/json`", body = ApiError),
            (status = 422, description = "The `Idempotency-Key` was used for another request", body = ApiError),
        ))]
    fn create_version() {}

    #[utoipa::path(get, path = "/apps/{app_id}/versions/{version_id}", tag = "apps",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("version_id" = String, Path, description = "The version's id"),
            ("If-None-Match" = Option<String>, Header, description = "An ETag the client holds: 304 when it is current"),
        ),
        responses(
            (status = 200, description = "The version", body = VersionResource,
                headers(("ETag" = String, description = "The version's entity tag"))),
            (status = 304, description = "Not modified since the `If-None-Match` ETag",
                headers(("ETag" = String, description = "The version's entity tag"))),
            (status = 404, description = "No such app or version", body = ApiError),
        ))]
    fn get_version() {}

    #[utoipa::path(patch, path = "/apps/{app_id}/versions/{version_id}", tag = "apps",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("version_id" = String, Path, description = "The version's id"),
            ("If-Match" = String, Header, description = "The version's current ETag (or `*`)"),
            ("Idempotency-Key" = Option<String>, Header, description = "A replay with the same key and request (its reply lost) returns the first reply instead of a 412, and changes nothing again", min_length = 1, max_length = 255),
        ),
        request_body(content = UpdateVersion, content_type = "application/json",
            description = "Any subset of the content sections; a present section replaces that whole section"),
        responses(
            (status = 200, description = "The updated version", body = VersionResource,
                headers(("ETag" = String, description = "The version's new entity tag"))),
            (status = 400, description = "Malformed JSON or invalid fields", body = ApiError),
            (status = 404, description = "No such app or version", body = ApiError),
            (status = 409, description = "The section is locked while its track is in review or released", body = ApiError),
            (status = 412, description = "The version changed since its ETag was read", body = ApiError),
            (status = 413, description = "The body is larger than 256 KiB", body = ApiError),
            (status = 415, description = "The body is not `application/json`", body = ApiError),
            (status = 422, description = "The `Idempotency-Key` was used for another request (code `idempotency_key_reused`)", body = ApiError),
            (status = 428, description = "No `If-Match` header", body = ApiError),
        ))]
    fn update_version() {}

    #[utoipa::path(delete, path = "/apps/{app_id}/versions/{version_id}", tag = "apps",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("version_id" = String, Path, description = "The version's id"),
            ("If-Match" = String, Header, description = "The version's current ETag (or `*`)"),
        ),
        responses(
            (status = 204, description = "The draft is deleted"),
            (status = 404, description = "No such app or version", body = ApiError),
            (status = 409, description = "Only a draft can be deleted", body = ApiError),
            (status = 412, description = "The version changed since its ETag was read", body = ApiError),
            (status = 428, description = "No `If-Match` header", body = ApiError),
        ))]
    fn delete_version() {}

    #[utoipa::path(get, path = "/apps/{app_id}/versions/{version_id}/icon", tag = "apps",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("version_id" = String, Path, description = "The version's id"),
            ("If-None-Match" = Option<String>, Header, description = "An ETag the client holds: 304 when it is current"),
        ),
        responses(
            (status = 200, description = "The icon's bytes",
                content((Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg")),
                headers(("ETag" = String, description = "The icon's entity tag"))),
            (status = 304, description = "Not modified since the `If-None-Match` ETag",
                headers(("ETag" = String, description = "The icon's entity tag"))),
            (status = 404, description = "No such app or version, or the version has no icon", body = ApiError),
        ))]
    fn get_icon() {}

    #[utoipa::path(get, path = "/apps/{app_id}/versions/{version_id}/install-link", tag = "apps",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("version_id" = String, Path, description = "The version's id"),
        ),
        responses(
            (status = 200, description = "The link that installs the version privately, to test it (FAQ §14), and who can install from it: any account once the technical review approved it, before that only the partner's own developer account", body = InstallLink),
            (status = 404, description = "No such app or version", body = ApiError),
        ))]
    fn install_link() {}

    #[utoipa::path(put, path = "/apps/{app_id}/versions/{version_id}/icon", tag = "apps",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("version_id" = String, Path, description = "The version's id"),
            ("If-Match" = String, Header, description = "The version's current ETag (or `*`)"),
            ("Idempotency-Key" = Option<String>, Header, description = "A replay with the same key and request (its reply lost) returns the first reply instead of a 412, and changes nothing again", min_length = 1, max_length = 255),
            ("filename" = Option<String>, Query, description = "The file's name as the partner chose it, for example `icon.png`: the rules check its extension against the real format. Without it the name follows the `Content-Type`: `image/png` is `icon.png`, `image/jpeg` is `icon.jpg` (likewise other `image/*` types); any other type gives a name without extension, which the extension rule refuses", min_length = 1, max_length = 255, pattern = "^[^/\\\\]+$"),
        ),
        request_body(description = "The icon's bytes, at most 1 MiB. The server runs the icon rules of its current rules pack on them (the real format comes from the bytes)",
            content((super::Binary = "image/png"), (super::Binary = "image/jpeg"), (super::Binary = "application/octet-stream"))),
        responses(
            (status = 200, description = "The version with its new icon", body = VersionResource,
                headers(("ETag" = String, description = "The version's new entity tag"))),
            (status = 400, description = "A malformed `filename`", body = ApiError),
            (status = 404, description = "No such app or version", body = ApiError),
            (status = 409, description = "The icon is locked while its track is in review or released", body = ApiError),
            (status = 412, description = "The version changed since its ETag was read", body = ApiError),
            (status = 413, description = "The icon is larger than 1 MiB", body = ApiError),
            (status = 422, description = "The icon rules found errors (code `validation_failed`): `fields` names each as `{field, \"rule: message\"}` and `diagnostics` lists every diagnostic; nothing is stored. Or the `Idempotency-Key` was used for another request (code `idempotency_key_reused`)", body = ApiError),
            (status = 428, description = "No `If-Match` header", body = ApiError),
        ))]
    fn put_icon() {}

    #[utoipa::path(post, path = "/apps/{app_id}/versions/{version_id}/submissions", tag = "apps",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("version_id" = String, Path, description = "The version's id"),
            ("If-Match" = String, Header, description = "The version's current ETag (or `*`)"),
            ("Idempotency-Key" = Option<String>, Header, description = "A repeat with the same key and request returns the first reply", min_length = 1, max_length = 255),
        ),
        request_body(content = Submission, content_type = "application/json"),
        responses(
            (status = 200, description = "The version with the track In Review", body = VersionResource,
                headers(("ETag" = String, description = "The version's new entity tag"))),
            (status = 400, description = "Malformed JSON or an unknown track", body = ApiError),
            (status = 404, description = "No such app or version", body = ApiError),
            (status = 409, description = "The track cannot be submitted from its state", body = ApiError),
            (status = 412, description = "The version changed since its ETag was read", body = ApiError),
            (status = 413, description = "The body is larger than 256 KiB", body = ApiError),
            (status = 415, description = "The body is not `application/json`", body = ApiError),
            (status = 422, description = "The rules engine found errors in the stored content or icon for this track (code `validation_failed`: `fields` names each as `{field, \"rule: message\"}` and `diagnostics` lists every diagnostic; nothing changes), or the `Idempotency-Key` was used for another request (code `idempotency_key_reused`)", body = ApiError),
            (status = 428, description = "No `If-Match` header", body = ApiError),
        ))]
    fn submit() {}

    #[utoipa::path(delete, path = "/apps/{app_id}/versions/{version_id}/submissions/{track}", tag = "apps",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("version_id" = String, Path, description = "The version's id"),
            ("track" = Track, Path, description = "The track to withdraw"),
            ("If-Match" = String, Header, description = "The version's current ETag (or `*`)"),
            ("Idempotency-Key" = Option<String>, Header, description = "A replay with the same key and request (its reply lost) returns the first reply instead of a 412, and changes nothing again", min_length = 1, max_length = 255),
        ),
        responses(
            (status = 200, description = "The version with the track back in Draft", body = VersionResource,
                headers(("ETag" = String, description = "The version's new entity tag"))),
            (status = 400, description = "An unknown track", body = ApiError),
            (status = 404, description = "No such app or version", body = ApiError),
            (status = 409, description = "The track is not In Review", body = ApiError),
            (status = 412, description = "The version changed since its ETag was read", body = ApiError),
            (status = 422, description = "The `Idempotency-Key` was used for another request (code `idempotency_key_reused`)", body = ApiError),
            (status = 428, description = "No `If-Match` header", body = ApiError),
        ))]
    fn withdraw() {}

    #[utoipa::path(post, path = "/apps/{app_id}/versions/{version_id}/availability", tag = "apps",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("version_id" = String, Path, description = "The version's id"),
            ("If-Match" = String, Header, description = "The version's current ETag (or `*`)"),
            ("Idempotency-Key" = Option<String>, Header, description = "A replay with the same key and request (its reply lost) returns the first reply instead of a 412, and changes nothing again", min_length = 1, max_length = 255),
        ),
        responses(
            (status = 200, description = "The version, now Available", body = VersionResource,
                headers(("ETag" = String, description = "The version's new entity tag"))),
            (status = 400, description = "An `Idempotency-Key` that is not 1 to 255 visible ASCII characters", body = ApiError),
            (status = 404, description = "No such app or version", body = ApiError),
            (status = 409, description = "The technical track is not Approved", body = ApiError),
            (status = 412, description = "The version changed since its ETag was read", body = ApiError),
            (status = 422, description = "The `Idempotency-Key` was used for another request (code `idempotency_key_reused`)", body = ApiError),
            (status = 428, description = "No `If-Match` header", body = ApiError),
        ))]
    fn make_available() {}

    #[utoipa::path(get, path = "/changes", tag = "changes",
        params(
            ("cursor" = Option<String>, Query, description = "A `next_cursor` of an earlier reply; from the beginning when absent. `latest` answers no changes and, as `next_cursor`, the current end of the feed: a client about to make a full copy asks for it first and reads the feed from there", pattern = "^(c[0-9]{1,18}|latest)$"),
            ("limit" = Option<u32>, Query, description = "The most changes to return", minimum = 1, maximum = 500),
        ),
        responses(
            (status = 200, description = "The changes after the cursor, oldest first, and the next cursor. A `rules_updated` change (resource `rules`, id = the pack's version) says to fetch `GET /rules` again", body = ChangesPage),
            (status = 400, description = "A cursor this server did not give out, or a bad limit", body = ApiError),
        ))]
    fn changes() {}

    #[utoipa::path(get, path = "/rules", tag = "rules",
        params(
            ("If-None-Match" = Option<String>, Header, description = "An ETag the client holds: 304 when it is current"),
        ),
        responses(
            (status = 200, description = "The current rules pack with its version", body = crate::rules::RulesPack,
                headers(("ETag" = String, description = "The pack's entity tag"))),
            (status = 304, description = "Not modified since the `If-None-Match` ETag",
                headers(("ETag" = String, description = "The pack's entity tag"))),
        ))]
    fn rules() {}

    #[utoipa::path(get, path = "/apps/{app_id}/installations", tag = "installations",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("page" = Option<u64>, Query, description = "1-based page number", minimum = 1, maximum = 4294967295_u64),
            ("per_page" = Option<u64>, Query, description = "items per page; more than 100 is served as 100", minimum = 1, maximum = 4294967295_u64),
        ),
        responses(
            (status = 200, description = "A page of the app's installations, embedded as `installations`", body = Page<Installation>),
            (status = 400, description = "Bad paging parameters", body = ApiError),
            (status = 404, description = "No such app", body = ApiError),
        ))]
    fn list_installations() {}

    #[utoipa::path(get, path = "/apps/{app_id}/installations/{id}", tag = "installations",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("id" = String, Path, description = "The installation's id"),
            ("If-None-Match" = Option<String>, Header, description = "An ETag the client holds: 304 when it is current"),
        ),
        responses(
            (status = 200, description = "The installation", body = Installation,
                headers(("ETag" = String, description = "The installation's entity tag"))),
            (status = 304, description = "Not modified since the `If-None-Match` ETag",
                headers(("ETag" = String, description = "The installation's entity tag"))),
            (status = 404, description = "No such app or installation", body = ApiError),
        ))]
    fn get_installation() {}

    #[utoipa::path(post, path = "/apps/{app_id}/installations/{id}/state", tag = "installations",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("id" = String, Path, description = "The installation's id"),
            ("If-Match" = String, Header, description = "The installation's current ETag (or `*`)"),
            ("Idempotency-Key" = Option<String>, Header, description = "A replay with the same key and request (its reply lost) returns the first reply instead of a 409, and changes nothing again", min_length = 1, max_length = 255),
        ),
        request_body(content = StateChangeBody, content_type = "application/json"),
        responses(
            (status = 200, description = "The installation after the decision", body = Installation,
                headers(("ETag" = String, description = "The installation's entity tag"))),
            (status = 400, description = "Malformed JSON, an unknown decision, or a rejection without a reason", body = ApiError),
            (status = 404, description = "No such app or installation", body = ApiError),
            (status = 409, description = "Nothing of the installation waits for the partner: it is not `installing` and has no update `updating`", body = ApiError),
            (status = 412, description = "`If-Match` names none of the installation's ETags", body = ApiError),
            (status = 413, description = "The body is larger than 64 KiB", body = ApiError),
            (status = 415, description = "The body is not `application/json`", body = ApiError),
            (status = 422, description = "The `Idempotency-Key` was used for another request (code `idempotency_key_reused`)", body = ApiError),
            (status = 428, description = "`If-Match` is missing", body = ApiError),
        ))]
    fn set_installation_state() {}

    #[utoipa::path(get, path = "/oauth-clients", tag = "oauth-clients",
        params(
            ("page" = Option<u64>, Query, description = "1-based page number", minimum = 1, maximum = 4294967295_u64),
            ("per_page" = Option<u64>, Query, description = "items per page; more than 100 is served as 100", minimum = 1, maximum = 4294967295_u64),
        ),
        responses(
            (status = 200, description = "A page of the partner's OAuth clients, embedded as `oauth_clients`", body = Page<OAuthClient>),
            (status = 400, description = "Bad paging parameters", body = ApiError),
        ))]
    fn list_oauth_clients() {}

    #[utoipa::path(post, path = "/oauth-clients", tag = "oauth-clients",
        params(
            ("Idempotency-Key" = Option<String>, Header, description = "A repeat with the same key returns the client without its secret", min_length = 1, max_length = 255),
        ),
        request_body(content = NewOAuthClient, content_type = "application/json"),
        responses(
            (status = 201, description = "The client and, this once, its secret", body = CreatedOAuthClient,
                headers(("Idempotent-Replayed" = String, description = "`true` on a replay of an `Idempotency-Key`"))),
            (status = 400, description = "Malformed JSON or invalid fields (code `invalid_request`): `fields` names each, as `redirect_uris[0]` or `scopes[1]`: a scope not in the catalogue of Talkdesk API scopes, a redirect URI that is not https (or http on a loopback host), `authorization_code` without a redirect URI", body = ApiError),
            (status = 413, description = "The body is larger than 64 KiB", body = ApiError),
            (status = 415, description = "The body is not `application/json`", body = ApiError),
        ))]
    fn create_oauth_client() {}

    #[utoipa::path(get, path = "/oauth-clients/{id}", tag = "oauth-clients",
        params(("id" = String, Path, description = "The client's id")),
        responses(
            (status = 200, description = "The client (never its secret)", body = OAuthClient),
            (status = 404, description = "No such client", body = ApiError),
        ))]
    fn get_oauth_client() {}

    #[utoipa::path(delete, path = "/oauth-clients/{id}", tag = "oauth-clients",
        params(
            ("id" = String, Path, description = "The client's id"),
            ("Idempotency-Key" = Option<String>, Header, description = "A replay with the same key (its reply lost) returns the first 204 instead of a 404", min_length = 1, max_length = 255),
        ),
        responses(
            (status = 204, description = "The client is deleted"),
            (status = 400, description = "An `Idempotency-Key` that is not 1 to 255 visible ASCII characters", body = ApiError),
            (status = 404, description = "No such client", body = ApiError),
            (status = 422, description = "The `Idempotency-Key` was used for another request (code `idempotency_key_reused`)", body = ApiError),
        ))]
    fn delete_oauth_client() {}

    #[utoipa::path(get, path = "/account", tag = "account",
        responses((status = 200, description = "Licenses and credit balance", body = Account)))]
    fn account() {}
}

/// The OAuth 2.0 server's endpoints and pages: no bearer token.
#[allow(dead_code)]
mod oauth {
    use super::forms::{AuthorizeForm, VerificationForm};
    use crate::oauth::{
        AuthorizationServerMetadata, DeviceAuthorizationRequest, DeviceAuthorizationResponse,
        OAuthError, RevocationRequest, TokenRequest, TokenResponse,
    };

    #[utoipa::path(get, path = "/.well-known/oauth-authorization-server", tag = "oauth",
        responses((status = 200, description = "RFC 8414 authorization server metadata", body = AuthorizationServerMetadata)))]
    fn metadata() {}

    #[utoipa::path(post, path = "/oauth/device_authorization", tag = "oauth",
        request_body(content = DeviceAuthorizationRequest, content_type = "application/x-www-form-urlencoded"),
        responses(
            (status = 200, description = "RFC 8628 §3.2: the device and user codes", body = DeviceAuthorizationResponse),
            (status = 400, description = "`invalid_request`, `invalid_scope`", body = OAuthError),
            (status = 401, description = "`invalid_client`: an unknown client", body = OAuthError,
                headers(("WWW-Authenticate" = String, description = "The client authentication challenge"))),
        ))]
    fn device_authorization() {}

    #[utoipa::path(post, path = "/oauth/token", tag = "oauth",
        request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
        responses(
            (status = 200, description = "RFC 6749 §5.1: the tokens", body = TokenResponse),
            (status = 400, description = "RFC 6749 §5.2 and RFC 8628 §3.5: `invalid_request`, `invalid_grant`, `unsupported_grant_type`, `invalid_scope`, `authorization_pending`, `slow_down`, `access_denied`, `expired_token`", body = OAuthError),
            (status = 401, description = "`invalid_client`: an unknown client", body = OAuthError,
                headers(("WWW-Authenticate" = String, description = "The client authentication challenge"))),
        ))]
    fn token() {}

    #[utoipa::path(post, path = "/oauth/revoke", tag = "oauth",
        request_body(content = RevocationRequest, content_type = "application/x-www-form-urlencoded"),
        responses(
            (status = 200, description = "RFC 7009: revoked, or the token was not valid anyway"),
            (status = 400, description = "`invalid_request`, `unsupported_token_type`", body = OAuthError),
            (status = 401, description = "`invalid_client`: an unknown client", body = OAuthError,
                headers(("WWW-Authenticate" = String, description = "The client authentication challenge"))),
        ))]
    fn revoke() {}

    #[utoipa::path(get, path = "/device", tag = "oauth",
        params(("user_code" = Option<String>, Query, description = "The user code to show, as in `verification_uri_complete`")),
        responses((status = 200, description = "The verification page: enter the code, approve or deny", content_type = "text/html", body = String)))]
    fn verification_page() {}

    #[utoipa::path(post, path = "/device", tag = "oauth",
        request_body(content = VerificationForm, content_type = "application/x-www-form-urlencoded"),
        responses(
            (status = 200, description = "The page after the lookup or decision, with what happened", content_type = "text/html", body = String),
            (status = 400, description = "Not a form, or no `user_code`: the page asks for the code again", content_type = "text/html", body = String),
        ))]
    fn verification_submit() {}

    #[utoipa::path(get, path = "/oauth/authorize", tag = "oauth",
        params(
            ("response_type" = Option<String>, Query, description = "`code`"),
            ("client_id" = Option<String>, Query, description = "The client", example = "partner-workbench"),
            ("redirect_uri" = Option<String>, Query, description = "A loopback redirect (RFC 8252)"),
            ("scope" = Option<String>, Query, description = "Space-separated scopes"),
            ("state" = Option<String>, Query, description = "Returned unchanged on the redirect"),
            ("code_challenge" = Option<String>, Query, description = "RFC 7636 challenge"),
            ("code_challenge_method" = Option<String>, Query, description = "`S256`"),
        ),
        responses(
            (status = 200, description = "The consent page, or the page saying why the request cannot be served", content_type = "text/html", body = String),
            (status = 303, description = "An error sent back to a valid redirect URI (RFC 6749 §4.1.2.1)",
                headers(("Location" = String, description = "The redirect URI with `error` and `state`"))),
            (status = 400, description = "A request that cannot be sent back to its redirect URI: `invalid_request`, `unsupported_response_type`, `invalid_scope`", body = OAuthError),
            (status = 401, description = "`invalid_client`: no or an unknown client", body = OAuthError,
                headers(("WWW-Authenticate" = String, description = "The client authentication challenge"))),
        ))]
    fn authorize_page() {}

    #[utoipa::path(post, path = "/oauth/authorize", tag = "oauth",
        request_body(content = AuthorizeForm, content_type = "application/x-www-form-urlencoded"),
        responses(
            (status = 200, description = "The page saying why the request cannot be served", content_type = "text/html", body = String),
            (status = 303, description = "Back to the redirect URI with `code` and `state`, or with `error`",
                headers(("Location" = String, description = "The redirect URI with its parameters"))),
            (status = 400, description = "Not a form, or a request that cannot be sent back to its redirect URI", body = OAuthError),
            (status = 401, description = "`invalid_client`: no or an unknown client", body = OAuthError,
                headers(("WWW-Authenticate" = String, description = "The client authentication challenge"))),
        ))]
    fn authorize_submit() {}
}

/// The sandbox's admin routes (loopback only; marked `x-sandbox-only` by [`Security`]).
#[allow(dead_code)]
mod admin {

    use crate::installations::Installation;
    use crate::oauth::{SandboxTokenRequest, TokenResponse};
    use crate::{ApiError, ReviewRequest, UpdateVersion, VersionResource};

    #[utoipa::path(get, path = "/_sandbox/faults", tag = "sandbox-admin",
        responses((status = 200, description = "The one-shot faults waiting to fire and the fault profile", body = Object)))]
    fn list_faults() {}

    #[utoipa::path(post, path = "/_sandbox/faults", tag = "sandbox-admin",
        request_body(content = Object, content_type = "application/json",
            description = "`{path_prefix, kind: truncate|server_error|malformed_json, times}`"),
        responses(
            (status = 201, description = "The fault, registered", body = Object),
            (status = 400, description = "Invalid fault", body = ApiError),
        ))]
    fn add_fault() {}

    #[utoipa::path(put, path = "/_sandbox/faults", tag = "sandbox-admin",
        request_body(content = Object, content_type = "application/json",
            description = "The fault profile: `{latency_ms: {min, max}, error_rate (500 or 503), unavailable_rate (503 only), rate_limit: {every_nth | rate}, retry_after_s, drop_rate, truncate_rate, seed}`"),
        responses(
            (status = 200, description = "The profile in force", body = Object),
            (status = 400, description = "Invalid profile", body = ApiError),
        ))]
    fn set_fault_profile() {}

    #[utoipa::path(delete, path = "/_sandbox/faults", tag = "sandbox-admin",
        responses((status = 204, description = "Every fault and the profile are cleared")))]
    fn clear_faults() {}

    #[utoipa::path(post, path = "/_sandbox/device-codes/{user_code}/approve", tag = "sandbox-admin",
        params(("user_code" = String, Path, description = "The user code, like `WDJB-MJHT`")),
        responses(
            (status = 204, description = "Approved: the next poll gets the tokens"),
            (status = 404, description = "No such user code", body = ApiError),
            (status = 409, description = "Already decided or expired", body = ApiError),
        ))]
    fn approve_device_code() {}

    #[utoipa::path(post, path = "/_sandbox/device-codes/{user_code}/deny", tag = "sandbox-admin",
        params(("user_code" = String, Path, description = "The user code, like `WDJB-MJHT`")),
        responses(
            (status = 204, description = "Denied: the next poll gets `access_denied`"),
            (status = 404, description = "No such user code", body = ApiError),
            (status = 409, description = "Already decided or expired", body = ApiError),
        ))]
    fn deny_device_code() {}

    #[utoipa::path(post, path = "/_sandbox/tokens", tag = "sandbox-admin",
        request_body(content = SandboxTokenRequest, content_type = "application/json"),
        responses(
            (status = 200, description = "Tokens, as the token endpoint would give them", body = TokenResponse),
            (status = 400, description = "Not JSON, or an unknown scope", body = ApiError),
        ))]
    fn issue_token() {}

    #[utoipa::path(patch, path = "/_sandbox/versions/{version_id}", tag = "sandbox-admin",
        params(("version_id" = String, Path, description = "The version's id")),
        request_body(content = UpdateVersion, content_type = "application/json",
            description = "An edit made in the web portal: no `If-Match`; the feed records it with `origin: portal`"),
        responses(
            (status = 200, description = "The edited version", body = VersionResource,
                headers(("ETag" = String, description = "The version's new entity tag"))),
            (status = 400, description = "Malformed JSON or invalid fields", body = ApiError),
            (status = 404, description = "No such version", body = ApiError),
            (status = 409, description = "The section is locked", body = ApiError),
            (status = 413, description = "The body is larger than 256 KiB", body = ApiError),
            (status = 415, description = "The body is not `application/json`", body = ApiError),
        ))]
    fn portal_edit() {}

    #[utoipa::path(post, path = "/_sandbox/versions/{version_id}/review", tag = "sandbox-admin",
        params(("version_id" = String, Path, description = "The version's id")),
        request_body(content = ReviewRequest, content_type = "application/json"),
        responses(
            (status = 200, description = "The version after the decision", body = VersionResource,
                headers(("ETag" = String, description = "The version's new entity tag"))),
            (status = 400, description = "Malformed JSON or invalid fields", body = ApiError),
            (status = 404, description = "No such version", body = ApiError),
            (status = 409, description = "The track is not In Review", body = ApiError),
            (status = 413, description = "The body is larger than 256 KiB", body = ApiError),
            (status = 415, description = "The body is not `application/json`", body = ApiError),
        ))]
    fn review() {}

    #[utoipa::path(post, path = "/_sandbox/versions/{version_id}/advertisement", tag = "sandbox-admin",
        params(("version_id" = String, Path, description = "The version's id")),
        responses(
            (status = 200, description = "Talkdesk published the version on AppConnect: its marketplace track is Advertised (in auto mode this happens by itself, the review delay after the version's marketplace review is approved and its technical track Available)", body = VersionResource,
                headers(("ETag" = String, description = "The version's new entity tag"))),
            (status = 404, description = "No such version", body = ApiError),
            (status = 409, description = "The marketplace track is not Approved, or the technical track is not Available", body = ApiError),
        ))]
    fn publish() {}

    #[utoipa::path(get, path = "/_sandbox/install/{app_id}/{version_id}", tag = "sandbox-admin",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("version_id" = String, Path, description = "The version's id"),
        ),
        responses(
            (status = 200, description = "What a version's install link opens: a page naming the version and who can install it (Talkdesk's page installs it on the account signed in; the sandbox only shows it)", content_type = "text/html"),
            (status = 404, description = "No such app or version", body = ApiError),
        ))]
    fn install_page() {}

    #[utoipa::path(post, path = "/_sandbox/apps/{app_id}/installations", tag = "sandbox-admin",
        params(("app_id" = String, Path, description = "The app's id")),
        request_body(content = crate::installations::InstallationRequestBody, content_type = "application/json"),
        responses(
            (status = 201, description = "A customer asked to install the version: the installation is `installing`, waiting for the partner's confirmation, and the change feed announces it (`installation_requested`)", body = Installation,
                headers(("ETag" = String, description = "The installation's entity tag"))),
            (status = 400, description = "Malformed JSON or invalid fields", body = ApiError),
            (status = 404, description = "No such app or version", body = ApiError),
            (status = 409, description = "The version is not technically Available", body = ApiError),
            (status = 415, description = "The body is not `application/json`", body = ApiError),
        ))]
    fn request_installation() {}

    #[utoipa::path(post, path = "/_sandbox/apps/{app_id}/installations/{id}/update", tag = "sandbox-admin",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("id" = String, Path, description = "The installation's id"),
        ),
        responses(
            (status = 200, description = "The customer changed the installation: its update is `updating`, waiting for the partner to accept or reject it, and the change feed announces it (`installation_requested`)", body = Installation,
                headers(("ETag" = String, description = "The installation's entity tag"))),
            (status = 404, description = "No such app or installation", body = ApiError),
            (status = 409, description = "The installation is not active, or an update is already under way", body = ApiError),
        ))]
    fn request_update() {}

    #[utoipa::path(put, path = "/_sandbox/rules", tag = "sandbox-admin",
        request_body(content = crate::rules::RulesPack, content_type = "application/json",
            description = "The pack the sandbox serves at `GET /rules` and validates icon uploads, submissions and automatic reviews with from now on (kept across restarts). Rules of kinds the engine does not know are kept and reported as not checked"),
        responses(
            (status = 200, description = "The pack in force; the change feed records a `rules_updated` change", body = crate::rules::RulesPack,
                headers(("ETag" = String, description = "The pack's entity tag, as `GET /rules` gives it"))),
            (status = 400, description = "Not a rules pack: malformed JSON, a missing version, a rule without an id or kind, or two rules with one id; the pack in force is unchanged", body = ApiError),
            (status = 413, description = "The body is larger than 256 KiB", body = ApiError),
            (status = 415, description = "The body is not `application/json`", body = ApiError),
        ))]
    fn set_rules() {}
}

/// Raw bytes of a file (the icon upload): a binary string.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
struct Binary(Vec<u8>);

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    #[test]
    fn the_committed_openapi_document_is_up_to_date() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
        let expected = super::render();
        if std::env::var_os("PWB_UPDATE_OPENAPI").is_some() {
            std::fs::write(&path, &expected).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "partner-api/openapi.json is stale: run `PWB_UPDATE_OPENAPI=1 cargo test -p partner-api` and commit it"
        );
    }

    #[test]
    fn the_document_is_openapi_3_1_and_describes_every_route() {
        // The sandbox's test `every_served_route_is_routed_and_in_the_openapi_document_and_no_other`
        // checks this document against the routes the sandbox serves; here, its own promises.
        let doc: serde_json::Value = serde_json::from_str(&super::render()).unwrap();
        assert!(
            doc["openapi"].as_str().unwrap().starts_with("3.1"),
            "OpenAPI 3.1"
        );
        let paths = doc["paths"].as_object().unwrap();
        assert!(paths.len() >= 25, "every route family is described");
        for (path, item) in paths {
            for (method, operation) in item.as_object().unwrap() {
                let secured = operation.get("security").is_some();
                assert_eq!(
                    secured,
                    !super::is_open_path(path),
                    "{method} {path}: a bearer token on exactly the API routes"
                );
                let admin = path.starts_with(super::SANDBOX_ADMIN_PREFIX);
                assert_eq!(
                    operation["tags"][0] == "sandbox-admin",
                    admin,
                    "{method} {path}"
                );
                assert_eq!(
                    operation.get("x-sandbox-only") == Some(&true.into()),
                    admin,
                    "{method} {path}"
                );
            }
        }
        assert!(doc["components"]["securitySchemes"][super::BEARER].is_object());
    }
}
