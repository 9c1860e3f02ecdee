//! `Authorization: Bearer` on every API route, and the scope each route needs.
//!
//! Open without a token: the metadata (`/.well-known/...`), the OAuth endpoints (`/oauth/...`),
//! the verification page (`/device`) and the admin area (`/_sandbox/...`, loopback only by its
//! own guard). Everything else, unknown paths included, needs a valid access token: 401 with
//! the `ApiError` body (code `unauthorized`) and `WWW-Authenticate: Bearer` otherwise. A valid
//! token without the route's scope gets 403 (code `insufficient_scope`).

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use partner_api::oauth::{paths, scopes};

use crate::error::HttpError;
use crate::routes::{ADMIN_PREFIX, AppState};

/// Which methods a [`ScopeRule`] covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Methods {
    /// GET and HEAD.
    Read,
    /// Every other method.
    Write,
    Any,
}

impl Methods {
    fn covers(self, method: &Method) -> bool {
        let read = method == Method::GET || method == Method::HEAD;
        match self {
            Methods::Read => read,
            Methods::Write => !read,
            Methods::Any => true,
        }
    }
}

/// The scope needed by requests whose path is `prefix` or lies under it (`prefix/...`).
#[derive(Debug, Clone, Copy)]
pub struct ScopeRule {
    pub prefix: &'static str,
    pub methods: Methods,
    pub scope: &'static str,
}

/// The scope of every route, by path prefix; the first matching rule wins. A path no rule
/// names still needs a valid token, but no particular scope.
pub const SCOPE_RULES: &[ScopeRule] = &[
    ScopeRule {
        prefix: "/apps",
        methods: Methods::Read,
        scope: scopes::APPS_READ,
    },
    ScopeRule {
        prefix: "/apps",
        methods: Methods::Write,
        scope: scopes::APPS_WRITE,
    },
    ScopeRule {
        prefix: "/changes",
        methods: Methods::Read,
        scope: scopes::APPS_READ,
    },
    ScopeRule {
        prefix: "/rules",
        methods: Methods::Read,
        scope: scopes::APPS_READ,
    },
    ScopeRule {
        prefix: "/oauth-clients",
        methods: Methods::Any,
        scope: scopes::OAUTH_CLIENTS_WRITE,
    },
    ScopeRule {
        prefix: "/account",
        methods: Methods::Any,
        scope: scopes::ACCOUNT_READ,
    },
];

/// The scope a request needs, if any.
pub fn required_scope(method: &Method, path: &str) -> Option<&'static str> {
    SCOPE_RULES
        .iter()
        .find(|rule| under(path, rule.prefix) && rule.methods.covers(method))
        .map(|rule| rule.scope)
}

/// Whether a path is served without a token.
pub fn is_open(path: &str) -> bool {
    under(path, "/.well-known")
        || under(path, "/oauth")
        || under(path, paths::DEVICE_VERIFICATION)
        || under(path, ADMIN_PREFIX)
}

/// `path` is `prefix` or below it: `/apps` covers `/apps/x` but not `/apps-old`.
fn under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

pub async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if is_open(path) {
        return next.run(request).await;
    }
    let needed = required_scope(request.method(), path);
    let Some(token) = bearer(&request) else {
        return unauthorized(
            "this route needs an access token: send Authorization: Bearer <token>",
            "Bearer realm=\"partner-sandbox\"".to_owned(),
        );
    };
    let now = state.oauth.config.clock.now_ms();
    let granted = state
        .oauth
        .run(move |store, _| Ok(store.authenticate(now, &token)?))
        .await;
    let granted = match granted {
        Ok(Some(granted)) => granted,
        Ok(None) => {
            return unauthorized(
                "the access token is unknown, expired or revoked; sign in again or refresh it",
                "Bearer realm=\"partner-sandbox\", error=\"invalid_token\", \
                 error_description=\"the access token is unknown, expired or revoked\""
                    .to_owned(),
            );
        }
        Err(failure) => return failure.into_response(),
    };
    let held: Vec<String> = granted.scope.split(' ').map(str::to_owned).collect();
    if let Some(scope) = needed
        && !held.iter().any(|s| s == scope)
    {
        let mut response = HttpError::new(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            format!("this request needs the scope {scope}, which the access token lacks"),
        )
        .into_response();
        if let Ok(value) = HeaderValue::from_str(&format!(
            "Bearer realm=\"partner-sandbox\", error=\"insufficient_scope\", scope=\"{scope}\""
        )) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        return response;
    }
    next.run(request).await
}

/// The token of `Authorization: Bearer <token>` (the scheme in any case, RFC 6750 §2.1).
fn bearer(request: &Request) -> Option<String> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

fn unauthorized(message: &str, challenge: String) -> Response {
    let mut response =
        HttpError::new(StatusCode::UNAUTHORIZED, "unauthorized", message).into_response();
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_by_method_and_prefix() {
        let cases = [
            (Method::GET, "/apps", Some(scopes::APPS_READ)),
            (
                Method::HEAD,
                "/apps/x/versions/y/icon",
                Some(scopes::APPS_READ),
            ),
            (Method::POST, "/apps", Some(scopes::APPS_WRITE)),
            (
                Method::PATCH,
                "/apps/x/versions/y",
                Some(scopes::APPS_WRITE),
            ),
            (
                Method::PUT,
                "/apps/x/versions/y/icon",
                Some(scopes::APPS_WRITE),
            ),
            (
                Method::DELETE,
                "/apps/x/versions/y/submissions/technical",
                Some(scopes::APPS_WRITE),
            ),
            (Method::GET, "/changes", Some(scopes::APPS_READ)),
            (Method::GET, "/rules", Some(scopes::APPS_READ)),
            (
                Method::GET,
                "/oauth-clients",
                Some(scopes::OAUTH_CLIENTS_WRITE),
            ),
            (
                Method::DELETE,
                "/oauth-clients/c1",
                Some(scopes::OAUTH_CLIENTS_WRITE),
            ),
            (Method::GET, "/account", Some(scopes::ACCOUNT_READ)),
            (Method::GET, "/apps-old", None),
            (Method::GET, "/unknown", None),
        ];
        for (method, path, scope) in cases {
            assert_eq!(required_scope(&method, path), scope, "{method} {path}");
        }
    }

    #[test]
    fn open_paths() {
        for open in [
            "/.well-known/oauth-authorization-server",
            "/oauth/token",
            "/oauth/authorize",
            "/device",
            "/_sandbox/faults",
        ] {
            assert!(is_open(open), "{open}");
        }
        for closed in [
            "/apps",
            "/devices",
            "/oauth-clients",
            "/account",
            "/",
            "/_sandboxes",
        ] {
            assert!(!is_open(closed), "{closed}");
        }
    }
}
