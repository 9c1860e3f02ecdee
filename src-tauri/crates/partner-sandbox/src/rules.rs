//! The sandbox's current rules pack and how it judges with it (SPEC §5: "the server validates
//! submissions with the same engine").
//!
//! [`Rules`] holds the pack in force: the shipped default until `PUT /_sandbox/rules` replaces
//! it; a replacement is kept in the `rules_pack` table, so it survives a restart. `GET /rules`
//! serves it, and the three places that judge a version run `workbench_domain::validation` with
//! it: the icon upload ([`validate_icon`]), the submission and the automatic reviewer (both
//! [`validate_stored`], the engine's `validate_submission` over the stored content and icon).
//! A refusal is [`refusal`]: 422 `validation_failed` with the engine's diagnostics.

use std::sync::{Arc, RwLock};

use axum::http::StatusCode;
use partner_api::{VALIDATION_FAILED, VersionResource, icon_file_name};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use workbench_domain::Track;
use workbench_domain::validation::{
    Report, RulesPack, Severity, Suppression, ValidationInput, validate_submission,
};

use crate::error::{HttpError, field};
use crate::store;

/// The pack in force, with its served bytes and ETag made once per change.
#[derive(Debug)]
pub struct Served {
    pub pack: RulesPack,
    pub bytes: Vec<u8>,
    pub etag: String,
}

impl Served {
    fn new(pack: RulesPack) -> Served {
        let bytes = serde_json::to_vec(&pack).unwrap_or_default();
        let etag = format!("\"{}\"", &hex::encode(Sha256::digest(&bytes))[..32]);
        Served { pack, bytes, etag }
    }
}

/// The current pack, shared by the routes and the reviewer.
#[derive(Debug)]
pub struct Rules {
    current: RwLock<Arc<Served>>,
}

impl Default for Rules {
    fn default() -> Self {
        Rules::with(RulesPack::default_pack())
    }
}

impl Rules {
    fn with(pack: RulesPack) -> Rules {
        Rules {
            current: RwLock::new(Arc::new(Served::new(pack))),
        }
    }

    /// The pack a `PUT /_sandbox/rules` left in the database, else the shipped default. A stored
    /// pack this build cannot read (written by another version) is logged and the default served.
    pub fn load(conn: &Connection) -> rusqlite::Result<Rules> {
        let stored: Option<String> = conn
            .query_row("SELECT body FROM rules_pack WHERE id = 1", [], |r| r.get(0))
            .optional()?;
        let pack = match stored.map(|body| serde_json::from_str::<RulesPack>(&body)) {
            Some(Ok(pack)) => pack,
            Some(Err(error)) => {
                tracing::warn!(%error, "the stored rules pack cannot be read; serving the default");
                RulesPack::default_pack()
            }
            None => RulesPack::default_pack(),
        };
        Ok(Rules::with(pack))
    }

    /// The pack in force now. Callers keep the `Arc` for the whole request, so one request is
    /// judged by one pack even if an admin replaces it meanwhile.
    pub fn current(&self) -> Arc<Served> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Stores `pack` (inside the caller's transaction), to be put in force by [`Rules::install`]
    /// once that commits.
    pub fn store(conn: &Connection, pack: &RulesPack) -> Result<Served, HttpError> {
        let served = Served::new(pack.clone());
        let body = String::from_utf8(served.bytes.clone()).map_err(|_| HttpError::internal())?;
        conn.execute(
            "INSERT OR REPLACE INTO rules_pack (id, body) VALUES (1, ?1)",
            params![body],
        )?;
        Ok(served)
    }

    pub fn install(&self, served: Served) -> Arc<Served> {
        let served = Arc::new(served);
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = served.clone();
        served
    }
}

/// Checks a pack an admin sends before it goes in force: what the engine needs to run it and to
/// name its rules, and a source for every rule ([`RulesPack::problems`]). Kinds, parameters and
/// fields are not checked: a kind the engine does not know
/// is reported as not checked, never as passed, which is what such a pack is for.
pub fn check_pack(pack: &RulesPack) -> Result<(), HttpError> {
    let mut fields = Vec::new();
    if pack.version.trim().is_empty() {
        fields.push(field("version", "must not be blank"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, rule) in pack.rules.iter().enumerate() {
        if rule.id.trim().is_empty() {
            fields.push(field(&format!("rules[{i}].id"), "must not be blank"));
        } else if !seen.insert(rule.id.as_str()) {
            fields.push(field(
                &format!("rules[{i}].id"),
                format!("{} is already the id of an earlier rule", rule.id),
            ));
        }
        if rule.kind.trim().is_empty() {
            fields.push(field(&format!("rules[{i}].kind"), "must not be blank"));
        }
    }
    // Every rule says where it comes from, and a house rule is an error only for safety.
    for (at, problem) in pack.problems() {
        fields.push(field(&at, problem));
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(HttpError::invalid_request(
            "not a usable rules pack; the pack in force is unchanged",
            fields,
        ))
    }
}

/// The 422 of a request the engine refused: `validation_failed`, one `fields` entry per error
/// (`{field, "rule: message"}`), every diagnostic of the report in `diagnostics` and the rules
/// it could not check in `not_checked`.
pub fn refusal(what: &str, report: &Report) -> HttpError {
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let mut ids: Vec<&str> = errors.iter().map(|d| d.rule.as_str()).collect();
    ids.dedup();
    let mut error = HttpError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        VALIDATION_FAILED,
        format!(
            "{what} breaks {} of rules pack {}: {}",
            match ids.len() {
                1 => "1 rule".to_owned(),
                n => format!("{n} rules"),
            },
            report.pack_version,
            ids.join(", ")
        ),
    )
    .with_description(
        "fix each field named in `fields` (the rule id comes first) and try again; \
         `diagnostics` has every finding, warnings included, as Partner Workbench's validation shows them",
    );
    error.body.fields = errors
        .iter()
        .map(|d| field(&d.field, format!("{}: {}", d.rule, d.message)))
        .collect();
    error.body.diagnostics = report.diagnostics.clone();
    error.body.not_checked = report.not_checked.clone();
    error
}

/// The icon rules of `pack` on an uploaded file; a refusal when any finds an error.
pub fn validate_icon(bytes: &[u8], file_name: &str, pack: &RulesPack) -> Result<(), HttpError> {
    let report = workbench_domain::validation::validate_icon(bytes, file_name, pack);
    if report.has_errors() {
        Err(refusal("the icon", &report))
    } else {
        Ok(())
    }
}

/// A stored version as a submission of `track` is judged: its content, its stored icon (under
/// the name [`icon_file_name`] gives its media type) and the partner's suppressions.
pub fn validate_stored(
    conn: &Connection,
    seq: i64,
    version: &VersionResource,
    suppressions: &[Suppression],
    track: Track,
    pack: &RulesPack,
) -> rusqlite::Result<Report> {
    let version = &version.version;
    let icon = store::load_icon(conn, &version.id)?;
    let follows = store::follows_published(conn, &version.app_id, seq)?;
    let mut input =
        ValidationInput::new(&version.content, version.status).following_published(follows);
    if let Some(icon) = &icon {
        input = input.with_icon(&icon.bytes, icon_file_name(&icon.media_type));
    }
    Ok(validate_submission(&input, pack, suppressions, track))
}

/// The suppressions recorded with the submission of `track`, if any.
pub fn recorded_suppressions(
    conn: &Connection,
    version_id: &str,
    track: Track,
) -> rusqlite::Result<Vec<Suppression>> {
    let stored: Option<String> = conn
        .query_row(
            "SELECT suppressions FROM submission_suppressions WHERE version_id = ?1 AND track = ?2",
            params![version_id, track.as_str()],
            |r| r.get(0),
        )
        .optional()?;
    Ok(stored
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

/// Records the suppressions of a submission of `track`, replacing an earlier submission's.
pub fn record_suppressions(
    conn: &Connection,
    version_id: &str,
    track: Track,
    suppressions: &[Suppression],
) -> rusqlite::Result<()> {
    let json = serde_json::to_string(suppressions)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    conn.execute(
        "INSERT OR REPLACE INTO submission_suppressions (version_id, track, suppressions)
         VALUES (?1, ?2, ?3)",
        params![version_id, track.as_str(), json],
    )?;
    Ok(())
}

/// Forgets the suppressions of a withdrawn submission.
pub fn forget_suppressions(
    conn: &Connection,
    version_id: &str,
    track: Track,
) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM submission_suppressions WHERE version_id = ?1 AND track = ?2",
        params![version_id, track.as_str()],
    )?;
    Ok(())
}
