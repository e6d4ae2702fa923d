//! The two tests acct writes for a fish stage shell, after shells/acct.fish
//! in its `--init-command`. fish pays thousands of instructions for each
//! command, and each name it lists or looks up: the guard's 46 names cost
//! it 2.6M at every start, and the in-force check of the 31 names of
//! `ACCT_IN_FORCE` 2.2M at the first prompt. Each test here is one `builtin
//! test` over all of them, written for this stage; the hook goes name by
//! name only when it fails. As bash's (`bash_checks`), in fish's words.
//!
//! - The guard's, after the user's config.fish and conf.d: every guarded
//!   variable still has acct's value (a removed one is empty, as for the
//!   SDKs): the guard's one word (`guard::signature`) against acct's
//!   (`__ACCT_GUARD_SIG`: values travel in the environment, the code holds
//!   names only); without a word, no test: the guard always looks at each
//!   name. Then the guard's variables are erased, so that no child sees
//!   them.
//! - `__acct_if_fast`: the stage is in force, as the hook's
//!   `__acct_in_force_holds` writes it again after a change (the same
//!   text): `ACCT_IN_FORCE` is the list it was made for, each kept `NAME`
//!   (`NAME=` in the list) equals `ACCT_IN_FORCE_NAME`, and every other
//!   `NAME` is empty.
//!
//! Every word of a test starts with `x`, so that no value reads as an
//! operator of `test` (`!`, `-z`, `(`). Names are written into the code
//! only when they are plain identifiers; values never.

use std::ffi::{OsStr, OsString};

use crate::config::env_names::{IN_FORCE, IN_FORCE_VALUE};
use crate::config::process_env::Environment;
use crate::shell::guard;
use crate::shell::in_force::{self, Checks};

/// The checks for `guard` (as `StageEnv::guard` gives it) and `entered`,
/// the stage's whole environment (its `ACCT_IN_FORCE`).
pub fn for_stage(guard: &[(&str, Option<&OsStr>)], entered: &Environment) -> Checks {
    let (guard_check, guard_sig) = guard_check(guard);
    Checks {
        code: format!(
            "{}{guard_check}builtin set --erase __ACCT_GUARD __ACCT_GUARD_SIG\n",
            in_force_check(entered)
        ),
        guard_sig,
        after_startup: String::new(),
    }
}

/// The guard's test, then `__acct_guard` when it fails (always, when none
/// can be written).
fn guard_check(guard: &[(&str, Option<&OsStr>)]) -> (String, OsString) {
    guard::one_test(
        guard,
        |word| format!("builtin test \"x{word}\" = \"x$__ACCT_GUARD_SIG\"\nor __acct_guard\n"),
        "__acct_guard\n".to_string(),
    )
}

/// `__acct_if_fast` for the stage's list, or nothing (the script's, which
/// fails) when its names are not all plain.
fn in_force_check(entered: &Environment) -> String {
    let Some(split) = in_force::split(entered) else {
        return String::new();
    };
    let mut test = format!("builtin test \"x${IN_FORCE}\" = \"x$__acct_if_list\"");
    test.push_str(
        &split.kept_compares(|name| format!(" -a \"x${name}\" = \"x${IN_FORCE_VALUE}{name}\"")),
    );
    if let Some(unkept) = &split.unkept {
        test.push_str(&format!(" -a \"x{unkept}\" = x"));
    }
    // The list it is for, in a variable: fish expands a quoted literal
    // again at every call, a byte at a time.
    format!(
        "builtin set --global __acct_if_list $ACCT_IN_FORCE\nfunction __acct_if_fast\n    {test}\nend\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_check_joins_every_value_and_marks_the_kept_ones() {
        let guard = [
            ("AWS_ACCESS_KEY_ID", None),
            ("AWS_PROFILE", Some(OsStr::new("it's"))),
        ];
        let (code, sig) = guard_check(&guard);
        assert_eq!(
            code,
            "builtin test \"x$AWS_ACCESS_KEY_ID\u{1f}=$AWS_PROFILE\u{1f}\" = \"x$__ACCT_GUARD_SIG\"\nor __acct_guard\n"
        );
        assert_eq!(sig, "\u{1f}=it's\u{1f}");
    }

    #[test]
    fn no_guard_check_when_a_value_holds_the_separator_or_a_name_is_not_plain() {
        let held = [("STAGE", Some(OsStr::new("a\u{1f}b")))];
        assert_eq!(guard_check(&held).0, "__acct_guard\n");
        let odd = [("A-B", None)];
        assert_eq!(guard_check(&odd).0, "__acct_guard\n");
    }

    use crate::shell::in_force::environment as env;

    #[test]
    fn the_in_force_check_holds_the_list_compares_kept_names_and_finds_the_others_empty() {
        let entered = env(&[
            ("ACCT_IN_FORCE", "AWS_PROFILE= AWS_ACCESS_KEY_ID AWS_VAULT"),
            ("ACCT_IN_FORCE_AWS_PROFILE", "cpco-testing-admin"),
        ]);
        assert_eq!(
            in_force_check(&entered),
            "builtin set --global __acct_if_list $ACCT_IN_FORCE\nfunction __acct_if_fast\n    builtin test \"x$ACCT_IN_FORCE\" = \"x$__acct_if_list\" -a \"x$AWS_PROFILE\" = \"x$ACCT_IN_FORCE_AWS_PROFILE\" -a \"x$AWS_ACCESS_KEY_ID$AWS_VAULT\" = x\nend\n"
        );
    }

    #[test]
    fn no_in_force_check_without_a_list_of_plain_names() {
        assert_eq!(in_force_check(&env(&[])), "");
        let odd = env(&[("ACCT_IN_FORCE", "AWS_PROFILE 1X")]);
        assert_eq!(in_force_check(&odd), "");
        let quote = env(&[("ACCT_IN_FORCE", "A' B")]);
        assert_eq!(in_force_check(&quote), "");
    }
}
