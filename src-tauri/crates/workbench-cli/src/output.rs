//! How `pwb` prints: tables for people, JSON for machines.
//!
//! Everything goes through [`say!`], never `println!`: a reader that stops early (`pwb rules |
//! head`) closes the pipe, and `println!` would panic on it. Lines for stderr go through
//! [`say_err!`], never `eprintln!`.
//!
//! Both pass every line through [`clean`], so text from a server (an app's name, a reviewer's
//! feedback, a customer's name, an error message quoting the server) can never drive the
//! terminal: a control character other than newline and tab (ESC and so every escape sequence,
//! BEL, CR, the C1 controls such as CSI `\u{9b}`, DEL) is written as a visible escape,
//! `\u001b`. This is done always, not only when the output is a terminal: the output is then the
//! same in a pipe, a file or a log that is later shown in a terminal, and a test can check it.
//! `--json` is unchanged by it: serde already writes C0 controls as `\u00XX` escapes, and the
//! C1 controls and DEL it leaves raw become the very same JSON escape, so every value parses back
//! to the server's text exactly.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use workbench::{ActivePack, AppListing, LocalChanges, PackInfo, SyncPhase, SyncStatus};
use workbench_domain::validation::{Report, Severity};

/// `println!` that does not panic when stdout is gone: a closed pipe ends the output silently,
/// any other write error is said once on stderr.
macro_rules! say {
    () => {
        $crate::output::write_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::output::write_line(format_args!($($arg)*))
    };
}
pub(crate) use say;

/// `eprintln!` through [`clean`]: a note, a warning or an error on stderr, which may quote the
/// server. A failure to write stderr is ignored: there is nowhere left to say it.
macro_rules! say_err {
    ($($arg:tt)*) => {
        $crate::output::write_err_line(format_args!($($arg)*))
    };
}
pub(crate) use say_err;

/// Set once stdout has failed: later lines are dropped.
static STDOUT_GONE: AtomicBool = AtomicBool::new(false);
/// Set when that failure was not a closed pipe (a full disk, say): the command did not deliver.
static WRITE_FAILED: AtomicBool = AtomicBool::new(false);

/// `text` as a terminal may show it safely: every control character but newline and tab (the
/// C0 controls, DEL, the C1 controls) is written as a visible `\u00XX` escape (`\u001b` for ESC),
/// so no escape sequence, bell or carriage return from a server reaches the terminal. A CR right
/// before a newline is dropped (a CRLF line end is a line end). Text without controls is
/// returned as it is.
pub fn clean(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.contains(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if unsafe_char(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

pub fn write_line(text: std::fmt::Arguments<'_>) {
    if STDOUT_GONE.load(Ordering::Relaxed) {
        return;
    }
    let text = text.to_string();
    if let Err(error) = writeln!(std::io::stdout().lock(), "{}", clean(&text)) {
        STDOUT_GONE.store(true, Ordering::Relaxed);
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            WRITE_FAILED.store(true, Ordering::Relaxed);
            say_err!("error: cannot write the output: {error}");
        }
    }
}

pub fn write_err_line(text: std::fmt::Arguments<'_>) {
    let text = text.to_string();
    let _ = writeln!(std::io::stderr().lock(), "{}", clean(&text));
}

/// Whether stdout failed for another reason than a reader that stopped early.
pub fn write_failed() -> bool {
    WRITE_FAILED.load(Ordering::Relaxed)
}

/// A progress bar or spinner on stderr in `template`'s style, drawn only when `wanted` (the
/// caller's output is not `--json`) and stderr is a terminal: in a pipe, a file or CI it is
/// hidden and writes nothing.
pub fn progress(wanted: bool, template: &str) -> ProgressBar {
    let bar = if wanted && std::io::stderr().is_terminal() {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(ProgressStyle::with_template(template).expect("the template is valid"));
    bar
}

pub fn print_json(value: &Value) {
    say!(
        "{}",
        serde_json::to_string_pretty(value).expect("a JSON value always serializes")
    );
}

/// Text already formatted for a machine (XML, workflow commands), as it is; nothing when empty.
pub fn print_text(text: &str) {
    let text = text.trim_end_matches('\n');
    if !text.is_empty() {
        say!("{text}");
    }
}

/// One compact JSON line, for a reader that acts on each line as it comes.
pub fn print_json_line(value: &Value) {
    say!("{value}");
}

/// A version's local changes as the window's list marks them: outbox entries waiting to be sent,
/// of which `held` the server refused for good, and open conflicts.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct LocalCounts {
    pub unsent: usize,
    pub held: usize,
    pub conflicts: usize,
}

impl LocalCounts {
    pub fn of(changes: &LocalChanges, version_id: &str) -> LocalCounts {
        let entries = changes
            .entries
            .iter()
            .filter(|e| e.version_id == version_id);
        LocalCounts {
            unsent: entries.clone().count(),
            held: entries.filter(|e| e.held).count(),
            conflicts: changes
                .conflicts
                .iter()
                .filter(|c| c.version_id == version_id)
                .count(),
        }
    }
}

/// The cached apps with their versions, each with its `local` changes ([`LocalCounts`]), and
/// the sync status.
pub fn apps_json(apps: &[AppListing], changes: &LocalChanges, status: &SyncStatus) -> Value {
    let apps: Vec<Value> = apps
        .iter()
        .map(|listing| {
            let app = &listing.app;
            json!({
                "id": app.id,
                "not_sent": workbench::is_local(&app.id),
                "name": app.name,
                "display_name": app.display_name,
                "created_type": app.created_type,
                "app_type": app.app_type,
                "versions": listing.versions.iter().map(|v| json!({
                    "id": v.id,
                    "not_sent": workbench::is_local(&v.id),
                    "version_number": v.version_number,
                    "technical": v.status.technical,
                    "marketplace": v.status.marketplace,
                    "has_icon": v.has_icon,
                    "local": LocalCounts::of(changes, &v.id),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "sync": status_json(status), "apps": apps })
}

pub fn status_json(status: &SyncStatus) -> Value {
    serde_json::to_value(status).expect("a status always serializes")
}

pub fn print_apps_table(apps: &[AppListing]) {
    if apps.is_empty() {
        say!(
            "No apps in the cache yet. Run `pwb sync` to fetch your apps from Partner Project, \
             or `pwb apps create` to register one."
        );
        return;
    }
    let mut rows = vec![["APP", "VENDOR", "VERSION", "TECHNICAL", "MARKETPLACE"].map(String::from)];
    // Made here and not on the server yet.
    let marked = |text: &str, id: &str| {
        if workbench::is_local(id) {
            format!("{text} (not sent yet)")
        } else {
            text.to_owned()
        }
    };
    for listing in apps {
        let app = &listing.app;
        let display_name = marked(&app.display_name, &app.id);
        if listing.versions.is_empty() {
            rows.push([
                display_name.clone(),
                app.created_type.clone(),
                "-".into(),
                "-".into(),
                "-".into(),
            ]);
        }
        for (i, version) in listing.versions.iter().enumerate() {
            let (name, vendor) = if i == 0 {
                (display_name.clone(), app.created_type.clone())
            } else {
                Default::default()
            };
            rows.push([
                name,
                vendor,
                marked(&version.version_number, &version.id),
                version.status.technical.label().to_owned(),
                version.status.marketplace.label().to_owned(),
            ]);
        }
    }
    for line in aligned(&rows) {
        say!("{line}");
    }
}

/// What `pwb apps --filter TEXT --json` adds: the text, how many apps it kept, of how many.
pub fn filter_json(text: &str, matched: usize, total: usize) -> Value {
    json!({ "text": text, "matched": matched, "total": total })
}

/// The apps a filter kept (`matched`, of `total` cached), then a line with the count; only the
/// line when none matched.
pub fn print_filtered_apps(text: &str, matched: &[AppListing], total: usize) {
    let text = clean(text);
    let noun = if total == 1 { "app" } else { "apps" };
    if matched.is_empty() {
        say!("No app matches \"{text}\" (0 of {total} {noun}).");
        return;
    }
    print_apps_table(matched);
    say!("{} of {total} {noun} match \"{text}\"", matched.len());
}

/// One line on stderr saying how fresh the list is, so stdout stays a clean table.
pub fn print_status_note(status: &SyncStatus) {
    let when = status.last_synced_at.as_deref().unwrap_or("never");
    match status.phase {
        SyncPhase::Offline => say_err!(
            "offline: {}; showing the cache (last synced {when})",
            status
                .message
                .as_deref()
                .unwrap_or("the server cannot be reached")
        ),
        SyncPhase::Error => say_err!(
            "sync failed: {}; showing the cache (last synced {when})",
            status.message.as_deref().unwrap_or("unknown error")
        ),
        SyncPhase::Idle | SyncPhase::Syncing => say_err!("last synced {when}"),
    }
}

/// What `pwb validate` checked.
pub enum Target {
    Version {
        app: String,
        version: String,
    },
    Icon(PathBuf),
    /// An export folder, with the version its header names.
    Folder {
        dir: PathBuf,
        app: String,
        version: String,
    },
}

impl Target {
    fn json(&self) -> Value {
        match self {
            Target::Version { app, version } => json!({"app_id": app, "version_id": version}),
            Target::Icon(path) => json!({"icon": path.display().to_string()}),
            Target::Folder { dir, app, version } => json!({
                "folder": dir.display().to_string(),
                "app_id": app,
                "version_id": version,
            }),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Target::Version { app, version } => format!("version {version} of app {app}"),
            Target::Icon(path) => format!("icon file {}", path.display()),
            Target::Folder { dir, version, .. } => {
                format!("export folder {} (version {version})", dir.display())
            }
        }
    }
}

/// Where a diagnostic is, for a person: `listing.toml:12`, or nothing.
fn place_cell(place: Option<&crate::formats::Place>) -> Option<String> {
    let place = place?;
    let file = place.file.as_deref()?;
    Some(match place.line {
        Some(line) => format!("{file}:{line}"),
        None => file.to_owned(),
    })
}

/// The whole report, with the pack it was made with and what was checked.
pub fn report_json(
    pack: &PackInfo,
    target: &Target,
    report: &Report,
    places: &[crate::formats::Place],
) -> Value {
    let count = |severity| {
        report
            .diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let mut value = json!({
        "pack": pack,
        "target": target.json(),
        "clean": !report.has_errors(),
        "counts": {
            "error": count(Severity::Error),
            "warning": count(Severity::Warning),
            "info": count(Severity::Info),
        },
        "report": report,
    });
    if matches!(target, Target::Folder { .. }) {
        // One per diagnostic, in the report's order: the file and line it points at.
        value["locations"] = places
            .iter()
            .map(|p| json!({"file": p.file, "line": p.line}))
            .collect();
    }
    value
}

fn pack_line(pack: &PackInfo) -> String {
    format!("rules pack {} ({})", pack.version, pack.source)
}

/// The report for people: the pack on top, diagnostics grouped by severity, then what was not
/// checked, the suppressions applied and those that were not, and a one-line verdict.
pub fn print_report(
    pack: &PackInfo,
    target: &Target,
    report: &Report,
    places: &[crate::formats::Place],
) {
    say!("{}", pack_line(pack));
    say!("checked {}", target.describe());
    let mut counts = Vec::new();
    for (severity, title, one) in [
        (Severity::Error, "errors", "error"),
        (Severity::Warning, "warnings", "warning"),
        (Severity::Info, "info", "info"),
    ] {
        let rows: Vec<[String; 3]> = report
            .diagnostics
            .iter()
            .enumerate()
            .filter(|(_, d)| d.severity == severity)
            .map(|(i, d)| {
                let field = match place_cell(places.get(i)) {
                    // An icon file's place is the file checked: the field says enough.
                    Some(at) if matches!(target, Target::Folder { .. }) => {
                        format!("{at} {}", d.field)
                    }
                    _ => d.field.clone(),
                };
                [field, d.rule.clone(), d.message.clone()]
            })
            .collect();
        counts.push(format!(
            "{} {}",
            rows.len(),
            if rows.len() == 1 { one } else { title }
        ));
        if !rows.is_empty() {
            say!();
            say!("{title} ({}):", rows.len());
            print_rows(&rows);
        }
    }
    if !report.not_checked.is_empty() {
        say!();
        say!("not checked ({}):", report.not_checked.len());
        let rows: Vec<[String; 2]> = report
            .not_checked
            .iter()
            .map(|n| [n.rule.clone(), n.reason.clone()])
            .collect();
        print_rows(&rows);
    }
    if !report.suppressed.is_empty() {
        say!();
        say!("suppressed ({}):", report.suppressed.len());
        let rows: Vec<[String; 3]> = report
            .suppressed
            .iter()
            .map(|s| {
                [
                    s.field.clone(),
                    s.rule.clone(),
                    format!("reason: {}", s.reason),
                ]
            })
            .collect();
        print_rows(&rows);
    }
    if !report.not_applied.is_empty() {
        say!();
        say!("suppressions not applied ({}):", report.not_applied.len());
        let rows: Vec<[String; 3]> = report
            .not_applied
            .iter()
            .map(|r| {
                [
                    r.suppression.field.clone().unwrap_or_else(|| "*".into()),
                    r.suppression.rule.clone(),
                    r.why.clone(),
                ]
            })
            .collect();
        print_rows(&rows);
    }
    say!();
    let verdict = if report.has_errors() {
        "errors found"
    } else {
        "no errors"
    };
    say!("{verdict}: {}", counts.join(", "));
}

/// The pack in force and every rule, for machines.
pub fn rules_json(active: &ActivePack) -> Value {
    let rules: Vec<Value> = active
        .pack
        .rules
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "severity": rule.severity,
                "field": rule.field,
                "message": rule.message,
                "kind": rule.kind,
                "params": rule.params,
                "source": rule.source,
            })
        })
        .collect();
    json!({
        "pack": active.info,
        "rules": rules,
        "categories": active.pack.categories,
    })
}

/// The pack in force and a table of its rules, for people.
pub fn print_rules(active: &ActivePack) {
    say!("{}", pack_line(&active.info));
    say!();
    let mut rows = vec![["ID", "SEVERITY", "SOURCE", "FIELD", "MESSAGE"].map(String::from)];
    rows.extend(active.pack.rules.iter().map(|rule| {
        [
            rule.id.clone(),
            rule.severity.as_str().to_owned(),
            rule.source.as_ref().map_or("none", |s| s.kind()).to_owned(),
            rule.field.clone(),
            rule.message.clone(),
        ]
    }));
    for line in aligned(&rows) {
        say!("{line}");
    }
    // Why each rule: the FAQ's or Talkdesk's words, or the house reason.
    say!();
    say!("why these rules:");
    let why: Vec<[String; 2]> = active
        .pack
        .rules
        .iter()
        .map(|rule| {
            [
                rule.id.clone(),
                rule.source
                    .as_ref()
                    .map_or_else(|| "no source given".to_owned(), |s| s.summary()),
            ]
        })
        .collect();
    print_rows(&why);
}

/// Indented, aligned rows: every column but the last padded to its widest cell.
fn print_rows<const N: usize>(rows: &[[String; N]]) {
    for line in aligned(rows) {
        say!("  {line}");
    }
}

/// The cells are [`clean`]ed first, so a column is as wide as its cells are shown.
pub fn aligned<const N: usize>(rows: &[[String; N]]) -> Vec<String> {
    let rows: Vec<[Cow<'_, str>; N]> = rows
        .iter()
        .map(|row| std::array::from_fn(|i| clean(&row[i])))
        .collect();
    let mut widths = [0; N];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .zip(widths)
                .map(|(cell, w)| format!("{cell:<w$}"))
                .collect();
            cells.join("  ").trim_end().to_owned()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn clean_shows_every_control_but_newline_and_tab_as_an_escape() {
        assert_eq!(
            clean("\u{1b}[31mEVIL\u{1b}[0m\u{7}"),
            "\\u001b[31mEVIL\\u001b[0m\\u0007"
        );
        assert_eq!(
            clean("csi \u{9b}2J del \u{7f} nul \u{0}"),
            "csi \\u009b2J del \\u007f nul \\u0000"
        );
        assert_eq!(
            clean("one\r\ntwo\tthree\rover"),
            "one\ntwo\tthree\\u000dover"
        );
        assert_eq!(clean("line\r"), "line\\u000d");
    }

    #[test]
    fn clean_leaves_plain_text_alone() {
        let plain = "Acme CRM Connector — 1.2.0\nsecond line\twith a tab, «ünïcödé» 😀";
        assert!(matches!(clean(plain), std::borrow::Cow::Borrowed(_)));
        assert_eq!(clean(plain), plain);
    }

    #[test]
    fn cleaned_json_parses_to_the_same_value() {
        let value = serde_json::json!({"name": "a\u{1b}b\u{9b}c\u{7f}d\n\\u0041"});
        let text = serde_json::to_string_pretty(&value).unwrap();
        let shown = clean(&text);
        assert!(!shown.contains(|c: char| c.is_control() && c != '\n'));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&shown).unwrap(),
            value
        );
    }
}
