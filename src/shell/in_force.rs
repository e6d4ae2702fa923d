//! What the three hooks' short in-force check (`__acct_if_fast`) is written
//! for: the stage's `ACCT_IN_FORCE` split as the shells split it (on
//! spaces, none empty), each name kept (`NAME=` in the list: the name must
//! equal `ACCT_IN_FORCE_NAME`) or not (the name must be empty). Each shell
//! writes the test in its own words (`bash_checks`, `fish_checks`,
//! `zsh_checks`), beside the guard's one test (`guard::signature`):
//! `Checks`.

use std::ffi::OsString;

use crate::config::env_names::IN_FORCE;
use crate::config::process_env::{Environment, value_in};
use crate::shell::guard::is_identifier;

/// What each shell's `for_stage` gives: `code` (names only) defines the
/// guard's one test and `__acct_if_fast` (fish's also runs the guard's),
/// and `guard_sig` is what the guard's word must be (`__ACCT_GUARD_SIG`).
pub struct Checks {
    pub code: String,
    pub guard_sig: OsString,
    /// bash only: what its rc file runs in place of the script's
    /// `bash_checks::INIT_LINE` (the user's `~/.bashrc` and the guard's
    /// test); empty for zsh and fish.
    pub after_startup: String,
}

/// The stage's list as each shell's test needs it: the names it keeps
/// (`NAME=`), in order, and the word of every other name (`$A$B...`, which
/// must be empty; `None` when all are kept). `None` without a list, or
/// when a name is not an identifier (names are written into code): then
/// no short check is written.
pub struct Split<'a> {
    pub kept: Vec<&'a str>,
    pub unkept: Option<String>,
}

impl Split<'_> {
    /// Each kept name's comparison, in the shell's words, one after another.
    pub fn kept_compares(&self, compare: impl Fn(&str) -> String) -> String {
        self.kept.iter().map(|name| compare(name)).collect()
    }

    /// The other names' word for bash's and zsh's `-z`, which still needs
    /// a word (an empty one) when every name is kept.
    pub fn unkept_or_empty(&self) -> &str {
        self.unkept.as_deref().unwrap_or("''")
    }
}

pub fn split(entered: &Environment) -> Option<Split<'_>> {
    let list = value_in(entered, IN_FORCE)?.to_str()?;
    let mut kept = Vec::new();
    let mut unkept = String::new();
    for word in list.split(' ').filter(|word| !word.is_empty()) {
        let (name, keeps) = word.strip_suffix('=').map_or((word, false), |n| (n, true));
        if !is_identifier(name) {
            return None;
        }
        if keeps {
            kept.push(name);
        } else {
            unkept.push('$');
            unkept.push_str(name);
        }
    }
    Some(Split {
        kept,
        unkept: (!unkept.is_empty()).then_some(unkept),
    })
}

/// An environment of `pairs`, for the checks' tests.
#[cfg(test)]
pub fn environment(pairs: &[(&str, &str)]) -> Environment {
    pairs.iter().map(|(n, v)| (n.into(), v.into())).collect()
}
