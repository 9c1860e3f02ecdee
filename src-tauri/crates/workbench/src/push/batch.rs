//! The push's fast lane: the same first steps of many versions, a few requests in flight at a
//! time and one commit for all of their answers.
//!
//! Most of a push is, for many versions, the create of a version made here and the one content
//! write that carries its edits. One version at a time, each answer costs a commit and the next
//! request waits for it. Here they go in rounds over every version that needs nothing else first:
//!
//! 1. the creates ([`CONCURRENCY`] in flight, at most one per app and round: the server numbers
//!    an app's versions in the order it receives them), then every move to a server id, with the
//!    content write each sends next, in one transaction (`Store::remap_versions`);
//! 2. the content writes of the other versions with edits, recorded in flight in one transaction
//!    before any is sent (`Store::put_in_flight`);
//! 3. all those writes, [`CONCURRENCY`] in flight, then every answer in one transaction
//!    (`Store::pushed`).
//!
//! Crash safety is the one-at-a-time path's: nothing is acted on before its commit, a create
//! sent again carries the idempotency key recorded when the partner made it, and a write in
//! flight is sent again exactly (same `If-Match`, body and key), so the server answers with what
//! it did the first time. What needs more (an open conflict, a 412 to merge, a write left in
//! flight by an earlier push, icons, review actions) stays for the one-at-a-time path, which
//! takes up where this left off.

use std::collections::HashSet;

use futures_util::{StreamExt, stream};
use partner_api::{UpdateVersion, VersionResource};
use time::OffsetDateTime;
use workbench_domain::VersionContent;
use workbench_remote::{PartnerClient, RemoteError};
use workbench_store::{InFlight, Operation, OutboxEntry, Settled, VersionRemap, is_local};

use super::{Failure, PushReport, content_write, sections_changed};
use crate::pull::rfc3339;
use crate::{Workbench, WorkbenchError};

/// How many requests the fast lane keeps in flight: enough to overlap the round trips, few
/// enough that a server limiting rates stays content (browsers keep six per host). Our choice.
const CONCURRENCY: usize = 4;

/// A version's queued entries, as the push groups them.
pub(super) type Group = (String, Vec<OutboxEntry>);

/// A content write of the fast lane, recorded in flight before it is sent.
struct Write {
    version_id: String,
    app_id: String,
    update: UpdateVersion,
    in_flight: InFlight,
    /// The working copy it was made from: when the answer matches it, the edits are all sent.
    working: VersionContent,
}

impl Workbench {
    /// Runs the fast lane over `groups` (see the module's doc): the groups it finished leave
    /// the list, the others stay, moved to their server ids, for the one-at-a-time path.
    pub(super) async fn push_batched(
        &self,
        client: &PartnerClient,
        groups: &mut Vec<Group>,
        at: OffsetDateTime,
        report: &mut PushReport,
    ) -> Result<(), WorkbenchError> {
        let mut writes = Vec::new();
        loop {
            let round = self.create_versions(client, groups, at, report).await?;
            if round.created == 0 {
                break;
            }
            writes.extend(round.writes);
        }
        writes.extend(self.record_writes(groups, &writes)?);
        self.send_writes(client, groups, writes, report).await
    }

    /// One round of creates: the first version made here of each app the server has.
    async fn create_versions(
        &self,
        client: &PartnerClient,
        groups: &mut Vec<Group>,
        at: OffsetDateTime,
        report: &mut PushReport,
    ) -> Result<CreateRound, WorkbenchError> {
        let mut apps = HashSet::new();
        let picked: Vec<usize> = (0..groups.len())
            .filter(|&i| {
                let first = &groups[i].1[0];
                let app_id = app_of(first);
                first.operation == Operation::CreateVersion
                    && !is_local(app_id)
                    && apps.insert(app_id.to_owned())
            })
            .collect();
        // The requests are made before the stream runs (no closure is held across an await:
        // the future stays `Send` for the window's runtime).
        let requests: Vec<_> = picked
            .iter()
            .map(|&i| {
                let first = &groups[i].1[0];
                client.create_version(app_of(first), &first.idempotency_key)
            })
            .collect();
        if requests.is_empty() {
            return Ok(CreateRound {
                created: 0,
                writes: Vec::new(),
            });
        }
        let answers = in_flight(requests).await;

        let mut created: Vec<(usize, VersionResource, Option<Write>)> = Vec::new();
        let mut dropped: Vec<usize> = Vec::new();
        let mut stop: Option<(WorkbenchError, Vec<i64>)> = None;
        for (&i, answer) in picked.iter().zip(answers) {
            let (local_id, entries) = &groups[i];
            let all: Vec<&OutboxEntry> = entries.iter().collect();
            match answer {
                Ok(theirs) => {
                    report.writes += 1;
                    report.created += 1;
                    let Some(cached) = self.store().version(local_id)? else {
                        // Discarded here while its create was on the way: the server's copy
                        // stays a draft the partner can delete.
                        hold(self, &all, "the version is no longer in the cache", report)?;
                        dropped.push(i);
                        continue;
                    };
                    let working = cached.version.content;
                    let write = content_write(
                        &theirs.version.id,
                        &theirs.etag,
                        &theirs.version.content,
                        &working,
                    )
                    .map(|(update, in_flight)| Write {
                        version_id: theirs.version.id.clone(),
                        app_id: theirs.version.app_id.clone(),
                        update,
                        in_flight,
                        working,
                    });
                    created.push((i, theirs, write));
                }
                Err(error) => match Failure::classify(error, &all) {
                    Failure::Hold { ids, reason } => {
                        report.held += ids.len();
                        self.store().note_failure(&ids, &reason, true)?;
                        dropped.push(i);
                    }
                    Failure::Stop(error) => {
                        if stop.is_none() {
                            stop = Some((error, all.iter().map(|e| e.id).collect()));
                        }
                    }
                },
            }
        }

        let at = rfc3339(at);
        let remaps: Vec<VersionRemap<'_>> = created
            .iter()
            .map(|(i, theirs, write)| VersionRemap {
                local_id: &groups[*i].0,
                theirs: &theirs.version,
                etag: &theirs.etag,
                icon_sha256: theirs.icon.as_ref().map(|icon| icon.sha256.as_str()),
                next_write: write.as_ref().map(|w| &w.in_flight),
            })
            .collect();
        if !remaps.is_empty() {
            self.store().remap_versions(&remaps, &at)?;
        }

        drop(remaps);

        // The groups as the remap left them: under the server's ids, without their creates.
        let count = created.len();
        let mut writes = Vec::new();
        for (i, theirs, write) in created {
            let (version_id, entries) = &mut groups[i];
            *version_id = theirs.version.id;
            entries.remove(0);
            for entry in entries.iter_mut() {
                entry.version_id = version_id.clone();
            }
            if entries.is_empty() {
                report.versions_sent += 1;
                dropped.push(i);
            }
            writes.extend(write);
        }
        remove(groups, dropped);
        if let Some((error, ids)) = stop {
            self.store().note_failure(&ids, &error.to_string(), false)?;
            return Err(error);
        }
        Ok(CreateRound {
            created: count,
            writes,
        })
    }

    /// Records in flight, in one transaction, the content write of every version whose edits
    /// need nothing else first: on the server, no open conflict, no write left in flight by an
    /// earlier push, and something that differs from the server's copy.
    fn record_writes(
        &self,
        groups: &[Group],
        recorded: &[Write],
    ) -> Result<Vec<Write>, WorkbenchError> {
        let mut store = self.store();
        let conflicted: HashSet<String> = store
            .conflicts(None)?
            .into_iter()
            .map(|c| c.version_id)
            .collect();
        let mut writes = Vec::new();
        for (version_id, entries) in groups {
            let simple = entries.iter().any(|e| e.operation == Operation::Edit)
                && entries.iter().all(|e| {
                    !matches!(
                        e.operation,
                        Operation::CreateVersion | Operation::DeleteVersion
                    )
                });
            if !simple
                || is_local(version_id)
                || conflicted.contains(version_id)
                || recorded.iter().any(|w| w.version_id == *version_id)
                || store.in_flight(version_id)?.is_some()
            {
                continue;
            }
            let Some(cached) = store.version(version_id)? else {
                continue;
            };
            let (Some(etag), Some(base)) = (cached.etag, cached.base) else {
                continue;
            };
            let working = cached.version.content;
            if let Some((update, in_flight)) =
                content_write(version_id, &etag, &base.content, &working)
            {
                writes.push(Write {
                    version_id: version_id.clone(),
                    app_id: cached.version.app_id,
                    update,
                    in_flight,
                    working,
                });
            }
        }
        let pairs: Vec<(&str, &InFlight)> = writes
            .iter()
            .map(|w| (w.version_id.as_str(), &w.in_flight))
            .collect();
        if !pairs.is_empty() {
            store.put_in_flight(&pairs)?;
        }
        Ok(writes)
    }

    /// Sends the recorded writes and settles every answer in one transaction.
    async fn send_writes(
        &self,
        client: &PartnerClient,
        groups: &mut Vec<Group>,
        writes: Vec<Write>,
        report: &mut PushReport,
    ) -> Result<(), WorkbenchError> {
        let requests: Vec<_> = writes
            .iter()
            .map(|w| {
                client.update_version(
                    &w.app_id,
                    &w.version_id,
                    &w.in_flight.etag,
                    &w.in_flight.idempotency_key,
                    &w.update,
                )
            })
            .collect();
        let answers = in_flight(requests).await;

        let mut settled: Vec<(VersionResource, Vec<i64>)> = Vec::new();
        let mut dropped = Vec::new();
        let mut stop: Option<(WorkbenchError, Vec<i64>)> = None;
        for (write, answer) in writes.iter().zip(answers) {
            let Some(i) = groups.iter().position(|(id, _)| *id == write.version_id) else {
                continue;
            };
            let entries = &mut groups[i].1;
            match answer {
                Ok(theirs) => {
                    report.writes += 1;
                    // When nothing differs from the answer, it carried every edit; else what
                    // was edited since goes in the next write, by the one-at-a-time path.
                    let done: Vec<i64> = if sections_changed(
                        &theirs.version.content,
                        &write.working,
                        &[],
                    )
                    .is_empty()
                    {
                        entries
                            .iter()
                            .filter(|e| e.operation == Operation::Edit)
                            .map(|e| e.id)
                            .collect()
                    } else {
                        Vec::new()
                    };
                    entries.retain(|e| !done.contains(&e.id));
                    if entries.is_empty() {
                        report.versions_sent += 1;
                        dropped.push(i);
                    }
                    settled.push((theirs, done));
                }
                Err(error) => {
                    let all: Vec<&OutboxEntry> = entries.iter().collect();
                    if error.status() == Some(404) {
                        // Deleted on the server: it all stays queued, and the feed read after
                        // the push records the deletion as a conflict to settle.
                        report.writes += 1;
                        report.waiting_on_conflicts += 1;
                        self.store().forget_in_flight(&write.version_id)?;
                        dropped.push(i);
                        continue;
                    }
                    if error.is_precondition_failed() {
                        // Changed on the server meanwhile: the one-at-a-time path merges and
                        // sends again.
                        report.writes += 1;
                        self.store().forget_in_flight(&write.version_id)?;
                        continue;
                    }
                    match Failure::classify(error, &all) {
                        Failure::Hold { ids, reason } => {
                            report.writes += 1;
                            report.held += ids.len();
                            let store = self.store();
                            store.forget_in_flight(&write.version_id)?;
                            store.note_failure(&ids, &reason, true)?;
                            dropped.push(i);
                        }
                        // The write stays in flight, to be sent again exactly.
                        Failure::Stop(error) => {
                            if stop.is_none() {
                                stop = Some((error, all.iter().map(|e| e.id).collect()));
                            }
                        }
                    }
                }
            }
        }
        let answers: Vec<Settled<'_>> = settled
            .iter()
            .map(|(theirs, done)| Settled {
                theirs: &theirs.version,
                etag: &theirs.etag,
                done,
                icon_sent: None,
            })
            .collect();
        if !answers.is_empty() {
            self.store().pushed(&answers)?;
        }
        remove(groups, dropped);
        if let Some((error, ids)) = stop {
            self.store().note_failure(&ids, &error.to_string(), false)?;
            return Err(error);
        }
        Ok(())
    }
}

/// Runs `requests` with [`CONCURRENCY`] in flight; the answers in the requests' order.
async fn in_flight<F>(requests: Vec<F>) -> Vec<Result<VersionResource, RemoteError>>
where
    F: Future<Output = Result<VersionResource, RemoteError>>,
{
    stream::iter(requests).buffered(CONCURRENCY).collect().await
}

struct CreateRound {
    created: usize,
    writes: Vec<Write>,
}

fn app_of(entry: &OutboxEntry) -> &str {
    entry.payload["app_id"].as_str().unwrap_or_default()
}

fn hold(
    workbench: &Workbench,
    entries: &[&OutboxEntry],
    reason: &str,
    report: &mut PushReport,
) -> Result<(), WorkbenchError> {
    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    report.held += ids.len();
    workbench.store().note_failure(&ids, reason, true)?;
    Ok(())
}

/// Takes the groups at `indices` out of `groups`.
fn remove(groups: &mut Vec<Group>, mut indices: Vec<usize>) {
    indices.sort_unstable();
    indices.dedup();
    for i in indices.into_iter().rev() {
        groups.remove(i);
    }
}
