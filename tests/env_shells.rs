//! `acct env` evaluated by real bash, zsh and fish gives exactly the
//! environment `acct exec` gives, and hostile values stay literal.

use crate::util::*;

/// Values a shell would love to run or split.
const HOSTILE_ENV: &str = r#"
[stages.testing.env]
SPACES = "a  b   c"
QUOTES = "it's \"quoted\""
SUBSTITUTION = "$(touch pwned-subst)"
BACKTICKS = "`touch pwned-tick`"
NEWLINES = "line one\nline two\n"
BACKSLASH = 'C:\path\n\'
SEMICOLON = "x; touch pwned-semi"
DOLLAR = "$HOME ${HOME} $$"
FISHY = "(touch pwned-fish) {a,b}"
"#;

fn sandbox() -> Sandbox {
    Sandbox::staged(&format!("{SINGLE}{HOSTILE_ENV}"))
}

/// Variables a shell sets for itself, which are not acct's business.
fn without_shell_noise(mut env: Vec<(String, String)>) -> Vec<(String, String)> {
    env.retain(|(name, _)| {
        !["SHLVL", "_", "PWD", "OLDPWD", "ACCT", "LOGNAME", "USER"].contains(&name.as_str())
    });
    env
}

fn stale(cmd: &mut std::process::Command) -> &mut std::process::Command {
    cmd.env("AWS_ACCESS_KEY_ID", "AKIASTALE")
        .env("AWS_SECRET_ACCESS_KEY", "stale")
        .env("AWS_SESSION_TOKEN", "stale")
        .env("AWS_PROFILE", "wrong")
        .env("ACCT_PROTECTED", "1")
}

fn exec_env(sandbox: &Sandbox) -> Vec<(String, String)> {
    let out = stale(&mut sandbox.acct())
        .args(["exec", "testing", "--", "env", "-0"])
        .output()
        .unwrap();
    assert_status(&out, 0);
    without_shell_noise(parse_env0(&out.stdout))
}

fn shell_env(sandbox: &Sandbox, shell: &str, args: &[&str], script: &str) -> Vec<(String, String)> {
    let out = stale(&mut sandbox.command(shell))
        .args(args)
        .arg(script)
        .env("ACCT", ACCT)
        .output()
        .unwrap();
    assert_status(&out, 0);
    without_shell_noise(parse_env0(&out.stdout))
}

fn assert_same(shell: &str, expected: &[(String, String)], got: &[(String, String)]) {
    let missing: Vec<_> = expected.iter().filter(|p| !got.contains(p)).collect();
    let extra: Vec<_> = got.iter().filter(|p| !expected.contains(p)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{shell}: environments differ\n  only in exec: {missing:?}\n  only in {shell}: {extra:?}"
    );
}

fn assert_nothing_ran(sandbox: &Sandbox) {
    let ran: Vec<_> = std::fs::read_dir(&sandbox.work)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("pwned"))
        .collect();
    assert!(ran.is_empty(), "config values ran as code: {ran:?}");
}

/// `script` run by `shell` (no startup files): it evaluates acct's code for
/// the shell, then prints `env -0`. The environment is exactly exec's, and
/// no value ran as code.
fn assert_shell_matches_exec(shell: &str, script: &str) -> Vec<(String, String)> {
    let sandbox = sandbox();
    let expected = exec_env(&sandbox);
    let got = shell_env(&sandbox, shell, shell_args(shell), script);
    assert_same(shell, &expected, &got);
    assert_nothing_ran(&sandbox);
    got
}

#[test]
fn bash_eval_matches_exec() {
    let got = assert_shell_matches_exec(
        "bash",
        r#"eval "$("$ACCT" env testing --shell bash)" && env -0"#,
    );
    assert!(got.contains(&("NEWLINES".into(), "line one\nline two\n".into())));
}

#[test]
fn zsh_eval_matches_exec() {
    assert_shell_matches_exec(
        "zsh",
        r#"eval "$("$ACCT" env testing --shell zsh)" && env -0"#,
    );
}

#[test]
fn fish_source_matches_exec() {
    assert_shell_matches_exec(
        "fish",
        r#""$ACCT" env testing --shell fish | source; and env -0"#,
    );
}

#[test]
fn default_format_follows_shell_and_json_matches() {
    let sandbox = sandbox();
    let out = sandbox
        .acct()
        .env("SHELL", "/usr/bin/fish")
        .args(["env", "testing"])
        .output()
        .unwrap();
    assert_contains(&stdout(&out), "set -gx AWS_PROFILE 'cpco-testing-admin'");
    let out = sandbox
        .acct()
        .env("SHELL", "/bin/dash")
        .args(["env", "testing"])
        .output()
        .unwrap();
    assert_contains(&stdout(&out), "export AWS_PROFILE=cpco-testing-admin");

    let out = sandbox.run(&["env", "testing", "--shell", "json"]);
    assert_status(&out, 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["set"]["AWS_PROFILE"], "cpco-testing-admin");
    assert_eq!(json["set"]["NEWLINES"], "line one\nline two\n");
    assert_eq!(
        json["set"]["ACCT_ROLE_ARN"],
        "arn:aws:iam::323330167063:role/cpco-root-admin"
    );
    let unset: Vec<&str> = json["unset"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_VAULT",
        "ACCT_PROTECTED",
        "TENANT",
    ] {
        assert!(unset.contains(&name), "{name} not in unset: {unset:?}");
    }
}
