//! One cached version with its app, for the desktop editor: the form shows the version's content
//! under its app's name, with both review statuses.

use workbench_domain::{App, AppVersion};

use crate::{Workbench, WorkbenchError};

/// A cached version and the app it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionDetail {
    pub app: App,
    pub version: AppVersion,
    pub has_icon: bool,
}

impl Workbench {
    /// The cached version `version_id` (the working copy) with its app; `UnknownVersion` when the
    /// cache has no such version.
    pub fn version(&self, version_id: &str) -> Result<VersionDetail, WorkbenchError> {
        let store = self.store();
        let unknown = || WorkbenchError::UnknownVersion(version_id.to_owned());
        let cached = store.version(version_id)?.ok_or_else(unknown)?;
        // The cache has no query for one app; the list is read from the same indexed tables.
        let listing = store
            .list_apps()?
            .into_iter()
            .find(|listing| listing.app.id == cached.version.app_id)
            .ok_or_else(unknown)?;
        let has_icon = listing
            .versions
            .iter()
            .any(|v| v.id == version_id && v.has_icon);
        Ok(VersionDetail {
            app: listing.app,
            version: cached.version,
            has_icon,
        })
    }
}

#[cfg(test)]
mod tests {
    use workbench_store::fixtures;

    use super::*;

    fn cached_workbench(dir: &std::path::Path) -> Workbench {
        let workbench = Workbench::open(dir).unwrap();
        workbench
            .store()
            .replace_with_snapshot(
                &fixtures::snapshot(2, 2),
                "http://127.0.0.1:1",
                "2026-01-01T00:00:00Z",
            )
            .unwrap();
        workbench
    }

    #[test]
    fn a_cached_version_comes_with_its_app_and_icon_flag() {
        let dir = tempfile::tempdir().unwrap();
        let workbench = cached_workbench(dir.path());
        let expected = fixtures::snapshot(2, 2);
        let want = &expected.apps[1];

        let with_icon = workbench.version(&want.versions[0].version.id).unwrap();
        assert_eq!(with_icon.app, want.app);
        assert_eq!(with_icon.version, want.versions[0].version);
        assert!(with_icon.has_icon);

        let without_icon = workbench.version(&want.versions[1].version.id).unwrap();
        assert_eq!(without_icon.version, want.versions[1].version);
        assert!(!without_icon.has_icon);
    }

    #[test]
    fn an_unknown_version_is_a_not_found_error() {
        let dir = tempfile::tempdir().unwrap();
        let workbench = cached_workbench(dir.path());
        let error = workbench.version("no-such-version").unwrap_err();
        assert!(matches!(&error, WorkbenchError::UnknownVersion(id) if id == "no-such-version"));
        assert_eq!(error.code(), crate::ErrorCode::NotFound);
    }
}
