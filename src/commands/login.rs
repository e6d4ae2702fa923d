//! `acct login`, `acct logout`, and `acct mfa-session`, the
//! `credential_process` of the session profile (see `crate::mfa_session`).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::{LoginArgs, MfaSessionArgs};
use crate::clock;
use crate::config::{Config, MfaSession, discover};
use crate::error::{Failure, Result};
use crate::mfa_session::{self, SessionSpec, Start};

/// The estate's session, or why it has none.
fn spec_of(config: &Config) -> Result<SessionSpec> {
    SessionSpec::of(config).ok_or_else(|| {
        Failure::other(
            format!(
                "{} has no MFA session: it needs mfa_session = true",
                config.path.display()
            ),
            "add `mfa_session = true` (with mfa_serial) to the config, then run `acct aws-config --write`",
        )
    })
}

pub fn login(args: &LoginArgs, config: Option<PathBuf>) -> Result<ExitCode> {
    let config = discover::load(config)?;
    let mut spec = spec_of(&config)?;
    if let Some(text) = &args.duration {
        spec.duration = clock::parse_duration(text)
            .filter(|d| (MfaSession::MIN_DURATION..=MfaSession::MAX_DURATION).contains(d))
            .ok_or_else(|| {
                Failure::usage(
                    format!("--duration {text:?} is not a duration from 15m to 36h"),
                    "write it like 12h, 90m or 1h30m",
                )
            })?;
    }
    let session = mfa_session::credentials(&spec, Start::Renew)?;
    eprintln!(
        "acct: MFA session for every {} stage until {} ({} from now)",
        spec.namespace,
        clock::format(session.expires),
        clock::human(session.expires - clock::now())
    );
    Ok(ExitCode::SUCCESS)
}

pub fn logout(config: Option<PathBuf>) -> Result<ExitCode> {
    let config = discover::load(config)?;
    let spec = spec_of(&config)?;
    let ended = mfa_session::end(&spec)?;
    eprintln!(
        "acct: {} MFA session of {}",
        if ended { "ended the" } else { "there was no" },
        spec.namespace
    );
    Ok(ExitCode::SUCCESS)
}

/// What the SDKs run: the session as credential_process JSON on stdout.
pub fn credential_process(args: &MfaSessionArgs) -> Result<ExitCode> {
    let spec = SessionSpec {
        namespace: args.namespace.clone(),
        source_profile: args.source_profile.clone(),
        mfa_serial: args.mfa_serial.clone(),
        duration: args.duration,
        aws_cli: args.aws_cli.clone(),
        mfa_process: args.mfa_process.clone(),
    };
    let session = mfa_session::credentials(&spec, Start::IfNeeded)?;
    super::print(&session.json)
}
