//! What the three hooks' short in-force check (`__acct_if_fast`) is written
//! for: the stage's `ACCT_IN_FORCE` split as the shells split it (on
//! spaces, none empty), each name kept (`ACCT_IN_FORCE_NAME` is in the
//! stage's environment: the name must equal it) or not (the name and its
//! `ACCT_IN_FORCE_NAME` must be empty). Each shell writes the test in its
//! own words (`bash_checks`, `fish_checks`, `zsh_checks`), beside the
//! guard's one test (`guard::signature`): `Checks`.

use std::collections::HashSet;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use crate::config::env_names::{IN_FORCE, IN_FORCE_VALUE};
use crate::config::process_env::Environment;
use crate::shell::guard::is_identifier;

/// What each shell's `for_stage` gives: `code` (names only) defines the
/// guard's one test and `__acct_if_fast` (fish's also runs the guard's),
/// and `guard_sig` is what the guard's word must be (`__ACCT_GUARD_SIG`).
pub struct Checks {
    pub code: String,
    pub guard_sig: OsString,
}

/// The list's names in order, each with whether the stage keeps a value
/// for it; `None` without a list, or when a name is not an identifier
/// (names are written into code): then no short check is written.
pub fn names(entered: &Environment) -> Option<Vec<(&str, bool)>> {
    // The names with a value kept, in one pass over the environment.
    let mut list = None;
    let mut kept: HashSet<&[u8]> = HashSet::new();
    for (name, value) in entered {
        let name = name.as_bytes();
        if name == IN_FORCE.as_bytes() {
            list = Some(value);
        } else if let Some(rest) = name.strip_prefix(IN_FORCE_VALUE.as_bytes()) {
            kept.insert(rest);
        }
    }
    list?
        .to_str()?
        .split(' ')
        .filter(|n| !n.is_empty())
        .map(|name| is_identifier(name).then(|| (name, kept.contains(name.as_bytes()))))
        .collect()
}

/// An environment of `pairs`, for the checks' tests.
#[cfg(test)]
pub fn environment(pairs: &[(&str, &str)]) -> Environment {
    pairs.iter().map(|(n, v)| (n.into(), v.into())).collect()
}
