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
//! The seed layouts run without their `mfa_serial`, but for one test: a
//! role that asks its own MFA code has it asked before the command starts
//! (at the first request the command would hold the terminal, and the
//! client waits a few seconds at most); the MFA-session estate is how MFA
//! and the endpoint go together best.
//!
//! acct's own fetch goes through `aws_cli`, the AWS CLI v2 behind a wrapper
//! that logs each `configure export-credentials` and, on a test's word,
//! makes the keys look close to expiry or fails.

mod acct_serve;
mod clients;
mod ending;
mod process;
mod requests;

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
        Served::with_config(&layout.replace(MFA_SERIAL, ""))
    }

    /// The layout as it is: its roles ask for the MFA code themselves
    /// (`mfa_serial` without `mfa_session`).
    fn with_role_mfa(layout: &str) -> Self {
        assert!(layout.contains(MFA_SERIAL), "a layout with mfa_serial");
        Served::with_config(layout)
    }

    fn with_config(config: &str) -> Self {
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
        sandbox.write_user_config(&format!("aws_cli = \"{}\"\n{config}", wrapper.display()));
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
