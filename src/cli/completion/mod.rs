//! Shell completion: clap_complete's dynamic engine, so stage names come from
//! the config acct would use at the moment of the TAB (the same discovery as
//! every command), and a stage added to the config completes without
//! regenerating anything.
//!
//! The registration scripts (`acct completions SHELL`) call
//! `ACCT_COMPLETE=SHELL acct -- WORDS...` at completion time; `answer` handles
//! that call before the normal command line is parsed. Completing never
//! prints an error: anything that goes wrong completes nothing.

pub mod stage_names;

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::config::process_env;
use crate::shell::scripts::Shell;
use crate::text::quote;

/// The variable that turns a run of acct into a completion request. Not the
/// library's default `COMPLETE`: a user's own `COMPLETE` must not hijack acct.
pub const VAR: &str = "ACCT_COMPLETE";

/// Answer a completion request, if this run is one.
pub fn answer() -> Option<ExitCode> {
    // Every start passes here: a plain run costs one variable lookup.
    process_env::get(VAR)?;
    let cwd = std::env::current_dir().ok();
    let request = clap_complete::CompleteEnv::with_factory(Cli::command).var(VAR);
    match request.try_complete(std::env::args_os(), cwd.as_deref()) {
        Ok(false) => None,
        Ok(true) => Some(ExitCode::SUCCESS),
        // Quiet on purpose: an error would land in the middle of the user's
        // command line. Exit 1 makes the scripts offer nothing.
        Err(_) => Some(ExitCode::FAILURE),
    }
}

/// The script that registers acct's completion in `shell`. `argv0` is how
/// acct was called; the script calls acct back the same way (made absolute
/// when it is a relative path, so it works from any directory).
pub fn registration(shell: Shell, argv0: &OsStr) -> std::io::Result<Vec<u8>> {
    let shells = clap_complete::env::Shells::builtins();
    let completer = shells
        .completer(shell.name())
        .ok_or_else(|| std::io::Error::other(format!("no completion for {}", shell.name())))?;
    let mut program = PathBuf::from(argv0);
    if program.components().count() > 1 {
        program = std::path::absolute(&program)?;
    }
    // fish's script quotes the path for its two rounds of parsing itself;
    // bash's and zsh's get a placeholder that `with_program` replaces.
    let named = match shell {
        Shell::Fish => program.to_string_lossy().into_owned(),
        Shell::Bash | Shell::Zsh => PROGRAM.to_string(),
    };
    let mut script = Vec::new();
    completer.write_registration(VAR, "acct", "acct", &named, &mut script)?;
    Ok(match shell {
        Shell::Bash => with_program(&script, &format!("\"{PROGRAM}\""), &program),
        Shell::Zsh => zsh_autoload(with_program(&script, PROGRAM, &program)),
        Shell::Fish => script,
    })
}

/// Where clap's bash and zsh scripts name the program, until `with_program`
/// writes it there.
const PROGRAM: &str = "__acct_program__";

/// clap's bash script puts the program's shell-quoted path inside double
/// quotes (`"'/opt/$(x)/acct'"`), where bash still runs a `$(...)` or a
/// backquote in it at every TAB, and the quotes become part of the name;
/// both scripts write a path that is not UTF-8 as another one. Our quoting
/// stands alone: the path's own bytes in single quotes, or in `$'...'` with
/// escapes, so it is only ever one word, run as it is.
fn with_program(script: &[u8], placeholder: &str, program: &std::path::Path) -> Vec<u8> {
    let text = String::from_utf8_lossy(script);
    let quoted = quote::posix(program.as_os_str());
    text.replacen(placeholder, &quoted, 1).into_bytes()
}

/// clap's zsh script only registers itself with `compdef`, which is right
/// when it is sourced but offers nothing on the first TAB when compinit
/// autoloads it from `fpath` as `_acct` (how install.sh installs it). Called
/// as `_acct`, it completes at once.
fn zsh_autoload(script: Vec<u8>) -> Vec<u8> {
    const REGISTER: &str = "compdef _clap_dynamic_completer_acct acct";
    let text = String::from_utf8_lossy(&script);
    let both = "if [[ \"${funcstack[1]-}\" == _acct ]]; then\n    \
                _clap_dynamic_completer_acct \"$@\"\nelse\n    \
                compdef _clap_dynamic_completer_acct acct\nfi";
    text.replacen(REGISTER, both, 1).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bash_script_names_the_program_as_one_quoted_word() {
        let path = "/opt/$(touch pwned)/`id`/acct";
        let script = registration(Shell::Bash, OsStr::new(path)).unwrap();
        let script = String::from_utf8(script).unwrap();
        assert!(
            script.contains("'/opt/$(touch pwned)/`id`/acct' -- \"${words[@]}\""),
            "{script}"
        );
        assert!(!script.contains(PROGRAM), "{script}");
    }

    #[test]
    fn zsh_script_completes_when_autoloaded_and_registers_when_sourced() {
        let script = registration(Shell::Zsh, OsStr::new("acct")).unwrap();
        let script = String::from_utf8(script).unwrap();
        assert!(script.starts_with("#compdef acct"), "{script}");
        assert!(
            script.contains("_clap_dynamic_completer_acct \"$@\""),
            "{script}"
        );
    }
}
