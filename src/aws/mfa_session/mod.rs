//! One MFA code per working day for every stage and every client: with
//! `mfa_session = true` the stage profiles take their source credentials
//! from a session profile whose `credential_process` is acct. acct answers
//! from a private cache of one STS `GetSessionToken` session, made with the
//! MFA code asked once; every SDK then assumes the stage's role itself, and
//! the role's `aws:MultiFactorAuthPresent` condition holds because the
//! session was made with MFA.
//!
//! - `cache`: where the session lives, and who may read it.
//! - `code`: one MFA code, from `mfa_process` or asked on `/dev/tty`.
//! - this file: the session of an estate, served warm from the cache or
//!   started under a lock, so concurrent first callers share one code.

mod cache;
mod code;
mod lifetime;

use std::path::PathBuf;

use crate::aws::cli;
use crate::aws::credentials::Credentials;
use crate::config::{Config, MfaSession};
use crate::error::{Failure, Result};
use crate::text::clock;
use crate::text::quote;

pub use cache::{Cache, sso_expiry_file, write_expiry};
pub use code::{check_process, tell_terminal};
pub use lifetime::hold;

/// Everything acct needs to start or serve an estate's session. It travels
/// in the `credential_process` line itself, so the SDK's call needs no
/// config lookup (and cannot be pointed at another, unallowed one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSpec {
    pub namespace: String,
    pub source_profile: String,
    pub mfa_serial: String,
    /// Seconds, 15 minutes to 36 hours (what GetSessionToken allows).
    pub duration: u32,
    pub aws_cli: String,
    pub mfa_process: Option<String>,
    /// The config's `keep_env`: the GetSessionToken call gets the same
    /// clean environment as a stage (`stage::entry::for_session`), and
    /// keeps what a stage keeps.
    pub keep_env: Vec<String>,
    /// How the SDKs run acct (`acct_program`).
    pub acct: String,
}

/// How the session profile names acct: by absolute path, so that an SDK
/// started by an IDE, cron or a desktop app, whose PATH lacks
/// `~/.local/bin`, still finds it. The `acct` on PATH when it is this very
/// binary (a link such as `/opt/homebrew/bin/acct` stays right across
/// upgrades), else this binary's own path. A moved binary makes the written
/// profile differ from this rendering: `aws-config --check` and `doctor`
/// report it as drift. Bare `acct` only when neither path is known.
pub fn acct_program() -> String {
    let Some(this) = std::env::current_exe()
        .ok()
        .and_then(|p| p.canonicalize().ok())
    else {
        return "acct".to_string();
    };
    let on_path = which::which("acct")
        .ok()
        .filter(|p| p.canonicalize().ok().as_ref() == Some(&this));
    on_path
        .unwrap_or(this)
        .into_os_string()
        .into_string()
        .unwrap_or_else(|_| "acct".to_string())
}

/// A session with less than this left is not served: the SDK would get
/// keys that expire before its command is done.
const MARGIN: i64 = 5 * 60;

impl SessionSpec {
    /// The estate's session, when `mfa_session = true`.
    pub fn of(config: &Config) -> Option<Self> {
        let session = config.mfa_session.as_ref()?;
        Some(SessionSpec {
            namespace: config.namespace.clone(),
            source_profile: config.source_profile.clone(),
            mfa_serial: session.mfa_serial.clone(),
            duration: session.duration,
            aws_cli: config.aws_cli.clone(),
            mfa_process: session.mfa_process.clone(),
            keep_env: config.keep_env.clone(),
            acct: acct_program(),
        })
    }

    /// The session profile the stage profiles name as `source_profile`.
    pub fn profile_name(namespace: &str) -> String {
        MfaSession::profile_name(namespace)
    }

    /// The session profile, as `acct aws-config` renders it. The SDKs run
    /// the line with `sh -c` (Go, JS) or split it like a shell (botocore),
    /// so every value is quoted for a POSIX shell.
    pub fn profile_block(&self) -> String {
        let q = |value: &str| quote::posix(value.as_ref()).into_owned();
        let mut line = format!(
            "{} mfa-session --namespace {} --source-profile {} --mfa-serial {} --duration {}",
            q(&self.acct),
            q(&self.namespace),
            q(&self.source_profile),
            q(&self.mfa_serial),
            self.duration
        );
        if self.aws_cli != "aws" {
            line.push_str(&format!(" --aws-cli {}", q(&self.aws_cli)));
        }
        if let Some(process) = &self.mfa_process {
            line.push_str(&format!(" --mfa-process {}", q(process)));
        }
        for name in &self.keep_env {
            line.push_str(&format!(" --keep-env {}", q(name)));
        }
        format!(
            "[profile {}]\ncredential_process={line}\n",
            Self::profile_name(&self.namespace)
        )
    }
}

/// How `credentials` may get a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The cached one while it holds, else a new one (credential_process).
    IfNeeded,
    /// Always a new one (`acct login`).
    Renew,
    /// The cached one while it holds this many seconds more, else a new
    /// one (`min_session_left`).
    Holding(i64),
}

/// A session as the SDKs read it from `credential_process`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// `{"Version":1,"AccessKeyId":...,"Expiration":"...Z"}`, the cache
    /// file's content and the process's answer, byte for byte.
    pub json: String,
    pub expires: i64,
}

/// The estate's session: warm from the cache, or started under the cache's
/// lock so that any number of concurrent first callers ask one code and make
/// one GetSessionToken call, and the others wait for it. `env` is the
/// GetSessionToken call's (`stage::entry::for_session`).
pub fn credentials(spec: &SessionSpec, start: Start, env: cli::Env<'_>) -> Result<Session> {
    let cache = Cache::of(spec)?;
    let warm = || match start {
        Start::IfNeeded => cache.fresh(MARGIN),
        Start::Holding(seconds) => cache.fresh(seconds),
        Start::Renew => None,
    };
    if let Some(session) = warm() {
        return Ok(session);
    }
    let _lock = cache.lock()?;
    // Another caller may have started it while this one waited.
    if let Some(session) = warm() {
        return Ok(session);
    }
    cache.usable()?;
    let session = new_session(spec, env)?;
    cache.store(&session)?;
    Ok(session)
}

/// Ask a code and call STS, up to three times when AWS refuses the code and
/// a person is there to type another.
fn new_session(spec: &SessionSpec, env: cli::Env<'_>) -> Result<Session> {
    let mut attempt = 1;
    loop {
        let code = code::get(spec)?;
        let request = cli::SessionRequest {
            aws_cli: &spec.aws_cli,
            source_profile: &spec.source_profile,
            mfa_serial: &spec.mfa_serial,
            duration: spec.duration,
            code: &code,
            env,
        };
        match cli::session_token(&request) {
            Ok(credentials) => return session_of(&credentials, spec.duration, clock::now()),
            Err(cli::SessionError::WrongCode(said))
                if attempt < 3 && spec.mfa_process.is_none() =>
            {
                code::tell(&format!(
                    "acct: AWS refused that code ({said}); wait for the next one"
                ));
                attempt += 1;
            }
            Err(cli::SessionError::WrongCode(said)) => {
                return Err(Failure::other(
                    format!("AWS refused the MFA code for {}: {said}", spec.mfa_serial),
                    "check the device and the clock, then run `acct login`",
                ));
            }
            Err(cli::SessionError::Failed(failure)) => return Err(failure),
        }
    }
}

/// What may be cached of GetSessionToken's answer: only a session that
/// expires within what was asked for (a minute of clock skew allowed). An
/// answer that outlives the request, or is over already, came from
/// somewhere other than STS as asked (an endpoint override, a proxy) and
/// would be served to every stage: refused, not cached.
fn session_of(credentials: &Credentials, duration: u32, now: i64) -> Result<Session> {
    const SKEW: i64 = 60;
    let expires = credentials.expires_at().ok_or_else(|| {
        Failure::other(
            "the AWS CLI's session has no expiration acct can read",
            "check that aws_cli names the AWS CLI (`aws --version`)",
        )
    })?;
    if expires <= now || expires > now + i64::from(duration) + SKEW {
        return Err(Failure::other(
            format!(
                "the answer to GetSessionToken expires at {}, not within the {} asked for: not trusted, nothing cached",
                clock::format(expires),
                clock::human(i64::from(duration))
            ),
            "check where the AWS CLI sends STS calls (AWS_ENDPOINT_URL*, HTTPS_PROXY, aws_cli) and this machine's clock, then run `acct login`",
        ));
    }
    let json = serde_json::json!({
        "Version": 1,
        "AccessKeyId": credentials.access_key_id,
        "SecretAccessKey": credentials.secret_access_key,
        "SessionToken": credentials.session_token,
        "Expiration": clock::format(expires),
    });
    Ok(Session {
        json: json.to_string(),
        expires,
    })
}

/// The estate's cached session, when one holds (for `doctor`), without
/// asking anything.
pub fn current(spec: &SessionSpec) -> Option<Session> {
    Cache::of(spec).ok()?.fresh(0)
}

/// The file the prompt reads the estate's session expiry from
/// (`Cache::expiry_file`). `Cache::store` writes it with every session and
/// logout removes it with the session, so only a session an older acct
/// made lacks it: the session is read (on exec's start-up path) only then.
pub fn expiry_file(spec: &SessionSpec) -> Result<PathBuf> {
    let cache = Cache::of(spec)?;
    let file = cache.expiry_file();
    if !file.exists()
        && let Some(session) = cache.fresh(0)
    {
        write_expiry(&file, session.expires)?;
    }
    Ok(file)
}

/// Where the estate's session is kept in this environment (`acct login`
/// and `doctor` say so).
pub fn location(spec: &SessionSpec) -> Option<PathBuf> {
    Cache::of(spec).ok().map(|cache| cache.path().to_path_buf())
}

/// `acct logout`: forget the estate's sessions in every folder acct keeps
/// them in (`cache::every_dir`), whatever the source profile or device;
/// the files removed, and the folders looked in.
pub fn end(namespace: &str) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let dirs = cache::every_dir();
    Ok((cache::forget(namespace, &dirs)?, dirs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_profile_quotes_every_value_for_a_shell() {
        let spec = SessionSpec {
            namespace: "cpco".into(),
            source_profile: "cpco".into(),
            mfa_serial: "arn:aws:iam::323330167063:mfa/admin@example.com".into(),
            duration: 43_200,
            aws_cli: "/opt/aws cli/aws".into(),
            mfa_process: Some("ykman oath accounts code -s aws".into()),
            keep_env: vec!["AWS_ENDPOINT_URL_STS".into()],
            acct: "/home/me/.local/bin/acct".into(),
        };
        assert_eq!(
            spec.profile_block(),
            "[profile cpco-mfa]\ncredential_process=/home/me/.local/bin/acct mfa-session --namespace cpco \
             --source-profile cpco --mfa-serial arn:aws:iam::323330167063:mfa/admin@example.com \
             --duration 43200 --aws-cli '/opt/aws cli/aws' \
             --mfa-process 'ykman oath accounts code -s aws' --keep-env AWS_ENDPOINT_URL_STS\n"
        );
    }

    fn answer(expiration: &str) -> Credentials {
        Credentials {
            access_key_id: "ASIA1".into(),
            secret_access_key: "s".into(),
            session_token: Some("t".into()),
            expiration: Some(expiration.into()),
        }
    }

    #[test]
    fn an_answer_that_outlives_the_request_or_is_over_is_not_trusted() {
        let now = clock::parse("2026-12-03T12:00:00Z").unwrap();
        let hour = 3600;
        for (expiration, trusted) in [
            ("2026-12-03T13:00:00Z", true),
            ("2026-12-03T13:01:00Z", true),
            ("2026-12-03T13:01:01Z", false),
            ("2099-01-01T00:00:00Z", false),
            ("2026-12-03T12:00:00Z", false),
            ("2026-12-03T11:00:00Z", false),
        ] {
            let got = session_of(&answer(expiration), hour, now);
            assert_eq!(got.is_ok(), trusted, "{expiration}");
        }
    }
}
