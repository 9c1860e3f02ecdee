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
mod tests {
    use clap::CommandFactory;

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
