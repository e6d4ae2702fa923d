//! A stage's `AWS_*` environment is an allow-list: inherited endpoint
//! overrides and unknown SDK variables are removed unless the person's own
//! config keeps them (`keep_env`); a config's `[env]` cannot set them; the
//! MFA session's answer is trusted only for what was asked.

use std::process::Stdio;

use crate::moto::{CALLER_ARN, Moto, aws_v1};
use crate::util::*;

/// What a person may have exported before entering a stage.
const INHERITED: [(&str, &str); 5] = [
    ("AWS_ENDPOINT_URL", "http://127.0.0.1:9/rogue"),
    ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9/rogue-sts"),
    ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"),
    ("AWS_SOME_FUTURE_SETTING", "x"),
    ("AWS_PAGER", "less -R"),
];

fn exec_env(sandbox: &Sandbox) -> (Env, String) {
    let out = sandbox
        .acct()
        .envs(INHERITED)
        .args(["exec", "testing", "--", "env", "-0"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_status(&out, 0);
    (env0(&out.stdout), stderr(&out))
}

#[test]
fn unknown_aws_variables_and_endpoint_overrides_are_removed_and_said() {
    let sandbox = Sandbox::with_config(MEMBER);
    sandbox.write_aws_files();
    let (env, err) = exec_env(&sandbox);
    for (name, _) in &INHERITED[..4] {
        assert_eq!(get(&env, name), None, "{name} reached the stage");
    }
    assert_eq!(get(&env, "AWS_PAGER"), Some(&b"less -R"[..]), "a kept name");
    assert_eq!(
        err.lines().count(),
        1,
        "one line names the endpoint overrides: {err}"
    );
    for name in [
        "AWS_ENDPOINT_URL ",
        "AWS_ENDPOINT_URL_STS",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    ] {
        assert!(err.contains(name), "{name}: {err}");
    }
    assert_contains(&err, "keep_env");

    // `acct env` removes them from the shell too, and says so.
    let out = sandbox
        .command("bash")
        .args(["--norc", "-c", r#"eval "$("$ACCT" env testing)"; env -0"#])
        .env("ACCT", ACCT)
        .envs(INHERITED)
        .output()
        .unwrap();
    assert_status(&out, 0);
    let env = env0(&out.stdout);
    assert_eq!(get(&env, "AWS_ENDPOINT_URL_STS"), None);
    assert_eq!(get(&env, "AWS_SOME_FUTURE_SETTING"), None);
    assert!(stderr(&out).contains("AWS_ENDPOINT_URL_STS"));
}

#[test]
fn keep_env_in_the_persons_config_keeps_named_variables_quietly() {
    let sandbox = Sandbox::with_config(&format!(
        "keep_env = [\"AWS_ENDPOINT_URL_STS\", \"AWS_SOME_FUTURE_SETTING\"]\n{MEMBER}"
    ));
    sandbox.write_aws_files();
    let (env, err) = exec_env(&sandbox);
    assert_eq!(
        get(&env, "AWS_ENDPOINT_URL_STS"),
        Some(&b"http://127.0.0.1:9/rogue-sts"[..])
    );
    assert_eq!(get(&env, "AWS_SOME_FUTURE_SETTING"), Some(&b"x"[..]));
    assert_eq!(get(&env, "AWS_ENDPOINT_URL"), None, "not kept");
    assert_lacks(&err, "AWS_ENDPOINT_URL_STS");
}

#[test]
fn keep_env_never_keeps_a_credential_nor_acts_in_a_project_config() {
    for (name, said) in [
        ("AWS_ACCESS_KEY_ID", "credential variable"),
        ("AWS_PROFILE", "set by acct"),
        ("HOME", "not an AWS_ variable"),
        ("AWS_PAGER", "kept in every stage already"),
    ] {
        let sandbox = Sandbox::with_config(&format!("keep_env = [\"{name}\"]\n{MEMBER}"));
        let out = sandbox.run(&["exec", "testing", "--", "true"]);
        assert_status(&out, 2);
        assert!(
            stderr(&out).contains(":1:13:") && stderr(&out).contains(said),
            "{name}: {}",
            stderr(&out)
        );
    }

    let sandbox = Sandbox::new();
    std::fs::write(
        sandbox.work.join("acct.toml"),
        format!("keep_env = [\"AWS_ENDPOINT_URL_STS\"]\n{MEMBER}"),
    )
    .unwrap();
    assert_status(&sandbox.run(&["allow"]), 0);
    let out = sandbox.run(&["exec", "testing", "--", "true"]);
    assert_status(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("acct.toml:") && err.contains("keep_env") && err.contains("own config"),
        "{err}"
    );
}

#[test]
fn env_may_not_set_an_endpoint_override_or_an_unknown_aws_variable() {
    for name in ["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL", "AWS_DATA_PATH"] {
        let sandbox =
            Sandbox::with_config(&format!("{MEMBER}\n[stages.testing.env]\n{name} = \"x\"\n"));
        let out = sandbox.run(&["exec", "testing", "--", "true"]);
        assert_status(&out, 2);
        assert!(
            stderr(&out).contains(name) && stderr(&out).contains("keep_env"),
            "{name}: {}",
            stderr(&out)
        );
    }
    // A kept one may be set.
    let sandbox = Sandbox::with_config(&format!(
        "{MEMBER}\n[stages.testing.env]\nAWS_PAGER = \"\"\n"
    ));
    sandbox.write_aws_files();
    assert_status(&sandbox.run(&["exec", "testing", "--", "true"]), 0);
}

/// The CLI v1 (botocore) honours AWS_ENDPOINT_URL_STS: inherited, it would
/// send the stage's AssumeRole to another server. In the stage it is gone,
/// and the CLI lands in the stage's role (moto_server reached through the
/// kept AWS_ENDPOINT_URL, as a person with a local STS would keep it).
#[test]
fn an_inherited_sts_endpoint_does_not_receive_the_stages_assume_role() {
    let moto = Moto::shared_server();
    let sandbox = Sandbox::with_config(&format!("keep_env = [\"AWS_ENDPOINT_URL\"]\n{MEMBER}"));
    sandbox.write_aws_files();
    let rogue = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let rogue_url = format!("http://{}", rogue.local_addr().unwrap());
    rogue.set_nonblocking(true).unwrap();
    let mut cmd = sandbox.acct();
    moto.configure(&mut cmd);
    let out = cmd
        .env("AWS_ENDPOINT_URL_STS", &rogue_url)
        .args(["exec", "testing", "--"])
        .arg(aws_v1())
        .args(CALLER_ARN)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_status(&out, 0);
    assert!(
        stdout(&out).starts_with("arn:aws:sts::126450723953:assumed-role/cpco-testing-admin/"),
        "{}",
        stdout(&out)
    );
    assert!(rogue.accept().is_err(), "the rogue STS endpoint was called");
}

/// `acct login` (to be run) in a sandbox whose MFA sessions are made by
/// `cli` with the code an mfa_process prints, and the runtime folder the
/// session goes under.
fn login_with(
    sandbox: &Sandbox,
    cli: &std::path::Path,
) -> (std::process::Command, std::path::PathBuf) {
    let code = sandbox.root.join("code");
    executable(&code, "#!/bin/sh\necho 123456\n");
    sandbox.write_user_config(&format!(
        "aws_cli = \"{}\"\nmfa_session = true\nmfa_process = \"{}\"\n{ORGANIZATION}",
        cli.display(),
        code.display()
    ));
    sandbox.write_aws_files();
    let runtime = sandbox.root.join("run");
    std::fs::create_dir(&runtime).unwrap();
    let mut cmd = sandbox.acct();
    cmd.env("XDG_RUNTIME_DIR", &runtime).arg("login");
    (cmd, runtime)
}

/// An `aws_cli` whose GetSessionToken answer expires in 2099 (or is over):
/// what a rogue endpoint would answer. acct refuses it and caches nothing.
#[test]
fn a_session_answer_beyond_what_was_asked_is_refused_and_not_cached() {
    for expiration in ["2099-01-01T00:00:00Z", "2001-01-01T00:00:00Z"] {
        let sandbox = Sandbox::new();
        let cli = sandbox.root.join("aws");
        executable(
            &cli,
            &format!(
                "#!/bin/sh\ncase \"$*\" in\n*get-session-token*) printf '%s' '{{\"Credentials\":{{\"AccessKeyId\":\"ASIAROGUE\",\"SecretAccessKey\":\"s\",\"SessionToken\":\"t\",\"Expiration\":\"{expiration}\"}}}}';;\n*) echo 'aws-cli/2.15.0 Python/3 Linux/6'; ;;\nesac\n"
            ),
        );
        let (mut cmd, runtime) = login_with(&sandbox, &cli);
        let out = without_terminal(&mut cmd).output().unwrap();
        assert_status(&out, 1);
        assert!(
            stderr(&out).contains("not trusted"),
            "{expiration}: {}",
            stderr(&out)
        );
        let sessions = runtime.join("acct/sessions");
        let cached: Vec<String> = if sessions.exists() {
            entries(&sessions)
                .into_iter()
                .filter(|n| n.ends_with(".json"))
                .collect()
        } else {
            Vec::new()
        };
        assert_eq!(cached, Vec::<String>::new(), "{expiration}: cached");
    }
}

/// GetSessionToken runs with a stage's clean environment: stale keys, a
/// selected profile and an endpoint override of the person's shell never
/// reach it (only `--profile` decides whose keys sign the call).
#[test]
fn the_session_call_gets_a_clean_environment() {
    let sandbox = Sandbox::new();
    let cli = sandbox.root.join("aws");
    let seen = sandbox.root.join("seen-env");
    executable(
        &cli,
        &format!(
            r#"#!/bin/sh
case "$*" in
*get-session-token*)
  env > '{}'
  exp=$(date -u -d '+30 minutes' +%Y-%m-%dT%H:%M:%SZ)
  printf '{{"Credentials":{{"AccessKeyId":"ASIAOK","SecretAccessKey":"s","SessionToken":"t","Expiration":"%s"}}}}' "$exp";;
*) echo 'aws-cli/2.15.0 Python/3 Linux/6';;
esac
"#,
            seen.display()
        ),
    );
    let (mut cmd, _) = login_with(&sandbox, &cli);
    cmd.env("AWS_ACCESS_KEY_ID", "AKIASTALEKEY")
        .env("AWS_SECRET_ACCESS_KEY", "stale-secret")
        .env("AWS_SESSION_TOKEN", "stale-token")
        .env("AWS_PROFILE", "someone-else")
        .env("AWS_DEFAULT_PROFILE", "someone-else")
        .env("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9/");
    let out = without_terminal(&mut cmd).output().unwrap();
    assert_status(&out, 0);
    let env = std::fs::read_to_string(&seen).unwrap();
    for stale in [
        "AWS_ACCESS_KEY_ID=",
        "AWS_SECRET_ACCESS_KEY=",
        "AWS_SESSION_TOKEN=",
        "AWS_PROFILE=",
        "AWS_DEFAULT_PROFILE=",
        "AWS_ENDPOINT_URL_STS=",
        "someone-else",
    ] {
        assert!(
            !env.contains(stale),
            "{stale} reached the session call:\n{env}"
        );
    }
}
