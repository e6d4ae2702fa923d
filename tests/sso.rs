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
        "{KEEP_LOCAL_ENDPOINTS}namespace = \"cpco\"\nregion = \"us-west-2\"\ntopology = \"{topology}\"\n{SSO}\n{stages}"
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

/// The profile of a stage that signs in to `account` with the permission
/// set `set`, through the session.
fn signs_in(stage: &str, region: &str, account: &str, set: &str) -> String {
    format!(
        "[profile cpco-{stage}-admin]\nregion={region}\nsso_session=cpco\nsso_account_id={account}\nsso_role_name={set}\n"
    )
}

/// A stage that signs in to its `account` with the default permission set,
/// `AdministratorAccess`, in the config's region.
fn admin_in(stage: &str, account: &str) -> String {
    signs_in(stage, "us-west-2", account, "AdministratorAccess")
}

/// The root stage's profile.
fn root_signs_in() -> String {
    admin_in("root", "323330167063")
}

/// The profile of a stage in the root account: `role` there, assumed with
/// the root's permission set.
fn assumes(stage: &str, role: &str) -> String {
    role_profile(
        &format!("cpco-{stage}-admin"),
        "us-west-2",
        &format!("arn:aws:iam::323330167063:role/{role}"),
        "cpco-root-admin",
    )
}

/// `acct aws-config` prints exactly the session, then `profiles`.
#[track_caller]
fn assert_renders(sandbox: &Sandbox, profiles: &[String]) {
    let out = sandbox.run(&["aws-config"]);
    assert_status(&out, 0);
    assert_text(
        &format!("{SESSION}\n{}", profiles.join("\n")),
        &stdout(&out),
    );
}

#[test]
fn organization_renders_the_session_then_one_sso_profile_per_account() {
    let sandbox = Sandbox::with_config(&organization());
    assert_renders(
        &sandbox,
        &[
            root_signs_in(),
            admin_in("testing", "126450723953"),
            signs_in("prod", "eu-west-1", "210987654321", "ReadOnlyAccess"),
            assumes("sandbox", "cpco-root-admin"),
        ],
    );
}

#[test]
fn member_renders_sso_profiles_for_every_account() {
    let sandbox = Sandbox::with_config(&config(
        "member",
        "[stages.root]\naccount_id = \"323330167063\"\n\n[stages.testing]\naccount_id = \"010987654321\"\n",
    ));
    assert_renders(
        &sandbox,
        &[root_signs_in(), admin_in("testing", "010987654321")],
    );
}

#[test]
fn single_signs_in_to_the_root_and_every_other_stage_assumes_its_role() {
    let sandbox = Sandbox::with_config(&config(
        "single",
        "[stages.testing]\n\n[stages.staging]\nrole = \"cpco-staging-admin\"\n\n[stages.root]\naccount_id = \"323330167063\"\n",
    ));
    assert_renders(
        &sandbox,
        &[
            assumes("testing", "cpco-root-admin"),
            assumes("staging", "cpco-staging-admin"),
            root_signs_in(),
        ],
    );
}

#[test]
fn the_shipped_example_renders() {
    let sandbox = Sandbox::new();
    let path = repo_file("examples/identity-center.toml");
    let out = sandbox.run(&["--config", path.to_str().unwrap(), "aws-config"]);
    assert_status(&out, 0);
    let text = stdout(&out);
    assert!(text.starts_with(SESSION), "{text}");
    // The README's rendering names the sessions `alice`, whoever runs this.
    let mine = format!("role_session_name={}\n", session_name());
    assert_contains(&text, &mine);
    let text = text.replace(&mine, "role_session_name=alice\n");
    assert_contains(
        &text,
        "[profile cpco-prod-admin]\nregion=us-west-2\nsso_session=cpco\nsso_account_id=210987654321\nsso_role_name=ReadOnlyAccess\n",
    );
    // The README shows the example and exactly what it renders.
    let readme = std::fs::read_to_string(repo_file("README.md")).unwrap();
    let example = std::fs::read_to_string(&path).unwrap();
    assert!(
        readme.contains(&format!("```toml\n{example}```")),
        "README shows examples/identity-center.toml"
    );
    assert!(
        readme.contains(&format!("```ini\n{text}```")),
        "README shows its rendering"
    );
}

#[test]
fn sso_region_defaults_to_the_config_region() {
    let text = organization().replace("region = \"us-east-1\"\n", "");
    let sandbox = Sandbox::with_config(&text);
    let out = sandbox.run(&["aws-config"]);
    assert_status(&out, 0);
    assert_contains(&stdout(&out), "sso_region=us-west-2\n");
}

#[test]
fn write_is_byte_exact_and_idempotent_and_keeps_the_users_text() {
    let sandbox = Sandbox::with_config(&organization());
    let user = "[default]\nregion = us-east-1\n\n[sso-session other]\nsso_start_url = https://other.awsapps.com/start\n";
    assert_status(&sandbox.write_block_over(user), 0);
    let first = std::fs::read_to_string(sandbox.aws_config()).unwrap();
    assert!(first.starts_with(user), "{first}");
    let rendered = stdout(&sandbox.run(&["aws-config"]));
    assert!(first.contains(&rendered), "{first}");
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    assert_text(
        &first,
        &std::fs::read_to_string(sandbox.aws_config()).unwrap(),
    );
    assert_status(&sandbox.run(&["aws-config", "--check"]), 0);
}

#[test]
fn a_users_own_sso_session_of_the_namespace_is_a_conflict() {
    for (header, spelled) in [
        ("[sso-session cpco]", ""),
        ("[sso-session \"cpco\"]", "(as `[sso-session \"cpco\"]`"),
    ] {
        let sandbox = Sandbox::with_config(&organization());
        let user = format!(
            "[default]\nregion = us-east-1\n\n{header}\nsso_start_url = https://mine.awsapps.com/start\n"
        );
        let out = sandbox.write_block_over(&user);
        assert_status(&out, 1);
        let err = stderr(&out);
        assert_contains(
            &err,
            ":4: `[sso-session cpco]` is already defined outside acct's block",
        );
        assert!(err.contains(spelled), "{err}");
        assert_contains(&err, "--adopt");
        assert_text(
            &user,
            &std::fs::read_to_string(sandbox.aws_config()).unwrap(),
        );
        // --adopt takes it into the block.
        let out = sandbox.run(&["aws-config", "--write", "--adopt"]);
        assert_status(&out, 0);
        let text = std::fs::read_to_string(sandbox.aws_config()).unwrap();
        assert_lacks(&text, "mine.awsapps.com");
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
    // Lines counted from `namespace`: config() puts keep_env above it.
    let path = |line: usize, column: usize| format!("config.toml:{}:{column}:", line + 1);
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
    rejected(
        &organization().replace(
            "topology = \"organization\"\n",
            "topology = \"organization\"\nsource_profile = \"cpco\"\n",
        ),
        &[&format!(
            "{} `source_profile` has no effect with [sso]",
            path(4, 18)
        )],
    );
    // mfa_session alone with [sso]: one error, not also "needs mfa_serial"
    let sandbox = Sandbox::with_config(&organization().replace(
        "topology = \"organization\"\n",
        "topology = \"organization\"\nmfa_session = true\nmfa_process = \"ykman\"\n",
    ));
    let out = sandbox.run(&["list"]);
    assert_status(&out, 2);
    let err = stderr(&out);
    assert_lacks(&err, "needs `mfa_serial`");
    assert_lacks(&err, "has no effect without mfa_session");
    assert_eq!(err.matches("makes no sense with [sso]").count(), 2, "{err}");
    // no start_url, no role
    rejected(
        &organization().replace(
            "start_url = \"https://d-1234567890.awsapps.com/start\"\n",
            "",
        ),
        &[
            &format!("{} [sso] has no start_url", path(5, 1)),
            "fix: add start_url =",
        ],
    );
    rejected(
        &organization().replace("role = \"AdministratorAccess\"\n", ""),
        &[
            "[sso] has no role",
            "fix: add role = \"AdministratorAccess\"",
        ],
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
        &organization().replace(
            "[stages.sandbox]\n",
            "[stages.sandbox]\nsso_role = \"ReadOnlyAccess\"\n",
        ),
        &[
            "stage `sandbox` has no account of its own",
            "fix: remove `sso_role`",
        ],
    );
    rejected(
        &organization().replace(
            "account_id = \"126450723953\"\n",
            "account_id = \"126450723953\"\nrole = \"Deployer\"\n",
        ),
        &[
            "stage `testing` signs in to its account with a permission set",
            "sso_role",
        ],
    );
    // sso_role without [sso]
    rejected(
        &MEMBER.replace(
            "[stages.prod]\n",
            "[stages.prod]\nsso_role = \"ReadOnlyAccess\"\n",
        ),
        &["`sso_role` in [stages.prod] needs an [sso] table"],
    );
}

/// `YYYY-MM-DDTHH:MM:SSZ`, `seconds` from now.
fn in_seconds(seconds: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let out = std::process::Command::new("date")
        .args([
            "-u",
            "-d",
            &format!("@{}", now + seconds),
            "+%Y-%m-%dT%H:%M:%SZ",
        ])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Seed the token cache as `aws sso login` leaves it.
fn seed_token(sandbox: &Sandbox, expires_in: i64) {
    let path = sandbox.home.join(SSO_TOKEN_FILE);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        path,
        format!(
            "{{\"startUrl\": \"https://d-1234567890.awsapps.com/start\", \"region\": \"us-east-1\", \"accessToken\": \"aoaAAAAA-token\", \"expiresAt\": \"{}\", \"clientId\": \"c\", \"clientSecret\": \"s\", \"registrationExpiresAt\": \"{}\", \"refreshToken\": \"r\"}}",
            in_seconds(expires_in),
            in_seconds(90 * 86400)
        ),
    )
    .unwrap();
}

/// A config whose `aws_cli` is a fake that records its arguments (one line
/// per run in ~/aws-args), and on `sso login` writes a token for 8 hours
/// (or fails when ~/aws-fail exists).
fn with_fake_aws() -> Sandbox {
    let sandbox = Sandbox::new();
    let fake = sandbox.write(
        "bin/fake-aws",
        &format!(
            "#!/bin/sh\n\
             if [ \"$1\" = --version ]; then echo 'aws-cli/2.15.0 Python/3.11.6 Linux/6 exe/x86_64'; exit 0; fi\n\
             printf '%s|%s\\n' \"$*\" \"${{AWS_CONFIG_FILE:-}}\" >> \"$HOME/aws-args\"\n\
             if [ -e \"$HOME/aws-fail\" ]; then echo 'Error when retrieving token from sso' >&2; exit 255; fi\n\
             mkdir -p \"$HOME/.aws/sso/cache\"\n\
             printf '{{\"accessToken\": \"t\", \"expiresAt\": \"%s\"}}' \"$(date -u -d '+8 hours' +%Y-%m-%dT%H:%M:%SZ)\" > \"$HOME/{SSO_TOKEN_FILE}\"\n"
        ),
    );
    let mut perms = std::fs::metadata(&fake).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&fake, perms).unwrap();
    let text = organization().replace(
        "topology = \"organization\"\n",
        &format!(
            "topology = \"organization\"\naws_cli = \"{}\"\n",
            fake.display()
        ),
    );
    sandbox.write_user_config(&text);
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    sandbox
}

fn recorded(sandbox: &Sandbox) -> String {
    std::fs::read_to_string(sandbox.home.join("aws-args")).unwrap_or_default()
}

#[test]
fn login_runs_aws_sso_login_without_a_token_and_says_until_when() {
    let sandbox = with_fake_aws();
    let out = sandbox.run(&["login"]);
    assert_status(&out, 0);
    let args = recorded(&sandbox);
    assert!(args.starts_with("sso login --sso-session cpco|"), "{args}");
    assert_eq!(args.lines().count(), 1);
    let err = stderr(&out);
    assert_contains(
        &err,
        "signed in to Identity Center for every cpco stage until ",
    );
    assert!(
        err.contains("(7h 59m from now)") || err.contains("(8h from now)"),
        "{err}"
    );
}

#[test]
fn login_is_not_run_when_the_token_holds_for_more_than_an_hour() {
    let sandbox = with_fake_aws();
    seed_token(&sandbox, 2 * 3600);
    let out = sandbox.run(&["login"]);
    assert_status(&out, 0);
    assert_eq!(recorded(&sandbox), "", "aws must not run");
    let err = stderr(&out);
    assert_contains(&err, "until ");
    assert_contains(&err, "not signing in again");
}

#[test]
fn login_renews_a_token_that_ends_within_the_hour_or_has_ended() {
    for expires_in in [30 * 60, -60] {
        let sandbox = with_fake_aws();
        seed_token(&sandbox, expires_in);
        let out = sandbox.run(&["login"]);
        assert_status(&out, 0);
        assert!(recorded(&sandbox).starts_with("sso login --sso-session cpco|"));
    }
}

#[test]
fn login_passes_aws_config_file_and_reports_a_failed_sign_in() {
    let sandbox = with_fake_aws();
    let text = std::fs::read_to_string(sandbox.user_config())
        .unwrap()
        .replace(
            "topology = \"organization\"\n",
            "topology = \"organization\"\naws_config_file = \"~/estate.ini\"\n",
        );
    sandbox.write_user_config(&text);
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    std::fs::write(sandbox.home.join("aws-fail"), "").unwrap();
    let out = sandbox.run(&["login"]);
    assert_status(&out, 1);
    let args = recorded(&sandbox);
    assert_eq!(
        args,
        format!(
            "sso login --sso-session cpco|{}\n",
            sandbox.home.join("estate.ini").display()
        )
    );
    let err = stderr(&out);
    assert_contains(&err, "sso login --sso-session cpco` failed");
    // The profiles are written: the fix points at the CLI's own message
    // (the network, the start URL), not at writing them again.
    assert!(
        err.contains("read the AWS CLI's message above")
            && !err.contains("acct aws-config --write"),
        "{err}"
    );
}

#[test]
fn login_without_the_sso_session_written_says_to_write_it() {
    let sandbox = with_fake_aws();
    std::fs::write(sandbox.aws_config(), "[default]\nregion = us-east-1\n").unwrap();
    let out = sandbox.run(&["login"]);
    assert_status(&out, 1);
    let err = stderr(&out);
    assert_contains(&err, "has no [sso-session cpco]");
    assert_contains(&err, "fix: run `acct aws-config --write`");
    assert_eq!(recorded(&sandbox), "", "aws must not run");
}

#[test]
fn login_duration_and_logout_say_what_to_do_instead() {
    let sandbox = with_fake_aws();
    let out = sandbox.run(&["login", "--duration", "8h"]);
    assert_status(&out, 2);
    assert!(stderr(&out).contains("--duration is for MFA sessions"));
    let out = sandbox.run(&["logout"]);
    assert_status(&out, 1);
    assert!(stderr(&out).contains("aws sso logout"));
    assert_eq!(recorded(&sandbox), "");
}

#[test]
fn doctor_reads_the_token_expiry_from_the_cache_without_calling_aws() {
    // valid
    let sandbox = with_fake_aws();
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    seed_token(&sandbox, 5 * 3600);
    let out = sandbox.run(&["doctor"]);
    assert_status(&out, 0);
    let text = stdout(&out);
    assert_contains(
        &text,
        "ok    sso session: [sso-session cpco] is as acct renders it",
    );
    assert_contains(
        &text,
        "ok    sso login: signed in to Identity Center until ",
    );
    assert_contains(
        &text,
        "ok    stage sandbox: profile cpco-sandbox-admin is as acct renders it",
    );
    assert_lacks(&text, "source profile");
    // within the hour: a warning
    seed_token(&sandbox, 20 * 60);
    let out = sandbox.run(&["doctor"]);
    assert_status(&out, 0);
    assert_contains(
        &stdout(&out),
        "warn  sso login: signed in to Identity Center until ",
    );
    // expired
    seed_token(&sandbox, -3600);
    let out = sandbox.run(&["doctor"]);
    assert_status(&out, 1);
    let text = stdout(&out);
    assert_contains(
        &text,
        "FAIL  sso login: the Identity Center sign-in expired at ",
    );
    assert_contains(&text, "fix: run `acct login`");
    // missing
    std::fs::remove_file(sandbox.home.join(SSO_TOKEN_FILE)).unwrap();
    let out = sandbox.run(&["doctor"]);
    assert_status(&out, 1);
    assert_contains(
        &stdout(&out),
        "FAIL  sso login: not signed in to Identity Center: no token in ",
    );
    assert_eq!(recorded(&sandbox), "", "doctor makes no call");
}

#[test]
fn doctor_finds_a_changed_sso_session() {
    let sandbox = with_fake_aws();
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    seed_token(&sandbox, 5 * 3600);
    let text = std::fs::read_to_string(sandbox.aws_config())
        .unwrap()
        .replace("sso_region=us-east-1", "sso_region=eu-west-1");
    std::fs::write(sandbox.aws_config(), text).unwrap();
    let out = sandbox.run(&["doctor"]);
    assert_status(&out, 1);
    assert_contains(
        &stdout(&out),
        "FAIL  sso session: [sso-session cpco] differs: sso_region is eu-west-1, acct renders us-east-1",
    );
}

#[test]
fn doctor_sts_proves_each_stages_account_and_permission_set_role() {
    let sandbox = Sandbox::new();
    // STS as Identity Center would answer; testing comes back with the wrong set.
    let fake = sandbox.write(
        "bin/fake-aws",
        "#!/bin/sh\n\
         if [ \"$1\" = --version ]; then echo 'aws-cli/2.15.0 Python/3.11.6'; exit 0; fi\n\
         while [ $# -gt 0 ]; do [ \"$1\" = --profile ] && profile=$2; shift; done\n\
         case $profile in\n\
         cpco-root-admin) arn=arn:aws:sts::323330167063:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/me ;;\n\
         cpco-testing-admin) arn=arn:aws:sts::126450723953:assumed-role/AWSReservedSSO_ReadOnlyAccess_0123456789abcdef/me ;;\n\
         cpco-prod-admin) arn=arn:aws:sts::210987654321:assumed-role/AWSReservedSSO_ReadOnlyAccess_fedcba9876543210/me ;;\n\
         cpco-sandbox-admin) arn=arn:aws:sts::323330167063:assumed-role/cpco-root-admin/alice ;;\n\
         esac\n\
         account=$(echo $arn | cut -d: -f5)\n\
         printf '{\"UserId\": \"AROA:me\", \"Account\": \"%s\", \"Arn\": \"%s\"}\\n' $account $arn\n",
    );
    let mut perms = std::fs::metadata(&fake).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&fake, perms).unwrap();
    sandbox.write_user_config(&organization().replace(
        "topology = \"organization\"\n",
        &format!(
            "topology = \"organization\"\naws_cli = \"{}\"\n",
            fake.display()
        ),
    ));
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    seed_token(&sandbox, 5 * 3600);
    let out = sandbox.run(&["doctor", "--sts"]);
    assert_status(&out, 1);
    let text = stdout(&out);
    for want in [
        "ok    stage root (sts): account 323330167063, role AWSReservedSSO_AdministratorAccess_0123456789abcdef, session me",
        "ok    stage prod (sts): account 210987654321, role AWSReservedSSO_ReadOnlyAccess_fedcba9876543210, session me",
        "ok    stage sandbox (sts): account 323330167063, role cpco-root-admin, session alice",
        "FAIL  stage testing (sts): arn:aws:sts::126450723953:assumed-role/AWSReservedSSO_ReadOnlyAccess_0123456789abcdef/me is role AWSReservedSSO_ReadOnlyAccess_0123456789abcdef, expected AWSReservedSSO_AdministratorAccess_...",
    ] {
        assert!(text.contains(want), "want {want:?} in\n{text}");
    }
}

#[test]
fn init_with_sso_options_writes_an_identity_center_starter() {
    let sandbox = Sandbox::new();
    let mut options = init_options("organization", "root,dev");
    options.push("--account=dev=126450723953");
    options.extend("--sso-start-url https://d-1234567890.awsapps.com/start".split(' '));
    options.extend(["--sso-region", "us-east-1"]);
    let out = sandbox.run(&options);
    assert_status(&out, 0);
    assert_contains(&stderr(&out), "`acct login` signs in to Identity Center");
    let text = std::fs::read_to_string(sandbox.user_config()).unwrap();
    assert_lacks(&text, "mfa_serial");
    assert_renders(
        &sandbox,
        &[root_signs_in(), admin_in("dev", "126450723953")],
    );
    // A bad URL is refused, nothing written.
    let other = Sandbox::new();
    let mut options = init_options("single", "root");
    options.extend(["--sso-start-url", "d-1.awsapps.com"]);
    let out = other.run(&options);
    assert_status(&out, 2);
    assert_contains(&stderr(&out), "--sso-start-url: sso start_url");
    assert!(!other.user_config().exists());
}

#[test]
fn init_asks_iam_or_identity_center_on_a_terminal() {
    let sandbox = Sandbox::new();
    init_on_a_terminal(
        &sandbox,
        &[
            ("Sign-in [iam]: ", "okta"),
            ("answer iam or sso", "sso"),
            ("Layout [single]: ", "single"),
            ("Namespace", "cpco"),
            ("Default region [us-east-1]: ", "us-west-2"),
            ("Root account id", "323330167063"),
            ("Stage names", "testing"),
            (
                "AWS access portal URL",
                "https://d-1234567890.awsapps.com/start",
            ),
            ("Identity Center region [us-west-2]: ", "us-east-1"),
            (
                "Permission set the stages sign in with [AdministratorAccess]: ",
                "",
            ),
            ("Protected stages", ""),
        ],
    );
    assert_renders(
        &sandbox,
        &[root_signs_in(), assumes("testing", "cpco-root-admin")],
    );
}

#[test]
fn console_opens_the_access_portals_shortcut_link_of_a_stage_with_an_account() {
    let sandbox = Sandbox::staged(&organization());
    let out = sandbox.run(&["console", "prod", "--print"]);
    assert_status(&out, 0);
    assert_text(
        "https://d-1234567890.awsapps.com/start/#/console?account_id=210987654321&role_name=ReadOnlyAccess&destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Deu-west-1\n",
        &stdout(&out),
    );
}

/// The portal double (tests/fixtures/sso_portal.py) on 127.0.0.1, in the
/// Python that has boto3 and moto; it records what it was asked.
struct Portal {
    child: std::process::Child,
    port: u16,
    record: std::path::PathBuf,
}

impl Portal {
    fn start(sandbox: &Sandbox, moto: &crate::moto::Moto) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let record = sandbox.root.join("portal-requests");
        let python = crate::moto::aws_v1().parent().unwrap().join("python3");
        let mut child = std::process::Command::new(python)
            .arg(repo_file("tests/fixtures/sso_portal.py"))
            .args([port.to_string(), format!("http://127.0.0.1:{}", moto.port)])
            .arg(&record)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("start the portal double");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                child.try_wait().unwrap().is_none(),
                "the portal double exited"
            );
            assert!(
                std::time::Instant::now() < deadline,
                "the portal double did not listen"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Portal {
            child,
            port,
            record,
        }
    }

    /// The endpoints an SDK is pointed at: this double for SSO, `moto`
    /// for STS.
    fn endpoints(&self, moto: &crate::moto::Moto) -> [(&'static str, String); 3] {
        let portal = format!("http://127.0.0.1:{}", self.port);
        [
            ("AWS_ENDPOINT_URL_SSO", portal.clone()),
            ("AWS_ENDPOINT_URL_SSO_OIDC", portal),
            (
                "AWS_ENDPOINT_URL_STS",
                format!("http://127.0.0.1:{}", moto.port),
            ),
        ]
    }

    /// (account_id, role_name, token) of each credentials request.
    fn asked(&self) -> Vec<(String, String, String)> {
        std::fs::read_to_string(&self.record)
            .unwrap_or_default()
            .lines()
            .map(|line| {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                let s = |x: &serde_json::Value| x.as_str().unwrap_or_default().to_string();
                (
                    s(&v["query"]["account_id"]),
                    s(&v["query"]["role_name"]),
                    s(&v["token"]),
                )
            })
            .collect()
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Through `acct exec STAGE --`, boto3 signs in with the seeded token (the
/// portal double for SSO, moto for STS) and prints who it is.
fn boto3_in(
    sandbox: &Sandbox,
    portal: &Portal,
    moto: &crate::moto::Moto,
    stage: &str,
) -> std::process::Output {
    boto3_in_with(sandbox, portal, moto, stage, &[])
}

/// `boto3_in` with more of acct's options before the stage.
fn boto3_in_with(
    sandbox: &Sandbox,
    portal: &Portal,
    moto: &crate::moto::Moto,
    stage: &str,
    options: &[&str],
) -> std::process::Output {
    let python = crate::moto::aws_v1().parent().unwrap().join("python3");
    sandbox
        .acct()
        .args(["exec", "--yes"])
        .args(options)
        .args([stage, "--"])
        .arg(python)
        .args([
            "-c",
            "import boto3; print(boto3.client('sts').get_caller_identity()['Arn'])",
        ])
        .envs(portal.endpoints(moto))
        .output()
        .unwrap()
}

#[test]
fn boto3_lands_in_each_stages_account_with_its_permission_set_in_every_layout() {
    let moto = crate::moto::Moto::server();
    for (topology, stages, expected) in [
        (
            "organization",
            "[stages.root]\naccount_id = \"323330167063\"\n\n[stages.prod]\naccount_id = \"210987654321\"\nsso_role = \"ReadOnlyAccess\"\n\n[stages.sandbox]\n",
            vec![
                (
                    "root",
                    "arn:aws:sts::323330167063:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/",
                ),
                (
                    "prod",
                    "arn:aws:sts::210987654321:assumed-role/AWSReservedSSO_ReadOnlyAccess_0123456789abcdef/",
                ),
                (
                    "sandbox",
                    "arn:aws:sts::323330167063:assumed-role/cpco-root-admin/",
                ),
            ],
        ),
        (
            "member",
            "[stages.root]\naccount_id = \"323330167063\"\n\n[stages.testing]\naccount_id = \"126450723953\"\n",
            vec![(
                "testing",
                "arn:aws:sts::126450723953:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/",
            )],
        ),
        (
            "single",
            "[stages.testing]\n\n[stages.root]\naccount_id = \"323330167063\"\n",
            vec![
                (
                    "testing",
                    "arn:aws:sts::323330167063:assumed-role/cpco-root-admin/",
                ),
                (
                    "root",
                    "arn:aws:sts::323330167063:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/",
                ),
            ],
        ),
    ] {
        let sandbox = Sandbox::with_config(&config(topology, stages));
        assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
        seed_token(&sandbox, 8 * 3600);
        let portal = Portal::start(&sandbox, &moto);
        for (stage, arn) in &expected {
            let out = boto3_in(&sandbox, &portal, &moto, stage);
            assert_status(&out, 0);
            assert!(
                stdout(&out).starts_with(arn),
                "{topology} {stage}: {}",
                stdout(&out)
            );
        }
        let asked = portal.asked();
        assert_eq!(asked.len(), expected.len(), "{topology}: {asked:?}");
        assert!(
            asked.iter().all(|(_, _, token)| token == "aoaAAAAA-token"),
            "{asked:?}"
        );
        assert!(
            asked.iter().any(
                |(account, role, _)| account == "323330167063" && role == "AdministratorAccess"
            ) || topology == "member",
            "{asked:?}"
        );
    }
}

#[test]
fn an_expired_token_gives_the_sdks_log_in_error_and_doctor_says_so() {
    let moto = crate::moto::Moto::server();
    let sandbox = Sandbox::with_config(&organization());
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    // As `aws sso login` left it hours ago, without a refresh token.
    let path = sandbox.home.join(SSO_TOKEN_FILE);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        &path,
        format!(
            "{{\"startUrl\": \"https://d-1234567890.awsapps.com/start\", \"region\": \"us-east-1\", \"accessToken\": \"aoaAAAAA-token\", \"expiresAt\": \"{}\"}}",
            in_seconds(-3600)
        ),
    )
    .unwrap();
    let portal = Portal::start(&sandbox, &moto);
    // acct refuses before running (min_session_left); with the check off
    // the SDK says it.
    let out = boto3_in(&sandbox, &portal, &moto, "testing");
    assert_status(&out, 1);
    assert!(stdout(&out).is_empty());
    assert_contains(
        &stderr(&out),
        "the Identity Center sign-in of cpco ended at ",
    );
    assert_contains(&stderr(&out), "acct login");
    let out = boto3_in_with(&sandbox, &portal, &moto, "testing", &["--min-left", "0m"]);
    assert_ne!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert_contains(&err, "Token has expired");
    assert!(
        portal.asked().is_empty(),
        "no credentials asked with a lapsed token"
    );
    let out = sandbox.run(&["doctor", "testing"]);
    assert_contains(
        &stdout(&out),
        "FAIL  sso login: the Identity Center sign-in expired at ",
    );
    assert_contains(&stdout(&out), "fix: run `acct login`");
}

#[test]
fn the_aws_cli_v2_reads_every_rendered_profile() {
    let sandbox = Sandbox::with_config(&organization());
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    for (profile, key, value) in [
        ("cpco-root-admin", "sso_account_id", "323330167063"),
        ("cpco-prod-admin", "sso_role_name", "ReadOnlyAccess"),
        ("cpco-testing-admin", "sso_session", "cpco"),
        ("cpco-sandbox-admin", "source_profile", "cpco-root-admin"),
    ] {
        let out = sandbox
            .command(crate::moto::aws_v2())
            .args(["configure", "get", key, "--profile", profile])
            .output()
            .unwrap();
        assert_status(&out, 0);
        assert_text(&format!("{value}\n"), &stdout(&out));
    }
}

#[test]
fn terraform_lands_in_a_stages_account_with_its_permission_set() {
    let Some((terraform, plugins)) = crate::tools::terraform_with_plugins_or_skip(
        "terraform_lands_in_a_stages_account_with_its_permission_set",
    ) else {
        return;
    };
    let moto = crate::moto::Moto::server();
    let sandbox = Sandbox::with_config(&organization());
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    seed_token(&sandbox, 8 * 3600);
    let portal = Portal::start(&sandbox, &moto);
    std::fs::write(sandbox.work.join("main.tf"), crate::tools::TERRAFORM_CONFIG).unwrap();
    sandbox.write("terraformrc", "");
    let tf = |cmd: &mut std::process::Command| {
        cmd.env("TF_CLI_CONFIG_FILE", sandbox.root.join("terraformrc"))
            .env("TF_DATA_DIR", sandbox.root.join("terraform-data"))
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .envs(portal.endpoints(&moto))
            .stdin(std::process::Stdio::null());
    };
    let mut init = sandbox.command(&terraform);
    init.arg("init")
        .arg(format!("-plugin-dir={}", plugins.display()))
        .args(["-input=false", "-no-color"]);
    tf(&mut init);
    assert_status(&init.output().unwrap(), 0);
    for (stage, arn) in [
        (
            "prod",
            "arn:aws:sts::210987654321:assumed-role/AWSReservedSSO_ReadOnlyAccess_0123456789abcdef/",
        ),
        (
            "sandbox",
            "arn:aws:sts::323330167063:assumed-role/cpco-root-admin/",
        ),
    ] {
        let _ = std::fs::remove_file(sandbox.work.join("terraform.tfstate"));
        let mut apply = sandbox.acct();
        apply
            .args(["exec", "--yes", stage, "--"])
            .arg(&terraform)
            .args(["apply", "-auto-approve", "-input=false", "-no-color"]);
        tf(&mut apply);
        assert_status(&apply.output().unwrap(), 0);
        let mut output = sandbox.command(&terraform);
        output.args(["output", "-raw", "-no-color", "arn"]);
        tf(&mut output);
        let out = output.output().unwrap();
        assert!(stdout(&out).starts_with(arn), "{stage}: {}", stdout(&out));
    }
    assert!(
        portal
            .asked()
            .iter()
            .any(|(account, role, _)| account == "210987654321" && role == "ReadOnlyAccess")
    );
}

/// A start_url that would lead elsewhere in a console link or the AWS
/// config file: a user name before the host (`portal@evil.example`), a
/// port, a query, a fragment, an invisible bidi character. Refused with
/// line, column and the fix; the bidi character is never printed raw.
#[test]
fn a_hostile_start_url_is_refused_where_it_is_written() {
    let good = "https://d-1234567890.awsapps.com/start";
    for (url, why) in [
        (
            "https://d-1234567890.awsapps.com@evil.example/start",
            "has a user name before the host",
        ),
        ("https://d-1234567890.awsapps.com:444/start", "has a port"),
        ("https://d-1234567890.awsapps.com/start?x=1", "has a query"),
        ("https://d-1234567890.awsapps.com/start#x", "or a fragment"),
        ("https:///start", "has no host"),
        (
            "https://d-1234567890.awsapps.com/\\u202Estart",
            "holds the character U+202E",
        ),
    ] {
        let text = organization().replace(good, url);
        let line = text
            .lines()
            .position(|l| l.starts_with("start_url"))
            .unwrap()
            + 1;
        rejected(
            &text,
            &[
                &format!("config.toml:{line}:13: sso start_url"),
                why,
                "fix: write the AWS access portal URL",
            ],
        );
        let sandbox = Sandbox::with_config(&text);
        let out = sandbox.run(&["list"]);
        assert!(!stderr(&out).contains('\u{202e}'), "{}", stderr(&out));
    }
}

/// `min_session_left` with Identity Center: acct cannot renew the token
/// without a browser, so one that holds less is refused with `acct login`
/// (no network call: the token cache's `expiresAt`); one that holds
/// longer runs.
#[test]
fn a_token_about_to_end_is_refused_before_running() {
    let sandbox = Sandbox::with_config(&organization());
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    seed_token(&sandbox, 20 * 60);
    let run = |options: &[&str]| {
        let mut cmd = sandbox.acct();
        cmd.args(["exec", "--yes"])
            .args(options)
            .args(["testing", "--", "echo", "ran"]);
        without_terminal(&mut cmd).output().unwrap()
    };
    let out = run(&["--min-left", "1h"]);
    assert_status(&out, 1);
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert_contains(
        &err,
        "the Identity Center sign-in of cpco holds 20m more, less than min_session_left (1h)",
    );
    assert_contains(&err, "without a browser");
    assert_contains(&err, "run `acct login`");
    let out = run(&[]);
    assert_status(&out, 1);
    assert_contains(&stderr(&out), "less than min_session_left (30m)");
    let out = run(&["--min-left", "10m"]);
    assert_status(&out, 0);
    assert_text("ran\n", &stdout(&out));
    seed_token(&sandbox, 2 * 3600);
    let out = run(&["--min-left", "1h"]);
    assert_status(&out, 0);
}
