//! Switching profiles for real: two profiles' caches in a temporary data root, the embedded
//! sandbox started and synced over HTTP, then stopped by the switch.

use std::sync::Arc;

use time::OffsetDateTime;
use workbench::ErrorCode as CoreCode;
use workbench::SignInSettings;
use workbench::profiles::{PROFILES_DIR, Profiles};

use super::*;

/// A data root with a custom profile `other` on a port where nothing listens.
fn data_root() -> (tempfile::TempDir, Profiles) {
    let root = tempfile::tempdir().unwrap();
    let profiles = Profiles::at(root.path());
    profiles
        .add("other", "http://127.0.0.1:9", &SignInSettings::default())
        .unwrap();
    (root, profiles)
}

/// Syncs the current session as the app's start-up sync does; answers the sandbox's URL.
async fn sync_embedded(state: &AppState) -> String {
    let session = state.session();
    let workbench = session.workbench().unwrap();
    let mut connection = crate::sync::connection(&session, &workbench).await.unwrap();
    let connection = connection.as_mut().unwrap();
    workbench
        .sync(connection, OffsetDateTime::now_utc(), |_| {})
        .await
        .unwrap();
    connection.sandbox.as_ref().unwrap().base_url()
}

#[tokio::test]
async fn switching_opens_the_other_profiles_own_cache_and_stops_the_embedded_sandbox() {
    let (root, profiles) = data_root();
    let state = AppState::open_in(Ok(profiles.clone()), None, None);
    let first = state.session();
    assert_eq!(first.profile, "sandbox");
    assert_eq!(first.chosen_by, None);
    let sandbox_url = sync_embedded(&state).await;
    let sandbox_apps = state.workbench().unwrap().list_apps().unwrap().len();
    assert!(sandbox_apps > 0, "the demo partner's apps are cached");
    let http = reqwest::Client::new();
    assert!(
        http.get(format!("{sandbox_url}/healthz"))
            .send()
            .await
            .is_ok()
    );

    let switched = state.switch_to(&profiles, "other").await.unwrap();
    assert!(matches!(switched, Switched::To(_)));
    assert_eq!(profiles.active().unwrap().name, "other");
    let second = state.session();
    assert_eq!(second.profile, "other");
    assert_eq!(second.server, ServerChoice::url("http://127.0.0.1:9"));
    let workbench = second.workbench().unwrap();
    assert_eq!(
        workbench.data_dir(),
        root.path().join(PROFILES_DIR).join("other")
    );
    assert!(
        workbench.list_apps().unwrap().is_empty(),
        "its own, empty cache"
    );
    assert!(first.is_closed() && first.connection.lock().await.is_none());
    assert!(
        http.get(format!("{sandbox_url}/healthz"))
            .send()
            .await
            .is_err(),
        "the embedded sandbox stopped with the connection"
    );
    // The old session opens no connection again.
    let old_workbench = first.workbench().unwrap();
    assert!(
        crate::sync::connection(&first, &old_workbench)
            .await
            .is_err()
    );
    // The other profile's server is not there: the sync says offline, the cache stays empty.
    let result = {
        let mut connection = crate::sync::connection(&second, &workbench).await;
        match connection.as_mut() {
            Ok(connection) => workbench
                .sync(
                    connection.as_mut().unwrap(),
                    OffsetDateTime::now_utc(),
                    |_| {},
                )
                .await
                .map(|_| ()),
            Err(_) => Err(workbench::WorkbenchError::Settings("no connection".into())),
        }
    };
    assert_eq!(result.unwrap_err().code(), CoreCode::ServerUnreachable);

    // And back: the sandbox profile's cache, kept as it was.
    let back = state.switch_to(&profiles, "sandbox").await.unwrap();
    assert!(matches!(back, Switched::To(_)));
    assert_eq!(profiles.active().unwrap().name, "sandbox");
    assert_eq!(
        state.workbench().unwrap().list_apps().unwrap().len(),
        sandbox_apps
    );
    assert!(second.is_closed());
}

#[tokio::test]
async fn a_bad_switch_changes_nothing_and_the_same_profile_is_no_switch() {
    let (_root, profiles) = data_root();
    let state = AppState::open_in(Ok(profiles.clone()), Some("other"), None);
    let before = state.session();
    assert_eq!(before.profile, "other");
    assert_eq!(before.chosen_by.as_deref(), Some("PWB_PROFILE=other"));
    assert_eq!(profiles.active().unwrap().name, "sandbox");

    let error = state.switch_to(&profiles, "nope").await.unwrap_err();
    assert_eq!(error.code(), CoreCode::NotFound);
    assert!(error.to_string().contains("nope"), "{error}");
    assert!(Arc::ptr_eq(&before, &state.session()));
    assert!(!before.is_closed());
    assert_eq!(profiles.active().unwrap().name, "sandbox");

    // The window's profile already: recorded as the active one, the cache and connection kept.
    let same = state.switch_to(&profiles, "other").await.unwrap();
    assert_eq!(same, Switched::Already);
    assert!(Arc::ptr_eq(&before, &state.session()));
    assert_eq!(profiles.active().unwrap().name, "other");
}

#[test]
fn the_environment_that_chose_the_profile_is_named() {
    let (_root, profiles) = data_root();
    let state = AppState::open_in(Ok(profiles.clone()), None, Some("http://127.0.0.1:9/"));
    let session = state.session();
    assert_eq!(session.profile, "other", "the profile that has the server");
    assert_eq!(
        session.chosen_by.as_deref(),
        Some("PWB_SERVER=http://127.0.0.1:9/")
    );
}
