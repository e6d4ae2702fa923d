//! The AWS CLI as acct runs it, through one runner for every call (`aws
//! --version`, STS, `configure export-credentials`, GetSessionToken, `sso
//! login`): found by the `aws_cli` key (a name on `PATH` or a path), run
//! with exactly the environment handed in and none of acct's own (the
//! caller makes it with `stage::entry`: a stage's, or acct's cleaned as a
//! stage's is, so inherited stale keys cannot leak into a call), killed
//! after a timeout where nobody is typing, and failing one way.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use wait_timeout::ChildExt;

use super::code_file::CodeFile;
use crate::aws::credentials::Credentials;
use crate::config::arn::Arn;
use crate::error::{Failure, Result};

/// The whole environment of a call: the CLI gets these variables and no
/// others.
pub type Env<'a> = &'a [(OsString, OsString)];

/// The first AWS CLI with `configure export-credentials`.
pub const EXPORT_MINIMUM: (u32, u32) = (2, 9);
/// `aws --version` answers at once; a CLI that hangs there is broken.
const VERSION_TIMEOUT: Duration = Duration::from_secs(20);
/// One STS call; a CLI that takes longer is stuck (a network that drops).
const SESSION_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
pub struct AwsCli {
    pub path: PathBuf,
    /// `aws-cli/2.9.19`, the first word of `aws --version`.
    pub version: String,
    major: u32,
    minor: u32,
}

/// Who STS says a profile is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub account: String,
    pub arn: String,
}

impl Identity {
    /// The role of an `assumed-role` ARN (`.../assumed-role/ROLE/SESSION`).
    pub fn role_name(&self) -> Option<&str> {
        let mut parts = Arn::parse(&self.arn)?.resource.split('/');
        (parts.next()? == "assumed-role").then(|| parts.next())?
    }

    /// The session of an `assumed-role` ARN: the name CloudTrail shows
    /// (the profile's `role_session_name`, or the Identity Center user).
    pub fn session_name(&self) -> Option<&str> {
        let mut parts = Arn::parse(&self.arn)?.resource.splitn(3, '/');
        (parts.next()? == "assumed-role").then(|| parts.nth(1))?
    }
}

/// What running the CLI gave back.
struct Ran {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// Where a call's stdin, stdout and stderr go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Io {
    /// Nobody is asked: stdin is /dev/null; the answer and the errors are
    /// kept (the errors' last line for the report).
    Quiet,
    /// The CLI may ask for an MFA code: stdin is the terminal's; the answer
    /// and the errors are kept.
    MayAsk,
    /// The CLI speaks to the person (an MFA prompt, its own error): stdin
    /// and stderr are theirs, only the answer is kept.
    Speaks,
    /// The terminal is the CLI's (`aws sso login` prints a code and opens
    /// the browser): nothing is kept.
    Terminal,
}

/// `name`, the `aws_cli` key: a name looked up on `PATH`, or a path.
fn locate(name: &str) -> Option<PathBuf> {
    which::which(name).ok()
}

/// One run of the CLI at `path`: `args`, exactly `env`, `io`, killed after
/// `timeout`. A CLI that cannot be started, or does not answer in time, is
/// the same failure for every call.
fn call(
    path: &Path,
    args: &[&str],
    env: Env<'_>,
    io: Io,
    timeout: Option<Duration>,
) -> Result<Ran> {
    #[allow(
        clippy::disallowed_methods,
        reason = "the runner: every AWS CLI call starts here"
    )]
    let mut command = Command::new(path);
    command.args(args).env_clear().envs(env.iter().cloned());
    let (stdin, stdout, stderr) = match io {
        Io::Quiet => (Stdio::null(), Stdio::piped(), Stdio::piped()),
        Io::MayAsk => (Stdio::inherit(), Stdio::piped(), Stdio::piped()),
        Io::Speaks => (Stdio::inherit(), Stdio::piped(), Stdio::inherit()),
        Io::Terminal => (Stdio::inherit(), Stdio::inherit(), Stdio::inherit()),
    };
    command.stdin(stdin).stdout(stdout).stderr(stderr);
    run(&mut command, timeout).map_err(|e| cannot_run(path, &e))
}

impl AwsCli {
    /// The CLI named by `aws_cli`, with its version (`--version`, run with
    /// `env`).
    pub fn find(name: &str, env: Env<'_>) -> Result<Self> {
        let path = locate(name).ok_or_else(|| not_found(name))?;
        let ran = call(&path, &["--version"], env, Io::Quiet, Some(VERSION_TIMEOUT))?;
        // The v1 CLI printed its version on stderr before 1.17.
        let text = String::from_utf8_lossy(if ran.stdout.is_empty() {
            &ran.stderr
        } else {
            &ran.stdout
        })
        .into_owned();
        let version = text
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        let numbers: Vec<u32> = version
            .strip_prefix("aws-cli/")
            .unwrap_or_default()
            .split('.')
            .map_while(|n| n.parse().ok())
            .collect();
        let (Some(&major), Some(&minor)) = (numbers.first(), numbers.get(1)) else {
            return Err(Failure::other(
                format!(
                    "{} does not look like the AWS CLI: `--version` said: {}",
                    path.display(),
                    last_line(text.as_bytes())
                ),
                "set aws_cli to the AWS CLI v2",
            ));
        };
        Ok(AwsCli {
            path,
            version,
            major,
            minor,
        })
    }

    pub fn can_export(&self) -> bool {
        (self.major, self.minor) >= EXPORT_MINIMUM
    }

    /// `can_export`, else the refusal that says which CLI is needed.
    pub fn must_export(&self) -> Result<()> {
        if self.can_export() {
            return Ok(());
        }
        Err(Failure::other(
            format!(
                "{} is {}, which cannot export credentials (needs the AWS CLI v2 {}.{} or later); nothing was run",
                self.path.display(),
                self.version,
                EXPORT_MINIMUM.0,
                EXPORT_MINIMUM.1
            ),
            "install the AWS CLI v2 and set aws_cli to it",
        ))
    }

    /// `aws ... --profile P` with `env`, a stage's environment with no
    /// profile variable (`stage::entry`): only `--profile` decides.
    fn for_profile(
        &self,
        args: &[&str],
        profile: &str,
        env: Env<'_>,
        io: Io,
        timeout: Option<Duration>,
    ) -> Result<Ran> {
        let args: Vec<&str> = args.iter().copied().chain(["--profile", profile]).collect();
        call(&self.path, &args, env, io, timeout)
    }

    /// `aws sts get-caller-identity`. stdin stays the terminal's so an MFA
    /// prompt can be answered; the CLI's errors are kept for the report.
    pub fn caller_identity(
        &self,
        env: Env<'_>,
        profile: &str,
        timeout: Duration,
    ) -> Result<Identity> {
        let ran = self.for_profile(
            &["sts", "get-caller-identity", "--output", "json"],
            profile,
            env,
            Io::MayAsk,
            Some(timeout),
        )?;
        if !ran.status.success() {
            return Err(Failure::other(
                last_line(&ran.stderr),
                format!(
                    "run `aws sts get-caller-identity --profile {profile}` to see the AWS CLI's whole answer"
                ),
            ));
        }
        let json: serde_json::Value = serde_json::from_slice(&ran.stdout).map_err(|e| {
            Failure::other(
                format!("unreadable answer from the AWS CLI: {e}"),
                "check that aws_cli names the AWS CLI v2 (`aws --version`)",
            )
        })?;
        let field = |name: &str| json[name].as_str().unwrap_or_default().to_string();
        Ok(Identity {
            account: field("Account"),
            arn: field("Arn"),
        })
    }

    /// `aws configure export-credentials --format process`: the profile's
    /// temporary keys. stdin and stderr are the user's, so an MFA prompt
    /// reaches the terminal; no timeout, since a person is typing.
    pub fn export_credentials(&self, env: Env<'_>, profile: &str) -> Result<Credentials> {
        self.must_export()?;
        let ran = self.for_profile(
            &["configure", "export-credentials", "--format", "process"],
            profile,
            env,
            Io::Speaks,
            None,
        )?;
        if !ran.status.success() {
            return Err(Failure::other(
                format!(
                    "the AWS CLI could not get credentials for profile `{profile}` (see its message above); nothing was run"
                ),
                "check the profile with `acct doctor --sts`",
            ));
        }
        let json: serde_json::Value = serde_json::from_slice(&ran.stdout).map_err(|e| {
            Failure::other(
                format!("unreadable credentials from the AWS CLI: {e}; nothing was run"),
                format!("run `aws configure export-credentials --profile {profile}` to see what it prints"),
            )
        })?;
        match Credentials::from_json(&json) {
            Some(credentials) => Ok(credentials),
            None => Err(Failure::other(
                "the AWS CLI gave no access key for the profile; nothing was run",
                format!("check profile `{profile}` with `acct doctor --sts`"),
            )),
        }
    }
}

/// Why a GetSessionToken call failed.
pub enum SessionError {
    /// AWS refused the MFA code (what it said); another code may do.
    WrongCode(String),
    Failed(Failure),
}

/// What a `GetSessionToken` call needs.
pub struct SessionRequest<'a> {
    pub aws_cli: &'a str,
    pub source_profile: &'a str,
    pub mfa_serial: &'a str,
    /// Seconds.
    pub duration: u32,
    pub code: &'a str,
    /// acct's environment cleaned as a stage's is (`stage::entry`): no
    /// credential variable, no profile selected (`--profile` decides), and
    /// no `AWS_*` name a stage would drop (an endpoint override would
    /// receive the MFA code).
    pub env: Env<'a>,
}

/// STS `GetSessionToken` through the configured CLI (v1 or v2: it resolves
/// every kind of source credential the user may have), for the source
/// profile, with the MFA device and one code, in the request's clean
/// environment.
pub fn session_token(spec: &SessionRequest<'_>) -> std::result::Result<Credentials, SessionError> {
    let path = locate(spec.aws_cli).ok_or_else(|| {
        SessionError::Failed(Failure::other(
            format!("the AWS CLI `{}` is not found, so no MFA session can start", spec.aws_cli),
            "install the AWS CLI, or set aws_cli to its path in the acct config and run acct aws-config --write",
        ))
    })?;
    // botocore 1.36+ has no global STS endpoint: without a region in the
    // environment (acct login outside a stage) the call would fail.
    let region = ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .iter()
        .find_map(|name| {
            spec.env
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, value)| value.to_str())
                .filter(|r| !r.is_empty())
        })
        .unwrap_or_else(|| sts_region(spec.mfa_serial));
    // The code goes in JSON in a file only this user reads (memory-only on
    // Linux), not in the argv that `ps` shows every user of the machine.
    let input = CodeFile::new(spec.code).map_err(|e| {
        SessionError::Failed(Failure::other(
            format!("cannot hand the MFA code to the AWS CLI: {e}"),
            super::code_file::FIX,
        ))
    })?;
    let duration = spec.duration.to_string();
    let input_json = input.uri();
    let args = [
        "sts",
        "get-session-token",
        "--output",
        "json",
        "--serial-number",
        spec.mfa_serial,
        "--duration-seconds",
        &duration,
        "--profile",
        spec.source_profile,
        "--region",
        region,
        "--cli-input-json",
        &input_json,
    ];
    let ran = call(&path, &args, spec.env, Io::Quiet, Some(SESSION_TIMEOUT));
    drop(input);
    let ran = ran.map_err(SessionError::Failed)?;
    if !ran.status.success() {
        let said = last_line(&ran.stderr);
        if said.contains("MultiFactorAuthentication") || said.contains("MFA") {
            return Err(SessionError::WrongCode(said));
        }
        return Err(SessionError::Failed(Failure::other(
            format!("the AWS CLI could not start an MFA session: {said}"),
            format!(
                "check the source profile `{}` (its keys, in ~/.aws/credentials) and mfa_serial",
                spec.source_profile
            ),
        )));
    }
    let json: serde_json::Value = serde_json::from_slice(&ran.stdout).unwrap_or_default();
    match Credentials::from_json(&json["Credentials"]) {
        Some(credentials) => Ok(credentials),
        None => Err(SessionError::Failed(Failure::other(
            "the AWS CLI's answer to GetSessionToken holds no credentials",
            "check that aws_cli names the AWS CLI (`aws --version`)",
        ))),
    }
}

/// `aws sso login --sso-session SESSION`: the terminal and the browser are
/// the CLI's (it prints a code and opens the sign-in page), with no
/// timeout, since a person is signing in.
pub fn sso_login(aws_cli: &str, session: &str, env: Env<'_>) -> Result<()> {
    let path = locate(aws_cli).ok_or_else(|| not_found(aws_cli))?;
    let ran = call(
        &path,
        &["sso", "login", "--sso-session", session],
        env,
        Io::Terminal,
        None,
    )?;
    if ran.status.success() {
        return Ok(());
    }
    Err(Failure::other(
        format!(
            "`{aws_cli} sso login --sso-session {session}` failed ({})",
            ran.status
        ),
        // The CLI's own message, on the terminal above this one, says why
        // (the network, the start URL, a cancelled sign-in).
        "read the AWS CLI's message above (no network? a wrong start_url?), then run `acct login` again",
    ))
}

/// A region of the MFA device's partition, for STS.
fn sts_region(mfa_serial: &str) -> &'static str {
    match Arn::parse(mfa_serial).map(|arn| arn.partition) {
        Some("aws-cn") => "cn-north-1",
        Some("aws-us-gov") => "us-gov-west-1",
        _ => "us-east-1",
    }
}

fn not_found(name: &str) -> Failure {
    Failure::other(
        format!("the AWS CLI `{name}` is not found (aws_cli = {name:?})"),
        "install the AWS CLI v2, or set aws_cli to its path in the acct config",
    )
}

fn cannot_run(path: &Path, e: &std::io::Error) -> Failure {
    Failure::other(
        format!("cannot run {}: {e}", path.display()),
        "check that aws_cli names an executable AWS CLI v2 (`aws --version`)",
    )
}

fn last_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let line = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("the AWS CLI failed");
    line.trim().to_string()
}

/// Run, reading what is piped, killed after `timeout`.
/// The calls running now, by pid, for `stop_running`.
static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());

fn running() -> std::sync::MutexGuard<'static, Vec<u32>> {
    RUNNING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Ends (SIGTERM) every call still running: acct is about to end with
/// calls on other threads (the credential endpoint's fetch when its
/// command has exited), and what it started must not outlive it, to print
/// on the person's terminal later or keep asking for a code there.
pub fn stop_running() {
    for &pid in running().iter() {
        if let Ok(pid) = i32::try_from(pid) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGTERM,
            );
        }
    }
}

fn run(command: &mut Command, timeout: Option<Duration>) -> std::io::Result<Ran> {
    let mut child = command.spawn()?;
    running().push(child.id());
    let stdout = reader(child.stdout.take());
    let stderr = reader(child.stderr.take());
    let status = wait(&mut child, timeout);
    // Between the reaping and this, the pid is listed but free: a pid
    // reused within that instant is the only thing `stop_running` could
    // wrongly signal.
    running().retain(|&pid| pid != child.id());
    let status = status?;
    Ok(Ran {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

fn reader(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

fn wait(child: &mut Child, timeout: Option<Duration>) -> std::io::Result<ExitStatus> {
    let Some(timeout) = timeout else {
        return child.wait();
    };
    if let Some(status) = child.wait_timeout(timeout)? {
        return Ok(status);
    }
    let _ = child.kill();
    let _ = child.wait();
    Err(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        format!("no answer within {} s", timeout.as_secs()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_name_of_an_assumed_role() {
        let identity = |arn: &str| Identity {
            account: String::new(),
            arn: arn.into(),
        };
        assert_eq!(
            identity("arn:aws:sts::323330167063:assumed-role/cpco-root-admin/botocore-session-1")
                .role_name(),
            Some("cpco-root-admin")
        );
        assert_eq!(
            identity("arn:aws:iam::323330167063:user/admin").role_name(),
            None
        );
        assert_eq!(
            identity("arn:aws:sts::323330167063:assumed-role/cpco-root-admin/alice@laptop")
                .session_name(),
            Some("alice@laptop")
        );
        assert_eq!(
            identity("arn:aws:iam::323330167063:user/admin").session_name(),
            None
        );
    }
}
