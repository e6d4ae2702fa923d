//! Every inherited credential source is removed, for every SDK (issue 9,
//! point 1): whatever identity the parent environment carries (an EKS pod's
//! or a CI job's web identity, the Go SDK's legacy key names, a container
//! credential endpoint, the EC2 tools' key file, ...), a client inside
//! `acct exec testing` runs as the stage's role, against moto's STS on
//! 127.0.0.1. moto's AssumeRole answers with the account and role of the
//! requested ARN, so the ARN a client reports says which credentials it used.
//!
//! Each case is a set of inherited variables. Its test shows that
//! - `acct exec` hands none of them to the command (so dropping any one name
//!   from acct's list fails the test, also for names no client here reads
//!   over a profile),
//! - where an SDK really takes them over `AWS_PROFILE`, it does so without
//!   acct: the command runs as someone else,
//! - inside `acct exec` the AWS CLI v2 and v1 (and, for the cases Terraform
//!   gets wrong, Terraform's AWS provider) land in the stage's account and
//!   role.
//!
//! Which client takes what over a profile (AWS CLI v2 2.9, v1 1.45, the
//! Terraform AWS provider 5.100 on the Go SDK v2): the static keys win in
//! every one; the legacy names AWS_ACCESS_KEY and AWS_SECRET_KEY and the web
//! identity win in Terraform only; the tests assert each of those wins. The
//! container endpoint, AWS_CREDENTIAL_FILE, AWS_SECURITY_TOKEN (alone) and
//! AWS_ACCOUNT_ID lose to a profile with a role in all three (not asserted:
//! each SDK's order may change); they are removed because other SDKs and
//! versions read them, and because without a profile's credentials they
//! are an identity of their own (`the_container_endpoint_is_a_live_identity`).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::moto::{Moto, aws_v1, aws_v2};
use crate::tools;
use crate::util::*;

/// The MEMBER layout's `testing` stage: no `mfa_serial`, so nothing prompts
/// (Terraform cannot).
const STAGE: &str = "testing";
const PROFILE: &str = "cpco-testing-admin";
const REGION: &str = "us-west-2";
const STAGE_ROLE: &str = "arn:aws:sts::126450723953:assumed-role/cpco-testing-admin/";

/// The web identity of a CI job or an EKS pod (IRSA).
const CI_ROLE_ARN: &str = "arn:aws:iam::999999999999:role/ci";
const CI_IDENTITY: &str = "arn:aws:sts::999999999999:assumed-role/ci/ci";
/// moto's caller identity for keys it never issued: the inherited keys.
const INHERITED_KEYS_IDENTITY: &str = "arn:aws:sts::123456789012:user/moto";

/// What the container credential endpoint requires and hands out.
const CONTAINER_TOKEN: &str = "container-authorization-token";
const CONTAINER_KEY: &str = "AKIACONTAINERCREDS01";

// ---------------------------------------------------------------------------
// The inherited identities

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    WebIdentity,
    LegacyKeys,
    Keys,
    ContainerToken,
    ContainerTokenFile,
    ContainerRelativeUri,
    CredentialFile,
    SecurityToken,
    AccountId,
    OtherToolsSessions,
}

const CASES: [Case; 10] = [
    Case::WebIdentity,
    Case::LegacyKeys,
    Case::Keys,
    Case::ContainerToken,
    Case::ContainerTokenFile,
    Case::ContainerRelativeUri,
    Case::CredentialFile,
    Case::SecurityToken,
    Case::AccountId,
    Case::OtherToolsSessions,
];

impl Case {
    /// The variables of this inherited identity; the files they name are
    /// written into the sandbox, the container endpoint is `container`.
    fn vars(self, sandbox: &Sandbox, container: &ContainerEndpoint) -> Vec<(&'static str, String)> {
        let path = |relative: &str, text: &str| sandbox.write(relative, text).display().to_string();
        match self {
            Case::WebIdentity => vec![
                (
                    "AWS_WEB_IDENTITY_TOKEN_FILE",
                    // A JWT's shape; moto does not check the signature.
                    path(
                        "ci/web-identity-token",
                        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Y2k6Y2kifQ.c2ln",
                    ),
                ),
                ("AWS_ROLE_ARN", CI_ROLE_ARN.to_string()),
                ("AWS_ROLE_SESSION_NAME", "ci".to_string()),
            ],
            Case::LegacyKeys => vec![
                ("AWS_ACCESS_KEY", "AKIALEGACYNAMEKEY001".to_string()),
                ("AWS_SECRET_KEY", "legacy-name-secret".to_string()),
            ],
            Case::Keys => vec![
                ("AWS_ACCESS_KEY_ID", "AKIASTALESTALESTALE1".to_string()),
                ("AWS_SECRET_ACCESS_KEY", "stale-secret".to_string()),
                ("AWS_SESSION_TOKEN", "stale-session-token".to_string()),
            ],
            Case::ContainerToken => vec![
                ("AWS_CONTAINER_CREDENTIALS_FULL_URI", container.url()),
                (
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                    CONTAINER_TOKEN.to_string(),
                ),
            ],
            Case::ContainerTokenFile => vec![
                ("AWS_CONTAINER_CREDENTIALS_FULL_URI", container.url()),
                (
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                    path("ci/container-token", CONTAINER_TOKEN),
                ),
            ],
            // ECS's link-local endpoint, 169.254.170.2: not reachable here, so
            // only its absence in the command's environment can show it.
            Case::ContainerRelativeUri => vec![(
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "/v2/credentials/5f8e0a3c-ci".to_string(),
            )],
            Case::CredentialFile => vec![(
                "AWS_CREDENTIAL_FILE",
                path(
                    "ci/ec2-credentials",
                    "AWSAccessKeyId=AKIAEC2TOOLSKEYFILE1\nAWSSecretKey=ec2-tools-secret\n",
                ),
            )],
            Case::SecurityToken => {
                vec![("AWS_SECURITY_TOKEN", "stale-security-token".to_string())]
            }
            Case::AccountId => vec![("AWS_ACCOUNT_ID", "999999999999".to_string())],
            Case::OtherToolsSessions => vec![
                (
                    "AWS_CREDENTIAL_EXPIRATION",
                    "2099-01-01T00:00:00Z".to_string(),
                ),
                ("AWS_SESSION_EXPIRATION", "2099-01-01T00:00:00Z".to_string()),
                ("AWS_CREDENTIAL_SCOPE", "us-east-1".to_string()),
                ("AWS_VAULT", "ci".to_string()),
                ("AWSUME_PROFILE", "ci".to_string()),
                ("AWSU_PROFILE", "ci".to_string()),
                ("AWS_SSO_PROFILE", "ci".to_string()),
            ],
        }
    }

    /// Whom the AWS CLI (v2 and v1 alike) runs as with this inherited beside
    /// `AWS_PROFILE` of the stage, when that is not the stage's role.
    fn wins_in_the_cli(self) -> Option<&'static str> {
        match self {
            Case::Keys => Some(INHERITED_KEYS_IDENTITY),
            _ => None,
        }
    }

    /// The same for Terraform's AWS provider (the Go SDK v2).
    fn wins_in_terraform(self) -> Option<&'static str> {
        match self {
            Case::WebIdentity => Some(CI_IDENTITY),
            Case::LegacyKeys | Case::Keys => Some(INHERITED_KEYS_IDENTITY),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------
// A container credential endpoint (ECS, EKS Pod Identity, CodeBuild)

/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`'s server on 127.0.0.1: the ECS
/// credential JSON for a request with the right `Authorization`, 401 for any
/// other. Counts the requests it answers.
struct ContainerEndpoint {
    port: u16,
    requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ContainerEndpoint {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the container endpoint");
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (requests, stop) = (requests.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        requests.fetch_add(1, Ordering::SeqCst);
                        let _ = answer(stream);
                    }
                }
            })
        };
        ContainerEndpoint {
            port,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/v2/credentials/ci", self.port)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

fn answer(stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut authorized = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("authorization") && value.trim() == CONTAINER_TOKEN {
                authorized = true;
            }
        }
    }
    let (status, body) = if authorized {
        (
            "200 OK",
            format!(
                r#"{{"AccessKeyId":"{CONTAINER_KEY}","SecretAccessKey":"container-secret","Token":"container-session-token","Expiration":"2099-01-01T00:00:00Z"}}"#
            ),
        )
    } else {
        (
            "401 Unauthorized",
            r#"{"message":"unauthorized"}"#.to_string(),
        )
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}

impl Drop for ContainerEndpoint {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees `stop`.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

// ---------------------------------------------------------------------------
// Running things with and without acct

/// A sandbox of the MEMBER layout with its AWS files.
fn member_sandbox() -> Sandbox {
    let sandbox = Sandbox::with_config(&format!("{KEEP_LOCAL_ENDPOINTS}{MEMBER}"));
    sandbox.write_aws_files();
    sandbox
}

/// `acct exec --yes testing -- PROGRAM ARGS` with `inherited` in its
/// environment.
fn in_stage(sandbox: &Sandbox, inherited: &[(&str, String)], program: &Path) -> Command {
    let mut cmd = sandbox.acct();
    cmd.envs(inherited.iter().map(|(n, v)| (*n, v)))
        .args(["exec", "--yes", STAGE, "--"])
        .arg(program)
        .stdin(Stdio::null());
    cmd
}

/// PROGRAM without acct: the stage's profile selected by hand, as a user
/// would (`export AWS_PROFILE=...`), with `inherited` beside it.
fn beside_profile(sandbox: &Sandbox, inherited: &[(&str, String)], program: &Path) -> Command {
    let mut cmd = sandbox.command(program);
    cmd.env("AWS_PROFILE", PROFILE)
        .env("AWS_DEFAULT_PROFILE", PROFILE)
        .env("AWS_REGION", REGION)
        .env("AWS_DEFAULT_REGION", REGION)
        .env("AWS_SDK_LOAD_CONFIG", "1")
        .envs(inherited.iter().map(|(n, v)| (*n, v)))
        .stdin(Stdio::null());
    cmd
}

/// The command's environment inside the stage has none of `inherited`, and
/// the stage's profile, read from the config file by every SDK.
#[track_caller]
fn assert_removed(sandbox: &Sandbox, inherited: &[(&str, String)], case: Case) {
    let out = in_stage(sandbox, inherited, Path::new("env"))
        .arg("-0")
        .output()
        .unwrap();
    assert_status(&out, 0);
    let env = parse_env0(&out.stdout);
    let value = |name: &str| env.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    for (name, _) in inherited {
        assert_eq!(value(name), None, "{case:?}: {name} reached the command");
    }
    assert_eq!(value("AWS_PROFILE"), Some(PROFILE), "{case:?}");
    assert_eq!(value("AWS_SDK_LOAD_CONFIG"), Some("1"), "{case:?}");
}

/// The ARN `aws sts get-caller-identity` reports.
#[track_caller]
fn caller_arn(mut cmd: Command) -> String {
    let out = cmd
        .args(["sts", "get-caller-identity", "--output", "json"])
        .output()
        .unwrap();
    assert_status(&out, 0);
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("caller identity JSON");
    json["Arn"].as_str().expect("an Arn").to_string()
}

#[track_caller]
fn assert_stage_role(arn: &str, what: &str) {
    assert!(
        arn.starts_with(STAGE_ROLE),
        "{what}: expected the stage's role {STAGE_ROLE}..., got {arn}"
    );
}

/// One case with one AWS CLI: without acct it runs as the inherited
/// identity where that one wins over the profile; in the stage it runs as
/// the stage's role and never asks a container endpoint.
fn check_cli(case: Case, aws: &Path, moto: &Moto, which: &str) {
    let sandbox = member_sandbox();
    let container = ContainerEndpoint::start();
    let inherited = case.vars(&sandbox, &container);

    if let Some(wrong) = case.wins_in_the_cli() {
        let mut cmd = beside_profile(&sandbox, &inherited, aws);
        moto.configure(&mut cmd);
        assert_eq!(
            caller_arn(cmd),
            wrong,
            "{case:?}: without acct the {which} runs as the inherited identity"
        );
    }

    let mut cmd = in_stage(&sandbox, &inherited, aws);
    moto.configure(&mut cmd);
    assert_stage_role(&caller_arn(cmd), &format!("{case:?}, {which} in acct exec"));
    assert_eq!(
        container.requests(),
        0,
        "{case:?}: the container endpoint was asked"
    );
    // Also the names no client here reads over a profile.
    assert_removed(&sandbox, &inherited, case);
}

/// A case with the AWS CLI v2 (through moto_proxy) and v1 (moto_server),
/// both held until the end so the next test finds them running.
fn check_both_clis(case: Case) {
    let (proxy, server) = (Moto::shared_proxy(), Moto::shared_server());
    check_cli(case, &aws_v2(), &proxy, "AWS CLI v2");
    check_cli(case, &aws_v1(), &server, "AWS CLI v1");
}

// ---------------------------------------------------------------------------
// The AWS CLI, one test per inherited identity

#[test]
fn web_identity_of_a_pod_or_ci_job_is_removed() {
    check_both_clis(Case::WebIdentity);
}

#[test]
fn legacy_key_names_the_go_sdk_reads_are_removed() {
    check_both_clis(Case::LegacyKeys);
}

#[test]
fn static_keys_are_removed() {
    check_both_clis(Case::Keys);
}

#[test]
fn container_endpoint_with_a_token_is_removed() {
    check_both_clis(Case::ContainerToken);
}

#[test]
fn container_endpoint_with_a_token_file_is_removed() {
    check_both_clis(Case::ContainerTokenFile);
}

#[test]
fn container_relative_uri_is_removed() {
    check_both_clis(Case::ContainerRelativeUri);
}

#[test]
fn ec2_tools_credential_file_is_removed() {
    check_both_clis(Case::CredentialFile);
}

#[test]
fn security_token_is_removed() {
    check_both_clis(Case::SecurityToken);
}

#[test]
fn account_id_is_removed() {
    check_both_clis(Case::AccountId);
}

#[test]
fn other_tools_session_markers_are_removed() {
    check_both_clis(Case::OtherToolsSessions);
}

/// The container endpoint of these tests is a live identity: with no profile
/// at all, the AWS CLI v1 takes its keys (with the token, and with the token
/// file, which the CLI v2 2.9 does not read yet), so its absence in the
/// stage means something.
#[test]
fn the_container_endpoint_is_a_live_identity() {
    let moto = Moto::shared_server();
    for case in [Case::ContainerToken, Case::ContainerTokenFile] {
        let sandbox = member_sandbox();
        let container = ContainerEndpoint::start();
        let inherited = case.vars(&sandbox, &container);
        let mut cmd = sandbox.command(aws_v1());
        cmd.env("AWS_DEFAULT_REGION", REGION)
            .env("AWS_SHARED_CREDENTIALS_FILE", sandbox.root.join("none"))
            .envs(inherited.iter().map(|(n, v)| (*n, v)))
            .stdin(Stdio::null());
        moto.configure(&mut cmd);
        assert_eq!(caller_arn(cmd), INHERITED_KEYS_IDENTITY, "{case:?}");
        assert_eq!(container.requests(), 1, "{case:?}");
    }
}

/// Every name acct removes (src/config/env_names.rs's `STALE_CREDENTIALS`) is in
/// one case here, so a new name comes with its test.
#[test]
fn every_removed_name_has_a_case() {
    let source = std::fs::read_to_string(repo_file("src/config/env_names.rs")).unwrap();
    let start = source
        .find("pub const STALE_CREDENTIALS")
        .expect("STALE_CREDENTIALS in src/config/env_names.rs");
    let list = &source[start..start + source[start..].find("];").unwrap()];
    let mut removed: Vec<&str> = list
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with('"'))
        .map(|line| line.trim_end_matches(',').trim_matches('"'))
        .collect();
    removed.sort();

    let sandbox = Sandbox::new();
    let container = ContainerEndpoint::start();
    let mut covered: Vec<&str> = CASES
        .iter()
        .flat_map(|case| case.vars(&sandbox, &container))
        .map(|(name, _)| name)
        .collect();
    covered.sort();
    covered.dedup();
    assert_eq!(covered, removed);
}

// ---------------------------------------------------------------------------
// Terraform

/// A sandbox with a Terraform configuration reading its caller identity,
/// initialised offline from the provider mirror.
struct Terraform {
    sandbox: Sandbox,
    terraform: PathBuf,
    moto: Arc<Moto>,
    /// moto_server, which the CLI tests running beside this one use.
    _server: Option<Arc<Moto>>,
}

impl Terraform {
    /// `case` checked with Terraform (SKIPPED when it or its providers are
    /// missing).
    fn check_or_skip(test: &str, case: Case) {
        if let Some(terraform) = Terraform::init(test) {
            terraform.check_case(case);
        }
    }

    /// `None` after a SKIPPED line when terraform or its providers are
    /// missing.
    fn init(test: &str) -> Option<Self> {
        let (terraform, plugins) = tools::terraform_with_plugins_or_skip(test)?;
        let terraform = Terraform {
            sandbox: member_sandbox(),
            terraform,
            moto: Moto::shared_proxy(),
            _server: Moto::running_server(),
        };
        std::fs::write(
            terraform.sandbox.work.join("main.tf"),
            tools::TERRAFORM_CONFIG,
        )
        .unwrap();
        terraform.sandbox.write("terraformrc", "");
        let out = terraform
            .offline(&mut terraform.sandbox.command(&terraform.terraform))
            .arg("init")
            .arg(format!("-plugin-dir={}", plugins.display()))
            .args(["-input=false", "-no-color"])
            .output()
            .unwrap();
        assert_status(&out, 0);
        Some(terraform)
    }

    /// Terraform's own settings: no user CLI config, no plugin cache, no
    /// version check, its data in the sandbox; the provider's HTTPS goes to
    /// moto.
    fn offline<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        cmd.env("TF_CLI_CONFIG_FILE", self.sandbox.root.join("terraformrc"))
            .env("TF_DATA_DIR", self.sandbox.root.join("terraform-data"))
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("TF_PLUGIN_CACHE_DIR")
            .env("NO_PROXY", "");
        self.moto.configure(cmd);
        cmd
    }

    /// `terraform apply` as `cmd` runs it, then `terraform output -raw arn`.
    #[track_caller]
    fn apply(&self, mut cmd: Command) -> String {
        let _ = std::fs::remove_file(self.sandbox.work.join("terraform.tfstate"));
        let out = self
            .offline(&mut cmd)
            .args(["apply", "-auto-approve", "-input=false", "-no-color"])
            .output()
            .unwrap();
        assert_status(&out, 0);
        let out = self
            .offline(&mut self.sandbox.command(&self.terraform))
            .args(["output", "-raw", "-no-color", "arn"])
            .output()
            .unwrap();
        assert_status(&out, 0);
        stdout(&out)
    }

    /// Without acct the inherited identity wins over the profile when
    /// `case` says so; in the stage Terraform runs as the stage's role.
    fn check(&self, inherited: &[(&str, String)], wins: Option<&str>, what: &str) {
        if let Some(wrong) = wins {
            let arn = self.apply(beside_profile(&self.sandbox, inherited, &self.terraform));
            assert_eq!(
                arn, wrong,
                "{what}: without acct Terraform runs as the inherited identity"
            );
        }
        let arn = self.apply(in_stage(&self.sandbox, inherited, &self.terraform));
        assert_stage_role(&arn, &format!("{what}, Terraform in acct exec"));
    }

    fn check_case(&self, case: Case) {
        let container = ContainerEndpoint::start();
        let inherited = case.vars(&self.sandbox, &container);
        self.check(&inherited, case.wins_in_terraform(), &format!("{case:?}"));
        assert_eq!(
            container.requests(),
            0,
            "{case:?}: the container endpoint was asked"
        );
        assert_removed(&self.sandbox, &inherited, case);
    }
}

/// The web identity every EKS pod with IRSA and every CI job with OIDC has:
/// the Go SDK v2 takes it before the shared config, so without acct
/// Terraform runs as the CI role.
#[test]
fn terraform_runs_as_the_stage_role_despite_a_web_identity() {
    Terraform::check_or_skip(
        "terraform_runs_as_the_stage_role_despite_a_web_identity",
        Case::WebIdentity,
    );
}

/// AWS_ACCESS_KEY and AWS_SECRET_KEY, the names the Go SDK reads beside the
/// modern ones: without acct Terraform runs as those keys.
#[test]
fn terraform_runs_as_the_stage_role_despite_legacy_key_names() {
    Terraform::check_or_skip(
        "terraform_runs_as_the_stage_role_despite_legacy_key_names",
        Case::LegacyKeys,
    );
}

/// Everything a CI runner may carry at once, modern keys included: in the
/// stage, the stage's role.
#[test]
fn terraform_runs_as_the_stage_role_despite_every_inherited_source_at_once() {
    let Some(terraform) =
        Terraform::init("terraform_runs_as_the_stage_role_despite_every_inherited_source_at_once")
    else {
        return;
    };
    let container = ContainerEndpoint::start();
    let inherited: Vec<(&str, String)> = CASES
        .iter()
        .filter(|case| **case != Case::ContainerTokenFile) // one FULL_URI
        .flat_map(|case| case.vars(&terraform.sandbox, &container))
        .chain(
            Case::ContainerTokenFile
                .vars(&terraform.sandbox, &container)
                .into_iter()
                .skip(1),
        )
        .collect();
    terraform.check(&inherited, None, "every source at once");
    assert_eq!(container.requests(), 0, "the container endpoint was asked");
}

/// Keys of the stage's own profile name in the credentials file (a stale
/// `[cpco-testing-admin]` from before acct): botocore and the Go SDK both
/// take the profile's `role_arn` and `source_profile` over them (measured
/// here, without acct), yet every client merges the section into the
/// profile, so the gate (issue 19) refuses the stage: one `role_arn` there
/// would move it elsewhere.
#[test]
fn keys_of_the_stage_profile_in_the_credentials_file_are_refused() {
    let stale = "\n[cpco-testing-admin]\naws_access_key_id = AKIASTALEPROFILEKEY1\naws_secret_access_key = stale\n";
    let add_stale = |sandbox: &Sandbox| {
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(sandbox.aws_credentials())
            .unwrap();
        file.write_all(stale.as_bytes()).unwrap();
    };
    let refused = |sandbox: &Sandbox| {
        let out = in_stage(sandbox, &[], Path::new("true")).output().unwrap();
        assert_status(&out, 1);
        assert_contains(&stderr(&out), "delete that section");
    };
    let (proxy, server) = (Moto::shared_proxy(), Moto::shared_server());
    for (aws, moto, which) in [
        (aws_v2(), &proxy, "AWS CLI v2"),
        (aws_v1(), &server, "AWS CLI v1"),
    ] {
        let sandbox = member_sandbox();
        add_stale(&sandbox);
        let mut cmd = beside_profile(&sandbox, &[], &aws);
        moto.configure(&mut cmd);
        assert_stage_role(&caller_arn(cmd), &format!("{which}, stale profile keys"));
        refused(&sandbox);
    }
    let Some(terraform) =
        Terraform::init("keys_of_the_stage_profile_in_the_credentials_file_are_refused")
    else {
        return;
    };
    add_stale(&terraform.sandbox);
    let arn = terraform.apply(beside_profile(
        &terraform.sandbox,
        &[],
        &terraform.terraform,
    ));
    assert_stage_role(&arn, "Terraform, stale profile keys");
    refused(&terraform.sandbox);
}
