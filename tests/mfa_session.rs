//! Issue 11: one MFA code per working day for every stage and every client.
//! With `mfa_session = true` the stage profiles take their source
//! credentials from `{namespace}-mfa`, whose `credential_process` is
//! `acct mfa-session`: one GetSessionToken session, asked once on the
//! terminal (or from `mfa_process`), cached privately, shared by every SDK.
//!
//! What these tests pin, against moto's STS on 127.0.0.1 (or, where STS does
//! not matter, a fake `aws` that answers GetSessionToken with numbered keys):
//! - every seed layout: one code on a pseudo-terminal for the AWS CLI v2 and
//!   v1, boto3 and Terraform in every stage; then, with no terminal, nothing
//!   asked and every run in the stage's account and role; after `acct
//!   logout` a run with no terminal fails with acct's message, as nobody;
//! - twelve concurrent first uses: one code, one GetSessionToken, twelve
//!   identical answers;
//! - the cache: private modes, replaced whole, a readable or foreign or
//!   linked or expired file never served (nor left behind as such), a
//!   corrupt one a fresh ask or a clear error, never a panic or a hang;
//! - the config keys' errors, and `acct aws-config` byte for byte as before
//!   without `mfa_session`;
//! - `acct login`, `acct logout`, `acct doctor` (and `--sts`: one code);
//! - a code AWS refuses: said so on the terminal and asked again; with
//!   `mfa_process`, a clear failure at once;
//! - two bugs `session_token` in src/aws_cli.rs once had (regression tests).
//!
//! Every acct here runs with its own `XDG_RUNTIME_DIR` (so its own
//! sessions), the built acct first on `PATH` (the SDKs run `acct`), and the
//! AWS CLI's own role cache removed before each client run, so every run
//! really asks `acct mfa-session` for the source credentials.

use std::io::Read;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use expectrl::{Expect, Regex};

use crate::moto::{CALLER_ARN, Moto, aws_v1, aws_v2};
use crate::tools;
use crate::util::*;

pub(crate) mod min_left;

const SERIAL: &str = "arn:aws:iam::323330167063:mfa/admin@example.com";
const PROMPT: &str = "acct: MFA code for arn:aws:iam::323330167063:mfa/admin@example.com \
                      (session for every cpco stage, 12h): ";
const NO_TERMINAL: &str = "no MFA session for cpco and no terminal to ask; run acct login";
/// What AWS says about a wrong code (the CLI's last line, exit 254).
const REFUSED: &str = "An error occurred (AccessDenied) when calling the GetSessionToken \
                       operation: MultiFactorAuthentication failed with invalid MFA one time pass code. ";

// ---------------------------------------------------------------------------
// An estate with an MFA session

/// Who answers the session's GetSessionToken (`aws_cli`, always through a
/// wrapper in the sandbox that logs each call).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Sts {
    /// The AWS CLI v2 through moto_proxy.
    V2,
    /// The AWS CLI v1 through moto_server.
    V1,
    /// A script: session N has the key `ASIAFAKESESSION{N:05}`, 12 hours.
    Fake,
}

pub(crate) struct Estate {
    pub(crate) sandbox: Sandbox,
    /// `XDG_RUNTIME_DIR`, private to this test.
    runtime: PathBuf,
    /// The wrapper scripts, in a directory whose name holds a space: the
    /// `credential_process` line must quote it for `sh -c` and botocore.
    tools: PathBuf,
    proxy: Option<Arc<Moto>>,
    server: Option<Arc<Moto>>,
}

impl Estate {
    /// `layout` (util's seed configs) with `mfa_session = true`, `aws_cli`
    /// the logging wrapper around `sts` (refusing the first `refuse` codes as
    /// AWS refuses a wrong one), and a counting `mfa_process` when asked.
    fn new(layout: &str, sts: Sts, mfa_process: bool, refuse: usize) -> Self {
        let sandbox = Sandbox::new();
        let runtime = sandbox.root.join("run");
        std::fs::create_dir(&runtime).unwrap();
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
        let tools = sandbox.root.join("my tools");
        std::fs::create_dir(&tools).unwrap();
        let (proxy, server) = match sts {
            Sts::Fake => (None, None),
            _ => (Some(Moto::shared_proxy()), Some(Moto::shared_server())),
        };
        let estate = Estate {
            sandbox,
            runtime,
            tools,
            proxy,
            server,
        };
        estate.write_tools(sts, refuse);
        estate.write_config(layout, mfa_process);
        // Long-lived keys for the source profile, and a default profile as a
        // trap: a client that fell back on it would print moto's user ARN.
        std::fs::write(
            estate.sandbox.aws_credentials(),
            "[cpco]\naws_access_key_id = AKIAEXAMPLESOURCE001\naws_secret_access_key = source-secret\n\n\
             [default]\naws_access_key_id = AKIADEFAULTFALLBACK1\naws_secret_access_key = default-secret\n",
        )
        .unwrap();
        estate
    }

    fn write_tools(&self, sts: Sts, refuse: usize) {
        let calls = self.sandbox.root.join("sts-calls");
        let codes = self.sandbox.root.join("codes");
        let real = match sts {
            Sts::V2 => format!("exec '{}' \"$@\"", aws_v2().display()),
            Sts::V1 => format!("exec '{}' \"$@\"", aws_v1().display()),
            Sts::Fake => r#"n=$(wc -l < "$calls" | tr -d ' ')
printf '{"Credentials":{"AccessKeyId":"ASIAFAKESESSION%05d","SecretAccessKey":"fake-secret-%d","SessionToken":"fake-token-%d","Expiration":"%s"}}\n' \
  "$n" "$n" "$n" "$(date -u -d '+12 hours' +%Y-%m-%dT%H:%M:%SZ)""#
                .to_string(),
        };
        let wrapper = format!(
            r#"#!/bin/sh
calls='{calls}'
case " $* " in
*" get-session-token "*)
  input=$(for a in "$@"; do case "$a" in file://*) cat "${{a#file://}}";; esac; done)
  printf '%s | input: %s\n' "$*" "$input" >> "$calls"
  if [ "$(wc -l < "$calls")" -le {refuse} ]; then
    echo '{REFUSED}' >&2
    exit 254
  fi
  ;;
*) [ '{fake}' = yes ] && {{ echo "fake aws: $*" >&2; exit 2; }} ;;
esac
{real}
"#,
            calls = calls.display(),
            fake = if sts == Sts::Fake { "yes" } else { "no" },
        );
        executable(&self.tools.join("aws"), &wrapper);
        // The mfa_process: counts, and prints the code. When a test names
        // how many callers it starts (`callers`), it first waits until that
        // many have started (each leaves a file in `started`), so they all
        // overlap the one asking, however fast the machine. The loop's
        // bound (5 minutes) only keeps a broken run from hanging.
        executable(
            &self.tools.join("mfa-code"),
            &format!(
                r#"#!/bin/sh
echo "$$" >> '{codes}'
if [ -e '{callers}' ]; then
  want=$(cat '{callers}'); i=0
  until [ "$(ls '{started}' | wc -l)" -ge "$want" ]; do
    i=$((i+1)); [ $i -lt 6000 ] || {{ echo "mfa-code: not $want callers in 5 minutes" >&2; exit 1; }}
    sleep 0.05
  done
fi
echo 123456
"#,
                codes = codes.display(),
                callers = self.callers_file().display(),
                started = self.started_dir().display(),
            ),
        );
    }

    fn write_config(&self, layout: &str, mfa_process: bool) {
        let mut extra = format!("aws_cli = \"{}\"\n", self.tools.join("aws").display());
        if mfa_process {
            extra.push_str(&format!(
                "mfa_process = \"'{}'\"\n",
                self.tools.join("mfa-code").display()
            ));
        }
        self.sandbox
            .write_user_config(&with_session(layout, &extra));
        assert_status(
            &self
                .acct()
                .args(["aws-config", "--write"])
                .output()
                .unwrap(),
            0,
        );
    }

    /// The sandbox's environment, plus this estate's: the built acct first
    /// on PATH, the private runtime dir, moto_proxy for HTTPS (the CLI v2,
    /// Terraform, the session's CLI), Terraform offline.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = self.sandbox.command(program);
        let mut path = vec![Path::new(ACCT).parent().unwrap().to_path_buf()];
        path.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        cmd.env("PATH", std::env::join_paths(path).unwrap())
            .env("XDG_RUNTIME_DIR", &self.runtime)
            .env("AWS_PAGER", "")
            .env("TF_CLI_CONFIG_FILE", self.sandbox.root.join("terraformrc"))
            .env("TF_DATA_DIR", self.sandbox.root.join("terraform-data"))
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("NO_PROXY", "");
        if let Some(proxy) = &self.proxy {
            proxy.configure(&mut cmd);
        }
        cmd
    }

    pub(crate) fn acct(&self) -> Command {
        self.command(ACCT)
    }

    /// acct with no terminal: a new session, stdin closed.
    pub(crate) fn run(&self, args: &[&str]) -> Output {
        let mut cmd = self.acct();
        cmd.args(args);
        output(without_terminal(&mut cmd))
    }

    /// The `credential_process` line `acct aws-config --write` put in the
    /// session profile.
    fn credential_process(&self) -> String {
        let config = std::fs::read_to_string(self.sandbox.aws_config()).unwrap();
        let block = &config[config
            .find("[profile cpco-mfa]\n")
            .expect("the session profile")..];
        let line = block.lines().nth(1).unwrap();
        line.strip_prefix("credential_process=")
            .unwrap_or_else(|| panic!("no credential_process in\n{block}"))
            .to_string()
    }

    /// How many callers `mfa-code` waits for, when a test says.
    fn callers_file(&self) -> PathBuf {
        self.sandbox.root.join("callers")
    }

    /// Where each of those callers leaves a file as it starts.
    fn started_dir(&self) -> PathBuf {
        self.sandbox.root.join("started")
    }

    /// What an SDK does inside `acct exec`: the line run by `sh -c` with
    /// the SDK's environment (the stage's region) and no terminal.
    fn sdk_call(&self) -> Command {
        self.sdk_call_line(&self.credential_process())
    }

    /// `sdk_call` with `line` run by `sh -c` instead.
    fn sdk_call_line(&self, line: &str) -> Command {
        let mut cmd = self.command("sh");
        cmd.arg("-c")
            .arg(line)
            .env("AWS_REGION", "us-west-2")
            .env("AWS_DEFAULT_REGION", "us-west-2");
        if let Some(server) = &self.server {
            server.configure(&mut cmd);
        }
        without_terminal(&mut cmd);
        cmd
    }

    /// An SDK's call that has to start session number `n` (what the cache
    /// held is not served): a new code asked, the new session's key served.
    #[track_caller]
    fn call_starting_session(&self, n: usize, what: &str) -> Output {
        let out = output(&mut self.sdk_call());
        assert_no_panic(&out, what);
        assert_status(&out, 0);
        assert_eq!(self.codes(), n, "{what}: a new code");
        assert_eq!(
            access_key(&stdout(&out)),
            format!("ASIAFAKESESSION{n:05}"),
            "{what}: the new session is served"
        );
        out
    }

    fn codes(&self) -> usize {
        lines(&self.sandbox.root.join("codes")).len()
    }

    pub(crate) fn sts_calls(&self) -> Vec<String> {
        lines(&self.sandbox.root.join("sts-calls"))
    }

    fn sessions_dir(&self) -> PathBuf {
        self.runtime.join("acct/sessions")
    }

    /// The one session file (`cpco-<16 hex>.json`).
    #[track_caller]
    pub(crate) fn session_file(&self) -> PathBuf {
        let files: Vec<PathBuf> = entries(&self.sessions_dir())
            .into_iter()
            .filter(|name| name.ends_with(".json"))
            .map(|name| self.sessions_dir().join(name))
            .collect();
        assert_eq!(files.len(), 1, "one session file: {files:?}");
        let name = files[0].file_name().unwrap().to_str().unwrap().to_string();
        let hash = name
            .strip_prefix("cpco-")
            .and_then(|n| n.strip_suffix(".json"))
            .unwrap_or_default();
        assert!(
            hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "session file name {name}"
        );
        files[0].clone()
    }
}

impl Estate {
    /// An estate of `layout` whose session `acct login` made through
    /// `mfa_process`; then the config is written again without it, with
    /// `extra` at the top level, so a further code could only be asked on
    /// a terminal.
    pub(crate) fn logged_in(layout: &str, sts: Sts, extra: &str) -> Self {
        let estate = Estate::new(layout, sts, true, 0);
        assert_status(&estate.run(&["login"]), 0);
        let extra = format!(
            "aws_cli = \"{}\"\n{extra}",
            estate.tools.join("aws").display()
        );
        estate
            .sandbox
            .write_user_config(&with_session(layout, &extra));
        assert_status(&estate.run(&["aws-config", "--write"]), 0);
        estate
    }
}

/// `layout` with `mfa_session = true` and `extra` at the top level (and
/// `mfa_serial` where the layout has none).
fn with_session(layout: &str, extra: &str) -> String {
    let (top, stages) = layout.split_at(layout.find("\n[").unwrap() + 1);
    let serial = if top.contains("mfa_serial") {
        String::new()
    } else {
        format!("mfa_serial = \"{SERIAL}\"\n")
    };
    format!("{top}{serial}mfa_session = true\n{extra}{stages}")
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().mode() & 0o7777
}

/// The command's output, or a failure when it runs longer than two minutes:
/// nothing here may hang.
#[track_caller]
fn output(cmd: &mut Command) -> Output {
    run_within(cmd, Duration::from_secs(120))
}

/// The session JSON an SDK reads: its keys and expiry.
#[track_caller]
fn session_json(text: &str) -> serde_json::Value {
    let json: serde_json::Value = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("credential_process answer is not JSON ({e}): {text:?}"));
    assert_eq!(json["Version"], 1, "{text}");
    for field in [
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
    ] {
        assert!(
            json[field].as_str().is_some_and(|v| !v.is_empty()),
            "{field} in {text}"
        );
    }
    json
}

fn access_key(text: &str) -> String {
    session_json(text)["AccessKeyId"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A session file acct would serve but for its expiry: `ASIA...` keys,
/// expiring `seconds` from now.
pub(crate) fn planted_session(key: &str, seconds: i64) -> String {
    let out = Command::new("date")
        .args([
            "-u",
            "-d",
            &format!("{seconds} seconds"),
            "+%Y-%m-%dT%H:%M:%SZ",
        ])
        .output()
        .unwrap();
    let expiration = String::from_utf8(out.stdout).unwrap();
    format!(
        r#"{{"AccessKeyId":"{key}","Expiration":"{}","SecretAccessKey":"planted-secret","SessionToken":"planted-token","Version":1}}"#,
        expiration.trim()
    )
}

#[track_caller]
fn assert_no_panic(out: &Output, what: &str) {
    assert_ne!(
        out.status.code(),
        Some(101),
        "{what}: acct panicked\n{}",
        stderr(out)
    );
    assert!(!stderr(out).contains("panicked"), "{what}: {}", stderr(out));
}

// ---------------------------------------------------------------------------
// 1. Every seed layout, every stage, every client: one code

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Client {
    CliV2,
    CliV1,
    Boto3,
    Terraform,
}

impl Estate {
    /// The shell line that runs `client` in `stage` under `acct exec` and
    /// prints only the ARN it runs as. The AWS CLI's own role cache is
    /// removed first, so the CLI needs the source credentials again; the
    /// CLI v1 and boto3 reach moto_server by AWS_ENDPOINT_URL.
    fn client_line(&self, client: Client, stage: &str) -> String {
        let server = format!(
            "AWS_ENDPOINT_URL=http://127.0.0.1:{}",
            self.server.as_ref().unwrap().port
        );
        let exec = format!("rm -rf \"$HOME/.aws/cli\" && acct exec --yes {stage} --");
        let python = aws_v1().parent().unwrap().join("python3");
        match client {
            Client::CliV2 => format!(
                "{exec} '{}' sts get-caller-identity --query Arn --output text",
                aws_v2().display()
            ),
            Client::CliV1 => format!(
                "{server} {exec} '{}' sts get-caller-identity --query Arn --output text",
                aws_v1().display()
            ),
            Client::Boto3 => format!(
                "{server} {exec} '{}' -c \"import boto3; print(boto3.client('sts').get_caller_identity()['Arn'])\"",
                python.display()
            ),
            Client::Terraform => {
                let terraform = tools::terraform().unwrap();
                format!(
                    "rm -f terraform.tfstate && {exec} '{tf}' apply -auto-approve -input=false -no-color >&2 \
                     && '{tf}' output -raw -no-color arn",
                    tf = terraform.display()
                )
            }
        }
    }

    /// `terraform init` from the offline provider mirror.
    fn terraform_init(&self) {
        let terraform = tools::terraform().unwrap();
        let plugins = tools::terraform_plugin_dir().unwrap();
        std::fs::write(self.sandbox.work.join("main.tf"), tools::TERRAFORM_CONFIG).unwrap();
        self.sandbox.write("terraformrc", "");
        let out = output(
            self.command(&terraform)
                .arg("init")
                .arg(format!("-plugin-dir={}", plugins.display()))
                .args(["-input=false", "-no-color"])
                .stdin(Stdio::null()),
        );
        assert_status(&out, 0);
    }

    /// `client` in `stage`, with no terminal.
    fn run_client(&self, client: Client, stage: &str) -> Output {
        let mut cmd = self.command("sh");
        cmd.arg("-c").arg(self.client_line(client, stage));
        output(without_terminal(&mut cmd))
    }
}

/// The stage's role: `(stage, account, role name)`.
pub(crate) type Expected = (&'static str, &'static str, &'static str);

/// `cmd`, with no terminal, ran as the stage's role.
#[track_caller]
fn assert_runs_as(cmd: &mut Command, expected: Expected, what: &str) {
    assert_ran_as(&output(without_terminal(cmd)), expected, what);
}

/// The run succeeded and printed only the ARN of the stage's role.
#[track_caller]
fn assert_ran_as(out: &Output, expected: Expected, what: &str) {
    assert_status(out, 0);
    assert_lands(&stdout(out), expected, what);
}

#[track_caller]
pub(crate) fn assert_lands(arn: &str, (stage, account, role): Expected, what: &str) {
    let prefix = format!("arn:aws:sts::{account}:assumed-role/{role}/");
    assert!(
        arn.trim().starts_with(&prefix) && arn.trim().lines().count() == 1,
        "{what} in {stage}: expected {prefix}..., got {arn:?}"
    );
}

/// One layout: on a pseudo-terminal, every client in every stage (the
/// first client different per layout: the CLI v2, boto3 and Terraform each
/// start a session once; the CLI v1 cannot yet, see the known bugs at the
/// end), one prompt; then with no terminal, nothing asked and every run
/// in its stage's role; after `acct logout`, acct's message and no run.
fn one_code_everywhere(name: &str, layout: &str, stages: &[Expected], first: Client) {
    let test = &format!("{name}_one_code_for_every_stage_and_client");
    let estate = Estate::new(layout, Sts::V2, false, 0);
    let mut clients = vec![Client::CliV2, Client::CliV1, Client::Boto3];
    if tools::terraform_or_skip(test).is_some() {
        if tools::terraform_plugin_dir().is_some() {
            clients.push(Client::Terraform);
            estate.terraform_init();
        } else {
            tools::skipped(test, "the Terraform part: no providers at /opt/tf-plugins");
        }
    }
    if let Some(at) = clients.iter().position(|c| *c == first) {
        clients.rotate_left(at);
    }

    // The stage profiles name the session profile and carry no mfa_serial.
    let config = std::fs::read_to_string(estate.sandbox.aws_config()).unwrap();
    assert_eq!(
        config.matches("source_profile=cpco-mfa\n").count(),
        stages.len(),
        "{config}"
    );
    assert_lacks(&config, "mfa_serial=");

    // On a terminal: every client in every stage, in one sh.
    let out = estate.sandbox.root.join("out");
    std::fs::create_dir(&out).unwrap();
    let mut script = String::new();
    for (stage, _, _) in stages {
        for client in &clients {
            let name = out.join(format!("{client:?}-{stage}"));
            script.push_str(&format!(
                "( {} ) >'{}' 2>'{}.err'\n",
                estate.client_line(*client, stage),
                name.display(),
                name.display()
            ));
        }
    }
    script.push_str("printf 'ALL%s\\n' DONE\n");
    let mut cmd = estate.command("sh");
    cmd.arg("-c").arg(&script);
    let mut session = pty(cmd, 600);
    let mut prompts = Vec::new();
    loop {
        let found = session
            .expect(Regex(r"acct: MFA code for [^\r\n]*?\): |ALLDONE"))
            .unwrap_or_else(|e| panic!("{test}: waiting for a prompt or the end: {e}"));
        let seen = String::from_utf8_lossy(found.get(0).unwrap()).into_owned();
        if seen == "ALLDONE" {
            break;
        }
        prompts.push(seen);
        session.send_line("123456").unwrap();
    }
    if prompts != vec![PROMPT.to_string()] {
        let mut logs = String::new();
        for entry in entries(&out) {
            let text = std::fs::read_to_string(out.join(&entry)).unwrap_or_default();
            logs.push_str(&format!("--- {entry}\n{text}\n"));
        }
        panic!(
            "{test}: one prompt for every run, got {prompts:?}\nGetSessionToken calls: {:?}\n{logs}",
            estate.sts_calls()
        );
    }
    for expected in stages {
        for client in &clients {
            let name = out.join(format!("{client:?}-{}", expected.0));
            let arn = std::fs::read_to_string(&name).unwrap();
            let err = std::fs::read_to_string(name.with_extension("err")).unwrap_or_default();
            assert_lands(
                &arn,
                *expected,
                &format!("{test}: {client:?} on the terminal ({err})"),
            );
        }
    }
    let calls = estate.sts_calls();
    assert_eq!(calls.len(), 1, "{test}: one GetSessionToken: {calls:?}");
    for part in [
        "--serial-number arn:aws:iam::323330167063:mfa/admin@example.com",
        "| input: {\"TokenCode\":\"123456\"}",
        "--duration-seconds 43200",
        "--profile cpco",
    ] {
        assert!(calls[0].contains(part), "{test}: {part} in {}", calls[0]);
    }
    // The code is never in the argv (`ps` shows it to every user).
    let argv = calls[0].split(" | input: ").next().unwrap();
    assert!(
        !argv.contains("123456"),
        "{test}: the code in the argv: {argv}"
    );

    without_a_terminal(&estate, test, stages, &clients, first);
    after_logout(&estate, test, stages, &clients, first);
}

/// No terminal: the session serves every run, nothing is asked (there is
/// nobody to ask: a cold session would fail).
fn without_a_terminal(
    estate: &Estate,
    test: &str,
    stages: &[Expected],
    clients: &[Client],
    first: Client,
) {
    for (i, expected) in stages.iter().enumerate() {
        for client in clients {
            if *client == Client::Terraform && (i > 0 || first != Client::Terraform) {
                continue; // slow: one stage of one layout shows it
            }
            let ran = estate.run_client(*client, expected.0);
            assert_status(&ran, 0);
            assert_lands(
                &stdout(&ran),
                *expected,
                &format!("{test}: {client:?} with no terminal"),
            );
        }
    }
    assert_eq!(
        estate.sts_calls().len(),
        1,
        "{test}: still one GetSessionToken"
    );
}

/// After logout, with no terminal: acct's message, and nobody runs.
fn after_logout(
    estate: &Estate,
    test: &str,
    stages: &[Expected],
    clients: &[Client],
    first: Client,
) {
    let ended = estate.run(&["logout"]);
    assert_status(&ended, 0);
    assert_contains(&stderr(&ended), "ended the MFA session of cpco");
    assert!(
        entries(&estate.sessions_dir())
            .iter()
            .all(|n| !n.ends_with(".json")),
        "{test}: logout leaves no session file"
    );
    for client in clients {
        if *client == Client::Terraform && first != Client::Terraform {
            continue;
        }
        let ran = estate.run_client(*client, stages[0].0);
        let what = format!("{test}: {client:?} after logout");
        assert_ne!(ran.status.code(), Some(0), "{what}: {}", stdout(&ran));
        assert!(
            !stdout(&ran).contains("arn:"),
            "{what} ran as {}",
            stdout(&ran)
        );
        // Terraform's provider logs credential_process's stderr away and
        // says only that it failed.
        let said = if *client == Client::Terraform {
            "credential_process"
        } else {
            NO_TERMINAL
        };
        assert!(stderr(&ran).contains(said), "{what}: {}", stderr(&ran));
    }
    assert_eq!(
        estate.sts_calls().len(),
        1,
        "{test}: nothing asked after logout"
    );
}

/// The root stage's role, in every layout.
const ROOT_ROLE: Expected = ("root", "323330167063", "cpco-root-admin");
/// testing's role in each layout: the organization's access role, the
/// root's role (single), its own admin role (member).
pub(crate) const ORGANIZATION_TESTING: Expected =
    ("testing", "126450723953", "OrganizationAccountAccessRole");
pub(crate) const SINGLE_TESTING: Expected = ("testing", "323330167063", "cpco-root-admin");
pub(crate) const MEMBER_TESTING: Expected = ("testing", "126450723953", "cpco-testing-admin");

#[test]
fn organization_one_code_for_every_stage_and_client() {
    let roles = [ORGANIZATION_TESTING, ROOT_ROLE];
    one_code_everywhere("organization", ORGANIZATION, &roles, Client::CliV2);
}

#[test]
fn single_one_code_for_every_stage_and_client() {
    let roles = [SINGLE_TESTING, ROOT_ROLE];
    one_code_everywhere("single", SINGLE, &roles, Client::Boto3);
}

/// Terraform first where it is: the Go SDK starts the session, asking on
/// the terminal, where before it could not ask at all.
#[test]
fn member_one_code_for_every_stage_and_client() {
    let first = if tools::terraform().is_some() && tools::terraform_plugin_dir().is_some() {
        Client::Terraform
    } else {
        Client::Boto3
    };
    let testing = MEMBER_TESTING;
    let roles = [
        ROOT_ROLE,
        testing,
        ("prod", "010987654321", "cpco-prod-admin"),
    ];
    one_code_everywhere("member", MEMBER, &roles, first);
}

// ---------------------------------------------------------------------------
// 2. Twelve concurrent first uses

fn twelve_concurrent_first_uses(sts: Sts) {
    let estate = Estate::new(MEMBER, sts, true, 0);
    let line = estate.credential_process();
    assert!(line.contains("--aws-cli '"), "aws_cli quoted: {line}");
    // The one caller that asks for the code holds it until all twelve have
    // started: they overlap.
    std::fs::create_dir(estate.started_dir()).unwrap();
    std::fs::write(estate.callers_file(), "12").unwrap();
    let marked = format!("touch '{}'/$$; {line}", estate.started_dir().display());
    let children: Vec<_> = (0..12)
        .map(|_| {
            estate
                .sdk_call_line(&marked)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let answers: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for out in &answers {
        assert_status(out, 0);
    }
    let first = stdout(&answers[0]);
    session_json(&first);
    assert!(
        answers.iter().all(|a| stdout(a) == first),
        "{sts:?}: twelve identical answers: {:?}",
        answers.iter().map(stdout).collect::<Vec<_>>()
    );
    assert_eq!(estate.codes(), 1, "{sts:?}: one code for twelve callers");
    assert_eq!(
        estate.sts_calls().len(),
        1,
        "{sts:?}: one GetSessionToken: {:?}",
        estate.sts_calls()
    );
    assert_eq!(
        std::fs::read_to_string(estate.session_file()).unwrap(),
        first,
        "the answer is the cache file"
    );
}

#[test]
fn twelve_concurrent_first_uses_share_one_code_and_session_cli_v1() {
    twelve_concurrent_first_uses(Sts::V1);
}

#[test]
fn twelve_concurrent_first_uses_share_one_code_and_session_cli_v2() {
    twelve_concurrent_first_uses(Sts::V2);
}

/// The gate (issue 19) of the session's credential_process: a section of
/// the session profile in the shared credentials file (merged into it by
/// every SDK) refuses, and no code is asked nor credentials served.
#[test]
fn the_credential_process_refuses_a_session_profile_merged_from_the_credentials_file() {
    let estate = Estate::new(ORGANIZATION, Sts::Fake, true, 0);
    let served = output(&mut estate.sdk_call());
    assert_status(&served, 0);
    let credentials = estate.sandbox.aws_credentials();
    let mut text = std::fs::read_to_string(&credentials).unwrap();
    text.push_str("\n[cpco-mfa]\nregion = eu-west-1\n");
    std::fs::write(&credentials, text).unwrap();
    let refused = output(&mut estate.sdk_call());
    assert_status(&refused, 1);
    assert!(refused.stdout.is_empty(), "{}", stdout(&refused));
    let err = stderr(&refused);
    assert!(
        err.contains(&format!("{}:9:", credentials.display()))
            && err.contains("no credentials were served"),
        "{err}"
    );
    assert_eq!(estate.codes(), 1, "no second code was asked");
}

// ---------------------------------------------------------------------------
// 3. The cache

#[test]
fn the_cache_is_private_and_replaced_whole() {
    let estate = Estate::new(ORGANIZATION, Sts::Fake, true, 0);
    let cold = output(&mut estate.sdk_call());
    assert_status(&cold, 0);
    assert_eq!(access_key(&stdout(&cold)), "ASIAFAKESESSION00001");
    let file = estate.session_file();
    for dir in [estate.runtime.join("acct"), estate.sessions_dir()] {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    }
    assert_eq!(mode(&file), 0o600);
    let lock = file.with_extension("lock");
    assert_eq!(mode(&lock), 0o600);
    // The prompt's copy of the expiry: private, the epoch and nothing secret.
    let expires = file.with_extension("expires");
    assert_eq!(mode(&expires), 0o600);
    let epoch = std::fs::read_to_string(&expires).unwrap();
    assert!(
        epoch.ends_with('\n') && epoch.trim_end().bytes().all(|b| b.is_ascii_digit()),
        "{epoch:?}"
    );
    let name = |p: &Path| p.file_name().unwrap().to_string_lossy().into_owned();
    let only = {
        let mut v = vec![name(&file), name(&lock), name(&expires)];
        v.sort();
        v
    };
    assert_eq!(entries(&estate.sessions_dir()), only, "no temp files left");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), stdout(&cold));

    // Warm: the same answer, nothing asked.
    let warm = output(&mut estate.sdk_call());
    assert_status(&warm, 0);
    assert_eq!(stdout(&warm), stdout(&cold));
    assert_eq!((estate.codes(), estate.sts_calls().len()), (1, 1));

    // A renewal replaces the file whole: a reader that opened the old one
    // reads it whole, the path gives the new one whole (a rewrite in place
    // would show the reader the new keys, or half of them).
    let mut reader = std::fs::File::open(&file).unwrap();
    let inode = reader.metadata().unwrap().ino();
    assert_status(&estate.run(&["login", "--force"]), 0);
    let mut old = String::new();
    reader.read_to_string(&mut old).unwrap();
    assert_eq!(old, stdout(&cold), "the reader of the old file");
    assert_ne!(
        std::fs::metadata(&file).unwrap().ino(),
        inode,
        "a new file, renamed"
    );
    assert_eq!(
        access_key(&std::fs::read_to_string(&file).unwrap()),
        "ASIAFAKESESSION00002"
    );
    assert_eq!(mode(&file), 0o600);
    assert_eq!(entries(&estate.sessions_dir()), only, "no temp files left");
    let renewed = output(&mut estate.sdk_call());
    assert_eq!(access_key(&stdout(&renewed)), "ASIAFAKESESSION00002");
    assert_eq!(estate.codes(), 2);
}

#[test]
fn a_session_directory_others_can_use_is_refused() {
    let estate = Estate::new(ORGANIZATION, Sts::Fake, true, 0);
    let acct_dir = estate.runtime.join("acct");
    std::fs::create_dir(&acct_dir).unwrap();
    std::fs::set_permissions(&acct_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = output(&mut estate.sdk_call());
    assert_no_panic(&out, "a 0755 acct dir");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&acct_dir.display().to_string()),
        "{}",
        stderr(&out)
    );
    assert_contains(&stderr(&out), "fix:");
    assert!(stdout(&out).is_empty());
    assert_eq!(
        estate.codes(),
        0,
        "nothing asked before the cache is usable"
    );
    assert!(!estate.sessions_dir().exists());
}

#[test]
fn a_session_file_others_can_read_is_never_served_nor_kept() {
    let estate = Estate::new(ORGANIZATION, Sts::Fake, true, 0);
    assert_status(&estate.run(&["login"]), 0);
    let file = estate.session_file();
    let mut asked = 1;
    for others in [0o644, 0o640, 0o604, 0o620, 0o602, 0o660] {
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(others)).unwrap();
        asked += 1;
        let out = estate.call_starting_session(asked, &format!("mode {others:o}"));
        assert!(
            stderr(&out).contains("warning") && stderr(&out).contains("others may read"),
            "mode {others:o}: {}",
            stderr(&out)
        );
        // The new session is private again, and so served warm after.
        assert_eq!(
            mode(&file),
            0o600,
            "mode {others:o}: the new session's file"
        );
        let warm = output(&mut estate.sdk_call());
        assert_status(&warm, 0);
        assert_eq!(stdout(&warm), stdout(&out));
        assert_eq!(estate.codes(), asked, "mode {others:o}: warm after");
    }
}

/// As root the tests can give the file away: another user's file is not
/// served, and the new session is ours again.
#[test]
fn a_session_file_of_another_user_is_never_served_nor_kept() {
    if !tools::root_or_skip(
        "a_session_file_of_another_user_is_never_served_nor_kept",
        "to chown",
    ) {
        return;
    }
    let estate = Estate::new(ORGANIZATION, Sts::Fake, true, 0);
    assert_status(&estate.run(&["login"]), 0);
    let file = estate.session_file();
    nix::unistd::chown(
        &file,
        Some(nix::unistd::Uid::from_raw(65534)),
        Some(nix::unistd::Gid::from_raw(65534)),
    )
    .unwrap();
    let out = output(&mut estate.sdk_call());
    assert_status(&out, 0);
    assert_contains(&stderr(&out), "not yours");
    assert_eq!(access_key(&stdout(&out)), "ASIAFAKESESSION00002");
    assert_eq!(
        std::fs::metadata(&file).unwrap().uid(),
        0,
        "the new session is ours"
    );
    let warm = output(&mut estate.sdk_call());
    assert_eq!(stdout(&warm), stdout(&out));
    assert_eq!(estate.codes(), 2);
}

/// A link in place of the cache file is not followed, neither to read nor
/// to write the new session: the credentials stay in the private directory.
#[test]
fn a_linked_session_file_is_never_followed() {
    let estate = Estate::new(ORGANIZATION, Sts::Fake, true, 0);
    assert_status(&estate.run(&["login"]), 0);
    let file = estate.session_file();
    let elsewhere = estate.sandbox.root.join("elsewhere.json");
    let planted = planted_session("ASIALINKEDSESSION001", 3600);
    std::fs::write(&elsewhere, &planted).unwrap();
    std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &file).unwrap();
    let out = output(&mut estate.sdk_call());
    assert_status(&out, 0);
    assert_eq!(
        access_key(&stdout(&out)),
        "ASIAFAKESESSION00002",
        "not the link's"
    );
    assert_eq!(
        std::fs::read_to_string(&elsewhere).unwrap(),
        planted,
        "written through the link"
    );
    let meta = std::fs::symlink_metadata(&file).unwrap();
    assert!(meta.file_type().is_file(), "the cache file is a file again");
    assert_eq!(mode(&file), 0o600);
}

#[test]
fn an_expired_session_is_never_served() {
    let estate = Estate::new(ORGANIZATION, Sts::Fake, true, 0);
    assert_status(&estate.run(&["login"]), 0);
    let file = estate.session_file();
    let mut asked = 1;
    // Expired, or expiring before a command is done (5 minutes): a new one.
    for seconds in [-86_400, -60, 0, 120, 280] {
        let planted = planted_session("ASIAPLANTEDSESSION01", seconds);
        std::fs::write(&file, &planted).unwrap();
        asked += 1;
        estate.call_starting_session(asked, &format!("expiring in {seconds} s"));
    }
    // The control: the same file with time left is served as it is.
    for seconds in [360, 3600] {
        let planted = planted_session("ASIAPLANTEDSESSION01", seconds);
        std::fs::write(&file, &planted).unwrap();
        let out = output(&mut estate.sdk_call());
        assert_status(&out, 0);
        assert_eq!(stdout(&out), planted, "expiring in {seconds} s: served");
        assert_eq!(estate.codes(), asked);
    }
    // doctor never calls an expired session valid.
    std::fs::write(&file, planted_session("ASIAPLANTEDSESSION01", -60)).unwrap();
    let doctor = estate.run(&["doctor"]);
    let line = stdout(&doctor)
        .lines()
        .find(|l| l.contains("mfa session:") && !l.contains("profile"))
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no mfa session line:\n{}", stdout(&doctor)));
    assert!(line.starts_with("warn") && line.contains("none"), "{line}");
}

#[test]
fn a_corrupt_session_file_is_a_fresh_ask_or_a_clear_error_never_a_panic() {
    let estate = Estate::new(ORGANIZATION, Sts::Fake, true, 0);
    assert_status(&estate.run(&["login"]), 0);
    let file = estate.session_file();
    let good = std::fs::read_to_string(&file).unwrap();
    let huge = format!("{}{}", good, " ".repeat(1 << 20));
    let contents: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("garbage", b"garbage\n".to_vec()),
        ("truncated", good.as_bytes()[..good.len() / 2].to_vec()),
        ("not UTF-8", vec![0xff, 0xfe, b'{', 0x80, b'}']),
        ("NUL bytes", vec![0; 64]),
        ("null", b"null".to_vec()),
        ("array", b"[1,2,3]".to_vec()),
        ("empty object", b"{}".to_vec()),
        ("string Version", good.replace("\"Version\":1", "\"Version\":\"1\"").into_bytes()),
        (
            "number key",
            good.replace("\"AccessKeyId\":\"ASIAFAKESESSION00001\"", "\"AccessKeyId\":5")
                .into_bytes(),
        ),
        (
            "number expiration",
            br#"{"AccessKeyId":"ASIAPLANTED","Expiration":1795985400,"SecretAccessKey":"s","SessionToken":"t","Version":1}"#.to_vec(),
        ),
        (
            "null token",
            br#"{"AccessKeyId":"ASIAPLANTED","Expiration":"2099-01-01T00:00:00Z","SecretAccessKey":"s","SessionToken":null,"Version":1}"#.to_vec(),
        ),
        (
            "unreadable expiration",
            br#"{"AccessKeyId":"ASIAPLANTED","Expiration":"tomorrow","SecretAccessKey":"s","SessionToken":"t","Version":1}"#.to_vec(),
        ),
        ("deep nesting", "[".repeat(12_000).into_bytes()),
        ("huge", huge.into_bytes()),
    ];
    let mut asked = 1;
    for (what, bytes) in &contents {
        std::fs::write(&file, bytes).unwrap();
        asked += 1;
        let out = estate.call_starting_session(asked, what);
        assert!(
            stderr(&out).contains("warning"),
            "{what}: said so: {}",
            stderr(&out)
        );
    }

    // Not a file at all: a fresh ask or a clear error, and no hang.
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    let out = output(&mut estate.sdk_call());
    if !served_or_said(&out, "a directory") {
        assert_contains(&stderr(&out), &file.display().to_string());
    }
    let _ = std::fs::remove_dir(&file);
    let _ = std::fs::remove_file(&file);
    nix::unistd::mkfifo(&file, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    served_or_said(&output(&mut estate.sdk_call()), "a FIFO");
}

/// A session served (whether the call succeeded), or else a clear error:
/// acct's, with a fix. Never a panic.
#[track_caller]
fn served_or_said(out: &Output, what: &str) -> bool {
    assert_no_panic(out, what);
    if out.status.success() {
        session_json(&stdout(out));
    } else {
        let err = stderr(out);
        assert!(err.starts_with("acct: ") && err.contains("fix:"), "{err}");
    }
    out.status.success()
}

// ---------------------------------------------------------------------------
// 4. The config

const HEAD: &str = "namespace = \"cpco\"\nregion = \"us-west-2\"\ntopology = \"single\"\n";
const SERIAL_LINE: &str = "mfa_serial = \"arn:aws:iam::323330167063:mfa/admin@example.com\"\n";
const ROOT: &str = "\n[stages.root]\naccount_id = \"323330167063\"\n";

/// The cases, `tests/fixtures/session_key_errors.jsonl`, a line each: the
/// config's top-level lines after HEAD (`SERIAL` for SERIAL_LINE), the
/// text the error points at, words of what it says and of the fix.
fn session_key_cases() -> Vec<[String; 4]> {
    include_str!("fixtures/session_key_errors.jsonl")
        .lines()
        .map(|line| {
            let case: serde_json::Value = serde_json::from_str(line).unwrap();
            ["top", "at", "message", "fix"].map(|key| case[key].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn session_keys_are_checked_with_file_line_column_and_a_fix() {
    let cases = session_key_cases();
    assert_eq!(cases.len(), 17, "every case was read");
    let mut failures = Vec::new();
    for [top, at, message, fix] in &cases {
        let config = format!("{HEAD}{}{ROOT}", top.replace("SERIAL\n", SERIAL_LINE));
        let offset = config.find(at).unwrap();
        let line = config[..offset].matches('\n').count() + 1;
        let column = offset - config[..offset].rfind('\n').map_or(0, |n| n + 1) + 1;
        let sandbox = Sandbox::with_config(&config);
        let out = sandbox.run(&["aws-config"]);
        let err = stderr(&out);
        let location = format!(
            "acct: {}:{line}:{column}: ",
            sandbox.user_config().display()
        );
        let ok = out.status.code() == Some(2)
            && err.starts_with(&location)
            && err.lines().next().is_some_and(|l| l.contains(message))
            && err
                .lines()
                .any(|l| l.trim_start().starts_with("fix:") && l.contains(fix))
            && stdout(&out).is_empty();
        if !ok {
            failures.push(format!(
                "{top:?}: expected exit 2, `{location}{message}`, fix `{fix}`\n  got {:?}: {err}",
                out.status
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The profiles of the ORGANIZATION layout as acct rendered them before
/// issue 11: `mfa_serial` on each role, the long-lived source profile (with
/// the role session's name since issue 24; SESSION stands for it).
const ORGANIZATION_PROFILES: &str = "[profile cpco-testing-admin]
region=us-west-2
role_arn=arn:aws:iam::126450723953:role/OrganizationAccountAccessRole
mfa_serial=arn:aws:iam::323330167063:mfa/admin@example.com
source_profile=cpco
role_session_name=SESSION

[profile cpco-root-admin]
region=us-west-2
role_arn=arn:aws:iam::323330167063:role/cpco-root-admin
mfa_serial=arn:aws:iam::323330167063:mfa/admin@example.com
source_profile=cpco
role_session_name=SESSION
";

#[test]
fn without_mfa_session_the_profiles_are_byte_for_byte_as_before() {
    let render = |config: &str| {
        let out = Sandbox::with_config(config).run(&["aws-config"]);
        assert_status(&out, 0);
        stdout(&out)
    };
    let member = with_session(MEMBER, "").replace("mfa_session = true\n", "");
    for layout in [ORGANIZATION, SINGLE, MEMBER, member.as_str()] {
        let at = layout.find("\n[").unwrap() + 1;
        let off = format!("{}mfa_session = false\n{}", &layout[..at], &layout[at..]);
        assert_text(&render(layout), &render(&off));
        assert!(!render(layout).contains("cpco-mfa"));
    }
    assert_text(
        &ORGANIZATION_PROFILES.replace("SESSION", &session_name()),
        &render(ORGANIZATION),
    );
}

#[test]
fn with_mfa_session_the_session_profile_comes_first_and_quotes_for_a_shell() {
    let render = |extra: &str| {
        let out = Sandbox::with_config(&with_session(ORGANIZATION, extra)).run(&["aws-config"]);
        assert_status(&out, 0);
        stdout(&out)
    };
    // acct by its absolute path: an SDK whose PATH lacks it still runs it.
    let expected = "[profile cpco-mfa]
credential_process=ACCT mfa-session --namespace cpco --source-profile cpco --mfa-serial arn:aws:iam::323330167063:mfa/admin@example.com --duration 43200 --aws-cli '/opt/aws cli/aws' --mfa-process 'ykman oath accounts code -s '\\''aws prod'\\'''

[profile cpco-testing-admin]
region=us-west-2
role_arn=arn:aws:iam::126450723953:role/OrganizationAccountAccessRole
source_profile=cpco-mfa
role_session_name=SESSION

[profile cpco-root-admin]
region=us-west-2
role_arn=arn:aws:iam::323330167063:role/cpco-root-admin
source_profile=cpco-mfa
role_session_name=SESSION
";
    assert_text(
        &expected
            .replace("ACCT", ACCT)
            .replace("SESSION", &session_name()),
        &render(
            "aws_cli = \"/opt/aws cli/aws\"\nmfa_process = \"ykman oath accounts code -s 'aws prod'\"\n",
        ),
    );
    for (duration, seconds) in [
        ("", "43200"),
        ("mfa_session_duration = \"15m\"\n", "900"),
        ("mfa_session_duration = \"1h30m\"\n", "5400"),
        ("mfa_session_duration = \"36h\"\n", "129600"),
    ] {
        let text = render(duration);
        assert!(
            text.contains(&format!("--duration {seconds}\n")),
            "{duration:?} gives --duration {seconds}:\n{text}"
        );
        assert!(
            !text.contains("--aws-cli") && !text.contains("--mfa-process"),
            "{text}"
        );
    }
}

// ---------------------------------------------------------------------------
// 5. login, logout, doctor

/// doctor's line about the session itself (not its profile).
fn doctor_session_line(estate: &Estate, args: &[&str]) -> (String, Output) {
    let out = estate.run(args);
    assert_no_panic(&out, "doctor");
    let line = stdout(&out)
        .lines()
        .find(|l| l.contains("mfa session:") && !l.contains("profile cpco-mfa"))
        .unwrap_or_else(|| panic!("no mfa session line:\n{}{}", stdout(&out), stderr(&out)))
        .to_string();
    (line, out)
}

/// `login --duration`: what STS is asked for, and what the session holds;
/// a duration out of range asks nothing.
fn login_duration(estate: &Estate) {
    let short = estate.run(&["login", "--duration", "1h"]);
    assert_status(&short, 0);
    assert_contains(&stderr(&short), "from now");
    assert_eq!(estate.codes(), 3);
    assert!(
        estate.sts_calls()[2].contains("--duration-seconds 3600"),
        "{:?}",
        estate.sts_calls()
    );
    let expiration =
        session_json(&std::fs::read_to_string(estate.session_file()).unwrap())["Expiration"]
            .as_str()
            .unwrap()
            .to_string();
    let left = epoch(&expiration) - epoch_now();
    assert!(
        (3300..=3660).contains(&left),
        "1h session has {left} s left ({expiration})"
    );
    let long = estate.run(&["login", "--duration", "40h"]);
    assert_status(&long, 2);
    assert_contains(&stderr(&long), "15m to 36h");
    assert_eq!(estate.codes(), 3, "a refused duration asks nothing");
}

/// The AWS CLI serves each role it assumed from `~/.aws/cli/cache` for up
/// to an hour without asking for the session again: logout forgets this
/// estate's roles (and keeps another's), so a run after it fails with
/// acct's message instead of running from the cache.
#[test]
fn logout_forgets_the_roles_the_aws_cli_cached() {
    let estate = Estate::new(MEMBER, Sts::V2, true, 0);
    assert_status(&estate.run(&["login"]), 0);
    // From here on no mfa_process: only the session (or the cache) answers.
    estate.write_config(MEMBER, false);
    let testing = |estate: &Estate| {
        let mut cmd = estate.acct();
        cmd.args(["exec", "testing", "--"])
            .arg(aws_v2())
            .args(CALLER_ARN);
        output(without_terminal(&mut cmd))
    };
    let out = testing(&estate);
    assert_ran_as(&out, MEMBER_TESTING, "the CLI v2 in the session");
    let cache = estate.sandbox.home.join(".aws/cli/cache");
    assert_eq!(entries(&cache).len(), 1, "the CLI cached the role");
    let other = cache.join("another-estate.json");
    std::fs::write(
        &other,
        r#"{"Credentials":{"AccessKeyId":"ASIAOTHER"},"AssumedRoleUser":{"Arn":"arn:aws:sts::999999999999:assumed-role/other-admin/s"}}"#,
    )
    .unwrap();

    let out = estate.run(&["logout"]);
    assert_status(&out, 0);
    assert!(
        stderr(&out).contains("ended the MFA session of cpco")
            && stderr(&out)
                .contains("removed 1 role credential of cpco's stages from the AWS CLI's cache"),
        "{}",
        stderr(&out)
    );
    assert_eq!(entries(&cache), vec!["another-estate.json".to_string()]);
    let out = testing(&estate);
    assert_ne!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!stdout(&out).contains("arn:"), "ran as {}", stdout(&out));
    assert!(stderr(&out).contains(NO_TERMINAL), "{}", stderr(&out));
}

/// The session profile runs acct by its absolute path: an SDK started with
/// a PATH that lacks acct (an IDE, cron, a desktop app) still gets the
/// session, and lands in the stage.
#[test]
fn the_session_works_from_a_path_without_acct() {
    let estate = Estate::new(MEMBER, Sts::V2, true, 0);
    assert_status(&estate.run(&["login"]), 0);
    assert!(
        estate
            .credential_process()
            .starts_with(&format!("{ACCT} mfa-session ")),
        "{}",
        estate.credential_process()
    );
    let mut cmd = estate.command(aws_v2());
    cmd.args([
        "sts",
        "get-caller-identity",
        "--profile",
        "cpco-testing-admin",
        "--query",
        "Arn",
        "--output",
        "text",
    ])
    .env("PATH", "/usr/bin:/bin");
    assert_runs_as(
        &mut cmd,
        MEMBER_TESTING,
        "the CLI v2 with PATH=/usr/bin:/bin",
    );
    assert_eq!(estate.codes(), 1, "the warm session, no new code");
}

/// Without an MFA session (a code per role), logout still forgets the
/// roles the AWS CLI cached, so the next use asks for a code again; what is
/// not an AssumeRole answer of the estate is left alone.
#[test]
fn logout_without_a_session_forgets_the_cached_roles() {
    let sandbox = Sandbox::with_config(SINGLE);
    let cache = sandbox.home.join(".aws/cli/cache");
    std::fs::create_dir_all(&cache).unwrap();
    let entry = |arn: &str| {
        format!(
            r#"{{"Credentials":{{"AccessKeyId":"ASIACACHED"}},"AssumedRoleUser":{{"Arn":"{arn}"}}}}"#
        )
    };
    // Every stage of `single` assumes the root's role: one cached answer.
    let root = "arn:aws:sts::323330167063:assumed-role/cpco-root-admin/botocore-session-1";
    std::fs::write(cache.join("root.json"), entry(root)).unwrap();
    std::fs::write(
        cache.join("other.json"),
        entry("arn:aws:sts::323330167063:assumed-role/cpco-root-admin-other/s"),
    )
    .unwrap();
    std::fs::write(cache.join("sso.json"), r#"{"ProviderType":"sso"}"#).unwrap();
    std::os::unix::fs::symlink(cache.join("root.json"), cache.join("link.json")).unwrap();
    let out = sandbox.run(&["logout"]);
    assert_status(&out, 0);
    assert_contains(&stderr(&out), "removed 1 role credential of cpco's stages");
    assert_eq!(entries(&cache), ["link.json", "other.json", "sso.json"]);
    let out = sandbox.run(&["logout"]);
    assert_status(&out, 0);
    assert_contains(&stderr(&out), "holds no role credentials of cpco's stages");
}

#[test]
fn login_logout_and_doctor() {
    let estate = Estate::new(MEMBER, Sts::V2, true, 0);
    let (line, _) = doctor_session_line(&estate, &["doctor"]);
    assert!(
        line.starts_with("warn") && line.contains("none for cpco"),
        "{line}"
    );

    let login = estate.run(&["login"]);
    assert_status(&login, 0);
    let said = stderr(&login);
    let until = said
        .strip_prefix("acct: MFA session for every cpco stage until ")
        .unwrap_or_else(|| panic!("login says until when: {said}"));
    let left = epoch(&until[..20]) - epoch_now();
    assert!((43_100..=43_260).contains(&left), "a 12h session: {said}");
    assert!(
        until[20..].starts_with(" (") && until.contains(" from now)"),
        "{said}"
    );
    assert_eq!((estate.codes(), estate.sts_calls().len()), (1, 1));
    let (line, _) = doctor_session_line(&estate, &["doctor"]);
    assert!(
        line.starts_with("ok") && line.contains("valid until"),
        "{line}"
    );

    // While the session holds, login asks nothing and says until when.
    let again = estate.run(&["login"]);
    assert_status(&again, 0);
    assert_contains(
        &stderr(&again),
        "asking no code (`acct login --force` starts a new one)",
    );
    assert_eq!((estate.codes(), estate.sts_calls().len()), (1, 1));
    // --force starts a new one.
    assert_status(&estate.run(&["login", "--force"]), 0);
    assert_eq!((estate.codes(), estate.sts_calls().len()), (2, 2));

    login_duration(&estate);

    // logout, twice.
    let out = estate.run(&["logout"]);
    assert_status(&out, 0);
    assert_contains(&stderr(&out), "ended the MFA session of cpco");
    assert!(
        entries(&estate.sessions_dir())
            .iter()
            .all(|n| !n.ends_with(".json"))
    );
    let out = estate.run(&["logout"]);
    assert_status(&out, 0);
    assert_contains(&stderr(&out), "there was no MFA session of cpco");
    let (line, _) = doctor_session_line(&estate, &["doctor"]);
    assert!(line.starts_with("warn") && line.contains("none"), "{line}");

    // doctor --sts on a cold session: one code, then every stage checked.
    let (_, sts) = doctor_session_line(&estate, &["doctor", "--sts"]);
    assert_eq!(estate.codes(), 4, "doctor --sts asks one code");
    assert_eq!(estate.sts_calls().len(), 4);
    for (stage, account, role) in [
        ("root", "323330167063", "cpco-root-admin"),
        MEMBER_TESTING,
        ("prod", "010987654321", "cpco-prod-admin"),
    ] {
        let expected = format!(
            "ok    stage {stage} (sts): account {account}, role {role}, session {}",
            session_name()
        );
        assert!(
            stdout(&sts).lines().any(|l| l == expected),
            "{expected}\n--- got\n{}{}",
            stdout(&sts),
            stderr(&sts)
        );
    }

    // No mfa_process and no terminal: acct's message at once, nothing asked.
    assert_status(&estate.run(&["logout"]), 0);
    estate.write_config(MEMBER, false);
    assert!(!estate.credential_process().contains("--mfa-process"));
    for (what, out) in [
        ("credential_process", output(&mut estate.sdk_call())),
        ("login", estate.run(&["login"])),
    ] {
        assert_no_panic(&out, what);
        assert_eq!(out.status.code(), Some(1), "{what}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(NO_TERMINAL),
            "{what}: {}",
            stderr(&out)
        );
        assert!(stdout(&out).is_empty(), "{what}: {}", stdout(&out));
    }
    assert_eq!((estate.codes(), estate.sts_calls().len()), (4, 4));
}

fn epoch(text: &str) -> i64 {
    let out = Command::new("date")
        .args(["-u", "-d", text, "+%s"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

// ---------------------------------------------------------------------------
// 6. A code AWS refuses

/// `script` by sh on a pseudo-terminal in the estate's environment.
fn on_terminal(estate: &Estate, script: &str) -> expectrl::session::OsSession {
    let mut cmd = estate.command("sh");
    cmd.arg("-c").arg(format!("{script}; echo \"status=$?\""));
    pty(cmd, 120)
}

/// Answers the code prompts in turn with `codes`; gives what the terminal
/// said after each code (up to the next prompt; for the last, up to the
/// end) and the exit status the script reported.
#[track_caller]
fn answer(session: &mut expectrl::session::OsSession, codes: &[&str]) -> (Vec<String>, String) {
    expect(session, PROMPT);
    let mut said = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        session.send_line(code).unwrap();
        let next = if i + 1 < codes.len() {
            PROMPT
        } else {
            "status="
        };
        said.push(expect(session, next));
    }
    let status = expect(session, "\n").trim().to_string();
    (said, status)
}

/// Through the AWS CLI (which keeps credential_process's stderr to
/// itself): the refusal is said on the terminal, the next code is asked and
/// works, and the command lands in the stage.
#[test]
fn a_refused_code_is_said_on_the_terminal_and_asked_again() {
    let estate = Estate::new(ORGANIZATION, Sts::V2, false, 1);
    let mut session = on_terminal(
        &estate,
        &format!(
            "acct exec testing -- '{}' sts get-caller-identity --query Arn --output text",
            aws_v2().display()
        ),
    );
    let (said, status) = answer(&mut session, &["111111", "123456"]);
    let (between, rest) = (&said[0], &said[1]);
    assert!(
        between.contains("AWS refused that code"),
        "the terminal says the code was refused before asking again: {between:?}"
    );
    assert_eq!(status, "0", "{rest}");
    assert_contains(
        rest,
        "arn:aws:sts::126450723953:assumed-role/OrganizationAccountAccessRole/",
    );
    assert!(!rest.contains("MFA code for"), "two prompts only: {rest}");
    let calls = estate.sts_calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(
        calls[0].contains("input: {\"TokenCode\":\"111111\"}")
            && calls[1].contains("input: {\"TokenCode\":\"123456\"}"),
        "{calls:?}"
    );
    session_json(&std::fs::read_to_string(estate.session_file()).unwrap());
}

/// Three refused codes: acct gives up and says what to check.
/// Five digits is a typo, not the end: said, and asked again, at `acct
/// login` on a terminal; one session, one GetSessionToken.
#[test]
fn a_malformed_code_is_asked_again_at_login() {
    let estate = Estate::new(ORGANIZATION, Sts::V2, false, 0);
    let mut session = on_terminal(&estate, "acct login");
    let (said, status) = answer(&mut session, &["12345", "123456"]);
    let (between, rest) = (&said[0], &said[1]);
    assert!(
        between.contains("`12345` is not an MFA code: six digits; try again"),
        "{between:?}"
    );
    assert_eq!(status, "0", "{rest}");
    assert_contains(rest, "MFA session for every cpco stage until");
    assert_eq!(estate.sts_calls().len(), 1, "{:?}", estate.sts_calls());
    session_json(&std::fs::read_to_string(estate.session_file()).unwrap());
}

/// Under Terraform, which shows only "No valid credential sources found"
/// when credential_process fails, the person still reads acct's reason and
/// fix on the terminal where they typed the codes.
#[test]
fn under_terraform_the_last_failure_is_said_on_the_terminal() {
    let test = "under_terraform_the_last_failure_is_said_on_the_terminal";
    if tools::terraform_with_plugins_or_skip(test).is_none() {
        return;
    }
    let estate = Estate::new(ORGANIZATION, Sts::V2, false, 0);
    estate.terraform_init();
    let mut session = on_terminal(&estate, &estate.client_line(Client::Terraform, "testing"));
    let (said, _) = answer(&mut session, &["12345", "abcdef", "1234567"]);
    let said = &said[2];
    assert!(
        said.contains("acct: `1234567` is not an MFA code: six digits")
            && said.contains("fix: type the six digits your device shows, then run `acct login`"),
        "{said}"
    );
    assert!(estate.sts_calls().is_empty(), "{:?}", estate.sts_calls());
}

#[test]
fn three_refused_codes_end_with_a_clear_failure() {
    let estate = Estate::new(ORGANIZATION, Sts::V2, false, 3);
    let mut session = on_terminal(&estate, "acct login");
    let (said, status) = answer(&mut session, &["111111"; 3]);
    let said = &said[2];
    assert_eq!(status, "1", "{said}");
    assert!(
        !said.contains("acct: MFA code for"),
        "three prompts only: {said}"
    );
    assert_contains(said, &format!("AWS refused the MFA code for {SERIAL}"));
    assert_contains(said, "fix:");
    assert_eq!(estate.sts_calls().len(), 3);
    assert!(
        entries(&estate.sessions_dir())
            .iter()
            .all(|n| !n.ends_with(".json"))
    );
}

/// With mfa_process nobody can type another code: a clear failure at once.
#[test]
fn a_refused_code_from_mfa_process_fails_at_once() {
    let estate = Estate::new(ORGANIZATION, Sts::V2, true, 1);
    let out = output(&mut estate.sdk_call());
    assert_no_panic(&out, "refused");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_contains(
        &stderr(&out),
        &format!("AWS refused the MFA code for {SERIAL}"),
    );
    assert_contains(&stderr(&out), "fix:");
    assert!(stdout(&out).is_empty());
    assert_eq!((estate.codes(), estate.sts_calls().len()), (1, 1));
    assert!(
        entries(&estate.sessions_dir())
            .iter()
            .all(|n| !n.ends_with(".json"))
    );
    // The next call (a good code) starts the session.
    let out = output(&mut estate.sdk_call());
    assert_status(&out, 0);
    session_json(&stdout(&out));
    assert_eq!((estate.codes(), estate.sts_calls().len()), (2, 2));
}

/// The README: what `mfa_process` prints must be the six digits. Anything
/// else fails at once, names what it printed (escaped) and the fix, and
/// reaches neither STS nor the cache.
#[test]
fn an_mfa_process_that_prints_other_than_six_digits_fails_at_once() {
    let estate = Estate::new(ORGANIZATION, Sts::Fake, true, 0);
    let process = estate.tools.join("mfa-code");
    for (printed, said) in [
        ("12345", "`12345`"),
        ("1234567", "`1234567`"),
        ("12345a", "`12345a`"),
        ("code: 123456", "`code: 123456`"),
        ("", "``"),
        ("\x1b[31m123456", "`\\u{1b}[31m123456`"),
    ] {
        executable(
            &process,
            &format!("#!/bin/sh\nprintf '%s\\n' '{printed}'\n"),
        );
        for out in [output(&mut estate.sdk_call()), estate.run(&["login"])] {
            assert_no_panic(&out, printed);
            assert_status(&out, 1);
            assert!(out.stdout.is_empty(), "{printed:?}: {}", stdout(&out));
            let err = stderr(&out);
            assert!(
                err.contains(&format!("{said} is not an MFA code (six digits)"))
                    && err.contains("fix: check that `")
                    && err.contains("` prints only the code"),
                "{printed:?}: {err}"
            );
            assert!(!err.contains('\x1b'), "raw escape: {err:?}");
        }
    }
    assert!(estate.sts_calls().is_empty(), "{:?}", estate.sts_calls());
    assert!(
        entries(&estate.sessions_dir())
            .iter()
            .all(|n| !n.ends_with(".json"))
    );
    // Six digits (a newline after them, as ykman prints) start the session.
    executable(&process, "#!/bin/sh\necho 654321\n");
    assert_status(&estate.run(&["login"]), 0);
    assert_eq!(estate.sts_calls().len(), 1);
    assert!(estate.sts_calls()[0].ends_with("input: {\"TokenCode\":\"654321\"}"));
}

// ---------------------------------------------------------------------------
// Two bugs `session_token` in src/aws_cli.rs once had, kept as regression
// tests.

/// The AWS CLI v1 exports `AWS_DATA_PATH` (its own data) to the processes it
/// starts; the session's CLI v2 inherits it and fails with "'Namespace'
/// object has no attribute 'cli_binary_format'". So the CLI v1 cannot start
/// a session when aws_cli is the v2 (the default `aws` on most machines).
#[test]
fn the_cli_v1_starts_a_session_made_by_the_cli_v2() {
    let estate = Estate::new(SINGLE, Sts::V2, true, 0);
    let ran = estate.run_client(Client::CliV1, "testing");
    assert_ran_as(&ran, SINGLE_TESTING, "the CLI v1 starting the session");
}

/// botocore since 1.36 (the CLI v1 here, the CLI v2 in its 2025 releases)
/// has no global STS endpoint: with no region in the environment (`acct
/// login`, or a profile used without `acct exec`, whose region is in the
/// profile and not passed to credential_process) GetSessionToken fails with
/// "You must specify a region".
#[test]
fn the_session_starts_without_a_region_in_the_environment() {
    let estate = Estate::new(ORGANIZATION, Sts::V1, true, 0);
    let mut login = estate.acct();
    login.arg("login");
    estate.server.as_ref().unwrap().configure(&mut login);
    let out = output(without_terminal(&mut login));
    assert_status(&out, 0);
    // The stage's profile used directly, as the README's `aws --profile`
    // users do: the region is the profile's, not the environment's.
    assert_status(&estate.run(&["logout"]), 0);
    let mut direct = estate.command(aws_v1());
    direct
        .args(["--profile", "cpco-testing-admin"])
        .args(CALLER_ARN);
    estate.server.as_ref().unwrap().configure(&mut direct);
    assert_runs_as(
        &mut direct,
        ORGANIZATION_TESTING,
        "a profile used without acct exec",
    );
}

/// `--export-credentials` in a session estate asks nothing more: the keys
/// come through the session profile, and carry their expiry.
#[test]
fn export_credentials_uses_the_session_and_asks_nothing_more() {
    let estate = Estate::new(ORGANIZATION, Sts::V2, true, 0);
    assert_status(&estate.run(&["login"]), 0);
    assert_eq!(estate.codes(), 1);
    let out = estate.run(&["exec", "--export-credentials", "testing", "--", "env", "-0"]);
    assert_status(&out, 0);
    let env = parse_env0(&out.stdout);
    let has = |name: &str| env.iter().any(|(n, v)| n == name && !v.is_empty());
    assert!(
        has("AWS_ACCESS_KEY_ID") && has("AWS_SESSION_TOKEN"),
        "{env:?}"
    );
    assert!(has("AWS_CREDENTIAL_EXPIRATION"), "{env:?}");
    assert!(!has("AWS_PROFILE"), "{env:?}");
    assert_eq!(estate.codes(), 1, "a second code was asked");
}

/// The code typed is not echoed (nor left in the scrollback), and the
/// AWS CLI's refusal, said on the terminal before the next code is asked,
/// is escaped like every message: an escape sequence in it never reaches
/// the terminal raw.
#[test]
fn the_code_is_not_echoed_and_a_refusal_is_said_escaped() {
    let estate = Estate::new(ORGANIZATION, Sts::Fake, false, 1);
    let wrapper = estate.tools.join("aws");
    let text = std::fs::read_to_string(&wrapper).unwrap();
    assert!(text.contains(REFUSED));
    executable(
        &wrapper,
        &text.replace(REFUSED, "MFA denied \x1b]0;pwned\x07\x1b[31m red"),
    );
    let mut session = on_terminal(&estate, "acct login");
    let (said, status) = answer(&mut session, &["111111", "123456"]);
    let (between, rest) = (&said[0], &said[1]);
    assert!(
        between.contains("AWS refused that code")
            && between.contains("MFA denied \\u{1b}]0;pwned\\u{7}\\u{1b}[31m red"),
        "{between:?}"
    );
    assert!(!between.contains('\x1b'), "raw escape: {between:?}");
    assert!(
        !between.contains("111111"),
        "the code was echoed: {between:?}"
    );
    assert!(!rest.contains("123456"), "the code was echoed: {rest:?}");
    assert_eq!(status, "0", "{rest}");
    // Neither code was in the AWS CLI's argv; both came in the file it read.
    let calls = estate.sts_calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    for (call, code) in calls.iter().zip(["111111", "123456"]) {
        let (argv, input) = call.split_once(" | input: ").unwrap();
        assert!(!argv.contains(code), "{argv}");
        assert_eq!(input, format!("{{\"TokenCode\":\"{code}\"}}"));
    }
}

/// A FIFO planted where the lock goes fails at once (it would hang every
/// SDK call); a directory where the session goes fails before a code is
/// asked, so no code is spent on a session that could not be kept.
#[test]
fn a_fifo_lock_or_a_directory_session_fails_before_a_code_is_asked() {
    let estate = Estate::new(ORGANIZATION, Sts::Fake, true, 0);
    assert_status(&output(&mut estate.sdk_call()), 0);
    let file = estate.session_file();
    let lock = file.with_extension("lock");
    std::fs::remove_file(&file).unwrap();
    std::fs::remove_file(&lock).unwrap();
    nix::unistd::mkfifo(&lock, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    let started = Instant::now();
    let out = output(&mut estate.sdk_call());
    assert_ne!(out.status.code(), Some(0));
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_contains(&stderr(&out), "lock");
    assert_eq!(estate.codes(), 1, "a code was asked");

    std::fs::remove_file(&lock).unwrap();
    std::fs::create_dir(&file).unwrap();
    let out = output(&mut estate.sdk_call());
    assert_ne!(out.status.code(), Some(0));
    assert_contains(&stderr(&out), "it is a directory; remove it");
    assert_eq!(estate.codes(), 1, "a code was spent");
    assert_eq!(estate.sts_calls().len(), 1);
}

/// A session made where `XDG_RUNTIME_DIR` was unset (cron, ssh, tmux) lives
/// in `~/.cache/acct/sessions`; logout, run where it is set, forgets that
/// one too, and names every file it removed. login and doctor say where
/// the session is kept.
#[test]
fn logout_forgets_the_session_in_every_folder_acct_uses() {
    let estate = Estate::new(SINGLE, Sts::Fake, true, 0);
    let cache_dir = estate.sandbox.home.join(".cache/acct/sessions");
    let mut without_runtime = estate.acct();
    without_runtime.env_remove("XDG_RUNTIME_DIR").arg("login");
    let login = output(without_terminal(&mut without_runtime));
    assert_status(&login, 0);
    assert_contains(
        &stderr(&login),
        &format!("the session is kept in {}", cache_dir.display()),
    );
    let login = estate.run(&["login"]);
    assert_status(&login, 0);
    assert_contains(
        &stderr(&login),
        &format!("the session is kept in {}", estate.sessions_dir().display()),
    );
    let (line, _) = doctor_session_line(&estate, &["doctor"]);
    assert_contains(
        &line,
        &format!("kept in {}", estate.sessions_dir().display()),
    );
    let json = |dir: &Path| -> Vec<String> {
        entries(dir)
            .into_iter()
            .filter(|name| name.ends_with(".json"))
            .collect()
    };
    assert_eq!(json(&cache_dir).len(), 1);
    assert_eq!(json(&estate.sessions_dir()).len(), 1);

    let out = estate.run(&["logout"]);
    assert_status(&out, 0);
    for dir in [&cache_dir, &estate.sessions_dir()] {
        assert_contains(
            &stderr(&out),
            &format!("ended the MFA session of cpco (removed {}/", dir.display()),
        );
        assert_eq!(json(dir), Vec::<String>::new(), "{}", dir.display());
    }
    // Where XDG_RUNTIME_DIR is unset again, nothing is served without a code.
    let codes = estate.codes();
    let mut cron = estate.sdk_call();
    cron.env_remove("XDG_RUNTIME_DIR");
    let _ = output(&mut cron);
    assert_eq!(estate.codes(), codes + 1, "a new session, not the old one");

    assert_status(&estate.run(&["logout"]), 0);
    let out = estate.run(&["logout"]);
    assert_contains(
        &stderr(&out),
        "there was no MFA session of cpco (looked in ",
    );
}
