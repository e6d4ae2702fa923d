//! Issue 25: a container credential endpoint. `acct exec --serve STAGE --
//! CMD` serves the stage role's keys on 127.0.0.1 to CMD and whatever it
//! starts, the way ECS serves a task's (`AWS_CONTAINER_CREDENTIALS_FULL_URI`
//! and `AWS_CONTAINER_AUTHORIZATION_TOKEN`); `acct serve STAGE` serves until
//! a signal and prints those two for a shell.
//!
//! What these tests pin, against moto's STS on 127.0.0.1:
//! - clients that see the world as a container does (an empty HOME, no
//!   profile, no AWS files, nothing of acct's environment but the two
//!   variables, a region and the way to moto) land in the stage's account
//!   and role: the AWS CLI v2 in every seed layout, boto3, the JS SDK v3 and
//!   Terraform in one each, and the CLI v2 in an MFA-session estate with no
//!   terminal (so nothing can be asked);
//! - no token, a wrong one, another path or another method: 401, 403, 404,
//!   405, no credentials, and nothing fetched;
//! - the keys are fetched on the first request and kept; keys with less
//!   than 15 minutes left are fetched again (new keys); a failed fetch is a
//!   500 that says why, and the next request tries again;
//! - the endpoint ends with the command, also when acct is killed; acct
//!   ends as its command did (status, or the same signal), and forwards
//!   SIGTERM to it;
//! - `acct serve`: the two variables for bash, zsh, fish and as JSON,
//!   served until SIGTERM, SIGINT or SIGHUP, then exit 0;
//! - as `exec`: an MFA session that holds less than `--min-left` is not
//!   served (no terminal to renew it on), nor is a protected stage without
//!   `--yes` (`acct serve`; `exec --serve` and the options it cannot go
//!   with are in tests/serve_process.rs).
//!
//! The seed layouts run without their `mfa_serial`: a role's own MFA code
//! would be asked at the first request, on the terminal the command holds,
//! while the client waits a few seconds at most; the MFA-session estate is
//! how MFA and the endpoint go together.
//!
//! acct's own fetch goes through `aws_cli`, the AWS CLI v2 behind a wrapper
//! that logs each `configure export-credentials` and, on a test's word,
//! makes the keys look close to expiry or fails.

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::mfa_session::min_left::assert_refused;
use crate::mfa_session::{
    Estate, Expected, MEMBER_TESTING, ORGANIZATION_TESTING, SINGLE_TESTING, Sts, assert_lands,
    planted_session,
};
use crate::moto::{CALLER_ARN, Moto, aws_v2, proxy_ca};
use crate::tools;
use crate::util::*;

/// A hang guard for a run: far longer than any correct one takes.
const BOUND: Duration = Duration::from_secs(180);
/// A hang guard for acct's end once it was signalled.
const SIGNALLED: Duration = Duration::from_secs(30);

const MFA_SERIAL: &str = "mfa_serial = \"arn:aws:iam::323330167063:mfa/admin@example.com\"\n";

/// The member layout's protected prod, in its own region.
const MEMBER_PROD: Expected = ("prod", "010987654321", "cpco-prod-admin");

/// What the wrapper says when the test makes the fetch fail.
const UNREACHABLE: &str = "aws (test wrapper): STS is unreachable today";

/// Python that sets the `Expiration` of export-credentials' JSON to five
/// minutes from now (no single quote: it goes inside one).
const FIVE_MINUTES_LEFT: &str = "import datetime, json, sys; keys = json.load(sys.stdin); \
     keys[\"Expiration\"] = (datetime.datetime.now(datetime.timezone.utc) \
     + datetime.timedelta(minutes=5)).isoformat(); print(json.dumps(keys))";

/// The JS SDK v3 asking STS who it is, with its default credential chain.
/// moto_proxy ends a tunnel asked for with `Proxy-Connection: close`, the
/// agent's default.
const JS_WHO_AM_I: &str = r#"import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { HttpsProxyAgent } from "https-proxy-agent";
const httpsAgent = new HttpsProxyAgent(process.env.HTTPS_PROXY, {
  headers: { "Proxy-Connection": "Keep-Alive" },
});
const sts = new STSClient({ requestHandler: { httpsAgent } });
console.log((await sts.send(new GetCallerIdentityCommand({}))).Arn);
"#;

fn quote(text: impl AsRef<std::ffi::OsStr>) -> String {
    shell_words::quote(text.as_ref().to_str().unwrap()).into_owned()
}

// ---------------------------------------------------------------------------
// A served estate

/// A seed layout without its `mfa_serial`, with long-lived keys for its
/// source profile, and `aws_cli` the logging wrapper.
struct Served {
    sandbox: Sandbox,
    moto: Arc<Moto>,
}

impl Served {
    fn new(layout: &str) -> Self {
        let sandbox = Sandbox::new();
        let wrapper = sandbox.root.join("aws");
        executable(
            &wrapper,
            &format!(
                r#"#!/bin/sh
case " $* " in
*" export-credentials "*)
  echo "$*" >> '{fetches}'
  if [ -e '{failing}' ]; then echo '{UNREACHABLE}' >&2; exit 255; fi
  if [ -e '{slow}' ]; then echo $$ > '{slow}.pid'; sleep 60; fi
  if [ -e '{short}' ]; then
    '{aws}' "$@" | '{python}' -c '{FIVE_MINUTES_LEFT}'
    exit
  fi
  ;;
esac
exec '{aws}' "$@"
"#,
                fetches = sandbox.root.join("fetches").display(),
                failing = sandbox.root.join("failing").display(),
                short = sandbox.root.join("short").display(),
                slow = sandbox.root.join("slow").display(),
                aws = aws_v2().display(),
                python = tools::python().display(),
            ),
        );
        sandbox.write_user_config(&format!(
            "aws_cli = \"{}\"\n{}",
            wrapper.display(),
            layout.replace(MFA_SERIAL, "")
        ));
        sandbox.write_aws_files();
        Served {
            sandbox,
            moto: Moto::shared_proxy(),
        }
    }

    /// How many times acct fetched the keys.
    fn fetches(&self) -> usize {
        std::fs::read_to_string(self.sandbox.root.join("fetches"))
            .unwrap_or_default()
            .lines()
            .count()
    }

    /// The wrapper's behaviour from now on: `"short"` (keys with five
    /// minutes left), `"failing"`, or `"slow"` (a minute before it answers; its
    /// pid in `slow.pid`).
    fn set(&self, flag: &str, on: bool) {
        let path = self.sandbox.root.join(flag);
        if on {
            std::fs::write(path, "").unwrap();
        } else {
            std::fs::remove_file(path).unwrap();
        }
    }

    /// acct, its AWS CLI pointed at moto.
    fn acct(&self) -> Command {
        let mut cmd = self.sandbox.acct();
        self.moto.configure(&mut cmd);
        cmd
    }

    /// `acct exec --serve --yes STAGE -- sh -c SCRIPT` with no terminal.
    fn exec(&self, stage: &str, script: &str) -> Output {
        let mut cmd = self.acct();
        cmd.args(["exec", "--serve", "--yes", stage, "--", "sh", "-c", script]);
        run_within(without_terminal(&mut cmd), BOUND)
    }

    /// `client` in `stage`, as a container under `acct exec --serve`: the
    /// ARN it says it runs as.
    fn client_arn(&self, client: Client, stage: &str) -> String {
        let script = in_a_container(
            &self.sandbox.root,
            &self.moto,
            &client.script(&self.sandbox),
        );
        let out = self.exec(stage, &script);
        assert_status(&out, 0);
        stdout(&out)
    }
}

/// `script`, run by sh as a container sees the world: an empty HOME, no
/// AWS files nor profile, nothing of acct's environment but the two
/// container variables; PATH, a region, and the way to AWS (here moto_proxy
/// and its CA, for Python, Go and node alike).
fn in_a_container(root: &Path, moto: &Moto, script: &str) -> String {
    let home = root.join("container-home");
    std::fs::create_dir_all(&home).unwrap();
    let mut vars = vec![
        ("HOME", home.into_os_string()),
        ("PATH", std::env::var_os("PATH").unwrap_or_default()),
        ("AWS_REGION", "us-west-2".into()),
        ("NODE_EXTRA_CA_CERTS", proxy_ca().into()),
    ];
    vars.extend(moto.env());
    let set: Vec<String> = vars
        .iter()
        .map(|(name, value)| format!("{name}={}", quote(value)))
        .collect();
    format!(
        "exec env -i {} AWS_CONTAINER_CREDENTIALS_FULL_URI=\"$AWS_CONTAINER_CREDENTIALS_FULL_URI\" \
         AWS_CONTAINER_AUTHORIZATION_TOKEN=\"$AWS_CONTAINER_AUTHORIZATION_TOKEN\" sh -c {}",
        set.join(" "),
        quote(script)
    )
}

#[derive(Clone, Copy, Debug)]
enum Client {
    CliV2,
    Boto3,
    Js,
    Terraform,
}

impl Client {
    /// The line that runs the client and prints only the ARN it runs as.
    fn script(self, sandbox: &Sandbox) -> String {
        match self {
            Client::CliV2 => format!("{} {}", quote(aws_v2()), CALLER_ARN.join(" ")),
            Client::Boto3 => format!(
                "{} -c {}",
                quote(tools::python()),
                quote("import boto3; print(boto3.client('sts').get_caller_identity()['Arn'])")
            ),
            Client::Js => {
                let (node, dir) = tools::js_sdk();
                format!(
                    "cd {} && {} --no-warnings --input-type=module -e {}",
                    quote(dir),
                    quote(node),
                    quote(JS_WHO_AM_I)
                )
            }
            Client::Terraform => {
                let terraform = quote(tools::terraform().unwrap());
                let env: Vec<String> = terraform_env(sandbox)
                    .iter()
                    .map(|(name, value)| format!("{name}={}", quote(value)))
                    .collect();
                format!(
                    "cd {} && export {} && {terraform} apply -auto-approve -input=false -no-color >&2 \
                     && {terraform} output -raw -no-color arn",
                    quote(sandbox.root.join("tf")),
                    env.join(" ")
                )
            }
        }
    }
}

/// Terraform offline, its state and data in the sandbox.
fn terraform_env(sandbox: &Sandbox) -> Vec<(&'static str, PathBuf)> {
    vec![
        ("TF_CLI_CONFIG_FILE", sandbox.root.join("terraformrc")),
        ("TF_DATA_DIR", sandbox.root.join("tf-data")),
        ("TF_IN_AUTOMATION", "1".into()),
        ("CHECKPOINT_DISABLE", "1".into()),
    ]
}

/// `terraform init` of the caller-identity configuration in the sandbox,
/// from the offline providers (no credentials needed).
fn terraform_init(sandbox: &Sandbox, terraform: &Path, plugins: &Path) {
    let dir = sandbox.root.join("tf");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("main.tf"), tools::TERRAFORM_CONFIG).unwrap();
    std::fs::write(sandbox.root.join("terraformrc"), "").unwrap();
    let mut cmd = sandbox.command(terraform);
    cmd.current_dir(&dir)
        .envs(terraform_env(sandbox))
        .arg("init")
        .arg(format!("-plugin-dir={}", plugins.display()))
        .args(["-input=false", "-no-color"])
        .stdin(std::process::Stdio::null());
    assert_status(&run_within(&mut cmd, BOUND), 0);
}

// ---------------------------------------------------------------------------
// The endpoint, seen from outside

/// The port of the endpoint acct named, after checking both values' form:
/// `http://127.0.0.1:PORT/credentials`, and 64 lowercase hex digits.
#[track_caller]
fn endpoint_port(uri: &str, token: &str) -> u16 {
    let port = uri
        .strip_prefix("http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix("/credentials"))
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("not http://127.0.0.1:PORT/credentials: {uri:?}"));
    assert!(
        token.len() == 64
            && token
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
        "not 64 lowercase hex digits: {token:?}"
    );
    port
}

/// One request with curl: `method` on `path` of 127.0.0.1:`port`, with
/// `Authorization: <authorization>` when given; the status and the body.
fn request(port: u16, method: &str, path: &str, authorization: Option<&str>) -> (u16, String) {
    let mut cmd = Command::new(tools::by_name("curl"));
    cmd.env_clear()
        .args(["-sS", "--max-time", "120", "-X", method])
        .args(["-w", "\n%{http_code}"])
        .arg(format!("http://127.0.0.1:{port}{path}"));
    if let Some(value) = authorization {
        cmd.arg("-H").arg(format!("Authorization: {value}"));
    }
    let out = cmd.output().unwrap();
    assert_status(&out, 0);
    let text = stdout(&out);
    let (body, status) = text.rsplit_once('\n').unwrap();
    (status.parse().unwrap(), body.to_string())
}

/// A 200 answer's keys, checked whole.
struct Keys {
    id: String,
    secret: String,
    token: String,
    /// Seconds since the epoch.
    expires: i64,
}

#[track_caller]
fn keys(body: &str) -> Keys {
    let json: serde_json::Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body:?}"));
    let field = |name: &str| {
        json[name]
            .as_str()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| panic!("no {name} in {body}"))
            .to_string()
    };
    let expiration = field("Expiration");
    let expires = expiration
        .parse::<jiff::Timestamp>()
        .unwrap_or_else(|e| panic!("Expiration {expiration:?} is not RFC 3339: {e}"))
        .as_second();
    let keys = Keys {
        id: field("AccessKeyId"),
        secret: field("SecretAccessKey"),
        token: field("Token"),
        expires,
    };
    assert!(keys.id.starts_with("ASIA"), "temporary keys: {body}");
    keys
}

/// GET /credentials with the token: 200 and the keys.
#[track_caller]
fn credentials(port: u16, token: &str) -> Keys {
    let (status, body) = request(port, "GET", "/credentials", Some(token));
    assert_eq!(status, 200, "{body}");
    keys(&body)
}

#[track_caller]
fn assert_refuses(port: u16) {
    match std::net::TcpStream::connect(("127.0.0.1", port)) {
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {}
        other => panic!("127.0.0.1:{port} still takes connections: {other:?}"),
    }
}

/// Whether process `pid` still runs (a zombie has ended).
fn runs(pid: i32) -> bool {
    if kill(Pid::from_raw(pid), None).is_err() {
        return false;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|state| !state.trim_start().starts_with('Z')),
        Err(_) => !Path::new("/proc/self/stat").exists(),
    }
}

// ---------------------------------------------------------------------------
// A command held open under `acct exec --serve`

/// `acct exec --serve` whose command wrote the endpoint's URI, its token and
/// its own pid, and waits until the test says how it ends.
struct Held {
    acct: Option<Child>,
    done: PathBuf,
    port: u16,
    token: String,
    /// The command's (sh's) pid.
    pid: i32,
}

impl Served {
    /// `acct exec --serve ARGS -- sh` with no terminal, `trap` the first
    /// line of the sh script.
    fn hold(&self, args: &[&str], trap: &str) -> Held {
        let root = &self.sandbox.root;
        let (said, done) = (root.join("held"), root.join("done"));
        let _ = std::fs::remove_file(&said);
        let _ = std::fs::remove_file(&done);
        // The loop ends with the sandbox, and in 5 minutes at most: a
        // broken run leaves nothing behind.
        let script = format!(
            r#"{trap}
printf '%s %s %s\n' "$AWS_CONTAINER_CREDENTIALS_FULL_URI" "$AWS_CONTAINER_AUTHORIZATION_TOKEN" "$$" > '{said}.tmp'
mv '{said}.tmp' '{said}'
i=0
while [ ! -e '{done}' ] && [ -d '{root}' ] && [ $i -lt 6000 ]; do i=$((i+1)); sleep 0.05; done
exit "$(cat '{done}' 2>/dev/null || echo 99)"
"#,
            said = said.display(),
            done = done.display(),
            root = root.display()
        );
        let mut cmd = self.acct();
        cmd.args(["exec", "--serve"])
            .args(args)
            .args(["--", "sh", "-c", &script]);
        let mut acct = start(without_terminal(&mut cmd));
        let deadline = Instant::now() + BOUND;
        while !said.exists() {
            if acct.try_wait().unwrap().is_some() {
                let out = output_within(acct, BOUND);
                panic!(
                    "acct ended ({}) before its command started: {}",
                    out.status,
                    stderr(&out)
                );
            }
            assert!(Instant::now() < deadline, "the command did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        let text = std::fs::read_to_string(&said).unwrap();
        let fields: Vec<&str> = text.split_whitespace().collect();
        let [uri, token, pid] = fields[..] else {
            panic!("the command saw {text:?}")
        };
        Held {
            port: endpoint_port(uri, token),
            token: token.to_string(),
            pid: pid.parse().unwrap(),
            acct: Some(acct),
            done,
        }
    }
}

impl Held {
    /// acct's pid.
    fn acct_pid(&self) -> Pid {
        Pid::from_raw(self.acct.as_ref().unwrap().id() as i32)
    }

    fn signal(&self, signal: Signal) {
        kill(self.acct_pid(), signal).unwrap();
    }

    /// Waits for acct to end (it has been signalled): how it ended.
    fn ended(&mut self) -> ExitStatus {
        let acct = self.acct.as_mut().unwrap();
        let mut status = None;
        wait_until("acct to end", SIGNALLED, || {
            status = acct.try_wait().unwrap();
            status.is_some()
        });
        status.unwrap()
    }

    /// The command ends with `status`; acct's output.
    fn finish(mut self, status: &str) -> Output {
        std::fs::write(&self.done, status).unwrap();
        output_within(self.acct.take().unwrap(), BOUND)
    }
}

impl Drop for Held {
    /// A failed test leaves no command waiting, nor an acct.
    fn drop(&mut self) {
        let _ = std::fs::write(&self.done, "0");
        if let Some(acct) = &mut self.acct {
            let _ = acct.kill();
            let _ = acct.wait();
        }
    }
}

// ---------------------------------------------------------------------------
// 1. Clients in a container land in the stage's account and role

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

// ---------------------------------------------------------------------------
// 2. The command's environment; the requests that get nothing

/// The stage's environment as `exec` gives it, plus the endpoint's two
/// variables, a new token every run; no keys, and nothing fetched before a
/// request.
#[test]
fn the_command_gets_the_stage_and_the_endpoint_and_nothing_is_fetched_unasked() {
    let served = Served::new(MEMBER);
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let out = served.exec("testing", "env -0");
        assert_status(&out, 0);
        let env = env0(&out.stdout);
        let var = |name: &str| get(&env, name).map(|v| String::from_utf8_lossy(v).into_owned());
        assert_eq!(var("AWS_PROFILE").as_deref(), Some("cpco-testing-admin"));
        assert_eq!(var("STAGE").as_deref(), Some("testing"));
        for keys in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
        ] {
            assert_eq!(var(keys), None, "{keys} in the command's environment");
        }
        let uri = var("AWS_CONTAINER_CREDENTIALS_FULL_URI").expect("the endpoint's URI");
        let token = var("AWS_CONTAINER_AUTHORIZATION_TOKEN").expect("the token");
        endpoint_port(&uri, &token);
        tokens.push(token);
    }
    assert_ne!(tokens[0], tokens[1], "a fresh token every run");
    assert_eq!(served.fetches(), 0, "keys fetched with no request");
}

/// No token: 401; a wrong one: 403; another path: 404; another method:
/// 405; none with credentials, and none fetches any. Then the token gets the
/// stage role's own keys, fetched once.
#[test]
fn requests_without_the_token_with_a_wrong_one_or_elsewhere_get_no_credentials() {
    let served = Served::new(MEMBER);
    let held = served.hold(&["testing"], "");
    let token = held.token.as_str();
    let upper = token.to_uppercase();
    let bearer = format!("Bearer {token}");
    let longer = format!("{token}0");
    let other = "0".repeat(64);
    let cases: Vec<(&str, &str, Option<&str>, u16)> = vec![
        ("GET", "/credentials", None, 401),
        ("GET", "/credentials", Some(&other), 403),
        ("GET", "/credentials", Some(&token[..63]), 403),
        ("GET", "/credentials", Some(&longer), 403),
        ("GET", "/credentials", Some(&upper), 403),
        ("GET", "/credentials", Some(&bearer), 403),
        ("GET", "/", Some(token), 404),
        ("GET", "/credentials/", Some(token), 404),
        ("GET", "/credentials/x", Some(token), 404),
        ("GET", "/Credentials", Some(token), 404),
        (
            "GET",
            "/latest/meta-data/iam/security-credentials/",
            Some(token),
            404,
        ),
        ("POST", "/credentials", Some(token), 405),
        ("PUT", "/credentials", Some(token), 405),
        ("DELETE", "/credentials", Some(token), 405),
    ];
    for (method, path, authorization, want) in cases {
        let (status, body) = request(held.port, method, path, authorization);
        let what = format!("{method} {path} with {authorization:?}");
        assert_eq!(status, want, "{what}: {body}");
        for secret in ["AccessKeyId", "SecretAccessKey", "ASIA", "Token\""] {
            assert!(!body.contains(secret), "{what}: {secret} in {body}");
        }
    }
    assert_eq!(served.fetches(), 0, "a refused request fetched keys");

    let keys = credentials(held.port, token);
    assert_eq!(served.fetches(), 1);
    let identity = served.moto.identity_of(
        &served.sandbox,
        [keys.id.as_str(), keys.secret.as_str(), keys.token.as_str()],
    );
    assert_lands(
        identity["Arn"].as_str().unwrap(),
        MEMBER_TESTING,
        "the served keys",
    );
    let left = keys.expires - epoch_now();
    assert!((3000..=3600).contains(&left), "the role's hour: {left} s");
    assert_status(&held.finish("0"), 0);
}

// ---------------------------------------------------------------------------
// 3. Fetching: kept, renewed, failed

/// Keys with five minutes left are fetched again at every request (new
/// keys: the AWS CLI's cached role was forgotten); keys with the role's
/// hour are kept (one fetch for two requests, the same keys).
#[test]
fn keys_close_to_expiry_are_fetched_again_and_others_are_kept() {
    let served = Served::new(MEMBER);
    served.set("short", true);
    let held = served.hold(&["testing"], "");
    let first = credentials(held.port, &held.token);
    let second = credentials(held.port, &held.token);
    assert_eq!(served.fetches(), 2, "keys close to expiry fetched again");
    assert_ne!(first.id, second.id, "new keys, not the CLI's cached role");
    for keys in [&first, &second] {
        let left = keys.expires - epoch_now();
        assert!((200..=300).contains(&left), "the served expiry: {left} s");
    }

    served.set("short", false);
    let third = credentials(held.port, &held.token);
    assert_eq!(served.fetches(), 3, "keys with 5 minutes left are renewed");
    assert_ne!(third.id, second.id);
    let fourth = credentials(held.port, &held.token);
    assert_eq!(served.fetches(), 3, "keys with an hour left are kept");
    assert_eq!(fourth.id, third.id);
    assert_eq!(fourth.secret, third.secret);
    assert_eq!(fourth.token, third.token);
    assert_status(&held.finish("0"), 0);
}

/// A fetch that fails: 500 with a JSON message, the reason on acct's
/// stderr, no keys; the next request fetches again and gets them.
#[test]
fn a_failed_fetch_is_a_500_that_says_why_and_the_next_request_tries_again() {
    let served = Served::new(MEMBER);
    served.set("failing", true);
    let held = served.hold(&["testing"], "");
    let (status, body) = request(held.port, "GET", "/credentials", Some(&held.token));
    assert_eq!(status, 500, "{body}");
    let json: serde_json::Value =
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body:?}"));
    assert!(
        json["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(!body.contains("AccessKeyId"), "{body}");
    served.set("failing", false);
    credentials(held.port, &held.token);
    assert_eq!(served.fetches(), 2);
    let out = held.finish("0");
    assert_status(&out, 0);
    assert_contains(&stderr(&out), UNREACHABLE);
}

// ---------------------------------------------------------------------------
// 4. The endpoint ends with the command; acct ends as the command did

/// A client that gives up on a slow fetch (the SDKs wait a few seconds),
/// and a command that ends: the AWS CLI acct started for the fetch ends
/// with acct. Left running, it writes "[Errno 32] Broken pipe" on the
/// terminal later, or keeps asking a role's MFA code there, under the
/// shell acct returned to.
#[test]
#[ignore = "bug: the fetch's AWS CLI outlives `acct exec --serve` (see the test's doc)"]
fn a_fetch_still_running_when_the_command_ends_ends_with_acct() {
    use std::io::Write;
    let served = Served::new(MEMBER);
    served.set("slow", true);
    let mut held = served.hold(&["testing"], "");
    let mut client = std::net::TcpStream::connect(("127.0.0.1", held.port)).unwrap();
    write!(
        client,
        "GET /credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\n\r\n",
        held.token
    )
    .unwrap();
    let pid_file = served.sandbox.root.join("slow.pid");
    wait_for_file(&pid_file);
    drop(client);
    // acct's end, not its pipes' (a process left behind holds them).
    std::fs::write(&held.done, "0").unwrap();
    assert_eq!(held.ended().code(), Some(0));
    let text = std::fs::read_to_string(&pid_file).unwrap();
    let fetch: i32 = text.trim().parse().unwrap();
    let deadline = Instant::now() + SIGNALLED;
    while runs(fetch) {
        if Instant::now() > deadline {
            let _ = kill(Pid::from_raw(fetch), Signal::SIGKILL);
            panic!("the fetch's AWS CLI (pid {fetch}) still runs after acct ended");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn acct_ends_with_the_commands_status_and_the_endpoint_with_it() {
    let served = Served::new(MEMBER);
    let held = served.hold(&["testing"], "");
    let port = held.port;
    assert_eq!(request(port, "GET", "/credentials", None).0, 401, "serving");
    let out = held.finish("7");
    assert_status(&out, 7);
    assert_refuses(port);

    for (signal, number) in [("INT", 2), ("KILL", 9)] {
        let out = served.exec("testing", &format!("kill -{signal} $$"));
        assert_eq!(
            out.status.signal(),
            Some(number),
            "a command killed by SIG{signal}: acct got {:?}\n{}",
            out.status,
            stderr(&out)
        );
    }
}

/// SIGTERM to acct goes to the command: one that traps it ends as it
/// chooses, and acct with it; one that does not dies of it, and acct dies
/// of SIGTERM too. Either way the endpoint is gone.
#[test]
fn sigterm_to_acct_reaches_the_command_and_the_endpoint_ends() {
    let served = Served::new(MEMBER);
    let trapped = served.sandbox.root.join("trapped");
    let mut held = served.hold(
        &["testing"],
        &format!("trap \"echo TERM > {}; exit 3\" TERM", quote(&trapped)),
    );
    held.signal(Signal::SIGTERM);
    let status = held.ended();
    assert_eq!(status.code(), Some(3), "{status:?}");
    assert_eq!(
        std::fs::read_to_string(&trapped).unwrap_or_default(),
        "TERM\n",
        "the command got SIGTERM"
    );
    assert_refuses(held.port);
    drop(held);

    let mut held = served.hold(&["testing"], "");
    held.signal(Signal::SIGTERM);
    let status = held.ended();
    assert_eq!(status.signal(), Some(15), "{status:?}");
    wait_until("the command to end", SIGNALLED, || !runs(held.pid));
    assert_refuses(held.port);
}

/// SIGKILL cannot be forwarded, yet the endpoint goes with acct: nothing
/// else holds its socket, not even the command.
#[test]
fn after_sigkill_to_acct_the_port_refuses() {
    let served = Served::new(MEMBER);
    let mut held = served.hold(&["testing"], "");
    held.signal(Signal::SIGKILL);
    assert_eq!(held.ended().signal(), Some(9));
    assert_refuses(held.port);
}

// ---------------------------------------------------------------------------
// 5. `acct serve`

/// What `acct serve --shell SHELL` printed, once it is whole (two lines,
/// or a JSON value); acct is killed, and the test fails, when that does not
/// come within the bound. The rest of stdout is read away.
fn printed(acct: &mut Child, shell: &str) -> String {
    use std::io::Read;
    let mut stdout = acct.stdout.take().unwrap();
    let json = shell == "json";
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (mut seen, mut byte) = (Vec::new(), [0u8; 1]);
        let mut sent = false;
        while stdout.read(&mut byte).unwrap_or(0) == 1 {
            seen.push(byte[0]);
            let whole = if json {
                byte[0] == b'}' && serde_json::from_slice::<serde_json::Value>(&seen).is_ok()
            } else {
                seen.iter().filter(|b| **b == b'\n').count() == 2
            };
            if whole && !sent {
                sent = sender
                    .send(String::from_utf8_lossy(&seen).into_owned())
                    .is_ok();
            }
        }
    });
    receiver.recv_timeout(BOUND).unwrap_or_else(|_| {
        let _ = acct.kill();
        panic!("acct serve --shell {shell} did not print its variables")
    })
}

/// The URI and token in `text`, as `shell` takes them: two lines that set
/// the two variables, which the shell itself reads (quoted as it likes).
#[track_caller]
fn values_printed(sandbox: &Sandbox, text: &str, shell: &str) -> (String, String) {
    if shell == "json" {
        let json: serde_json::Value =
            serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:?}"));
        let object = json.as_object().expect("one JSON object");
        assert_eq!(object.len(), 2, "{text}");
        let value = |name: &str| {
            object[name]
                .as_str()
                .unwrap_or_else(|| panic!("{name} in {text}"))
                .to_string()
        };
        return (
            value("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
            value("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
        );
    }
    let set = if shell == "fish" { "set -gx" } else { "export" };
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.len() == 2
            && lines[0].starts_with(&format!("{set} AWS_CONTAINER_CREDENTIALS_FULL_URI"))
            && lines[1].starts_with(&format!("{set} AWS_CONTAINER_AUTHORIZATION_TOKEN")),
        "{shell}: {text:?}"
    );
    let print = "printf '%s\\n' \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\" \"$AWS_CONTAINER_AUTHORIZATION_TOKEN\"";
    let out = run_within(
        &mut in_shell(sandbox, shell, &format!("{text}{print}")),
        BOUND,
    );
    assert_status(&out, 0);
    let values = stdout(&out);
    let (uri, token) = values.trim_end().split_once('\n').unwrap();
    (uri.to_string(), token.to_string())
}

/// `acct serve` for each shell, with no terminal: the two variables on
/// stdout, which that shell takes as they are (and under bash, a container
/// lands in the stage's role); served until the signal, then exit 0 and
/// the port refuses.
#[test]
fn acct_serve_prints_the_variables_for_each_shell_and_serves_until_a_signal() {
    let served = Served::new(MEMBER);
    let mut tokens = Vec::new();
    for (shell, signal) in [
        ("bash", Signal::SIGTERM),
        ("zsh", Signal::SIGINT),
        ("fish", Signal::SIGHUP),
        ("json", Signal::SIGTERM),
    ] {
        let mut cmd = served.acct();
        cmd.args(["serve", "--shell", shell, "testing"]);
        let mut acct = start(without_terminal(&mut cmd));
        let text = printed(&mut acct, shell);
        let (uri, token) = values_printed(&served.sandbox, &text, shell);
        let port = endpoint_port(&uri, &token);
        if shell == "bash" {
            let container = in_a_container(
                &served.sandbox.root,
                &served.moto,
                &Client::CliV2.script(&served.sandbox),
            );
            let out = run_within(
                &mut in_shell(&served.sandbox, shell, &format!("{text}{container}")),
                BOUND,
            );
            assert_status(&out, 0);
            assert_lands(&stdout(&out), MEMBER_TESTING, "the AWS CLI v2 (acct serve)");
        } else {
            credentials(port, &token);
        }
        kill(Pid::from_raw(acct.id() as i32), signal).unwrap();
        let out = output_within(acct, BOUND);
        assert_status(&out, 0);
        assert_contains(&stderr(&out), "Ctrl-C");
        assert_refuses(port);
        tokens.push(token);
    }
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens.len(), 4, "a fresh token every run");
}

/// A protected stage is not served unconfirmed: with no terminal to ask
/// on, refused, and nothing printed (`exec --serve`: tests/serve_process.rs).
#[test]
fn acct_serve_refuses_a_protected_stage_without_yes() {
    let served = Served::new(MEMBER);
    let mut cmd = served.acct();
    cmd.args(["serve", "prod"]);
    let out = run_within(without_terminal(&mut cmd), BOUND);
    assert_status(&out, 1);
    assert_contains(&stderr(&out), "protected");
    assert_contains(&stderr(&out), "--yes");
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
}
