//! fish's in-force check remembers a check that passed and, while
//! ACCT_IN_FORCE is the same, compares only what it found then: the names
//! whose variable and ACCT_IN_FORCE_ value were both missing must still have
//! no value, the others their value. Every change the whole check would see
//! must still show at the next prompt: a key exported later, an in-force
//! name or its ACCT_IN_FORCE_ value that gets one, a profile changed, a list
//! that grows; and the plain segment comes back when the change is undone.
//! A nested fish (its config loads the hook) and a nested stage shell show
//! their own segment.

use crate::util::*;

const PLAIN: &str = "[cpco-testing] user> ";

fn stage_fish(config_fish: &str) -> (Sandbox, expectrl::session::OsSession) {
    let (sandbox, mut s) = stage_shell("fish", "home/.config/fish/config.fish", config_fish);
    let start = expect(&mut s, PLAIN);
    assert!(!start.contains('≠'), "{start}");
    (sandbox, s)
}

const USER: &str = "set -g fish_greeting\nfunction fish_prompt; echo -n 'user> '; end\n";

#[test]
fn fish_shows_every_change_at_later_prompts() {
    let (_sandbox, mut s) = stage_fish(USER);
    // A few prompts, so that the check is remembered.
    send_and_expect(&mut s, "true", PLAIN);
    send_and_expect(&mut s, "true", PLAIN);
    let steps = [
        // A key of another identity, exported later.
        (
            "set -gx AWS_ACCESS_KEY_ID AKIAOTHER",
            "[cpco-testing ≠ AWS_ACCESS_KEY_ID] user> ",
        ),
        ("set -e AWS_ACCESS_KEY_ID", PLAIN),
        // An in-force name of the list's middle and end that gets a value.
        (
            "set -gx AWS_ACCOUNT_ID 210987654321",
            "[cpco-testing ≠ AWS_ACCOUNT_ID] user> ",
        ),
        ("set -e AWS_ACCOUNT_ID", PLAIN),
        // One the stage passed through from the person's environment.
        (
            "set -gx AWS_CONFIG_FILE /tmp/other",
            "[cpco-testing ≠ AWS_CONFIG_FILE] user> ",
        ),
        (
            "set -e AWS_CONFIG_FILE",
            "[cpco-testing ≠ AWS_CONFIG_FILE unset] user> ",
        ),
        (
            "set -gx AWS_CONFIG_FILE $ACCT_IN_FORCE_AWS_CONFIG_FILE",
            PLAIN,
        ),
        (
            "set -gx AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE /t",
            "[cpco-testing ≠ AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE] user> ",
        ),
        ("set -e AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", PLAIN),
        // Empty is unset; a value after it is not.
        ("set -gx AWS_VAULT ''", PLAIN),
        (
            "set -gx AWS_VAULT other",
            "[cpco-testing ≠ AWS_VAULT] user> ",
        ),
        ("set -e AWS_VAULT", PLAIN),
        // An ACCT_IN_FORCE_ value for a name that has none.
        (
            "set -gx ACCT_IN_FORCE_AWS_VAULT v",
            "[cpco-testing ≠ AWS_VAULT unset] user> ",
        ),
        ("set -e ACCT_IN_FORCE_AWS_VAULT", PLAIN),
        // The profile: changed, erased, back.
        (
            "set -gx AWS_PROFILE personal",
            "[cpco-testing ≠ AWS_PROFILE=personal] user> ",
        ),
        (
            "set -e AWS_PROFILE",
            "[cpco-testing ≠ AWS_PROFILE unset] user> ",
        ),
        ("set -gx AWS_PROFILE cpco-testing-admin", PLAIN),
        (
            "set -gx AWS_DEFAULT_PROFILE personal",
            "[cpco-testing ≠ AWS_DEFAULT_PROFILE=personal] user> ",
        ),
        ("set -gx AWS_DEFAULT_PROFILE cpco-testing-admin", PLAIN),
        // A list that grows by a name that has a value.
        ("set -gx AWS_EXTRA x", PLAIN),
        (
            "set -gx ACCT_IN_FORCE \"$ACCT_IN_FORCE AWS_EXTRA\"",
            "[cpco-testing ≠ AWS_EXTRA] user> ",
        ),
        ("set -gx ACCT_IN_FORCE_AWS_EXTRA x", PLAIN),
        ("set -gx AWS_EXTRA y", "[cpco-testing ≠ AWS_EXTRA] user> "),
        ("set -gx AWS_EXTRA x", PLAIN),
        // A stage that sets a name in the middle of the list (exported
        // keys): in force, remembered, and its change shown.
        (
            "set -gx AWS_SESSION_TOKEN t; set -gx ACCT_IN_FORCE_AWS_SESSION_TOKEN t",
            PLAIN,
        ),
        ("true", PLAIN),
        (
            "set -gx AWS_SESSION_TOKEN other",
            "[cpco-testing ≠ AWS_SESSION_TOKEN] user> ",
        ),
        ("set -gx AWS_SESSION_TOKEN t", PLAIN),
        (
            "set -e AWS_SESSION_TOKEN",
            "[cpco-testing ≠ AWS_SESSION_TOKEN unset] user> ",
        ),
        ("set -e ACCT_IN_FORCE_AWS_SESSION_TOKEN", PLAIN),
        // A list that is not plain AWS names is checked whole every time.
        ("set -gx ACCT_IN_FORCE \"OTHER_NAME $ACCT_IN_FORCE\"", PLAIN),
        ("set -gx OTHER_NAME x", "[cpco-testing ≠ OTHER_NAME] user> "),
        ("set -e OTHER_NAME", PLAIN),
        (
            "set -gx AWS_ACCESS_KEY_ID AKIAOTHER",
            "[cpco-testing ≠ AWS_ACCESS_KEY_ID] user> ",
        ),
        ("set -e AWS_ACCESS_KEY_ID", PLAIN),
    ];
    for (line, want) in steps {
        let before = send_and_expect(&mut s, line, want);
        // Nothing else on the way: no error from the hook.
        assert!(!before.contains("fish:"), "{line}: {before}");
    }
    send_and_expect(&mut s, "exit 0", "status=0");
}

#[test]
fn nested_fish_and_a_nested_stage_shell_show_their_own_segment() {
    let config = format!("{USER}\"$ACCT\" init fish | source\n");
    let (_sandbox, mut s) = stage_fish(&config);
    send_and_expect(&mut s, "true", PLAIN);
    // A nested fish reads the config again and draws the segment itself.
    send_and_expect(&mut s, "fish", PLAIN);
    send_and_expect(
        &mut s,
        "set -gx AWS_ACCESS_KEY_ID x",
        "[cpco-testing ≠ AWS_ACCESS_KEY_ID] user> ",
    );
    send_and_expect(&mut s, "exit", PLAIN);
    // A nested stage shell, and back.
    send_and_expect(
        &mut s,
        "\"$ACCT\" shell --nest --yes root",
        "[cpco-testing]>[cpco-root] user> ",
    );
    send_and_expect(
        &mut s,
        "set -gx AWS_PROFILE personal",
        "≠ AWS_PROFILE=personal] user> ",
    );
    send_and_expect(&mut s, "exit", PLAIN);
    send_and_expect(
        &mut s,
        "set -gx AWS_PROFILE personal",
        "[cpco-testing ≠ AWS_PROFILE=personal] user> ",
    );
    send_and_expect(&mut s, "exit 0", "status=0");
}
