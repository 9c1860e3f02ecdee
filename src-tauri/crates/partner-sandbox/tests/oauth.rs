//! The OAuth 2.0 server and the token check of the API, over real HTTP on 127.0.0.1. Time is
//! the sandbox's [`Clock`], moved forward by the tests, so lifetimes and polling intervals are
//! real rules checked without sleeping.

use std::time::Duration;

use partner_api::ApiError;
use partner_api::oauth::{
    AuthorizationServerMetadata, DeviceAuthorizationResponse, OAuthError, PUBLIC_CLIENT_ID,
    TokenResponse, grant_types,
};
use partner_sandbox::{Config, Sandbox};
use reqwest::StatusCode;
use reqwest::header::{LOCATION, WWW_AUTHENTICATE};
use serde_json::json;

const DEVICE_GRANT: &str = grant_types::DEVICE_CODE;

struct Fx {
    sandbox: Sandbox,
    http: reqwest::Client,
    dir: tempfile::TempDir,
}

impl Fx {
    async fn start() -> Fx {
        Fx::with(|_| {}).await
    }

    /// A `--public` sandbox (on loopback, as a test can reach it).
    async fn public() -> Fx {
        Fx::with(|config| config.public = true).await
    }

    async fn with(adjust: impl FnOnce(&mut Config)) -> Fx {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path());
        adjust(&mut config);
        let sandbox = Sandbox::start(config, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Fx { sandbox, http, dir }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.base_url())
    }

    fn advance(&self, seconds: u64) {
        self.sandbox.clock().advance(Duration::from_secs(seconds));
    }

    async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    async fn device_authorization(&self, scope: Option<&str>) -> DeviceAuthorizationResponse {
        let mut form = vec![("client_id", PUBLIC_CLIENT_ID)];
        if let Some(scope) = scope {
            form.push(("scope", scope));
        }
        let response = self.post_form("/oauth/device_authorization", &form).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["cache-control"], "no-store");
        response.json().await.unwrap()
    }

    /// One token request: the tokens, or the OAuth error with its status.
    async fn token(
        &self,
        form: &[(&str, &str)],
    ) -> Result<TokenResponse, (StatusCode, OAuthError)> {
        let response = self.post_form("/oauth/token", form).await;
        let status = response.status();
        if status == StatusCode::OK {
            assert_eq!(response.headers()["cache-control"], "no-store");
            Ok(response.json().await.unwrap())
        } else {
            Err((status, response.json().await.unwrap()))
        }
    }

    async fn poll(&self, device_code: &str) -> Result<TokenResponse, (StatusCode, OAuthError)> {
        self.token(&[
            ("grant_type", DEVICE_GRANT),
            ("client_id", PUBLIC_CLIENT_ID),
            ("device_code", device_code),
        ])
        .await
    }

    async fn refresh(
        &self,
        refresh_token: &str,
    ) -> Result<TokenResponse, (StatusCode, OAuthError)> {
        self.token(&[
            ("grant_type", "refresh_token"),
            ("client_id", PUBLIC_CLIENT_ID),
            ("refresh_token", refresh_token),
        ])
        .await
    }

    async fn admin(&self, path: &str) -> StatusCode {
        self.http
            .post(self.url(path))
            .send()
            .await
            .unwrap()
            .status()
    }

    async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    async fn apps_status(&self, token: &str) -> StatusCode {
        self.api(reqwest::Method::GET, "/apps", Some(token))
            .await
            .status()
    }
}

fn error_of(result: Result<TokenResponse, (StatusCode, OAuthError)>) -> (StatusCode, String) {
    let (status, error) = result.expect_err("an OAuth error");
    (status, error.error)
}

#[tokio::test]
async fn metadata_names_every_endpoint_on_this_server() {
    let fx = Fx::start().await;
    let response = fx
        .http
        .get(fx.url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "no token needed");
    let meta: AuthorizationServerMetadata = response.json().await.unwrap();
    let base = fx.sandbox.base_url();
    assert_eq!(meta.issuer, base);
    assert_eq!(meta.token_endpoint, format!("{base}/oauth/token"));
    assert_eq!(
        meta.authorization_endpoint,
        format!("{base}/oauth/authorize")
    );
    assert_eq!(
        meta.device_authorization_endpoint.as_deref(),
        Some(format!("{base}/oauth/device_authorization").as_str())
    );
    assert_eq!(
        meta.revocation_endpoint.as_deref(),
        Some(format!("{base}/oauth/revoke").as_str())
    );
    assert_eq!(meta.code_challenge_methods_supported, ["S256"]);
    assert_eq!(
        meta.scopes_supported,
        [
            "apps:read",
            "apps:write",
            "oauth-clients:write",
            "account:read"
        ]
    );
    for grant in [DEVICE_GRANT, "refresh_token", "authorization_code"] {
        assert!(
            meta.grant_types_supported.iter().any(|g| g == grant),
            "{grant}"
        );
    }
}

#[tokio::test]
async fn device_flow_pending_then_approved_by_the_admin_route_gives_working_tokens() {
    let fx = Fx::start().await;
    let codes = fx.device_authorization(Some("apps:read")).await;
    assert_eq!(codes.interval, 5);
    assert_eq!(codes.expires_in, 600);
    let user_code = codes.user_code.as_bytes();
    assert_eq!(user_code.len(), 9, "{}", codes.user_code);
    assert_eq!(user_code[4], b'-');
    assert!(
        codes
            .user_code
            .chars()
            .filter(|c| *c != '-')
            .all(|c| "BCDFGHJKLMNPQRSTVWXZ".contains(c)),
        "no vowels, no ambiguous letters: {}",
        codes.user_code
    );
    assert_eq!(codes.verification_uri, fx.url("/device"));
    assert_eq!(
        codes.verification_uri_complete.as_deref(),
        Some(format!("{}?user_code={}", fx.url("/device"), codes.user_code).as_str())
    );

    fx.advance(5);
    assert_eq!(
        error_of(fx.poll(&codes.device_code).await),
        (StatusCode::BAD_REQUEST, "authorization_pending".into())
    );
    let approve = format!("/_sandbox/device-codes/{}/approve", codes.user_code);
    assert_eq!(fx.admin(&approve).await, StatusCode::NO_CONTENT);
    assert_eq!(
        fx.admin(&approve).await,
        StatusCode::CONFLICT,
        "decided once"
    );
    assert_eq!(
        fx.admin("/_sandbox/device-codes/BBBB-BBBB/approve").await,
        StatusCode::NOT_FOUND
    );

    fx.advance(5);
    let tokens = fx.poll(&codes.device_code).await.expect("tokens");
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(tokens.scope, "apps:read");
    assert_eq!(tokens.expires_in, 3600);
    assert!(tokens.refresh_token.is_some());
    assert_eq!(fx.apps_status(&tokens.access_token).await, StatusCode::OK);

    fx.advance(5);
    assert_eq!(
        error_of(fx.poll(&codes.device_code).await),
        (StatusCode::BAD_REQUEST, "invalid_grant".into()),
        "a device code gives tokens once"
    );
}

#[tokio::test]
async fn device_flow_denied_is_access_denied() {
    let fx = Fx::start().await;
    let codes = fx.device_authorization(None).await;
    let deny = format!(
        "/_sandbox/device-codes/{}/deny",
        codes.user_code.to_lowercase()
    );
    assert_eq!(
        fx.admin(&deny).await,
        StatusCode::NO_CONTENT,
        "any case works"
    );
    fx.advance(5);
    assert_eq!(
        error_of(fx.poll(&codes.device_code).await),
        (StatusCode::BAD_REQUEST, "access_denied".into())
    );
}

#[tokio::test]
async fn device_code_expires_into_expired_token() {
    let fx = Fx::start().await;
    let codes = fx.device_authorization(None).await;
    fx.advance(601);
    assert_eq!(
        error_of(fx.poll(&codes.device_code).await),
        (StatusCode::BAD_REQUEST, "expired_token".into())
    );
    let approve = format!("/_sandbox/device-codes/{}/approve", codes.user_code);
    assert_eq!(
        fx.admin(&approve).await,
        StatusCode::CONFLICT,
        "too late to approve"
    );
}

#[tokio::test]
async fn polling_too_fast_is_slow_down_and_raises_the_interval_by_five_seconds() {
    let fx = Fx::start().await;
    let codes = fx.device_authorization(None).await;
    // Before the interval has passed since the codes were issued: too fast.
    let (status, error) = fx.poll(&codes.device_code).await.expect_err("too fast");
    assert_eq!(
        (status, error.error.as_str()),
        (StatusCode::BAD_REQUEST, "slow_down")
    );
    assert!(
        error.error_description.contains("10 seconds"),
        "{}",
        error.error_description
    );

    // The old interval is no longer enough...
    fx.advance(5);
    assert_eq!(error_of(fx.poll(&codes.device_code).await).1, "slow_down");
    // ...now 15 s: polling at the new interval works.
    fx.advance(15);
    assert_eq!(
        error_of(fx.poll(&codes.device_code).await).1,
        "authorization_pending"
    );
    fx.advance(15);
    assert_eq!(
        error_of(fx.poll(&codes.device_code).await).1,
        "authorization_pending"
    );
    fx.advance(14);
    assert_eq!(error_of(fx.poll(&codes.device_code).await).1, "slow_down");
}

#[tokio::test]
async fn the_verification_page_answers_a_request_without_its_form_with_a_400_page() {
    let fx = Fx::start().await;
    for request in [
        fx.http.post(fx.url("/device")),
        fx.http
            .post(fx.url("/device"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("AAA"),
    ] {
        let page = request.send().await.unwrap();
        assert_eq!(page.status(), StatusCode::BAD_REQUEST);
        let content_type = page.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(content_type.starts_with("text/html"), "{content_type}");
        let html = page.text().await.unwrap();
        assert!(html.contains("enter the code again"), "{html}");
    }
}

#[tokio::test]
async fn the_verification_page_approves_through_its_html_form() {
    let fx = Fx::start().await;
    let codes = fx.device_authorization(None).await;

    let page = fx.http.get(fx.url("/device")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "no token needed");
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    assert!(
        html.contains("<form method=\"post\" action=\"/device\">"),
        "{html}"
    );
    assert!(!html.contains("<script"), "no script");

    let complete = codes.verification_uri_complete.clone().unwrap();
    let html = fx
        .http
        .get(&complete)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&codes.user_code), "prefilled: {html}");
    assert!(html.contains("value=\"approve\"") && html.contains("value=\"deny\""));

    // Typed by a person: lower case, no hyphen.
    let typed = codes.user_code.replace('-', "").to_lowercase();
    let done = fx
        .post_form("/device", &[("user_code", &typed), ("decision", "approve")])
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    assert!(done.text().await.unwrap().contains("Device approved"));

    fx.advance(5);
    let tokens = fx
        .poll(&codes.device_code)
        .await
        .expect("approved through the page");
    assert_eq!(fx.apps_status(&tokens.access_token).await, StatusCode::OK);

    let again = fx
        .post_form("/device", &[("user_code", &typed), ("decision", "deny")])
        .await
        .text()
        .await
        .unwrap();
    assert!(again.contains("already"), "{again}");
}

#[tokio::test]
async fn the_verification_page_escapes_what_it_was_given() {
    let fx = Fx::start().await;
    let hostile = "<script>alert(1)</script>\"><img src=x>";
    let html = fx
        .http
        .get(fx.url("/device"))
        .query(&[("user_code", hostile)])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<img src=x>"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
    assert!(html.contains("unknown"), "the code is refused: {html}");
}

#[tokio::test]
async fn refresh_rotates_and_reuse_of_a_spent_refresh_token_revokes_the_family() {
    let fx = Fx::start().await;
    let first = fx.sandbox.issue_token(&[]).unwrap();
    let r1 = first.refresh_token.clone().unwrap();

    let second = fx.refresh(&r1).await.expect("a refresh");
    let r2 = second.refresh_token.clone().unwrap();
    assert_ne!(r1, r2, "a new refresh token each time");
    assert_ne!(first.access_token, second.access_token);
    assert_eq!(
        second.scope,
        "apps:read apps:write oauth-clients:write account:read"
    );
    assert_eq!(fx.apps_status(&second.access_token).await, StatusCode::OK);

    let third = fx.refresh(&r2).await.expect("the new refresh token works");
    let r3 = third.refresh_token.clone().unwrap();
    assert_eq!(fx.apps_status(&third.access_token).await, StatusCode::OK);

    // r1 is spent: presenting it again is a theft signal.
    assert_eq!(
        error_of(fx.refresh(&r1).await),
        (StatusCode::BAD_REQUEST, "invalid_grant".into())
    );
    for access in [
        &first.access_token,
        &second.access_token,
        &third.access_token,
    ] {
        assert_eq!(fx.apps_status(access).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        error_of(fx.refresh(&r3).await).1,
        "invalid_grant",
        "the family is gone"
    );
}

#[tokio::test]
async fn refresh_can_narrow_but_not_widen_the_scope() {
    let fx = Fx::start().await;
    let tokens = fx
        .sandbox
        .issue_token(&["apps:read", "apps:write"])
        .unwrap();
    let refresh = tokens.refresh_token.unwrap();
    let widened = fx
        .token(&[
            ("grant_type", "refresh_token"),
            ("client_id", PUBLIC_CLIENT_ID),
            ("refresh_token", &refresh),
            ("scope", "apps:read account:read"),
        ])
        .await;
    assert_eq!(error_of(widened).1, "invalid_scope");
    let narrowed = fx
        .token(&[
            ("grant_type", "refresh_token"),
            ("client_id", PUBLIC_CLIENT_ID),
            ("refresh_token", &refresh),
            ("scope", "apps:read"),
        ])
        .await
        .expect("a narrower scope");
    assert_eq!(narrowed.scope, "apps:read");
    let write = fx
        .api(reqwest::Method::POST, "/apps", Some(&narrowed.access_token))
        .await;
    assert_eq!(write.status(), StatusCode::FORBIDDEN);
}

/// A PKCE pair: a verifier and its S256 challenge.
fn pkce(seed: char) -> (String, String) {
    use base64::Engine;
    use sha2::Digest;
    let verifier: String = std::iter::repeat_n(seed, 50).collect();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

const REDIRECT: &str = "http://127.0.0.1:53682/callback";

impl Fx {
    /// Approves an authorization request through the page's form; the redirect's query.
    async fn authorize(&self, challenge: &str, decision: &str) -> url::Url {
        let params = [
            ("response_type", "code"),
            ("client_id", PUBLIC_CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("scope", "apps:read"),
            ("state", "xyz-state"),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ];
        let page = self
            .http
            .get(self.url("/oauth/authorize"))
            .query(&params)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains("value=\"approve\""), "{html}");
        let mut form = params.to_vec();
        form.push(("decision", decision));
        let response = self.post_form("/oauth/authorize", &form).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response.headers()[LOCATION].to_str().unwrap();
        assert!(location.starts_with(REDIRECT), "{location}");
        url::Url::parse(location).unwrap()
    }

    async fn exchange(
        &self,
        code: &str,
        verifier: &str,
        redirect: &str,
    ) -> Result<TokenResponse, (StatusCode, OAuthError)> {
        self.token(&[
            ("grant_type", "authorization_code"),
            ("client_id", PUBLIC_CLIENT_ID),
            ("code", code),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
        ])
        .await
    }
}

fn query(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn authorization_code_with_pkce_and_a_loopback_redirect() {
    let fx = Fx::start().await;
    let (verifier, challenge) = pkce('a');
    let back = fx.authorize(&challenge, "approve").await;
    assert_eq!(query(&back, "state").as_deref(), Some("xyz-state"));
    let code = query(&back, "code").expect("a code");

    let tokens = fx
        .exchange(&code, &verifier, REDIRECT)
        .await
        .expect("the right verifier");
    assert_eq!(tokens.scope, "apps:read");
    assert_eq!(fx.apps_status(&tokens.access_token).await, StatusCode::OK);
    assert_eq!(
        error_of(fx.exchange(&code, &verifier, REDIRECT).await).1,
        "invalid_grant",
        "a code works once"
    );
    assert_eq!(
        fx.apps_status(&tokens.access_token).await,
        StatusCode::UNAUTHORIZED,
        "a replayed code revokes what it gave"
    );

    // The wrong verifier, and the wrong redirect URI.
    let (_, challenge) = pkce('b');
    let code = query(&fx.authorize(&challenge, "approve").await, "code").unwrap();
    let (other_verifier, _) = pkce('c');
    assert_eq!(
        error_of(fx.exchange(&code, &other_verifier, REDIRECT).await),
        (StatusCode::BAD_REQUEST, "invalid_grant".into())
    );
    let (verifier, challenge) = pkce('d');
    let code = query(&fx.authorize(&challenge, "approve").await, "code").unwrap();
    assert_eq!(
        error_of(
            fx.exchange(&code, &verifier, "http://127.0.0.1:53682/other")
                .await
        )
        .1,
        "invalid_grant"
    );

    // Denied: back to the app with access_denied.
    let back = fx.authorize(&challenge, "deny").await;
    assert_eq!(query(&back, "error").as_deref(), Some("access_denied"));
    assert_eq!(query(&back, "state").as_deref(), Some("xyz-state"));
    assert_eq!(query(&back, "code"), None);
}

#[tokio::test]
async fn authorization_requests_are_refused_without_redirecting_to_an_unchecked_uri() {
    let fx = Fx::start().await;
    let (_, challenge) = pkce('e');
    for (client, redirect, expected) in [
        (
            PUBLIC_CLIENT_ID,
            "http://evil.example/cb",
            "invalid_request",
        ),
        (
            PUBLIC_CLIENT_ID,
            "https://127.0.0.1:5000/cb",
            "invalid_request",
        ),
        (
            PUBLIC_CLIENT_ID,
            "http://localhost:5000/cb",
            "invalid_request",
        ),
        ("someone-else", REDIRECT, "invalid_client"),
    ] {
        let response = fx
            .http
            .get(fx.url("/oauth/authorize"))
            .query(&[
                ("response_type", "code"),
                ("client_id", client),
                ("redirect_uri", redirect),
                ("code_challenge", challenge.as_str()),
                ("code_challenge_method", "S256"),
            ])
            .send()
            .await
            .unwrap();
        assert!(response.headers().get(LOCATION).is_none(), "{redirect}");
        assert!(response.status().is_client_error(), "{redirect}");
        let error: OAuthError = response.json().await.unwrap();
        assert_eq!(error.error, expected, "{client} {redirect}");
    }
    // With a good redirect URI, a missing PKCE challenge goes back to the app as an error.
    let response = fx
        .http
        .get(fx.url("/oauth/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", PUBLIC_CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("state", "s1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let back = url::Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert_eq!(query(&back, "error").as_deref(), Some("invalid_request"));
    assert_eq!(query(&back, "state").as_deref(), Some("s1"));
}

#[tokio::test]
async fn revocation_ends_tokens_and_is_200_for_unknown_ones() {
    let fx = Fx::start().await;
    let revoke = |token: String| {
        let fx = &fx;
        async move {
            fx.post_form(
                "/oauth/revoke",
                &[("token", &token), ("client_id", PUBLIC_CLIENT_ID)],
            )
            .await
            .status()
        }
    };
    let a = fx.sandbox.issue_token(&[]).unwrap();
    assert_eq!(revoke(a.access_token.clone()).await, StatusCode::OK);
    assert_eq!(
        fx.apps_status(&a.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    let refreshed = fx
        .refresh(a.refresh_token.as_ref().unwrap())
        .await
        .expect("revoking an access token leaves its refresh token");

    // A refresh token takes its family with it.
    assert_eq!(
        revoke(refreshed.refresh_token.clone().unwrap()).await,
        StatusCode::OK
    );
    assert_eq!(
        fx.apps_status(&refreshed.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        error_of(fx.refresh(refreshed.refresh_token.as_ref().unwrap()).await).1,
        "invalid_grant"
    );

    assert_eq!(revoke("pwb_at_never-issued".into()).await, StatusCode::OK);
    let unknown_client = fx
        .post_form(
            "/oauth/revoke",
            &[("token", "x"), ("client_id", "someone-else")],
        )
        .await;
    assert_eq!(unknown_client.status(), StatusCode::UNAUTHORIZED);
    let error: OAuthError = unknown_client.json().await.unwrap();
    assert_eq!(error.error, "invalid_client");
}

#[tokio::test]
async fn api_routes_need_a_valid_unexpired_token() {
    let fx = Fx::start().await;
    let expect_401 = |response: reqwest::Response| async move {
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let challenge = response.headers()[WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(challenge.starts_with("Bearer"), "{challenge}");
        let error: ApiError = response.json().await.unwrap();
        assert_eq!(error.code, "unauthorized");
        challenge
    };
    for path in [
        "/apps",
        "/apps/app-acme-crm/versions",
        "/changes",
        "/account",
        "/nowhere",
    ] {
        expect_401(fx.api(reqwest::Method::GET, path, None).await).await;
    }
    let challenge = expect_401(
        fx.api(reqwest::Method::GET, "/apps", Some("pwb_at_forged"))
            .await,
    )
    .await;
    assert!(challenge.contains("invalid_token"), "{challenge}");
    let basic = fx
        .http
        .get(fx.url("/apps"))
        .basic_auth(PUBLIC_CLIENT_ID, Some(""))
        .send()
        .await
        .unwrap();
    expect_401(basic).await;

    let tokens = fx.sandbox.issue_token(&[]).unwrap();
    assert_eq!(fx.apps_status(&tokens.access_token).await, StatusCode::OK);
    fx.advance(3599);
    assert_eq!(fx.apps_status(&tokens.access_token).await, StatusCode::OK);
    fx.advance(2);
    expect_401(
        fx.api(reqwest::Method::GET, "/apps", Some(&tokens.access_token))
            .await,
    )
    .await;
    // The refresh token outlives it.
    let fresh = fx
        .refresh(tokens.refresh_token.as_ref().unwrap())
        .await
        .expect("refresh");
    assert_eq!(fx.apps_status(&fresh.access_token).await, StatusCode::OK);
}

#[tokio::test]
async fn a_token_without_the_routes_scope_is_403_insufficient_scope() {
    let fx = Fx::start().await;
    let account_only = fx.sandbox.issue_token(&["account:read"]).unwrap();
    for (method, path, scope) in [
        (reqwest::Method::GET, "/apps", "apps:read"),
        (
            reqwest::Method::GET,
            "/apps/app-acme-crm/versions",
            "apps:read",
        ),
        (reqwest::Method::PATCH, "/apps/app-acme-crm", "apps:write"),
        (
            reqwest::Method::GET,
            "/oauth-clients",
            "oauth-clients:write",
        ),
    ] {
        let response = fx
            .api(method.clone(), path, Some(&account_only.access_token))
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{method} {path}");
        let challenge = response.headers()[WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            challenge.contains(&format!("scope=\"{scope}\"")),
            "{challenge}"
        );
        let error: ApiError = response.json().await.unwrap();
        assert_eq!(error.code, "insufficient_scope");
        assert!(error.message.contains(scope), "{}", error.message);
    }
    let read_only = fx.sandbox.issue_token(&["apps:read"]).unwrap();
    assert_eq!(
        fx.apps_status(&read_only.access_token).await,
        StatusCode::OK
    );
    let write = fx
        .api(
            reqwest::Method::PATCH,
            "/apps/app-acme-crm",
            Some(&read_only.access_token),
        )
        .await;
    assert_eq!(write.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn token_endpoint_errors() {
    let fx = Fx::start().await;
    let unknown_client = fx
        .post_form(
            "/oauth/device_authorization",
            &[("client_id", "someone-else")],
        )
        .await;
    assert_eq!(unknown_client.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        unknown_client.json::<OAuthError>().await.unwrap().error,
        "invalid_client"
    );
    let no_client = fx.post_form("/oauth/device_authorization", &[]).await;
    assert_eq!(no_client.status(), StatusCode::UNAUTHORIZED);
    let bad_scope = fx
        .post_form(
            "/oauth/device_authorization",
            &[
                ("client_id", PUBLIC_CLIENT_ID),
                ("scope", "apps:read everything"),
            ],
        )
        .await;
    assert_eq!(bad_scope.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        bad_scope.json::<OAuthError>().await.unwrap().error,
        "invalid_scope"
    );

    assert_eq!(
        error_of(
            fx.token(&[("grant_type", "password"), ("client_id", PUBLIC_CLIENT_ID)])
                .await
        ),
        (StatusCode::BAD_REQUEST, "unsupported_grant_type".into())
    );
    assert_eq!(
        error_of(
            fx.token(&[
                ("grant_type", DEVICE_GRANT),
                ("client_id", PUBLIC_CLIENT_ID)
            ])
            .await
        )
        .1,
        "invalid_request",
        "device_code missing"
    );
    assert_eq!(
        error_of(fx.token(&[("client_id", PUBLIC_CLIENT_ID)]).await).1,
        "invalid_request"
    );
    assert_eq!(error_of(fx.poll("pwb_dc_unknown").await).1, "invalid_grant");
    // JSON instead of a form.
    let json_body = fx
        .http
        .post(fx.url("/oauth/token"))
        .json(&json!({"grant_type": "refresh_token"}))
        .send()
        .await
        .unwrap();
    assert_eq!(json_body.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        json_body.json::<OAuthError>().await.unwrap().error,
        "invalid_request"
    );
    // The client named through HTTP Basic works too.
    let basic = fx
        .http
        .post(fx.url("/oauth/device_authorization"))
        .basic_auth(PUBLIC_CLIENT_ID, Some(""))
        .form(&[("scope", "apps:read")])
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::OK);
}

#[tokio::test]
async fn admin_token_route_and_tokens_survive_a_restart_stored_only_as_hashes() {
    let fx = Fx::start().await;
    let response = fx
        .http
        .post(fx.url("/_sandbox/tokens"))
        .json(&json!({"scopes": ["apps:read"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let tokens: TokenResponse = response.json().await.unwrap();
    assert_eq!(tokens.scope, "apps:read");
    let bad = fx
        .http
        .post(fx.url("/_sandbox/tokens"))
        .json(&json!({"scopes": ["root"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(
        !format!("{tokens:?}").contains(&tokens.access_token),
        "Debug redacts"
    );

    let Fx { sandbox, http, dir } = fx;
    let listen = sandbox.addr();
    sandbox.stop().await;
    let raw = std::fs::read(dir.path().join("sandbox.sqlite3")).unwrap();
    let wal = std::fs::read(dir.path().join("sandbox.sqlite3-wal")).unwrap_or_default();
    for secret in [&tokens.access_token, tokens.refresh_token.as_ref().unwrap()] {
        let needle = secret.as_bytes();
        for bytes in [&raw, &wal] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "a token is stored in the clear"
            );
        }
    }

    let sandbox = Sandbox::start(Config::new(dir.path()), listen)
        .await
        .unwrap();
    let fx = Fx { sandbox, http, dir };
    assert_eq!(fx.apps_status(&tokens.access_token).await, StatusCode::OK);
}

#[tokio::test]
async fn a_public_sandbox_authorizes_only_after_the_demo_partner_signs_in() {
    let fx = Fx::public().await;
    assert_eq!(
        fx.admin("/_sandbox/device-codes/ABCD-EFGH/approve").await,
        StatusCode::NOT_FOUND,
        "no admin routes"
    );
    let (verifier, challenge) = pkce('p');
    let params = [
        ("response_type", "code"),
        ("client_id", PUBLIC_CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("scope", "apps:read"),
        ("state", "xyz-state"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let html = fx
        .http
        .get(fx.url("/oauth/authorize"))
        .query(&params)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("name=\"password\""), "{html}");
    for (decision, password) in [
        ("approve", None),
        ("approve", Some("wrong")),
        ("deny", None),
    ] {
        let mut form = params.to_vec();
        form.push(("decision", decision));
        if let Some(password) = password {
            form.extend([
                ("login", partner_sandbox::DEMO_PARTNER_LOGIN),
                ("password", password),
            ]);
        }
        let response = fx.post_form("/oauth/authorize", &form).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{decision} {password:?}: the page again"
        );
        let html = response.text().await.unwrap();
        assert!(html.contains("Sign in as the demo partner"), "{html}");
        assert!(html.contains("wrong"), "says why: {html}");
    }
    let mut form = params.to_vec();
    form.extend([
        ("decision", "approve"),
        ("login", partner_sandbox::DEMO_PARTNER_LOGIN),
        ("password", partner_sandbox::DEMO_PARTNER_PASSWORD),
    ]);
    let response = fx.post_form("/oauth/authorize", &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let back = url::Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    let code = query(&back, "code").expect("a code once signed in");
    let tokens = fx.exchange(&code, &verifier, REDIRECT).await.unwrap();
    assert_eq!(fx.apps_status(&tokens.access_token).await, StatusCode::OK);
}

#[tokio::test]
async fn a_public_device_page_decides_only_after_the_demo_partner_signs_in() {
    let fx = Fx::public().await;
    let codes = fx.device_authorization(None).await;
    let refused = fx
        .post_form(
            "/device",
            &[("user_code", &codes.user_code), ("decision", "approve")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(refused.contains("name=\"password\""), "{refused}");
    fx.advance(5);
    assert_eq!(
        error_of(fx.poll(&codes.device_code).await).1,
        "authorization_pending"
    );
    let done = fx
        .post_form(
            "/device",
            &[
                ("user_code", &codes.user_code),
                ("decision", "approve"),
                ("login", partner_sandbox::DEMO_PARTNER_LOGIN),
                ("password", partner_sandbox::DEMO_PARTNER_PASSWORD),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(done.contains("Device approved"), "{done}");
    fx.advance(5);
    let tokens = fx.poll(&codes.device_code).await.expect("approved");
    assert_eq!(fx.apps_status(&tokens.access_token).await, StatusCode::OK);
}
