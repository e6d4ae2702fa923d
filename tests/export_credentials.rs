//! `--export-credentials` and `export_credentials = true`: the stage's
//! temporary keys from the real AWS CLI v2 (through moto's STS) instead of
//! its profile, the MFA prompt answered on stdin, and a clear refusal with
//! nothing run when the CLI is missing, too old or cannot assume.

use std::io::Write;
use std::process::{Output, Stdio};

use crate::moto::{Moto, aws_v1, aws_v2};
use crate::util::*;

fn with_cli(cli: &str, config: &str) -> String {
    format!("aws_cli = \"{cli}\"\n{config}")
}

/// `acct exec ARGS -- env -0` with stale keys inherited and an MFA code on stdin.
fn exec_env(sandbox: &Sandbox, moto: Option<&Moto>, args: &[&str]) -> Output {
    let mut cmd = sandbox.acct();
    if let Some(moto) = moto {
        moto.configure(&mut cmd);
    }
    cmd.env("AWS_ACCESS_KEY_ID", "AKIASTALESTALESTALE1")
        .env("AWS_SECRET_ACCESS_KEY", "stale-secret")
        .env("AWS_SESSION_TOKEN", "stale-token")
        .env("AWS_PROFILE", "cpco")
        .arg("exec")
        .args(args)
        .args(["--", "env", "-0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    // A stage that exports nothing never reads it: a closed pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(b"123456\n");
    child.wait_with_output().unwrap()
}

fn get<'e>(env: &'e [(String, String)], name: &str) -> Option<&'e str> {
    env.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// Who the exported keys are, asked with nothing but those keys.
fn identity_of_keys(sandbox: &Sandbox, moto: &Moto, env: &[(String, String)]) -> serde_json::Value {
    let key = |name: &str| get(env, name).unwrap();
    moto.identity_of(
        sandbox,
        [
            key("AWS_ACCESS_KEY_ID"),
            key("AWS_SECRET_ACCESS_KEY"),
            key("AWS_SESSION_TOKEN"),
        ],
    )
}

#[test]
fn exported_keys_are_the_stage_accounts_and_replace_the_profile() {
    let moto = Moto::proxy();
    let sandbox = Sandbox::with_config(&with_cli(aws_v2().to_str().unwrap(), ORGANIZATION));
    sandbox.write_aws_files();
    let out = exec_env(&sandbox, Some(&moto), &["--export-credentials", "testing"]);
    assert_status(&out, 0);
    assert!(
        stderr(&out).contains("MFA code"),
        "the MFA prompt reaches the user: {}",
        stderr(&out)
    );
    let env = parse_env0(&out.stdout);
    assert_eq!(get(&env, "AWS_PROFILE"), None);
    assert_eq!(get(&env, "AWS_DEFAULT_PROFILE"), None);
    assert_eq!(get(&env, "ACCT_PROFILE"), Some("cpco-testing-admin"));
    assert_ne!(get(&env, "AWS_ACCESS_KEY_ID"), Some("AKIASTALESTALESTALE1"));
    assert_ne!(get(&env, "AWS_SESSION_TOKEN"), Some("stale-token"));
    assert!(get(&env, "AWS_CREDENTIAL_EXPIRATION").is_some_and(|e| e.starts_with("20")));
    // The prompt's time left comes from the keys' own expiry (an epoch,
    // about the role's hour from now), not from a session file.
    let expires: i64 = get(&env, "ACCT_EXPIRES").unwrap().parse().unwrap();
    let left = expires - epoch_now();
    assert!(
        (3000..=3700).contains(&left),
        "ACCT_EXPIRES {expires}: {left} s left"
    );
    assert_eq!(get(&env, "ACCT_EXPIRES_FILE"), None);
    let identity = identity_of_keys(&sandbox, &moto, &env);
    assert_eq!(identity["Account"], "126450723953");
    assert!(
        identity["Arn"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:sts::126450723953:assumed-role/OrganizationAccountAccessRole/"),
        "{identity}"
    );

    // `export_credentials = true` on the stage does it without the flag.
    let config = with_cli(aws_v2().to_str().unwrap(), SINGLE).replace(
        "[stages.testing]\n",
        "[stages.testing]\nexport_credentials = true\n",
    );
    let single = Sandbox::with_config(&config);
    single.write_aws_files();
    let out = exec_env(&single, Some(&moto), &["testing"]);
    assert_status(&out, 0);
    let env = parse_env0(&out.stdout);
    assert_eq!(get(&env, "AWS_PROFILE"), None);
    assert_eq!(
        identity_of_keys(&single, &moto, &env)["Account"],
        "323330167063"
    );
    // ... and only on that stage.
    let out = exec_env(&single, Some(&moto), &["root"]);
    assert_status(&out, 0);
    let env = parse_env0(&out.stdout);
    assert_eq!(get(&env, "AWS_PROFILE"), Some("cpco-root-admin"));
    assert_eq!(get(&env, "AWS_ACCESS_KEY_ID"), None);
}

/// Keys that cannot hold `--min-left` even when the role is assumed again:
/// refused, the command never runs.
#[test]
fn exported_keys_shorter_than_min_left_run_nothing() {
    let moto = Moto::proxy();
    // No MFA device: the role is assumed twice without asking a code.
    let config = with_cli(aws_v2().to_str().unwrap(), SINGLE).replace(
        "mfa_serial = \"arn:aws:iam::323330167063:mfa/admin@example.com\"\n",
        "",
    );
    let sandbox = Sandbox::with_config(&config);
    sandbox.write_aws_files();
    let out = exec_env(
        &sandbox,
        Some(&moto),
        &["--export-credentials", "--min-left", "2h", "testing"],
    );
    assert_status(&out, 1);
    assert_contains(&stderr(&out), "less than min_session_left (2h");
    assert_contains(
        &stderr(&out),
        "even after assuming the role again; nothing was run",
    );
    assert_contains(&stderr(&out), "lower --min-left");
    assert!(out.stdout.is_empty(), "the command ran");
    // Within the keys' hour they run.
    let out = exec_env(
        &sandbox,
        Some(&moto),
        &["--export-credentials", "--min-left", "30m", "testing"],
    );
    assert_status(&out, 0);
    assert!(get(&parse_env0(&out.stdout), "AWS_ACCESS_KEY_ID").is_some());
}

/// A refusal: exit 1, the message, and the command never ran.
#[track_caller]
fn assert_refused(sandbox: &Sandbox, message: &str) {
    let marker = sandbox.root.join("ran");
    let out = sandbox
        .acct()
        .args(["exec", "--export-credentials", "testing", "--", "touch"])
        .arg(&marker)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_status(&out, 1);
    assert!(stderr(&out).contains(message), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing was run") && stderr(&out).contains("\n  fix: "),
        "{}",
        stderr(&out)
    );
    assert!(!marker.exists(), "the command must not run");
}

#[test]
fn a_v1_cli_a_missing_cli_or_a_failed_assume_runs_nothing() {
    let v1 = Sandbox::with_config(&with_cli(aws_v1().to_str().unwrap(), ORGANIZATION));
    v1.write_aws_files();
    assert_refused(&v1, "aws-cli/1.");

    let missing = Sandbox::with_config(&with_cli("/nonexistent/aws", ORGANIZATION));
    missing.write_aws_files();
    assert_refused(&missing, "`/nonexistent/aws` is not found");

    // No source credentials: the CLI cannot assume the role.
    let no_keys = Sandbox::with_config(&with_cli(aws_v2().to_str().unwrap(), ORGANIZATION));
    assert_status(&no_keys.run(&["aws-config", "--write"]), 0);
    assert_refused(
        &no_keys,
        "could not get credentials for profile `cpco-testing-admin`",
    );
}

/// `acct shell --export-credentials`: the shell starts with the keys and no
/// profile; with no usable CLI it does not start at all.
#[test]
fn a_stage_shell_gets_the_keys_too_or_does_not_start() {
    let config = with_cli(
        aws_v2().to_str().unwrap(),
        &ORGANIZATION.replace("mfa_serial", "# mfa_serial"),
    );
    let sandbox = Sandbox::with_config(&config);
    sandbox.write_aws_files();
    let moto = Moto::proxy();
    let report = sandbox.root.join("report");
    let script = format!(
        "printf '%s|%s\\n' \"$AWS_ACCESS_KEY_ID\" \"${{AWS_PROFILE-none}}\" > '{}'\nexit\n",
        report.display()
    );
    let run = |sandbox: &Sandbox| {
        let mut cmd = sandbox.acct();
        moto.configure(&mut cmd);
        let mut child = cmd
            .env("SHELL", "/bin/sh")
            .args(["shell", "--export-credentials", "testing"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = child.stdin.take().unwrap().write_all(script.as_bytes());
        child.wait_with_output().unwrap()
    };
    let out = run(&sandbox);
    assert_status(&out, 0);
    let seen = std::fs::read_to_string(&report).expect("the stage shell ran");
    assert!(
        seen.starts_with("ASIA") && seen.ends_with("|none\n"),
        "{seen}"
    );

    std::fs::remove_file(&report).unwrap();
    let missing = Sandbox::with_config(&with_cli("/nonexistent/aws", ORGANIZATION));
    missing.write_aws_files();
    let out = run(&missing);
    assert_status(&out, 1);
    assert!(!report.exists(), "a shell started without its credentials");
}
