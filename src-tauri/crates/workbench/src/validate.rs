//! Local validation of cached versions and icon files against the rules pack in force (SPEC §5),
//! and the partner's suppressions of warnings.
//!
//! The engine itself is `workbench_domain::validation`, pure and shared with the server; this
//! module only gathers its input from the cache: the rules pack (the one the server last served,
//! else the one shipped with the app), the version (or a draft of it), its icon, and the
//! suppressions recorded on it.

use std::io::Read;
use std::path::Path;

use serde::Serialize;
use time::OffsetDateTime;
use workbench_domain::VersionContent;
use workbench_domain::validation::{
    self, Report, RulesPack, Severity, Suppression, ValidationInput,
};
use workbench_store::{CachedVersion, StoredSuppression};

use crate::pull::rfc3339;
use crate::{Workbench, WorkbenchError};

/// The largest icon file read for `validate_icon_file`. Far above any marketplace icon limit (the
/// shipped pack's is 512 KiB), so the size rule still reports an oversized file; a bigger one is
/// refused unread rather than filling memory.
pub const MAX_ICON_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The rules pack in force, and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivePack {
    pub pack: RulesPack,
    pub info: PackInfo,
}

/// What the UI and the CLI show of the pack in force: its version and its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackInfo {
    pub version: String,
    #[serde(flatten)]
    pub source: PackSource,
}

/// Where the pack in force came from. As JSON: `{"source": "shipped"}`, or
/// `{"source": "server", "server": URL, "fetched_at": RFC 3339}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum PackSource {
    /// The pack shipped with this build: no pull has fetched one yet.
    Shipped,
    /// Fetched from `server` by the pull of `fetched_at`.
    Server { server: String, fetched_at: String },
}

impl std::fmt::Display for PackSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PackSource::Shipped => f.write_str("shipped with Partner Workbench"),
            PackSource::Server { server, fetched_at } => {
                write!(f, "fetched from {server} at {fetched_at}")
            }
        }
    }
}

impl Workbench {
    /// The rules pack in force with where it came from: the pack the server last served (cached
    /// by a pull), else the one shipped with the app.
    pub fn active_rules_pack(&self) -> Result<ActivePack, WorkbenchError> {
        let cached = self.store().rules_pack()?;
        let Some(cached) = cached else {
            let pack = RulesPack::default_pack();
            return Ok(ActivePack {
                info: PackInfo {
                    version: pack.version.clone(),
                    source: PackSource::Shipped,
                },
                pack,
            });
        };
        // The pull checked it before caching it; this fails only if the file was damaged.
        let pack: RulesPack = serde_json::from_str(&cached.json)
            .map_err(|e| WorkbenchError::CachedPack(e.to_string()))?;
        Ok(ActivePack {
            info: PackInfo {
                version: pack.version.clone(),
                source: PackSource::Server {
                    server: cached.server,
                    fetched_at: cached.fetched_at,
                },
            },
            pack,
        })
    }

    /// The rules pack in force (see [`Workbench::active_rules_pack`]).
    pub fn rules_pack(&self) -> Result<RulesPack, WorkbenchError> {
        Ok(self.active_rules_pack()?.pack)
    }

    /// Validates a cached version, or `draft` in its place (the desktop editor's unsaved text),
    /// with the cached icon and the suppressions recorded on the version. The state rules are not
    /// checked: no edit is in question.
    pub fn validate_version(
        &self,
        version_id: &str,
        draft: Option<&VersionContent>,
    ) -> Result<Report, WorkbenchError> {
        self.check_cached(version_id, draft, validation::validate)
    }

    /// Runs `check` (the whole engine, or one track's submission check) on a cached version, or
    /// `draft` in its place, with the pack in force, the cached icon under the name the server
    /// validates it under, and the version's suppressions.
    pub(crate) fn check_cached(
        &self,
        version_id: &str,
        draft: Option<&VersionContent>,
        check: impl FnOnce(&ValidationInput<'_>, &RulesPack, &[Suppression]) -> Report,
    ) -> Result<Report, WorkbenchError> {
        let pack = self.rules_pack()?;
        let (cached, icon, suppressions) = {
            let store = self.store();
            let cached = store
                .version(version_id)?
                .ok_or_else(|| WorkbenchError::UnknownVersion(version_id.to_owned()))?;
            (
                cached,
                store.icon(version_id)?,
                store.suppressions(version_id)?,
            )
        };
        let content = draft.unwrap_or(&cached.version.content);
        let mut input = ValidationInput::new(content, cached.version.status);
        if let Some(icon) = &icon {
            input = input.with_icon(&icon.bytes, partner_api::icon_file_name(&icon.media_type));
        }
        Ok(check(&input, &pack, &suppressions))
    }

    /// Checks that `version_id` is a cached version of `app_id`, for commands that name both.
    pub fn check_version_of_app(
        &self,
        app_id: &str,
        version_id: &str,
    ) -> Result<(), WorkbenchError> {
        self.cached_version_of_app(app_id, version_id).map(drop)
    }

    /// Reads an icon file, refusing one larger than [`MAX_ICON_FILE_BYTES`] or unreadable.
    pub fn read_icon_file(&self, path: &Path) -> Result<Vec<u8>, WorkbenchError> {
        read_icon_file(path)
    }

    /// Checks an icon file alone against the icon rules (`pwb validate --icon FILE`).
    pub fn validate_icon(&self, bytes: &[u8], file_name: &str) -> Result<Report, WorkbenchError> {
        Ok(validation::validate_icon(
            bytes,
            file_name,
            &self.rules_pack()?,
        ))
    }

    /// Reads an icon file (at most [`MAX_ICON_FILE_BYTES`]) and checks it against the icon rules.
    /// A file that cannot be read is [`WorkbenchError::IconFile`].
    pub fn validate_icon_file(&self, path: &Path) -> Result<Report, WorkbenchError> {
        let bytes = read_icon_file(path)?;
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.validate_icon(&bytes, &name)
    }

    /// The suppressions recorded on a version, oldest first, with when each was recorded.
    pub fn suppressions(&self, version_id: &str) -> Result<Vec<StoredSuppression>, WorkbenchError> {
        Ok(self.store().stored_suppressions(version_id)?)
    }

    /// Records the partner's suppression of a warning (or info) on a cached version, replacing
    /// one of the same rule and field. Refused, with a message that says why: an empty reason,
    /// a rule the pack in force does not have, and an error-severity rule (errors cannot be
    /// suppressed). Answers the suppression as recorded (reason and field trimmed).
    pub fn suppress(
        &self,
        version_id: &str,
        suppression: Suppression,
        at: OffsetDateTime,
    ) -> Result<Suppression, WorkbenchError> {
        let suppression = Suppression {
            rule: suppression.rule.trim().to_owned(),
            field: suppression
                .field
                .map(|field| field.trim().to_owned())
                .filter(|field| !field.is_empty()),
            reason: suppression.reason.trim().to_owned(),
        };
        let refuse = |why: String| Err(WorkbenchError::InvalidSuppression(why));
        if suppression.reason.is_empty() {
            return refuse(format!(
                "a suppression needs a reason: say why rule {} does not apply (--reason TEXT)",
                suppression.rule
            ));
        }
        let active = self.active_rules_pack()?;
        let Some(rule) = active.pack.rule(&suppression.rule) else {
            return refuse(format!(
                "the rules pack {} has no rule {:?}; `pwb rules` lists its rules",
                active.info.version, suppression.rule
            ));
        };
        if rule.severity == Severity::Error {
            return refuse(format!(
                "rule {} is an error, and errors cannot be suppressed: fix the problem instead",
                rule.id
            ));
        }
        let mut store = self.store();
        if store.version(version_id)?.is_none() {
            return Err(WorkbenchError::UnknownVersion(version_id.to_owned()));
        }
        store.put_suppression(version_id, &suppression, &rfc3339(at))?;
        Ok(suppression)
    }

    /// Removes the suppression of `rule` on `field` (`None`: the one for every field) from a
    /// version; [`WorkbenchError::NoSuchSuppression`] when there is none.
    pub fn unsuppress(
        &self,
        version_id: &str,
        rule: &str,
        field: Option<&str>,
    ) -> Result<(), WorkbenchError> {
        let (rule, field) = (
            rule.trim(),
            field.map(str::trim).filter(|field| !field.is_empty()),
        );
        if self.store().remove_suppression(version_id, rule, field)? {
            Ok(())
        } else {
            Err(WorkbenchError::NoSuchSuppression {
                version_id: version_id.to_owned(),
                rule: rule.to_owned(),
                field: field.map(str::to_owned),
            })
        }
    }

    pub(crate) fn cached_version_of_app(
        &self,
        app_id: &str,
        version_id: &str,
    ) -> Result<CachedVersion, WorkbenchError> {
        let cached = self
            .store()
            .version(version_id)?
            .ok_or_else(|| WorkbenchError::UnknownVersion(version_id.to_owned()))?;
        if cached.version.app_id != app_id {
            return Err(WorkbenchError::WrongApp {
                version_id: version_id.to_owned(),
                app_id: app_id.to_owned(),
                actual_app_id: cached.version.app_id,
            });
        }
        Ok(cached)
    }
}

/// Reads at most [`MAX_ICON_FILE_BYTES`] of a file; a longer one (or an endless one, such as a
/// device) is refused.
pub(crate) fn read_icon_file(path: &Path) -> Result<Vec<u8>, WorkbenchError> {
    let error = |reason: String, missing: bool| WorkbenchError::IconFile {
        path: path.to_owned(),
        reason,
        missing,
    };
    let io_error = |e: std::io::Error| {
        let missing = e.kind() == std::io::ErrorKind::NotFound;
        let reason = if missing {
            "no such file".to_owned()
        } else {
            e.to_string()
        };
        error(reason, missing)
    };
    if path.is_dir() {
        return Err(error("it is a folder, not a file".into(), false));
    }
    let file = std::fs::File::open(path).map_err(io_error)?;
    let mut bytes = Vec::new();
    file.take(MAX_ICON_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > MAX_ICON_FILE_BYTES {
        return Err(error(
            format!(
                "it is larger than {} MiB, far beyond any icon the marketplace accepts",
                MAX_ICON_FILE_BYTES / (1024 * 1024)
            ),
            false,
        ));
    }
    Ok(bytes)
}
