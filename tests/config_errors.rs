//! Every validation rule of SPEC section 1: exit 2, the file and line named,
//! a fix offered, and nothing run.

use crate::util::*;

const HEAD: &str = "namespace = \"cpco\"\nregion = \"us-west-2\"\ntopology = \"organization\"\n";
const ROOT: &str = "[stages.root]\naccount_id = \"323330167063\"\n";

struct Case {
    name: &'static str,
    config: String,
    line: usize,
    message: &'static str,
    fix: &'static str,
}

fn case(
    name: &'static str,
    config: String,
    line: usize,
    message: &'static str,
    fix: &'static str,
) -> Case {
    Case {
        name,
        config,
        line,
        message,
        fix,
    }
}

fn cases() -> Vec<Case> {
    vec![
        case("toml syntax", format!("{HEAD}{ROOT}[stages.prod\n"), 6, "invalid TOML", "syntax"),
        case(
            "upper-case namespace",
            format!("namespace = \"CPCO\"\nregion = \"us-west-2\"\ntopology = \"single\"\n{ROOT}"),
            1,
            "not a valid label value",
            "use \"cpco\"",
        ),
        case("stage name", format!("{HEAD}{ROOT}[stages.Prod-1]\n"), 6, "stage name \"Prod-1\"", "lower-case"),
        case("tenant label", format!("tenant = \"a b\"\n{HEAD}{ROOT}"), 1, "tenant", "lower-case"),
        case(
            "integer account id",
            format!("{HEAD}[stages.root]\naccount_id = 23330167063\n"),
            5,
            "an integer loses leading zeros",
            "account_id = \"023330167063\"",
        ),
        case("short account id", format!("{HEAD}{ROOT}[stages.prod]\naccount_id = \"1234\"\n"), 7, "not 12 digits", "12-digit"),
        case("bad role", format!("{HEAD}{ROOT}[stages.prod]\nrole = \"not a role\"\n"), 7, "neither an IAM role name", "role name"),
        case(
            "role arn of another kind",
            format!("{HEAD}{ROOT}[stages.prod]\nrole = \"arn:aws:iam::323330167063:user/bob\"\n"),
            7,
            "neither an IAM role name",
            "ARN",
        ),
        case(
            "bad mfa serial",
            format!("mfa_serial = \"arn:aws:iam::323330167063:user/bob\"\n{HEAD}{ROOT}"),
            1,
            "neither an MFA device ARN nor a hardware token's serial number",
            "GAHT12345678",
        ),
        case("bad region", format!("{HEAD}region = \"uswest2\"\n{ROOT}").replacen("region = \"us-west-2\"\n", "", 1), 3, "not an AWS region", "us-west-2"),
        case("bad stage region", format!("{HEAD}{ROOT}region = \"west\"\n"), 6, "not an AWS region", "us-west-2"),
        case("bad partition", format!("partition = \"aws-eu\"\n{HEAD}{ROOT}"), 1, "unknown partition", "aws-us-gov"),
        case(
            "arn in another partition",
            format!("{HEAD}{ROOT}role = \"arn:aws-cn:iam::323330167063:role/admin\"\n"),
            6,
            "partition \"aws-cn\"",
            "partition",
        ),
        case("bad env name", format!("{HEAD}{ROOT}[stages.root.env]\n\"A-B\" = \"x\"\n"), 7, "not a valid environment variable name", "underscores"),
        case("env sets AWS_PROFILE", format!("{HEAD}{ROOT}[stages.root.env]\nAWS_PROFILE = \"x\"\n"), 7, "set by acct itself", "remove it"),
        case("env value not a string", format!("{HEAD}{ROOT}[stages.root.env]\nCOUNT = 3\n"), 7, "must be a string", "double quotes"),
        case("unknown top key", format!("{HEAD}regoin = \"us-west-2\"\n{ROOT}"), 4, "unknown key `regoin`", "did you mean `region`?"),
        case("unknown stage key", format!("{HEAD}{ROOT}acount_id = \"1\"\n"), 6, "unknown key `acount_id`", "did you mean `account_id`?"),
        case("protected not bool", format!("{HEAD}{ROOT}protected = \"yes\"\n"), 6, "must be true or false", "without quotes"),
        case("missing namespace", "region = \"us-west-2\"\ntopology = \"single\"\n[stages.root]\naccount_id = \"323330167063\"\n".into(), 1, "missing required key `namespace`", "namespace = "),
        case("unknown topology", format!("{HEAD}{ROOT}").replace("organization", "organisation"), 3, "unknown topology", "did you mean \"organization\"?"),
        case("no root stage", format!("{HEAD}root_stage = \"mgmt\"\n{ROOT}"), 4, "root stage `mgmt` is not configured", "[stages.mgmt]"),
        case("root without account", format!("{HEAD}[stages.root]\nregion = \"us-east-1\"\n"), 4, "has no account_id", "account_id"),
        case(
            "single with another account",
            format!("{HEAD}{ROOT}[stages.prod]\naccount_id = \"210987654321\"\n").replace("organization", "single"),
            7,
            "every stage is the root account",
            "remove its account_id",
        ),
        case("profile_format token not configured", format!("profile_format = \"{{tenant}}-{{stage}}\"\n{HEAD}{ROOT}"), 1, "`tenant` is not configured", "tenant = "),
        case("profile_format unknown token", format!("profile_format = \"{{namespace}}-{{stag}}\"\n{HEAD}{ROOT}"), 1, "unknown token {stag}", "did you mean {stage}?"),
        case("profile_format without stage", format!("profile_format = \"{{namespace}}-admin\"\n{HEAD}{ROOT}"), 1, "has no {stage}", "include {stage}"),
        case("profile same as source profile", format!("source_profile = \"cpco-root-admin\"\n{HEAD}{ROOT}"), 1, "the same as source_profile", "long-lived"),
        case("prompt_format with escape", format!("prompt_format = \"\\u001b[31m{{stage}}\"\n{HEAD}{ROOT}"), 1, "control character", "plainly"),
        case("shell with open quote", format!("shell = \"bash '--norc\"\n{HEAD}{ROOT}"), 1, "cannot be split", "close the quote"),
        case("stages not a table", format!("{HEAD}stages = \"root\"\n"), 4, "`stages` must be a table", "[stages.root]"),
    ]
}

#[test]
fn every_rule_names_file_line_and_fix_and_exits_2() {
    let mut failures = Vec::new();
    for case in cases() {
        let sandbox = Sandbox::with_config(&case.config);
        let out = sandbox.run(&["list"]);
        let err = stderr(&out);
        let location = format!("acct: {}:{}:", sandbox.user_config().display(), case.line);
        let ok = out.status.code() == Some(2)
            && err.starts_with(&location)
            && err.contains(case.message)
            && err
                .lines()
                .any(|l| l.trim_start().starts_with("fix:") && l.contains(case.fix))
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
    assert!(written.contains("mfa_serial=GAHT12345678\n"), "{written}");
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
    assert!(err.contains(&format!("acct: {path}:4:")), "{err}");
    assert!(err.contains(&format!("acct: {path}:8:")), "{err}");
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
    assert!(stderr(&out).contains(":1:"), "{}", stderr(&out));
    assert!(stderr(&out).contains("not valid UTF-8"), "{}", stderr(&out));

    sandbox.write_user_config("");
    let out = sandbox.run(&["list"]);
    assert_status(&out, 2);
    assert!(
        stderr(&out).contains("missing required key `namespace`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unknown_stage_is_a_usage_error_with_the_closest_name() {
    let sandbox = Sandbox::with_config(MEMBER);
    for args in [&["exec", "prdo", "--", "true"][..], &["env", "prdo"][..]] {
        let out = sandbox.run(args);
        assert_status(&out, 2);
        assert!(
            stderr(&out).contains("unknown stage `prdo`"),
            "{}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("did you mean `prod`?"),
            "{}",
            stderr(&out)
        );
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
    assert!(err.contains("acct init"), "{err}");

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
    assert!(
        names(
            sandbox
                .acct()
                .current_dir(&nested)
                .env("ACCT_CONFIG", &env_file)
        )
        .contains("fromenv")
    );
    assert!(
        names(
            sandbox
                .acct()
                .current_dir(&nested)
                .env("ACCT_CONFIG", &env_file)
                .arg("-c")
                .arg(&flag_file)
        )
        .contains("fromflag")
    );

    // A file named explicitly must exist; acct does not fall back to another.
    let out = sandbox
        .acct()
        .args(["--config", "missing.toml", "list"])
        .output()
        .unwrap();
    assert_status(&out, 2);
    assert!(stderr(&out).contains("missing.toml"), "{}", stderr(&out));
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
