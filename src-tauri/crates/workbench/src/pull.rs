//! Pull: the server's copy of everything into the cache, in one swap: apps, versions, icons and
//! the rules pack.

use std::collections::HashMap;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use workbench_remote::{PartnerClient, RemoteError};
use workbench_store::{CachedPack, Snapshot, SnapshotApp, SnapshotVersion};

use crate::{Workbench, WorkbenchError};

/// How far a pull has come, for a progress bar: `done` of `total` apps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PullProgress {
    pub done: usize,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullReport {
    pub apps: usize,
    pub versions: usize,
    /// Icons fetched in this pull; the others were already cached with the same checksum.
    pub icons_downloaded: usize,
    /// The version of the rules pack the server served, now cached.
    pub rules_version: String,
    pub synced_at: String,
}

impl Workbench {
    /// Fetches every app, version and icon and the rules pack from the server, then swaps them
    /// into the cache in one transaction. Nothing is written until everything has arrived and
    /// been checked, so a pull that fails (server down, reply cut off, malformed, a rules pack
    /// that cannot be read) leaves the cache exactly as it was, previous rules pack included.
    /// `started_at` is recorded as the time of the sync: the data is at least that fresh.
    pub async fn pull(
        &self,
        client: &PartnerClient,
        started_at: OffsetDateTime,
        on_progress: impl Fn(PullProgress),
    ) -> Result<PullReport, WorkbenchError> {
        let synced_at = rfc3339(started_at);
        let cached_icons = self.store().icon_checksums()?;
        let mut fetched = fetch_snapshot(client, &cached_icons, self, on_progress).await?;
        let rules = client.rules().await?;
        let rules_version = rules.pack.version.clone();
        fetched.snapshot.rules = Some(CachedPack {
            version: rules.pack.version,
            json: rules.json,
            server: client.server().to_owned(),
            fetched_at: synced_at.clone(),
        });
        self.store()
            .replace_with_snapshot(&fetched.snapshot, client.server(), &synced_at)?;
        Ok(PullReport {
            apps: fetched.snapshot.apps.len(),
            versions: fetched.snapshot.version_count(),
            icons_downloaded: fetched.icons_downloaded,
            rules_version,
            synced_at,
        })
    }
}

struct Fetched {
    snapshot: Snapshot,
    icons_downloaded: usize,
}

async fn fetch_snapshot(
    client: &PartnerClient,
    cached_icons: &HashMap<String, String>,
    workbench: &Workbench,
    on_progress: impl Fn(PullProgress),
) -> Result<Fetched, WorkbenchError> {
    let apps = client.list_apps().await?;
    let total = apps.len();
    on_progress(PullProgress { done: 0, total });
    let mut snapshot = Snapshot::default();
    let mut icons_downloaded = 0;
    for (done, app) in apps.into_iter().enumerate() {
        let mut versions = Vec::new();
        for resource in client.list_versions(&app.id).await? {
            if resource.version.app_id != app.id {
                return Err(RemoteError::Malformed {
                    url: client.server().to_owned(),
                    reason: format!(
                        "version {} is listed under app {} but says it belongs to {}",
                        resource.version.id, app.id, resource.version.app_id
                    ),
                }
                .into());
            }
            let icon = match &resource.icon {
                None => None,
                Some(info) if cached_icons.get(&resource.version.id) == Some(&info.sha256) => {
                    workbench.icon(&resource.version.id)?
                }
                Some(info) => {
                    icons_downloaded += 1;
                    Some(
                        client
                            .icon(&app.id, &resource.version.id, &info.sha256)
                            .await?,
                    )
                }
            };
            versions.push(SnapshotVersion {
                version: resource.version,
                etag: resource.etag,
                icon,
            });
        }
        snapshot.apps.push(SnapshotApp { app, versions });
        on_progress(PullProgress {
            done: done + 1,
            total,
        });
    }
    Ok(Fetched {
        snapshot,
        icons_downloaded,
    })
}

pub(crate) fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339)
        .expect("an OffsetDateTime always formats as RFC 3339")
}
