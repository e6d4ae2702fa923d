//! `acct init bash|zsh|fish`: the prompt hook for the user's own rc file, in
//! two stages like starship's: the rc line runs `acct init SHELL`, which
//! prints one line that loads the full script from this same binary, so the
//! rc line never changes across upgrades. Nothing runs per prompt.

use std::process::ExitCode;

use crate::cli::{HookShell, InitArgs};
use crate::error::{Failure, Result};
use crate::quote;
use crate::shells::Shell;

pub fn run(args: &InitArgs) -> Result<ExitCode> {
    let Some(shell) = args.shell else {
        return Err(Failure::usage(
            "name the shell to print the prompt hook for\n  \
             fix: eval \"$(acct init bash)\" in ~/.bashrc, eval \"$(acct init zsh)\" in ~/.zshrc, \
             or acct init fish | source in config.fish",
        ));
    };
    let shell = match shell {
        HookShell::Bash => Shell::Bash,
        HookShell::Zsh => Shell::Zsh,
        HookShell::Fish => Shell::Fish,
    };
    if args.print_full_init {
        return super::print(shell.script());
    }
    let exe = std::env::current_exe()
        .map_err(|e| Failure::other(format!("cannot find acct's own path: {e}")))?;
    super::print(&loader(shell, &exe.to_string_lossy()))
}

/// The one line that loads the full script.
fn loader(shell: Shell, exe: &str) -> String {
    let name = shell.name();
    match shell {
        Shell::Bash | Shell::Zsh => format!(
            "eval -- \"$({} init {name} --print-full-init)\"\n",
            quote::posix(exe)
        ),
        Shell::Fish => format!(
            "{} init fish --print-full-init | source\n",
            quote::fish(exe)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_binary_path_is_quoted_for_each_shell() {
        assert_eq!(
            loader(Shell::Bash, "/opt/my tools/acct"),
            "eval -- \"$('/opt/my tools/acct' init bash --print-full-init)\"\n"
        );
        assert_eq!(
            loader(Shell::Fish, "/opt/it's/acct"),
            "'/opt/it\\'s/acct' init fish --print-full-init | source\n"
        );
    }
}
