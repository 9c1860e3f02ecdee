//! Registering an app, starting its next version, deleting a draft: each a local change written
//! with its outbox entry in one transaction (durable and shown when this returns), sent at the
//! next sync in dependency order by the push, which moves the local id to the server's when the
//! server answers (`workbench_store`'s `created` module has the id rules).
//!
//! The rules are the server's, from `workbench_domain::lifecycle`: a registration's fields, a
//! later version only after an Available one (as a copy of it), a delete only of a draft.

use serde::Serialize;
use time::OffsetDateTime;
use workbench_domain::lifecycle::{self, NewVersion};
use workbench_domain::{App, AppType, AppVersion, Render, VersionStatus};
use workbench_store::{Deletion, LOCAL_PREFIX};

use crate::edit::new_key;
use crate::pull::rfc3339;
use crate::{Workbench, WorkbenchError};

/// What a partner fills in to register an app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApp {
    /// The unique identifier (`lifecycle::name_problem` says what it may be).
    pub name: String,
    /// The listing's slug; the name when not given.
    pub slug: Option<String>,
    pub display_name: String,
    /// The vendor: the partner's company name.
    pub created_type: String,
    pub app_type: AppType,
    pub render: Render,
}

impl NewApp {
    fn slug(&self) -> &str {
        self.slug.as_deref().unwrap_or(&self.name)
    }

    /// Every problem of its fields, as (field, message): what the form shows as it is typed.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        lifecycle::registration_problems(
            &self.name,
            self.slug(),
            &self.display_name,
            &self.created_type,
        )
    }
}

/// Whether a version can be started for an app now, and what it would be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextVersion {
    /// `Ok(number)`: the number it would have; `Err(reason)`: why none can start now.
    pub allowed: Result<String, String>,
}

impl Workbench {
    /// Registers an app in the cache under a local id and queues its registration.
    pub fn create_app(&self, new: &NewApp, at: OffsetDateTime) -> Result<App, WorkbenchError> {
        let problems = new.problems();
        if !problems.is_empty() {
            let listed: Vec<String> = problems
                .iter()
                .map(|(field, problem)| format!("{field} {problem}"))
                .collect();
            return Err(WorkbenchError::InvalidInput(format!(
                "cannot register the app: {}",
                listed.join("; ")
            )));
        }
        let app = App {
            id: local_id("app"),
            name: new.name.clone(),
            slug: new.slug().to_owned(),
            display_name: new.display_name.clone(),
            created_type: new.created_type.clone(),
            app_type: new.app_type,
            render: new.render,
            sandbox: false,
        };
        self.store().create_app(&app, &new_key(), &rfc3339(at))?;
        Ok(app)
    }

    /// Gives an app whose registration waits (the server refused its name) another name; it is
    /// sent again at the next sync.
    pub fn rename_app(&self, app_id: &str, name: &str) -> Result<App, WorkbenchError> {
        if let Some(problem) = lifecycle::name_problem(name) {
            return Err(WorkbenchError::InvalidInput(format!(
                "cannot rename the app: name {problem}"
            )));
        }
        self.store().rename_app(app_id, name, &new_key())?;
        self.app(app_id)
    }

    /// Changes an app's own fields (`app.display_name`, `app.slug`, `app.created_type`,
    /// `app.app_type`, `app.render`; the `app.` may be left out) and queues the change, merged
    /// three ways with the server's at the next sync. The app now and the fields it changed
    /// (none: it already had those values, nothing was queued).
    pub fn edit_app(
        &self,
        app_id: &str,
        sets: &[(String, serde_json::Value)],
        at: OffsetDateTime,
    ) -> Result<(App, Vec<String>), WorkbenchError> {
        let before = self.app(app_id)?;
        let mut after = before.clone();
        for (field, value) in sets {
            let name = field.strip_prefix("app.").unwrap_or(field);
            after = lifecycle::set_app_field(&after, name, value)
                .map_err(|reason| WorkbenchError::InvalidInput(format!("not changed: {reason}")))?;
        }
        let changed: Vec<String> = lifecycle::APP_FIELDS
            .iter()
            .filter(|f| lifecycle::app_field(&before, f) != lifecycle::app_field(&after, f))
            .map(|f| format!("app.{f}"))
            .collect();
        self.store().edit_app(&after, &new_key(), &rfc3339(at))?;
        Ok((after, changed))
    }

    /// Settles a conflict on an app's field (`app.FIELD`, as `pwb conflicts` names it) with
    /// `value`; sent at the next sync when it differs from the server's. `Workbench::resolve`
    /// comes here for an `app.` field.
    pub(crate) fn resolve_app(
        &self,
        app_id: &str,
        field: &str,
        value: &serde_json::Value,
        at: OffsetDateTime,
    ) -> Result<(), WorkbenchError> {
        Ok(self
            .store()
            .resolve_app(app_id, field, value, &new_key(), &rfc3339(at))?)
    }

    /// One cached app.
    pub fn app(&self, app_id: &str) -> Result<App, WorkbenchError> {
        self.store().app(app_id)?.ok_or_else(|| {
            WorkbenchError::InvalidInput(format!(
                "no cached app {app_id}: run `pwb apps` to see the cached ones"
            ))
        })
    }

    /// What the next version of an app would be, or why none can start now.
    pub fn next_version(&self, app_id: &str) -> Result<NextVersion, WorkbenchError> {
        Ok(NextVersion {
            allowed: self.plan_version(app_id)?.map(|next| next.version_number),
        })
    }

    fn plan_version(&self, app_id: &str) -> Result<Result<NewVersion, String>, WorkbenchError> {
        let app = self.app(app_id)?;
        let listing = self
            .list_apps()?
            .into_iter()
            .find(|listing| listing.app.id == app_id);
        let versions = listing.map(|l| l.versions).unwrap_or_default();
        // The list is newest first, and leaves out versions deleted here.
        let latest = match versions.first() {
            Some(summary) => Some(self.cached(&summary.id)?.version),
            None => None,
        };
        Ok(lifecycle::next_version(&app, latest.as_ref(), |number| {
            versions.iter().any(|v| v.version_number == number)
        }))
    }

    /// Starts an app's next version in the cache under a local id (a copy of the latest, with
    /// its icon, or empty for a first version) and queues its creation.
    pub fn create_version(
        &self,
        app_id: &str,
        at: OffsetDateTime,
    ) -> Result<AppVersion, WorkbenchError> {
        let next = self.plan_version(app_id)?.map_err(|reason| {
            WorkbenchError::InvalidInput(format!("cannot start a version: {reason}"))
        })?;
        let icon = match &next.copy_of {
            Some(id) => self.store().icon(id)?,
            None => None,
        };
        let version = AppVersion {
            id: local_id("ver"),
            app_id: app_id.to_owned(),
            version_number: next.version_number,
            status: VersionStatus::NEW,
            content: next.content,
        };
        self.store()
            .create_version(&version, icon.as_ref(), &new_key(), &rfc3339(at))?;
        Ok(version)
    }

    /// Deletes a draft version: at once when the server never had it, else queued for the next
    /// sync (hidden from the list now). Refused, with the reason, for a version not a draft.
    pub fn delete_version(
        &self,
        version_id: &str,
        at: OffsetDateTime,
    ) -> Result<Deletion, WorkbenchError> {
        let cached = self.cached(version_id)?;
        lifecycle::deletable(&cached.version.version_number, cached.version.status)
            .map_err(|reason| WorkbenchError::InvalidInput(format!("cannot delete: {reason}")))?;
        Ok(self
            .store()
            .delete_version(version_id, &new_key(), &rfc3339(at))?)
    }

    /// The server's id of an app or version made here under `id`, once the server has it.
    pub fn resolve_local_id(&self, id: &str) -> Result<Option<String>, WorkbenchError> {
        if !workbench_store::is_local(id) {
            return Ok(None);
        }
        self.moved_id(id)
    }

    /// Where a sync moved `id`, if it did: the server's id of an app or version made here, or
    /// the new id of a version deleted on the server that the partner kept (created again).
    pub fn moved_id(&self, id: &str) -> Result<Option<String>, WorkbenchError> {
        Ok(self.store().resolve_alias(id)?)
    }
}

/// A fresh local id: `local-app-…` or `local-ver-…` and 64 random bits.
fn local_id(kind: &str) -> String {
    let key = new_key();
    format!("{LOCAL_PREFIX}{kind}-{}", &key[key.len() - 16..])
}
