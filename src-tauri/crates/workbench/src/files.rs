//! Listings as files (`pwb export`, `pwb import`, `pwb diff`): a cached version's working copy
//! written as files a partner edits and keeps in git, and read back as ordinary local edits.
//!
//! The layout is [`format`]'s. Export writes the whole folder beside its target and renames it
//! into place, so a failure leaves no half export and never loses the earlier one; it replaces
//! only a folder with nothing but hidden entries (kept) or an earlier export of the same version
//! with nothing left to import (or, forced, any earlier export of it). It records each field's
//! fingerprint, so that import applies only the fields the files changed since the export and
//! keeps what the cache got since for the others. Import reads and checks every file before the
//! first write, then applies the content (sections and plans) as one edit and the icon through
//! the icon rules, both in one cache transaction ([`workbench_store::Changes`]): all or nothing.
//! Fields the files leave as they are give no outbox entry. Diff compares what import would
//! make of the working copy with the working copy, and the files with the server's copy.

pub mod format;
pub mod locate;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;
use workbench_domain::merge::{changed_fields, field_paths, field_value, set_field};
use workbench_domain::validation::icon::RealFormat;
use workbench_domain::validation::{self, ValidationInput};
use workbench_domain::{ContentPart, IconFile, VersionContent, VersionStatus};
use workbench_remote::PartnerClient;
use workbench_store::{CachedVersion, Changes};

use crate::edit::{new_key, parts_changed, sha256_hex};
use crate::pull::rfc3339;
use crate::validate::read_icon_file;
use crate::{Workbench, WorkbenchError};
use format::{
    FileProblem, HEADER, Header, LISTING, PLANS, SCREENSHOTS, SCREENSHOTS_DIR, is_icon_name,
};

/// The largest TOML file of an export read: far above any real listing.
pub const MAX_TEXT_FILE_BYTES: u64 = 1024 * 1024;

/// What `pwb export` wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    pub app_id: String,
    pub version_id: String,
    pub version_number: String,
    /// A name that is not UTF-8 is written with U+FFFD for its other bytes.
    #[serde(serialize_with = "lossy_path")]
    pub dir: PathBuf,
    /// Every file written, by its path inside `dir`, in the order written.
    pub files: Vec<String>,
    pub icon: Option<ExportedIcon>,
    pub screenshots: usize,
    /// `dir` held an earlier export of this version, now replaced.
    pub replaced: bool,
}

fn lossy_path<S: serde::Serializer>(path: &Path, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&path.to_string_lossy())
}

/// The icon an export wrote, under the name of its real format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportedIcon {
    pub file: String,
    /// `png`, `jpeg`, `gif`, `webp`, `bmp` or `unknown`, read from the bytes.
    pub format: String,
    pub sha256: String,
}

/// One field that differs, in the domain's path vocabulary (`general.display_name`,
/// `subscription_types[Pro].price`, `subscription_types[Trial]` for a plan only one side has,
/// `subscription_types.order`), with its value on each side (`null`: absent).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub from: Value,
    pub to: Value,
}

/// The icon changes: its SHA-256 before (`None`: no icon) and in the files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IconChange {
    pub from: Option<String>,
    pub to: String,
}

/// What the files change against one copy of the version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileChanges {
    pub fields: Vec<FieldChange>,
    pub icon: Option<IconChange>,
}

impl FileChanges {
    fn between(
        a: &VersionContent,
        a_icon: Option<&str>,
        b: &VersionContent,
        b_icon: Option<&str>,
    ) -> FileChanges {
        let fields = changed_fields(a, b)
            .into_iter()
            .map(|field| FieldChange {
                from: field_value(a, &field).unwrap_or(Value::Null),
                to: field_value(b, &field).unwrap_or(Value::Null),
                field,
            })
            .collect();
        let icon = match b_icon {
            Some(to) if a_icon != Some(to) => Some(IconChange {
                from: a_icon.map(str::to_owned),
                to: to.to_owned(),
            }),
            _ => None,
        };
        FileChanges { fields, icon }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.icon.is_none()
    }
}

/// What the files change in the working copy, judged field by field against what was exported
/// (`pwb.toml`'s `[exported]`) and what the cache holds now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CacheDiff {
    /// What import changes in the working copy: the fields the files changed since the export,
    /// from the cache's value to the files'.
    #[serde(flatten)]
    pub changes: FileChanges,
    /// Of those, the fields the cache changed too since the export (a sync brought the server's
    /// change, or a local edit): import puts the files' value over the cache's.
    pub overridden: Vec<String>,
    /// The fields the files left as exported but the cache has changed since: import keeps the
    /// cache's value. `from` is the files' (the exported) value, `to` the cache's.
    pub kept: Vec<FieldChange>,
}

/// An export folder checked as it stands (`Workbench::validate_folder`): the report, and for
/// each of its diagnostics, in order, the file and line it points at.
#[derive(Debug, Clone)]
pub struct FolderReport {
    pub app_id: String,
    pub version_id: String,
    pub version_number: String,
    pub report: workbench_domain::validation::Report,
    pub locations: Vec<locate::Location>,
}

/// An export folder read and checked against the cache: what importing it would make of the
/// version.
#[derive(Debug, Clone)]
pub struct ExportedFiles {
    pub header: Header,
    cached: CachedVersion,
    icon_now: Option<IconFile>,
    /// The content as the files have it.
    content: VersionContent,
    icon: Option<FolderIcon>,
    /// The working copy with the files' changes since the export applied.
    resolved: VersionContent,
    /// The icon import puts in place (the files' changed icon).
    new_icon: Option<FolderIcon>,
    overridden: Vec<String>,
    kept: Vec<FieldChange>,
}

#[derive(Debug, Clone)]
struct FolderIcon {
    file: String,
    bytes: Vec<u8>,
    sha256: String,
}

/// The key of the icon's fingerprint in `[exported]`: its SHA-256.
const ICON_KEY: &str = "icon";

/// The fingerprint of a field's value: the SHA-256 of its JSON (`null`: absent).
fn fingerprint(value: &Value) -> String {
    sha256_hex(value.to_string().as_bytes())
}

/// What an export records of `content` and its icon: each field's fingerprint by its path.
fn fingerprints(content: &VersionContent, icon_sha256: Option<&str>) -> BTreeMap<String, String> {
    let mut exported: BTreeMap<String, String> = field_paths(content)
        .into_iter()
        .map(|path| {
            let value = field_value(content, &path).unwrap_or(Value::Null);
            (path, fingerprint(&value))
        })
        .collect();
    if let Some(sha256) = icon_sha256 {
        exported.insert(ICON_KEY.to_owned(), sha256.to_owned());
    }
    exported
}

/// The files' content judged against what was exported: the working copy `cache` with every
/// field the files changed since the export set to the files' value, the others left as the
/// cache has them.
struct Resolution {
    content: VersionContent,
    overridden: Vec<String>,
    kept: Vec<FieldChange>,
}

fn resolve(
    exported: &BTreeMap<String, String>,
    files: &VersionContent,
    cache: &VersionContent,
) -> Result<Resolution, WorkbenchError> {
    let null = fingerprint(&Value::Null);
    let as_exported =
        |path: &str, value: &Value| exported.get(path).unwrap_or(&null) == &fingerprint(value);
    let value =
        |content: &VersionContent, path: &str| field_value(content, path).unwrap_or(Value::Null);
    let unique = |content: &VersionContent| {
        let mut names = std::collections::HashSet::new();
        content
            .subscription_types
            .iter()
            .all(|p| names.insert(p.name.as_str()))
    };
    // Plans are told apart by name; where a name repeats, the plan list is one field.
    let by_plan = unique(files) && unique(cache);
    let mut paths: Vec<String> = changed_fields(cache, files)
        .into_iter()
        .filter(|path| by_plan || !path.starts_with(PLAN_LIST))
        .collect();
    if !by_plan && files.subscription_types != cache.subscription_types {
        paths.push(PLAN_LIST.to_owned());
    }
    let mut resolution = Resolution {
        content: cache.clone(),
        overridden: Vec::new(),
        kept: Vec::new(),
    };
    for path in paths {
        let (mine, theirs) = (value(files, &path), value(cache, &path));
        if as_exported(&path, &mine) {
            resolution.kept.push(FieldChange {
                field: path,
                from: mine,
                to: theirs,
            });
            continue;
        }
        if !as_exported(&path, &theirs) {
            resolution.overridden.push(path.clone());
        }
        let mine = match (path.as_str(), mine) {
            // Only the plans there are: one the cache removed and the files left stays removed.
            (PLAN_ORDER, Value::Array(names)) => {
                let there = value(&resolution.content, PLAN_ORDER);
                Value::Array(
                    names
                        .into_iter()
                        .filter(|name| there.as_array().is_some_and(|t| t.contains(name)))
                        .collect(),
                )
            }
            (_, mine) => mine,
        };
        if path == PLAN_LIST {
            // As the files have them, repeated names and all (`set_field` refuses those).
            resolution.content.subscription_types = files.subscription_types.clone();
        } else {
            set_field(&mut resolution.content, &path, mine)
                .map_err(|e| WorkbenchError::InvalidEdit(e.to_string()))?;
        }
    }
    Ok(resolution)
}

const PLAN_LIST: &str = "subscription_types";
const PLAN_ORDER: &str = "subscription_types.order";

impl ExportedFiles {
    /// What importing would change in the working copy, and what it keeps of the cache.
    pub fn against_cache(&self) -> CacheDiff {
        CacheDiff {
            changes: FileChanges::between(
                &self.cached.version.content,
                self.icon_now.as_ref().map(|icon| icon.sha256.as_str()),
                &self.resolved,
                self.new_icon.as_ref().map(|icon| icon.sha256.as_str()),
            ),
            overridden: self.overridden.clone(),
            kept: self.kept.clone(),
        }
    }

    fn icon_sha256(&self) -> Option<&str> {
        self.icon.as_ref().map(|icon| icon.sha256.as_str())
    }
}

/// What `pwb import` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub app_id: String,
    pub version_id: String,
    pub version_number: String,
    /// The fields changed (empty: nothing was queued).
    pub fields: Vec<String>,
    /// The icon was replaced (and its upload queued).
    pub icon: bool,
    /// Outbox entries now waiting (all versions).
    pub pending: u64,
    /// See [`CacheDiff::overridden`].
    pub overridden: Vec<String>,
    /// The fields kept as the cache has them: see [`CacheDiff::kept`].
    pub kept: Vec<String>,
}

/// The server's copy of the version against the files.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerDiff {
    /// The server's ETag now.
    pub etag: String,
    /// The server's copy is no longer the one the export was based on.
    pub moved_since_export: bool,
    pub changes: FileChanges,
}

impl Workbench {
    /// Writes the cached version `version_id` of `app_id` (its working copy, unsent edits
    /// included) as files into `dir` (see [`format`]). `dir` may be missing, empty (but for hidden
    /// entries such as `.git`, which stay), or an earlier export of the same version whose
    /// changes are all in the cache (all of them imported); with `force`, also one whose changes
    /// are not. Anything else is refused and left untouched. The files are written into a
    /// folder beside `dir`, then renamed into place.
    pub fn export_files(
        &self,
        app_id: &str,
        version_id: &str,
        dir: &Path,
        force: bool,
    ) -> Result<ExportReport, WorkbenchError> {
        let cached = self.cached_version_of_app(app_id, version_id)?;
        let icon = self.store().icon(version_id)?;
        let failed = |reason: String| WorkbenchError::OutputFile {
            path: dir.to_owned(),
            reason,
        };
        let replaced = self.check_export_target(dir, &cached, force)?;
        let icon_sha256 = icon.as_ref().map(|icon| sha256_hex(&icon.bytes));
        let exported = fingerprints(&cached.version.content, icon_sha256.as_deref());
        let mut files = format::render(&cached.version, cached.etag.as_deref(), exported);
        let exported_icon = icon.as_ref().map(|icon| {
            let file = format::icon_file_name(&icon.bytes);
            files.push((file.clone(), icon.bytes.clone()));
            ExportedIcon {
                file,
                format: RealFormat::sniff(&icon.bytes).as_str().to_owned(),
                sha256: icon.sha256.clone(),
            }
        });
        write_folder(dir, &files, replaced, &|from, to| std::fs::rename(from, to))
            .map_err(failed)?;
        let (screenshots, _) = format::split_assets(&cached.version.content.marketplace.assets);
        Ok(ExportReport {
            app_id: cached.version.app_id.clone(),
            version_id: cached.version.id.clone(),
            version_number: cached.version.version_number.clone(),
            dir: dir.to_owned(),
            files: files.into_iter().map(|(path, _)| path).collect(),
            icon: exported_icon,
            screenshots: screenshots.len(),
            replaced,
        })
    }

    /// Whether `dir` may receive an export of `cached`: `Ok(false)` when it does not exist or
    /// holds only hidden entries, `Ok(true)` when it holds an earlier export of the same version
    /// to be replaced (refused, unless `force`, when its files hold changes the cache does not
    /// have), else why not.
    fn check_export_target(
        &self,
        dir: &Path,
        cached: &CachedVersion,
        force: bool,
    ) -> Result<bool, WorkbenchError> {
        let failed = |reason: String| WorkbenchError::OutputFile {
            path: dir.to_owned(),
            reason,
        };
        match std::fs::symlink_metadata(dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(failed(e.to_string())),
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(failed(
                    "it is a symbolic link; name the folder itself".into(),
                ));
            }
            Ok(meta) if !meta.is_dir() => return Err(failed("it is not a folder".into())),
            Ok(_) => {}
        }
        let not_export = |why: String| {
            failed(format!(
                "it is not empty and {why}; export into a new or empty folder"
            ))
        };
        let folder = Folder::open(dir).map_err(|e| match e {
            // A file an export does not have (`Folder::check_entries`).
            WorkbenchError::ExportFile { path, .. } if path != dir => not_export(format!(
                "holds {}, which is not part of an export",
                path.strip_prefix(dir).unwrap_or(&path).display()
            )),
            other => failed(other.to_string()),
        })?;
        let names = entry_names(dir).map_err(|e| failed(e.to_string()))?;
        if names.iter().all(|name| name.starts_with('.')) {
            return Ok(false);
        }
        let header: Header = folder
            .parse(HEADER)
            .map_err(|_| not_export(format!("has no readable {HEADER}: it is not an export")))?;
        let (header, _) = self.follow_moved_ids(header)?;
        if header.app_id != cached.version.app_id || header.version_id != cached.version.id {
            return Err(failed(format!(
                "it holds the export of version {} of app {}, not of this version; export into a new or empty folder",
                header.version_id, header.app_id
            )));
        }
        if force {
            return Ok(true);
        }
        let replace = "`pwb import` it first, or export with --force to replace it";
        let files = self.read_export(dir).map_err(|e| {
            failed(format!(
                "it holds an earlier export whose files cannot be read ({e}): fix them and {replace}"
            ))
        })?;
        let unimported = files.against_cache().changes;
        if !unimported.is_empty() {
            let mut changed: Vec<String> = unimported.fields.into_iter().map(|f| f.field).collect();
            if unimported.icon.is_some() {
                changed.push(ICON_KEY.to_owned());
            }
            return Err(failed(format!(
                "it holds an earlier export with changes not imported ({}): {replace}",
                changed.join(", ")
            )));
        }
        Ok(true)
    }

    /// An export of an app or version made here names their local ids: once a sync gave them
    /// the server's, the header names those (and whether the version's id moved).
    fn follow_moved_ids(&self, mut header: Header) -> Result<(Header, bool), WorkbenchError> {
        if let Some(id) = self.resolve_local_id(&header.app_id)? {
            header.app_id = id;
        }
        let moved = self.resolve_local_id(&header.version_id)?;
        if let Some(id) = &moved {
            header.version_id = id.clone();
        }
        Ok((header, moved.is_some()))
    }

    /// Reads the export folder `dir` and checks it against the cache: every file parsed, no
    /// key or file an export does not have, no link out of `dir`, the header naming a cached
    /// version of its app with its version number. Changes nothing.
    pub fn read_export(&self, dir: &Path) -> Result<ExportedFiles, WorkbenchError> {
        let folder = Folder::open(dir)?;
        let (header, moved) = self.follow_moved_ids(folder.parse(HEADER)?)?;
        if header.format != format::FORMAT {
            return Err(folder.problem(
                HEADER,
                format!(
                    "format {} is not one this pwb reads (it reads format {}); export again with this pwb",
                    header.format,
                    format::FORMAT
                ),
            ));
        }
        let cached = self.store().version(&header.version_id)?.ok_or_else(|| {
            folder.missing(
                HEADER,
                format!(
                    "it names version {}, which is not in the cache: run `pwb sync`, or check the id with `pwb apps`",
                    header.version_id
                ),
            )
        })?;
        if cached.version.app_id != header.app_id {
            return Err(folder.problem(
                HEADER,
                format!(
                    "it names app {} and version {}, but that version belongs to app {}: the files are of another version",
                    header.app_id, header.version_id, cached.version.app_id
                ),
            ));
        }
        // A version made here took the server's number when it was sent; its export has the
        // number it had before.
        if !moved && cached.version.version_number != header.version_number {
            return Err(folder.problem(
                HEADER,
                format!(
                    "it names version number {}, but version {} is {} in the cache: the files are of another version",
                    header.version_number, header.version_id, cached.version.version_number
                ),
            ));
        }
        let listing = folder.parse(LISTING)?;
        let plans = folder.parse(PLANS)?;
        let screenshots = folder.parse(&format!("{SCREENSHOTS_DIR}/{SCREENSHOTS}"))?;
        let content = format::content(listing, plans, screenshots, &cached.version.content)
            .map_err(|p| folder.problem(&p.file, p.reason))?;
        let icon_now = self.store().icon(&header.version_id)?;
        let icon = folder.icon()?;
        let exported_icon = header.exported.get(ICON_KEY);
        let mut resolution = resolve(&header.exported, &content, &cached.version.content)?;
        // Of the bytes, as the folder's icon's is.
        let now_sha256 = icon_now.as_ref().map(|icon| sha256_hex(&icon.bytes));
        let now_sha256 = now_sha256.as_ref();
        let new_icon = match &icon {
            None if exported_icon.is_some() => {
                return Err(folder.problem(
                    "icon.png",
                    "the export had an icon and the folder has none; Partner Project cannot \
                     remove an icon: put it back (`pwb export` writes it)"
                        .into(),
                ));
            }
            // Left as exported: the cache's icon stays, whatever it is now.
            Some(icon) if Some(&icon.sha256) == exported_icon => {
                if now_sha256 != exported_icon {
                    resolution.kept.push(FieldChange {
                        field: ICON_KEY.to_owned(),
                        from: Value::from(icon.sha256.clone()),
                        to: now_sha256.map_or(Value::Null, |sha| Value::from(sha.clone())),
                    });
                }
                None
            }
            None => None,
            Some(icon) if Some(&icon.sha256) == now_sha256 => None,
            Some(icon) => {
                if now_sha256 != exported_icon {
                    resolution.overridden.push(ICON_KEY.to_owned());
                }
                Some(icon.clone())
            }
        };
        Ok(ExportedFiles {
            header,
            cached,
            icon_now,
            content,
            icon,
            resolved: resolution.content,
            new_icon,
            overridden: resolution.overridden,
            kept: resolution.kept,
        })
    }

    /// Checks an export folder as it stands (`pwb validate DIR`, a repository in CI): its files
    /// read and parsed as an import reads them, but without the cache (the header is not matched
    /// against a cached version, and nothing is written), then the version they describe checked
    /// with the rules pack in force, the folder's icon included. Each diagnostic comes with the
    /// file and line it points at.
    pub fn validate_folder(&self, dir: &Path) -> Result<FolderReport, WorkbenchError> {
        let folder = Folder::open(dir)?;
        let header: Header = folder.parse(HEADER)?;
        let screenshots_file = format!("{SCREENSHOTS_DIR}/{SCREENSHOTS}");
        let texts = [LISTING, PLANS, screenshots_file.as_str()]
            .map(|file| folder.text(file).map(|text| (file, text)));
        let [listing, plans, screenshots] = texts;
        let (listing, plans, screenshots) = (listing?, plans?, screenshots?);
        let content = format::content(
            folder.parse_text(listing.0, &listing.1)?,
            folder.parse_text(plans.0, &plans.1)?,
            folder.parse_text(screenshots.0, &screenshots.1)?,
            &VersionContent::default(),
        )
        .map_err(|p| folder.problem(&p.file, p.reason))?;
        let icon = folder.icon()?;
        let pack = self.rules_pack()?;
        let mut input = ValidationInput::new(&content, VersionStatus::NEW);
        if let Some(icon) = &icon {
            input = input.with_icon(&icon.bytes, &icon.file);
        }
        let report = validation::validate(&input, &pack, &[]);
        let lines = locate::FolderLines {
            listing: locate::KeyLines::scan(&listing.1),
            plans: locate::KeyLines::scan(&plans.1),
            screenshots: locate::KeyLines::scan(&screenshots.1),
            icon: icon.map(|icon| icon.file),
        };
        let locations = report
            .diagnostics
            .iter()
            .map(|d| locate::locate(&d.field, &lines))
            .collect();
        Ok(FolderReport {
            app_id: header.app_id,
            version_id: header.version_id,
            version_number: header.version_number,
            report,
            locations,
        })
    }

    /// Applies the export folder `dir` to its version as local edits: the fields the files
    /// changed since the export (see [`ExportedFiles::against_cache`]) as one edit, the icon
    /// (when the files changed it) after the icon rules found no error in it; both in one
    /// transaction, or nothing. The fields the files left as exported keep the cache's value,
    /// whatever a sync or an edit made of it since. Refused, changing nothing, when a file
    /// cannot be used, when the review track locks a part the files change
    /// ([`WorkbenchError::Locked`]) or the icon breaks a rule
    /// ([`WorkbenchError::ValidationFailed`]). Files that change nothing queue nothing.
    pub fn import_files(
        &self,
        dir: &Path,
        at: OffsetDateTime,
    ) -> Result<ImportReport, WorkbenchError> {
        let files = self.read_export(dir)?;
        let cached = &files.cached;
        let before = &cached.version.content;
        let mut parts = parts_changed(before, &files.resolved);
        if files.new_icon.is_some() {
            parts.push(ContentPart::Icon);
        }
        self.check_editable(cached, &parts)?;
        let icon = files
            .new_icon
            .as_ref()
            .map(|icon| self.checked_icon(icon.bytes.clone(), &icon.file))
            .transpose()?;
        let fields = changed_fields(before, &files.resolved);
        if !fields.is_empty() || icon.is_some() {
            let (content_key, icon_key) = (new_key(), new_key());
            let changes = Changes {
                before,
                icon_before: files.icon_now.as_ref().map(|icon| icon.sha256.as_str()),
                status: cached.version.status,
                content: (!fields.is_empty()).then_some((&files.resolved, content_key.as_str())),
                icon: icon.as_ref().map(|icon| (icon, icon_key.as_str())),
                summary: "import files",
            };
            self.store()
                .apply(&cached.version.id, changes, &rfc3339(at))?;
        }
        Ok(ImportReport {
            app_id: cached.version.app_id.clone(),
            version_id: cached.version.id.clone(),
            version_number: cached.version.version_number.clone(),
            fields,
            icon: icon.is_some(),
            pending: self.store().pending_edits()?,
            overridden: files.overridden.clone(),
            kept: files.kept.iter().map(|kept| kept.field.clone()).collect(),
        })
    }

    /// The files against the server's copy of their version, fetched now through `client`.
    pub async fn diff_with_server(
        &self,
        client: &PartnerClient,
        files: &ExportedFiles,
    ) -> Result<ServerDiff, WorkbenchError> {
        let header = &files.header;
        let served = client.version(&header.app_id, &header.version_id).await?;
        Ok(ServerDiff {
            moved_since_export: header.server_etag.as_deref() != Some(served.etag.as_str()),
            changes: FileChanges::between(
                &served.version.content,
                served.icon.as_ref().map(|icon| icon.sha256.as_str()),
                &files.content,
                files.icon_sha256(),
            ),
            etag: served.etag,
        })
    }
}

/// The entries an export folder holds at its top.
fn is_export_entry(name: &str) -> bool {
    [HEADER, LISTING, PLANS, SCREENSHOTS_DIR].contains(&name) || is_icon_name(name)
}

/// The names in a folder, sorted.
fn entry_names(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<std::io::Result<Vec<_>>>()?;
    names.sort();
    Ok(names)
}

/// Writes `files` into a new folder beside `dir`, then puts it in `dir`'s place (with the hidden
/// entries `dir` holds, such as `.git`, moved into it; an earlier export when `replace` is
/// deleted only once the new one is in place).
/// `rename` is `std::fs::rename` but in tests, which make it fail.
fn write_folder(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    replace: bool,
    rename: &dyn Fn(&Path, &Path) -> std::io::Result<()>,
) -> Result<(), String> {
    let name = dir
        .file_name()
        .ok_or_else(|| "name a folder (not `..` or `/`)".to_owned())?
        .to_string_lossy()
        .into_owned();
    let parent = match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(format!("the folder {} does not exist", parent.display()));
    }
    let new_folder = |kind: &str| {
        let prefix = format!(".{name}.pwb-{kind}-");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix);
        // Made as any folder is, the umask deciding (a temporary folder is private, 0700): an
        // export is shared through git.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o777));
        builder
            .tempdir_in(&parent)
            .map_err(|e| format!("cannot create a folder in {}: {e}", parent.display()))
    };
    let staging = new_folder("export")?;
    for (path, bytes) in files {
        let target = staging.path().join(path);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder).map_err(|e| e.to_string())?;
        }
        std::fs::File::create(&target)
            .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
            .map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    let hidden = move_hidden(dir, staging.path())
        .map_err(|e| format!("cannot move the folder's hidden files into the new export: {e}"))?;
    let aside = if replace {
        Some(new_folder("old")?)
    } else {
        None
    };
    match put_in_place(
        staging.path(),
        dir,
        aside.as_ref().map(|aside| aside.path()),
        rename,
    ) {
        Ok(()) => {
            // The staging folder is `dir` now; `aside` (the earlier export) is deleted on drop.
            let _ = staging.keep();
            Ok(())
        }
        Err(Failed::PutBack(reason)) => {
            // Neither folder may be deleted: one holds the earlier export, the other the new one
            // with the hidden files.
            let (old, new) = (aside.map(|a| a.keep()), staging.keep());
            Err(format!(
                "{reason}; the earlier export is kept in {}, the new one (with the folder's \
                 hidden files) in {}",
                old.as_deref().unwrap_or(dir).display(),
                new.display()
            ))
        }
        Err(Failed::Unchanged(reason)) => {
            for path in &hidden {
                let _ = std::fs::rename(staging.path().join(path), dir.join(path));
            }
            Err(reason)
        }
    }
}

/// Moves the hidden entries of `dir` and of its screenshots folder into the same places in
/// `into`; the paths moved, inside the folders. Nothing is moved when one cannot be.
fn move_hidden(dir: &Path, into: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut moved: Vec<PathBuf> = Vec::new();
    for sub in ["", SCREENSHOTS_DIR] {
        let folder = dir.join(sub);
        if !folder.is_dir() {
            continue;
        }
        for name in entry_names(&folder)? {
            if !name.starts_with('.') {
                continue;
            }
            let path = Path::new(sub).join(&name);
            if let Err(e) = std::fs::rename(dir.join(&path), into.join(&path)) {
                for done in &moved {
                    let _ = std::fs::rename(into.join(done), dir.join(done));
                }
                return Err(e);
            }
            moved.push(path);
        }
    }
    Ok(moved)
}

/// Why the new export could not be put in place.
#[derive(Debug)]
enum Failed {
    /// `dir` is as it was.
    Unchanged(String),
    /// The earlier export was moved aside and could not be moved back.
    PutBack(String),
}

/// Renames `staging` to `dir`; with `aside` (an empty folder), the earlier export in `dir` is
/// first moved there, and moved back should the new one not go in.
fn put_in_place(
    staging: &Path,
    dir: &Path,
    aside: Option<&Path>,
    rename: &dyn Fn(&Path, &Path) -> std::io::Result<()>,
) -> Result<(), Failed> {
    let in_place = |e: std::io::Error| format!("cannot put the export in place: {e}");
    let Some(aside) = aside else {
        // Renaming over an empty folder replaces it.
        return rename(staging, dir).map_err(|e| Failed::Unchanged(in_place(e)));
    };
    // Renaming over the empty folder `aside` moves the earlier export there.
    rename(dir, aside)
        .map_err(|e| Failed::Unchanged(format!("cannot move the earlier export aside: {e}")))?;
    if let Err(e) = rename(staging, dir) {
        return match rename(aside, dir) {
            Ok(()) => Err(Failed::Unchanged(in_place(e))),
            Err(back) => Err(Failed::PutBack(format!(
                "{}, nor the earlier export back ({back})",
                in_place(e)
            ))),
        };
    }
    Ok(())
}

/// An export folder being read: every path is checked to stay inside it.
struct Folder {
    /// As the partner named it, for messages.
    shown: PathBuf,
    /// Canonical, for checking where links lead.
    root: PathBuf,
}

impl Folder {
    fn open(dir: &Path) -> Result<Folder, WorkbenchError> {
        let error = |reason: String, missing: bool| WorkbenchError::ExportFile {
            path: dir.to_owned(),
            reason,
            missing,
        };
        let root = dir.canonicalize().map_err(|e| {
            let missing = e.kind() == std::io::ErrorKind::NotFound;
            error(
                if missing {
                    "no such folder".into()
                } else {
                    e.to_string()
                },
                missing,
            )
        })?;
        if !root.is_dir() {
            return Err(error("it is not a folder".into(), false));
        }
        let folder = Folder {
            shown: dir.to_owned(),
            root,
        };
        folder.check_entries("", is_export_entry)?;
        folder.check_entries(SCREENSHOTS_DIR, |name| name == SCREENSHOTS)?;
        Ok(folder)
    }

    fn problem(&self, file: &str, reason: String) -> WorkbenchError {
        WorkbenchError::ExportFile {
            path: self.shown.join(file),
            reason,
            missing: false,
        }
    }

    fn missing(&self, file: &str, reason: String) -> WorkbenchError {
        WorkbenchError::ExportFile {
            path: self.shown.join(file),
            reason,
            missing: true,
        }
    }

    /// Refuses a file or folder in `sub` (a folder of the export) that an export does not have;
    /// hidden ones (an editor's swap file, `.gitkeep`) are left alone.
    fn check_entries(&self, sub: &str, known: impl Fn(&str) -> bool) -> Result<(), WorkbenchError> {
        let Some(path) = self.resolve(sub)? else {
            return Ok(());
        };
        if !path.is_dir() {
            return Err(self.problem(sub, "it must be a folder".into()));
        }
        let names = entry_names(&path).map_err(|e| self.problem(sub, e.to_string()))?;
        let shown = |name: &str| {
            if sub.is_empty() {
                name.to_owned()
            } else {
                format!("{sub}/{name}")
            }
        };
        if let Some(other) = names
            .iter()
            .find(|name| !name.starts_with('.') && !known(name))
        {
            return Err(self.problem(
                &shown(other),
                format!(
                    "an export holds only {HEADER}, {LISTING}, {PLANS}, the icon (icon.png, or \
                     icon.jpg ... for its real format) and {SCREENSHOTS_DIR}/{SCREENSHOTS}: \
                     move this file out of the folder"
                ),
            ));
        }
        Ok(())
    }

    /// Where `file` (a path inside the folder) really is, `None` when it does not exist;
    /// refused when a link takes it out of the folder.
    fn resolve(&self, file: &str) -> Result<Option<PathBuf>, WorkbenchError> {
        let path = self.root.join(file);
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.problem(file, e.to_string())),
            Ok(_) => {}
        }
        let real = path
            .canonicalize()
            .map_err(|e| self.problem(file, format!("it is a link that leads nowhere ({e})")))?;
        if !real.starts_with(&self.root) {
            return Err(self.problem(
                file,
                format!(
                    "it is a link to {}, outside the folder: an export's files must be in it",
                    real.display()
                ),
            ));
        }
        Ok(Some(real))
    }

    /// The regular file `file`, where it really is; a missing one is refused.
    fn regular_file(&self, file: &str) -> Result<PathBuf, WorkbenchError> {
        let path = self.resolve(file)?.ok_or_else(|| {
            self.problem(
                file,
                "no such file: an export has it (`pwb export` writes it)".into(),
            )
        })?;
        if !path.is_file() {
            return Err(self.problem(file, "it is not a regular file".into()));
        }
        Ok(path)
    }

    /// Reads and parses the TOML file `file` (at most [`MAX_TEXT_FILE_BYTES`], UTF-8).
    fn parse<T: serde::de::DeserializeOwned>(&self, file: &str) -> Result<T, WorkbenchError> {
        self.parse_text(file, &self.text(file)?)
    }

    /// Parses `text`, the TOML file `file` of the folder.
    fn parse_text<T: serde::de::DeserializeOwned>(
        &self,
        file: &str,
        text: &str,
    ) -> Result<T, WorkbenchError> {
        format::parse(file, text)
            .map_err(|FileProblem { file, reason }| self.problem(&file, reason))
    }

    /// Reads the text file `file` (at most [`MAX_TEXT_FILE_BYTES`], UTF-8).
    fn text(&self, file: &str) -> Result<String, WorkbenchError> {
        let path = self.regular_file(file)?;
        let mut bytes = Vec::new();
        std::fs::File::open(&path)
            .and_then(|f| f.take(MAX_TEXT_FILE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| self.problem(file, e.to_string()))?;
        if bytes.len() as u64 > MAX_TEXT_FILE_BYTES {
            return Err(self.problem(
                file,
                format!("it is larger than {} KiB", MAX_TEXT_FILE_BYTES / 1024),
            ));
        }
        String::from_utf8(bytes).map_err(|e| {
            self.problem(
                file,
                format!(
                    "it is not UTF-8 text (byte {} is not)",
                    e.utf8_error().valid_up_to()
                ),
            )
        })
    }

    /// The icon file, when the folder has one (two are refused).
    fn icon(&self) -> Result<Option<FolderIcon>, WorkbenchError> {
        let names = entry_names(&self.root).map_err(|e| self.problem("", e.to_string()))?;
        let icons: Vec<&String> = names.iter().filter(|name| is_icon_name(name)).collect();
        let file = match icons.as_slice() {
            [] => return Ok(None),
            [one] => one.as_str(),
            several => {
                return Err(self.problem(
                    several[1],
                    format!(
                        "the folder has {} icon files ({}): keep one",
                        several.len(),
                        several
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        };
        let path = self.regular_file(file)?;
        let bytes = read_icon_file(&path).map_err(|e| match e {
            WorkbenchError::IconFile { reason, .. } => self.problem(file, reason),
            other => other,
        })?;
        Ok(Some(FolderIcon {
            file: file.to_owned(),
            sha256: sha256_hex(&bytes),
            bytes,
        }))
    }
}

#[cfg(test)]
mod tests;
