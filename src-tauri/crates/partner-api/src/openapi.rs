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

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Partner Project API",
        description = "The API of Talkdesk Partner Project as Partner Workbench uses it: the partner's apps, their versions and review tracks. Collections are HAL pages: follow `_links.next`, never build page URLs. Errors carry the `ApiError` body.",
        version = "0.1.0"
    ),
    paths(routes::list_apps, routes::get_app, routes::list_versions, routes::get_version, routes::get_icon),
    tags((name = "apps", description = "The partner's apps and their versions"))
)]
struct ApiDoc;

/// The route declarations. These functions are never called: they only carry the
/// `#[utoipa::path]` attributes that describe each route of the contract.
#[allow(dead_code)]
mod routes {
    use workbench_domain::App;

    use crate::{ApiError, Page, VersionResource};

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

    #[utoipa::path(get, path = "/apps/{app_id}", tag = "apps",
        params(("app_id" = String, Path, description = "The app's id")),
        responses(
            (status = 200, description = "The app", body = App),
            (status = 404, description = "No such app", body = ApiError),
        ))]
    fn get_app() {}

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

    #[utoipa::path(get, path = "/apps/{app_id}/versions/{version_id}", tag = "apps",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("version_id" = String, Path, description = "The version's id"),
        ),
        responses(
            (status = 200, description = "The version", body = VersionResource,
                headers(("ETag" = String, description = "The version's entity tag"))),
            (status = 304, description = "Not modified since the `If-None-Match` ETag"),
            (status = 404, description = "No such app or version", body = ApiError),
        ))]
    fn get_version() {}

    #[utoipa::path(get, path = "/apps/{app_id}/versions/{version_id}/icon", tag = "apps",
        params(
            ("app_id" = String, Path, description = "The app's id"),
            ("version_id" = String, Path, description = "The version's id"),
        ),
        responses(
            (status = 200, description = "The icon's bytes",
                content((Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg")),
                headers(("ETag" = String, description = "The icon's entity tag"))),
            (status = 304, description = "Not modified since the `If-None-Match` ETag"),
            (status = 404, description = "No such app or version, or the version has no icon", body = ApiError),
        ))]
    fn get_icon() {}
}

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
        let doc: serde_json::Value = serde_json::from_str(&super::render()).unwrap();
        assert!(
            doc["openapi"].as_str().unwrap().starts_with("3.1"),
            "OpenAPI 3.1"
        );
        for path in [
            "/apps",
            "/apps/{app_id}",
            "/apps/{app_id}/versions",
            "/apps/{app_id}/versions/{version_id}",
            "/apps/{app_id}/versions/{version_id}/icon",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path} is described");
        }
    }
}
