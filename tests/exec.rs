//! `acct exec`: exactly SPEC section 2's environment, and the command's own
//! exit status and signals, with acct replaced by the command.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;

use crate::util::*;

/// Every credential source SPEC section 2 removes, each with a stale value:
/// dropping any one of them from acct's list fails this test.
pub const CREDENTIAL_SOURCES: [&str; 22] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
    "AWS_ACCOUNT_ID",
    "AWS_CREDENTIAL_SCOPE",
    "AWS_VAULT",
    "AWSUME_PROFILE",
    "AWSU_PROFILE",
    "AWS_SSO_PROFILE",
    "AWS_ACCESS_KEY",
    "AWS_SECRET_KEY",
    "AWS_CREDENTIAL_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

/// Every variable of SPEC section 2's table but AWS_CONFIG_FILE: acct sets
/// it when it applies to the stage and removes it when it does not.
pub const OWNED: [&str; 23] = [
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_SDK_LOAD_CONFIG",
    "NAMESPACE",
    "STAGE",
    "TF_VAR_namespace",
    "TF_VAR_stage",
    "TENANT",
    "TF_VAR_tenant",
    "ENVIRONMENT",
    "TF_VAR_environment",
    "ACCT_STAGE",
    "ACCT_PROFILE",
    "ACCT_ACCOUNT_ID",
    "ACCT_ROLE_ARN",
    "ACCT_CONFIG",
    "ACCT_PROJECT_CONFIG",
    "ACCT_PROTECTED",
    "ACCT_PROMPT",
    "ACCT_EXPIRES_FILE",
    "ACCT_EXPIRES",
];

/// An inherited value for every name acct removes or owns.
fn stale() -> Vec<(&'static str, String)> {
    CREDENTIAL_SOURCES
        .iter()
        .chain(OWNED.iter())
        .map(|name| (*name, format!("stale-{name}")))
        .collect()
}

/// The sandbox's base environment, as `Sandbox::command` sets it.
fn base_env(sandbox: &Sandbox) -> Vec<(String, String)> {
    let out = sandbox.command("env").arg("-0").output().unwrap();
    parse_env0(&out.stdout)
}

#[test]
fn exec_sees_exactly_the_spec_environment_and_no_stale_credentials() {
    let sandbox = Sandbox::staged(ORGANIZATION);
    let mut expected = base_env(&sandbox);
    let config = sandbox.user_config().display().to_string();
    for (name, value) in [
        ("AWS_PROFILE", "cpco-testing-admin"),
        ("AWS_DEFAULT_PROFILE", "cpco-testing-admin"),
        ("AWS_REGION", "us-west-2"),
        ("AWS_DEFAULT_REGION", "us-west-2"),
        ("NAMESPACE", "cpco"),
        ("TF_VAR_namespace", "cpco"),
        ("STAGE", "testing"),
        ("TF_VAR_stage", "testing"),
        ("ACCT_STAGE", "testing"),
        ("ACCT_PROFILE", "cpco-testing-admin"),
        ("ACCT_ACCOUNT_ID", "126450723953"),
        (
            "ACCT_ROLE_ARN",
            "arn:aws:iam::126450723953:role/OrganizationAccountAccessRole",
        ),
        ("ACCT_CONFIG", config.as_str()),
        ("ACCT_PROMPT", "[cpco-testing]"),
        ("AWS_SDK_LOAD_CONFIG", "1"),
        // What the prompt checks (tests/prompt_in_force.rs): the profile
        // the stage selects, and no credential source beside it.
        ("ACCT_IN_FORCE_AWS_PROFILE", "cpco-testing-admin"),
        ("ACCT_IN_FORCE_AWS_DEFAULT_PROFILE", "cpco-testing-admin"),
    ] {
        expected.push((name.to_string(), value.to_string()));
    }
    // The sandbox's own AWS files, kept, are checked as they were.
    for name in ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"] {
        if let Some((_, value)) = expected.iter().find(|(n, _)| n == name) {
            let value = value.clone();
            expected.push((format!("ACCT_IN_FORCE_{name}"), value));
        }
    }
    expected.sort();

    let out = sandbox
        .acct()
        .envs(stale())
        .arg("-c")
        .arg(sandbox.user_config())
        .args(["exec", "testing", "--", "env", "-0"])
        .output()
        .unwrap();
    assert_status(&out, 0);
    let mut got = parse_env0(&out.stdout);
    // The record of what entering changed (tests/enter_leave.rs).
    let record = got.iter().position(|(n, _)| n == "ACCT_RESTORE");
    assert!(record.is_some(), "no ACCT_RESTORE");
    got.remove(record.unwrap());
    let in_force = got.iter().position(|(n, _)| n == "ACCT_IN_FORCE");
    let (_, names) = got.remove(in_force.expect("no ACCT_IN_FORCE"));
    for name in CREDENTIAL_SOURCES
        .iter()
        .chain(["AWS_PROFILE", "AWS_CONFIG_FILE"].iter())
    {
        assert!(
            names.split(' ').any(|n| n.trim_end_matches('=') == *name),
            "ACCT_IN_FORCE does not check {name}: {names}"
        );
    }
    assert_eq!(
        expected, got,
        "\nexpected (left) and got (right) environments differ"
    );
}

#[test]
fn acct_config_is_absolute_against_the_current_directory() {
    let sandbox = Sandbox::new();
    sandbox.write("work/cfg/acct-alt.toml", MEMBER);
    assert_status(
        &sandbox.run(&["-c", "cfg/acct-alt.toml", "aws-config", "--write"]),
        0,
    );
    let out = sandbox.run(&[
        "-c",
        "cfg/acct-alt.toml",
        "exec",
        "root",
        "--",
        "printenv",
        "ACCT_CONFIG",
    ]);
    assert_status(&out, 0);
    assert_eq!(
        stdout(&out).trim(),
        sandbox.work.join("cfg/acct-alt.toml").display().to_string()
    );
}

#[test]
fn stage_env_values_and_aws_config_file_are_set() {
    let sandbox = Sandbox::staged(&format!(
        "aws_config_file = \"~/estate/aws-config\"\n{}\n[stages.prod.env]\nTF_VAR_owner = \"platform team\"\n",
        MEMBER.trim()
    ));
    let out = sandbox.run(&["exec", "--yes", "prod", "--", "env", "-0"]);
    assert_status(&out, 0);
    let env = parse_env0(&out.stdout);
    let get = |name: &str| env.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    assert_eq!(
        get("AWS_CONFIG_FILE"),
        Some(sandbox.home.join("estate/aws-config").display().to_string())
    );
    assert_eq!(get("TF_VAR_owner").as_deref(), Some("platform team"));
    assert_eq!(get("ACCT_PROTECTED").as_deref(), Some("1"));
    assert_eq!(get("AWS_REGION").as_deref(), Some("eu-west-1"));
    assert_eq!(get("ACCT_ACCOUNT_ID").as_deref(), Some("010987654321"));
}

#[test]
fn exit_statuses_are_the_commands_own() {
    let sandbox = Sandbox::staged(SINGLE);
    let not_executable = sandbox.write("plain-file", "echo hi\n");
    std::fs::set_permissions(&not_executable, std::fs::Permissions::from_mode(0o644)).unwrap();

    let out = sandbox.run(&["exec", "testing", "--", "true"]);
    assert_status(&out, 0);
    let out = sandbox.run(&["exec", "testing", "--", "sh", "-c", "exit 7"]);
    assert_status(&out, 7);
    let out = sandbox.run(&["exec", "testing", "--", not_executable.to_str().unwrap()]);
    assert_status(&out, 126);
    assert!(stderr(&out).starts_with("acct: "), "{}", stderr(&out));
    let out = sandbox.run(&["exec", "testing", "--", "no-such-command-acct-test"]);
    assert_status(&out, 127);
    assert_contains(
        &stderr(&out),
        "no-such-command-acct-test: command not found",
    );
}

#[test]
fn arguments_after_the_double_dash_are_passed_verbatim() {
    let sandbox = Sandbox::staged(SINGLE);
    let args = ["--yes", "-c", "x", "$(echo hi)", "a b", ""];
    let mut cmd = sandbox.acct();
    cmd.args(["exec", "testing", "--", "printf", "<%s>\n"])
        .args(args);
    let out = cmd.output().unwrap();
    assert_status(&out, 0);
    assert_text(
        "<--yes>\n<-c>\n<x>\n<$(echo hi)>\n<a b>\n<>\n",
        &stdout(&out),
    );
}

#[test]
fn a_command_killed_by_sigterm_looks_the_same_to_the_parent_shell() {
    let sandbox = Sandbox::staged(SINGLE);
    let out = sandbox.run(&["exec", "testing", "--", "sh", "-c", "kill -TERM $$"]);
    assert_eq!(out.status.signal(), Some(15), "got {:?}", out.status);

    let script = r#"sh -c 'kill -TERM $$'; echo "bare=$?"; "$ACCT" exec testing -- sh -c 'kill -TERM $$'; echo "acct=$?""#;
    let out = sandbox
        .command("bash")
        .args(["-c", script])
        .env("ACCT", ACCT)
        .output()
        .unwrap();
    assert_text("bare=143\nacct=143\n", &stdout(&out));
}

/// The README: signals reach the command directly. SIGTERM and SIGHUP sent
/// to acct's process are the command's own to handle (its traps run).
#[test]
fn sigterm_and_sighup_sent_to_acct_reach_the_command() {
    use nix::sys::signal::{Signal, kill};
    let sandbox = Sandbox::staged(SINGLE);
    let script = "sleep 600 & p=$!; \
                  trap 'kill $p; echo got-TERM; exit 3' TERM; \
                  trap 'kill $p; echo got-HUP; exit 4' HUP; \
                  echo ready; wait $p";
    for (sig, said, status) in [
        (Signal::SIGTERM, "got-TERM", 3),
        (Signal::SIGHUP, "got-HUP", 4),
    ] {
        let mut child = start(
            sandbox
                .acct()
                .args(["exec", "testing", "--", "sh", "-c", script]),
        );
        read_until(&mut child, "ready\n");
        kill(nix::unistd::Pid::from_raw(child.id() as i32), sig).unwrap();
        let out = output_within(child, std::time::Duration::from_secs(120));
        assert_status(&out, status);
        assert_text(&format!("{said}\n"), &stdout(&out));
    }
}

#[test]
fn acct_replaces_itself_with_the_command() {
    let sandbox = Sandbox::staged(SINGLE);
    let child = sandbox
        .acct()
        .args(["exec", "testing", "--", "sh", "-c", "echo $$"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        stdout(&out).trim(),
        pid.to_string(),
        "the command did not run in acct's own process"
    );
}

/// The set of ignored standard signals (1 to 31) of a `grep SigIgn` line;
/// glibc's own real-time signals (32, 33) are its business, not the user's.
fn ignored_standard_signals(status_line: &str) -> u64 {
    let hex = status_line.trim().trim_start_matches("SigIgn:").trim();
    u64::from_str_radix(hex, 16).expect("SigIgn mask") & 0x7fff_ffff
}

#[test]
fn signal_dispositions_are_handed_over_untouched() {
    // Rust ignores SIGPIPE; an ignored signal would stay ignored across exec.
    // env(1) execs the same way acct does, so it is the baseline.
    let sandbox = Sandbox::staged(SINGLE);
    let bare = sandbox
        .command("env")
        .args(["grep", "SigIgn", "/proc/self/status"])
        .output()
        .unwrap();
    let via = sandbox.run(&[
        "exec",
        "testing",
        "--",
        "grep",
        "SigIgn",
        "/proc/self/status",
    ]);
    assert_status(&via, 0);
    let (bare, via) = (
        ignored_standard_signals(&stdout(&bare)),
        ignored_standard_signals(&stdout(&via)),
    );
    assert_eq!(
        via & (1 << (13 - 1)),
        0,
        "SIGPIPE is ignored in the command"
    );
    assert_eq!(
        bare, via,
        "ignored signals differ: env {bare:#x}, acct {via:#x}"
    );
}

#[test]
fn protected_stage_without_terminal_refuses_unless_yes() {
    let sandbox = Sandbox::staged(MEMBER);
    let marker = sandbox.root.join("ran");
    let touch = ["exec", "prod", "--", "touch", marker.to_str().unwrap()];
    let out = without_terminal(sandbox.acct().args(touch))
        .output()
        .unwrap();
    assert_status(&out, 1);
    assert_contains(&stderr(&out), "protected");
    assert_contains(&stderr(&out), "--yes");
    assert!(
        !marker.exists(),
        "a protected stage ran without confirmation"
    );

    let out = without_terminal(sandbox.acct().args([
        "exec",
        "--yes",
        "prod",
        "--",
        "touch",
        marker.to_str().unwrap(),
    ]))
    .output()
    .unwrap();
    assert_status(&out, 0);
    assert!(marker.exists());

    // An unprotected stage never asks.
    let out = without_terminal(sandbox.acct().args(["exec", "testing", "--", "true"]))
        .output()
        .unwrap();
    assert_status(&out, 0);
}

#[test]
fn protected_stage_asks_on_the_terminal_for_its_name() {
    use expectrl::Expect;
    let sandbox = Sandbox::staged(MEMBER);
    // stdin is a pipe: the answer must still come from the terminal.
    let mut session = bash_on_a_terminal(
        &sandbox,
        r#"echo prod | "$ACCT" exec prod -- sh -c 'echo "ran in $STAGE"'"#,
    );
    session.expect("Type the stage name").unwrap();
    session.send_line("prod").unwrap();
    session.expect("ran in prod").unwrap();
    session.expect("status=0").unwrap();

    let mut session = bash_on_a_terminal(
        &sandbox,
        r#""$ACCT" exec prod -- sh -c 'echo "ran in $STAGE"'"#,
    );
    session.expect("Type the stage name").unwrap();
    session.send_line("prdo").unwrap();
    let rest = session.expect("status=1").unwrap();
    let seen = String::from_utf8_lossy(rest.before()).into_owned();
    assert_contains(&seen, "did not match");
    assert!(
        !seen.contains("ran in"),
        "the command ran after a wrong answer: {seen}"
    );
}

/// A stage's `[env]` may set none of section 2's names: acct sets or
/// removes each of them itself.
#[test]
fn every_name_acct_sets_or_removes_is_refused_in_env() {
    let sandbox = Sandbox::new();
    for name in CREDENTIAL_SOURCES.iter().chain(OWNED.iter()) {
        sandbox.write_user_config(&format!("{SINGLE}\n[stages.testing.env]\n{name} = \"x\"\n"));
        let out = sandbox.run(&["exec", "testing", "--", "true"]);
        assert_status(&out, 2);
        assert!(
            stderr(&out).contains(&format!("`{name}`"))
                || stderr(&out).contains(&format!(" {name} ")),
            "{name}: {}",
            stderr(&out)
        );
    }
}

/// Leaving a stage whose config cannot be read still removes every name
/// acct sets or removes.
#[test]
fn leaving_without_a_readable_config_removes_every_name() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .acct()
        .env("ACCT_STAGE", "testing")
        .env("ACCT_CONFIG", sandbox.root.join("gone.toml"))
        .args(["env", "--unset", "--shell", "json"])
        .output()
        .unwrap();
    assert_status(&out, 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let unset: Vec<&str> = json["unset"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    for name in CREDENTIAL_SOURCES.iter().chain(OWNED.iter()) {
        assert!(unset.contains(name), "{name} is not removed: {unset:?}");
    }
    assert_contains(&stderr(&out), "warning");
}
