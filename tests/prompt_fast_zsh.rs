//! zsh's in-force check runs, at most prompts, one test written for the
//! list (shells/acct.zsh, `__acct_in_force`, and src/shell/zsh_checks.rs),
//! and name by name only when that fails. Every way
//! a name can change between two prompts still shows in the segment: a name
//! that was unset getting a value, one declared without a value and then
//! assigned, one set empty at the start and assigned later, a value that
//! changes, a name the list comes to keep, and a name outside the scanned
//! prefix added to ACCT_IN_FORCE.

use crate::util::*;

/// A prompt of the stage shell after `line`, which must say `segment`.
fn prompt_after(s: &mut expectrl::session::OsSession, line: &str, segment: &str) {
    let seen = send_and_expect(s, line, segment);
    if !segment.contains('≠') {
        assert!(!seen.contains('≠'), "after {line:?}: {seen:?}");
    }
}

#[test]
fn zsh_shows_every_change_of_an_in_force_name_between_prompts() {
    // Set empty (as good as unset) before the first prompt: in force.
    let (_sandbox, mut s) = stage_shell("zsh", "home/.zshrc", "export AWS_ENDPOINT_URL_STS=\n");
    let plain = "[cpco-testing] ";
    let start = expect(&mut s, plain);
    assert!(!start.contains('≠'), "{start}");

    // Declared without a value: still unset as far as the SDKs go.
    prompt_after(&mut s, "typeset AWS_SESSION_TOKEN", plain);
    prompt_after(
        &mut s,
        "AWS_SESSION_TOKEN=token",
        "[cpco-testing ≠ AWS_SESSION_TOKEN]",
    );
    prompt_after(&mut s, "unset AWS_SESSION_TOKEN", plain);

    // A name that was not set at all.
    prompt_after(
        &mut s,
        "export AWS_ACCESS_KEY_ID=AKIAOTHER",
        "[cpco-testing ≠ AWS_ACCESS_KEY_ID]",
    );
    prompt_after(&mut s, "unset AWS_ACCESS_KEY_ID", plain);

    // Set empty at the start, a value later.
    prompt_after(
        &mut s,
        "AWS_ENDPOINT_URL_STS=http://localhost:1",
        "[cpco-testing ≠ AWS_ENDPOINT_URL_STS]",
    );
    prompt_after(&mut s, "AWS_ENDPOINT_URL_STS=", plain);

    // A name the stage sets, another value.
    prompt_after(
        &mut s,
        "AWS_PROFILE=personal",
        "[cpco-testing ≠ AWS_PROFILE=personal]",
    );
    prompt_after(&mut s, "AWS_PROFILE=cpco-testing-admin", plain);

    // An expected value alone counts for nothing: the list says which
    // names are kept (`NAME=`). Kept, the unset name shows.
    prompt_after(&mut s, "ACCT_IN_FORCE_AWS_VAULT=vault", plain);
    prompt_after(
        &mut s,
        "ACCT_IN_FORCE=${ACCT_IN_FORCE/AWS_VAULT/AWS_VAULT=}",
        "[cpco-testing ≠ AWS_VAULT unset]",
    );
    prompt_after(
        &mut s,
        "ACCT_IN_FORCE=${ACCT_IN_FORCE/AWS_VAULT=/AWS_VAULT}; unset ACCT_IN_FORCE_AWS_VAULT",
        plain,
    );

    // A name that does not begin with AWS: the full check.
    prompt_after(
        &mut s,
        "OTHER_NAME=1; ACCT_IN_FORCE=\"$ACCT_IN_FORCE OTHER_NAME\"",
        "[cpco-testing ≠ OTHER_NAME]",
    );
    prompt_after(&mut s, "unset OTHER_NAME", plain);

    send_and_expect(&mut s, "exit 0", "status=0");
}

/// In a stage shell whose startup files change nothing, acct's one test
/// for the list (`__acct_if_fast`, in front of the startup files) holds,
/// the hook writes the same text, and a name added to the list still
/// shows (the test no longer holds for it).
#[test]
fn zsh_takes_acct_s_short_check_and_the_long_way_after_the_list_changes() {
    let (_sandbox, mut s) = stage_shell("zsh", "home/.zshrc", "export AWS_PAGER=\n");
    let plain = "[cpco-testing] ";
    expect(&mut s, plain);
    send_and_expect(&mut s, "__acct_if_fast && echo short-$((1 + 1))", "short-2");
    expect(&mut s, plain);
    // The hook writes the very test acct wrote.
    prompt_after(
        &mut s,
        "functions __acct_if_fast >~/acct.txt; __acct_in_force_holds; functions __acct_if_fast >~/hook.txt",
        plain,
    );
    send_and_expect(
        &mut s,
        "cmp ~/acct.txt ~/hook.txt && echo same-$((1 + 1))",
        "same-2",
    );
    expect(&mut s, plain);
    prompt_after(&mut s, "export STAGE=other", plain);
    prompt_after(
        &mut s,
        "export ACCT_IN_FORCE=\"$ACCT_IN_FORCE STAGE\"",
        "[cpco-testing ≠ STAGE]",
    );
    send_and_expect(&mut s, "__acct_if_fast || echo long-$((1 + 1))", "long-2");
    send_and_expect(&mut s, "exit 0", "status=0");
}
