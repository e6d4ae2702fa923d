//! `acct login`, `acct logout`, and `acct mfa-session`, the
//! `credential_process` of the session profile (see `crate::aws::mfa_session`).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::aws::file::{self, ini};
use crate::aws::mfa_session::{self, SessionSpec, Start};
use crate::aws::sso_token::{self, Token};
use crate::aws::{cli, cli_cache};
use crate::cli::{LoginArgs, MfaSessionArgs};
use crate::config::{Config, MfaSession, Sso, discover};
use crate::error::{Failure, Result};
use crate::stage::entry::{self, Outside};
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
    Ok(ExitCode::SUCCESS)
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

pub fn logout(config: Option<PathBuf>) -> Result<ExitCode> {
    let config = discover::load(config)?;
    if config.sso.is_some() {
        return Err(Failure::other(
            format!(
                "{} signs in through IAM Identity Center, not an MFA session",
                config.namespace
            ),
            "run `aws sso logout` (it signs the AWS CLI out of every Identity Center session)",
        ));
    }
    let session = SessionSpec::of(&config);
    if let Some(spec) = &session {
        let ended = mfa_session::end(spec)?;
        eprintln!(
            "acct: {} MFA session of {}",
            if ended { "ended the" } else { "there was no" },
            spec.namespace
        );
    }
    // The AWS CLI would otherwise go on serving each role it assumed, for
    // up to an hour, with no session and no code.
    let mut roles: Vec<String> = config.stages().map(|s| s.role_arn).collect();
    roles.sort();
    roles.dedup();
    let removed = cli_cache::forget_roles(roles.iter().map(String::as_str));
    let cache = cli_cache::dir().unwrap_or_default();
    if removed > 0 {
        eprintln!(
            "acct: removed {removed} role credential{} of {}'s stages from the AWS CLI's cache ({})",
            if removed == 1 { "" } else { "s" },
            config.namespace,
            cache.display()
        );
    } else if session.is_none() {
        eprintln!(
            "acct: the AWS CLI's cache ({}) holds no role credentials of {}'s stages",
            cache.display(),
            config.namespace
        );
    }
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
        keep_env: args.keep_env.clone(),
        // As the SDK ran it: the first word of the line in the file, which
        // the gate compares with the rest of the line (a moved binary is
        // `aws-config --check`'s and doctor's to report, not a reason to
        // refuse the session here).
        acct: std::env::args()
            .next()
            .unwrap_or_else(mfa_session::acct_program),
    };
    let session = spec
        .mfa_process
        .as_deref()
        .map_or(Ok(()), mfa_session::check_process)
        .and_then(|()| crate::stage::gate::check_session(&spec))
        .and_then(|()| {
            let env = entry::outside_stage(Outside::Session(&spec));
            mfa_session::credentials(&spec, Start::IfNeeded, &env)
        })
        .inspect_err(|failure| {
            // An SDK keeps this process's stderr to itself (Terraform says
            // only "No valid credential sources found"): the terminal gets why.
            if !std::io::stderr().is_terminal() {
                mfa_session::tell_terminal(&format!("acct: {failure}"));
            }
        })?;
    super::print(&session.json)
}
