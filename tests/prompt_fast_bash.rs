//! bash's hook remembers a state in which the stage was in force (the
//! list, the names of the variables that begin with `A`, the kept values)
//! and, while those names stay the same, compares only the kept values at
//! a prompt. Every way a variable could change behind that short way shows
//! at the next prompt: a new name, a kept value changed, a name set empty
//! (in force: empty is unset) that later gets a value, a name declared
//! without a value that later gets one, a name the list comes to keep
//! (`NAME=`), and a list that names more.

use crate::util::*;

const PLAIN: &str = "[cpco-testing] user> ";

#[test]
fn every_change_behind_the_remembered_state_shows_in_bash() {
    let (_sandbox, mut s) = stage_shell("bash", "home/.bashrc", "PS1='user> '\n");
    expect(&mut s, PLAIN);

    let steps: [(&str, &str); 13] = [
        // A name that was not set: the names differ.
        (
            "export AWS_ACCESS_KEY_ID=AKIAOTHER",
            "[cpco-testing ≠ AWS_ACCESS_KEY_ID]",
        ),
        ("unset AWS_ACCESS_KEY_ID", PLAIN),
        // A kept value: the same names, another value.
        (
            "export AWS_PROFILE=personal",
            "[cpco-testing ≠ AWS_PROFILE=personal]",
        ),
        ("export AWS_PROFILE=cpco-testing-admin", PLAIN),
        // Set but empty is in force, and must not hide a later value.
        ("export AWS_SESSION_TOKEN=", PLAIN),
        (
            "AWS_SESSION_TOKEN=token",
            "[cpco-testing ≠ AWS_SESSION_TOKEN]",
        ),
        ("unset AWS_SESSION_TOKEN", PLAIN),
        // Declared without a value is not set; a value later is seen.
        (
            "declare AWS_SECURITY_TOKEN; AWS_SECURITY_TOKEN=token",
            "[cpco-testing ≠ AWS_SECURITY_TOKEN]",
        ),
        ("unset AWS_SECURITY_TOKEN", PLAIN),
        // A value variable alone counts for nothing: the list says which
        // names are kept (`NAME=`); kept, the unset name shows, and its
        // value brings the plain segment back (the test written again).
        ("export ACCT_IN_FORCE_AWS_VAULT=vault", PLAIN),
        (
            "ACCT_IN_FORCE=${ACCT_IN_FORCE/AWS_VAULT/AWS_VAULT=}",
            "[cpco-testing ≠ AWS_VAULT unset]",
        ),
        ("export AWS_VAULT=vault", PLAIN),
        // A list that names a variable beyond the remembered names.
        (
            "export ACCT_IN_FORCE=\"$ACCT_IN_FORCE STAGE\"",
            "[cpco-testing ≠ STAGE]",
        ),
    ];
    for (line, prompt) in steps {
        send_and_expect(&mut s, line, prompt);
    }
    send_and_expect(&mut s, "exit 0", "status=0");
}

/// A stage shell whose startup files change nothing starts and draws its
/// prompts without a rare function: acct's two checks for the stage pass
/// (the rare functions' text is still unread), and the in-force check the
/// hook writes again after a change is the very text acct wrote.
#[test]
fn a_plain_stage_shell_takes_the_short_checks_and_the_hook_writes_the_same_one() {
    let (_sandbox, mut s) =
        stage_shell("bash", "home/.bashrc", "PS1='user> '\nexport AWS_PAGER=\n");
    expect(&mut s, PLAIN);
    send_and_expect(&mut s, "", PLAIN);
    send_and_expect(
        &mut s,
        "[[ -n $__ACCT_BASH_LAZY && $__acct_if_made == 1 ]] && __acct_if_fast && echo short-$((1 + 1))",
        "short-2",
    );
    expect(&mut s, PLAIN);
    send_and_expect(
        &mut s,
        "declare -f __acct_if_fast >~/acct.txt; __acct_lazy __acct_in_force_holds; declare -f __acct_if_fast >~/hook.txt",
        PLAIN,
    );
    send_and_expect(
        &mut s,
        "cmp ~/acct.txt ~/hook.txt && echo same-$((1 + 1))",
        "same-2",
    );
    expect(&mut s, PLAIN);
    send_and_expect(&mut s, "exit 0", "status=0");
}
