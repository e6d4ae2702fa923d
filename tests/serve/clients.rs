//! Clients as a container sees the world land in the stage's account
//! and role.

use super::*;

/// The AWS CLI v2 in every seed layout (and the member layout's protected
/// prod, in its own region, with --yes). First, the harness: what the
/// container sees of AWS is the two variables, the region and the CA.
#[test]
fn the_aws_cli_v2_in_a_container_lands_in_the_stage_role_in_every_layout() {
    let served = Served::new(ORGANIZATION);
    let seen = served.exec(
        "testing",
        &in_a_container(&served.sandbox.root, &served.moto, "env -0"),
    );
    assert_status(&seen, 0);
    let env = env0(&seen.stdout);
    let names: Vec<&str> = env
        .keys()
        .map(|name| std::str::from_utf8(name).unwrap())
        .filter(|name| {
            ["AWS_", "ACCT_", "STAGE", "NAMESPACE"]
                .iter()
                .any(|p| name.starts_with(p))
        })
        .collect();
    assert_eq!(
        names,
        [
            "AWS_CA_BUNDLE",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_REGION"
        ],
        "what the container sees"
    );
    assert!(
        entries(&served.sandbox.root.join("container-home")).is_empty(),
        "the container's HOME is empty"
    );

    let arn = served.client_arn(Client::CliV2, "testing");
    assert_lands(&arn, ORGANIZATION_TESTING, "the AWS CLI v2 (organization)");
    let served = Served::new(SINGLE);
    let arn = served.client_arn(Client::CliV2, "testing");
    assert_lands(&arn, SINGLE_TESTING, "the AWS CLI v2 (single)");
    let served = Served::new(MEMBER);
    for role in [MEMBER_TESTING, MEMBER_PROD] {
        let arn = served.client_arn(Client::CliV2, role.0);
        assert_lands(&arn, role, "the AWS CLI v2 (member)");
    }
}

#[test]
fn boto3_in_a_container_lands_in_the_stage_role() {
    let served = Served::new(SINGLE);
    let arn = served.client_arn(Client::Boto3, "root");
    assert_lands(
        &arn,
        ("root", "323330167063", "cpco-root-admin"),
        "boto3 (single)",
    );
}

#[test]
fn the_js_sdk_v3_in_a_container_lands_in_the_stage_role() {
    let served = Served::new(MEMBER);
    let arn = served.client_arn(Client::Js, "testing");
    assert_lands(&arn, MEMBER_TESTING, "the JS SDK v3 (member)");
}

#[test]
fn terraform_in_a_container_lands_in_the_stage_role() {
    let test = "terraform_in_a_container_lands_in_the_stage_role";
    let Some((terraform, plugins)) = tools::terraform_with_plugins_or_skip(test) else {
        return;
    };
    let served = Served::new(ORGANIZATION);
    terraform_init(&served.sandbox, &terraform, &plugins);
    let arn = served.client_arn(Client::Terraform, "testing");
    assert_lands(&arn, ORGANIZATION_TESTING, "Terraform (organization)");
}

/// An MFA-session estate: the session made once (`acct login`), then no
/// terminal and no mfa_process, so a code asked would fail the run. The
/// container lands in the stage's role, and no new session was started.
/// A session too close to its end is refused before anything starts.
#[test]
fn with_a_warm_mfa_session_a_container_lands_in_the_stage_role_and_nothing_is_asked() {
    let estate = Estate::logged_in(ORGANIZATION, Sts::V2, "");
    let moto = Moto::shared_proxy();
    let script = in_a_container(
        &estate.sandbox.root,
        &moto,
        &Client::CliV2.script(&estate.sandbox),
    );
    let mut cmd = estate.acct();
    cmd.args(["exec", "--serve", "testing", "--", "sh", "-c", &script]);
    let out = run_within(without_terminal(&mut cmd), BOUND);
    assert_status(&out, 0);
    assert_lands(
        &stdout(&out),
        ORGANIZATION_TESTING,
        "the AWS CLI v2 (MFA session)",
    );
    assert_eq!(
        estate.sts_calls().len(),
        1,
        "the login's GetSessionToken only: {:?}",
        estate.sts_calls()
    );

    std::fs::write(
        estate.session_file(),
        planted_session("ASIAPLANTEDSESSION01", 600),
    )
    .unwrap();
    let marker = estate.sandbox.root.join("ran");
    let touch = marker.to_str().unwrap();
    let out = estate.run(&[
        "exec",
        "--serve",
        "--min-left",
        "1h",
        "testing",
        "--",
        "touch",
        touch,
    ]);
    assert_refused(&out, "10m", "1h");
    assert!(!marker.exists(), "the command ran");
    let out = estate.run(&["serve", "--min-left", "1h", "testing"]);
    assert_refused(&out, "10m", "1h");
}

/// A role that asks its own MFA code at every assume (`mfa_serial` without
/// `mfa_session`): the code is asked on acct's terminal before the command
/// starts, and the container's first request is answered with those keys,
/// nothing more asked. With no terminal to ask on, nothing runs.
#[test]
fn a_role_that_asks_its_own_code_has_it_asked_before_the_command_starts() {
    let served = Served::with_role_mfa(ORGANIZATION);
    let client = in_a_container(
        &served.sandbox.root,
        &served.moto,
        &Client::CliV2.script(&served.sandbox),
    );
    let mut cmd = served.acct();
    cmd.args(["exec", "--serve", "testing", "--", "sh", "-c"])
        // Through cat: on a terminal the CLI would page its answer.
        .arg(format!("echo command-started; {client} | cat"))
        .env("TERM", "xterm");
    let mut session = pty(cmd, 120);
    let before = expect(&mut session, "Enter MFA code");
    assert_contains(&before, "asks for an MFA code");
    assert_lacks(&before, "command-started");
    let after = send_and_expect(&mut session, "123456", "assumed-role/");
    assert_contains(&after, "command-started");
    assert_contains(&after, &format!("arn:aws:sts::{}:", ORGANIZATION_TESTING.1));
    let arn = expect(&mut session, "\n");
    assert!(
        arn.starts_with(ORGANIZATION_TESTING.2),
        "the container's identity: assumed-role/{arn}"
    );
    assert_eq!(served.fetches(), 1, "the code's keys were served");

    let ran = served.sandbox.root.join("ran");
    let out = served.exec("testing", &format!("touch {}", quote(&ran)));
    assert_status(&out, 1);
    assert_contains(&stderr(&out), "no terminal to ask it on");
    assert_contains(&stderr(&out), "mfa_session = true");
    assert!(!ran.exists(), "nothing runs when no code can be asked");
}
