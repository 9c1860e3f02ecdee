//! Every API route needs a token: a pull without a valid one fails as "not signed in", with
//! its own error code, and writes nothing.

use workbench::{ErrorCode, SyncPhase};
use workbench_remote::SecretToken;

use crate::support::{Cache, Server, T1, T2};

#[tokio::test]
async fn a_pull_without_a_token_is_not_signed_in_and_changes_nothing() {
    let server = Server::demo().await;
    let cache = Cache::new();
    cache
        .pull(&server.client(), T1)
        .await
        .expect("a signed-in pull");
    let before = cache.image();

    for client in [
        server.client_without_token(),
        server
            .client_without_token()
            .with_token(SecretToken::new("pwb_at_forged")),
    ] {
        let result = cache.pull(&client, T2).await;

        let status = cache.workbench.status_after(server.base_url(), &result);
        let error = result.expect_err("the server refuses a request without a valid token");
        assert_eq!(error.code(), ErrorCode::NotSignedIn, "{error}");
        assert!(
            error
                .to_string()
                .starts_with("not signed in: sign in, or set PWB_TOKEN and name its server"),
            "the message says what to do: {error}"
        );
        assert!(!error.to_string().contains("pwb_at_forged"), "{error}");
        assert_eq!(status.phase, SyncPhase::Error);
        assert_eq!(status.error_code, Some(ErrorCode::NotSignedIn));
        cache
            .image()
            .assert_unchanged_since(&before, "a refused pull must not touch the cache");
    }
}
