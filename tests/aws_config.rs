//! `acct aws-config`: the profiles, byte for byte, for the three layouts.

use crate::util::*;

/// The profile text between two markers of the reference notes.
fn notes_block(after: &str, before: &str) -> String {
    let notes = std::fs::read_to_string(repo_file(
        "tests/fixtures/notes-on-multiple-aws-accounts.txt",
    ))
    .unwrap();
    let start = notes.find(after).expect("start marker") + after.len();
    let end = start + notes[start..].find(before).expect("end marker");
    with_session_names(notes[start..end].trim()) + "\n"
}

/// The notes' profiles as acct renders them since issue 24: each role's
/// session named after the person (`role_session_name`).
fn with_session_names(profiles: &str) -> String {
    profiles
        .lines()
        .map(|line| {
            if line.starts_with("source_profile=") {
                format!("{line}\nrole_session_name={}", session_name())
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn instead_of_this() -> String {
    notes_block(
        "instead of this profile configuration:\n\n~/.aws/config\n\n",
        "\nWe use this:",
    )
}

fn we_use_this() -> String {
    notes_block(
        "We use this:\n\n~/.aws/config\n\n",
        "\nFrom different geodesic shells",
    )
}

#[test]
fn organization_gives_the_notes_instead_of_this_profiles() {
    let sandbox = Sandbox::with_config(ORGANIZATION);
    let out = sandbox.run(&["aws-config"]);
    assert_status(&out, 0);
    assert_text(&instead_of_this(), &stdout(&out));
}

#[test]
fn single_gives_the_notes_we_use_this_profiles() {
    let sandbox = Sandbox::with_config(SINGLE);
    let out = sandbox.run(&["aws-config"]);
    assert_status(&out, 0);
    assert_text(&we_use_this(), &stdout(&out));
}

#[test]
fn shipped_examples_render_the_notes() {
    let sandbox = Sandbox::new();
    for (example, expected) in [
        ("organization", instead_of_this()),
        ("single", we_use_this()),
    ] {
        let path = repo_file(&format!("examples/{example}.toml"));
        let out = sandbox.run(&["--config", path.to_str().unwrap(), "aws-config"]);
        assert_status(&out, 0);
        assert_text(&expected, &stdout(&out));
    }
}

#[test]
fn member_uses_each_stages_own_admin_role_and_keeps_leading_zeros() {
    let sandbox = Sandbox::with_config(MEMBER);
    let out = sandbox.run(&["aws-config"]);
    assert_status(&out, 0);
    // Each stage's own admin role, with the long-lived keys of `cpco`.
    let admin = |stage: &str, region: &str, account: &str| {
        let arn = format!("arn:aws:iam::{account}:role/cpco-{stage}-admin");
        role_profile(&format!("cpco-{stage}-admin"), region, &arn, "cpco")
    };
    let expected = profiles(&[
        admin("root", "us-west-2", "323330167063"),
        admin("testing", "us-west-2", "126450723953"),
        admin("prod", "eu-west-1", "010987654321"),
    ]);
    assert_text(&expected, &stdout(&out));
}

#[test]
fn roles_partitions_formats_and_virtual_stages_resolve_per_spec() {
    let sandbox = Sandbox::with_config(
        r#"
namespace = "acme"
tenant = "core"
region = "us-gov-west-1"
partition = "aws-us-gov"
topology = "organization"
source_profile = "acme-sso"
profile_format = "{namespace}-{tenant}-{stage}"
root_stage = "mgmt"

[stages.mgmt]
account_id = "000000000042"
role = "Admin"

[stages.sandbox]

[stages.audit]
role = "Auditor"

[stages.prod]
account_id = "210987654321"
role = "arn:aws-us-gov:iam::210987654321:role/ops/Deploy"

[stages.dev]
account_id = "111111111111"
"#,
    );
    let out = sandbox.run(&["aws-config"]);
    assert_status(&out, 0);
    let acme = |stage: &str, role_arn: &str| {
        role_profile(
            &format!("acme-core-{stage}"),
            "us-gov-west-1",
            role_arn,
            "acme-sso",
        )
    };
    let expected = profiles(&[
        acme("mgmt", "arn:aws-us-gov:iam::000000000042:role/Admin"),
        acme("sandbox", "arn:aws-us-gov:iam::000000000042:role/Admin"),
        acme("audit", "arn:aws-us-gov:iam::000000000042:role/Auditor"),
        acme("prod", "arn:aws-us-gov:iam::210987654321:role/ops/Deploy"),
        acme(
            "dev",
            "arn:aws-us-gov:iam::111111111111:role/OrganizationAccountAccessRole",
        ),
    ]);
    assert_text(&expected, &stdout(&out));
}
