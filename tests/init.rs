//! `acct init`: a starter config from options or from answers on a terminal,
//! one that acct accepts and renders; an existing file is never replaced
//! without `--force`.

use crate::util::*;

/// A member estate: root, dev in the root account, prod in its own.
fn member_options() -> Vec<&'static str> {
    let mut options = init_options("member", "root,dev,prod");
    options.push("--account=prod=210987654321");
    options
}

/// What `member_options` renders: dev in the root account, with the root's
/// role.
fn member_profiles() -> String {
    let role = |stage: &str, role_arn: &str| {
        role_profile(
            &format!("cpco-{stage}-admin"),
            "us-west-2",
            role_arn,
            "cpco",
        )
    };
    profiles(&[
        role("root", "arn:aws:iam::323330167063:role/cpco-root-admin"),
        role("dev", "arn:aws:iam::323330167063:role/cpco-root-admin"),
        role("prod", "arn:aws:iam::210987654321:role/cpco-prod-admin"),
    ])
}

#[test]
fn init_with_options_writes_a_config_that_renders() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&member_options());
    assert_status(&out, 0);
    assert_contains(&stderr(&out), "wrote");
    assert!(sandbox.user_config().is_file());

    let out = sandbox.run(&["aws-config"]);
    assert_status(&out, 0);
    assert_text(&member_profiles(), &stdout(&out));
}

/// The MFA answers and the protected stages as options; `--config FILE`
/// is the file written, and every next step names it.
#[test]
fn init_options_carry_the_mfa_device_session_and_protected_stages() {
    let sandbox = Sandbox::new();
    let file = sandbox.root.join("estates/cpco.toml");
    let mut args = vec!["--config", file.to_str().unwrap()];
    args.extend(member_options());
    args.extend("--source-profile me --mfa-serial GAHT12345678 --protected dev,prod".split(' '));
    let out = sandbox.run(&args);
    assert_status(&out, 0);
    let said = stderr(&out);
    assert_contains(&said, &format!("`acct --config {} list`", file.display()));
    assert!(
        !sandbox.user_config().exists(),
        "--config is the file written"
    );
    let out = sandbox.run(&["--config", file.to_str().unwrap(), "list", "--json"]);
    assert_status(&out, 0);
    let stages: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let protected: Vec<bool> = stages
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["protected"].as_bool().unwrap())
        .collect();
    assert_eq!(protected, [false, true, true]);
    let out = sandbox.run(&["--config", file.to_str().unwrap(), "aws-config"]);
    let profiles = stdout(&out);
    assert!(
        profiles.contains("credential_process=")
            && profiles.contains("--source-profile me --mfa-serial GAHT12345678"),
        "a code a day by default with a device:\n{profiles}"
    );

    // The same account for two stages is refused, nothing written.
    let again = sandbox.root.join("estates/again.toml");
    let mut args = vec!["--config", again.to_str().unwrap()];
    args.extend(member_options());
    args.push("--account=dev=210987654321");
    let out = sandbox.run(&args);
    assert_status(&out, 2);
    assert_contains(&stderr(&out), "already stage `");
    assert!(!again.exists());
}

#[test]
fn init_never_replaces_a_file_without_force() {
    let sandbox = Sandbox::with_config("# my own config, half written\nnamespace = \"x\n");
    let before = std::fs::read(sandbox.user_config()).unwrap();
    let out = sandbox.run(&member_options());
    assert_status(&out, 1);
    assert_contains(&stderr(&out), "already exists");
    assert_contains(&stderr(&out), "--force");
    assert_eq!(before, std::fs::read(sandbox.user_config()).unwrap());

    let mut forced = member_options();
    forced.push("--force");
    let out = sandbox.run(&forced);
    assert_status(&out, 0);
    let out = sandbox.run(&["aws-config"]);
    assert_text(&member_profiles(), &stdout(&out));
}

#[test]
fn init_force_on_a_symlinked_config_updates_the_real_file_and_keeps_the_link() {
    use std::os::unix::fs::PermissionsExt;

    let sandbox = Sandbox::new();
    let real = sandbox.write("dotfiles/acct/config.toml", "# old\n");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink(&real, sandbox.user_config()).unwrap();
    let mut forced = member_options();
    forced.push("--force");
    assert_status(&sandbox.run(&forced), 0);
    let link = std::fs::symlink_metadata(sandbox.user_config()).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced by a file"
    );
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("namespace = \"cpco\"")
    );
    assert_eq!(
        std::fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let leftovers: Vec<_> = std::fs::read_dir(real.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["config.toml"], "a temp file was left behind");
}

#[test]
fn init_refuses_bad_answers_and_writes_nothing() {
    let sandbox = Sandbox::new();
    let target = sandbox.root.join("elsewhere/acct.toml");
    let path = target.to_str().unwrap();
    let mut args = member_options();
    args.extend(["--path", path, "--account", "qa=123456789012"]);
    let out = sandbox.run(&args);
    assert_status(&out, 2);
    assert_contains(&stderr(&out), "not in --stages");
    assert_contains(&stderr(&out), "fix: ");
    assert!(!target.exists());

    // Without a terminal to ask on, every answer must be an option.
    let out = sandbox
        .acct()
        .args(["init", "--path", path])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_status(&out, 2);
    assert_contains(&stderr(&out), "--namespace, --region");
    assert!(!target.exists());
}

#[test]
fn init_asks_on_a_terminal_and_writes_a_valid_config() {
    let sandbox = Sandbox::new();
    init_on_a_terminal(
        &sandbox,
        &[
            ("Sign-in [iam]: ", ""),
            ("Layout [single]: ", "organization"),
            ("Namespace", "Cpco"),
            ("Namespace", "cpco"),
            // A region a typo away from a known one is asked again right here.
            ("Default region [us-east-1]: ", "eu-wset-1"),
            ("Default region [us-east-1]: ", "eu-west-1"),
            ("Root account id", "323330167063"),
            ("Stage names", "dev, prod"),
            ("Account id of `dev`", ""),
            // The root's account for prod: refused at its prompt.
            ("Account id of `prod`", "323330167063"),
            ("already stage `root`'s", "210987654321"),
            (
                "Source profile (the one with your long-lived keys) [cpco]: ",
                "",
            ),
            ("MFA device", "arn:aws:iam::323330167063:mfa/me"),
            ("One MFA session for every stage and client", ""),
            // prod is offered as protected.
            ("comma separated [prod]: ", ""),
        ],
    );
    let written = std::fs::read_to_string(sandbox.user_config()).unwrap();
    for line in [
        "mfa_serial = \"arn:aws:iam::323330167063:mfa/me\"\n",
        "mfa_session = true\n",
    ] {
        assert!(written.contains(line), "no {line:?} in\n{written}");
    }

    let out = sandbox.run(&["list", "--json"]);
    assert_status(&out, 0);
    let stages: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let summary: Vec<(String, String, String)> = stages
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let field = |k: &str| s[k].as_str().unwrap_or_default().to_string();
            (field("stage"), field("account_id"), field("region"))
        })
        .collect();
    let expected = [
        ("root", "323330167063", "eu-west-1"),
        ("dev", "323330167063", "eu-west-1"),
        ("prod", "210987654321", "eu-west-1"),
    ]
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
    assert_eq!(summary, expected);
    // A stage named prod starts protected.
    let protected: Vec<bool> = stages
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["protected"].as_bool().unwrap_or_default())
        .collect();
    assert_eq!(protected, [false, false, true]);
    // The README's next step writes the profiles; then the stage is entered.
    sandbox.write_block();
    let out = sandbox.run(&["exec", "--yes", "prod", "--", "printenv", "ACCT_ROLE_ARN"]);
    assert_text(
        "arn:aws:iam::210987654321:role/OrganizationAccountAccessRole\n",
        &stdout(&out),
    );
}
