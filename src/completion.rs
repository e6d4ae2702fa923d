//! Shell completion: clap_complete's dynamic engine, so stage names come from
//! the config acct would use at the moment of the TAB (the same discovery as
//! every command), and a stage added to the config completes without
//! regenerating anything.
//!
//! The registration scripts (`acct completions SHELL`) call
//! `ACCT_COMPLETE=SHELL acct -- WORDS...` at completion time; `answer` handles
//! that call before the normal command line is parsed. Completing never
//! prints an error: anything that goes wrong completes nothing.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};

use crate::cli::Cli;
use crate::config::discover::Search;
use crate::shells::Shell;

/// The variable that turns a run of acct into a completion request. Not the
/// library's default `COMPLETE`: a user's own `COMPLETE` must not hijack acct.
pub const VAR: &str = "ACCT_COMPLETE";

/// Answer a completion request, if this run is one.
pub fn answer() -> Option<ExitCode> {
    // Every start passes here: a plain run costs one variable lookup.
    std::env::var_os(VAR)?;
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

/// The value completer of every stage argument (`exec`, `env`, `shell`).
pub fn stage_names() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let explicit = config_option(std::env::args_os().collect());
        stage_candidates(explicit).unwrap_or_default()
    })
}

fn stage_candidates(explicit: Option<PathBuf>) -> Option<Vec<CompletionCandidate>> {
    let config = Search::from_process(explicit).ok()?.load().ok()?;
    let candidates = config
        .stages
        .iter()
        .map(|stage| {
            let mut help = config.profile_name(&stage.name);
            if stage.protected {
                help.push_str(" (protected)");
            }
            CompletionCandidate::new(&stage.name).help(Some(help.into()))
        })
        .collect();
    Some(candidates)
}

/// The `-c/--config` written earlier on the line being completed, so that
/// `acct -c other.toml exec <TAB>` offers the stages of `other.toml`.
/// `argv` is `acct -- acct WORDS...` during a completion request.
fn config_option(argv: Vec<OsString>) -> Option<PathBuf> {
    let separator = argv.iter().position(|a| a == "--")?;
    let mut words = argv[separator + 1..].iter().skip(1);
    let mut found = None;
    while let Some(word) = words.next() {
        let Some(text) = word.to_str() else { continue };
        if text == "--" {
            break;
        }
        if text == "-c" || text == "--config" {
            found = words.next().map(PathBuf::from);
        } else if let Some(path) = text.strip_prefix("--config=") {
            found = Some(PathBuf::from(path));
        } else if let Some(path) = text.strip_prefix("-c").filter(|p| !p.is_empty()) {
            found = Some(PathBuf::from(path));
        }
    }
    found.filter(|p| !p.as_os_str().is_empty())
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
    let mut script = Vec::new();
    completer.write_registration(VAR, "acct", "acct", &program.to_string_lossy(), &mut script)?;
    if shell == Shell::Zsh {
        script = zsh_autoload(script);
    }
    Ok(script)
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

    fn argv(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    #[test]
    fn config_option_is_read_from_the_line_being_completed() {
        let cases: [(&[&str], Option<&str>); 6] = [
            (
                &["acct", "--", "acct", "-c", "a.toml", "exec", "te"],
                Some("a.toml"),
            ),
            (
                &["acct", "--", "acct", "--config=b.toml", "env", ""],
                Some("b.toml"),
            ),
            (
                &["acct", "--", "acct", "exec", "--config", "c.toml", "p"],
                Some("c.toml"),
            ),
            (
                &["acct", "--", "acct", "-cd.toml", "exec", ""],
                Some("d.toml"),
            ),
            (&["acct", "--", "acct", "exec", "te"], None),
            // After the command's own `--`, `-c` belongs to the command.
            (
                &["acct", "--", "acct", "exec", "x", "--", "sh", "-c", "e"],
                None,
            ),
        ];
        for (words, expected) in cases {
            assert_eq!(
                config_option(argv(words)),
                expected.map(PathBuf::from),
                "{words:?}"
            );
        }
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
