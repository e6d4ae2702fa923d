//! What the three hooks' short in-force check (`__acct_if_fast`) is written
//! for: the stage's `ACCT_IN_FORCE` split as the shells split it (on
//! spaces, none empty), each name kept (`NAME=` in the list: the name must
//! equal `ACCT_IN_FORCE_NAME`) or not (the name must be empty). Each shell
//! writes the test in its own words (`bash_checks`, `fish_checks`,
//! `zsh_checks`), beside the guard's one test (`guard::signature`):
//! `Checks`.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use crate::config::env_names::IN_FORCE;
use crate::config::process_env::Environment;
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

/// The list's names in order, each with whether the stage keeps a value
/// for it (`NAME=`); `None` without a list, or when a name is not an
/// identifier (names are written into code): then no short check is
/// written.
pub fn names(entered: &Environment) -> Option<Vec<(&str, bool)>> {
    let list = entered
        .iter()
        .find(|(name, _)| name.as_bytes() == IN_FORCE.as_bytes())?;
    list.1
        .to_str()?
        .split(' ')
        .filter(|word| !word.is_empty())
        .map(|word| {
            let (name, kept) = word.strip_suffix('=').map_or((word, false), |n| (n, true));
            is_identifier(name).then_some((name, kept))
        })
        .collect()
}

/// An environment of `pairs`, for the checks' tests.
#[cfg(test)]
pub fn environment(pairs: &[(&str, &str)]) -> Environment {
    pairs.iter().map(|(n, v)| (n.into(), v.into())).collect()
}
