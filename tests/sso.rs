//! Estates that sign in through IAM Identity Center (`[sso]`, issue 13):
//! the rendered `sso-session` and profiles, validation, conflicts, `acct
//! login` with a fake `aws`, `acct doctor` reading the token cache, `acct init`.

use crate::util::*;

const SSO: &str = r#"
[sso]
start_url = "https://d-1234567890.awsapps.com/start"
region = "us-east-1"
role = "AdministratorAccess"
"#;

fn config(topology: &str, stages: &str) -> String {
    format!(
        "namespace = \"cpco\"\nregion = \"us-west-2\"\ntopology = \"{topology}\"\n{SSO}\n{stages}"
    )
}

const SESSION: &str = "\
[sso-session cpco]
sso_start_url=https://d-1234567890.awsapps.com/start
sso_region=us-east-1
sso_registration_scopes=sso:account:access
";

fn organization() -> String {
    config(
        "organization",
        "[stages.root]\naccount_id = \"323330167063\"\n\n[stages.testing]\naccount_id = \"126450723953\"\n\n[stages.prod]\naccount_id = \"210987654321\"\nsso_role = \"ReadOnlyAccess\"\nregion = \"eu-west-1\"\n\n[stages.sandbox]\n",
    )
}

#[test]
fn organization_renders_the_session_then_one_sso_profile_per_account() {
    let sandbox = Sandbox::with_config(&organization());
    let out = sandbox.run(&["aws-config"]);
    assert_status(&out, 0);
    let expected = format!(
        "{SESSION}
[profile cpco-root-admin]
region=us-west-2
sso_session=cpco
sso_account_id=323330167063
sso_role_name=AdministratorAccess

[profile cpco-testing-admin]
region=us-west-2
sso_session=cpco
sso_account_id=126450723953
sso_role_name=AdministratorAccess

[profile cpco-prod-admin]
region=eu-west-1
sso_session=cpco
sso_account_id=210987654321
sso_role_name=ReadOnlyAccess

[profile cpco-sandbox-admin]
region=us-west-2
role_arn=arn:aws:iam::323330167063:role/cpco-root-admin
source_profile=cpco-root-admin
"
    );
    assert_text(&expected, &stdout(&out));
}

#[test]
fn member_renders_sso_profiles_for_every_account() {
    let sandbox = Sandbox::with_config(&config(
        "member",
        "[stages.root]\naccount_id = \"323330167063\"\n\n[stages.testing]\naccount_id = \"010987654321\"\n",
    ));
    let out = sandbox.run(&["aws-config"]);
    assert_status(&out, 0);
    let expected = format!(
        "{SESSION}
[profile cpco-root-admin]
region=us-west-2
sso_session=cpco
sso_account_id=323330167063
sso_role_name=AdministratorAccess

[profile cpco-testing-admin]
region=us-west-2
sso_session=cpco
sso_account_id=010987654321
sso_role_name=AdministratorAccess
"
    );
    assert_text(&expected, &stdout(&out));
}

#[test]
fn single_signs_in_to_the_root_and_every_other_stage_assumes_its_role() {
    let sandbox = Sandbox::with_config(&config(
        "single",
        "[stages.testing]\n\n[stages.staging]\nrole = \"cpco-staging-admin\"\n\n[stages.root]\naccount_id = \"323330167063\"\n",
    ));
    let out = sandbox.run(&["aws-config"]);
    assert_status(&out, 0);
    let expected = format!(
        "{SESSION}
[profile cpco-testing-admin]
region=us-west-2
role_arn=arn:aws:iam::323330167063:role/cpco-root-admin
source_profile=cpco-root-admin

[profile cpco-staging-admin]
region=us-west-2
role_arn=arn:aws:iam::323330167063:role/cpco-staging-admin
source_profile=cpco-root-admin

[profile cpco-root-admin]
region=us-west-2
sso_session=cpco
sso_account_id=323330167063
sso_role_name=AdministratorAccess
"
    );
    assert_text(&expected, &stdout(&out));
}

#[test]
fn the_shipped_example_renders() {
    let sandbox = Sandbox::new();
    let path = repo_file("examples/identity-center.toml");
    let out = sandbox.run(&["--config", path.to_str().unwrap(), "aws-config"]);
    assert_status(&out, 0);
    let text = stdout(&out);
    assert!(text.starts_with(SESSION), "{text}");
    assert!(text.contains("[profile cpco-prod-admin]\nregion=us-west-2\nsso_session=cpco\nsso_account_id=210987654321\nsso_role_name=ReadOnlyAccess\n"), "{text}");
}

#[test]
fn sso_region_defaults_to_the_config_region() {
    let text = organization().replace("region = \"us-east-1\"\n", "");
    let sandbox = Sandbox::with_config(&text);
    let out = sandbox.run(&["aws-config"]);
    assert_status(&out, 0);
    assert!(stdout(&out).contains("sso_region=us-west-2\n"), "{}", stdout(&out));
}

#[test]
fn write_is_byte_exact_and_idempotent_and_keeps_the_users_text() {
    let sandbox = Sandbox::with_config(&organization());
    let user = "[default]\nregion = us-east-1\n\n[sso-session other]\nsso_start_url = https://other.awsapps.com/start\n";
    std::fs::write(sandbox.aws_config(), user).unwrap();
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    let first = std::fs::read_to_string(sandbox.aws_config()).unwrap();
    assert!(first.starts_with(user), "{first}");
    let rendered = stdout(&sandbox.run(&["aws-config"]));
    assert!(first.contains(&rendered), "{first}");
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    assert_text(&first, &std::fs::read_to_string(sandbox.aws_config()).unwrap());
    assert_status(&sandbox.run(&["aws-config", "--check"]), 0);
}

#[test]
fn a_users_own_sso_session_of_the_namespace_is_a_conflict() {
    for (header, spelled) in [
        ("[sso-session cpco]", ""),
        ("[sso-session \"cpco\"]", "(as `[sso-session \"cpco\"]`"),
    ] {
        let sandbox = Sandbox::with_config(&organization());
        let user = format!("[default]\nregion = us-east-1\n\n{header}\nsso_start_url = https://mine.awsapps.com/start\n");
        std::fs::write(sandbox.aws_config(), &user).unwrap();
        let out = sandbox.run(&["aws-config", "--write"]);
        assert_status(&out, 1);
        let err = stderr(&out);
        assert!(
            err.contains(":4: `[sso-session cpco]` is already defined outside acct's block"),
            "{err}"
        );
        assert!(err.contains(spelled), "{err}");
        assert!(err.contains("--adopt"), "{err}");
        assert_text(&user, &std::fs::read_to_string(sandbox.aws_config()).unwrap());
        // --adopt takes it into the block.
        let out = sandbox.run(&["aws-config", "--write", "--adopt"]);
        assert_status(&out, 0);
        let text = std::fs::read_to_string(sandbox.aws_config()).unwrap();
        assert!(!text.contains("mine.awsapps.com"), "{text}");
        assert_eq!(text.matches("sso-session").count(), 1, "{text}");
    }
}

#[test]
fn another_namespaces_sso_session_is_not_a_conflict() {
    let sandbox = Sandbox::with_config(&organization());
    std::fs::write(
        sandbox.aws_config(),
        "[sso-session cpcox]\n[sso-session cpco x]\n[profile sso-session]\n",
    )
    .unwrap();
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
}

/// `acct list` on `text`: exit 2 and each of `wanted` in stderr.
#[track_caller]
fn rejected(text: &str, wanted: &[&str]) {
    let sandbox = Sandbox::with_config(text);
    let out = sandbox.run(&["list"]);
    assert_status(&out, 2);
    let err = stderr(&out);
    for want in wanted {
        assert!(err.contains(want), "want {want:?} in\n{err}");
    }
}

#[test]
fn combinations_that_make_no_sense_are_errors_with_a_fix() {
    let path = |line: usize, column: usize| format!("config.toml:{line}:{column}:");
    // mfa_serial and mfa_session with [sso]
    let text = organization().replace(
        "topology = \"organization\"\n",
        "topology = \"organization\"\nmfa_serial = \"arn:aws:iam::323330167063:mfa/me\"\nmfa_session = true\n",
    );
    rejected(
        &text,
        &[
            &format!("{} `mfa_serial` makes no sense with [sso]", path(4, 14)),
            &format!("{} `mfa_session` makes no sense with [sso]", path(5, 15)),
            "fix: remove `mfa_serial`, or remove [sso]",
        ],
    );
    // no start_url, no role
    rejected(
        &organization().replace("start_url = \"https://d-1234567890.awsapps.com/start\"\n", ""),
        &[&format!("{} [sso] has no start_url", path(5, 1)), "fix: add start_url ="],
    );
    rejected(
        &organization().replace("role = \"AdministratorAccess\"\n", ""),
        &["[sso] has no role", "fix: add role = \"AdministratorAccess\""],
    );
    // unknown key, a typo
    rejected(
        &organization().replace("role = ", "rol = "),
        &["unknown key `rol` in [sso]", "did you mean `role`?"],
    );
    // not https; a region that is not one
    rejected(
        &organization().replace("https://d-", "http://d-"),
        &["is not an https URL"],
    );
    rejected(
        &organization().replace("\"us-east-1\"", "\"US East\""),
        &["US East"],
    );
    // sso_role on a virtual stage; `role` on a stage of its own account
    rejected(
        &organization().replace("[stages.sandbox]\n", "[stages.sandbox]\nsso_role = \"ReadOnlyAccess\"\n"),
        &["stage `sandbox` has no account of its own", "fix: remove `sso_role`"],
    );
    rejected(
        &organization().replace(
            "account_id = \"126450723953\"\n",
            "account_id = \"126450723953\"\nrole = \"Deployer\"\n",
        ),
        &["stage `testing` signs in to its account with a permission set", "sso_role"],
    );
    // sso_role without [sso]
    rejected(
        &MEMBER.replace("[stages.prod]\n", "[stages.prod]\nsso_role = \"ReadOnlyAccess\"\n"),
        &["`sso_role` in [stages.prod] needs an [sso] table"],
    );
}
