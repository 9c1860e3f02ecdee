//! The tables of installations, OAuth clients and the account, and their queries.
//!
//! Created with `IF NOT EXISTS` on every open, so a database made before these tables existed
//! gains them (empty, with the empty account) instead of failing with "no such table"; a new
//! database gets them seeded in the same transaction as the rest of the seed.

use partner_api::account::{Account, Credits, Licenses};
use partner_api::installations::{
    Decision, Installation, InstallationState, UpdateState, Waiting, waiting,
};
use partner_api::oauth_clients::OAuthClient;
use partner_api::{ChangeKind, InstallationRequest, ResourceType};
use rusqlite::{Connection, OptionalExtension, Row, params};
use sha2::{Digest, Sha256};

use super::{Db, clamp};
use crate::config::Seed;
use crate::seed;
use crate::store::{NewChange, record};

/// Migration 2's hook: what databases made before the migrations were numbered gained in place
/// at each start, once more. Changes nothing on a database made by migration 1.
pub(super) fn bring_columns_up_to_date(conn: &Connection) -> rusqlite::Result<()> {
    let has_column = |table: &str, column: &str| -> rusqlite::Result<bool> {
        conn.query_row(
            "SELECT count(*) > 0 FROM pragma_table_info(?1) WHERE name = ?2",
            params![table, column],
            |row| row.get(0),
        )
    };
    // An installation's update state (none).
    if !has_column("installations", "update_state")? {
        conn.execute_batch(
            "ALTER TABLE installations ADD COLUMN update_state TEXT
                 CHECK (update_state IN ('updating', 'failed'))",
        )?;
    }
    // A separate `pending` state was the one the partner confirmed: FAQ §16's Installing is that
    // state, so those installations wait as `installing` now.
    conn.execute(
        "UPDATE installations SET state = 'installing' WHERE state = 'pending'",
        [],
    )?;
    // Clients' redirect URIs and grant types (none, and client credentials).
    if !has_column("oauth_clients", "redirect_uris")? {
        conn.execute_batch(
            "ALTER TABLE oauth_clients ADD COLUMN redirect_uris TEXT NOT NULL DEFAULT '[]';
             ALTER TABLE oauth_clients ADD COLUMN grant_types TEXT NOT NULL
                 DEFAULT '[\"client_credentials\"]';",
        )?;
    }
    insert_account(conn, Seed::Empty)
}

/// Seeds a new database's installations and account with `seed`'s.
pub(super) fn seed(conn: &Connection, seed: Seed) -> rusqlite::Result<()> {
    insert_account(conn, seed)?;
    for installation in seed::partner::installations(seed) {
        insert_installation(conn, &installation)?;
    }
    Ok(())
}

/// The account row, unless there is one.
fn insert_account(conn: &Connection, seed: Seed) -> rusqlite::Result<()> {
    let account = seed::partner::account(seed);
    conn.execute(
        "INSERT OR IGNORE INTO account
             (id, licenses_total, licenses_used, free_developer, credits_balance, currency)
         VALUES (1, ?1, ?2, ?3, ?4, ?5)",
        params![
            account.licenses.total,
            account.licenses.used,
            account.licenses.free_developer,
            account.credits.balance,
            account.credits.currency
        ],
    )?;
    Ok(())
}

fn insert_installation(conn: &Connection, i: &Installation) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO installations (id, app_id, account_name, app_version_id, state,
                                    trial_start, trial_end, plan, licenses, reason, update_state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            i.id,
            i.app_id,
            i.account_name,
            i.app_version_id,
            i.state.as_str(),
            i.trial_start,
            i.trial_end,
            i.plan,
            i.licenses,
            i.reason,
            i.update.map(UpdateState::as_str)
        ],
    )?;
    Ok(())
}

const INSTALLATION_COLUMNS: &str = "id, app_id, account_name, app_version_id, state, \
                                    trial_start, trial_end, plan, licenses, reason, update_state";

fn installation_from_row(row: &Row<'_>) -> rusqlite::Result<Installation> {
    let state: String = row.get(4)?;
    let state = InstallationState::parse(&state).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            4,
            rusqlite::types::Type::Text,
            format!("unknown installation state {state:?}").into(),
        )
    })?;
    Ok(Installation {
        id: row.get(0)?,
        app_id: row.get(1)?,
        account_name: row.get(2)?,
        app_version_id: row.get(3)?,
        state,
        trial_start: row.get(5)?,
        trial_end: row.get(6)?,
        plan: row.get(7)?,
        licenses: row.get(8)?,
        reason: row.get(9)?,
        update: match row.get::<_, Option<String>>(10)? {
            None => None,
            Some(text) => Some(UpdateState::parse(&text).ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(
                    10,
                    rusqlite::types::Type::Text,
                    format!("unknown installation update state {text:?}").into(),
                )
            })?),
        },
    })
}

/// What deciding on an installation did.
pub enum Decided {
    NoSuchInstallation,
    /// Nothing of it waits for the partner: this is the installation as it is.
    NothingWaiting(Installation),
    /// `If-Match` named none of the installation's ETags; this is the current one.
    Stale(String),
    Done(Installation),
}

/// An installation's ETag: a hash of what `GET` serves of it.
pub fn installation_etag(installation: &Installation) -> String {
    let bytes = serde_json::to_vec(installation).unwrap_or_default();
    format!("\"{}\"", &hex::encode(Sha256::digest(bytes))[..32])
}

/// What creating an OAuth client did.
pub enum Created {
    New(OAuthClient),
    /// The `Idempotency-Key` was used before: the client that request created.
    Replayed(OAuthClient),
}

const CLIENT_COLUMNS: &str = "id, name, scopes, created_at, redirect_uris, grant_types";

fn client_from_row(row: &Row<'_>) -> rusqlite::Result<OAuthClient> {
    let list = |index: usize| -> rusqlite::Result<Vec<String>> {
        let text: String = row.get(index)?;
        serde_json::from_str(&text).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(
                index,
                rusqlite::types::Type::Text,
                Box::new(e),
            )
        })
    };
    Ok(OAuthClient {
        id: row.get(0)?,
        name: row.get(1)?,
        scopes: list(2)?,
        redirect_uris: list(4)?,
        grant_types: list(5)?,
        created_at: row.get(3)?,
    })
}

impl Db {
    /// The page of installations of `app_id` and their total, or `None` when there is no such app.
    pub fn list_installations(
        &self,
        app_id: &str,
        offset: u64,
        limit: u32,
    ) -> rusqlite::Result<Option<(Vec<Installation>, u64)>> {
        super::app_page(
            &self.conn(),
            "installations",
            INSTALLATION_COLUMNS,
            app_id,
            (offset, limit),
            installation_from_row,
        )
    }

    pub fn get_installation(
        &self,
        app_id: &str,
        id: &str,
    ) -> rusqlite::Result<Option<Installation>> {
        get_installation(&self.conn(), app_id, id)
    }

    pub fn list_oauth_clients(
        &self,
        offset: u64,
        limit: u32,
    ) -> rusqlite::Result<(Vec<OAuthClient>, u64)> {
        let conn = self.conn();
        let total: i64 = conn.query_row("SELECT COUNT(*) FROM oauth_clients", [], |r| r.get(0))?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {CLIENT_COLUMNS} FROM oauth_clients ORDER BY seq LIMIT ?1 OFFSET ?2"
        ))?;
        let clients = stmt
            .query_map(params![limit, clamp(offset)], client_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((clients, total as u64))
    }

    /// Stores a new client with the hash of its secret, unless `idempotency_key` was used
    /// before, in which case nothing is created and the earlier client is returned.
    pub fn create_oauth_client(
        &self,
        client: &OAuthClient,
        secret_sha256: &str,
        idempotency_key: Option<&str>,
    ) -> rusqlite::Result<Created> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        if let Some(key) = idempotency_key
            && let Some(earlier) = conn
                .query_row(
                    &format!(
                        "SELECT {CLIENT_COLUMNS} FROM oauth_clients WHERE idempotency_key = ?1"
                    ),
                    [key],
                    client_from_row,
                )
                .optional()?
        {
            return Ok(Created::Replayed(earlier));
        }
        let json = |list: &Vec<String>| {
            serde_json::to_string(list)
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
        };
        tx.execute(
            "INSERT INTO oauth_clients (id, name, scopes, redirect_uris, grant_types,
                                        secret_sha256, created_at, idempotency_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                client.id,
                client.name,
                json(&client.scopes)?,
                json(&client.redirect_uris)?,
                json(&client.grant_types)?,
                secret_sha256,
                client.created_at,
                idempotency_key
            ],
        )?;
        record(
            &tx,
            NewChange::other(
                ChangeKind::OauthClientCreated,
                ResourceType::OauthClient,
                &client.id,
                None,
                None,
            ),
        )?;
        tx.commit()?;
        Ok(Created::New(client.clone()))
    }

    pub fn get_oauth_client(&self, id: &str) -> rusqlite::Result<Option<OAuthClient>> {
        self.conn()
            .query_row(
                &format!("SELECT {CLIENT_COLUMNS} FROM oauth_clients WHERE id = ?1"),
                [id],
                client_from_row,
            )
            .optional()
    }

    pub fn account(&self) -> rusqlite::Result<Account> {
        self.conn().query_row(
            "SELECT licenses_total, licenses_used, free_developer, credits_balance, currency
             FROM account WHERE id = 1",
            [],
            |r| {
                Ok(Account {
                    licenses: Licenses {
                        total: r.get(0)?,
                        used: r.get(1)?,
                        free_developer: r.get(2)?,
                    },
                    credits: Credits {
                        balance: r.get(3)?,
                        currency: r.get(4)?,
                    },
                })
            },
        )
    }
}

fn get_installation(
    conn: &Connection,
    app_id: &str,
    id: &str,
) -> rusqlite::Result<Option<Installation>> {
    conn.query_row(
        &format!("SELECT {INSTALLATION_COLUMNS} FROM installations WHERE app_id = ?1 AND id = ?2"),
        [app_id, id],
        installation_from_row,
    )
    .optional()
}

/// The partner's decision on what waits for them ([`waiting`]), inside the write transaction the
/// caller commits (the route runs it under its `Idempotency-Key`): the state is checked and
/// changed under one lock. An installation waiting for confirmation is approved (→ `completed`)
/// or rejected (→ `rejected`, keeping `reason`); an update waiting is accepted or rejected, and
/// either way it ends (a rejection's reason is kept).
pub fn decide_installation(
    tx: &Connection,
    app_id: &str,
    id: &str,
    decision: Decision,
    reason: Option<&str>,
    if_match: &[String],
) -> rusqlite::Result<Decided> {
    let Some(found) = get_installation(tx, app_id, id)? else {
        return Ok(Decided::NoSuchInstallation);
    };
    let Some(waits) = waiting(found.state, found.update) else {
        return Ok(Decided::NothingWaiting(found));
    };
    let current = installation_etag(&found);
    if !if_match.iter().any(|tag| *tag == current || tag == "*") {
        return Ok(Decided::Stale(current));
    }
    let reason = match decision {
        Decision::Approve => None,
        Decision::Reject => reason,
    };
    match (waits, decision) {
        (Waiting::Installation, Decision::Approve) => tx.execute(
            "UPDATE installations SET state = 'completed', reason = NULL
             WHERE app_id = ?1 AND id = ?2",
            params![app_id, id],
        )?,
        (Waiting::Installation, Decision::Reject) => tx.execute(
            "UPDATE installations SET state = 'rejected', reason = ?1
             WHERE app_id = ?2 AND id = ?3",
            params![reason, app_id, id],
        )?,
        (Waiting::Update, _) => tx.execute(
            "UPDATE installations SET update_state = NULL, reason = ?1
             WHERE app_id = ?2 AND id = ?3",
            params![reason, app_id, id],
        )?,
    };
    let Some(updated) = get_installation(tx, app_id, id)? else {
        return Ok(Decided::NoSuchInstallation);
    };
    // The feed entry is written in the same transaction as the decision.
    record(
        tx,
        NewChange::other(
            ChangeKind::InstallationDecided,
            ResourceType::Installation,
            id,
            Some(app_id),
            Some(installation_etag(&updated)),
        ),
    )?;
    Ok(Decided::Done(updated))
}

/// A customer's new installation request, as `POST /_sandbox/apps/{app_id}/installations` takes
/// it (AppConnect's side, which the API does not have).
pub struct NewRequest {
    pub account_name: String,
    pub version_id: String,
    pub plan: Option<String>,
    pub licenses: u32,
}

/// What asking the partner something did.
pub enum Requested {
    /// No such app, installation or (for a new installation) version of the app.
    NotFound(String),
    /// The installation cannot be asked this now (a new one's version is not technically
    /// Available; an update of an installation that is not active or already has one).
    Refused(String),
    Done(Installation),
}

/// A customer asks to install a version of `app_id`: a new installation waiting for the
/// partner's confirmation, announced in the feed with its request.
pub fn request_installation(
    tx: &Connection,
    app_id: &str,
    new: &NewRequest,
) -> rusqlite::Result<Requested> {
    let technical: Option<String> = tx
        .query_row(
            "SELECT technical_status FROM versions WHERE app_id = ?1 AND id = ?2",
            params![app_id, new.version_id],
            |row| row.get(0),
        )
        .optional()?;
    let Some(technical) = technical else {
        return Ok(Requested::NotFound(format!(
            "app {app_id} has no version {}",
            new.version_id
        )));
    };
    if technical != "available" {
        return Ok(Requested::Refused(format!(
            "version {} is not technically Available, so customers cannot install it",
            new.version_id
        )));
    }
    let seq: i64 = tx.query_row(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM installations",
        [],
        |row| row.get(0),
    )?;
    let installation = Installation {
        id: format!("inst-{seq}"),
        app_id: app_id.to_owned(),
        account_name: new.account_name.clone(),
        app_version_id: new.version_id.clone(),
        state: InstallationState::Installing,
        trial_start: None,
        trial_end: None,
        plan: new.plan.clone(),
        licenses: new.licenses,
        reason: None,
        update: None,
    };
    insert_installation(tx, &installation)?;
    announce_request(tx, &installation, Waiting::Installation)?;
    Ok(Requested::Done(installation))
}

/// A customer changes an active installation (its users or settings, FAQ §16): an update
/// waiting for the partner to accept or reject it, announced in the feed with its request.
pub fn request_update(tx: &Connection, app_id: &str, id: &str) -> rusqlite::Result<Requested> {
    let Some(found) = get_installation(tx, app_id, id)? else {
        return Ok(Requested::NotFound(format!(
            "app {app_id} has no installation {id}"
        )));
    };
    if found.state != InstallationState::Completed || found.update.is_some() {
        return Ok(Requested::Refused(format!(
            "installation {id} is {}{}; only an active installation with no update under way \
             can be updated",
            found.state.as_str(),
            found
                .update
                .map(|u| format!(" with an update {}", u.as_str()))
                .unwrap_or_default()
        )));
    }
    tx.execute(
        "UPDATE installations SET update_state = 'updating', reason = NULL
         WHERE app_id = ?1 AND id = ?2",
        params![app_id, id],
    )?;
    let Some(updated) = get_installation(tx, app_id, id)? else {
        return Ok(Requested::NotFound(format!(
            "app {app_id} has no installation {id}"
        )));
    };
    announce_request(tx, &updated, Waiting::Update)?;
    Ok(Requested::Done(updated))
}

fn announce_request(
    tx: &Connection,
    installation: &Installation,
    waiting: Waiting,
) -> rusqlite::Result<()> {
    let mut change = NewChange::other(
        ChangeKind::InstallationRequested,
        ResourceType::Installation,
        &installation.id,
        Some(&installation.app_id),
        Some(installation_etag(installation)),
    );
    change.request = Some(InstallationRequest {
        account_name: installation.account_name.clone(),
        app_version_id: installation.app_version_id.clone(),
        waiting,
    });
    record(tx, change)
}

/// Deletes a client, inside the write transaction the caller commits; whether one was deleted.
pub fn delete_oauth_client(tx: &Connection, id: &str) -> rusqlite::Result<bool> {
    let deleted = tx.execute("DELETE FROM oauth_clients WHERE id = ?1", [id])? > 0;
    if deleted {
        record(
            tx,
            NewChange::other(
                ChangeKind::OauthClientDeleted,
                ResourceType::OauthClient,
                id,
                None,
                None,
            ),
        )?;
    }
    Ok(deleted)
}
