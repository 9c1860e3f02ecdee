//! Sync: the outbox pushed first (`push.rs`), then the server's changes pulled. The first pull of
//! a cache (or one whose feed cursor the server no longer knows) is a full pull: everything
//! fetched, then swapped in in one transaction. Later pulls read the change feed from the cursor
//! and fetch only what changed; with nothing new that is one small request. Either way a version
//! with local changes is merged, never overwritten (`Store::receive`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use partner_api::{ChangeKind, ResourceType, ReviewDecision};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use workbench_remote::{PartnerClient, RemoteError};
use workbench_store::{
    CachedPack, FeedBatch, FeedbackEntry, InstallationRequest, Snapshot, SnapshotApp,
    SnapshotVersion, TimelineEvent, TimelineKind, Verdict,
};

use crate::{Workbench, WorkbenchError};

/// How far a sync has come, for a progress bar: `done` of `total` versions sent, then apps (a
/// full pull) or changed resources (the feed) received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PullProgress {
    pub stage: SyncStage,
    pub done: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncStage {
    Sending,
    Receiving,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullReport {
    /// Apps and versions in the cache after the sync.
    pub apps: usize,
    pub versions: usize,
    /// Whether everything was fetched (first sync), rather than only the feed's changes.
    pub full: bool,
    /// Changes read from the feed.
    pub changes: usize,
    /// What the push before the pull did.
    pub push: crate::push::PushReport,
    /// Requests sent to the server by the whole sync (push and pull, retries included).
    pub requests: u64,
    /// Versions merged with local changes during the pull, and the conflicts open afterwards.
    pub merged: usize,
    pub conflicts: usize,
    /// Icons fetched in this pull; the others were already cached with the same checksum.
    pub icons_downloaded: usize,
    /// The version of the rules pack the server served, now cached.
    pub rules_version: String,
    pub synced_at: String,
    /// The review decisions this sync brought (newly recorded in the timeline), in feed order.
    pub outcomes: Vec<crate::ReviewOutcome>,
}

impl Workbench {
    /// One sync: push the outbox, then pull (the feed, or everything the first time). A failure
    /// leaves the cache as the last step that completed left it: every write is its own
    /// transaction, and the pull's changes land together with the feed cursor. A server that
    /// breaks one of the client's bounds (`workbench_remote::bounds`: a reply too large or too
    /// slow, a feed or a collection that does not end, the sync's deadline) fails the pull before
    /// anything of it is written.
    /// `started_at` is recorded as the time of the sync: the data is at least that fresh.
    pub async fn pull(
        &self,
        client: &PartnerClient,
        started_at: OffsetDateTime,
        on_progress: impl Fn(PullProgress),
    ) -> Result<PullReport, WorkbenchError> {
        // The whole sync is bounded in time, whatever the server does: no reply, retry or wait
        // runs past this (`workbench_remote::bounds`). The cache lock is never held across a
        // request: each `self.store()` is one call, released before the next await.
        let client = &client
            .clone()
            .with_deadline(workbench_remote::bounds::SYNC_DEADLINE);
        let sent_before = client.requests_sent();
        let push = self.push(client, started_at, &on_progress).await?;
        let state = self.store().sync_state()?;
        let same_server = state.server.as_deref() == Some(client.server());
        let mut report = match state.cursor {
            Some(cursor) if same_server => {
                match self
                    .feed_pull(client, &cursor, started_at, &on_progress)
                    .await
                {
                    Err(WorkbenchError::Remote(RemoteError::Status { status: 400, .. })) => {
                        // The server no longer knows the cursor: start again from a full copy.
                        self.full_pull(client, started_at, &on_progress).await?
                    }
                    other => other?,
                }
            }
            _ => self.full_pull(client, started_at, &on_progress).await?,
        };
        report.push = push;
        report.requests = client.requests_sent() - sent_before;
        let store = self.store();
        report.conflicts = store.conflicts(None)?.len();
        (report.apps, report.versions) = store.counts()?;
        Ok(report)
    }

    /// Fetches every app, version and icon and the rules pack from the server, then swaps them
    /// into the cache in one transaction. Nothing is written until everything has arrived and
    /// been checked, so a pull that fails (server down, reply cut off, malformed, a rules pack
    /// that cannot be read) leaves the cache exactly as it was, previous rules pack included.
    async fn full_pull(
        &self,
        client: &PartnerClient,
        started_at: OffsetDateTime,
        on_progress: &impl Fn(PullProgress),
    ) -> Result<PullReport, WorkbenchError> {
        let synced_at = rfc3339(started_at);
        // The feed's end before anything is read: changes made during the pull are read again
        // by the next sync (receiving a version twice is harmless).
        let cursor = client
            .changes(Some(partner_api::LATEST_CURSOR))
            .await?
            .next_cursor;
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
        fetched.snapshot.cursor = Some(cursor);
        let merged = fetched
            .snapshot
            .apps
            .iter()
            .flat_map(|a| &a.versions)
            .filter(|v| self.store().is_dirty(&v.version.id).unwrap_or(false))
            .count();
        self.store()
            .replace_with_snapshot(&fetched.snapshot, client.server(), &synced_at)?;
        Ok(PullReport {
            apps: fetched.snapshot.apps.len(),
            versions: fetched.snapshot.version_count(),
            full: true,
            changes: 0,
            push: Default::default(),
            requests: 0,
            merged,
            conflicts: 0,
            icons_downloaded: fetched.icons_downloaded,
            rules_version,
            synced_at,
            outcomes: Vec::new(),
        })
    }

    /// Reads the change feed from `cursor` and fetches what changed; lands it all with the new
    /// cursor in one transaction. A change whose ETag is the cached one (the echo of this
    /// client's own write) fetches nothing.
    async fn feed_pull(
        &self,
        client: &PartnerClient,
        cursor: &str,
        started_at: OffsetDateTime,
        on_progress: &impl Fn(PullProgress),
    ) -> Result<PullReport, WorkbenchError> {
        let synced_at = rfc3339(started_at);
        // Bounded: a feed that goes round or does not end stops the sync (`bounds`).
        let feed = client.changes_after(cursor).await?;
        let (changes, cursor) = (feed.changes, feed.next_cursor);
        let mut apps = BTreeSet::new();
        let mut new_apps = BTreeSet::new();
        let mut versions: BTreeMap<String, (String, Option<String>)> = BTreeMap::new();
        let mut deleted = Vec::new();
        let mut removed_apps = BTreeSet::new();
        let mut rules_changed = false;
        let timeline: Vec<TimelineEvent> = changes.iter().filter_map(timeline_event).collect();
        let requests = changes.iter().filter_map(installation_request).collect();
        for change in &changes {
            let resource = &change.resource;
            match (resource.kind, change.kind) {
                (ResourceType::App, ChangeKind::AppRegistered) => {
                    removed_apps.remove(&resource.id);
                    new_apps.insert(resource.id.clone());
                }
                (ResourceType::App, ChangeKind::AppRemoved) => {
                    // Gone with its versions: nothing of it is fetched (it would be a 404).
                    apps.remove(&resource.id);
                    new_apps.remove(&resource.id);
                    versions.retain(|_, (app_id, _)| app_id != &resource.id);
                    removed_apps.insert(resource.id.clone());
                }
                (ResourceType::App, _) if !removed_apps.contains(&resource.id) => {
                    apps.insert(resource.id.clone());
                }
                (ResourceType::Version, ChangeKind::VersionDeleted) => {
                    versions.remove(&resource.id);
                    deleted.push(resource.id.clone());
                }
                (ResourceType::Version, _) => {
                    if let Some(app_id) = &resource.app_id
                        && !removed_apps.contains(app_id)
                    {
                        deleted.retain(|id| id != &resource.id);
                        versions.insert(resource.id.clone(), (app_id.clone(), change.etag.clone()));
                    }
                }
                (ResourceType::Rules, _) => rules_changed = true,
                _ => {}
            }
        }
        // Only the latest ETag of each version matters; skip those the cache already has.
        let mut wanted = Vec::new();
        for (version_id, (app_id, etag)) in versions {
            let cached_etag = self.store().version_etag(&version_id)?;
            if etag.is_none() || etag != cached_etag {
                wanted.push((app_id, version_id));
            }
        }
        let total = wanted.len() + apps.len() + new_apps.len();
        let progress = |done| {
            on_progress(PullProgress {
                stage: SyncStage::Receiving,
                done,
                total,
            })
        };
        progress(0);
        let mut icons_downloaded = 0;
        let mut batch = FeedBatch {
            cursor,
            timeline,
            requests,
            ..FeedBatch::default()
        };
        for app_id in apps.iter().chain(&new_apps) {
            batch.apps.push(client.app(app_id).await?);
            progress(batch.apps.len());
        }
        for app_id in &new_apps {
            for resource in client.list_versions(app_id).await? {
                icons_downloaded += usize::from(self.icon_is_new(&resource)?);
                let icon = self.server_icon(client, &resource).await?;
                batch.versions.push(SnapshotVersion {
                    version: resource.version,
                    etag: resource.etag,
                    icon,
                });
            }
        }
        for (app_id, version_id) in &wanted {
            let resource = match client.version(app_id, version_id).await {
                Ok(resource) => resource,
                // Deleted since the change was recorded: a later change says so.
                Err(e) if e.status() == Some(404) => continue,
                Err(e) => return Err(e.into()),
            };
            icons_downloaded += usize::from(self.icon_is_new(&resource)?);
            let icon = self.server_icon(client, &resource).await?;
            batch.versions.push(SnapshotVersion {
                version: resource.version,
                etag: resource.etag,
                icon,
            });
            progress(batch.apps.len() + batch.versions.len());
        }
        batch.deleted_versions = deleted;
        batch.removed_apps = removed_apps.into_iter().collect();
        let rules_version = if rules_changed {
            let rules = client.rules().await?;
            let version = rules.pack.version.clone();
            batch.rules = Some(CachedPack {
                version: rules.pack.version,
                json: rules.json,
                server: client.server().to_owned(),
                fetched_at: synced_at.clone(),
            });
            version
        } else {
            self.store()
                .rules_pack()?
                .map(|p| p.version)
                .unwrap_or_default()
        };
        let applied = self.store().apply_changes(&batch, &synced_at)?;
        let outcomes = self.outcomes_of(&applied.recorded)?;
        let received = applied.received;
        Ok(PullReport {
            apps: 0,
            versions: 0,
            full: false,
            changes: changes.len(),
            push: Default::default(),
            requests: 0,
            merged: received.iter().filter(|(_, r)| r.merged).count(),
            conflicts: 0,
            icons_downloaded,
            rules_version,
            synced_at,
            outcomes,
        })
    }
}

/// The customer's request a change announces, if it is one. A request without its details (or of
/// no app) says nothing to show, and is skipped.
fn installation_request(change: &partner_api::Change) -> Option<InstallationRequest> {
    if change.kind != ChangeKind::InstallationRequested
        || change.resource.kind != ResourceType::Installation
    {
        return None;
    }
    let request = change.request.as_ref()?;
    Some(InstallationRequest {
        cursor: change.cursor.clone(),
        installation_id: change.resource.id.clone(),
        app_id: change.resource.app_id.clone()?,
        version_id: request.app_version_id.clone(),
        account_name: request.account_name.clone(),
        waiting: request.waiting,
        at: change.at.clone(),
    })
}

/// The timeline event a change is, if it is one: a version's submission, withdrawal, review,
/// availability or advertisement. Recorded whether or not the version is fetched (a change
/// carrying the cached ETag fetches nothing, but still happened).
fn timeline_event(change: &partner_api::Change) -> Option<TimelineEvent> {
    if change.resource.kind != ResourceType::Version {
        return None;
    }
    let kind = match change.kind {
        ChangeKind::Submitted => TimelineKind::Submitted,
        ChangeKind::Withdrawn => TimelineKind::Withdrawn,
        ChangeKind::Reviewed => TimelineKind::Reviewed,
        ChangeKind::MadeAvailable => TimelineKind::MadeAvailable,
        ChangeKind::Advertised => TimelineKind::Advertised,
        _ => return None,
    };
    let (track, decision, feedback) = match &change.review {
        Some(review) => (
            Some(review.track),
            Some(match review.decision {
                ReviewDecision::Approve => Verdict::Approved,
                ReviewDecision::Reject => Verdict::Rejected,
            }),
            review
                .feedback
                .iter()
                .map(|f| FeedbackEntry {
                    field: f.field.clone(),
                    message: f.message.clone(),
                    rule: f.rule.clone(),
                })
                .collect(),
        ),
        None => (change.track, None, Vec::new()),
    };
    if kind == TimelineKind::Reviewed && decision.is_none() {
        // A review without its verdict says nothing to show; the version is refetched anyway.
        return None;
    }
    Some(TimelineEvent {
        cursor: change.cursor.clone(),
        version_id: change.resource.id.clone(),
        app_id: change.resource.app_id.clone()?,
        kind,
        at: change.at.clone(),
        track,
        decision,
        feedback,
    })
}

impl Workbench {
    /// Whether a server copy names an icon the cache does not hold, so `server_icon` downloads it.
    fn icon_is_new(&self, theirs: &partner_api::VersionResource) -> Result<bool, WorkbenchError> {
        let Some(info) = &theirs.icon else {
            return Ok(false);
        };
        let cached = self.store().icon(&theirs.version.id)?;
        Ok(cached.is_none_or(|icon| icon.sha256 != info.sha256))
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
    on_progress: &impl Fn(PullProgress),
) -> Result<Fetched, WorkbenchError> {
    let apps = client.list_apps().await?;
    let total = apps.len();
    on_progress(PullProgress {
        stage: SyncStage::Receiving,
        done: 0,
        total,
    });
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
            stage: SyncStage::Receiving,
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
