//! Listings as files over a real cache (SQLite in a temporary folder): the round trip changes
//! nothing and gives the same bytes (generated versions and edge cases), an import is one
//! change or none, and every kind of hostile folder is refused with the file named and the cache
//! unchanged.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::json;
use time::OffsetDateTime;
use workbench_domain::*;
use workbench_store::fixtures;

use super::format;
use crate::{ErrorCode, Workbench, WorkbenchError};

const AT: OffsetDateTime = time::macros::datetime!(2026-03-01 12:00 UTC);
const APP: &str = "app-00000";
// The fixture's first app with its v0 and v2 made Draft on both tracks (so nothing is locked or
// frozen there); v1 stays In Review on the technical track. The second app keeps the fixture's
// statuses: Available/Advertised, In Review/Draft, Rejected/Approved.
const DRAFT: &str = "app-00000-v0";
const IN_REVIEW: &str = "app-00000-v1";
const EDITABLE: &str = "app-00000-v2";
const PUBLISHED: (&str, &str) = ("app-00001", "app-00001-v0");

fn icon_fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../tests/fixtures/icons")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

struct Setup {
    _data: tempfile::TempDir,
    work: tempfile::TempDir,
    workbench: Workbench,
}

impl Setup {
    fn new() -> Setup {
        let data = tempfile::tempdir().unwrap();
        let workbench = Workbench::open(data.path()).unwrap();
        let mut snapshot = fixtures::snapshot(2, 3);
        let draft = VersionStatus {
            technical: ReviewStatus::Draft,
            marketplace: ReviewStatus::Draft,
        };
        snapshot.apps[0].versions[0].version.status = draft;
        snapshot.apps[0].versions[2].version.status = draft;
        workbench
            .store()
            .replace_with_snapshot(&snapshot, "http://127.0.0.1:1", "2026-01-01T00:00:00Z")
            .unwrap();
        Setup {
            _data: data,
            work: tempfile::tempdir().unwrap(),
            workbench,
        }
    }

    fn dir(&self, name: &str) -> PathBuf {
        self.work.path().join(name)
    }

    /// Exports `version` into a new folder `name`.
    fn export(&self, version: &str, name: &str) -> PathBuf {
        let dir = self.dir(name);
        self.workbench
            .export_files(APP, version, &dir, false)
            .unwrap();
        dir
    }

    /// Replaces the working copy of `version` with `content` (one edit).
    fn set_content(&self, version: &str, content: VersionContent) {
        self.workbench
            .edit(version, crate::Edit::Content(Box::new(content)), AT)
            .unwrap();
    }

    fn outbox_len(&self) -> usize {
        self.workbench.local_changes(None).unwrap().entries.len()
    }

    /// The cached working copy and icon of `version`, to compare before and after.
    fn state(&self, version: &str) -> (VersionContent, Option<IconFile>, usize) {
        (
            self.workbench.version(version).unwrap().version.content,
            self.workbench.icon(version).unwrap(),
            self.outbox_len(),
        )
    }
}

/// Every file of a folder by its relative path, with its bytes.
fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn edit_file(dir: &Path, file: &str, edit: impl FnOnce(String) -> String) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(text)).unwrap();
}

/// A version's content with what the issue names as edge cases: unicode, a multi-line Markdown
/// description with trailing spaces, a screenshot between other assets, a trial plan with and a
/// paid plan without `trial_days`, empty lists and absent optional fields.
fn edge_content() -> VersionContent {
    VersionContent {
        general: General {
            display_name: "Ça marche — 日本語 ✓ \"quoted\" 'single' \\ back".into(),
            slug: "ca-marche".into(),
            notes: "line one\r\nline two\ttabbed\n".into(),
            emails: vec![],
        },
        technical: Technical {
            scopes: vec![],
            scopes_reason: String::new(),
            urls: vec![TypedUrl {
                kind: UrlType::LaunchUrl,
                url: "https://example.com/launch?a=1&b=2".into(),
            }],
            manually_provisioned: true,
        },
        marketplace: Marketplace {
            listing_summary: "Summary with ''' and \"\"\" inside".into(),
            description: "# Title  \n\nA paragraph with two trailing spaces  \n- item one\n- item two   \n\n```\ncode\n```\n\n".into(),
            categories: vec!["CRM".into(), "Analytics".into()],
            assets: vec![
                Asset {
                    kind: AssetType::Video,
                    description: String::new(),
                    url: "https://cdn.example.com/intro.mp4".into(),
                },
                Asset {
                    kind: AssetType::Screenshot,
                    description: "The dashboard ✓".into(),
                    url: "https://cdn.example.com/one.png".into(),
                },
                Asset {
                    kind: AssetType::Icon,
                    description: "icon".into(),
                    url: "https://cdn.example.com/icon.png".into(),
                },
                Asset {
                    kind: AssetType::Screenshot,
                    description: String::new(),
                    url: "https://cdn.example.com/two.png".into(),
                },
            ],
            urls: vec![],
            support: SupportContact {
                email: "help@example.com".into(),
                phone: String::new(),
                url: String::new(),
            },
        },
        subscription_types: vec![
            SubscriptionPlan {
                kind: PlanType::Paid,
                license_type: LicenseType::Individual,
                name: "Zeta Pro".into(),
                price: 1_999_999_999_999,
                currency: "EUR".into(),
                description: String::new(),
                listing_summary: "multi\nline".into(),
                min_licenses: 0,
                max_licenses: u32::MAX,
                trial_days: None,
            },
            SubscriptionPlan {
                kind: PlanType::Trial,
                license_type: LicenseType::Universal,
                name: "Alpha trial".into(),
                price: 0,
                currency: "USD".into(),
                description: String::new(),
                listing_summary: String::new(),
                min_licenses: 1,
                max_licenses: 1,
                trial_days: Some(0),
            },
        ],
    }
}

#[test]
fn export_then_import_changes_nothing_and_exports_the_same_bytes_for_every_fixture_version() {
    let setup = Setup::new();
    for listing in setup.workbench.list_apps().unwrap() {
        for version in &listing.versions {
            let (app, version) = (listing.app.id.as_str(), version.id.as_str());
            let (first, second) = (
                setup.dir(&format!("{version}-1")),
                setup.dir(&format!("{version}-2")),
            );
            setup
                .workbench
                .export_files(app, version, &first, false)
                .unwrap();
            let before = setup.state(version);
            let report = setup.workbench.import_files(&first, AT).unwrap();
            assert!(
                report.fields.is_empty() && !report.icon,
                "{version}: {report:?}"
            );
            assert!(
                setup
                    .workbench
                    .read_export(&first)
                    .unwrap()
                    .against_cache()
                    .changes
                    .is_empty()
            );
            assert_eq!(setup.state(version), before, "{version}: nothing changed");
            setup
                .workbench
                .export_files(app, version, &second, false)
                .unwrap();
            assert_eq!(files_of(&first), files_of(&second), "{version}");
        }
    }
    assert_eq!(setup.outbox_len(), 0, "no outbox entry at all");
}

#[test]
fn the_edge_cases_survive_the_round_trip_byte_for_byte() {
    let setup = Setup::new();
    setup.set_content(EDITABLE, edge_content());
    let entries = setup.outbox_len();
    let first = setup.export(EDITABLE, "first");
    let listing = std::fs::read_to_string(first.join(format::LISTING)).unwrap();
    assert!(
        listing.contains("A paragraph with two trailing spaces  \n"),
        "the description is a multi-line string a person can edit:\n{listing}"
    );
    let shots = std::fs::read_to_string(first.join("screenshots/screenshots.toml")).unwrap();
    assert!(shots.contains("https://cdn.example.com/one.png"), "{shots}");
    assert!(
        !listing.contains("one.png"),
        "screenshots are only in screenshots/"
    );

    let report = setup.workbench.import_files(&first, AT).unwrap();
    assert!(report.fields.is_empty(), "{report:?}");
    assert_eq!(setup.outbox_len(), entries, "no new outbox entry");
    assert_eq!(
        setup.workbench.version(EDITABLE).unwrap().version.content,
        edge_content()
    );
    let second = setup.export(EDITABLE, "second");
    assert_eq!(files_of(&first), files_of(&second));
}

#[test]
fn an_import_is_one_edit_of_the_fields_changed_plus_the_icon_and_undoes_as_one() {
    let setup = Setup::new();
    let dir = setup.export(EDITABLE, "listing");
    edit_file(&dir, format::LISTING, |t| {
        t.replace(
            "display_name = \"app-00000 2\"",
            "display_name = \"Renamed\"",
        )
    });
    edit_file(&dir, format::PLANS, |t| {
        t.replace("price = 4900", "price = 5900")
    });
    edit_file(&dir, "screenshots/screenshots.toml", |_| {
        "[[screenshots]]\nurl = \"https://cdn.example.com/new.png\"\n".into()
    });
    std::fs::remove_file(dir.join("icon.bin")).unwrap();
    std::fs::write(dir.join("icon.png"), icon_fixture("valid.png")).unwrap();

    let diff = setup.workbench.read_export(&dir).unwrap().against_cache();
    let fields: Vec<&str> = diff
        .changes
        .fields
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "general.display_name",
            "marketplace.assets",
            "subscription_types[Business].price"
        ]
    );
    assert_eq!(diff.changes.fields[2].from, json!(4900));
    assert_eq!(diff.changes.fields[2].to, json!(5900));
    assert!(diff.changes.icon.is_some());

    let report = setup.workbench.import_files(&dir, AT).unwrap();
    assert_eq!(report.fields, fields);
    assert!(report.icon);
    let entries = setup
        .workbench
        .local_changes(Some(EDITABLE))
        .unwrap()
        .entries;
    let operations: Vec<_> = entries.iter().map(|e| e.operation).collect();
    assert_eq!(
        operations,
        [crate::Operation::Edit, crate::Operation::Icon],
        "the content as one edit, the icon as its upload"
    );
    let content = setup.workbench.version(EDITABLE).unwrap().version.content;
    assert_eq!(content.general.display_name, "Renamed");
    assert_eq!(content.subscription_types[1].price, 5900);
    assert_eq!(
        setup.workbench.icon(EDITABLE).unwrap().unwrap().bytes,
        icon_fixture("valid.png")
    );

    // Importing the same folder again changes nothing more.
    let again = setup.workbench.import_files(&dir, AT).unwrap();
    assert!(again.fields.is_empty() && !again.icon);
    assert_eq!(setup.outbox_len(), 2);

    // The import is one step of undo.
    setup.workbench.undo(EDITABLE, AT).unwrap();
    let undone = setup.workbench.version(EDITABLE).unwrap().version.content;
    assert_eq!(undone.general.display_name, "app-00000 2");
    assert_eq!(undone.subscription_types[1].price, 4900);
}

/// Runs `break_it` on a fresh export of `version`, then checks that importing it fails with
/// `code`, a message naming `file` and containing `says`, and leaves the cache as it was.
/// The cache changes after the export (here by local edits; `pwb sync` bringing a colleague's
/// portal edit is the same for the files, and the CLI test does it over HTTP): import applies
/// only what the files changed since the export and keeps the cache's newer values of the rest.
#[test]
fn import_applies_only_what_the_files_changed_and_keeps_newer_cache_values() {
    let setup = Setup::new();
    let dir = setup.export(EDITABLE, "listing");
    let exported = setup.workbench.version(EDITABLE).unwrap().version.content;
    let plan_names = |c: &VersionContent| -> Vec<String> {
        c.subscription_types
            .iter()
            .map(|p| p.name.clone())
            .collect()
    };
    assert!(
        exported.subscription_types.len() >= 2,
        "{:?}",
        plan_names(&exported)
    );
    let (first, second) = (
        exported.subscription_types[0].name.clone(),
        exported.subscription_types[1].name.clone(),
    );

    // Since the export, the cache got: a new description, a new price of the second plan, a
    // new plan, and the first plan's summary.
    let mut newer = exported.clone();
    newer.marketplace.description = "Newer description from the portal".into();
    newer.subscription_types[1].price = 7700;
    newer.subscription_types[0].listing_summary = "Newer summary".into();
    let mut team = newer.subscription_types[1].clone();
    team.name = "Team".into();
    newer.subscription_types.push(team);
    setup.set_content(EDITABLE, newer.clone());

    // The files, meanwhile: a new name, the second plan's price set otherwise (both changed),
    // and the first plan's price.
    edit_file(&dir, format::LISTING, |t| {
        t.replace(
            "display_name = \"app-00000 2\"",
            "display_name = \"Renamed\"",
        )
    });
    edit_file(&dir, format::PLANS, |t| {
        t.replace("price = 4900", "price = 5900")
    });
    let first_price = exported.subscription_types[0].price;
    edit_file(&dir, format::PLANS, |t| {
        t.replacen(
            &format!("price = {first_price}\n"),
            &format!("price = {}\n", first_price + 1),
            1,
        )
    });
    let second_price = format!("subscription_types[{second}].price");
    let first_price_field = format!("subscription_types[{first}].price");

    let diff = setup.workbench.read_export(&dir).unwrap().against_cache();
    let applied: Vec<&str> = diff
        .changes
        .fields
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    assert_eq!(
        applied,
        [
            "general.display_name",
            first_price_field.as_str(),
            second_price.as_str()
        ],
        "{diff:#?}"
    );
    assert_eq!(diff.overridden, std::slice::from_ref(&second_price));
    let kept: Vec<&str> = diff.kept.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        kept,
        [
            "marketplace.description".to_owned(),
            format!("subscription_types[{first}].listing_summary"),
            "subscription_types[Team]".to_owned(),
        ]
    );
    assert_eq!(diff.kept[0].to, json!("Newer description from the portal"));

    let report = setup.workbench.import_files(&dir, AT).unwrap();
    assert_eq!(report.fields, applied);
    assert_eq!(report.overridden, [second_price]);
    assert_eq!(report.kept, kept);
    let now = setup.workbench.version(EDITABLE).unwrap().version.content;
    let mut expected = newer;
    expected.general.display_name = "Renamed".into();
    expected.subscription_types[0].price = first_price + 1;
    expected.subscription_types[1].price = 5900;
    assert_eq!(
        now, expected,
        "the newer cache values stay; the files' edits are applied"
    );

    // Imported again, the folder changes nothing: its edits are in the cache.
    let again = setup.workbench.import_files(&dir, AT).unwrap();
    assert!(again.fields.is_empty() && !again.icon, "{again:?}");
}

#[test]
fn plans_removed_added_and_reordered_in_the_files_apply_as_such() {
    let setup = Setup::new();
    let dir = setup.export(EDITABLE, "listing");
    let exported = setup.workbench.version(EDITABLE).unwrap().version.content;
    let names: Vec<String> = exported
        .subscription_types
        .iter()
        .map(|p| p.name.clone())
        .collect();
    // The files drop the first plan and put the others in reverse order; the cache meanwhile
    // adds a plan at the end.
    let mut files = exported.clone();
    files.subscription_types.remove(0);
    files.subscription_types.reverse();
    let rendered = format::render(&version_of(files.clone()), None, Default::default());
    std::fs::write(dir.join(format::PLANS), text_of(&rendered, format::PLANS)).unwrap();
    let mut newer = exported.clone();
    let mut team = newer.subscription_types[0].clone();
    team.name = "Team".into();
    newer.subscription_types.push(team.clone());
    setup.set_content(EDITABLE, newer);

    let report = setup.workbench.import_files(&dir, AT).unwrap();
    assert!(
        report.kept.contains(&"subscription_types[Team]".to_owned()),
        "{report:?}"
    );
    let now = setup.workbench.version(EDITABLE).unwrap().version.content;
    let mut expected = files.subscription_types.clone();
    expected.push(team);
    assert_eq!(
        now.subscription_types, expected,
        "{names:?}: the first plan removed, the rest reversed, the cache's new plan kept"
    );
}

#[test]
fn an_icon_the_files_left_as_exported_keeps_the_cache_s_newer_icon() {
    let setup = Setup::new();
    let dir = setup.export(DRAFT, "listing");
    setup
        .workbench
        .set_icon(DRAFT, icon_fixture("valid.png"), "valid.png", AT)
        .unwrap();
    let diff = setup.workbench.read_export(&dir).unwrap().against_cache();
    assert!(diff.changes.is_empty(), "{diff:?}");
    assert_eq!(diff.kept.len(), 1);
    assert_eq!(diff.kept[0].field, "icon");
    let report = setup.workbench.import_files(&dir, AT).unwrap();
    assert!(!report.icon && report.fields.is_empty(), "{report:?}");
    assert_eq!(
        setup.workbench.icon(DRAFT).unwrap().unwrap().bytes,
        icon_fixture("valid.png"),
        "the newer icon stays"
    );
}

/// The new export cannot be renamed in and the earlier one cannot be moved back (failures a
/// test cannot cause on a real disk, so the renames fail on purpose here): the earlier export
/// is never deleted, and the error names where it is.
#[test]
fn an_export_that_cannot_be_put_in_place_never_deletes_the_earlier_one() {
    use super::{Failed, put_in_place};
    let work = tempfile::tempdir().unwrap();
    let (staging, dir, aside) = (
        work.path().join("staging"),
        work.path().join("dir"),
        work.path().join("aside"),
    );
    for folder in [&staging, &dir, &aside] {
        std::fs::create_dir(folder).unwrap();
    }
    std::fs::write(dir.join("pwb.toml"), "earlier").unwrap();
    // Only the first rename (the earlier export moved aside) succeeds.
    let calls = std::cell::Cell::new(0);
    let rename = |from: &Path, to: &Path| {
        calls.set(calls.get() + 1);
        if calls.get() == 1 {
            std::fs::rename(from, to)
        } else {
            Err(std::io::Error::other("disk on fire"))
        }
    };
    let failed = put_in_place(&staging, &dir, Some(&aside), &rename).unwrap_err();
    assert!(matches!(failed, Failed::PutBack(_)), "{failed:?}");
    assert_eq!(
        std::fs::read_to_string(aside.join("pwb.toml")).unwrap(),
        "earlier"
    );

    // Through write_folder: the earlier export (moved aside) and the new one are both kept,
    // and the error says where.
    let setup = Setup::new();
    let dir = setup.export(EDITABLE, "listing");
    let earlier = files_of(&dir);
    let calls = std::cell::Cell::new(0);
    let rename = |from: &Path, to: &Path| {
        calls.set(calls.get() + 1);
        if calls.get() == 1 {
            std::fs::rename(from, to)
        } else {
            Err(std::io::Error::other("disk on fire"))
        }
    };
    let files = [("pwb.toml".to_owned(), b"new".to_vec())];
    let error = super::write_folder(&dir, &files, true, &rename).unwrap_err();
    assert!(!dir.exists(), "neither could be put in place");
    let kept: Vec<PathBuf> = std::fs::read_dir(setup.work.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let old = kept
        .iter()
        .find(|path| path.to_string_lossy().contains(".listing.pwb-old-"))
        .unwrap_or_else(|| panic!("the earlier export is kept: {kept:?}"));
    assert_eq!(files_of(old), earlier, "whole");
    assert!(error.contains(&old.display().to_string()), "{error}");
    assert!(error.contains("disk on fire"), "{error}");

    // When the earlier export goes back, all is as it was.
    let dir = setup.export(EDITABLE, "second");
    let earlier = files_of(&dir);
    let calls = std::cell::Cell::new(0);
    let rename = |from: &Path, to: &Path| {
        calls.set(calls.get() + 1);
        if calls.get() == 2 {
            Err(std::io::Error::other("disk on fire"))
        } else {
            std::fs::rename(from, to)
        }
    };
    let error = super::write_folder(&dir, &files, true, &rename).unwrap_err();
    assert!(error.contains("cannot put the export in place"), "{error}");
    assert_eq!(files_of(&dir), earlier, "the earlier export is back");
}

/// A server copy may hold two plans of one name: its export imports (as nothing), an edit of
/// it imports, and only a name the files repeat more often than the version is refused.
#[test]
fn a_version_with_two_plans_of_one_name_round_trips_and_imports_edits() {
    let setup = Setup::new();
    let mut twins = setup.workbench.version(EDITABLE).unwrap().version.content;
    let name = twins.subscription_types[0].name.clone();
    twins.subscription_types[1].name = name.clone();
    setup.set_content(EDITABLE, twins.clone());
    let entries = setup.outbox_len();

    let dir = setup.export(EDITABLE, "twins");
    let report = setup.workbench.import_files(&dir, AT).unwrap();
    assert!(report.fields.is_empty() && !report.icon, "{report:?}");
    assert_eq!(setup.outbox_len(), entries);
    let again = setup.export(EDITABLE, "again");
    assert_eq!(files_of(&dir), files_of(&again));

    // The second twin's price changed in the files: the plan list is applied as one field.
    let price = twins.subscription_types[1].price;
    edit_file(&dir, format::PLANS, |t| {
        let at = t.rfind(&format!("price = {price}\n")).unwrap();
        format!(
            "{}price = {}\n{}",
            &t[..at],
            price + 1,
            &t[at + format!("price = {price}\n").len()..]
        )
    });
    let report = setup.workbench.import_files(&dir, AT).unwrap();
    assert!(!report.fields.is_empty(), "{report:?}");
    let now = setup.workbench.version(EDITABLE).unwrap().version.content;
    let mut expected = twins.clone();
    expected.subscription_types[1].price = price + 1;
    assert_eq!(now, expected);

    // A third plan of that name is not the version's: refused.
    let third = setup.export(EDITABLE, "third");
    edit_file(&third, format::PLANS, |t| {
        assert_eq!(t.matches(&format!("name = \"{name}\"")).count(), 2, "{t}");
        let last = &t[t.rfind("[[subscription_types]]").unwrap()..];
        format!("{t}\n{last}")
    });
    let error = setup.workbench.import_files(&third, AT).unwrap_err();
    assert!(error.to_string().contains("two plans are named"), "{error}");
}

/// A version that changed between import's check and its write (the store refuses the write,
/// see `workbench-store`'s test) is not a damaged cache: `pwb` exits 1 and says to run again.
#[test]
fn a_version_changed_while_importing_is_not_a_cache_error() {
    let error = WorkbenchError::from(workbench_store::StoreError::ChangedMeanwhile {
        version_id: EDITABLE.into(),
    });
    assert_eq!(error.code(), ErrorCode::Internal, "{error}");
    assert!(error.to_string().contains("run it again"), "{error}");
}

fn refused(version: &str, break_it: impl FnOnce(&Path), code: ErrorCode, file: &str, says: &str) {
    let setup = Setup::new();
    let dir = setup.export(version, "listing");
    break_it(&dir);
    let before = setup.state(version);
    let error = setup.workbench.import_files(&dir, AT).unwrap_err();
    let message = error.to_string();
    assert_eq!(error.code(), code, "{message}");
    assert!(message.contains(file), "names {file}: {message}");
    assert!(message.contains(says), "says {says:?}: {message}");
    assert_eq!(setup.state(version), before, "nothing changed: {message}");
    // And `diff` refuses the same folder (except where only the import is refused).
    if !matches!(
        error,
        WorkbenchError::Locked { .. } | WorkbenchError::ValidationFailed { .. }
    ) {
        assert!(setup.workbench.read_export(&dir).is_err());
    }
}

#[test]
fn an_unknown_key_is_refused_by_name() {
    refused(
        EDITABLE,
        |dir| {
            edit_file(dir, format::LISTING, |t| {
                t.replace("[technical]", "[technical]\nscope_reason = \"typo\"")
            })
        },
        ErrorCode::InvalidInput,
        "listing.toml",
        "`technical.scope_reason`",
    );
    refused(
        EDITABLE,
        |dir| {
            edit_file(dir, format::PLANS, |t| {
                t.replace("price = 4900", "price = 4900\ncost = 1")
            })
        },
        ErrorCode::InvalidInput,
        "plans.toml",
        "`subscription_types[1].cost`",
    );
    refused(
        EDITABLE,
        |dir| {
            edit_file(dir, format::HEADER, |t| {
                t.replacen("format = 2", "format = 2\nextra = true", 1)
            })
        },
        ErrorCode::InvalidInput,
        "pwb.toml",
        "`extra`",
    );
}

#[test]
fn malformed_toml_and_wrong_types_say_the_line() {
    refused(
        EDITABLE,
        |dir| edit_file(dir, format::LISTING, |t| t.replace("[general]", "[general")),
        ErrorCode::InvalidInput,
        "listing.toml",
        "line ",
    );
    refused(
        EDITABLE,
        |dir| {
            edit_file(dir, format::PLANS, |t| {
                t.replace("price = 4900", "price = 49.00")
            })
        },
        ErrorCode::InvalidInput,
        "plans.toml",
        "line ",
    );
    refused(
        EDITABLE,
        |dir| {
            edit_file(dir, format::LISTING, |t| {
                t.replace(
                    "manually_provisioned = false",
                    "manually_provisioned = \"no\"",
                )
            })
        },
        ErrorCode::InvalidInput,
        "listing.toml",
        "line ",
    );
    refused(
        EDITABLE,
        |dir| std::fs::write(dir.join(format::PLANS), b"\xff\xfe not text").unwrap(),
        ErrorCode::InvalidInput,
        "plans.toml",
        "UTF-8",
    );
    refused(
        EDITABLE,
        |dir| {
            edit_file(dir, format::LISTING, |t| {
                t.replace("[technical]", "[nothing]")
                    .replace("manually_provisioned", "x")
            })
        },
        ErrorCode::InvalidInput,
        "listing.toml",
        "",
    );
}

#[test]
fn a_toml_error_names_the_line_and_column_without_quoting_a_huge_line() {
    let setup = Setup::new();
    let dir = setup.export(EDITABLE, "listing");
    let deep = format!("x = {}{}\n", "[".repeat(200_000), "]".repeat(200_000));
    std::fs::write(dir.join(format::PLANS), deep).unwrap();
    let message = setup
        .workbench
        .import_files(&dir, AT)
        .unwrap_err()
        .to_string();
    assert!(message.contains("plans.toml: line 1, column "), "{message}");
    assert!(message.len() < 1000, "{} bytes", message.len());

    edit_file(&dir, format::PLANS, |_| {
        "[[subscription_types]]\ntype = \"paid\"\nprice = \"4900\"\n".into()
    });
    let message = setup
        .workbench
        .import_files(&dir, AT)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("plans.toml: line 3, column 9: invalid type"),
        "{message}"
    );
}

#[test]
fn duplicate_plans_misplaced_screenshots_and_stray_files_are_refused() {
    refused(
        EDITABLE,
        |dir| {
            edit_file(dir, format::PLANS, |t| {
                t.replace("\"Business\"", "\"Trial\"")
            })
        },
        ErrorCode::InvalidInput,
        "plans.toml",
        "two plans are named `Trial`",
    );
    refused(
        EDITABLE,
        |dir| {
            edit_file(dir, format::LISTING, |t| {
                format!(
                    "{t}\n[[marketplace.assets]]\ntype = \"screenshot\"\nurl = \"https://x.example/a.png\"\n"
                )
            })
        },
        ErrorCode::InvalidInput,
        "listing.toml",
        "screenshots belong in screenshots/screenshots.toml",
    );
    refused(
        EDITABLE,
        |dir| std::fs::write(dir.join("notes.txt"), "hello").unwrap(),
        ErrorCode::InvalidInput,
        "notes.txt",
        "move this file out",
    );
    refused(
        DRAFT,
        |dir| std::fs::write(dir.join("icon.png"), icon_fixture("valid.png")).unwrap(),
        ErrorCode::InvalidInput,
        "icon",
        "2 icon files",
    );
    refused(
        EDITABLE,
        |dir| std::fs::remove_file(dir.join(format::PLANS)).unwrap(),
        ErrorCode::InvalidInput,
        "plans.toml",
        "no such file",
    );
    refused(
        DRAFT,
        |dir| std::fs::remove_file(dir.join("icon.bin")).unwrap(),
        ErrorCode::InvalidInput,
        "icon.png",
        "cannot remove an icon",
    );
}

#[cfg(unix)]
#[test]
fn links_out_of_the_folder_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("listing.toml");
    std::fs::write(&secret, "[general]\n").unwrap();
    refused(
        EDITABLE,
        |dir| {
            std::fs::remove_file(dir.join(format::LISTING)).unwrap();
            std::os::unix::fs::symlink(&secret, dir.join(format::LISTING)).unwrap();
        },
        ErrorCode::InvalidInput,
        "listing.toml",
        "outside the folder",
    );
    let elsewhere = outside.path().to_owned();
    refused(
        EDITABLE,
        move |dir| {
            std::fs::create_dir(elsewhere.join("shots")).unwrap();
            std::fs::rename(
                dir.join("screenshots/screenshots.toml"),
                elsewhere.join("shots/screenshots.toml"),
            )
            .unwrap();
            std::fs::remove_dir(dir.join("screenshots")).unwrap();
            std::os::unix::fs::symlink(elsewhere.join("shots"), dir.join("screenshots")).unwrap();
        },
        ErrorCode::InvalidInput,
        "screenshots",
        "outside the folder",
    );
}

#[test]
fn a_header_naming_another_version_or_app_is_refused() {
    refused(
        EDITABLE,
        |dir| {
            edit_file(dir, format::HEADER, |t| {
                t.replace("app_id = \"app-00000\"", "app_id = \"app-00001\"")
            })
        },
        ErrorCode::InvalidInput,
        "pwb.toml",
        "belongs to app app-00000",
    );
    refused(
        EDITABLE,
        |dir| {
            edit_file(dir, format::HEADER, |t| {
                t.replace(EDITABLE, "no-such-version")
            })
        },
        ErrorCode::NotFound,
        "pwb.toml",
        "not in the cache",
    );
    refused(
        EDITABLE,
        |dir| edit_file(dir, format::HEADER, |t| t.replace(EDITABLE, IN_REVIEW)),
        ErrorCode::InvalidInput,
        "pwb.toml",
        "another version",
    );
    refused(
        EDITABLE,
        |dir| {
            edit_file(dir, format::HEADER, |t| {
                t.replace("format = 2", "format = 3")
            })
        },
        ErrorCode::InvalidInput,
        "pwb.toml",
        "format 3",
    );
    // The first format recorded no fingerprints: refused, saying to export again.
    refused(
        EDITABLE,
        |dir| {
            edit_file(dir, format::HEADER, |t| {
                let head = t.split("\n[exported]").next().unwrap().to_owned();
                head.replace("format = 2", "format = 1")
            })
        },
        ErrorCode::InvalidInput,
        "pwb.toml",
        "format 1 is not one this pwb reads (it reads format 2); export again",
    );
}

#[test]
fn a_locked_part_refuses_the_whole_import() {
    // v1: technical In Review (locked), marketplace Draft. The marketplace edit is refused too.
    refused(
        IN_REVIEW,
        |dir| {
            edit_file(dir, format::LISTING, |t| {
                t.replace("scopes = [\"apps:read\"]", "scopes = [\"apps:write\"]")
                    .replace("Sync contacts both ways.", "Changed summary")
            })
        },
        ErrorCode::Locked,
        "technical section",
        "In Review",
    );
    // A published version's plans are locked; its unchanged files import as nothing.
    let setup = Setup::new();
    let (app, version) = PUBLISHED;
    let dir = setup.dir("published");
    setup
        .workbench
        .export_files(app, version, &dir, false)
        .unwrap();
    edit_file(&dir, format::PLANS, |t| {
        t.replace("price = 4900", "price = 5900")
    });
    let before = setup.state(version);
    let error = setup.workbench.import_files(&dir, AT).unwrap_err();
    assert_eq!(error.code(), ErrorCode::Locked, "{error}");
    assert!(error.to_string().contains("subscription plans"), "{error}");
    assert_eq!(setup.state(version), before);
}

#[test]
fn a_bad_icon_refuses_the_whole_import_with_the_rules_broken() {
    refused(
        EDITABLE,
        |dir| {
            edit_file(dir, format::LISTING, |t| {
                t.replace("Sync contacts both ways.", "Changed summary")
            });
            std::fs::remove_file(dir.join("icon.bin")).unwrap();
            std::fs::write(dir.join("icon.png"), icon_fixture("not-an-image.png")).unwrap();
        },
        ErrorCode::ValidationFailed,
        "icon.png",
        "icon.",
    );
    refused(
        EDITABLE,
        |dir| {
            std::fs::remove_file(dir.join("icon.bin")).unwrap();
            let huge = std::fs::File::create(dir.join("icon.png")).unwrap();
            huge.set_len(crate::MAX_ICON_FILE_BYTES + 1).unwrap();
        },
        ErrorCode::InvalidInput,
        "icon.png",
        "larger than",
    );
}

#[test]
fn export_refuses_a_folder_that_is_not_an_earlier_export_of_the_version() {
    let setup = Setup::new();
    let busy = setup.dir("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("thesis.txt"), "mine").unwrap();
    let error = setup
        .workbench
        .export_files(APP, EDITABLE, &busy, false)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidInput, "{error}");
    assert!(error.to_string().contains("thesis.txt"), "{error}");
    assert_eq!(std::fs::read_dir(&busy).unwrap().count(), 1, "untouched");

    let other = setup.export(IN_REVIEW, "other");
    let before = files_of(&other);
    let error = setup
        .workbench
        .export_files(APP, EDITABLE, &other, false)
        .unwrap_err();
    assert!(error.to_string().contains(IN_REVIEW), "{error}");
    assert_eq!(files_of(&other), before, "untouched");

    // An empty folder, and an earlier export of the same version, are written.
    let empty = setup.dir("empty");
    std::fs::create_dir(&empty).unwrap();
    assert!(
        !setup
            .workbench
            .export_files(APP, EDITABLE, &empty, false)
            .unwrap()
            .replaced
    );
    let unedited = files_of(&empty);
    assert!(
        setup
            .workbench
            .export_files(APP, EDITABLE, &empty, false)
            .unwrap()
            .replaced,
        "an export with nothing left to import is replaced"
    );
    assert_eq!(files_of(&empty), unedited);

    // An earlier export holding an edit not imported is refused, naming the field; --force
    // replaces it.
    edit_file(&empty, format::PLANS, |t| t.replace("4900", "1"));
    let edited = files_of(&empty);
    let error = setup
        .workbench
        .export_files(APP, EDITABLE, &empty, false)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidInput, "{error}");
    let message = error.to_string();
    assert!(
        message.contains("subscription_types[Business].price"),
        "{message}"
    );
    assert!(
        message.contains("pwb import") && message.contains("--force"),
        "{message}"
    );
    assert!(!message.contains("icon"), "{message}");
    assert_eq!(files_of(&empty), edited, "untouched");
    let report = setup
        .workbench
        .export_files(APP, EDITABLE, &empty, true)
        .unwrap();
    assert!(report.replaced);
    assert!(
        std::fs::read_to_string(empty.join(format::PLANS))
            .unwrap()
            .contains("price = 4900")
    );
    let leftovers: Vec<_> = std::fs::read_dir(setup.work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no staging folder is left: {leftovers:?}"
    );
}

#[test]
fn export_names_the_icon_by_its_real_format() {
    let setup = Setup::new();
    setup
        .workbench
        .set_icon(EDITABLE, icon_fixture("valid.jpg"), "valid.jpg", AT)
        .unwrap();
    let dir = setup.dir("jpeg");
    let report = setup
        .workbench
        .export_files(APP, EDITABLE, &dir, false)
        .unwrap();
    let icon = report.icon.unwrap();
    assert_eq!(
        (icon.file.as_str(), icon.format.as_str()),
        ("icon.jpg", "jpeg")
    );
    assert_eq!(
        std::fs::read(dir.join("icon.jpg")).unwrap(),
        icon_fixture("valid.jpg")
    );
    let none = setup.dir("none");
    let report = setup
        .workbench
        .export_files(APP, IN_REVIEW, &none, false)
        .unwrap();
    assert!(report.icon.is_none());
    assert!(!none.join("icon.bin").exists() && !none.join("icon.png").exists());
}

// ---------------------------------------------------------------------------------------------
// Generated versions: the files give back the content exactly, and the same bytes again.

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-zA-Z0-9 ]{1,12}",
        "\\PC{0,24}",
        any::<String>(),
        "([a-z *_#`>-]{0,10}[ ]{0,3}\n){1,5}",
    ]
}

fn asset() -> impl Strategy<Value = Asset> {
    (
        prop_oneof![
            Just(AssetType::Icon),
            Just(AssetType::Screenshot),
            Just(AssetType::Video)
        ],
        text(),
        text(),
    )
        .prop_map(|(kind, description, url)| Asset {
            kind,
            description,
            url,
        })
}

fn plan(name: String) -> impl Strategy<Value = SubscriptionPlan> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<i64>(),
        text(),
        text(),
        any::<u32>(),
        any::<u32>(),
        proptest::option::of(any::<u32>()),
    )
        .prop_map(
            move |(trial, per_seat, price, description, listing_summary, min, max, trial_days)| {
                SubscriptionPlan {
                    kind: if trial {
                        PlanType::Trial
                    } else {
                        PlanType::Paid
                    },
                    license_type: if per_seat {
                        LicenseType::Individual
                    } else {
                        LicenseType::Universal
                    },
                    name: name.clone(),
                    price,
                    currency: "USD".into(),
                    description,
                    listing_summary,
                    min_licenses: min,
                    max_licenses: max,
                    trial_days,
                }
            },
        )
}

fn urls() -> impl Strategy<Value = Vec<TypedUrl>> {
    proptest::collection::vec(
        (
            prop_oneof![Just(UrlType::RedirectUri), Just(UrlType::PrivacyPolicy)],
            text(),
        )
            .prop_map(|(kind, url)| TypedUrl { kind, url }),
        0..3,
    )
}

fn content() -> impl Strategy<Value = VersionContent> {
    let plans = proptest::collection::btree_set("\\PC{1,8}", 0..4).prop_flat_map(|names| {
        names
            .into_iter()
            .map(plan)
            .collect::<Vec<_>>()
            .prop_shuffle()
    });
    (
        (
            text(),
            text(),
            text(),
            proptest::collection::vec((text(), text()), 0..3),
        ),
        (
            proptest::collection::vec(text(), 0..3),
            text(),
            urls(),
            any::<bool>(),
        ),
        (
            text(),
            text(),
            proptest::collection::vec(text(), 0..3),
            proptest::collection::vec(asset(), 0..6),
            urls(),
            (text(), text(), text()),
        ),
        plans,
    )
        .prop_map(|(g, t, m, subscription_types)| VersionContent {
            general: General {
                display_name: g.0,
                slug: g.1,
                notes: g.2,
                emails: g
                    .3
                    .into_iter()
                    .map(|(kind, email)| NotificationEmail { kind, email })
                    .collect(),
            },
            technical: Technical {
                scopes: t.0,
                scopes_reason: t.1,
                urls: t.2,
                manually_provisioned: t.3,
            },
            marketplace: Marketplace {
                listing_summary: m.0,
                description: m.1,
                categories: m.2,
                assets: m.3,
                urls: m.4,
                support: SupportContact {
                    email: m.5.0,
                    phone: m.5.1,
                    url: m.5.2,
                },
            },
            subscription_types,
        })
}

fn version_of(content: VersionContent) -> AppVersion {
    AppVersion {
        id: "v-1".into(),
        app_id: "a-1".into(),
        version_number: "1.0.0".into(),
        status: VersionStatus {
            technical: ReviewStatus::Draft,
            marketplace: ReviewStatus::Draft,
        },
        content,
    }
}

fn text_of<'f>(files: &'f [(String, Vec<u8>)], name: &str) -> &'f str {
    let bytes = &files
        .iter()
        .find(|(path, _)| path.ends_with(name))
        .unwrap()
        .1;
    std::str::from_utf8(bytes).unwrap()
}

/// Reads rendered files back as the content they were rendered from (applied to `current`).
fn read_back(files: &[(String, Vec<u8>)], current: &VersionContent) -> VersionContent {
    format::content(
        format::parse(format::LISTING, text_of(files, format::LISTING)).unwrap(),
        format::parse(format::PLANS, text_of(files, format::PLANS)).unwrap(),
        format::parse(format::SCREENSHOTS, text_of(files, format::SCREENSHOTS)).unwrap(),
        current,
    )
    .unwrap()
}

#[test]
fn an_empty_version_round_trips_with_every_section_present() {
    let empty = VersionContent::default();
    let files = format::render(&version_of(empty.clone()), None, Default::default());
    let listing = text_of(&files, format::LISTING);
    for section in ["[general]", "[technical]", "[marketplace]"] {
        assert!(listing.contains(section), "{listing}");
    }
    assert!(text_of(&files, format::PLANS).contains("subscription_types = []"));
    assert!(!text_of(&files, format::HEADER).contains("\nserver_etag ="));
    assert_eq!(read_back(&files, &empty), empty);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn rendered_files_read_back_as_the_same_content_and_render_the_same_bytes(
        content in content()
    ) {
        let version = version_of(content.clone());
        let files = format::render(&version, Some("\"etag\""), Default::default());
        let back = read_back(&files, &content);
        prop_assert_eq!(&back, &content);
        prop_assert_eq!(format::render(&version_of(back), Some("\"etag\""), Default::default()), files);
    }
}
