//! End to end: the real AWS CLI (v2 and v1) inside `acct exec` lands in the
//! account and role SPEC says, against moto's STS on 127.0.0.1, even with
//! stale keys inherited.

use std::path::Path;

use crate::moto::{Moto, aws_v1, aws_v2};
use crate::util::*;

/// `acct exec STAGE -- aws sts get-caller-identity`, stale keys inherited,
/// an MFA code typed on stdin; gives (account, ARN).
fn caller_identity(sandbox: &Sandbox, moto: &Moto, aws: &Path, stage: &str) -> (String, String) {
    let mut cmd = sandbox.acct();
    moto.configure(&mut cmd);
    cmd.env("AWS_ACCESS_KEY_ID", "AKIASTALESTALESTALE1")
        .env("AWS_SECRET_ACCESS_KEY", "stale-secret")
        .env("AWS_SESSION_TOKEN", "stale-token")
        .env("AWS_PROFILE", "cpco")
        .args(["exec", "--yes", stage, "--"])
        .arg(aws)
        .args(["sts", "get-caller-identity", "--output", "json"]);
    let out = output_with_input(&mut cmd, b"123456\n");
    assert_status(&out, 0);
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("caller identity JSON");
    (
        json["Account"].as_str().unwrap().into(),
        json["Arn"].as_str().unwrap().into(),
    )
}

#[track_caller]
fn assert_identity(got: (String, String), account: &str, role: &str) {
    assert_eq!(got.0, account, "account of {}", got.1);
    let prefix = format!("arn:aws:sts::{account}:assumed-role/{role}/");
    assert!(
        got.1.starts_with(&prefix),
        "expected an ARN starting {prefix}, got {}",
        got.1
    );
}

/// The three layouts with the CLI v2, the one people install today.
#[test]
fn aws_cli_v2_lands_in_the_spec_account_and_role() {
    let moto = Moto::proxy();
    let aws = aws_v2();
    for (config, stage, account, role) in [
        (
            ORGANIZATION,
            "testing",
            "126450723953",
            "OrganizationAccountAccessRole",
        ),
        (SINGLE, "testing", "323330167063", "cpco-root-admin"),
        (SINGLE, "root", "323330167063", "cpco-root-admin"),
        (MEMBER, "testing", "126450723953", "cpco-testing-admin"),
        (MEMBER, "prod", "010987654321", "cpco-prod-admin"),
    ] {
        let sandbox = Sandbox::with_config(config);
        sandbox.write_aws_files();
        let got = caller_identity(&sandbox, &moto, &aws, stage);
        assert_identity(got, account, role);
    }
}

#[test]
fn aws_cli_v1_lands_in_the_spec_account_and_role() {
    let moto = Moto::server();
    let aws = aws_v1();
    for (config, account, role) in [
        (
            ORGANIZATION,
            "126450723953",
            "OrganizationAccountAccessRole",
        ),
        (SINGLE, "323330167063", "cpco-root-admin"),
        (MEMBER, "126450723953", "cpco-testing-admin"),
    ] {
        let sandbox = Sandbox::with_config(&format!("{KEEP_LOCAL_ENDPOINTS}{config}"));
        sandbox.write_aws_files();
        let got = caller_identity(&sandbox, &moto, &aws, "testing");
        assert_identity(got, account, role);
    }
}
