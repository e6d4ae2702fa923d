//! `acct doctor [--sts]`: the AWS config, the source profile and the CLI
//! checked, and with `--sts` the real AWS CLI v2 asking moto's STS who each
//! stage is.

use std::process::Stdio;

use crate::moto::{Moto, aws_v2, aws_v2_racing_on_its_cache};
use crate::util::*;

/// SINGLE without MFA (each STS call would prompt) and with the CLI v2 by path.
fn config() -> String {
    format!(
        "aws_cli = \"{}\"\n{}",
        aws_v2().display(),
        SINGLE.replace("mfa_serial", "# mfa_serial")
    )
}

/// The report line about `subject` (`stage testing (sts)`, `aws cli`, ...).
#[track_caller]
fn line<'o>(output: &'o str, subject: &str) -> &'o str {
    output
        .lines()
        .find(|l| l[4..].trim_start().starts_with(&format!("{subject}:")))
        .unwrap_or_else(|| panic!("no line about {subject} in:\n{output}"))
}

fn point_testing_at_another_account(sandbox: &Sandbox) {
    let path = sandbox.aws_config();
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen(
        "[profile cpco-testing-admin]\nregion=us-west-2\nrole_arn=arn:aws:iam::323330167063:",
        "[profile cpco-testing-admin]\nregion=us-west-2\nrole_arn=arn:aws:iam::111111111111:",
        1,
    );
    assert_ne!(text, edited);
    std::fs::write(&path, edited).unwrap();
}

#[test]
fn doctor_passes_a_right_setup_and_names_what_is_wrong() {
    let sandbox = Sandbox::with_config(&config());
    sandbox.write_aws_files();
    let out = sandbox.run(&["doctor"]);
    assert_status(&out, 0);
    let report = stdout(&out);
    assert!(
        !report.contains('\x1b'),
        "no colour off a terminal: {report}"
    );
    assert!(line(&report, "aws cli").contains("aws-cli/2."), "{report}");
    assert!(
        line(&report, "source profile cpco").starts_with("ok "),
        "{report}"
    );
    for stage in ["testing", "root"] {
        assert!(
            line(&report, &format!("stage {stage}")).starts_with("ok "),
            "{report}"
        );
    }

    point_testing_at_another_account(&sandbox);
    std::fs::remove_file(sandbox.aws_credentials()).unwrap();
    let out = sandbox.run(&["doctor"]);
    assert_status(&out, 1);
    let report = stdout(&out);
    let testing = line(&report, "stage testing");
    assert!(
        testing.starts_with("FAIL")
            && testing.contains("role_arn is arn:aws:iam::111111111111:role/cpco-root-admin"),
        "{report}"
    );
    assert!(line(&report, "stage root").starts_with("ok "), "{report}");
    assert!(
        line(&report, "source profile cpco").starts_with("FAIL"),
        "{report}"
    );

    std::fs::remove_file(sandbox.aws_config()).unwrap();
    let out = sandbox.run(&["doctor", "root"]);
    assert_status(&out, 1);
    assert!(
        line(&stdout(&out), "stage root").contains("missing"),
        "{}",
        stdout(&out)
    );
    assert!(
        !stdout(&out).contains("stage testing"),
        "only the stage asked for"
    );
    assert_status(&sandbox.run(&["doctor", "nosuch"]), 2);
}

/// The README: `ok`, `warn` and `FAIL` are coloured on a terminal (green,
/// yellow, red) unless `NO_COLOR` is set. An AWS CLI v1 is a warning, a
/// stage whose profile was never written a failure.
#[test]
fn doctor_colours_its_marks_on_a_terminal_unless_no_color() {
    let sandbox = Sandbox::new();
    let v1 = sandbox.root.join("aws-v1");
    executable(
        &v1,
        "#!/bin/sh\necho 'aws-cli/1.29.0 Python/3.11.6 Linux/6'\n",
    );
    sandbox.write_user_config(&format!("aws_cli = \"{}\"\n{SINGLE}", v1.display()));
    assert_coloured_unless_no_color(
        &sandbox,
        &["doctor"],
        "stage root: ",
        &[
            ("\x1b[32mok  \x1b[0m  config: ", "ok    config: "),
            ("\x1b[33mwarn\x1b[0m  aws cli: ", "warn  aws cli: "),
            (
                "\x1b[31mFAIL\x1b[0m  stage testing: ",
                "FAIL  stage testing: ",
            ),
        ],
    );
}

#[test]
fn doctor_without_an_aws_cli_fails_and_says_so() {
    let sandbox = Sandbox::with_config(&format!("aws_cli = \"/nonexistent/aws\"\n{SINGLE}"));
    sandbox.write_aws_files();
    let out = sandbox.run(&["doctor", "--sts"]);
    assert_status(&out, 1);
    let report = stdout(&out);
    assert!(line(&report, "aws cli").starts_with("FAIL"), "{report}");
    assert!(
        line(&report, "stage testing (sts)").starts_with("FAIL"),
        "{report}"
    );
}

#[test]
fn doctor_sts_proves_each_stage_and_catches_one_in_another_account() {
    let moto = Moto::proxy();
    let sandbox = Sandbox::with_config(&config());
    sandbox.write_aws_files();
    let doctor = |sandbox: &Sandbox| {
        let mut cmd = sandbox.acct();
        moto.configure(&mut cmd);
        // Stale keys must not leak into the STS calls.
        cmd.env("AWS_ACCESS_KEY_ID", "AKIASTALESTALESTALE1")
            .env("AWS_SECRET_ACCESS_KEY", "stale-secret")
            .env("AWS_PROFILE", "cpco")
            .args(["doctor", "--sts"])
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let out = doctor(&sandbox);
    assert_status(&out, 0);
    let report = stdout(&out);
    // single: every stage is the root account and the root role.
    for stage in ["testing", "root"] {
        assert!(
            line(&report, &format!("stage {stage} (sts)")).starts_with("ok    stage")
                && line(&report, &format!("stage {stage} (sts)")).ends_with(&format!(
                    "account 323330167063, role cpco-root-admin, session {}",
                    session_name()
                )),
            "{report}"
        );
    }

    point_testing_at_another_account(&sandbox);
    let out = doctor(&sandbox);
    assert_status(&out, 1);
    let report = stdout(&out);
    // The gate catches the edited block before STS is asked.
    let testing = line(&report, "stage testing (sts)");
    assert!(
        testing.starts_with("FAIL") && testing.contains("the gate refused the stage"),
        "{report}"
    );
    let gate = line(&report, "stage testing (gate)");
    assert!(
        gate.starts_with("FAIL") && gate.contains("role_arn=arn:aws:iam::111111111111:"),
        "{report}"
    );
    assert!(
        line(&report, "stage root (sts)").starts_with("ok "),
        "{report}"
    );
}

/// Of two first AWS CLI calls side by side in a new home, one failed on
/// the CLI's own cache race (see `aws_v2_racing_on_its_cache`): doctor
/// makes the directory, private, before the calls start.
#[test]
fn doctor_sts_in_a_new_home_does_not_trip_the_aws_clis_cache_race() {
    let moto = Moto::proxy();
    let sandbox = Sandbox::new();
    let cache = sandbox.home.join(".aws/cli/cache");
    let racing = aws_v2_racing_on_its_cache(&sandbox.root.join("racing-aws"));
    sandbox.write_user_config(&config().replacen(
        &aws_v2().display().to_string(),
        &racing.display().to_string(),
        1,
    ));
    sandbox.write_aws_files();
    assert!(!cache.exists(), "a new home has no role cache yet");
    let mut cmd = sandbox.acct();
    moto.configure(&mut cmd);
    let out = cmd
        .args(["doctor", "--sts"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_status(&out, 0);
    let report = stdout(&out);
    for stage in ["testing", "root"] {
        assert!(
            line(&report, &format!("stage {stage} (sts)")).starts_with("ok "),
            "{report}"
        );
    }
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&cache).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "the role cache holds credentials");
}

/// `aws_cli` given as a path is read as `aws_config_file` is: `~` is the
/// home folder and a relative path counts from the config's folder, so it is
/// the same program from any directory.
#[test]
fn aws_cli_paths_count_from_home_and_the_configs_folder() {
    let sandbox = Sandbox::new();
    for (written, file) in [
        ("~/bin/aws", sandbox.home.join("bin/aws")),
        ("tools/aws", sandbox.home.join(".config/acct/tools/aws")),
    ] {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        executable(
            &file,
            "#!/bin/sh\necho 'aws-cli/2.99.0 Python/3.11 Linux/6 exe/x86_64'\n",
        );
        sandbox.write_user_config(&format!("aws_cli = \"{written}\"\n{SINGLE}"));
        let out = sandbox.run(&["doctor"]);
        let report = stdout(&out);
        assert!(
            line(&report, "aws cli").contains("aws-cli/2.99.0"),
            "{written}: {report}"
        );
        std::fs::remove_file(&file).unwrap();
    }
}
