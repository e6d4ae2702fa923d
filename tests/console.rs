//! `acct console`: the switch-role URL of every layout and partition,
//! exactly; `--print`; the browser (`$BROWSER`, `xdg-open`, none); the
//! federation flow against a test double of the federation endpoint on
//! 127.0.0.1, with the stage's credentials from the real AWS CLI v2 through
//! moto's STS (and from a fake `aws_cli` script for the failures); the
//! protected confirmation; and no secret ever printed.

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

#[test]
fn switch_role_urls_of_the_organization_layout() {
    let sandbox = Sandbox::staged(ORGANIZATION);
    assert_prints(
        &sandbox,
        &["testing"],
        &format!(
            "https://signin.aws.amazon.com/switchrole?roleName=OrganizationAccountAccessRole\
             &account=126450723953&displayName=cpco-testing&color=99BCE3&redirect_uri={}",
            home("console.aws.amazon.com", "us-west-2")
        ),
    );
    assert_prints(
        &sandbox,
        &["root"],
        &format!(
            "https://signin.aws.amazon.com/switchrole?roleName=cpco-root-admin\
             &account=323330167063&displayName=cpco-root&color=FAD791&redirect_uri={}",
            home("console.aws.amazon.com", "us-west-2")
        ),
    );
}

#[test]
fn switch_role_urls_of_the_member_layout_red_when_protected() {
    let sandbox = Sandbox::staged(MEMBER);
    assert_prints(
        &sandbox,
        &["root"],
        &format!(
            "https://signin.aws.amazon.com/switchrole?roleName=cpco-root-admin\
             &account=323330167063&displayName=cpco-root&color=FAD791&redirect_uri={}",
            home("console.aws.amazon.com", "us-west-2")
        ),
    );
    assert_prints(
        &sandbox,
        &["testing"],
        &format!(
            "https://signin.aws.amazon.com/switchrole?roleName=cpco-testing-admin\
             &account=126450723953&displayName=cpco-testing&color=99BCE3&redirect_uri={}",
            home("console.aws.amazon.com", "us-west-2")
        ),
    );
    // prod: its own region, and red.
    assert_prints(
        &sandbox,
        &["--yes", "prod"],
        &format!(
            "https://signin.aws.amazon.com/switchrole?roleName=cpco-prod-admin\
             &account=010987654321&displayName=cpco-prod&color=F2B0A9&redirect_uri={}",
            home("console.aws.amazon.com", "eu-west-1")
        ),
    );
}

#[test]
fn switch_role_url_of_the_single_layouts_root() {
    // The virtual stages share the root's role: they federate (below).
    let sandbox = Sandbox::staged(SINGLE);
    assert_prints(
        &sandbox,
        &["root"],
        &format!(
            "https://signin.aws.amazon.com/switchrole?roleName=cpco-root-admin\
             &account=323330167063&displayName=cpco-root&color=FAD791&redirect_uri={}",
            home("console.aws.amazon.com", "us-west-2")
        ),
    );
}

#[test]
fn a_role_path_and_the_prompt_format_reach_the_link_encoded() {
    let config = ORGANIZATION.replace(
        "[stages.testing]\n",
        "[stages.testing]\nrole = \"arn:aws:iam::126450723953:role/team/ops/admin\"\n",
    );
    let config = format!("prompt_format = \"({{namespace}}/{{stage}} +)\"\n{config}");
    let sandbox = Sandbox::staged(&config);
    assert_prints(
        &sandbox,
        &["testing"],
        &format!(
            "https://signin.aws.amazon.com/switchrole?roleName=team%2Fops%2Fadmin\
             &account=126450723953&displayName=cpco%2Ftesting%20%2B&color=99BCE3&redirect_uri={}",
            home("console.aws.amazon.com", "us-west-2")
        ),
    );
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
    assert_prints(
        &gov,
        &["testing"],
        &format!(
            "https://signin.amazonaws-us-gov.com/switchrole?roleName=OrganizationAccountAccessRole\
             &account=126450723953&displayName=cpco-testing&color=99BCE3&redirect_uri={}",
            home("console.amazonaws-us-gov.com", "us-gov-west-1")
        ),
    );
    let cn = Sandbox::staged(&config("aws-cn", "cn-north-1"));
    assert_prints(
        &cn,
        &["root"],
        &format!(
            "https://signin.amazonaws.cn/switchrole?roleName=cpco-root-admin\
             &account=323330167063&displayName=cpco-root&color=FAD791&redirect_uri={}",
            home("console.amazonaws.cn", "cn-north-1")
        ),
    );
}

#[test]
fn an_unknown_stage_is_a_usage_error() {
    let sandbox = Sandbox::staged(ORGANIZATION);
    let out = console(&sandbox, &["--print", "tesitng"]);
    assert_status(&out, 2);
    assert!(
        stderr(&out).contains("did you mean `testing`?"),
        "{}",
        stderr(&out)
    );
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

const TESTING_LINK: &str = "https://signin.aws.amazon.com/switchrole?roleName=OrganizationAccountAccessRole&account=126450723953&displayName=cpco-testing&color=99BCE3&redirect_uri=https%3A%2F%2Fconsole.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Dus-west-2";

#[test]
fn the_browser_gets_the_url() {
    let sandbox = Sandbox::staged(ORGANIZATION);
    let record = sandbox.root.join("opened");
    let browser = sandbox.root.join("my browser");
    recording_browser(&browser, &record, 0);

    // $BROWSER: a list; a missing entry is skipped, `%s` is the URL.
    let out = sandbox
        .acct()
        .env(
            "BROWSER",
            format!(
                "/nonexistent/browser:'{}' --new-window %s",
                browser.display()
            ),
        )
        .args(["console", "testing"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_status(&out, 0);
    assert_text("", &stdout(&out));
    assert_text("", &stderr(&out));
    assert_text(
        &format!("--new-window\n{TESTING_LINK}\n"),
        &std::fs::read_to_string(&record).unwrap(),
    );

    // Without `%s` the URL comes last.
    std::fs::remove_file(&record).unwrap();
    let out = sandbox
        .acct()
        .env("BROWSER", format!("'{}'", browser.display()))
        .args(["console", "testing"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_status(&out, 0);
    assert_text(
        &format!("{TESTING_LINK}\n"),
        &std::fs::read_to_string(&record).unwrap(),
    );

    // No $BROWSER: xdg-open from PATH.
    std::fs::remove_file(&record).unwrap();
    let bin = sandbox.root.join("bin");
    std::fs::create_dir(&bin).unwrap();
    recording_browser(&bin.join("xdg-open"), &record, 0);
    let out = sandbox
        .acct()
        .env("PATH", &bin)
        .args(["console", "testing"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_status(&out, 0);
    assert_text(
        &format!("{TESTING_LINK}\n"),
        &std::fs::read_to_string(&record).unwrap(),
    );
}

#[test]
fn no_browser_or_a_failing_one_is_an_error_that_shows_the_url() {
    let sandbox = Sandbox::staged(ORGANIZATION);
    let empty = sandbox.root.join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = sandbox
        .acct()
        .env("PATH", &empty)
        .args(["console", "testing"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_status(&out, 1);
    assert_text("", &stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("no browser"), "{err}");
    assert!(
        err.contains("BROWSER is not set and xdg-open is not on PATH"),
        "{err}"
    );
    assert!(err.contains(&format!("\n{TESTING_LINK}\n")), "{err}");
    assert!(err.contains("--print"), "{err}");

    // A $BROWSER that is not there is named.
    let out = sandbox
        .acct()
        .env("PATH", &empty)
        .env("BROWSER", "firefox-nightly")
        .args(["console", "testing"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_status(&out, 1);
    assert!(
        stderr(&out).contains("`firefox-nightly` (BROWSER)"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains(TESTING_LINK), "{}", stderr(&out));

    // A browser that fails.
    let record = sandbox.root.join("opened");
    let browser = sandbox.root.join("broken-browser");
    recording_browser(&browser, &record, 3);
    let out = sandbox
        .acct()
        .env("BROWSER", &browser)
        .args(["console", "testing"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_status(&out, 1);
    assert_text("", &stdout(&out));
    assert!(stderr(&out).contains("exit status: 3"), "{}", stderr(&out));
    assert!(stderr(&out).contains(TESTING_LINK), "{}", stderr(&out));
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
        assert!(
            stderr(&out).contains("`prod` is protected"),
            "{}",
            stderr(&out)
        );
        assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
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
    let mut cmd = sandbox.command(aws_v2());
    moto.configure(&mut cmd);
    let out = cmd
        .env("AWS_ACCESS_KEY_ID", session["sessionId"].as_str().unwrap())
        .env(
            "AWS_SECRET_ACCESS_KEY",
            session["sessionKey"].as_str().unwrap(),
        )
        .env(
            "AWS_SESSION_TOKEN",
            session["sessionToken"].as_str().unwrap(),
        )
        .args([
            "sts",
            "get-caller-identity",
            "--output",
            "json",
            "--region",
            "us-west-2",
        ])
        .output()
        .unwrap();
    assert_status(&out, 0);
    serde_json::from_slice(&out.stdout).unwrap()
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
    assert!(
        stderr(&out).contains("`testing` has the role of `root`"),
        "{}",
        stderr(&out)
    );
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
    let sandbox = Sandbox::new();
    let (cli, calls) = fake_cli(&sandbox, true);
    sandbox.write_user_config(&with_cli(&cli, MEMBER));
    sandbox.write_block();
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
    assert_nothing_secret(
        &out,
        &[FAKE_KEY.into(), FAKE_SECRET.into(), FAKE_TOKEN.into()],
    );
}

#[test]
fn a_failing_endpoint_or_long_lived_keys_open_nothing_and_print_no_secret() {
    let sandbox = Sandbox::new();
    let (cli, _) = fake_cli(&sandbox, true);
    sandbox.write_user_config(&with_cli(&cli, ORGANIZATION));
    sandbox.write_block();
    let secrets = [FAKE_KEY.to_string(), FAKE_SECRET.into(), FAKE_TOKEN.into()];

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
        assert!(
            stderr(&out).contains("no console was opened"),
            "{}",
            stderr(&out)
        );
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
    let long_lived = Sandbox::new();
    let (cli, _) = fake_cli(&long_lived, false);
    long_lived.write_user_config(&with_cli(&cli, ORGANIZATION));
    long_lived.write_block();
    let endpoint = Endpoint::start(vec![(200, r#"{"SigninToken":"tok"}"#.into())]);
    let out = federate_fake(
        &long_lived,
        &endpoint.url(),
        &["--federate", "--print", "testing"],
    );
    assert!(endpoint.requests().is_empty());
    assert_status(&out, 1);
    assert!(stderr(&out).contains("temporary"), "{}", stderr(&out));
    assert_nothing_secret(&out, &[FAKE_KEY.into(), FAKE_SECRET.into()]);
}

#[test]
fn a_plain_http_endpoint_elsewhere_is_refused_before_the_aws_cli_runs() {
    let sandbox = Sandbox::new();
    let (cli, calls) = fake_cli(&sandbox, true);
    sandbox.write_user_config(&with_cli(&cli, ORGANIZATION));
    sandbox.write_block();
    let out = federate_fake(
        &sandbox,
        "http://signin.example.com/federation",
        &["--federate", "--print", "testing"],
    );
    assert_status(&out, 2);
    assert!(
        stderr(&out).contains("ACCT_FEDERATION_URL"),
        "{}",
        stderr(&out)
    );
    assert!(!calls.exists(), "the AWS CLI must not run");
}

/// The request carries the keys in its query: a redirect is never
/// followed (the keys would go to whatever address it names), and an
/// endpoint on this machine is never reached through a proxy.
#[test]
fn a_redirect_is_not_followed_and_a_local_endpoint_bypasses_proxies() {
    let sandbox = Sandbox::new();
    let (cli, _) = fake_cli(&sandbox, true);
    sandbox.write_user_config(&with_cli(&cli, ORGANIZATION));
    sandbox.write_block();
    let secrets = [FAKE_KEY.to_string(), FAKE_SECRET.into(), FAKE_TOKEN.into()];
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
    assert!(stderr(&out).contains("redirect"), "{}", stderr(&out));
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
    assert!(stdout(&out).contains("SigninToken=tok"), "{}", stdout(&out));
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
