//! The guide (`docs/guide.md`, linked from the guide) against `pwb` itself, so the
//! documentation cannot drift from the command line:
//!
//! - its command tables (rows whose first cell is one code span `` `pwb ...` ``) and clap's
//!   command tree, both ways: every command has a row, every row names a command that exists,
//!   every flag a row shows exists on that command, and every flag of a command is shown by one
//!   of its rows (the global `--profile`, `--server`, `--data-dir` and `--help`, `--version`
//!   apart). A command that only groups subcommands (`pwb profile`) needs no row of its own;
//! - its exit-code tables and [`crate::exit`]'s lists, code by code and word for word;
//! - its table "The window and `pwb`" and the desktop app's Tauri commands: every command the
//!   window can call (`#[tauri::command]` in `src-tauri/src/commands/`, and registered in
//!   `generate_handler!` in `src-tauri/src/lib.rs`) has a row naming its `pwb` twin, each twin a
//!   command line that exists, or saying why it is `window only:`.
//!
//! And, from the same command tree, that every command takes `--json`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use clap::CommandFactory;

use crate::Cli;

const GUIDE: &str = include_str!("../../../../docs/guide.md");
/// The desktop shell's source, relative to this crate.
const DESKTOP_SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../src");
/// Flags every command takes: not shown on each row.
const UNSHOWN: [&str; 5] = ["profile", "server", "data-dir", "help", "version"];

/// A command line a guide row shows: the command's path below `pwb` and the flags it names.
#[derive(Debug)]
struct Usage {
    path: Vec<String>,
    flags: Vec<String>,
}

/// The table rows under the heading that starts with `heading`, up to the next heading, each
/// row as its cells (`\|` inside a cell is a `|`). Tables are told apart by the rows between them.
fn tables(heading: &str) -> Vec<Vec<Vec<String>>> {
    let mut lines = GUIDE.lines().skip_while(|line| !line.starts_with(heading));
    assert!(
        lines.next().is_some(),
        "the guide has a heading {heading:?}"
    );
    let mut tables = Vec::new();
    let mut current: Vec<Vec<String>> = Vec::new();
    for line in lines.take_while(|line| !line.starts_with('#')) {
        let line = line.trim();
        if line.starts_with('|') {
            current.push(cells(line));
        } else if !current.is_empty() {
            tables.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        tables.push(current);
    }
    // Drop each table's header and its `| --- |` line.
    tables.into_iter().map(|t| t[2..].to_vec()).collect()
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cells.last_mut().expect("one cell").push('|');
                chars.next();
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().expect("one cell").push(c),
        }
    }
    cells.into_iter().map(|c| c.trim().to_owned()).collect()
}

/// Every row of every table in the guide whose first cell is a `pwb` command line.
fn command_rows() -> Vec<String> {
    GUIDE
        .lines()
        .filter(|line| line.trim_start().starts_with('|'))
        .filter_map(|line| {
            let first = cells(line).into_iter().next()?;
            let span = first.strip_prefix('`')?.strip_suffix('`')?;
            (span.starts_with("pwb ") && !span.contains('`')).then(|| span.to_owned())
        })
        .collect()
}

/// The code spans of a cell.
fn spans(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

/// Reads a command line as clap would: subcommands, then flags and their values; a word in
/// capitals (`ID`, `FILE.json`, `RULE=REASON`) is a placeholder. Errs on a word that is neither
/// a subcommand nor a flag's value, and on a flag the command does not have.
fn usage(line: &str) -> Result<Usage, String> {
    let root = Cli::command();
    let mut command = &root;
    let mut path = Vec::new();
    let mut flags = Vec::new();
    let mut takes_value = false;
    let mut words = line.split_whitespace();
    if words.next() != Some("pwb") {
        return Err(format!("{line:?} does not start with `pwb`"));
    }
    for word in words {
        let word = word
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim_end_matches("...");
        let mut value_next = false;
        for piece in word.split('|').filter(|p| !p.is_empty()) {
            if let Some(flag) = piece.strip_prefix("--") {
                let name: String = flag
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                let arg = command
                    .get_arguments()
                    .chain(root.get_arguments().filter(|a| a.is_global_set()))
                    .find(|a| a.get_long() == Some(name.as_str()));
                let Some(arg) = arg else {
                    if UNSHOWN.contains(&name.as_str()) {
                        continue;
                    }
                    return Err(format!(
                        "{line:?}: `pwb {}` has no --{name}",
                        path.join(" ")
                    ));
                };
                value_next |= arg.get_action().takes_values() && !flag.contains('=');
                flags.push(name);
            } else if piece.starts_with(|c: char| c.is_ascii_lowercase()) && !takes_value {
                let Some(sub) = command.find_subcommand(piece) else {
                    return Err(format!(
                        "{line:?}: `pwb {}` has no subcommand {piece:?}",
                        path.join(" ")
                    ));
                };
                command = sub;
                path.push(piece.to_owned());
            }
        }
        takes_value = value_next;
    }
    Ok(Usage { path, flags })
}

/// Every command of `pwb` (its path) with its flags, but those [`UNSHOWN`]; a command that only
/// groups subcommands is not listed, its subcommands are.
fn commands() -> BTreeMap<Vec<String>, BTreeSet<String>> {
    fn walk(
        command: &clap::Command,
        path: Vec<String>,
        out: &mut BTreeMap<Vec<String>, BTreeSet<String>>,
    ) {
        let flags: BTreeSet<String> = command
            .get_arguments()
            .filter(|a| !a.is_hide_set())
            .filter_map(|a| a.get_long())
            .filter(|long| !UNSHOWN.contains(long))
            .map(str::to_owned)
            .collect();
        let positionals = command.get_positionals().count();
        let groups_only = command.has_subcommands() && flags.is_empty() && positionals == 0;
        if !path.is_empty() && !groups_only {
            out.insert(path.clone(), flags);
        }
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            let mut path = path.clone();
            path.push(sub.get_name().to_owned());
            walk(sub, path, out);
        }
    }
    let mut out = BTreeMap::new();
    walk(&Cli::command(), Vec::new(), &mut out);
    out
}

#[test]
fn every_readme_command_row_names_a_command_and_flags_that_exist() {
    let rows = command_rows();
    assert!(rows.len() > 30, "the guide's command tables are found");
    let problems: Vec<String> = rows.iter().filter_map(|row| usage(row).err()).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_command_and_every_flag_of_pwb_has_a_readme_row() {
    let mut shown: BTreeMap<Vec<String>, BTreeSet<String>> = BTreeMap::new();
    for row in command_rows() {
        let Ok(usage) = usage(&row) else { continue }; // the test above reports it
        shown.entry(usage.path).or_default().extend(usage.flags);
    }
    let mut missing = Vec::new();
    for (path, flags) in commands() {
        let command = format!("pwb {}", path.join(" "));
        match shown.get(&path) {
            None => missing.push(format!("no guide row shows `{command}`")),
            Some(seen) => missing.extend(
                flags
                    .difference(seen)
                    .map(|flag| format!("no guide row of `{command}` shows --{flag}")),
            ),
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_command_takes_json() {
    let without: Vec<String> = commands()
        .into_iter()
        .filter(|(_, flags)| !flags.contains("json"))
        .map(|(path, _)| format!("pwb {}", path.join(" ")))
        .collect();
    assert!(without.is_empty(), "no --json: {without:?}");
}

#[test]
fn the_readme_exit_code_tables_are_the_ones_pwb_help_prints() {
    let tables = tables("### `pwb` exit codes");
    assert_eq!(tables.len(), 2, "the general codes, then `pwb validate`'s");
    for (table, codes) in tables
        .iter()
        .zip([crate::exit::CODES, crate::exit::VALIDATE_CODES])
    {
        let readme: Vec<&str> = table.iter().map(|row| row[0].as_str()).collect();
        let listed: Vec<String> = codes.iter().map(|c| c.code.to_string()).collect();
        assert_eq!(readme, listed, "the guide lists the same codes");
        for (row, code) in table.iter().zip(codes) {
            assert_eq!(
                row[1], code.meaning,
                "exit code {}: the guide says what src/exit.rs says",
                code.code
            );
        }
    }
}

/// The functions marked `#[tauri::command]` in the desktop shell's `commands/` files.
fn tauri_commands() -> BTreeSet<String> {
    let folder = Path::new(DESKTOP_SRC).join("commands");
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(&folder).expect("the desktop shell's commands folder") {
        let source = std::fs::read_to_string(entry.expect("a file").path()).expect("readable");
        let mut marked = false;
        for line in source.lines() {
            let line = line.trim();
            if line.starts_with("#[tauri::command") {
                marked = true;
            } else if marked && let Some((_, rest)) = line.split_once("fn ") {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                names.insert(name);
                marked = false;
            }
        }
    }
    names
}

/// The commands `build_app` registers with `tauri::generate_handler!`.
fn registered_commands() -> BTreeSet<String> {
    let source = std::fs::read_to_string(Path::new(DESKTOP_SRC).join("lib.rs"))
        .expect("the desktop shell's lib.rs");
    let (_, list) = source
        .split_once("generate_handler![")
        .expect("lib.rs registers its commands with generate_handler!");
    let (list, _) = list.split_once(']').expect("the list ends");
    list.split(',')
        .map(str::trim)
        .filter(|path| !path.is_empty())
        .map(|path| path.rsplit("::").next().expect("a name").to_owned())
        .collect()
}

#[test]
fn every_command_of_the_window_has_a_pwb_twin_in_the_readme() {
    let marked = tauri_commands();
    let registered = registered_commands();
    assert!(marked.len() > 30, "the desktop shell's commands are found");
    assert_eq!(marked, registered, "every #[tauri::command] is registered");

    let tables = tables("### The window and `pwb`");
    assert_eq!(
        tables.len(),
        1,
        "one table: window command, what it does, twin"
    );
    let mut problems = Vec::new();
    let mut listed = BTreeSet::new();
    for row in &tables[0] {
        let [command, _does, twin] = row.as_slice() else {
            panic!("three cells: {row:?}");
        };
        let command = command.trim_matches('`').to_owned();
        let twins: Vec<&str> = spans(twin)
            .into_iter()
            .filter(|s| s.starts_with("pwb "))
            .collect();
        if twins.is_empty() && !twin.starts_with("window only:") {
            problems.push(format!(
                "{command}: name its `pwb` twin, or say `window only:` and why"
            ));
        }
        problems.extend(twins.iter().filter_map(|line| usage(line).err()));
        if !listed.insert(command.clone()) {
            problems.push(format!("{command} has two rows"));
        }
    }
    for missing in registered.difference(&listed) {
        problems.push(format!("the window's {missing} has no row"));
    }
    for extra in listed.difference(&registered) {
        problems.push(format!("{extra} is not a command of the window"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_refuses_what_does_not_exist() {
    assert!(usage("pwb apps --offline --json").is_ok());
    assert!(usage("pwb no-such-command").is_err());
    assert!(usage("pwb apps --no-such-flag").is_err());
    assert!(usage("pwb installations approve --reason TEXT").is_err());
    let parsed = usage("pwb resolve --app ID --version ID --field F --mine|--theirs|--value JSON")
        .expect("a command line that exists");
    assert_eq!(parsed.path, ["resolve"]);
    assert_eq!(
        parsed.flags,
        ["app", "version", "field", "mine", "theirs", "value"]
    );
    let parsed = usage("pwb submit --app ID --version ID --track technical|marketplace")
        .expect("a flag's values are not subcommands");
    assert_eq!(parsed.path, ["submit"]);
}

/// The guide's rule table and the shipped rules pack: every rule has one row, with its severity
/// and where it comes from (`FAQ §N`, a page's address, `house` or `house, safety`), and every
/// row names a rule of the pack.
#[test]
fn the_readme_rule_table_shows_every_rule_with_its_severity_and_source() {
    use workbench_domain::validation::{RuleSource, RulesPack};
    let pack = RulesPack::default_pack();
    let rows: Vec<Vec<String>> = GUIDE
        .lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with("| `"))
        .map(cells)
        .filter(|row| row.len() == 3 && pack.rule(row[0].trim_matches('`')).is_some())
        .collect();
    for rule in &pack.rules {
        let row = rows
            .iter()
            .find(|row| row[0] == format!("`{}`", rule.id))
            .unwrap_or_else(|| panic!("the guide's rule table has no row for {}", rule.id));
        assert_eq!(row[1], rule.severity.as_str(), "{}", rule.id);
        let shown = match rule.source.as_ref().expect("every rule has a source") {
            RuleSource::Faq { section, .. } => format!("FAQ §{section}: "),
            RuleSource::Page { url, .. } => format!("<{url}>: "),
            RuleSource::House { safety: true, .. } => "house, safety: ".to_owned(),
            RuleSource::House { .. } => "house: ".to_owned(),
        };
        assert!(
            row[2].starts_with(&shown),
            "{}: the guide says {:?}, the pack {shown:?}",
            rule.id,
            row[2]
        );
    }
    assert_eq!(rows.len(), pack.rules.len(), "one row per rule");
}
