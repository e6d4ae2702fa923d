//! `acct login`: start the estate's MFA session now (or sign in to
//! Identity Center), so no command later stops for a code.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::aws::cli;
use crate::aws::file::{self, ini};
use crate::aws::mfa_session::{self, SessionSpec, Start};
use crate::aws::sso_token::{self, Token};
use crate::cli::LoginArgs;
use crate::config::{Config, MfaSession, Sso, discover};
use crate::error::{Failure, Result};
use crate::stage::entry::{self, Outside};
use crate::stage::expiry;
use crate::text::clock;

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
    if config.sso.is_some() {
        if args.duration.is_some() {
            return Err(Failure::usage(
                "--duration is for MFA sessions: Identity Center decides how long its sign-in holds",
                "run `acct login` without --duration",
            ));
        }
        return sso_login(&config, args.force);
    }
    let mut spec = spec_of(&config)?;
    // A session that still holds for a while is kept: a code a day, not a
    // code per `acct login`. A new duration is a new session.
    if !args.force && args.duration.is_none() {
        if let Some(session) = mfa_session::current(&spec) {
            if session.expires - clock::now() > RENEW_MARGIN {
                eprintln!(
                    "acct: MFA session for every {} stage until {} ({} from now); asking no code (`acct login --force` starts a new one)",
                    spec.namespace,
                    clock::format(session.expires),
                    clock::human(session.expires - clock::now())
                );
                kept_in(&spec);
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
    if let Some(text) = &args.duration {
        spec.duration = MfaSession::duration_of(text).ok_or_else(|| {
            Failure::usage(
                format!("--duration {text:?} is not a duration from 15m to 36h"),
                "write it like 12h, 90m or 1h30m",
            )
        })?;
    }
    let env = entry::outside_stage(Outside::Session(&spec));
    let session = mfa_session::credentials(&spec, Start::Renew, &env)?;
    eprintln!(
        "acct: MFA session for every {} stage until {} ({} from now)",
        spec.namespace,
        clock::format(session.expires),
        clock::human(session.expires - clock::now())
    );
    kept_in(&spec);
    Ok(ExitCode::SUCCESS)
}

/// Where the session lives: `acct logout` removes it from there (and from
/// the other folder acct may use).
fn kept_in(spec: &SessionSpec) {
    if let Some(path) = mfa_session::location(spec) {
        eprintln!("acct: the session is kept in {}", path.display());
    }
}

/// A session or token that holds for less than this is renewed by `acct
/// login`; one that holds longer is kept unless `--force`.
const RENEW_MARGIN: i64 = 3600;

/// `aws sso login --sso-session NAMESPACE` unless the cached token holds
/// for more than an hour (and no `--force`); then says until when it holds.
fn sso_login(config: &Config, force: bool) -> Result<ExitCode> {
    let session = Sso::session_name(&config.namespace);
    let file = sso_token::cache_file_of(session).ok_or_else(|| {
        Failure::other(
            "HOME is not set: the AWS CLI keeps its Identity Center token under ~/.aws/sso/cache",
            "set HOME",
        )
    })?;
    if let (Token::Expires(at), false) = (sso_token::read(&file), force) {
        if at - clock::now() > RENEW_MARGIN {
            eprintln!(
                "acct: signed in to Identity Center for every {} stage until {} ({} from now); not signing in again (`acct login --force` signs in anyway)",
                config.namespace,
                clock::format(at),
                clock::human(at - clock::now())
            );
            return Ok(ExitCode::SUCCESS);
        }
    }
    // The AWS CLI reads the session's start URL from the AWS config file.
    let aws_config = file::config_path(config, None)?;
    let has_session = file::read(&aws_config)?.is_some_and(|text| {
        ini::sections(&text)
            .iter()
            .any(|s| s.sso_session().as_deref() == Some(session))
    });
    if !has_session {
        return Err(Failure::other(
            format!(
                "{} has no [sso-session {session}], which `aws sso login` signs in to",
                aws_config.display()
            ),
            "run `acct aws-config --write`, then `acct login` again",
        ));
    }
    // The profiles are there (checked above): a failed sign-in is the
    // CLI's to explain, on the terminal above acct's line.
    let env = entry::outside_stage(Outside::SsoLogin(config));
    cli::sso_login(&config.aws_cli, session, &env)?;
    match sso_token::read(&file) {
        Token::Expires(at) if at > clock::now() => {
            // The prompts of this estate's stages show the new expiry.
            let _ = expiry::file_of(config);
            eprintln!(
                "acct: signed in to Identity Center for every {} stage until {} ({} from now)",
                config.namespace,
                clock::format(at),
                clock::human(at - clock::now())
            );
            Ok(ExitCode::SUCCESS)
        }
        _ => Err(Failure::other(
            format!(
                "the AWS CLI signed in, but left no valid token in {}",
                file.display()
            ),
            "check that aws_cli is the AWS CLI v2 and that HOME is the one it uses",
        )),
    }
}
