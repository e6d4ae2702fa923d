//! fish's in-force check runs, at most prompts, one test written for the
//! list ACCT_IN_FORCE (its kept names, `NAME=`, equal to their
//! ACCT_IN_FORCE_ values, every other name without a value). Every change
//! the whole check would see must still show at the next prompt: a key
//! exported later, an in-force name that gets a value, a name the list
//! comes to keep, a profile changed, a list that grows; and the plain
//! segment comes back when the change is undone.
//! A nested fish (its config loads the hook) and a nested stage shell show
//! their own segment.
//!
//! acct writes both fast checks for the stage (src/shell/fish_checks.rs):
//! the guard's one test lets nothing a config changed pass (a kept value
//! changed, a removed one given a value, a universal one), and the in-force
//! check the hook writes again after a change is the same text as acct's.

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
        // An ACCT_IN_FORCE_ value alone counts for nothing: the list says
        // which names are kept (`NAME=`). Kept, the name must have it.
        ("set -gx ACCT_IN_FORCE_AWS_VAULT v", PLAIN),
        (
            "set -gx ACCT_IN_FORCE (string replace AWS_VAULT AWS_VAULT= -- $ACCT_IN_FORCE)",
            "[cpco-testing ≠ AWS_VAULT unset] user> ",
        ),
        ("set -gx AWS_VAULT v", PLAIN),
        (
            "set -e AWS_VAULT ACCT_IN_FORCE_AWS_VAULT; set -gx ACCT_IN_FORCE (string replace AWS_VAULT= AWS_VAULT -- $ACCT_IN_FORCE)",
            PLAIN,
        ),
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
        (
            "set -gx ACCT_IN_FORCE_AWS_EXTRA x; set -gx ACCT_IN_FORCE \"$ACCT_IN_FORCE=\"",
            PLAIN,
        ),
        ("set -gx AWS_EXTRA y", "[cpco-testing ≠ AWS_EXTRA] user> "),
        ("set -gx AWS_EXTRA x", PLAIN),
        // A stage that sets a name in the middle of the list (exported
        // keys): in force, remembered, and its change shown.
        (
            "set -gx AWS_SESSION_TOKEN t; set -gx ACCT_IN_FORCE_AWS_SESSION_TOKEN t; set -gx ACCT_IN_FORCE (string replace AWS_SESSION_TOKEN AWS_SESSION_TOKEN= -- $ACCT_IN_FORCE)",
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

/// A config.fish that changes the stage, and the guard's message on stderr
/// before the first prompt.
fn guarded(config_fish: &str) -> (Sandbox, expectrl::session::OsSession, String) {
    let (sandbox, mut s) = stage_shell("fish", "home/.config/fish/config.fish", config_fish);
    let before = expect(&mut s, PLAIN);
    (sandbox, s, before)
}

#[test]
fn the_fish_guard_lets_no_change_past_its_one_test() {
    // Nothing changed: no message, and the guard's variables are gone.
    let (_sandbox, mut s, before) = guarded(USER);
    assert!(!before.contains("acct:"), "{before}");
    send_and_expect(
        &mut s,
        "set -q __ACCT_GUARD __ACCT_GUARD_SIG; echo guard-vars=$status",
        "guard-vars=2",
    );
    send_and_expect(&mut s, "exit 0", "status=0");

    // Each change the test must see, alone: a kept value changed, a
    // removed name given a value, a kept value erased, and one set to
    // another value that holds the test's separator.
    let changes = [
        ("set -gx AWS_PROFILE personal", "AWS_PROFILE"),
        ("set -gx AWS_SESSION_TOKEN t", "AWS_SESSION_TOKEN"),
        ("set -e ACCT_PROMPT", "ACCT_PROMPT"),
        ("set -gx STAGE (printf 'testing\\x1f')", "STAGE"),
        ("set -gx ACCT_EXPIRES 1", "ACCT_EXPIRES"),
    ];
    for (line, name) in changes {
        let (_sandbox, mut s, before) = guarded(&format!("{USER}{line}\n"));
        assert!(
            before.contains(&format!(
                "acct: your fish config (config.fish or conf.d) set {name}; put back as stage testing has it"
            )),
            "{line}: {before}"
        );
        send_and_expect(
            &mut s,
            "echo \"now=$AWS_PROFILE:$AWS_SESSION_TOKEN:$STAGE:$ACCT_EXPIRES:\"",
            "now=cpco-testing-admin::testing::",
        );
        send_and_expect(&mut s, "exit 0", "status=0");
    }

    // A removed name set empty is as good as unset (for the SDKs too).
    let (_sandbox, mut s, before) = guarded(&format!("{USER}set -gx AWS_ACCESS_KEY_ID ''\n"));
    assert!(!before.contains("acct:"), "{before}");
    send_and_expect(&mut s, "exit 0", "status=0");

    // A universal key and a changed profile: both put right, both said.
    let (_sandbox, mut s, before) = guarded(&format!(
        "{USER}set -Ux AWS_SECRET_ACCESS_KEY uni\nset -gx AWS_PROFILE personal\n"
    ));
    assert!(
        before.contains("acct: universal variables (set -Ux) set AWS_SECRET_ACCESS_KEY; hidden in this stage shell only"),
        "{before}"
    );
    assert!(
        before.contains("(config.fish or conf.d) set AWS_PROFILE;"),
        "{before}"
    );
    send_and_expect(
        &mut s,
        "echo \"key=[$AWS_SECRET_ACCESS_KEY] profile=$AWS_PROFILE\"; env | grep -c '^AWS_SECRET_ACCESS_KEY=.'",
        "key=[] profile=cpco-testing-admin\r\n0",
    );
    send_and_expect(
        &mut s,
        "set -e -U AWS_SECRET_ACCESS_KEY; exit 0",
        "status=0",
    );
}

#[test]
fn fish_writes_the_same_in_force_check_as_acct_and_again_for_a_new_list() {
    let (_sandbox, mut s) = stage_fish(USER);
    // acct's check, with the stage's kept names; the hook's, written after
    // the long way found the stage in force, is the same text.
    let body = "functions __acct_if_fast | string match -v '#*' | string join ' '";
    send_and_expect(&mut s, format!("set -g acct_s ({body})"), PLAIN);
    send_and_expect(
        &mut s,
        "string match -q '*\"x$ACCT_IN_FORCE_AWS_PROFILE\"*' -- $acct_s; and echo acct-(echo wrote)",
        "acct-wrote",
    );
    send_and_expect(
        &mut s,
        "__acct_in_force; echo \"mismatch=[$__acct_mismatch]\"",
        "mismatch=[]",
    );
    send_and_expect(
        &mut s,
        format!("test \"$acct_s\" = \"$({body})\"; and echo same-(echo check)"),
        "same-check",
    );
    // A list that grows: the long way, then a check for the new list.
    send_and_expect(
        &mut s,
        "set -gx AWS_EXTRA x; set -gx ACCT_IN_FORCE_AWS_EXTRA x; set -gx ACCT_IN_FORCE \"$ACCT_IN_FORCE AWS_EXTRA=\"",
        PLAIN,
    );
    send_and_expect(
        &mut s,
        "functions __acct_if_fast | string match -q '*\"x$AWS_EXTRA\" = \"x$ACCT_IN_FORCE_AWS_EXTRA\"*'; and echo re-(echo written)",
        "re-written",
    );
    send_and_expect(
        &mut s,
        "set -gx AWS_EXTRA y",
        "[cpco-testing ≠ AWS_EXTRA] user> ",
    );
    // A list with a name that is no identifier: never fast, still checked.
    send_and_expect(
        &mut s,
        "set -gx ACCT_IN_FORCE \"$ACCT_IN_FORCE 1X\"",
        "[cpco-testing ≠ AWS_EXTRA] user> ",
    );
    send_and_expect(&mut s, "set -gx AWS_EXTRA x", PLAIN);
    send_and_expect(
        &mut s,
        "set -gx AWS_ACCESS_KEY_ID k",
        "[cpco-testing ≠ AWS_ACCESS_KEY_ID] user> ",
    );
    send_and_expect(&mut s, "exit 0", "status=0");
}
