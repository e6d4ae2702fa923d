//! End to end: the real AWS CLI (v2 and v1) inside `acct exec` lands in the
//! account and role SPEC says, against moto's STS on 127.0.0.1, even with
//! stale keys inherited.

use std::path::Path;

use crate::moto::{Moto, aws_v1, aws_v2};
use crate::tools;
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

/// The session part of an `assumed-role/ROLE/SESSION` ARN.
fn session_of(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap()
}

/// The host name as `{host}` has it: up to the first dot.
fn short_host() -> String {
    let host = nix::unistd::gethostname().unwrap().into_string().unwrap();
    host.split('.').next().unwrap().to_string()
}

/// Issue 24: CloudTrail names the person. By default the session is the
/// login name; `role_session_name` with placeholders names it otherwise;
/// the AWS CLI v2 answers with it, in every layout.
#[test]
fn aws_cli_v2_names_the_role_session_as_configured() {
    let moto = Moto::shared_proxy();
    let aws = aws_v2();
    let custom = format!("{}@{}.cpco-testing", session_name(), short_host());
    for (format, config, role, session) in [
        ("", SINGLE, "cpco-root-admin", session_name()),
        ("", MEMBER, "cpco-testing-admin", session_name()),
        (
            "role_session_name = \"{user}@{host}.{namespace}-{stage}\"\n",
            ORGANIZATION,
            "OrganizationAccountAccessRole",
            custom,
        ),
        (
            "role_session_name = \"ci\"\n",
            MEMBER,
            "cpco-testing-admin",
            "ci".into(),
        ),
    ] {
        let sandbox = Sandbox::with_config(&format!("{format}{config}"));
        sandbox.write_aws_files();
        let (_, arn) = caller_identity(&sandbox, &moto, &aws, "testing");
        assert!(arn.contains(&format!(":assumed-role/{role}/")), "{arn}");
        assert_eq!(session_of(&arn), session, "{format}{arn}");
    }
}

/// The same with the AWS CLI v1 (botocore, as boto3 reads the profile).
#[test]
fn aws_cli_v1_names_the_role_session_as_configured() {
    let moto = Moto::shared_server();
    let aws = aws_v1();
    for (format, session) in [
        ("", session_name()),
        (
            "role_session_name = \"{namespace}.{user}\"\n",
            format!("cpco.{}", session_name()),
        ),
    ] {
        let sandbox = Sandbox::with_config(&format!("{format}{KEEP_LOCAL_ENDPOINTS}{MEMBER}"));
        sandbox.write_aws_files();
        let (_, arn) = caller_identity(&sandbox, &moto, &aws, "testing");
        assert_eq!(session_of(&arn), session, "{format}{arn}");
    }
}

/// Terraform's AWS provider (the Go SDK v2) reads `role_session_name` too.
#[test]
fn terraform_names_the_role_session_as_configured() {
    let test = "terraform_names_the_role_session_as_configured";
    let Some((terraform, plugins)) = tools::terraform_with_plugins_or_skip(test) else {
        return;
    };
    let moto = Moto::shared_proxy();
    let sandbox = Sandbox::with_config(&format!(
        "role_session_name = \"tf.{{user}}\"\n{KEEP_LOCAL_ENDPOINTS}{MEMBER}"
    ));
    sandbox.write_aws_files();
    let arn = crate::client_model::terraform_arn(&sandbox, &terraform, &plugins, &moto);
    assert_eq!(
        arn,
        format!(
            "arn:aws:sts::126450723953:assumed-role/cpco-testing-admin/tf.{}",
            session_name()
        )
    );
}
