//! In-process tests of what cannot be reached over real loopback HTTP: a non-loopback peer.
//! The state's port is 1, so every request names `127.0.0.1:1` as its `Host`.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use tower::ServiceExt;

use super::*;
use crate::config::Seed;

fn state(dir: &std::path::Path) -> AppState {
    AppState {
        db: Arc::new(Db::open(&dir.join("sandbox.sqlite3"), Seed::Empty).unwrap()),
        faults: Arc::default(),
        page_size: 20,
        reviews: Arc::default(),
        rules: Arc::default(),
        oauth: Arc::new(crate::oauth::OAuth::new(
            crate::oauth::Store::open(&dir.join("sandbox.sqlite3")).unwrap(),
            crate::oauth::OAuthConfig::default(),
            "http://127.0.0.1:1".to_owned(),
        )),
        trust: Arc::new(crate::trust::Trust::new(
            "127.0.0.1:1".parse().unwrap(),
            None,
            false,
        )),
    }
}

/// The `Host` of every request of these tests (the state's address).
const HOST: &str = "127.0.0.1:1";

async fn get_faults(peer: Option<SocketAddr>) -> Response {
    let dir = tempfile::tempdir().unwrap();
    let mut request = Request::get("/_sandbox/faults")
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap();
    if let Some(peer) = peer {
        request.extensions_mut().insert(ConnectInfo(peer));
    }
    router(state(dir.path())).oneshot(request).await.unwrap()
}

#[tokio::test]
async fn admin_routes_refuse_non_loopback_peers() {
    let response = get_faults(Some("192.0.2.7:40000".parse().unwrap())).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body = axum::body::to_bytes(response.into_body(), 4096)
        .await
        .unwrap();
    let error: partner_api::ApiError = serde_json::from_slice(&body).unwrap();
    assert_eq!(error.code, "forbidden");

    assert_eq!(get_faults(None).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn admin_routes_accept_loopback_peers_v4_v6_and_mapped() {
    for peer in ["127.0.0.1:5000", "[::1]:5000", "[::ffff:127.0.0.1]:5000"] {
        let response = get_faults(Some(peer.parse().unwrap())).await;
        assert_eq!(response.status(), StatusCode::OK, "{peer}");
    }
}

/// A request from a loopback peer, as the admin guard wants.
fn loopback(method: &str, uri: &str, token: Option<&str>) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, HOST);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let mut request = request
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .unwrap();
    let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    request
}

#[tokio::test]
async fn every_served_route_is_routed_and_in_the_openapi_document_and_no_other() {
    let doc = serde_json::to_value(partner_api::openapi::document()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let mut documented = Vec::new();
    for (path, item) in paths {
        for method in [
            "get", "put", "post", "delete", "patch", "head", "options", "trace",
        ] {
            if item.get(method).is_some() {
                documented.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    for (method, path) in SERVED {
        assert!(
            documented.contains(&(method.to_string(), path.to_string())),
            "{method} {path} is served but not in the OpenAPI document"
        );
    }
    for (method, path) in &documented {
        assert!(
            SERVED.contains(&(method.as_str(), path.as_str())),
            "{method} {path} is in the OpenAPI document but not in routes::SERVED"
        );
    }

    // Each listed route really is served: not the fallback's 404, not a 405.
    let dir = tempfile::tempdir().unwrap();
    let app = router(state(dir.path()));
    let response = app
        .clone()
        .oneshot(loopback("POST", "/_sandbox/tokens", None))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = axum::body::to_bytes(response.into_body(), 65536)
        .await
        .unwrap();
    let tokens: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let token = tokens["access_token"].as_str().unwrap().to_owned();
    for (method, path) in SERVED {
        let uri = path.replace("{track}", "technical").replace(['{', '}'], "");
        let response = app
            .clone()
            .oneshot(loopback(method, &uri, Some(&token)))
            .await
            .unwrap();
        let status = response.status();
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(
            !text.contains("\"no route "),
            "{method} {path} fell through to the fallback: {text}"
        );
    }
}

#[tokio::test]
async fn only_a_loopback_admin_replaces_the_rules_pack() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path());
    let rules = state.rules.clone();
    let mut pack = partner_api::rules::default_pack();
    pack.version = "9999.1.0".into();
    let mut request = Request::put("/_sandbox/rules")
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(serde_json::to_vec(&pack).unwrap()))
        .unwrap();
    request.extensions_mut().insert(ConnectInfo(
        "192.0.2.7:40000".parse::<SocketAddr>().unwrap(),
    ));
    let response = router(state).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(rules.current().pack, partner_api::rules::default_pack());
}

#[tokio::test]
async fn a_request_naming_no_host_is_misdirected() {
    let dir = tempfile::tempdir().unwrap();
    let mut request = Request::get("/device").body(Body::empty()).unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo("127.0.0.1:5000".parse::<SocketAddr>().unwrap()));
    let response = router(state(dir.path())).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::MISDIRECTED_REQUEST);
    // HTTP/2 names the host in `:authority`, which is the URI's.
    let request = Request::get("http://127.0.0.1:1/device")
        .body(Body::empty())
        .unwrap();
    let response = router(state(dir.path())).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_public_sandbox_has_no_admin_routes_even_for_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = state(dir.path());
    state.trust = Arc::new(crate::trust::Trust::new(
        "127.0.0.1:1".parse().unwrap(),
        None,
        true,
    ));
    let response = router(state)
        .oneshot(loopback("POST", "/_sandbox/tokens", None))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
