//! The two tests acct writes for a zsh stage shell, in front of its
//! startup files (which zsh loads compiled, so they cost nothing to parse):
//! the guard's one test (`guard::signature` against `__ACCT_GUARD_SIG`)
//! and `__acct_if_fast`, the in-force check for the stage's list
//! (`in_force::split`): each kept name (`NAME=` in the list) equals its
//! `ACCT_IN_FORCE_NAME`, every other name is empty, for the list
//! acct entered with (`__acct_if_list`, set once, while the environment is
//! acct's). The hook writes the same text again after a change.
//! Both run under `emulate -L zsh`: no `nounset` from the user's options,
//! and a parameter on the right of `==` is text, not a pattern. Names are
//! written into the code only when they are identifiers; values never.

use std::ffi::OsStr;

use crate::config::env_names::{IN_FORCE, IN_FORCE_VALUE};
use crate::config::process_env::Environment;
use crate::shell::guard;
use crate::shell::in_force::{self, Checks};

pub fn for_stage(guard: &[(&str, Option<&OsStr>)], entered: &Environment) -> Checks {
    // In quotes: a word that begins with `=` is a command's path to zsh.
    let (guard_check, guard_sig) = guard::one_test(
        guard,
        |word| {
            format!(
                "__acct_guard_check() {{\n    \\builtin emulate -L zsh\n    [[ \"{word}\" == \"$__ACCT_GUARD_SIG\" ]]\n}}\n"
            )
        },
        never("__acct_guard_check"),
    );
    Checks {
        code: format!("{guard_check}{}", in_force_check(entered)),
        guard_sig,
        after_startup: String::new(),
    }
}

fn never(function: &str) -> String {
    format!("{function}() {{ \\builtin return 1 }}\n")
}

fn in_force_check(entered: &Environment) -> String {
    let Some(split) = in_force::split(entered) else {
        return never("__acct_if_fast");
    };
    let kept = split.kept_compares(|name| format!(" && ${name} == ${IN_FORCE_VALUE}{name}"));
    let unkept = split.unkept_or_empty();
    format!(
        "(( ${{+__acct_if_list}} )) || typeset -g __acct_if_list=${IN_FORCE}\n__acct_if_fast() {{\n    \\builtin emulate -L zsh\n    [[ ${IN_FORCE} == $__acct_if_list{kept} && -z {unkept} ]]\n}}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::in_force::environment;

    #[test]
    fn zsh_gets_both_tests_names_only() {
        let guard = [
            ("AWS_ACCESS_KEY_ID", None),
            ("STAGE", Some(OsStr::new("prod"))),
        ];
        let entered = environment(&[
            ("ACCT_IN_FORCE", "AWS_PROFILE= AWS_VAULT"),
            ("ACCT_IN_FORCE_AWS_PROFILE", "p"),
        ]);
        let checks = for_stage(&guard, &entered);
        assert_eq!(
            checks.code,
            "__acct_guard_check() {\n    \\builtin emulate -L zsh\n    [[ \"$AWS_ACCESS_KEY_ID\u{1f}=$STAGE\u{1f}\" == \"$__ACCT_GUARD_SIG\" ]]\n}\n\
             (( ${+__acct_if_list} )) || typeset -g __acct_if_list=$ACCT_IN_FORCE\n\
             __acct_if_fast() {\n    \\builtin emulate -L zsh\n    [[ $ACCT_IN_FORCE == $__acct_if_list && $AWS_PROFILE == $ACCT_IN_FORCE_AWS_PROFILE && -z $AWS_VAULT ]]\n}\n"
        );
        assert_eq!(checks.guard_sig, "\u{1f}=prod\u{1f}");
        assert!(!checks.code.contains("prod"), "no value in the code");
        let all_kept = environment(&[
            ("ACCT_IN_FORCE", "AWS_PROFILE="),
            ("ACCT_IN_FORCE_AWS_PROFILE", "p"),
        ]);
        assert!(for_stage(&guard, &all_kept).code.contains(" && -z '' ]]"));
        let odd = environment(&[("ACCT_IN_FORCE", "A[1]")]);
        assert!(
            for_stage(&[("A-B", None)], &odd)
                .code
                .contains("__acct_if_fast() { \\builtin return 1 }")
        );
    }
}
