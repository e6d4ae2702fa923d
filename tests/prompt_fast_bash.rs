//! bash's hook remembers a state in which the stage was in force (the
//! list, the names of the variables that begin with `A`, the kept values)
//! and, while those names stay the same, compares only the kept values at
//! a prompt. Every way a variable could change behind that short way shows
//! at the next prompt: a new name, a kept value changed, a name set empty
//! (in force: empty is unset) that later gets a value, a name declared
//! without a value that later gets one, and a list that names more.

use crate::util::*;

const PLAIN: &str = "[cpco-testing] user> ";

#[test]
fn every_change_behind_the_remembered_state_shows_in_bash() {
    let (_sandbox, mut s) = stage_shell("bash", "home/.bashrc", "PS1='user> '\n");
    expect(&mut s, PLAIN);

    let steps: [(&str, &str); 10] = [
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
