//! In-process tests of what cannot be reached over real loopback HTTP: a non-loopback peer.

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
        oauth: Arc::new(crate::oauth::OAuth::new(
            crate::oauth::Store::open(&dir.join("sandbox.sqlite3")).unwrap(),
            crate::oauth::OAuthConfig::default(),
            "http://127.0.0.1:1".to_owned(),
        )),
    }
}

async fn get_faults(peer: Option<SocketAddr>) -> Response {
    let dir = tempfile::tempdir().unwrap();
    let mut request = Request::get("/_sandbox/faults")
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
