//! `acct init bash|zsh|fish`: the prompt hook for the user's own rc file, in
//! two stages like starship's: the rc line runs `acct init SHELL`, which
//! prints one line that loads the full script from this same binary, so the
//! rc line never changes across upgrades. Nothing runs per prompt.

use std::process::ExitCode;

use crate::error::{Failure, Result};
use crate::shell::scripts::Shell;
use crate::text::quote;

/// Called when `acct init` names a shell (without one it writes a config).
pub fn run(shell: Shell, print_full_init: bool) -> Result<ExitCode> {
    if print_full_init {
        return super::print(&shell.script());
    }
    let exe = std::env::current_exe().map_err(|e| {
        Failure::other(
            format!("cannot find acct's own path: {e}"),
            "run acct by its full path, e.g. ~/.local/bin/acct init bash",
        )
    })?;
    super::print(&loader(shell, exe.as_os_str()))
}

/// The one line that loads the full script.
fn loader(shell: Shell, exe: &std::ffi::OsStr) -> String {
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
            loader(Shell::Bash, "/opt/my tools/acct".as_ref()),
            "eval -- \"$('/opt/my tools/acct' init bash --print-full-init)\"\n"
        );
        assert_eq!(
            loader(Shell::Fish, "/opt/it's/acct".as_ref()),
            "'/opt/it\\'s/acct' init fish --print-full-init | source\n"
        );
    }
}
