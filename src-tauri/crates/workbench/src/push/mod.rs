//! Push: the outbox to the server. Apps registered here go first (`POST /apps`), then each
//! version: one created here is created first (`POST .../versions`) and its local id moved to the
//! server's (`Store::remap_versions`) before its edits; a version of an app not yet registered
//! waits for it; a deletion is one `DELETE` with the ETag the partner deleted at. Creates carry
//! the idempotency key their entry recorded when the partner made them, so a create sent again
//! after a crash or a lost reply is answered with what the server made the first time.
//!
//! Per version, content edits are coalesced into one `PATCH` of
//! the sections that differ from the server's copy, the icon is uploaded only when its checksum
//! differs, then queued review actions go one by one. Every write carries `If-Match` with the
//! base ETag and an `Idempotency-Key`; a 412 fetches the server's copy, merges it three ways into
//! the version (`Store::receive`) and tries again. What the server refuses for good is held with
//! its reason; a transient failure (offline, overloaded) stops the push and leaves everything
//! queued.
//!
//! The creates and the first content writes of many versions go through a fast lane first
//! ([`batch`]): a few in flight at a time, one commit for all their answers. The rest, described
//! below, goes one version at a time.
//!
//! # An open conflict holds back only what it touches
//!
//! The contract's `PATCH` replaces whole sections (`general`, `technical`, `marketplace`,
//! `subscription_types`) and leaves out the ones it does not carry. So, while a field waits in
//! conflict, the push sends every section that holds no conflicted field and leaves out the
//! section(s) that do: the server keeps its value there (the base), and the partner's working
//! copy keeps theirs (mine), untouched, until the conflict is settled. Nothing of the partner's
//! unresolved work is sent or lost, and nothing on the server is overwritten. The unit is the
//! section, as the contract's is: another edit in a conflicted section waits with it (sending it
//! would need the conflicted field's server value written back, which a section write cannot
//! say apart from the partner's choice). Concretely, per version:
//!
//! - the `PATCH` carries `sections_changed(base, working)` minus the conflicted sections, with
//!   `If-Match` and an idempotency key derived from the body, as always;
//! - an edit entry whose recorded fields are all outside the conflicted sections leaves the
//!   outbox when that `PATCH` is answered; one that touches a conflicted section stays until the
//!   conflict is settled and its section sent (settling queues an edit like any other);
//! - the icon waits only on the icon's own conflict, never on a content field's;
//! - review actions (submit, withdraw, ...) wait on every conflict of the version: they act on
//!   the whole version, which is not settled yet;
//! - `OutboxEntry::waits_on` says which conflict each entry waits on; `pwb outbox` and the
//!   window show it. A version with an open conflict counts in `waiting_on_conflicts`, whatever
//!   of it was sent.

use partner_api::{RegisterApp, Submission, UpdateApp, UpdateVersion, VersionResource};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use workbench_domain::{AppVersion, Track, VersionContent};
use workbench_remote::{PartnerClient, RemoteError};
use workbench_store::{InFlight, Operation, OutboxEntry, StoredConflict};

use crate::pull::{PullProgress, SyncStage, rfc3339};
use crate::{Workbench, WorkbenchError};

mod batch;

/// How many times one version is fetched and merged after a 412 before the push gives up on it
/// for this sync (someone else is writing it right now).
const MAX_REBASES: usize = 5;

/// What a push did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushReport {
    /// Versions whose queued changes all reached the server.
    pub versions_sent: usize,
    /// Write requests made (PATCH, PUT, POST, DELETE), retries by the client not counted twice.
    pub writes: usize,
    /// Versions merged with the server's copy after a 412.
    pub merged: usize,
    /// Versions waiting for the partner to settle conflicts.
    pub waiting_on_conflicts: usize,
    /// Entries the server refused for good, held with their reason.
    pub held: usize,
    /// Apps and versions made here that the server now has (under its ids).
    pub created: usize,
    /// Versions deleted here that the server deleted.
    pub deleted: usize,
}

enum Outcome {
    Sent,
    Conflicts,
    /// A version made here of an app not registered yet: it goes after its app.
    WaitsForApp,
}

impl Workbench {
    /// Sends every queued change (see the module's doc).
    pub async fn push(
        &self,
        client: &PartnerClient,
        at: OffsetDateTime,
        on_progress: &impl Fn(PullProgress),
    ) -> Result<PushReport, WorkbenchError> {
        let mut report = PushReport::default();
        // The outbox is read once, and again only after registrations moved entries to new ids.
        let mut outbox = self.store().outbox()?;
        let registrations: Vec<OutboxEntry> = outbox
            .iter()
            .filter(|e| e.operation == Operation::CreateApp && !e.held)
            .cloned()
            .collect();
        if !registrations.is_empty() {
            self.push_registrations(client, registrations, at, &mut report)
                .await?;
            outbox = self.store().outbox()?;
        }
        self.push_app_edits(client, &outbox, at, &mut report)
            .await?;
        let mut groups: Vec<(String, Vec<OutboxEntry>)> = Vec::new();
        for entry in outbox {
            if entry.held {
                report.held += 1;
                continue;
            }
            if matches!(entry.operation, Operation::CreateApp | Operation::EditApp) {
                continue;
            }
            match groups.iter_mut().find(|(v, _)| *v == entry.version_id) {
                Some((_, entries)) => entries.push(entry),
                None => groups.push((entry.version_id.clone(), vec![entry])),
            }
        }
        // A version to create goes first in its group: one deleted on the server and kept by
        // the partner has its create queued after its edits.
        for (_, entries) in &mut groups {
            entries.sort_by_key(|e| e.operation != Operation::CreateVersion);
        }
        let total = groups.len();
        if total > 0 {
            on_progress(PullProgress {
                stage: SyncStage::Sending,
                done: 0,
                total,
            });
        }
        self.push_batched(client, &mut groups, at, &mut report)
            .await?;
        let finished = total - groups.len();
        for (done, (version_id, entries)) in groups.into_iter().enumerate() {
            on_progress(PullProgress {
                stage: SyncStage::Sending,
                done: finished + done,
                total,
            });
            match self
                .push_group(client, &version_id, &entries, at, &mut report)
                .await
            {
                Ok(Outcome::Sent) => report.versions_sent += 1,
                Ok(Outcome::Conflicts) => report.waiting_on_conflicts += 1,
                Ok(Outcome::WaitsForApp) => {}
                Err(Failure::Stop(error)) => {
                    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
                    self.store().note_failure(&ids, &error.to_string(), false)?;
                    return Err(error);
                }
                Err(Failure::Hold { ids, reason }) => {
                    report.held += ids.len();
                    self.store().note_failure(&ids, &reason, true)?;
                }
            }
        }
        if total > 0 {
            on_progress(PullProgress {
                stage: SyncStage::Sending,
                done: total,
                total,
            });
        }
        Ok(report)
    }

    /// Registers the apps made here (their outbox `entries`), in the order they were made, each
    /// moved to its server id (and its versions' entries with it) as soon as the server answers.
    async fn push_registrations(
        &self,
        client: &PartnerClient,
        entries: Vec<OutboxEntry>,
        at: OffsetDateTime,
        report: &mut PushReport,
    ) -> Result<(), WorkbenchError> {
        for entry in entries {
            let registration: RegisterApp = match serde_json::from_value(entry.payload.clone()) {
                Ok(registration) => registration,
                Err(e) => {
                    report.held += 1;
                    let reason = format!("not sent: the queued registration is unreadable: {e}");
                    self.store().note_failure(&[entry.id], &reason, true)?;
                    continue;
                }
            };
            match client
                .register_app(&registration, &entry.idempotency_key)
                .await
            {
                Ok(app) => {
                    report.writes += 1;
                    report.created += 1;
                    self.store()
                        .remap_app(&entry.version_id, &app, &rfc3339(at))?;
                }
                Err(error) => match Failure::classify(error, &[&entry]) {
                    Failure::Hold { ids, reason } => {
                        report.writes += 1;
                        report.held += ids.len();
                        self.store().note_failure(&ids, &reason, true)?;
                    }
                    Failure::Stop(error) => {
                        self.store()
                            .note_failure(&[entry.id], &error.to_string(), false)?;
                        return Err(error);
                    }
                },
            }
        }
        Ok(())
    }

    /// Sends the edits of apps' own fields, one `PATCH /apps/{id}` per app with what differs
    /// from the server's copy, read just before with its ETag and merged in three ways first
    /// (`Store::receive_app`): an app with a field in conflict waits for the partner. An app not
    /// registered yet waits for its registration.
    async fn push_app_edits(
        &self,
        client: &PartnerClient,
        outbox: &[OutboxEntry],
        at: OffsetDateTime,
        report: &mut PushReport,
    ) -> Result<(), WorkbenchError> {
        let mut apps: Vec<(String, Vec<OutboxEntry>)> = Vec::new();
        for entry in outbox.iter().cloned() {
            if entry.operation != Operation::EditApp
                || entry.held
                || workbench_store::is_local(&entry.version_id)
            {
                continue;
            }
            match apps.iter_mut().find(|(id, _)| *id == entry.version_id) {
                Some((_, entries)) => entries.push(entry),
                None => apps.push((entry.version_id.clone(), vec![entry])),
            }
        }
        for (app_id, entries) in apps {
            let all: Vec<&OutboxEntry> = entries.iter().collect();
            let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
            match self.push_app(client, &app_id, &ids, at, report).await {
                Ok(()) => {}
                Err(StepError::Store(error)) => return Err(error.into()),
                Err(StepError::Refused { id, reason }) => {
                    report.held += 1;
                    self.store().note_failure(&[id], &reason, true)?;
                }
                Err(StepError::Remote(error)) => match Failure::classify(error, &all) {
                    Failure::Hold { ids, reason } => {
                        report.held += ids.len();
                        self.store().note_failure(&ids, &reason, true)?;
                    }
                    Failure::Stop(error) => {
                        self.store().note_failure(&ids, &error.to_string(), false)?;
                        return Err(error);
                    }
                },
            }
        }
        Ok(())
    }

    async fn push_app(
        &self,
        client: &PartnerClient,
        app_id: &str,
        ids: &[i64],
        at: OffsetDateTime,
        report: &mut PushReport,
    ) -> Result<(), StepError> {
        for _ in 0..=MAX_REBASES {
            let (theirs, etag) = client.app_with_etag(app_id).await?;
            let open = self.store().receive_app(&theirs, &rfc3339(at))?;
            if open > 0 {
                report.waiting_on_conflicts += 1;
                return Ok(());
            }
            let Some(mine) = self.store().app(app_id)? else {
                return Ok(());
            };
            let update = app_update(&theirs, &mine);
            if update == UpdateApp::default() {
                self.store().app_pushed(&theirs, ids)?;
                return Ok(());
            }
            let body = serde_json::to_vec(&update).unwrap_or_default();
            let key = derived_key(app_id, &etag, &body);
            report.writes += 1;
            match client.update_app(app_id, &etag, &key, &update).await {
                Ok((saved, _)) => {
                    self.store().app_pushed(&saved, ids)?;
                    return Ok(());
                }
                // Changed meanwhile: read it again and merge.
                Err(error) if error.is_precondition_failed() => {}
                Err(error) => return Err(error.into()),
            }
        }
        Ok(())
    }

    /// One version's entries: its deletion, or its creation here and then its changes.
    async fn push_group(
        &self,
        client: &PartnerClient,
        version_id: &str,
        entries: &[OutboxEntry],
        at: OffsetDateTime,
        report: &mut PushReport,
    ) -> Result<Outcome, Failure> {
        let Some(first) = entries.first() else {
            return Ok(Outcome::Sent);
        };
        let app_id = first.payload["app_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        match first.operation {
            Operation::DeleteVersion => {
                let etag = first.payload["etag"].as_str().unwrap_or_default();
                let sent = client
                    .delete_version(&app_id, version_id, etag, &first.idempotency_key)
                    .await;
                report.writes += 1;
                match sent {
                    // Gone already (deleted elsewhere too) is what was asked.
                    Ok(()) => {}
                    Err(error) if error.status() == Some(404) => {}
                    Err(error) if error.is_precondition_failed() => {
                        return Err(Failure::hold(
                            &[first],
                            "not deleted: the version changed on the server since you deleted it \
                             here; discard this deletion to get it back, then look again",
                        ));
                    }
                    Err(error) => return Err(Failure::classify(error, &[first])),
                }
                self.store().version_deleted(version_id)?;
                report.deleted += 1;
                Ok(Outcome::Sent)
            }
            // The fast lane creates every version whose app the server has: one still queued
            // here waits for its app's registration (held, or refused).
            Operation::CreateVersion => Ok(Outcome::WaitsForApp),
            _ => {
                self.push_version(client, version_id, entries, at, report)
                    .await
            }
        }
    }

    async fn push_version(
        &self,
        client: &PartnerClient,
        version_id: &str,
        entries: &[OutboxEntry],
        at: OffsetDateTime,
        report: &mut PushReport,
    ) -> Result<Outcome, Failure> {
        let mut remaining: Vec<&OutboxEntry> = entries.iter().collect();
        let mut rebases = 0;
        let mut merged = false;
        loop {
            // Read again each time: a merge after a 412 may have found new conflicts.
            let conflicts = self.store().conflicts(Some(version_id))?;
            if conflicts
                .iter()
                .any(|c| c.conflict.field == workbench_store::DELETED_FIELD)
            {
                // Deleted on the server: everything waits for the partner's choice.
                return Ok(Outcome::Conflicts);
            }
            let cached = self.store().version(version_id)?.ok_or_else(|| {
                Failure::hold(&remaining, "the version is no longer in the cache")
            })?;
            let app_id = cached.version.app_id.clone();
            let (Some(etag), Some(base)) = (cached.etag.clone(), cached.base.clone()) else {
                return Err(Failure::hold(
                    &remaining,
                    "the version has never been on the server",
                ));
            };
            let step = self
                .push_step(
                    client,
                    &app_id,
                    version_id,
                    &etag,
                    &base,
                    &cached.version.content,
                    &remaining,
                    &conflicts,
                )
                .await;
            match step {
                Ok(Some(Step { wrote, done })) => {
                    if wrote {
                        report.writes += 1;
                    }
                    remaining.retain(|e| !done.contains(&e.id));
                }
                Ok(None) => {
                    if merged {
                        report.merged += 1;
                    }
                    return Ok(if conflicts.is_empty() {
                        Outcome::Sent
                    } else {
                        Outcome::Conflicts
                    });
                }
                Err(StepError::Remote(error))
                    if error.is_precondition_failed() && rebases < MAX_REBASES =>
                {
                    report.writes += 1;
                    rebases += 1;
                    merged = true;
                    match self.fetch_and_merge(client, &app_id, version_id, at).await {
                        Ok(_) => {}
                        Err(WorkbenchError::Remote(e)) if e.status() == Some(404) => {
                            return Ok(Outcome::Conflicts);
                        }
                        Err(error) => return Err(Failure::Stop(error)),
                    }
                }
                // Deleted on the server: everything of it stays queued, and the feed read that
                // follows the push records the deletion as a conflict for the partner to settle.
                Err(StepError::Remote(error)) if error.status() == Some(404) => {
                    return Ok(Outcome::Conflicts);
                }
                Err(StepError::Remote(error)) => return Err(Failure::classify(error, &remaining)),
                Err(StepError::Refused { id, reason }) => {
                    return Err(Failure::Hold {
                        ids: vec![id],
                        reason,
                    });
                }
                Err(StepError::Store(error)) => return Err(Failure::Stop(error.into())),
            }
        }
    }

    /// Sends the next write of a version: the coalesced content, else the icon, else the first
    /// action, leaving out what waits on one of the version's open `conflicts` (see the module's
    /// doc). `Ok(Some(step))`: what it did; `Ok(None)`: nothing left to send in this push.
    #[allow(clippy::too_many_arguments)]
    async fn push_step(
        &self,
        client: &PartnerClient,
        app_id: &str,
        version_id: &str,
        etag: &str,
        base: &AppVersion,
        working: &VersionContent,
        remaining: &[&OutboxEntry],
        conflicts: &[StoredConflict],
    ) -> Result<Option<Step>, StepError> {
        let ids_of = |op: fn(Operation) -> bool| -> Vec<i64> {
            remaining
                .iter()
                .filter(|e| op(e.operation))
                .map(|e| e.id)
                .collect()
        };
        let edits = ids_of(|op| op == Operation::Edit);
        if !edits.is_empty() {
            // The edits that wait on no conflict leave the outbox once their sections are on
            // the server; the others stay, and are done with for this push either way.
            let ready: Vec<i64> = remaining
                .iter()
                .filter(|e| e.operation == Operation::Edit && e.waits_on(conflicts).is_empty())
                .map(|e| e.id)
                .collect();
            if let Some(theirs) = self
                .replay_in_flight(client, app_id, version_id, etag)
                .await?
            {
                // The earlier write is on the server: its answer is the base now. When nothing
                // differs from it any more, it carried every ready edit; else what was edited
                // since goes in the next write.
                let held = conflicted_sections(conflicts);
                if sections_changed(&theirs.version.content, working, &held).is_empty() {
                    self.settle(&theirs.version, &theirs.etag, &ready, None)?;
                    return Ok(Some(Step::wrote(edits)));
                }
                self.settle(&theirs.version, &theirs.etag, &[], None)?;
                return Ok(Some(Step::wrote(Vec::new())));
            }
            let held = conflicted_sections(conflicts);
            let Some((update, in_flight)) =
                content_write_leaving_out(version_id, etag, &base.content, working, &held)
            else {
                // Edits that cancelled out (or were merged away), or that wait on a conflict:
                // nothing to send.
                if !ready.is_empty() {
                    self.settle(base, etag, &ready, None)?;
                }
                return Ok(Some(Step::skipped(edits)));
            };
            // Recorded before it leaves: if the answer is lost, the next push sends this again.
            self.store().put_in_flight(&[(version_id, &in_flight)])?;
            let theirs = self
                .send_update(
                    client,
                    app_id,
                    version_id,
                    etag,
                    &in_flight.idempotency_key,
                    &update,
                )
                .await?;
            self.settle(&theirs.version, &theirs.etag, &ready, None)?;
            return Ok(Some(Step::wrote(edits)));
        }
        let icons: Vec<i64> = remaining
            .iter()
            .filter(|e| e.operation == Operation::Icon)
            .map(|e| e.id)
            .collect();
        if !icons.is_empty() {
            if remaining
                .iter()
                .any(|e| e.operation == Operation::Icon && !e.waits_on(conflicts).is_empty())
            {
                // Both sides replaced the icon: it waits for the partner's choice.
                return Ok(Some(Step::skipped(icons)));
            }
            let unsent = self.store().unsent_icon(version_id)?;
            let Some(icon) = unsent else {
                self.settle(base, etag, &icons, None)?;
                return Ok(Some(Step::skipped(icons)));
            };
            let key = derived_key(version_id, etag, icon.sha256.as_bytes());
            let file_name = partner_api::icon_file_name(&icon.media_type);
            let theirs = client
                .put_icon(app_id, version_id, etag, &key, &icon, file_name)
                .await?;
            self.settle(&theirs.version, &theirs.etag, &icons, Some(&icon.sha256))?;
            return Ok(Some(Step::wrote(icons)));
        }
        if remaining
            .first()
            .is_some_and(|e| !e.waits_on(conflicts).is_empty())
        {
            // Actions go in order, and act on the whole version: they wait for every conflict.
            return Ok(None);
        }
        let Some(action) = remaining.first() else {
            return Ok(None);
        };
        let key = &action.idempotency_key;
        let theirs: VersionResource = match action.operation {
            Operation::Submit => {
                let submission: Submission = serde_json::from_value(action.payload.clone())
                    .map_err(|e| bad_entry(action, &e.to_string()))?;
                // Checked again now, on what will be sent: the content may have changed since.
                if let Err(error) = self.preflight(version_id, submission.track) {
                    return Err(bad_entry(action, &error.to_string()));
                }
                client
                    .submit(app_id, version_id, etag, key, &submission)
                    .await?
            }
            Operation::Withdraw => {
                let track: Track = serde_json::from_value(action.payload["track"].clone())
                    .map_err(|e| bad_entry(action, &e.to_string()))?;
                client
                    .withdraw(app_id, version_id, track, etag, key)
                    .await?
            }
            Operation::MakeAvailable => {
                client.make_available(app_id, version_id, etag, key).await?
            }
            Operation::Edit | Operation::Icon => unreachable!("content entries are sent above"),
            Operation::CreateApp
            | Operation::CreateVersion
            | Operation::DeleteVersion
            | Operation::EditApp => {
                unreachable!("apps, creations and deletions are sent before")
            }
        };
        self.settle(&theirs.version, &theirs.etag, &[action.id], None)?;
        Ok(Some(Step::wrote(vec![action.id])))
    }

    /// Sends again, exactly, the content write of a version whose answer never arrived (the
    /// connection cut, the process killed): same `If-Match`, body and idempotency key, so the
    /// server answers with what it did the first time (or does it now). Without this, the next
    /// write would carry the old `If-Match`, meet a 412, and the merge would take the partner's
    /// own earlier write for somebody else's edit of the same fields: a conflict with themselves.
    /// `None`: no such write, or one made stale by a newer server copy (then forgotten).
    async fn replay_in_flight(
        &self,
        client: &PartnerClient,
        app_id: &str,
        version_id: &str,
        etag: &str,
    ) -> Result<Option<VersionResource>, StepError> {
        let Some(sent) = self.store().in_flight(version_id)? else {
            return Ok(None);
        };
        let update = serde_json::from_str::<UpdateVersion>(&sent.body).ok();
        let Some(update) = update.filter(|_| sent.etag == etag) else {
            self.store().forget_in_flight(version_id)?;
            return Ok(None);
        };
        let theirs = self
            .send_update(
                client,
                app_id,
                version_id,
                &sent.etag,
                &sent.idempotency_key,
                &update,
            )
            .await?;
        Ok(Some(theirs))
    }

    /// One `PATCH`; a refusal for good (a 412 included: the write was not applied) forgets the
    /// write in flight, a passing failure keeps it for the next push.
    async fn send_update(
        &self,
        client: &PartnerClient,
        app_id: &str,
        version_id: &str,
        etag: &str,
        key: &str,
        update: &UpdateVersion,
    ) -> Result<VersionResource, StepError> {
        match client
            .update_version(app_id, version_id, etag, key, update)
            .await
        {
            Ok(theirs) => Ok(theirs),
            Err(error) => {
                if error
                    .status()
                    .is_some_and(|s| (400..500).contains(&s) && !matches!(s, 401 | 408 | 429))
                {
                    self.store().forget_in_flight(version_id)?;
                }
                Err(error.into())
            }
        }
    }

    fn settle(
        &self,
        theirs: &AppVersion,
        etag: &str,
        done: &[i64],
        icon_sent: Option<&str>,
    ) -> Result<(), StepError> {
        Ok(self.store().pushed(&[workbench_store::Settled {
            theirs,
            etag,
            done,
            icon_sent,
        }])?)
    }

    /// Fetches the server's copy of a version (and its icon when it changed) and merges it in.
    pub(crate) async fn fetch_and_merge(
        &self,
        client: &PartnerClient,
        app_id: &str,
        version_id: &str,
        at: OffsetDateTime,
    ) -> Result<workbench_store::Received, WorkbenchError> {
        let theirs = client.version(app_id, version_id).await?;
        let icon = self.server_icon(client, &theirs).await?;
        Ok(self
            .store()
            .receive(&theirs.version, &theirs.etag, icon.as_ref(), &rfc3339(at))?)
    }

    /// The icon a server copy names: from the cache when its checksum is the cached one,
    /// else downloaded.
    pub(crate) async fn server_icon(
        &self,
        client: &PartnerClient,
        theirs: &VersionResource,
    ) -> Result<Option<workbench_domain::IconFile>, WorkbenchError> {
        let Some(info) = &theirs.icon else {
            return Ok(None);
        };
        let id = &theirs.version.id;
        if let Some(cached) = self.store().icon(id)?
            && cached.sha256 == info.sha256
        {
            return Ok(Some(cached));
        }
        Ok(Some(
            client
                .icon(&theirs.version.app_id, id, &info.sha256)
                .await?,
        ))
    }
}

/// The `PATCH` body: every section of `working` that differs from `base`, whole, but for the
/// sections in `held` (those with a field in conflict), which are left out: the server keeps
/// its copy of them.
pub(crate) fn sections_changed(
    base: &VersionContent,
    working: &VersionContent,
    held: &[&str],
) -> UpdateVersion {
    let send = |section: &str, changed: bool| changed && !held.contains(&section);
    UpdateVersion {
        general: send("general", base.general != working.general).then(|| working.general.clone()),
        technical: send("technical", base.technical != working.technical)
            .then(|| working.technical.clone()),
        marketplace: send("marketplace", base.marketplace != working.marketplace)
            .then(|| working.marketplace.clone()),
        subscription_types: send(
            "subscription_types",
            base.subscription_types != working.subscription_types,
        )
        .then(|| working.subscription_types.clone()),
    }
}

/// The content write that sends `working` over `base` (the server's copy at `etag`), ready to
/// be recorded in flight: `None` when nothing differs.
fn content_write(
    version_id: &str,
    etag: &str,
    base: &VersionContent,
    working: &VersionContent,
) -> Option<(UpdateVersion, InFlight)> {
    content_write_leaving_out(version_id, etag, base, working, &[])
}

/// [`content_write`] leaving out the sections in `held` (see [`sections_changed`]).
fn content_write_leaving_out(
    version_id: &str,
    etag: &str,
    base: &VersionContent,
    working: &VersionContent,
    held: &[&str],
) -> Option<(UpdateVersion, InFlight)> {
    let update = sections_changed(base, working, held);
    if update.is_empty() {
        return None;
    }
    let body = serde_json::to_vec(&update).unwrap_or_default();
    let in_flight = InFlight {
        etag: etag.to_owned(),
        idempotency_key: derived_key(version_id, etag, &body),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    Some((update, in_flight))
}

/// The `PATCH /apps/{id}` body: every field of `mine` that differs from `theirs`.
fn app_update(theirs: &workbench_domain::App, mine: &workbench_domain::App) -> UpdateApp {
    let differs = |a: &str, b: &str| (a != b).then(|| b.to_owned());
    UpdateApp {
        slug: differs(&theirs.slug, &mine.slug),
        display_name: differs(&theirs.display_name, &mine.display_name),
        created_type: differs(&theirs.created_type, &mine.created_type),
        app_type: (theirs.app_type != mine.app_type).then_some(mine.app_type),
        render: (theirs.render != mine.render).then_some(mine.render),
    }
}

/// The content sections holding a field in conflict: a `PATCH` leaves them out.
fn conflicted_sections(conflicts: &[StoredConflict]) -> Vec<&'static str> {
    let mut sections: Vec<&'static str> = conflicts
        .iter()
        .filter_map(|c| workbench_domain::merge::section_of(&c.conflict.field))
        .collect();
    sections.sort_unstable();
    sections.dedup();
    sections
}

/// What one step of a version's push did.
struct Step {
    /// A write request was made.
    wrote: bool,
    /// The entries done with for this push: sent and settled, or waiting on a conflict (those
    /// stay in the outbox).
    done: Vec<i64>,
}

impl Step {
    fn wrote(done: Vec<i64>) -> Step {
        Step { wrote: true, done }
    }

    fn skipped(done: Vec<i64>) -> Step {
        Step { wrote: false, done }
    }
}

/// The idempotency key of a coalesced write: the same version, base ETag and body give the same
/// key, so a write replayed after a crash or a lost reply is answered with its first result.
fn derived_key(version_id: &str, etag: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(version_id.as_bytes());
    hasher.update(b"\n");
    hasher.update(etag.as_bytes());
    hasher.update(b"\n");
    hasher.update(body);
    format!("pwb-{}", &hex::encode(hasher.finalize())[..32])
}

/// Why a version's push ended early.
enum Failure {
    /// Stop the whole push; the entries stay queued (offline, overloaded, signed out, the cache).
    Stop(WorkbenchError),
    /// The server refused these entries for good: hold them with the reason.
    Hold { ids: Vec<i64>, reason: String },
}

impl Failure {
    fn hold(remaining: &[&OutboxEntry], reason: &str) -> Failure {
        Failure::Hold {
            ids: remaining.iter().map(|e| e.id).collect(),
            reason: reason.to_owned(),
        }
    }

    fn classify(error: RemoteError, remaining: &[&OutboxEntry]) -> Failure {
        match error.status() {
            Some(status)
                if (400..500).contains(&status) && !matches!(status, 401 | 408 | 412 | 429) =>
            {
                // The write that failed is the first of the kind still queued; hold them all:
                // later actions depend on earlier ones.
                Failure::hold(remaining, &error.to_string())
            }
            _ => Failure::Stop(error.into()),
        }
    }
}

impl From<workbench_store::StoreError> for Failure {
    fn from(error: workbench_store::StoreError) -> Self {
        Failure::Stop(error.into())
    }
}

/// Why one write of a push did not happen.
enum StepError {
    Remote(RemoteError),
    /// An entry refused before sending (unreadable, or failing its preflight check).
    Refused {
        id: i64,
        reason: String,
    },
    Store(workbench_store::StoreError),
}

impl From<RemoteError> for StepError {
    fn from(error: RemoteError) -> Self {
        StepError::Remote(error)
    }
}

impl From<workbench_store::StoreError> for StepError {
    fn from(error: workbench_store::StoreError) -> Self {
        StepError::Store(error)
    }
}

fn bad_entry(entry: &OutboxEntry, reason: &str) -> StepError {
    StepError::Refused {
        id: entry.id,
        reason: format!("not sent: {reason}"),
    }
}

#[cfg(test)]
mod tests {
    use workbench_domain::merge::FieldConflict;

    use super::*;

    fn conflict(field: &str) -> StoredConflict {
        StoredConflict {
            version_id: "v".into(),
            conflict: FieldConflict {
                field: field.into(),
                base: serde_json::Value::Null,
                mine: serde_json::Value::Null,
                theirs: serde_json::Value::Null,
            },
            detected_at: "2026-03-01T12:00:00Z".into(),
        }
    }

    #[test]
    fn a_patch_leaves_out_the_sections_that_hold_a_conflicted_field() {
        let base = VersionContent::default();
        let mut working = base.clone();
        working.general.notes = "sent".into();
        working.marketplace.listing_summary = "mine, in conflict".into();
        working.marketplace.description = "waits with it".into();

        let held = conflicted_sections(&[
            conflict("marketplace.listing_summary"),
            conflict("marketplace.support.email"),
            conflict(workbench_store::ICON_FIELD),
        ]);
        assert_eq!(held, ["marketplace"], "one section, the icon in none");
        let update = sections_changed(&base, &working, &held);
        assert_eq!(update.general, Some(working.general.clone()));
        assert_eq!(update.marketplace, None, "the server keeps its copy");
        assert_eq!((update.technical, update.subscription_types), (None, None));

        let everything = sections_changed(&base, &working, &[]);
        assert_eq!(everything.marketplace, Some(working.marketplace.clone()));
        assert!(sections_changed(&base, &working, &["general", "marketplace"]).is_empty());
        assert_eq!(
            conflicted_sections(&[conflict("subscription_types[Pro].price")]),
            ["subscription_types"]
        );
    }
}
