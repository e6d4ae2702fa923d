//! What acct writes for a bash stage shell into its rc file, around
//! shells/acct.bash (names only, so every stage of the same layout shares
//! the file). bash spends 5,000 to 60,000 instructions on each command or
//! expansion, so looking at each of the guard's 46 names one by one cost it
//! 2.6M at every start, and the 31 names of `ACCT_IN_FORCE` 1.2M at every
//! prompt. Each test here is one `[[ ]]` over all of them, written for
//! this stage; the hook loops by name only when it fails.
//!
//! - `__acct_if_fast` (`Checks::code`, in front of the script, so that the
//!   user's aliases cannot reach it): the stage is in force, as the hook's
//!   `__acct_in_force_holds` writes it again after a change (the same
//!   text): for the list it was made for (`__acct_if_list`, handed over
//!   with it in the environment), each kept
//!   `NAME` (`NAME=` in the list) equals `ACCT_IN_FORCE_NAME`, and every
//!   other `NAME` is empty.
//! - `after_startup`, in place of the script's `INIT_LINE`: the user's
//!   `~/.bashrc`, then the guard's one test, every guarded variable still
//!   with acct's value (a removed one empty, as for the SDKs): the guard's
//!   one word (`guard::signature`) against acct's, which travels in
//!   `__ACCT_GUARD_SIG` (the code holds names only). Without a word, no
//!   test: the guard always looks at each name.
//!
//! Both expand `$NAME` rather than `${NAME-}` (half the cost), so they do
//! not run under `set -u`, and outside quotes (a third less: `[[ ]]`
//! neither splits nor globs, and an empty word is still there). Names are
//! written into the code only when they are plain identifiers; values
//! never.

use std::ffi::{OsStr, OsString};

use crate::config::env_names::{IN_FORCE, IN_FORCE_VALUE};
use crate::config::process_env::Environment;
use crate::shell::guard;
use crate::shell::in_force::{self, Checks};

/// The line of shells/acct.bash that `acct init bash` runs where the rc
/// file runs `after_startup`.
pub const INIT_LINE: &str =
    "\\builtin unset -v __ACCT_BASH_LAZY __acct_left_for __acct_left_until __acct_time\n";

/// The checks for `guard` (as `StageEnv::guard` gives it) and `entered`,
/// the stage's whole environment (its `ACCT_IN_FORCE`).
pub fn for_stage(guard: &[(&str, Option<&OsStr>)], entered: &Environment) -> Checks {
    let (after_startup, guard_sig) = after_startup(guard);
    Checks {
        code: format!("{}\n", in_force_check(entered)),
        guard_sig,
        after_startup,
    }
}

fn never(function: &str) -> String {
    format!("{function}() {{ \\builtin return 1; }}")
}

/// What acct hands the rc file in its environment (`scripts::launch`),
/// all kept from children by one `export -n` (bash pays for each variable
/// it takes in and removes; an assignment of the list would cost it four
/// times as much): the rare functions' text, the guard's words and
/// signature, the list the in-force test was made for (`__acct_if_list`),
/// and the first `{left}` (`__acct_left_for`, `__acct_left_until`,
/// `__acct_time`). The guard's stay as the shell's own variables.
pub const HANDED: &str = "__ACCT_BASH_LAZY __ACCT_GUARD __ACCT_GUARD_SIG __acct_if_list __acct_left_for __acct_left_until __acct_time";

/// The rc file's own part: what acct handed over kept from children, the
/// in-force test marked as made, the user's `~/.bashrc` (without one
/// nothing ran: nothing to check), and the guard's one test after it, by
/// name when it fails or cannot run (`set -u`). Inline, not a function:
/// it runs once.
fn after_startup(guard: &[(&str, Option<&OsStr>)]) -> (String, OsString) {
    let part = |check: &str| {
        format!(
            "\\builtin export -n {HANDED}\n\
             __acct_if_made=1\n\
             if [[ -f ~/.bashrc ]]; then\n\
             \\builtin source ~/.bashrc\n\
             {check}__acct_lazy __acct_guard '~/.bashrc'\n\
             fi\n"
        )
    };
    guard::one_test(
        guard,
        |word| {
            part(&format!(
                "[[ $- != *u* && {word} == \"$__ACCT_GUARD_SIG\" ]] || "
            ))
        },
        part(""),
    )
}

fn in_force_check(entered: &Environment) -> String {
    let Some(split) = in_force::split(entered) else {
        return never("__acct_if_fast");
    };
    let kept = split.kept_compares(|name| format!(" && ${name} == \"${IN_FORCE_VALUE}{name}\""));
    let unkept = split.unkept_or_empty();
    format!("__acct_if_fast() {{ [[ ${IN_FORCE} == $__acct_if_list{kept} && -z {unkept} ]]; }}")
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
        let (code, sig) = after_startup(&guard);
        assert!(
            code.contains(
                "\n\\builtin source ~/.bashrc\n[[ $- != *u* && $AWS_ACCESS_KEY_ID\u{1f}=$AWS_PROFILE\u{1f} == \"$__ACCT_GUARD_SIG\" ]] || __acct_lazy __acct_guard '~/.bashrc'\nfi\n"
            ),
            "{code}"
        );
        assert!(code.starts_with(&format!("\\builtin export -n {HANDED}\n__acct_if_made=1\n")));
        assert_eq!(sig, "\u{1f}=it's\u{1f}");
    }

    #[test]
    fn no_guard_check_when_a_value_holds_the_separator_or_a_name_is_not_plain() {
        let plain = "\\builtin source ~/.bashrc\n__acct_lazy __acct_guard '~/.bashrc'\nfi\n";
        let held = [("STAGE", Some(OsStr::new("a\u{1f}b")))];
        assert!(after_startup(&held).0.contains(plain));
        let odd = [("A-B", None)];
        assert!(after_startup(&odd).0.contains(plain));
    }

    #[test]
    fn the_script_has_the_line_the_rc_file_replaces_once() {
        let script = crate::shell::scripts::Shell::Bash.startup_script();
        assert_eq!(script.matches(INIT_LINE).count(), 1);
        assert!(script.starts_with(INIT_LINE) || script.contains(&format!("\n{INIT_LINE}")));
    }

    use crate::shell::in_force::environment as env;

    #[test]
    fn the_in_force_check_compares_kept_names_and_finds_the_others_empty() {
        let entered = env(&[
            ("ACCT_IN_FORCE", "AWS_PROFILE= AWS_ACCESS_KEY_ID AWS_VAULT"),
            ("ACCT_IN_FORCE_AWS_PROFILE", "cpco-testing-admin"),
        ]);
        assert_eq!(
            in_force_check(&entered),
            "__acct_if_fast() { [[ $ACCT_IN_FORCE == $__acct_if_list && $AWS_PROFILE == \"$ACCT_IN_FORCE_AWS_PROFILE\" && -z $AWS_ACCESS_KEY_ID$AWS_VAULT ]]; }"
        );
    }

    #[test]
    fn a_list_whose_names_are_all_kept_still_gives_a_test() {
        let entered = env(&[
            ("ACCT_IN_FORCE", "AWS_PROFILE="),
            ("ACCT_IN_FORCE_AWS_PROFILE", "p"),
        ]);
        assert!(in_force_check(&entered).ends_with(" && -z '' ]]; }"));
    }

    #[test]
    fn no_in_force_check_without_a_list_of_plain_names() {
        assert_eq!(in_force_check(&env(&[])), never("__acct_if_fast"));
        let odd = env(&[("ACCT_IN_FORCE", "AWS_PROFILE 1X")]);
        assert_eq!(in_force_check(&odd), never("__acct_if_fast"));
        let subscript = env(&[("ACCT_IN_FORCE", "A[$(id)]")]);
        assert_eq!(in_force_check(&subscript), never("__acct_if_fast"));
    }
}
