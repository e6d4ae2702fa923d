//! What the three hooks' short in-force check (`__acct_if_fast`) is written
//! for: the stage's `ACCT_IN_FORCE` split as the shells split it (on
//! spaces, none empty), each name kept (`ACCT_IN_FORCE_NAME` is in the
//! stage's environment: the name must equal it) or not (the name and its
//! `ACCT_IN_FORCE_NAME` must be empty). Each shell writes the test in its
//! own words (`bash_checks`, `fish_checks`, `zsh_checks`).

use std::os::unix::ffi::OsStrExt;

use crate::config::env_names::{IN_FORCE, IN_FORCE_VALUE};
use crate::config::process_env::Environment;
use crate::shell::guard::is_identifier;

/// The list's names in order, each with whether the stage keeps a value
/// for it; `None` without a list, or when a name is not an identifier
/// (names are written into code): then no short check is written.
pub fn names(entered: &Environment) -> Option<Vec<(&str, bool)>> {
    let get = |name: &str| {
        entered
            .iter()
            .find(|(n, _)| n.as_bytes() == name.as_bytes())
            .map(|(_, v)| v)
    };
    let list = get(IN_FORCE)?.to_str()?;
    list.split(' ')
        .filter(|n| !n.is_empty())
        .map(|name| {
            is_identifier(name).then(|| (name, get(&format!("{IN_FORCE_VALUE}{name}")).is_some()))
        })
        .collect()
}
