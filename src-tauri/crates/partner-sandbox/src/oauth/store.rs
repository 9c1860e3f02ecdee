//! The OAuth tables: tokens, device codes and authorization codes, in the sandbox's SQLite file.
//!
//! Every token and code is stored only as its SHA-256 (hex): the database never holds a usable
//! secret. The tables come with the rest of the schema from the database's migrations
//! (`db::migrations`), which `Db::open` runs before this store opens its own connection; tokens
//! outlive restarts. Times are Unix milliseconds from the [`super::Clock`].

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use partner_api::oauth::{TokenResponse, errors};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Failure, OAuthConfig, OAuthFailure, hash, random_token};

/// The letters of user codes: consonants only (RFC 8628 §6.1), so no word is spelled and no
/// letter is mistaken for a digit (no I, O, U, A, E, Y).
const USER_CODE_ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
const USER_CODE_LEN: usize = 8;

/// What the token check of a request finds.
pub struct Granted {
    pub scope: String,
}

/// Why the admin could not decide a device code.
pub enum DecideError {
    Unknown,
    Expired,
    AlreadyDecided,
}

/// A pending device authorization, as the verification page shows it.
pub struct PendingDevice {
    pub user_code: String,
    pub scope: String,
}

/// A new device authorization: the device code (secret) and the user code (`WDJB-MJHT`).
pub struct NewDeviceCode {
    pub device_code: String,
    pub user_code: String,
}

pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    pub fn open(path: &Path) -> rusqlite::Result<Store> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // Every change is one transaction, so a panic while locked leaves nothing half-done.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A new token family: an access token and a refresh token.
    pub fn issue(
        &self,
        config: &OAuthConfig,
        client_id: &str,
        scope: &str,
        access_ttl: std::time::Duration,
    ) -> Result<TokenResponse, Failure> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let family = random_token("fam_")?;
        let response = issue_pair(&tx, config, &family, client_id, scope, scope, access_ttl)?;
        tx.commit()?;
        Ok(response)
    }

    /// The scope of a valid access token, or `None` for an unknown, expired or revoked one.
    pub fn authenticate(&self, now: i64, access_token: &str) -> rusqlite::Result<Option<Granted>> {
        self.conn()
            .query_row(
                "SELECT scope FROM oauth_tokens
                 WHERE token_hash = ?1 AND kind = 'access' AND revoked = 0 AND expires_at > ?2",
                params![hash(access_token), now],
                |row| Ok(Granted { scope: row.get(0)? }),
            )
            .optional()
    }

    /// The refresh grant with rotation: the presented token is spent and a new pair issued in
    /// the same family. A spent token presented again revokes the whole family.
    pub fn refresh(
        &self,
        config: &OAuthConfig,
        client_id: &str,
        refresh_token: &str,
        scope: Option<&str>,
    ) -> Result<TokenResponse, Failure> {
        let now = config.clock.now_ms();
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let row = tx
            .query_row(
                "SELECT family, client_id, scope, expires_at, spent, revoked FROM oauth_tokens
                 WHERE token_hash = ?1 AND kind = 'refresh'",
                [hash(refresh_token)],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, bool>(4)?,
                        r.get::<_, bool>(5)?,
                    ))
                },
            )
            .optional()?;
        let invalid = |why: &str| OAuthFailure::new(errors::INVALID_GRANT, why).into();
        let Some((family, owner, granted, expires_at, spent, revoked)) = row else {
            return Err(invalid("unknown refresh token"));
        };
        if revoked {
            return Err(invalid("the refresh token has been revoked"));
        }
        if owner != client_id {
            return Err(invalid("the refresh token was issued to another client"));
        }
        if spent {
            // Reuse: someone else may hold a copy. End the whole family, access tokens too.
            revoke_family(&tx, &family)?;
            tx.commit()?;
            tracing::warn!("a spent refresh token was presented again; its family is revoked");
            return Err(invalid(
                "the refresh token was already used; every token of this grant is now revoked",
            ));
        }
        if expires_at <= now {
            return Err(invalid("the refresh token has expired"));
        }
        let access_scope = match scope {
            Some(requested) => {
                let requested = super::parse_scope(Some(requested))?;
                let held: Vec<&str> = granted.split(' ').collect();
                if let Some(extra) = requested.iter().find(|s| !held.contains(s)) {
                    return Err(OAuthFailure::new(
                        errors::INVALID_SCOPE,
                        format!("{extra} was not granted to this refresh token"),
                    )
                    .into());
                }
                requested.join(" ")
            }
            None => granted.clone(),
        };
        tx.execute(
            "UPDATE oauth_tokens SET spent = 1 WHERE token_hash = ?1",
            [hash(refresh_token)],
        )?;
        let response = issue_pair(
            &tx,
            config,
            &family,
            client_id,
            &access_scope,
            &granted,
            config.access_token_ttl,
        )?;
        tx.commit()?;
        Ok(response)
    }

    /// RFC 7009: a refresh token takes its family with it; an access token goes alone.
    /// Unknown tokens are not an error.
    pub fn revoke(&self, token: &str) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let row = tx
            .query_row(
                "SELECT kind, family FROM oauth_tokens WHERE token_hash = ?1",
                [hash(token)],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?;
        match row {
            Some((kind, family)) if kind == "refresh" => revoke_family(&tx, &family)?,
            Some(_) => {
                tx.execute(
                    "UPDATE oauth_tokens SET revoked = 1 WHERE token_hash = ?1",
                    [hash(token)],
                )?;
            }
            None => {}
        }
        tx.commit()
    }

    pub fn create_device_code(
        &self,
        config: &OAuthConfig,
        client_id: &str,
        scope: &str,
    ) -> Result<NewDeviceCode, Failure> {
        let now = config.clock.now_ms();
        let conn = self.conn();
        // Codes long expired are of no use to anyone; forgetting them frees their user codes.
        conn.execute(
            "DELETE FROM oauth_device_codes WHERE expires_at < ?1",
            [now - 24 * 3600 * 1000],
        )?;
        for _ in 0..8 {
            let device_code = random_token("pwb_dc_")?;
            let user_code = random_user_code()?;
            let inserted = conn.execute(
                "INSERT OR IGNORE INTO oauth_device_codes (device_code_hash, user_code, client_id,
                     scope, expires_at, interval_ms, last_poll_at, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending')",
                params![
                    hash(&device_code),
                    user_code,
                    client_id,
                    scope,
                    now + millis(config.device_code_ttl),
                    millis(config.device_interval),
                    now
                ],
            )?;
            if inserted == 1 {
                return Ok(NewDeviceCode {
                    device_code,
                    user_code: format_user_code(&user_code),
                });
            }
        }
        Err(Failure::Internal("no free user code".into()))
    }

    /// One poll of the device code grant (RFC 8628 §3.4, §3.5).
    pub fn poll_device(
        &self,
        config: &OAuthConfig,
        client_id: &str,
        device_code: &str,
    ) -> Result<TokenResponse, Failure> {
        let now = config.clock.now_ms();
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let key = hash(device_code);
        let row = tx
            .query_row(
                "SELECT client_id, scope, expires_at, interval_ms, last_poll_at, state
                 FROM oauth_device_codes WHERE device_code_hash = ?1",
                [&key],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                },
            )
            .optional()?;
        let Some((owner, scope, expires_at, interval_ms, last_poll_at, state)) = row else {
            return Err(OAuthFailure::new(errors::INVALID_GRANT, "unknown device code").into());
        };
        if owner != client_id {
            return Err(OAuthFailure::new(
                errors::INVALID_GRANT,
                "the device code was issued to another client",
            )
            .into());
        }
        if state == "used" {
            return Err(OAuthFailure::new(
                errors::INVALID_GRANT,
                "the device code has already been exchanged for tokens",
            )
            .into());
        }
        if expires_at <= now {
            return Err(OAuthFailure::new(
                errors::EXPIRED_TOKEN,
                "the device code has expired; start the sign-in again",
            )
            .into());
        }
        if now - last_poll_at < interval_ms {
            // Too fast: every later poll must wait 5 seconds more (RFC 8628 §3.5).
            let raised = interval_ms + 5_000;
            tx.execute(
                "UPDATE oauth_device_codes SET interval_ms = ?1, last_poll_at = ?2
                 WHERE device_code_hash = ?3",
                params![raised, now, key],
            )?;
            tx.commit()?;
            return Err(OAuthFailure::new(
                errors::SLOW_DOWN,
                format!(
                    "polled faster than the interval; wait at least {} seconds between polls",
                    raised / 1000
                ),
            )
            .into());
        }
        tx.execute(
            "UPDATE oauth_device_codes SET last_poll_at = ?1 WHERE device_code_hash = ?2",
            params![now, key],
        )?;
        let result = match state.as_str() {
            "pending" => Err(OAuthFailure::new(
                errors::AUTHORIZATION_PENDING,
                "the user has not approved this device yet",
            )
            .into()),
            "denied" => {
                Err(OAuthFailure::new(errors::ACCESS_DENIED, "the user denied this sign-in").into())
            }
            _ => {
                tx.execute(
                    "UPDATE oauth_device_codes SET state = 'used' WHERE device_code_hash = ?1",
                    [&key],
                )?;
                let family = random_token("fam_")?;
                Ok(issue_pair(
                    &tx,
                    config,
                    &family,
                    client_id,
                    &scope,
                    &scope,
                    config.access_token_ttl,
                )?)
            }
        };
        tx.commit()?;
        result
    }

    /// A pending, unexpired device authorization by its user code (in any spelling).
    pub fn pending_device(
        &self,
        now: i64,
        user_code: &str,
    ) -> rusqlite::Result<Option<PendingDevice>> {
        let Some(code) = normalize_user_code(user_code) else {
            return Ok(None);
        };
        self.conn()
            .query_row(
                "SELECT scope FROM oauth_device_codes
                 WHERE user_code = ?1 AND state = 'pending' AND expires_at > ?2",
                params![code, now],
                |r| {
                    Ok(PendingDevice {
                        user_code: format_user_code(&code),
                        scope: r.get(0)?,
                    })
                },
            )
            .optional()
    }

    /// Approves or denies a pending device authorization.
    pub fn decide_device(
        &self,
        now: i64,
        user_code: &str,
        approve: bool,
    ) -> rusqlite::Result<Result<(), DecideError>> {
        let Some(code) = normalize_user_code(user_code) else {
            return Ok(Err(DecideError::Unknown));
        };
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT expires_at, state FROM oauth_device_codes WHERE user_code = ?1",
                [&code],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?;
        Ok(match row {
            None => Err(DecideError::Unknown),
            Some((expires_at, _)) if expires_at <= now => Err(DecideError::Expired),
            Some((_, state)) if state != "pending" => Err(DecideError::AlreadyDecided),
            Some(_) => {
                conn.execute(
                    "UPDATE oauth_device_codes SET state = ?1 WHERE user_code = ?2",
                    params![if approve { "approved" } else { "denied" }, code],
                )?;
                Ok(())
            }
        })
    }

    pub fn create_authorization_code(
        &self,
        config: &OAuthConfig,
        client_id: &str,
        redirect_uri: &str,
        code_challenge: &str,
        scope: &str,
    ) -> Result<String, Failure> {
        let now = config.clock.now_ms();
        let code = random_token("pwb_ac_")?;
        self.conn().execute(
            "INSERT INTO oauth_authorization_codes (code_hash, client_id, redirect_uri,
                 code_challenge, scope, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                hash(&code),
                client_id,
                redirect_uri,
                code_challenge,
                scope,
                now + millis(config.authorization_code_ttl)
            ],
        )?;
        Ok(code)
    }

    /// The authorization code grant: one use only, the same client and redirect URI, and a
    /// verifier that hashes to the challenge (PKCE S256).
    pub fn exchange_code(
        &self,
        config: &OAuthConfig,
        client_id: &str,
        code: &str,
        redirect_uri: &str,
        code_verifier: &str,
    ) -> Result<TokenResponse, Failure> {
        let now = config.clock.now_ms();
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let key = hash(code);
        let row = tx
            .query_row(
                "SELECT client_id, redirect_uri, code_challenge, scope, expires_at, used, family
                 FROM oauth_authorization_codes WHERE code_hash = ?1",
                [&key],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, bool>(5)?,
                        r.get::<_, Option<String>>(6)?,
                    ))
                },
            )
            .optional()?;
        let invalid =
            |why: &str| -> Failure { OAuthFailure::new(errors::INVALID_GRANT, why).into() };
        let Some((owner, redirect, challenge, scope, expires_at, used, family)) = row else {
            return Err(invalid("unknown authorization code"));
        };
        if used {
            // RFC 6749 §4.1.2: a code used twice revokes what it gave.
            if let Some(family) = family {
                revoke_family(&tx, &family)?;
            }
            tx.commit()?;
            return Err(invalid("the authorization code was already used"));
        }
        // Whatever happens next, the code is spent: a wrong verifier cannot be retried.
        tx.execute(
            "UPDATE oauth_authorization_codes SET used = 1 WHERE code_hash = ?1",
            [&key],
        )?;
        let outcome = if expires_at <= now {
            Err(invalid("the authorization code has expired"))
        } else if owner != client_id {
            Err(invalid(
                "the authorization code was issued to another client",
            ))
        } else if redirect != redirect_uri {
            Err(invalid(
                "redirect_uri differs from the one of the authorization request",
            ))
        } else if !super::pkce::verifier_matches(code_verifier, &challenge) {
            Err(invalid("code_verifier does not match the code_challenge"))
        } else {
            let family = random_token("fam_")?;
            tx.execute(
                "UPDATE oauth_authorization_codes SET family = ?1 WHERE code_hash = ?2",
                params![family, key],
            )?;
            Ok(issue_pair(
                &tx,
                config,
                &family,
                client_id,
                &scope,
                &scope,
                config.access_token_ttl,
            )?)
        };
        tx.commit()?;
        outcome
    }
}

fn issue_pair(
    tx: &Transaction<'_>,
    config: &OAuthConfig,
    family: &str,
    client_id: &str,
    access_scope: &str,
    refresh_scope: &str,
    access_ttl: std::time::Duration,
) -> Result<TokenResponse, Failure> {
    let now = config.clock.now_ms();
    let access_token = random_token("pwb_at_")?;
    let refresh_token = random_token("pwb_rt_")?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO oauth_tokens (token_hash, kind, family, client_id, scope, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    insert.execute(params![
        hash(&access_token),
        "access",
        family,
        client_id,
        access_scope,
        now + millis(access_ttl)
    ])?;
    insert.execute(params![
        hash(&refresh_token),
        "refresh",
        family,
        client_id,
        refresh_scope,
        now + millis(config.refresh_token_ttl)
    ])?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: access_ttl.as_secs(),
        refresh_token: Some(refresh_token),
        scope: access_scope.to_owned(),
    })
}

fn revoke_family(tx: &Transaction<'_>, family: &str) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE oauth_tokens SET revoked = 1 WHERE family = ?1",
        [family],
    )?;
    Ok(())
}

fn millis(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX / 4)
}

fn random_user_code() -> Result<String, Failure> {
    let mut code = String::with_capacity(USER_CODE_LEN);
    while code.len() < USER_CODE_LEN {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| Failure::Internal(e.to_string()))?;
        // Rejection sampling keeps every letter equally likely (240 = 12 × 20).
        for byte in bytes {
            if byte < 240 && code.len() < USER_CODE_LEN {
                code.push(USER_CODE_ALPHABET[(byte % 20) as usize] as char);
            }
        }
    }
    Ok(code)
}

/// `wdjb mjht`, `WDJB-MJHT` and `wdjbmjht` are the same code: `WDJBMJHT`.
pub fn normalize_user_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == USER_CODE_LEN && code.bytes().all(|b| USER_CODE_ALPHABET.contains(&b)))
        .then_some(code)
}

/// `WDJBMJHT` → `WDJB-MJHT`.
pub fn format_user_code(code: &str) -> String {
    let (a, b) = code.split_at(code.len() / 2);
    format!("{a}-{b}")
}
