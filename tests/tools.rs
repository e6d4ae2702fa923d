//! Where every outside program the tests drive comes from, in one place.
//!
//! `./test.sh` (the README's test command) installs them: the shells,
//! shellcheck, tmux and the AWS CLI v2 with `apt-get`, moto and the AWS CLI v1
//! into a virtual environment of the project's own (`target/test-tools/venv`,
//! from `tests/requirements.txt`). It exports `ACCT_TEST_TOOLS`, that venv's
//! `bin` directory, and puts it first on `PATH`. starship comes prebuilt
//! into the same venv (`tests/requirements-starship.txt`), or where no wheel
//! fits, is built once with `cargo install` into
//! `~/.cache/acct-tests/starship`; `ACCT_TEST_STARSHIP` names it.
//!
//! A plain `cargo test` finds the same tools without it: the venv when an
//! earlier `./test.sh` made it, else the `python3` on `PATH` that has moto;
//! everything else on `PATH`. A tool that is missing fails the test that
//! needs it with one line naming the tool and what installs it. Terraform is
//! optional: [`terraform_or_skip`] says SKIPPED on stderr and the test
//! returns.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The venv `./test.sh` makes, relative to the repository.
pub const VENV: &str = "target/test-tools/venv";

/// Programs found on `PATH`, each with the Debian package that installs it.
const SYSTEM: &[(&str, &str)] = &[
    ("sh", "dash"),
    ("bash", "bash"),
    ("zsh", "zsh"),
    ("fish", "fish"),
    ("dash", "dash"),
    ("shellcheck", "shellcheck"),
    ("tmux", "tmux"),
    // What `acct console --federate` asks with; the tests' HTTP client.
    ("curl", "curl"),
    // GNU time, for a peak RSS (`-f %M`).
    ("time", "time"),
];

/// The one-line failure for a missing tool.
pub fn missing_message(tool: &str, install: &str) -> String {
    format!("missing test tool {tool}: run ./test.sh, which installs it ({install})")
}

#[track_caller]
fn missing(tool: &str, install: &str) -> ! {
    panic!("{}", missing_message(tool, install))
}

/// A program on `PATH` (the one the tests pass on to the shells they start).
#[track_caller]
fn on_path(name: &str, package: &str) -> PathBuf {
    match which::which(name) {
        Ok(path) => path,
        Err(_) => missing(name, &format!("apt-get install {package}")),
    }
}

#[track_caller]
pub fn bash() -> PathBuf {
    on_path("bash", "bash")
}

#[track_caller]
pub fn fish() -> PathBuf {
    on_path("fish", "fish")
}

#[track_caller]
pub fn shellcheck() -> PathBuf {
    on_path("shellcheck", "shellcheck")
}

/// One of the shells or linters above, by name (`"zsh"`).
#[track_caller]
pub fn by_name(name: &str) -> PathBuf {
    match SYSTEM.iter().find(|(tool, _)| *tool == name) {
        Some((tool, package)) => on_path(tool, package),
        None => panic!("tools.rs does not know the test tool {name}"),
    }
}

/// What `Sandbox::command` runs: a tool named above is located here (and a
/// missing one fails with its one-line message); any other program is left
/// to `PATH` as given.
#[track_caller]
pub fn program(program: &OsStr) -> OsString {
    match program.to_str() {
        Some(name) if SYSTEM.iter().any(|(tool, _)| *tool == name) => by_name(name).into(),
        _ => program.to_owned(),
    }
}

/// The AWS CLI v2: Debian's `awscli` package at `/usr/bin/aws`, else the
/// first `aws` on `PATH` that says it is v2 (Homebrew's `awscli`).
#[track_caller]
pub fn aws_v2() -> PathBuf {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        let on_path = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .map(|dir| dir.join("aws"));
        std::iter::once(PathBuf::from("/usr/bin/aws"))
            .chain(on_path)
            .filter(|path| path.is_file())
            .find(|path| aws_version(path).starts_with("aws-cli/2."))
    });
    match found {
        Some(path) => path.clone(),
        None => missing(
            "aws (the AWS CLI v2)",
            "apt-get install awscli, Debian 12's AWS CLI v2",
        ),
    }
}

/// The AWS CLI v1 from PyPI, in the Python environment that has moto.
#[track_caller]
pub fn aws_v1() -> PathBuf {
    python_tool("aws", "the AWS CLI v1")
}

#[track_caller]
pub fn moto_server() -> PathBuf {
    python_tool("moto_server", "moto")
}

#[track_caller]
pub fn moto_proxy() -> PathBuf {
    python_tool("moto_proxy", "moto")
}

/// moto's package directory (`moto_proxy/ca.crt` is the proxy's CA).
#[track_caller]
pub fn moto_dir() -> &'static Path {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let python = python_bin_dir()?.join("python3");
        let out = Command::new(python)
            .args([
                "-c",
                "import moto, os; print(os.path.dirname(moto.__file__))",
            ])
            .output()
            .ok()
            .filter(|out| out.status.success())?;
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        dir.join("moto_proxy/ca.crt").is_file().then_some(dir)
    });
    match dir {
        Some(dir) => dir,
        None => missing("moto", &pip_install()),
    }
}

/// Where test.sh installs starship when `ACCT_TEST_STARSHIP_ROOT` is not set.
pub const STARSHIP_ROOT: &str = "~/.cache/acct-tests/starship";

/// starship, for the prompt-framework tests: `ACCT_TEST_STARSHIP` (set by
/// test.sh), else the venv's, else test.sh's build place under the real
/// HOME (or `XDG_CACHE_HOME`), else `starship` on `PATH`.
#[track_caller]
pub fn starship() -> PathBuf {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        if let Some(path) = std::env::var_os("ACCT_TEST_STARSHIP").filter(|p| !p.is_empty()) {
            return Some(PathBuf::from(path));
        }
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")));
        let venv = std::env::var_os("ACCT_TEST_TOOLS")
            .map(PathBuf::from)
            .unwrap_or_else(|| crate::util::repo_file("target/test-tools/venv/bin"))
            .join("starship");
        Some(venv)
            .filter(|p| p.is_file())
            .or_else(|| cache.map(|c| c.join("acct-tests/starship/bin/starship")))
            .filter(|p| p.is_file())
            .or_else(|| which::which("starship").ok())
    });
    match found {
        Some(path) if path.is_file() => path.clone(),
        _ => missing(
            "starship",
            &format!(
                "./test.sh (prebuilt, from tests/requirements-starship.txt), or cargo install starship --locked --root {STARSHIP_ROOT}"
            ),
        ),
    }
}

/// Terraform, optional: `/usr/local/bin/terraform`, else on `PATH`.
pub fn terraform() -> Option<PathBuf> {
    let fixed = PathBuf::from("/usr/local/bin/terraform");
    if fixed.is_file() {
        return Some(fixed);
    }
    which::which("terraform").ok()
}

/// The providers terraform may use offline (`-plugin-dir`), when present.
pub fn terraform_plugin_dir() -> Option<PathBuf> {
    let dir = PathBuf::from("/opt/tf-plugins");
    dir.is_dir().then_some(dir)
}

/// Says `SKIPPED: test: reason` on stderr, past the test harness's capture,
/// so the line shows even though the test passes. Every test that leaves
/// out all or part of what it checks says so through here.
pub fn skipped(test: &str, reason: &str) {
    let _ = writeln!(std::io::stderr(), "SKIPPED: {test}: {reason}");
}

/// Whether the tests run as root (which can give files to another user);
/// when not, after a SKIPPED line saying `test` needs root `to`.
pub fn root_or_skip(test: &str, to: &str) -> bool {
    let root = nix::unistd::geteuid().is_root();
    if !root {
        skipped(test, &format!("needs root {to}"));
    }
    root
}

/// Terraform for `test`, or `None` after a SKIPPED line:
/// `let Some(terraform) = tools::terraform_or_skip("name") else { return };`
pub fn terraform_or_skip(test: &str) -> Option<PathBuf> {
    let found = terraform();
    if found.is_none() {
        skipped(
            test,
            "terraform not found at /usr/local/bin/terraform or on PATH",
        );
    }
    found
}

/// The venv's python, which has botocore (the AWS CLI v1's).
#[track_caller]
pub fn python() -> PathBuf {
    python_tool("python3", "botocore, with the AWS CLI v1")
}

/// The JS SDK v3's ini loader test.sh installs: the directory holding
/// `node_modules/@smithy/shared-ini-file-loader` (`ACCT_TEST_NODE`, else
/// target/test-tools/node), and `node`.
#[track_caller]
pub fn js_ini_loader() -> (PathBuf, PathBuf) {
    node_packages(
        "@smithy/shared-ini-file-loader (the JS SDK v3's ini loader)",
        &["@smithy/shared-ini-file-loader@4.4.0"],
    )
}

/// The JS SDK v3's STS client, and the proxy agent a test gives it to reach
/// moto_proxy (node does not honour HTTPS_PROXY on its own), from the same
/// directory as the ini loader; and `node`.
#[track_caller]
pub fn js_sdk() -> (PathBuf, PathBuf) {
    node_packages(
        "@aws-sdk/client-sts (the JS SDK v3) with https-proxy-agent",
        &["@aws-sdk/client-sts@3.1178.0", "https-proxy-agent@9.1.0"],
    )
}

/// `node` and the directory whose `node_modules` holds `pins` (each
/// `name@version`, as test.sh installs them), or the one-line failure.
#[track_caller]
fn node_packages(what: &str, pins: &[&str]) -> (PathBuf, PathBuf) {
    let dir = std::env::var_os("ACCT_TEST_NODE")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools/node"));
    let installed = pins.iter().all(|pin| {
        let name = &pin[..pin[1..].find('@').map_or(pin.len(), |at| at + 1)];
        dir.join("node_modules").join(name).is_dir()
    });
    if !installed {
        missing(
            what,
            &format!(
                "npm install --prefix target/test-tools/node {}",
                pins.join(" ")
            ),
        );
    }
    (on_path("node", "nodejs"), dir)
}

/// Terraform and the providers it uses offline, or `None` after a SKIPPED
/// line (see `terraform_or_skip`).
pub fn terraform_with_plugins_or_skip(test: &str) -> Option<(PathBuf, PathBuf)> {
    let terraform = terraform_or_skip(test)?;
    let Some(plugins) = terraform_plugin_dir() else {
        skipped(test, "terraform providers not found at /opt/tf-plugins");
        return None;
    };
    Some((terraform, plugins))
}

/// `pip install` of the pinned requirements, as test.sh runs it.
fn pip_install() -> String {
    let pins: Vec<&str> = include_str!("requirements.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    format!("pip install {} into {VENV}", pins.join(" "))
}

#[track_caller]
fn python_tool(name: &str, what: &str) -> PathBuf {
    match python_bin_dir().map(|dir| dir.join(name)) {
        Some(path) if path.is_file() => path,
        _ => missing(&format!("{name} ({what})"), &pip_install()),
    }
}

/// The `bin` directory of the Python environment with moto and the v1 CLI:
/// `ACCT_TEST_TOOLS` (set by test.sh), else the venv test.sh made, else the
/// real directory of the `python3` on `PATH` when it has moto (asked with the
/// real HOME: pyenv's shims break once HOME points at a sandbox).
fn python_bin_dir() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        if let Some(dir) = std::env::var_os("ACCT_TEST_TOOLS").filter(|d| !d.is_empty()) {
            return Some(PathBuf::from(dir));
        }
        let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(VENV).join("bin");
        if venv.join("moto_server").is_file() {
            return Some(venv);
        }
        let out = Command::new("python3")
            .args([
                "-c",
                "import sys, os; print(os.path.dirname(os.path.realpath(sys.executable)))",
            ])
            .output()
            .ok()?;
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        dir.join("moto_server").is_file().then_some(dir)
    })
    .as_deref()
}

fn aws_version(aws: &Path) -> String {
    Command::new(aws)
        .arg("--version")
        .output()
        .map(|out| {
            // v1 printed its version on stderr before 1.21.
            let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
            text.push_str(&String::from_utf8_lossy(&out.stderr));
            text.trim().to_string()
        })
        .unwrap_or_default()
}

#[test]
fn a_missing_tool_is_one_line_that_says_how_to_get_it() {
    let message = missing_message("zsh", "apt-get install zsh");
    assert_eq!(
        message,
        "missing test tool zsh: run ./test.sh, which installs it (apt-get install zsh)"
    );
    let panic = std::panic::catch_unwind(|| on_path("acct-no-such-tool", "acct-no-such-tool"))
        .expect_err("a missing tool fails");
    let text = panic.downcast_ref::<String>().expect("a message");
    assert!(!text.contains('\n'), "{text}");
    assert!(
        text.contains("run ./test.sh") && text.contains("apt-get install acct-no-such-tool"),
        "{text}"
    );
}

#[test]
fn the_test_scripts_are_shellcheck_clean() {
    for script in ["test.sh", ".ci/run"] {
        let out = Command::new(shellcheck())
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(script))
            .output()
            .expect("run shellcheck");
        assert!(
            out.status.success(),
            "{script}:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// The Terraform configuration the identity tests apply: who the provider
/// runs as, read with `terraform output -raw arn`.
pub const TERRAFORM_CONFIG: &str = r#"terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region = "us-west-2"
}

data "aws_caller_identity" "me" {}

output "arn" {
  value = data.aws_caller_identity.me.arn
}
"#;
