//! Every validation rule of SPEC section 1: exit 2, the file and line named,
//! a fix offered, and nothing run.

use crate::util::*;

const HEAD: &str = "namespace = \"cpco\"\nregion = \"us-west-2\"\ntopology = \"organization\"\n";
const ROOT: &str = "[stages.root]\naccount_id = \"323330167063\"\n";

/// One case a rule: `tests/fixtures/config_errors.jsonl`, a line each, its
/// `config` (where `{HEAD}` and `{ROOT}` stand for the texts above), the
/// `line` acct names, and words of its `message` and of its `fix`.
struct Case {
    name: String,
    config: String,
    line: u64,
    message: String,
    fix: String,
}

fn cases() -> Vec<Case> {
    include_str!("fixtures/config_errors.jsonl")
        .lines()
        .map(|line| {
            let case: serde_json::Value = serde_json::from_str(line).unwrap();
            let text = |key: &str| case[key].as_str().unwrap().to_string();
            Case {
                name: text("name"),
                config: text("config")
                    .replace("{HEAD}", HEAD)
                    .replace("{ROOT}", ROOT),
                line: case["line"].as_u64().unwrap(),
                message: text("message"),
                fix: text("fix"),
            }
        })
        .collect()
}

#[test]
fn every_rule_names_file_line_and_fix_and_exits_2() {
    let mut failures = Vec::new();
    let cases = cases();
    assert_eq!(cases.len(), 33, "every rule's case was read");
    for case in cases {
        let sandbox = Sandbox::with_config(&case.config);
        let out = sandbox.run(&["list"]);
        let err = stderr(&out);
        let location = format!("acct: {}:{}:", sandbox.user_config().display(), case.line);
        let ok = out.status.code() == Some(2)
            && err.starts_with(&location)
            && err.contains(&case.message)
            && err
                .lines()
                .any(|l| l.trim_start().starts_with("fix:") && l.contains(&case.fix))
            && stdout(&out).is_empty();
        if !ok {
            failures.push(format!(
                "{}: expected exit 2, `{location}`, `{}` and fix `{}`\n  got {:?}: {err}",
                case.name, case.message, case.fix, out.status
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn a_hardware_tokens_serial_number_is_an_mfa_device() {
    let config = SINGLE.replace(
        "arn:aws:iam::323330167063:mfa/admin@example.com",
        "GAHT12345678",
    );
    let sandbox = Sandbox::with_config(&config);
    assert_status(&sandbox.run(&["list"]), 0);
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    let written = std::fs::read_to_string(sandbox.aws_config()).unwrap();
    assert_contains(&written, "mfa_serial=GAHT12345678\n");
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let sandbox = Sandbox::with_config(&format!(
        "{HEAD}regoin = \"x\"\n{ROOT}[stages.prod]\naccount_id = 12\n"
    ));
    let out = sandbox.run(&["list"]);
    assert_status(&out, 2);
    let err = stderr(&out);
    let path = sandbox.user_config().display().to_string();
    assert_contains(&err, &format!("acct: {path}:4:"));
    assert_contains(&err, &format!("acct: {path}:8:"));
}

#[test]
fn invalid_config_runs_nothing() {
    let sandbox = Sandbox::with_config(&format!("{HEAD}{ROOT}bogus = 1\n"));
    let marker = sandbox.root.join("ran");
    let out = sandbox.run(&["exec", "root", "--", "touch", marker.to_str().unwrap()]);
    assert_status(&out, 2);
    assert!(
        !marker.exists(),
        "the command ran despite an invalid config"
    );
}

#[test]
fn invalid_utf8_and_empty_files_are_config_errors() {
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.user_config(), b"namespace = \"cp\xffco\"\n").unwrap();
    let out = sandbox.run(&["list"]);
    assert_status(&out, 2);
    assert_contains(&stderr(&out), ":1:");
    assert_contains(&stderr(&out), "not valid UTF-8");

    sandbox.write_user_config("");
    let out = sandbox.run(&["list"]);
    assert_status(&out, 2);
    assert_contains(&stderr(&out), "missing required key `namespace`");
}

#[test]
fn unknown_stage_is_a_usage_error_with_the_closest_name() {
    let sandbox = Sandbox::with_config(MEMBER);
    for args in [&["exec", "prdo", "--", "true"][..], &["env", "prdo"][..]] {
        let out = sandbox.run(args);
        assert_status(&out, 2);
        assert_contains(&stderr(&out), "unknown stage `prdo`");
        assert_contains(&stderr(&out), "did you mean `prod`?");
    }
}

#[test]
fn discovery_follows_spec_order_and_lists_the_places_searched() {
    let sandbox = Sandbox::new();
    let nested = sandbox.work.join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    // Nothing anywhere: every place is named.
    let out = sandbox
        .acct()
        .arg("list")
        .current_dir(&nested)
        .output()
        .unwrap();
    assert_status(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains(&nested.join("acct.toml").display().to_string()),
        "{err}"
    );
    assert!(
        err.contains(&sandbox.user_config().display().to_string()),
        "{err}"
    );
    assert_contains(&err, "acct init");

    let with_stage = |stage: &str| format!("{HEAD}{ROOT}[stages.{stage}]\n");
    sandbox.write_user_config(&with_stage("fromuser"));
    let names =
        |cmd: &mut std::process::Command| stdout(&cmd.args(["list", "--json"]).output().unwrap());
    assert!(names(sandbox.acct().current_dir(&nested)).contains("fromuser"));

    // The nearest acct.toml upwards beats the user config (once allowed).
    sandbox.write("work/a/acct.toml", &with_stage("fromproject"));
    assert_status(
        &sandbox
            .acct()
            .arg("allow")
            .current_dir(&nested)
            .output()
            .unwrap(),
        0,
    );
    assert!(names(sandbox.acct().current_dir(&nested)).contains("fromproject"));

    // ACCT_CONFIG beats both, and --config beats ACCT_CONFIG.
    let env_file = sandbox.write("env.toml", &with_stage("fromenv"));
    let flag_file = sandbox.write("flag.toml", &with_stage("fromflag"));
    let with_env = |cmd: &mut std::process::Command| {
        names(cmd.current_dir(&nested).env("ACCT_CONFIG", &env_file))
    };
    assert!(with_env(&mut sandbox.acct()).contains("fromenv"));
    assert!(with_env(sandbox.acct().arg("-c").arg(&flag_file)).contains("fromflag"));

    // A file named explicitly must exist; acct does not fall back to another.
    let out = sandbox
        .acct()
        .args(["--config", "missing.toml", "list"])
        .output()
        .unwrap();
    assert_status(&out, 2);
    assert_contains(&stderr(&out), "missing.toml");
}

#[test]
fn usage_errors_exit_2_as_acct_errors() {
    let sandbox = Sandbox::with_config(MEMBER);
    for args in [
        &["bogus"][..],
        &["exec", "testing"][..],
        &["env", "testing", "--shell", "tcsh"][..],
    ] {
        let out = sandbox.run(args);
        assert_status(&out, 2);
        assert!(
            stderr(&out).starts_with("acct: "),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let out = sandbox.run(&["--version"]);
    assert_status(&out, 0);
    assert!(stdout(&out).starts_with("acct "));
}
