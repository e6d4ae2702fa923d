//! `acct console`: the switch-role URL of every layout and partition,
//! exactly; `--print`; the browser (`$BROWSER`, `xdg-open`, none); the
//! federation flow against a test double of the federation endpoint on
//! 127.0.0.1, with the stage's credentials from the real AWS CLI v2 through
//! moto's STS (and from a fake `aws_cli` script for the failures); the
//! protected confirmation; and no secret ever printed.

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::moto::{Moto, aws_v2};
use crate::util::*;

/// The switch-role link's `redirect_uri` of a region, encoded.
fn home(console_host: &str, region: &str) -> String {
    format!("https%3A%2F%2F{console_host}%2Fconsole%2Fhome%3Fregion%3D{region}")
}

/// `acct console ARGS` with stdin closed.
fn console(sandbox: &Sandbox, args: &[&str]) -> Output {
    sandbox
        .acct()
        .arg("console")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// `--print`: exit 0, the URL and a newline on stdout, nothing on stderr.
#[track_caller]
fn assert_prints(sandbox: &Sandbox, args: &[&str], url: &str) {
    let mut all = vec!["--print"];
    all.extend_from_slice(args);
    let out = console(sandbox, &all);
    assert_status(&out, 0);
    assert_text(&format!("{url}\n"), &stdout(&out));
    assert_text("", &stderr(&out));
}

/// The switch-role link to `role` in `account`, shown as `display` in
/// `color`, that opens the console home of `region`, on the sign-in and
/// console hosts of a partition.
fn switch_role_in(
    (signin, console): (&str, &str),
    role: &str,
    account: &str,
    display: &str,
    color: &str,
    region: &str,
) -> String {
    format!(
        "https://{signin}/switchrole?roleName={role}&account={account}\
         &displayName={display}&color={color}&redirect_uri={}",
        home(console, region)
    )
}

/// `switch_role_in` the `aws` partition.
fn switch_role(role: &str, account: &str, display: &str, color: &str, region: &str) -> String {
    let aws = ("signin.aws.amazon.com", "console.aws.amazon.com");
    switch_role_in(aws, role, account, display, color, region)
}

/// The root stage's link (its own admin role), in every layout.
fn root_link() -> String {
    switch_role(
        "cpco-root-admin",
        "323330167063",
        "cpco-root",
        "FAD791",
        "us-west-2",
    )
}

/// The organization's testing stage: the account's access role.
fn testing_link() -> String {
    let role = "OrganizationAccountAccessRole";
    switch_role(role, "126450723953", "cpco-testing", "99BCE3", "us-west-2")
}

#[test]
fn switch_role_urls_of_the_organization_layout() {
    let sandbox = Sandbox::staged(ORGANIZATION);
    assert_prints(&sandbox, &["testing"], &testing_link());
    assert_prints(&sandbox, &["root"], &root_link());
}

#[test]
fn switch_role_urls_of_the_member_layout_red_when_protected() {
    let sandbox = Sandbox::staged(MEMBER);
    assert_prints(&sandbox, &["root"], &root_link());
    let testing = switch_role(
        "cpco-testing-admin",
        "126450723953",
        "cpco-testing",
        "99BCE3",
        "us-west-2",
    );
    assert_prints(&sandbox, &["testing"], &testing);
    // prod: its own region, and red.
    let prod = switch_role(
        "cpco-prod-admin",
        "010987654321",
        "cpco-prod",
        "F2B0A9",
        "eu-west-1",
    );
    assert_prints(&sandbox, &["--yes", "prod"], &prod);
}

#[test]
fn switch_role_url_of_the_single_layouts_root() {
    // The virtual stages share the root's role: they federate (below).
    let sandbox = Sandbox::staged(SINGLE);
    assert_prints(&sandbox, &["root"], &root_link());
}

#[test]
fn a_role_path_and_the_prompt_format_reach_the_link_encoded() {
    let config = ORGANIZATION.replace(
        "[stages.testing]\n",
        "[stages.testing]\nrole = \"arn:aws:iam::126450723953:role/team/ops/admin\"\n",
    );
    let config = format!("prompt_format = \"({{namespace}}/{{stage}} +)\"\n{config}");
    let sandbox = Sandbox::staged(&config);
    let link = switch_role(
        "team%2Fops%2Fadmin",
        "126450723953",
        "cpco%2Ftesting%20%2B",
        "99BCE3",
        "us-west-2",
    );
    assert_prints(&sandbox, &["testing"], &link);
}

#[test]
fn partitions_have_their_own_sign_in_and_console_hosts() {
    let config = |partition: &str, region: &str| {
        ORGANIZATION
            .replace("region = \"us-west-2\"", &format!("region = \"{region}\""))
            .replace(
                "mfa_serial = \"arn:aws:iam::323330167063:mfa/admin@example.com\"\n",
                &format!("partition = \"{partition}\"\n"),
            )
    };
    let gov = Sandbox::staged(&config("aws-us-gov", "us-gov-west-1"));
    let hosts = (
        "signin.amazonaws-us-gov.com",
        "console.amazonaws-us-gov.com",
    );
    let role = "OrganizationAccountAccessRole";
    let link = switch_role_in(
        hosts,
        role,
        "126450723953",
        "cpco-testing",
        "99BCE3",
        "us-gov-west-1",
    );
    assert_prints(&gov, &["testing"], &link);
    let cn = Sandbox::staged(&config("aws-cn", "cn-north-1"));
    let hosts = ("signin.amazonaws.cn", "console.amazonaws.cn");
    let link = switch_role_in(
        hosts,
        "cpco-root-admin",
        "323330167063",
        "cpco-root",
        "FAD791",
        "cn-north-1",
    );
    assert_prints(&cn, &["root"], &link);
}

#[test]
fn an_unknown_stage_is_a_usage_error() {
    let sandbox = Sandbox::staged(ORGANIZATION);
    let out = console(&sandbox, &["--print", "tesitng"]);
    assert_status(&out, 2);
    assert_contains(&stderr(&out), "did you mean `testing`?");
    assert_text("", &stdout(&out));
}

/// A browser that records its arguments, one a line, in `record`.
fn recording_browser(path: &Path, record: &Path, status: i32) {
    executable(
        path,
        &format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nexit {status}\n",
            record.display()
        ),
    );
}

/// `acct console testing` (the browser, not `--print`) with `env` set and
/// stdin closed.
fn open_testing(sandbox: &Sandbox, env: &[(&str, &OsStr)]) -> Output {
    sandbox
        .acct()
        .envs(env.iter().copied())
        .args(["console", "testing"])
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// What the recording browser was given (and the record gone for the next).
fn opened(record: &Path) -> String {
    let text = std::fs::read_to_string(record).unwrap();
    std::fs::remove_file(record).unwrap();
    text
}

#[test]
fn the_browser_gets_the_url() {
    let sandbox = Sandbox::staged(ORGANIZATION);
    let link = testing_link();
    let record = sandbox.root.join("opened");
    let browser = sandbox.root.join("my browser");
    recording_browser(&browser, &record, 0);

    // $BROWSER: a list; a missing entry is skipped, `%s` is the URL.
    let list = format!(
        "/nonexistent/browser:'{}' --new-window %s",
        browser.display()
    );
    let out = open_testing(&sandbox, &[("BROWSER", list.as_ref())]);
    assert_status(&out, 0);
    assert_text("", &stdout(&out));
    assert_text("", &stderr(&out));
    assert_text(&format!("--new-window\n{link}\n"), &opened(&record));

    // Without `%s` the URL comes last.
    let quoted = format!("'{}'", browser.display());
    let out = open_testing(&sandbox, &[("BROWSER", quoted.as_ref())]);
    assert_status(&out, 0);
    assert_text(&format!("{link}\n"), &opened(&record));

    // No $BROWSER: xdg-open from PATH.
    let bin = sandbox.root.join("bin");
    std::fs::create_dir(&bin).unwrap();
    recording_browser(&bin.join("xdg-open"), &record, 0);
    let out = open_testing(&sandbox, &[("PATH", bin.as_ref())]);
    assert_status(&out, 0);
    assert_text(&format!("{link}\n"), &opened(&record));
}

#[test]
fn no_browser_or_a_failing_one_is_an_error_that_shows_the_url() {
    let sandbox = Sandbox::staged(ORGANIZATION);
    let link = testing_link();
    let empty = sandbox.root.join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = open_testing(&sandbox, &[("PATH", empty.as_ref())]);
    assert_status(&out, 1);
    assert_text("", &stdout(&out));
    let err = stderr(&out);
    assert_contains(&err, "no browser");
    assert_contains(&err, "BROWSER is not set and xdg-open is not on PATH");
    assert_contains(&err, &format!("\n{link}\n"));
    assert_contains(&err, "--print");

    // A $BROWSER that is not there is named.
    let out = open_testing(
        &sandbox,
        &[
            ("PATH", empty.as_ref()),
            ("BROWSER", "firefox-nightly".as_ref()),
        ],
    );
    assert_status(&out, 1);
    assert_contains(&stderr(&out), "`firefox-nightly` (BROWSER)");
    assert_contains(&stderr(&out), &link);

    // A browser that fails.
    let record = sandbox.root.join("opened");
    let browser = sandbox.root.join("broken-browser");
    recording_browser(&browser, &record, 3);
    let out = open_testing(&sandbox, &[("BROWSER", browser.as_ref())]);
    assert_status(&out, 1);
    assert_text("", &stdout(&out));
    assert_contains(&stderr(&out), "exit status: 3");
    assert_contains(&stderr(&out), &link);
}

#[test]
fn a_protected_stage_asks_and_without_a_terminal_prints_nothing() {
    let sandbox = Sandbox::staged(MEMBER);
    let record = sandbox.root.join("opened");
    let browser = sandbox.root.join("browser");
    recording_browser(&browser, &record, 0);
    for args in [&["console", "--print", "prod"][..], &["console", "prod"]] {
        let out = without_terminal(sandbox.acct().env("BROWSER", &browser).args(args))
            .output()
            .unwrap();
        assert_status(&out, 1);
        assert_text("", &stdout(&out));
        assert_contains(&stderr(&out), "`prod` is protected");
        assert_contains(&stderr(&out), "--yes");
        assert!(!record.exists(), "no browser may open");
    }
    let out = without_terminal(
        sandbox
            .acct()
            .env("BROWSER", &browser)
            .args(["console", "--yes", "prod"]),
    )
    .output()
    .unwrap();
    assert_status(&out, 0);
    assert!(
        std::fs::read_to_string(&record)
            .unwrap()
            .contains("color=F2B0A9"),
        "opened with --yes"
    );
}

/// One request the test double answered.
struct Request {
    method: String,
    /// The query's parameters, percent-decoded (`+` as a space, as a form
    /// decoder such as AWS's reads it).
    query: Vec<(String, String)>,
}

impl Request {
    fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A stand-in for the federation endpoint on 127.0.0.1: answers each
/// request with the next of `answers` (status, body) and records it.
struct Endpoint {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Vec<Request>>,
}

impl Endpoint {
    fn start(answers: Vec<(u16, String)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut answers = answers.into_iter();
            let mut requests = Vec::new();
            // Bounded: at most the answers given, for at most 5 minutes.
            let deadline = Instant::now() + Duration::from_secs(300);
            while Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let Some(answer) = answers.next() else { break };
                        requests.push(serve(stream, &answer));
                    }
                    Err(_) if stopped.load(Ordering::SeqCst) => break,
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
            requests
        });
        Endpoint { port, stop, thread }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/federation", self.port)
    }

    /// Every request answered (call after acct ended).
    fn requests(self) -> Vec<Request> {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.join().unwrap()
    }
}

fn serve(mut stream: TcpStream, (status, body): &(u16, String)) -> Request {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut line = head.lines().next().unwrap_or_default().split(' ');
    let method = line.next().unwrap_or_default().to_string();
    let target = line.next().unwrap_or_default();
    let query = target
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(n, v)| (decode(n), decode(v)))
        .collect();
    // A redirect's body is where it sends the client.
    let location = if (300..400).contains(status) {
        format!("Location: {body}\r\n")
    } else {
        String::new()
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\n{location}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    Request { method, query }
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (other, _) => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// The Session JSON a request carried.
fn session_of(request: &Request) -> serde_json::Value {
    serde_json::from_str(request.param("Session").expect("a Session parameter")).unwrap()
}

/// The three values of a Session, which acct must never print.
fn secrets(session: &serde_json::Value) -> [String; 3] {
    ["sessionId", "sessionKey", "sessionToken"].map(|key| {
        let value = session[key].as_str().unwrap_or_default().to_string();
        assert!(!value.is_empty(), "{key} missing in {session}");
        value
    })
}

#[track_caller]
fn assert_nothing_secret(out: &Output, secrets: &[String]) {
    for secret in secrets {
        for (name, text) in [("stdout", stdout(out)), ("stderr", stderr(out))] {
            assert!(
                !text.contains(secret.as_str()),
                "a secret on {name}: {text}"
            );
        }
    }
}

/// The login URL acct prints for a token from the endpoint at `url`.
fn login_url(url: &str, region: &str, token: &str) -> String {
    format!(
        "{url}?Action=login&Issuer=acct&Destination={}&SigninToken={token}\n",
        home("console.aws.amazon.com", region)
    )
}

/// Who the keys of a Session are, asked with nothing but those keys.
fn identity(sandbox: &Sandbox, moto: &Moto, session: &serde_json::Value) -> serde_json::Value {
    let key = |name: &str| session[name].as_str().unwrap();
    moto.identity_of(
        sandbox,
        [key("sessionId"), key("sessionKey"), key("sessionToken")],
    )
}

/// `acct console ARGS` for the federation: moto behind the AWS CLI v2, the
/// endpoint's double direct (NO_PROXY), an MFA code on stdin.
fn federate(sandbox: &Sandbox, moto: &Moto, endpoint: &Endpoint, args: &[&str]) -> Output {
    let mut cmd = sandbox.acct();
    moto.configure(&mut cmd);
    let mut child = cmd
        .env("NO_PROXY", "127.0.0.1")
        .env("ACCT_FEDERATION_URL", endpoint.url())
        .arg("console")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(b"123456\n");
    child.wait_with_output().unwrap()
}

fn with_cli(cli: &Path, config: &str) -> String {
    format!("aws_cli = \"{}\"\n{config}", cli.display())
}

#[test]
fn federation_with_the_stages_credentials_from_the_aws_cli() {
    let moto = Moto::proxy();

    // --federate: the organization's testing, through its own account.
    let sandbox = Sandbox::staged(&with_cli(&aws_v2(), ORGANIZATION));
    sandbox.write_aws_files();
    let endpoint = Endpoint::start(vec![(200, r#"{"SigninToken":"one-time/token+1"}"#.into())]);
    let out = federate(
        &sandbox,
        &moto,
        &endpoint,
        &["--federate", "--print", "testing"],
    );
    let url = endpoint.url();
    let requests = endpoint.requests();
    assert_status(&out, 0);
    assert_text(
        &login_url(&url, "us-west-2", "one-time%2Ftoken%2B1"),
        &stdout(&out),
    );
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.param("Action"), Some("getSigninToken"));
    let session = session_of(request);
    assert!(
        session["sessionId"].as_str().unwrap().starts_with("ASIA"),
        "temporary keys: {session}"
    );
    assert_nothing_secret(&out, &secrets(&session));
    let who = identity(&sandbox, &moto, &session);
    assert_eq!(who["Account"], "126450723953");
    assert!(
        who["Arn"]
            .as_str()
            .unwrap()
            .contains(":assumed-role/OrganizationAccountAccessRole/"),
        "{who}"
    );

    // single: the virtual stage shares the root's role, so it federates
    // without being asked, and says why.
    let single = Sandbox::staged(&with_cli(&aws_v2(), SINGLE));
    single.write_aws_files();
    let endpoint = Endpoint::start(vec![(200, r#"{"SigninToken":"t2"}"#.into())]);
    let out = federate(&single, &moto, &endpoint, &["--print", "testing"]);
    let url = endpoint.url();
    let requests = endpoint.requests();
    assert_status(&out, 0);
    assert_text(&login_url(&url, "us-west-2", "t2"), &stdout(&out));
    assert_eq!(requests.len(), 1);
    let session = session_of(&requests[0]);
    assert_contains(&stderr(&out), "`testing` has the role of `root`");
    assert_nothing_secret(&out, &secrets(&session));
    assert_eq!(
        identity(&single, &moto, &session)["Account"],
        "323330167063"
    );
}

const FAKE_KEY: &str = "ASIAFAKEKEY000000001";
const FAKE_SECRET: &str = "fake/secret+key=";
const FAKE_TOKEN: &str = "fake-session/token+value==";

/// An `aws_cli` that answers `--version` as the v2 does and
/// `configure export-credentials` with fixed keys (`token` false: long-lived
/// keys, no session token); `calls` records each export.
fn fake_cli(sandbox: &Sandbox, token: bool) -> (PathBuf, PathBuf) {
    let calls = sandbox.root.join("aws-calls");
    let script = sandbox.root.join("fake-aws");
    let session = if token {
        format!(",\"SessionToken\":\"{FAKE_TOKEN}\",\"Expiration\":\"2099-01-01T00:00:00+00:00\"")
    } else {
        String::new()
    };
    executable(
        &script,
        &format!(
            "#!/bin/sh\ncase \"$1\" in\n--version) echo 'aws-cli/2.15.0 Python/3.11.8 Linux/6 exe/x86_64';;\n\
             configure) echo \"$*\" >> '{}'\n  printf '%s' '{{\"Version\":1,\"AccessKeyId\":\"{FAKE_KEY}\",\"SecretAccessKey\":\"{FAKE_SECRET}\"{session}}}';;\n\
             *) exit 9;;\nesac\n",
            calls.display()
        ),
    );
    (script, calls)
}

/// A sandbox whose `config` runs the fake AWS CLI above (`token`: its keys
/// are temporary), the profiles written; and the file it records calls in.
fn with_fake_cli(config: &str, token: bool) -> (Sandbox, PathBuf) {
    let sandbox = Sandbox::new();
    let (cli, calls) = fake_cli(&sandbox, token);
    sandbox.write_user_config(&with_cli(&cli, config));
    sandbox.write_block();
    (sandbox, calls)
}

/// The fake CLI's temporary keys: never printed.
fn fake_secrets() -> [String; 3] {
    [FAKE_KEY.into(), FAKE_SECRET.into(), FAKE_TOKEN.into()]
}

fn federate_fake(sandbox: &Sandbox, endpoint: &str, args: &[&str]) -> Output {
    sandbox
        .acct()
        .env("ACCT_FEDERATION_URL", endpoint)
        .arg("console")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn the_session_json_carries_the_keys_encoded_and_the_browser_gets_the_login_url() {
    let (sandbox, calls) = with_fake_cli(MEMBER, true);
    let record = sandbox.root.join("opened");
    let browser = sandbox.root.join("browser");
    recording_browser(&browser, &record, 0);
    let endpoint = Endpoint::start(vec![(200, r#"{"SigninToken":"tok"}"#.into())]);
    let out = sandbox
        .acct()
        .env("ACCT_FEDERATION_URL", endpoint.url())
        .env("BROWSER", &browser)
        .args(["console", "--federate", "--yes", "prod"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let url = endpoint.url();
    let requests = endpoint.requests();
    assert_status(&out, 0);
    assert_text("", &stdout(&out));
    assert_text(
        &format!(
            "{url}?Action=login&Issuer=acct&Destination={}&SigninToken=tok\n",
            home("console.aws.amazon.com", "eu-west-1")
        ),
        &std::fs::read_to_string(&record).unwrap(),
    );
    assert_eq!(
        session_of(&requests[0]),
        serde_json::json!({"sessionId": FAKE_KEY, "sessionKey": FAKE_SECRET, "sessionToken": FAKE_TOKEN})
    );
    assert_text(
        "configure export-credentials --format process --profile cpco-prod-admin\n",
        &std::fs::read_to_string(&calls).unwrap(),
    );
    assert_nothing_secret(&out, &fake_secrets());
}

#[test]
fn a_failing_endpoint_or_long_lived_keys_open_nothing_and_print_no_secret() {
    let (sandbox, _) = with_fake_cli(ORGANIZATION, true);
    let secrets = fake_secrets();

    for (status, body, said) in [
        (403, r#"{"error":"denied"}"#, "it answered HTTP 403"),
        (200, r#"{"Other":"x"}"#, "its answer holds no SigninToken"),
        (200, "<html>", "its answer holds no SigninToken"),
    ] {
        let endpoint = Endpoint::start(vec![(status, body.into())]);
        let out = federate_fake(
            &sandbox,
            &endpoint.url(),
            &["--federate", "--print", "testing"],
        );
        assert_eq!(endpoint.requests().len(), 1);
        assert_status(&out, 1);
        assert_text("", &stdout(&out));
        assert!(stderr(&out).contains(said), "{}", stderr(&out));
        assert_contains(&stderr(&out), "no console was opened");
        assert_nothing_secret(&out, &secrets);
    }

    // Nothing listens: a connection error, still no secret.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = federate_fake(
        &sandbox,
        &format!("http://127.0.0.1:{port}/federation"),
        &["--federate", "--print", "testing"],
    );
    assert_status(&out, 1);
    assert_nothing_secret(&out, &secrets);

    // Long-lived keys cannot federate: the endpoint is never called.
    let (long_lived, _) = with_fake_cli(ORGANIZATION, false);
    let endpoint = Endpoint::start(vec![(200, r#"{"SigninToken":"tok"}"#.into())]);
    let out = federate_fake(
        &long_lived,
        &endpoint.url(),
        &["--federate", "--print", "testing"],
    );
    assert!(endpoint.requests().is_empty());
    assert_status(&out, 1);
    assert_contains(&stderr(&out), "temporary");
    assert_nothing_secret(&out, &[FAKE_KEY.into(), FAKE_SECRET.into()]);
}

#[test]
fn a_plain_http_endpoint_elsewhere_is_refused_before_the_aws_cli_runs() {
    let (sandbox, calls) = with_fake_cli(ORGANIZATION, true);
    let out = federate_fake(
        &sandbox,
        "http://signin.example.com/federation",
        &["--federate", "--print", "testing"],
    );
    assert_status(&out, 2);
    assert_contains(&stderr(&out), "ACCT_FEDERATION_URL");
    assert!(!calls.exists(), "the AWS CLI must not run");
}

/// The request carries the keys in its query: a redirect is never
/// followed (the keys would go to whatever address it names), and an
/// endpoint on this machine is never reached through a proxy.
#[test]
fn a_redirect_is_not_followed_and_a_local_endpoint_bypasses_proxies() {
    let (sandbox, _) = with_fake_cli(ORGANIZATION, true);
    let secrets = fake_secrets();
    let elsewhere = Endpoint::start(vec![(200, r#"{"SigninToken":"tok"}"#.into())]);
    let redirecting = Endpoint::start(vec![(302, elsewhere.url())]);
    let out = federate_fake(
        &sandbox,
        &redirecting.url(),
        &["--federate", "--print", "testing"],
    );
    assert_eq!(redirecting.requests().len(), 1);
    assert!(
        elsewhere.requests().is_empty(),
        "the keys followed the redirect"
    );
    assert_status(&out, 1);
    assert_contains(&stderr(&out), "redirect");
    assert_nothing_secret(&out, &secrets);

    // A proxy in the environment: the loopback endpoint is asked directly.
    let endpoint = Endpoint::start(vec![(200, r#"{"SigninToken":"tok"}"#.into())]);
    let proxy = Endpoint::start(vec![(200, r#"{"SigninToken":"proxied"}"#.into())]);
    let proxy_url = format!("http://127.0.0.1:{}", proxy.port);
    let out = sandbox
        .acct()
        .env("ACCT_FEDERATION_URL", endpoint.url())
        .env("HTTP_PROXY", &proxy_url)
        .env("http_proxy", &proxy_url)
        .env("ALL_PROXY", &proxy_url)
        .args(["console", "--federate", "--print", "testing"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        proxy.requests().is_empty(),
        "the request went through the proxy"
    );
    assert_eq!(endpoint.requests().len(), 1);
    assert_status(&out, 0);
    assert_contains(&stdout(&out), "SigninToken=tok");
}

/// The TLS double of the endpoint (tests/fixtures/tls_endpoint.py), with a
/// self-signed certificate that no trust store holds.
struct TlsEndpoint {
    child: std::process::Child,
    port: u16,
    cert: PathBuf,
    record: PathBuf,
}

impl TlsEndpoint {
    fn start(sandbox: &Sandbox) -> Self {
        let cert = sandbox.root.join("endpoint.pem");
        let record = sandbox.root.join("tls-requests");
        let python = crate::moto::aws_v1().parent().unwrap().join("python3");
        let mut child = std::process::Command::new(python)
            .arg(repo_file("tests/fixtures/tls_endpoint.py"))
            .args([&cert, &record])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the TLS endpoint double");
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        let port = line.trim().parse().expect("the TLS double's port");
        TlsEndpoint {
            child,
            port,
            cert,
            record,
        }
    }

    fn url(&self) -> String {
        format!("https://127.0.0.1:{}/federation", self.port)
    }

    fn requests(&self) -> usize {
        std::fs::read_to_string(&self.record)
            .unwrap_or_default()
            .lines()
            .count()
    }
}

impl Drop for TlsEndpoint {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The keys go only over verified TLS: an endpoint whose certificate this
/// machine does not trust gets no request (the handshake fails before the
/// keys are sent), while the same endpoint, trusted through curl's own
/// `CURL_CA_BUNDLE`, answers. Without curl, acct says what to install.
#[test]
fn an_untrusted_certificate_gets_no_keys_and_a_missing_curl_is_named() {
    let sandbox = Sandbox::new();
    let (cli, _) = fake_cli(&sandbox, true);
    sandbox.write_user_config(&with_cli(&cli, ORGANIZATION));
    sandbox.write_block();
    let secrets = [FAKE_KEY.to_string(), FAKE_SECRET.into(), FAKE_TOKEN.into()];
    let endpoint = TlsEndpoint::start(&sandbox);
    let args = ["console", "--federate", "--print", "testing"];

    let out = federate_fake(&sandbox, &endpoint.url(), &args[1..]);
    assert_status(&out, 1);
    assert!(stderr(&out).contains("certificate"), "{}", stderr(&out));
    assert_eq!(endpoint.requests(), 0, "a request despite the certificate");
    assert_nothing_secret(&out, &secrets);

    let out = sandbox
        .acct()
        .env("ACCT_FEDERATION_URL", endpoint.url())
        .env("CURL_CA_BUNDLE", &endpoint.cert)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_status(&out, 0);
    assert!(stdout(&out).contains("SigninToken=tls"), "{}", stdout(&out));
    assert_eq!(endpoint.requests(), 1);

    let empty = sandbox.root.join("no-curl");
    std::fs::create_dir_all(&empty).unwrap();
    let out = sandbox
        .acct()
        .env("ACCT_FEDERATION_URL", endpoint.url())
        .env("PATH", &empty)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_status(&out, 1);
    assert!(
        stderr(&out).contains("curl is not on PATH") && stderr(&out).contains("install curl"),
        "{}",
        stderr(&out)
    );
    assert_eq!(endpoint.requests(), 1);
}
