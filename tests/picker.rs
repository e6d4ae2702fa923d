//! `acct shell`, `acct exec` and `acct console` with no stage: on a
//! terminal, a numbered list to pick from by number, name or prefix (asked
//! again after a wrong answer); without one, exit 2 listing the stages.

use crate::tools;
use crate::util::*;

/// Two stages that start alike (`te`), and a protected one.
fn config() -> String {
    format!(
        "{ORGANIZATION}\n[stages.test2]\naccount_id = \"222222222222\"\n\n\
         [stages.prod]\naccount_id = \"210987654321\"\nprotected = true\n"
    )
}

fn on_a_terminal(sandbox: &Sandbox, script: &str) -> expectrl::session::OsSession {
    let mut cmd = sandbox.command(tools::by_name("sh"));
    cmd.args(["-c", script])
        .env("ACCT", ACCT)
        .env("SHELL", tools::bash())
        .env("TERM", "dumb")
        .env("XDG_RUNTIME_DIR", &sandbox.root);
    pty(cmd, 20)
}

#[test]
fn exec_without_a_stage_offers_the_list_and_asks_again_after_a_wrong_answer() {
    let sandbox = Sandbox::with_config(&config());
    sandbox.write_aws_files();
    let mut s = on_a_terminal(
        &sandbox,
        "\"$ACCT\" exec -- sh -c 'echo \"stage=$ACCT_STAGE\"'; echo \"status=$?\"",
    );
    let list = expect(&mut s, "Number or name (a prefix will do): ");
    assert_contains(&list, "acct exec: which stage?");
    for row in [
        "  1  testing  126450723953  arn:aws:iam::126450723953:role/",
        "  2  root     323330167063  arn:aws:iam::323330167063:role/",
        "  4  prod     210987654321  arn:aws:iam::210987654321:role/",
    ] {
        assert!(list.contains(row), "no row {row:?} in\n{list}");
    }
    assert!(
        list.lines()
            .any(|l| l.contains("prod") && l.trim_end().ends_with("protected")),
        "{list}"
    );
    // Two stages start with `te`: said, and asked again.
    send_and_expect(
        &mut s,
        "te",
        "`te` starts testing, test2: type more of the name",
    );
    expect(&mut s, "Number or name (a prefix will do): ");
    send_and_expect(&mut s, "9", "no stage numbered 9: 1 to 4");
    send_and_expect(&mut s, "testi", "stage=testing");
    expect(&mut s, "status=0");
}

#[test]
fn shell_without_a_stage_picks_by_number_and_a_protected_one_is_still_confirmed() {
    let sandbox = Sandbox::with_config(&config());
    sandbox.write_aws_files();
    std::fs::write(sandbox.home.join(".bashrc"), "PS1='$ '\n").unwrap();
    let mut s = on_a_terminal(&sandbox, "\"$ACCT\" shell; echo \"status=$?\"");
    expect(&mut s, "acct shell: which stage?");
    expect(&mut s, "Number or name (a prefix will do): ");
    send_and_expect(
        &mut s,
        "4",
        "`prod` is protected (account 210987654321, role ",
    );
    send_and_expect(&mut s, "prod", "[cpco-prod]");
    send_and_expect(&mut s, "echo \"in=$ACCT_STAGE\"", "in=prod");
    send_and_expect(&mut s, "exit 0", "status=0");

    // An empty answer runs nothing.
    let mut s = on_a_terminal(&sandbox, "\"$ACCT\" shell; echo \"status=$?\"");
    expect(&mut s, "Number or name (a prefix will do): ");
    send_and_expect(&mut s, "", "no stage chosen; nothing was run");
    expect(&mut s, "status=2");
}

#[test]
fn without_a_terminal_no_stage_is_a_usage_error_listing_the_stages() {
    let sandbox = Sandbox::with_config(&config());
    sandbox.write_aws_files();
    for args in [
        &["exec", "--", "true"][..],
        &["shell"][..],
        &["console", "--print"][..],
    ] {
        let out = without_terminal(&mut sandbox.acct())
            .args(args)
            .output()
            .unwrap();
        assert_status(&out, 2);
        let err = stderr(&out);
        assert!(
            err.contains("needs a stage, and there is no terminal to choose one on")
                && err.contains("name one of testing, root, test2, prod"),
            "{args:?}: {err}"
        );
        assert!(stdout(&out).is_empty(), "{args:?}");
    }
}

#[test]
fn exec_without_the_separator_says_where_it_goes() {
    let sandbox = Sandbox::with_config(&config());
    let out = sandbox.run(&["exec", "testing", "terraform", "plan", "-out", "my plan"]);
    assert_status(&out, 2);
    assert_contains(
        &stderr(&out),
        "fix: put `--` before the command: acct exec testing -- terraform plan -out 'my plan'",
    );
}
