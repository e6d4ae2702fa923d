//! The AWS CLI as acct drives it, for `doctor` and `--export-credentials`:
//! found by the `aws_cli` key (a name on `PATH` or a path), its version
//! known, and run for one profile with the stage's environment minus any
//! selected profile, so inherited stale keys cannot leak into the call.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::config::arn::Arn;
use crate::error::{Failure, Result};
use crate::stage::environment::{Credentials, StageEnv};

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
}

/// The keys of an STS-shaped JSON object (`AccessKeyId`, `SecretAccessKey`,
/// and `SessionToken` and `Expiration` when given), as `configure
/// export-credentials` prints them and GetSessionToken's `Credentials` hold
/// them; `None` without both keys.
fn credentials_in(json: &serde_json::Value) -> Option<Credentials> {
    let field = |name: &str| {
        json[name]
            .as_str()
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    Some(Credentials {
        access_key_id: field("AccessKeyId")?,
        secret_access_key: field("SecretAccessKey")?,
        session_token: field("SessionToken"),
        expiration: field("Expiration"),
    })
}

/// What running the CLI gave back.
struct Ran {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl AwsCli {
    /// The CLI named by `aws_cli`, with its version.
    pub fn find(name: &str) -> Result<Self> {
        let path = which::which(name).map_err(|_| {
            Failure::other(
                format!("the AWS CLI `{name}` is not found (aws_cli = {name:?})"),
                "install the AWS CLI v2, or set aws_cli to its path in the acct config",
            )
        })?;
        let mut command = Command::new(&path);
        command.arg("--version").stdin(Stdio::null());
        let ran =
            run(&mut command, Some(VERSION_TIMEOUT), true).map_err(|e| cannot_run(&path, &e))?;
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

    /// `aws ... --profile P` with the stage's environment, no profile variable.
    fn command(&self, env: &StageEnv, profile: &str, args: &[&str]) -> Command {
        let mut command = Command::new(&self.path);
        command
            .args(args)
            .args(["--profile", profile])
            .env_clear()
            .envs(env.clone().without_profile().apply_here());
        command
    }

    /// `aws sts get-caller-identity`. stdin stays the terminal's so an MFA
    /// prompt can be answered; the CLI's errors are kept for the report.
    pub fn caller_identity(
        &self,
        env: &StageEnv,
        profile: &str,
        timeout: Duration,
    ) -> Result<Identity> {
        let mut command = self.command(
            env,
            profile,
            &["sts", "get-caller-identity", "--output", "json"],
        );
        command.stdin(Stdio::inherit());
        let ran = run(&mut command, Some(timeout), true).map_err(|e| cannot_run(&self.path, &e))?;
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
    pub fn export_credentials(&self, env: &StageEnv, profile: &str) -> Result<Credentials> {
        if !self.can_export() {
            return Err(Failure::other(
                format!(
                    "{} is {}, which cannot export credentials (needs the AWS CLI v2 {}.{} or later); nothing was run",
                    self.path.display(),
                    self.version,
                    EXPORT_MINIMUM.0,
                    EXPORT_MINIMUM.1
                ),
                "install the AWS CLI v2 and set aws_cli to it",
            ));
        }
        let mut command = self.command(
            env,
            profile,
            &["configure", "export-credentials", "--format", "process"],
        );
        command.stdin(Stdio::inherit());
        let ran = run(&mut command, None, false).map_err(|e| cannot_run(&self.path, &e))?;
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
        match credentials_in(&json) {
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
    /// The config's `keep_env`.
    pub keep_env: &'a [String],
}

/// STS `GetSessionToken` through the configured CLI (v1 or v2: it resolves
/// every kind of source credential the user may have), for the source
/// profile, with the MFA device and one code. Inherited credentials and a
/// selected profile are removed first, so only `--profile` decides.
pub fn session_token(spec: &SessionRequest<'_>) -> std::result::Result<Credentials, SessionError> {
    let code = spec.code;
    let path = which::which(spec.aws_cli).map_err(|_| {
        SessionError::Failed(Failure::other(
            format!("the AWS CLI `{}` is not found, so no MFA session can start", spec.aws_cli),
            "install the AWS CLI, or set aws_cli to its path in the acct config and run acct aws-config --write",
        ))
    })?;
    let duration = spec.duration.to_string();
    let mut command = Command::new(&path);
    command
        .args(["sts", "get-session-token", "--output", "json"])
        .args(["--serial-number", spec.mfa_serial])
        .args([
            "--duration-seconds",
            &duration,
            "--profile",
            spec.source_profile,
        ])
        .stdin(Stdio::null())
        .env_clear()
        .envs(crate::stage::environment::session_env(spec.keep_env));
    // botocore 1.36+ has no global STS endpoint: without a region in the
    // environment (acct login outside a stage) the call would fail.
    let region = ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|r| !r.is_empty()))
        .unwrap_or_else(|| sts_region(spec.mfa_serial).to_string());
    command.args(["--region", &region]);
    // The code goes in JSON in a memory-only file the CLI inherits, not in
    // the argv that `ps` shows every user of the machine. Not a pipe: the
    // AWS CLI v1 reads a `file://` parameter twice.
    let input = code_file(code).map_err(|e| {
        SessionError::Failed(Failure::other(
            format!("cannot hand the MFA code to the AWS CLI: {e}"),
            "check that /proc is mounted (acct passes the code as /dev/fd/N)",
        ))
    })?;
    command.args([
        "--cli-input-json",
        &format!("file:///dev/fd/{}", input.as_raw_fd()),
    ]);
    let ran = run(&mut command, Some(SESSION_TIMEOUT), true);
    drop(input);
    let ran = ran.map_err(|e| SessionError::Failed(cannot_run(&path, &e)))?;
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
    match credentials_in(&json["Credentials"]) {
        Some(credentials) => Ok(credentials),
        None => Err(SessionError::Failed(Failure::other(
            "the AWS CLI's answer to GetSessionToken holds no credentials",
            "check that aws_cli names the AWS CLI (`aws --version`)",
        ))),
    }
}

/// `{"TokenCode":"123456"}` in a file that lives only in memory
/// (`memfd_create`, no close-on-exec, so the AWS CLI inherits it and opens
/// it as `/dev/fd/N`, from the start each time).
fn code_file(code: &str) -> std::io::Result<std::fs::File> {
    let fd = nix::sys::memfd::memfd_create(c"acct-mfa-code", nix::sys::memfd::MFdFlags::empty())
        .map_err(std::io::Error::from)?;
    let mut file = std::fs::File::from(fd);
    file.write_all(
        serde_json::json!({ "TokenCode": code })
            .to_string()
            .as_bytes(),
    )?;
    Ok(file)
}

/// A region of the MFA device's partition, for STS.
fn sts_region(mfa_serial: &str) -> &'static str {
    match Arn::parse(mfa_serial).map(|arn| arn.partition) {
        Some("aws-cn") => "cn-north-1",
        Some("aws-us-gov") => "us-gov-west-1",
        _ => "us-east-1",
    }
}

fn cannot_run(path: &std::path::Path, e: &std::io::Error) -> Failure {
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

/// Run with stdout (and stderr when `capture_stderr`, else inherited)
/// captured, killed after `timeout`.
fn run(
    command: &mut Command,
    timeout: Option<Duration>,
    capture_stderr: bool,
) -> std::io::Result<Ran> {
    command.stdout(Stdio::piped());
    command.stderr(if capture_stderr {
        Stdio::piped()
    } else {
        Stdio::inherit()
    });
    let mut child = command.spawn()?;
    let stdout = reader(child.stdout.take());
    let stderr = reader(child.stderr.take());
    let status = wait(&mut child, timeout)?;
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
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("no answer within {} s", timeout.as_secs()),
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
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
    }
}
