//! The gate (issue 19): a stage is entered only when every AWS client would
//! read its profile, from the AWS config file and the shared credentials
//! file, as exactly what acct renders. Each case shows the client going
//! elsewhere without acct (the AWS CLI v2 through moto_proxy; Terraform
//! where installed), and `acct exec` refusing with the file:line and the
//! fix, running nothing.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::moto::{Moto, aws_v2};
use crate::util::*;

const STAGE: &str = "testing";
const PROFILE: &str = "cpco-testing-admin";
const SHADOW: &str = "arn:aws:iam::666666666666:role/x";
const DELETE: &str = "delete that section";

fn member() -> Sandbox {
    let sandbox = Sandbox::with_config(&format!("{KEEP_LOCAL_ENDPOINTS}{MEMBER}"));
    sandbox.write_aws_files();
    sandbox
}

/// A `[cpco-testing-admin]` with another account's role appended to the
/// shared credentials file (line 5 of it).
fn shadow_in_credentials(sandbox: &Sandbox) {
    let mut credentials = std::fs::read_to_string(sandbox.aws_credentials()).unwrap();
    credentials.push_str(&format!("\n[{PROFILE}]\nrole_arn = {SHADOW}\n"));
    std::fs::write(sandbox.aws_credentials(), credentials).unwrap();
}

/// `cmd sts get-caller-identity` against moto.
fn caller_identity(mut cmd: Command, moto: &Moto) -> std::process::Output {
    moto.configure(&mut cmd);
    cmd.args(["sts", "get-caller-identity", "--output", "json"])
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// The account `aws sts get-caller-identity` lands in with `cmd`.
#[track_caller]
fn account(cmd: Command, moto: &Moto) -> String {
    let out = caller_identity(cmd, moto);
    assert_status(&out, 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["Account"].as_str().unwrap().to_string()
}

/// The AWS CLI v2 with the stage's profile picked by hand (no acct).
fn by_hand(sandbox: &Sandbox) -> Command {
    let mut cmd = sandbox.command(aws_v2());
    cmd.env("AWS_PROFILE", PROFILE)
        .env("AWS_REGION", "us-west-2");
    cmd
}

/// `acct exec testing -- aws ...`, with `extra` in the environment.
fn in_stage(sandbox: &Sandbox, extra: &[(&str, &Path)]) -> Command {
    let mut cmd = sandbox.acct();
    for (name, value) in extra {
        cmd.env(name, value);
    }
    cmd.args(["exec", "--yes", STAGE, "--"]).arg(aws_v2());
    cmd
}

/// `acct exec` refuses: exit 1, `needle` (a file:line) and `fix` in the
/// message, and the command never ran.
#[track_caller]
fn assert_refused(sandbox: &Sandbox, cmd: Command, needle: &str, fix: &str) {
    let out = caller_identity(cmd, &Moto::shared_proxy());
    let err = stderr(&out);
    assert_status(&out, 1);
    assert!(out.stdout.is_empty(), "the command ran: {}", stdout(&out));
    assert!(err.contains(needle), "no `{needle}` in: {err}");
    assert!(err.contains(fix), "no fix `{fix}` in: {err}");
    assert_contains(&err, "nothing was run");
    let _ = sandbox;
}

/// Case 1: the config changed (testing's account), `--write` forgotten: the
/// CLI still lands in the written account, so acct refuses.
#[test]
fn a_stale_block_refuses_the_stage() {
    let sandbox = member();
    let moto = Moto::shared_proxy();
    let changed = format!("{KEEP_LOCAL_ENDPOINTS}{MEMBER}").replace("126450723953", "999988887777");
    sandbox.write_user_config(&changed);
    assert_eq!(account(by_hand(&sandbox), &moto), "126450723953");
    let config = sandbox.aws_config().display().to_string();
    assert_refused(
        &sandbox,
        in_stage(&sandbox, &[]),
        &format!("{config}:"),
        "acct aws-config --write",
    );
    // Rewritten, the stage is entered and lands where acct says.
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    let out = sandbox.run(&["exec", "--yes", STAGE, "--", "true"]);
    assert_status(&out, 0);
}

/// Case 1, after an upgrade (issue 24): a block written before profiles
/// carried `role_session_name` (as `role_session_name = ""` still renders
/// it) is refused with the one-time fix, `acct aws-config --write`.
#[test]
fn a_block_from_before_role_session_name_refuses_until_rewritten() {
    let sandbox = Sandbox::with_config(&format!(
        "role_session_name = \"\"\n{KEEP_LOCAL_ENDPOINTS}{MEMBER}"
    ));
    sandbox.write_aws_files();
    let old = std::fs::read_to_string(sandbox.aws_config()).unwrap();
    assert_lacks(&old, "role_session_name");
    sandbox.write_user_config(&format!("{KEEP_LOCAL_ENDPOINTS}{MEMBER}"));
    let config = sandbox.aws_config().display().to_string();
    assert_refused(
        &sandbox,
        in_stage(&sandbox, &[]),
        &format!("{config}:"),
        "run `acct aws-config --write`",
    );
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    assert_contains(
        &std::fs::read_to_string(sandbox.aws_config()).unwrap(),
        &format!("role_session_name={}\n", session_name()),
    );
    assert_status(&sandbox.run(&["exec", "--yes", STAGE, "--", "true"]), 0);
}

/// Case 1: no AWS config file at all, or an inherited AWS_CONFIG_FILE
/// naming a file without acct's block.
#[test]
fn a_missing_file_or_block_refuses_the_stage() {
    let sandbox = member();
    let other = sandbox.write(
        "other/config",
        "[profile cpco-testing-admin]\nrole_arn = arn:aws:iam::666666666666:role/x\nsource_profile = cpco\n",
    );
    let moto = Moto::shared_proxy();
    let mut elsewhere = by_hand(&sandbox);
    elsewhere.env("AWS_CONFIG_FILE", &other);
    assert_eq!(account(elsewhere, &moto), "666666666666");
    assert_refused(
        &sandbox,
        in_stage(&sandbox, &[("AWS_CONFIG_FILE", &other)]),
        &format!("{} has no `# BEGIN acct cpco` block", other.display()),
        "acct aws-config --write",
    );
    std::fs::remove_file(sandbox.aws_config()).unwrap();
    assert_refused(
        &sandbox,
        in_stage(&sandbox, &[]),
        &format!("{} does not exist", sandbox.aws_config().display()),
        "acct aws-config --write",
    );
}

/// Case 1: a project config of the same namespace whose roles differ from
/// the block the user config wrote.
#[test]
fn a_block_written_by_another_config_of_the_namespace_refuses_the_stage() {
    let sandbox = member();
    let project = format!("{MEMBER}\n").replace(
        "account_id = \"126450723953\"",
        "account_id = \"126450723953\"\nrole = \"deployer\"",
    );
    sandbox.write("work/acct.toml", &project);
    assert_status(&sandbox.run(&["allow"]), 0);
    let out = sandbox.run(&["exec", "--yes", STAGE, "--", "true"]);
    assert_status(&out, 1);
    let err = stderr(&out);
    assert_contains(&err, "role_arn=arn:aws:iam::126450723953:role/deployer");
}

/// Case 1: `mfa_process` added to an MFA-session estate without `--write`:
/// the session profile in the file is not the one acct renders.
#[test]
fn a_session_profile_without_the_new_mfa_process_refuses_the_stage() {
    let sandbox = Sandbox::with_config(&format!(
        "mfa_session = true\n{}",
        ORGANIZATION.trim_start()
    ));
    sandbox.write_aws_files();
    let out = sandbox.run(&["exec", "--yes", STAGE, "--", "true"]);
    assert_status(&out, 0);
    sandbox.write_user_config(&format!(
        "mfa_session = true\nmfa_process = \"echo 123456\"\n{}",
        ORGANIZATION.trim_start()
    ));
    let out = sandbox.run(&["exec", "--yes", STAGE, "--", "true"]);
    assert_status(&out, 1);
    let err = stderr(&out);
    assert_contains(&err, "profile `cpco-mfa`");
    assert_contains(&err, "--mfa-process");
}

/// Case 2: a `[cpco-testing-admin]` section of the shared credentials file
/// is merged into the profile by every client: the CLI assumes its role.
#[test]
fn a_credentials_file_section_of_the_profile_refuses_the_stage() {
    let sandbox = member();
    let moto = Moto::shared_proxy();
    shadow_in_credentials(&sandbox);
    assert_eq!(account(by_hand(&sandbox), &moto), "666666666666");
    assert_refused(
        &sandbox,
        in_stage(&sandbox, &[]),
        &format!("{}:5:", sandbox.aws_credentials().display()),
        DELETE,
    );
    // The credentials file the environment names is the one checked.
    let other = sandbox.write(
        "other/credentials",
        &format!("[cpco]\naws_access_key_id = AKIAEXAMPLESOURCE001\naws_secret_access_key = x\n\n[{PROFILE}]\nrole_arn = {SHADOW}\n"),
    );
    std::fs::write(
        sandbox.aws_credentials(),
        "[cpco]\naws_access_key_id = AKIAEXAMPLESOURCE001\naws_secret_access_key = x\n",
    )
    .unwrap();
    assert_refused(
        &sandbox,
        in_stage(&sandbox, &[("AWS_SHARED_CREDENTIALS_FILE", &other)]),
        &format!("{}:5:", other.display()),
        DELETE,
    );
}

/// Case 3: spellings only some clients read, before or after the block:
/// `[ profile x ]` (Terraform's Go SDK) and an indented header after a key
/// line (the JS SDK). Terraform, where installed, shows the first going
/// to another account without acct.
#[test]
fn spellings_only_some_clients_read_refuse_the_stage() {
    for (shadow, line) in [
        (format!("[ profile {PROFILE} ]\nrole_arn = {SHADOW}\n"), 1),
        (
            format!("[profile\t{PROFILE}]\nendpoint_url = http://127.0.0.1:9\n"),
            1,
        ),
        (
            format!("[x]\nk = v\n  [profile {PROFILE}]\nrole_session_name = other\n"),
            3,
        ),
    ] {
        let sandbox = member();
        let config = sandbox.aws_config().display().to_string();
        let written = std::fs::read_to_string(sandbox.aws_config()).unwrap();
        std::fs::write(sandbox.aws_config(), format!("{shadow}\n{written}")).unwrap();
        assert_refused(
            &sandbox,
            in_stage(&sandbox, &[]),
            &format!("{config}:{line}:"),
            DELETE,
        );
        // After the block too.
        std::fs::write(sandbox.aws_config(), format!("{written}\n{shadow}")).unwrap();
        let after = written.lines().count() + 1 + line;
        assert_refused(
            &sandbox,
            in_stage(&sandbox, &[]),
            &format!("{config}:{after}:"),
            DELETE,
        );
    }
}

/// Case 3 with Terraform: `[ profile x ]` after acct's block is merged by
/// the Go SDK (the later `role_arn` wins), so Terraform alone assumes
/// another account's role, while the AWS CLI lands where acct says.
#[test]
fn terraform_reads_a_spaced_header_the_aws_cli_ignores() {
    let Some((terraform, plugins)) = crate::tools::terraform_with_plugins_or_skip(
        "terraform_reads_a_spaced_header_the_aws_cli_ignores",
    ) else {
        return;
    };
    let sandbox = member();
    let moto = Moto::shared_proxy();
    let written = std::fs::read_to_string(sandbox.aws_config()).unwrap();
    std::fs::write(
        sandbox.aws_config(),
        format!("{written}\n[ profile {PROFILE} ]\nrole_arn = {SHADOW}\n"),
    )
    .unwrap();
    assert_eq!(account(by_hand(&sandbox), &moto), "126450723953");
    let arn = crate::client_model::terraform_arn(&sandbox, &terraform, &plugins, &moto);
    assert!(arn.starts_with("arn:aws:sts::666666666666:"), "{arn}");
    let config = format!("{}:", sandbox.aws_config().display());
    assert_refused(&sandbox, in_stage(&sandbox, &[]), &config, DELETE);
}

/// Case 5: `acct console` goes through the same gate.
#[test]
fn console_refuses_a_shadowed_stage() {
    let sandbox = member();
    shadow_in_credentials(&sandbox);
    for args in [
        &["console", "--print", STAGE][..],
        &["console", "--print", "--federate", STAGE][..],
    ] {
        let out = sandbox.run(args);
        assert_status(&out, 1);
        assert!(
            out.stdout.is_empty(),
            "a link was printed: {}",
            stdout(&out)
        );
        let err = stderr(&out);
        assert_contains(&err, "no console was opened");
        assert!(err.contains(DELETE), "{err}");
    }
}

/// `doctor` gives each stage the gate's verdict, and `--sts` asks STS only
/// for the stages the gate lets in.
#[test]
fn doctor_reports_the_gate_per_stage() {
    let sandbox = member();
    shadow_in_credentials(&sandbox);
    let out = sandbox.run(&["doctor"]);
    assert_status(&out, 1);
    let text = stdout(&out);
    let line = |subject: &str| {
        text.lines()
            .find(|l| l.contains(subject))
            .unwrap_or_else(|| panic!("no `{subject}` in {text}"))
            .to_string()
    };
    assert!(line("stage testing (gate)").contains("FAIL"), "{text}");
    assert!(line("stage root (gate)").contains("ok"), "{text}");
}

/// From inside a stage whose config set `aws_config_file`, entering a stage
/// of another config checks the file that stage will use (the outer
/// AWS_CONFIG_FILE is undone), not the outer one.
#[test]
fn a_nested_entry_checks_the_files_of_the_new_stage() {
    let sandbox = Sandbox::staged(&format!(
        "aws_config_file = \"~/estate/aws-config\"\n{}",
        MEMBER.trim_start()
    ));
    let other = sandbox.write("other.toml", SINGLE);
    let other = other.to_str().unwrap();
    assert_status(&sandbox.run(&["-c", other, "aws-config", "--write"]), 0);
    // Inside MEMBER's testing, `acct -c other.toml exec testing` reads
    // ~/.aws/config (SINGLE's block), where the stage will run.
    let out = sandbox.run(&[
        "exec",
        "testing",
        "--",
        ACCT,
        "-c",
        other,
        "exec",
        "testing",
        "--",
        "printenv",
        "AWS_CONFIG_FILE",
    ]);
    assert_status(&out, 0);
    assert_eq!(
        stdout(&out).trim(),
        sandbox.aws_config().display().to_string()
    );
}
