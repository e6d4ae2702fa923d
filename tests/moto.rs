//! moto as a local STS/IAM on 127.0.0.1: `moto_server` for the AWS CLI v1
//! (which honours AWS_ENDPOINT_URL), `moto_proxy` for the CLI v2 2.9 (which
//! does not, so it goes through an HTTPS proxy that trusts moto's CA).

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The Python that has moto and the v1 CLI: asked once, with the real HOME,
/// since pyenv's shims break once HOME points at a sandbox.
fn python_bin_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = Command::new("python3")
            .args([
                "-c",
                "import sys, os; print(os.path.dirname(os.path.realpath(sys.executable)))",
            ])
            .output()
            .expect("python3 on PATH (see .ci/run)");
        PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
    })
}

fn moto_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = Command::new(python_bin_dir().join("python3"))
            .args([
                "-c",
                "import moto, os; print(os.path.dirname(moto.__file__))",
            ])
            .output()
            .expect("moto installed (pip install \"moto[server,proxy]\")");
        PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
    })
}

/// The AWS CLI v1 from PyPI, named by its real path (not a pyenv shim).
pub fn aws_v1() -> PathBuf {
    let path = python_bin_dir().join("aws");
    assert!(
        path.exists(),
        "AWS CLI v1 missing at {} (pip install awscli)",
        path.display()
    );
    path
}

/// The AWS CLI v2 from Debian's `awscli` package.
pub fn aws_v2() -> PathBuf {
    let path = PathBuf::from("/usr/bin/aws");
    assert!(
        path.exists(),
        "AWS CLI v2 missing at /usr/bin/aws (apt-get install awscli)"
    );
    path
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
    fn start(program: &str, proxy: bool) -> Self {
        let port = free_port();
        let child = Command::new(python_bin_dir().join(program))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("HOME", std::env::temp_dir())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {program}: {e}"));
        let moto = Moto { child, port, proxy };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "{program} did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        moto
    }

    /// For the AWS CLI v1: `AWS_ENDPOINT_URL`.
    pub fn server() -> Self {
        Moto::start("moto_server", false)
    }

    /// For the AWS CLI v2: `HTTPS_PROXY` and moto's CA.
    pub fn proxy() -> Self {
        Moto::start("moto_proxy", true)
    }

    /// Point a command's AWS clients at this moto.
    pub fn configure(&self, cmd: &mut Command) {
        let url = format!("http://127.0.0.1:{}", self.port);
        if self.proxy {
            cmd.env("HTTPS_PROXY", &url)
                .env("AWS_CA_BUNDLE", moto_dir().join("moto_proxy/ca.crt"));
        } else {
            cmd.env("AWS_ENDPOINT_URL", &url);
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
