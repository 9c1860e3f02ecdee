//! Guards (DESIGN-GUIDE habit 8): rules of the layout that no compiler checks, checked on the
//! repository's files inside `cargo test`. Each guard first proves its detector sees a real
//! case, so a guard cannot pass by looking at nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use toml::{Table, Value};

/// The workspace root: the folder above this crate's.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace root")
        .to_owned()
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn manifest(dir: &Path) -> Table {
    let path = dir.join("Cargo.toml");
    read(&path)
        .parse()
        .unwrap_or_else(|e| panic!("{} is not valid TOML: {e}", path.display()))
}

/// The workspace members, as written in the root manifest.
fn members() -> Vec<String> {
    let root = manifest(&root());
    root["workspace"]["members"]
        .as_array()
        .expect("the root manifest lists its members")
        .iter()
        .map(|m| m.as_str().expect("a member is a path").to_owned())
        .collect()
}

/// The folders of `src-tauri/crates/` that hold a crate.
fn crates() -> Vec<PathBuf> {
    let dir = root().join("src-tauri/crates");
    let mut crates: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.join("Cargo.toml").is_file())
        .collect();
    crates.sort();
    crates
}

/// Every dependency of a manifest by its real package name (seeing through `package = ...`
/// renames, also those made in the workspace's table), with the table it is in. Normal, dev and
/// build dependencies, also per target.
fn dependencies(manifest: &Table) -> Vec<(String, String)> {
    let workspace = manifest_workspace_dependencies();
    let kinds = [
        "dependencies",
        "dev-dependencies",
        "dev_dependencies",
        "build-dependencies",
        "build_dependencies",
    ];
    let mut tables: Vec<(String, &Table)> = kinds
        .iter()
        .filter_map(|kind| Some((kind.to_string(), manifest.get(*kind)?.as_table()?)))
        .collect();
    if let Some(targets) = manifest.get("target").and_then(Value::as_table) {
        for (cfg, target) in targets {
            for kind in kinds {
                if let Some(table) = target.get(kind).and_then(Value::as_table) {
                    tables.push((format!("target.{cfg}.{kind}"), table));
                }
            }
        }
    }
    let mut found = Vec::new();
    for (table_name, table) in tables {
        for (name, spec) in table {
            let package = |spec: &Value| {
                spec.get("package")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            let inherited = spec.get("workspace").and_then(Value::as_bool) == Some(true);
            let real = package(spec)
                .or_else(|| {
                    inherited
                        .then(|| workspace.get(name).and_then(package))
                        .flatten()
                })
                .unwrap_or_else(|| name.clone());
            found.push((table_name.clone(), real));
        }
    }
    found
}

fn manifest_workspace_dependencies() -> Table {
    manifest(&root())["workspace"]
        .get("dependencies")
        .and_then(Value::as_table)
        .cloned()
        .unwrap_or_default()
}

fn is_tauri(package: &str) -> bool {
    package == "tauri" || package.starts_with("tauri-")
}

#[test]
fn no_crate_under_src_tauri_crates_depends_on_tauri() {
    let shell = dependencies(&manifest(&root().join("src-tauri")));
    assert!(
        shell.iter().any(|(_, package)| is_tauri(package)),
        "the desktop shell depends on tauri, so the detector must see it there"
    );
    let crates = crates();
    assert!(
        crates.len() >= 7,
        "the guard must see the seven crates of src-tauri/crates, saw {crates:?}"
    );
    let mut offenders = Vec::new();
    for dir in &crates {
        for (table, package) in dependencies(&manifest(dir)) {
            if is_tauri(&package) {
                offenders.push(format!("{} [{table}] {package}", dir.display()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "only src-tauri may depend on tauri, so the core builds, tests and ships as the CLI \
         without a webview; found: {offenders:#?}"
    );
}

/// The binaries a crate builds: its `[[bin]]` targets and those cargo finds by itself
/// (`src/main.rs`, `src/bin/*.rs`, `src/bin/*/main.rs`).
fn binaries(dir: &Path) -> BTreeSet<String> {
    let manifest = manifest(dir);
    let package = manifest["package"]["name"]
        .as_str()
        .expect("a package name")
        .to_owned();
    let mut names = BTreeSet::new();
    let mut declared_paths = BTreeSet::new();
    for bin in manifest
        .get("bin")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = bin["name"]
            .as_str()
            .expect("a [[bin]] has a name")
            .to_owned();
        let path = bin
            .get("path")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("src/bin/{name}.rs"));
        names.insert(name);
        declared_paths.insert(path);
    }
    let autobins = manifest["package"].get("autobins").and_then(Value::as_bool) != Some(false);
    if !autobins {
        return names;
    }
    let mut found = Vec::new();
    if dir.join("src/main.rs").is_file() {
        found.push(("src/main.rs".to_owned(), package));
    }
    if let Ok(entries) = fs::read_dir(dir.join("src/bin")) {
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            if path.extension().is_some_and(|e| e == "rs") {
                found.push((format!("src/bin/{stem}.rs"), stem));
            } else if path.join("main.rs").is_file() {
                found.push((format!("src/bin/{stem}/main.rs"), stem));
            }
        }
    }
    for (path, name) in found {
        if !declared_paths.contains(&path) {
            names.insert(name);
        }
    }
    names
}

#[test]
fn every_binary_has_its_product_name() {
    let expected: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("src-tauri", &["partner-workbench"][..]),
        ("src-tauri/crates/workbench-cli", &["pwb"][..]),
        ("src-tauri/crates/partner-sandbox", &["partner-sandbox"][..]),
        // The start-up and memory benchmarks' baseline window: built, never shipped.
        ("tests/minimal-window", &["minimal-window"][..]),
        // The `pwb apps --offline --json` benchmark's baseline: built, never shipped.
        ("tests/minimal-list", &["minimal-list"][..]),
    ]);
    let members = members();
    for member in expected.keys() {
        assert!(
            members.iter().any(|m| m == member),
            "{member} must be a workspace member"
        );
    }
    for member in &members {
        let found = binaries(&root().join(member));
        let wanted: BTreeSet<String> = expected
            .get(member.as_str())
            .map(|names| names.iter().map(|n| n.to_string()).collect())
            .unwrap_or_default();
        assert_eq!(
            found, wanted,
            "{member} must build exactly these binaries: SPEC §2 names the programs, and \
             scripts, packaging and docs call them by name"
        );
    }
}

#[test]
fn every_workspace_member_has_a_comment_above_it_in_the_root_manifest() {
    let text = read(&root().join("Cargo.toml"));
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let start = lines
        .iter()
        .position(|line| line.starts_with("members") && line.contains('['))
        .expect("the root manifest has `members = [`");
    let end = start
        + lines[start..]
            .iter()
            .position(|line| line.starts_with(']') || line.ends_with(']'))
            .expect("the members list ends");
    let members = members();
    assert!(
        members.len() >= 9,
        "the guard must see every member, saw {members:?}"
    );
    for member in &members {
        let quoted = format!("\"{member}\"");
        let at = (start..=end)
            .find(|&i| lines[i].starts_with(&quoted))
            .unwrap_or_else(|| panic!("{member} must be on its own line in `members`"));
        let above = lines[at - 1];
        let comment = above.strip_prefix('#').map(str::trim).unwrap_or("");
        assert!(
            !comment.is_empty(),
            "{member} needs a comment line above it saying what it is (habit: the workspace \
             manifest comments each member), found {above:?}"
        );
        assert!(
            root().join(member).join("Cargo.toml").is_file(),
            "member {member} has a Cargo.toml"
        );
    }
    for dir in crates() {
        let member = dir
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        assert!(
            members.contains(&member),
            "{member} is a crate under src-tauri/crates, so it must be a commented member"
        );
    }
}

/// Every file under `dir` whose extension is one of `extensions`, skipping build output,
/// dependencies and hidden folders.
fn source_files(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries =
            fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries {
            let entry = entry.expect("a directory entry");
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let file_type = entry.file_type().expect("a file type");
            if file_type.is_dir() {
                if !(name == "target" || name == "node_modules" || name.starts_with('.')) {
                    pending.push(path);
                }
            } else if file_type.is_file()
                && path
                    .extension()
                    .is_some_and(|e| extensions.iter().any(|x| e == *x))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Whether `text` imports the Tauri JavaScript packages in any form: `from '…'`, `import("…")`,
/// `` import(`…`) ``, `require('…')`. Spelled in pieces so this file does not name them itself.
fn imports_tauri(text: &str) -> bool {
    let package = ["@tauri", "apps"].join("-");
    ['\'', '"', '`']
        .iter()
        .any(|quote| text.contains(&format!("{quote}{package}")))
}

#[test]
fn tauri_is_imported_only_inside_ui_src_ipc() {
    let package = ["@tauri", "apps"].join("-");
    for line in [
        format!("import {{ invoke }} from '{package}/api/core';"),
        format!("export * from \"{package}/api\";"),
        format!("const m = await import(`{package}/api/event`);"),
    ] {
        assert!(imports_tauri(&line), "the detector must see {line}");
    }
    assert!(!imports_tauri("import { mount } from 'svelte';"));
    let src = root().join("ui/src");
    let ipc = src.join("ipc");
    let files = source_files(
        &src,
        &[
            "ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts", "svelte",
        ],
    );
    assert!(
        files
            .iter()
            .any(|f| f.starts_with(&ipc) && imports_tauri(&read(f))),
        "ui/src/ipc holds the real Tauri backend, so the detector must see an import there"
    );
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| !f.starts_with(&ipc) && imports_tauri(&read(f)))
        .map(|f| f.strip_prefix(root()).unwrap().display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "components reach Tauri only through the Backend interface in ui/src/ipc, so they run \
         in tests and the browser demo without it; imports found in: {offenders:#?}"
    );
}

/// Whether a line of Rust ignores a test: the attribute alone, with a reason, or inside a
/// `cfg_attr`. The pattern is built from pieces so this file does not match itself.
fn ignores_a_test(line: &str) -> bool {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let word = ["ig", "nore"].concat();
    compact.contains(&format!("#[{word}"))
        || (compact.contains("cfg_attr(")
            && (compact.contains(&format!(",{word})")) || compact.contains(&format!(",{word}="))))
}

#[test]
fn no_test_in_the_repository_is_ignored() {
    let word = ["ig", "nore"].concat();
    for line in [
        format!("#[{word}]"),
        format!("    # [ {word} = \"slow\" ]"),
        format!("#[cfg_attr(windows, {word})]"),
    ] {
        assert!(ignores_a_test(&line), "the detector must see {line}");
    }
    assert!(!ignores_a_test("#[test]"));
    let files = source_files(&root(), &["rs"]);
    assert!(
        files.len() >= 30 && files.iter().any(|f| f.ends_with("tests/guards.rs")),
        "the guard must see the repository's Rust files, saw {}",
        files.len()
    );
    let mut offenders = Vec::new();
    for file in &files {
        for (number, line) in read(file).lines().enumerate() {
            if ignores_a_test(line) {
                offenders.push(format!(
                    "{}:{}",
                    file.strip_prefix(root()).unwrap().display(),
                    number + 1
                ));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "an ignored test is a check that silently stopped running: fix it or delete it; found \
         at {offenders:#?}"
    );
}

/// The domain's enums that cross a boundary (the wire, the IPC bindings, `pwb`'s arguments) are
/// declared once, in `workbench-domain`, each boundary's derive behind a feature; a copy with its
/// mapping function is how a variant gets forgotten on one side.
#[test]
fn each_domain_enum_that_crosses_a_boundary_is_declared_once() {
    let root = root();
    let mut rust = source_files(&root.join("src-tauri"), &["rs"]);
    rust.extend(source_files(&root.join("tests"), &["rs"]));
    for name in [
        "Track",
        "ReviewStatus",
        "AppType",
        "Render",
        "InstallationState",
        "UpdateState",
        "Waiting",
        "Badge",
    ] {
        let declaration = format!("enum {name} {{");
        let found: Vec<String> = rust
            .iter()
            .filter(|path| read(path).contains(&declaration))
            .map(|path| {
                path.strip_prefix(&root)
                    .unwrap_or(path)
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(found.len(), 1, "enum {name} is declared in {found:?}");
        assert!(
            found[0].starts_with("src-tauri/crates/workbench-domain/"),
            "enum {name} belongs to the domain, not {}",
            found[0]
        );
    }
}

/// The Rust version that `./dev` insists on, that the README asks for, and that Cargo.toml
/// declares (`rust-version`, which cargo checks) are one version.
#[test]
fn the_rust_version_is_the_same_in_cargo_toml_the_readme_and_dev() {
    let root_manifest = manifest(&root());
    let declared = root_manifest["workspace"]["package"]["rust-version"]
        .as_str()
        .expect("the workspace declares a rust-version")
        .to_owned();
    let dev = read(&root().join("dev"));
    let required = dev
        .lines()
        .find_map(|line| line.strip_prefix("MIN_RUST="))
        .expect("./dev names MIN_RUST")
        .trim()
        .to_owned();
    let readme = read(&root().join("README.md"));
    let asked = readme
        .split("(Rust ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the README says which Rust it needs, as \"(Rust X.Y or newer)\"")
        .to_owned();
    assert_eq!(
        (declared.as_str(), required.as_str()),
        (asked.as_str(), asked.as_str()),
        "Cargo.toml's rust-version, ./dev's MIN_RUST and the README's Rust must agree"
    );
    // Every member inherits it rather than declaring its own.
    for member in members() {
        let package = &manifest(&root().join(&member))["package"];
        assert_eq!(
            package.get("rust-version").and_then(|v| v.get("workspace")),
            Some(&Value::Boolean(true)),
            "{member} takes rust-version from the workspace"
        );
    }
}
