//! `pwb generate-docs --out DIR` (hidden): the manual pages and shell completions of `pwb`,
//! generated from the clap command tree, so they cannot drift from it. `./dev` runs it to put
//! them in the package, in the folders their tools look in under `/usr/share`:
//!
//! | path under DIR | what |
//! | --- | --- |
//! | `man/man1/pwb.1`, `man/man1/pwb-apps.1`, ... | one page per command (clap_mangen) |
//! | `bash-completion/completions/pwb` | bash (clap_complete) |
//! | `zsh/vendor-completions/_pwb` | zsh |
//! | `fish/vendor_completions.d/pwb.fish` | fish |
//!
//! `markdown` renders the same tree as the command line reference in the repository,
//! `docs/cli.md`; a test writes it (`PWB_UPDATE_DOCS=1`) and keeps the committed file equal to
//! it, as the UI's bindings are kept.

use std::path::Path;

use clap_complete::Shell;

/// `command` and its subcommands without clap's `help` subcommands, which would each get a page.
fn without_help(command: clap::Command) -> clap::Command {
    command
        .disable_help_subcommand(true)
        .mut_subcommands(without_help)
}

/// Writes every manual page and completion script of `command` under `out`.
pub fn generate(command: clap::Command, out: &Path) -> std::io::Result<()> {
    let mut command = without_help(command);
    command.build();
    let man = out.join("man/man1");
    std::fs::create_dir_all(&man)?;
    clap_mangen::generate_to(command.clone(), &man)?;
    let name = command.get_name().to_owned();
    for (shell, folder) in [
        (Shell::Bash, "bash-completion/completions"),
        (Shell::Zsh, "zsh/vendor-completions"),
        (Shell::Fish, "fish/vendor_completions.d"),
    ] {
        let folder = out.join(folder);
        std::fs::create_dir_all(&folder)?;
        let written = clap_complete::generate_to(shell, &mut command, &name, &folder)?;
        // bash-completion finds a command's script by the command's own name.
        if shell == Shell::Bash {
            std::fs::rename(&written, folder.join(&name))?;
        }
    }
    Ok(())
}

#[cfg(test)]
/// How the reference is brought up to date.
const UPDATE: &str = "PWB_UPDATE_DOCS=1 cargo test -p workbench-cli --bin pwb docs";

#[cfg(test)]
/// The command line reference (`docs/cli.md`): every command that is not hidden, with its usage,
/// what it does and its arguments, from the clap tree.
pub fn markdown(command: clap::Command) -> String {
    let mut command = without_help(command);
    command.build();
    let mut out = format!(
        "<!-- Generated from the clap command tree of pwb; do not edit. To update: {UPDATE} -->\n\n\
         # The `pwb` command line reference\n\n\
         Every command, its arguments and what it does, as `pwb --help` says them. How they fit \
         together, the JSON they print and the exit codes: [the guide](guide.md).\n"
    );
    write_command(&mut out, &command, &[]);
    out
}

#[cfg(test)]
fn write_command(out: &mut String, command: &clap::Command, parents: &[&str]) {
    if command.is_hide_set() {
        return;
    }
    let mut path = parents.to_vec();
    path.push(command.get_name());
    out.push_str(&format!("\n## `{}`\n\n", path.join(" ")));
    if let Some(about) = command.get_long_about().or(command.get_about()) {
        out.push_str(&format!("{}\n\n", about.to_string().trim()));
    }
    let usage = command.clone().render_usage().to_string();
    out.push_str(&format!("```text\n{}\n```\n", usage.trim()));
    let root = parents.is_empty();
    let rows: Vec<String> = command
        .get_arguments()
        .filter(|arg| !arg.is_hide_set() && (root || !arg.is_global_set()))
        .filter(|arg| !matches!(arg.get_id().as_str(), "help" | "version"))
        .map(argument_row)
        .collect();
    if !rows.is_empty() {
        out.push_str("\n| argument | what it is |\n| --- | --- |\n");
        for row in rows {
            out.push_str(&row);
        }
    }
    for sub in command.get_subcommands() {
        write_command(out, sub, &path);
    }
}

#[cfg(test)]
/// One argument as a table row: how it is written, then its help with its default and
/// environment variable.
fn argument_row(arg: &clap::Arg) -> String {
    let names = arg
        .get_value_names()
        .map(|names| names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
        .unwrap_or_else(|| vec![arg.get_id().as_str().to_uppercase()]);
    let takes_value = arg.get_action().takes_values();
    let written = match (arg.get_long(), arg.get_short()) {
        (None, None) => format!("<{}>", names.join("> <")),
        (long, short) => {
            let flag = match (long, short) {
                (Some(long), Some(short)) => format!("-{short}, --{long}"),
                (Some(long), None) => format!("--{long}"),
                (None, Some(short)) => format!("-{short}"),
                (None, None) => unreachable!(),
            };
            if takes_value {
                format!("{flag} {}", names.join(" "))
            } else {
                flag
            }
        }
    };
    let mut what = arg
        .get_long_help()
        .or(arg.get_help())
        .map(|help| help.to_string())
        .unwrap_or_default();
    // clap drops a doc comment's last full stop; the notes below follow a whole sentence.
    if !what.is_empty() && !what.ends_with(['.', '?', '!']) {
        what.push('.');
    }
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| format!("`{}`", v.get_name()))
        .collect();
    if !values.is_empty() && takes_value {
        what.push_str(&format!(" One of: {}.", values.join(", ")));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && takes_value {
        what.push_str(&format!(" Default: `{}`.", defaults.join(" ")));
    }
    if let Some(env) = arg.get_env() {
        what.push_str(&format!(" Environment: `{}`.", env.to_string_lossy()));
    }
    let cell = |text: &str| text.trim().replace('|', "\\|").replace('\n', " ");
    format!("| `{}` | {} |\n", cell(&written), cell(&what))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_cli_reference_in_the_repository_is_the_one_the_command_tree_gives() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../docs/cli.md");
        let generated = super::markdown(crate::Cli::command());
        if std::env::var_os("PWB_UPDATE_DOCS").is_some() {
            std::fs::write(path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == generated,
            "docs/cli.md is out of date; update it with {}",
            super::UPDATE
        );
        // It is the whole tree: every command, the deepest too, and no hidden one.
        for heading in [
            "## `pwb apps create`",
            "## `pwb installations accept-update`",
            "## `pwb doctor`",
        ] {
            assert!(generated.contains(heading), "{heading}");
        }
        assert!(!generated.contains("generate-docs"));
        assert!(
            generated.contains("| `--issuer URL` |"),
            "flags with their value names"
        );
    }

    #[test]
    fn every_command_gets_a_manual_page_and_each_shell_a_script() {
        let out = tempfile::tempdir().unwrap();
        super::generate(crate::Cli::command(), out.path()).unwrap();
        let man = out.path().join("man/man1");
        let page = std::fs::read_to_string(man.join("pwb.1")).unwrap();
        assert!(page.contains(".TH pwb 1"), "{page}");
        assert!(
            page.contains("validate"),
            "the main page lists the commands"
        );
        for command in [
            "pwb-apps.1",
            "pwb-validate.1",
            "pwb-installations-accept-update.1",
        ] {
            assert!(man.join(command).is_file(), "{command}");
        }
        // A hidden command has no page, nor clap's `help` subcommands.
        assert!(!man.join("pwb-generate-docs.1").exists());
        assert!(!man.join("pwb-help.1").exists() && !man.join("pwb-apps-help.1").exists());
        let bash =
            std::fs::read_to_string(out.path().join("bash-completion/completions/pwb")).unwrap();
        assert!(
            bash.contains("complete -F") && bash.contains("installations"),
            "bash"
        );
        assert!(out.path().join("zsh/vendor-completions/_pwb").is_file());
        assert!(
            out.path()
                .join("fish/vendor_completions.d/pwb.fish")
                .is_file()
        );
    }
}
