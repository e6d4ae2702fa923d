//! The stage names that `exec`, `env` and `shell` complete: the stages of
//! the config acct would use at the moment of the TAB, found the way every
//! command finds it. `cli` attaches this to its stage arguments and
//! `completion` answers the shell; neither needs the other for it.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};

use crate::config::discover::Search;
use crate::config::process_env;
use crate::text::tilde::{self, Tilde};

/// The value completer of every stage argument (`exec`, `env`, `shell`).
pub fn stage_names() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let home = process_env::home();
        let explicit = config_option(
            std::env::args_os().collect(),
            home.as_deref().map(Path::as_os_str),
        );
        stage_candidates(explicit).unwrap_or_default()
    })
}

fn stage_candidates(explicit: Option<PathBuf>) -> Option<Vec<CompletionCandidate>> {
    let mut search = Search::from_process(explicit).ok()?;
    search.quiet = true;
    let config = search.load().ok()?;
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
/// `argv` is `acct -- acct WORDS...` during a completion request. The shell
/// hands over the words as typed: a `~` the shell would expand when the
/// line runs is expanded here (`home` is `$HOME`).
fn config_option(argv: Vec<OsString>, home: Option<&OsStr>) -> Option<PathBuf> {
    let separator = argv.iter().position(|a| a == "--")?;
    let mut words = argv[separator + 1..].iter().skip(1);
    let mut found: Option<OsString> = None;
    while let Some(word) = words.next() {
        let Some(text) = word.to_str() else { continue };
        if text == "--" {
            break;
        }
        if text == "-c" || text == "--config" {
            found = words.next().cloned();
        } else if let Some(path) = text.strip_prefix("--config=") {
            found = Some(path.into());
        } else if let Some(path) = text.strip_prefix("-c").filter(|p| !p.is_empty()) {
            found = Some(path.into());
        }
    }
    found
        .filter(|p| !p.is_empty())
        .map(|p| expand_tilde(&p, home))
}

/// `~` and `~/PATH` as the home directory, `~USER/PATH` as that user's, as
/// the shell expands them; anything else, or a user that does not exist,
/// as written.
fn expand_tilde(word: &OsStr, home: Option<&OsStr>) -> PathBuf {
    let (base, tail): (Option<PathBuf>, _) = match tilde::split(word) {
        Tilde::Absent => (None, word),
        Tilde::Home { tail } => (home.map(PathBuf::from), tail),
        Tilde::User { name, tail } => (
            name.to_str()
                .and_then(|name| nix::unistd::User::from_name(name).ok().flatten())
                .map(|user| user.dir),
            tail,
        ),
    };
    base.map_or_else(|| PathBuf::from(word), |base| tilde::join(&base, tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    #[test]
    fn config_option_is_read_from_the_line_being_completed() {
        let cases: [(&[&str], Option<&str>); 8] = [
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
            // `~` as the shell expands it when the line runs.
            (
                &["acct", "--", "acct", "-c", "~/m.toml", "exec", ""],
                Some("/home/me/m.toml"),
            ),
            (
                &["acct", "--", "acct", "-c", "a/~/m.toml", "exec", ""],
                Some("a/~/m.toml"),
            ),
        ];
        for (words, expected) in cases {
            assert_eq!(
                config_option(argv(words), Some(OsStr::new("/home/me"))),
                expected.map(PathBuf::from),
                "{words:?}"
            );
        }
    }

    #[test]
    fn tilde_alone_and_unknown_users() {
        let home = Some(OsStr::new("/home/me"));
        assert_eq!(
            expand_tilde(OsStr::new("~"), home),
            PathBuf::from("/home/me")
        );
        assert_eq!(
            expand_tilde(OsStr::new("~/"), home),
            PathBuf::from("/home/me")
        );
        assert_eq!(
            expand_tilde(OsStr::new("~no-such-user-acct/x"), home),
            PathBuf::from("~no-such-user-acct/x")
        );
        assert_eq!(expand_tilde(OsStr::new("~/x"), None), PathBuf::from("~/x"));
        let root = nix::unistd::User::from_name("root").unwrap().unwrap().dir;
        assert_eq!(
            expand_tilde(OsStr::new("~root/r.toml"), home),
            root.join("r.toml")
        );
    }
}
