//! moto as a local STS/IAM on 127.0.0.1: `moto_server` for the AWS CLI v1
//! (which honours AWS_ENDPOINT_URL), `moto_proxy` for the CLI v2 2.9 (which
//! does not, so it goes through an HTTPS proxy that trusts moto's CA).

use std::ffi::OsString;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

/// Where moto and both CLIs come from: tests/tools.rs.
pub use crate::tools::{aws_v1, aws_v2};

/// The AWS CLI v2 behind a wrapper (written to `path`) that makes sure of
/// the CLI 2.9's own race on its role cache: botocore before 1.37 checks for
/// `~/.aws/cli/cache` and then creates it without `exist_ok`, so of two
/// first calls side by side in a new home one fails with "[Errno 17] File
/// exists" (seen in CI). Here a call that finds no cache waits for a second
/// call to find none too (a barrier, not a delay), then both make it: one
/// fails, whatever the machine's speed. A call alone goes on after 30 s.
pub fn aws_v2_racing_on_its_cache(path: &std::path::Path) -> PathBuf {
    let arrived = path.with_extension("arrived");
    std::fs::create_dir_all(&arrived).unwrap();
    crate::util::executable(
        path,
        &format!(
            r#"#!/bin/sh
if [ "$1" != --version ] && [ ! -d "$HOME/.aws/cli/cache" ]; then
  touch '{arrived}'/$$; i=0
  until [ "$(ls '{arrived}' | wc -l)" -ge 2 ] || [ $i -ge 600 ]; do i=$((i+1)); sleep 0.05; done
  mkdir -p "$HOME/.aws/cli"
  mkdir "$HOME/.aws/cli/cache" 2>/dev/null || {{ echo "[Errno 17] File exists: '$HOME/.aws/cli/cache'" >&2; exit 255; }}
fi
exec '{aws}' "$@"
"#,
            arrived = arrived.display(),
            aws = aws_v2().display()
        ),
    );
    path.to_path_buf()
}

/// `aws sts get-caller-identity`'s arguments for the ARN alone, as text:
/// who a profile (or a set of keys) lands as.
pub const CALLER_ARN: [&str; 6] = [
    "sts",
    "get-caller-identity",
    "--query",
    "Arn",
    "--output",
    "text",
];

impl Moto {
    /// Who the keys (access key id, secret, session token) are, asked of
    /// this moto by the AWS CLI v2 in `sandbox` with nothing but those keys:
    /// `aws sts get-caller-identity`'s JSON.
    pub fn identity_of(
        &self,
        sandbox: &crate::util::Sandbox,
        [id, secret, token]: [&str; 3],
    ) -> serde_json::Value {
        let mut cmd = sandbox.command(aws_v2());
        self.configure(&mut cmd);
        let out = cmd
            .env("AWS_ACCESS_KEY_ID", id)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("AWS_SESSION_TOKEN", token)
            .args(["sts", "get-caller-identity", "--output", "json"])
            .args(["--region", "us-west-2"])
            .output()
            .unwrap();
        crate::util::assert_status(&out, 0);
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

/// One moto of each kind for however many tests run at once.
static PROXY: Mutex<Weak<Moto>> = Mutex::new(Weak::new());
static SERVER: Mutex<Weak<Moto>> = Mutex::new(Weak::new());

/// The running moto of `slot`, started when no test holds one: tests that
/// overlap share it, and the last to finish stops it.
fn shared(slot: &'static Mutex<Weak<Moto>>, start: fn() -> Moto) -> Arc<Moto> {
    let mut slot = slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(moto) = slot.upgrade() {
        return moto;
    }
    let moto = Arc::new(start());
    *slot = Arc::downgrade(&moto);
    moto
}

pub struct Moto {
    child: Child,
    pub port: u16,
    proxy: bool,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Moto {
    /// moto_proxy, shared with the tests running at the same time.
    pub fn shared_proxy() -> Arc<Moto> {
        shared(&PROXY, Moto::proxy)
    }

    /// moto_server, shared with the tests running at the same time.
    pub fn shared_server() -> Arc<Moto> {
        shared(&SERVER, Moto::server)
    }

    /// The moto_server a running test holds, kept for the tests after this
    /// one; none is started.
    pub fn running_server() -> Option<Arc<Moto>> {
        SERVER
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .upgrade()
    }

    fn start(program: PathBuf, proxy: bool) -> Self {
        let port = free_port();
        // Its log goes to a file, read only when it dies before listening.
        let mut log = tempfile::tempfile().expect("moto log file");
        let child = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("HOME", std::env::temp_dir())
            .stdout(Stdio::null())
            .stderr(log.try_clone().expect("moto log file"))
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", program.display()));
        let mut moto = Moto { child, port, proxy };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = moto.child.try_wait() {
                use std::io::{Read, Seek};
                let mut text = String::new();
                let _ = log.rewind().and_then(|_| log.read_to_string(&mut text));
                panic!(
                    "{} exited ({status}) before listening on {port}:\n{text}",
                    program.display()
                );
            }
            assert!(
                Instant::now() < deadline,
                "{} did not listen on {port}",
                program.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        moto
    }

    /// For the AWS CLI v1: `AWS_ENDPOINT_URL`.
    pub fn server() -> Self {
        Moto::start(crate::tools::moto_server(), false)
    }

    /// For the AWS CLI v2: `HTTPS_PROXY` and moto's CA.
    pub fn proxy() -> Self {
        Moto::start(crate::tools::moto_proxy(), true)
    }

    /// Point a command's AWS clients at this moto.
    pub fn configure(&self, cmd: &mut Command) {
        cmd.envs(self.env());
    }

    /// The variables that point AWS clients at this moto: the proxy and
    /// its CA, or the endpoint.
    pub fn env(&self) -> Vec<(&'static str, OsString)> {
        let url = OsString::from(format!("http://127.0.0.1:{}", self.port));
        if self.proxy {
            vec![("HTTPS_PROXY", url), ("AWS_CA_BUNDLE", proxy_ca().into())]
        } else {
            vec![("AWS_ENDPOINT_URL", url)]
        }
    }
}

/// The CA moto_proxy signs its certificates with, which its clients trust.
pub fn proxy_ca() -> PathBuf {
    crate::tools::moto_dir().join("moto_proxy/ca.crt")
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
