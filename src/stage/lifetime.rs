//! `min_session_left` (or `--min-left`): before `exec`, `shell` or
//! `exec --each` runs anything, what the stage signs in with holds at
//! least that long, read from disk with no network call:
//!
//! - the estate's MFA session, from acct's cache: renewed with one code
//!   when it holds less (`mfa_session::hold`), refused with no terminal;
//! - the Identity Center token, from the AWS CLI's cache: refused when it
//!   holds less, since renewing it takes a browser (`acct login`);
//! - with `--export-credentials`, the exported keys' own `Expiration`
//!   (`keys`).

use crate::aws::credentials::Credentials;
use crate::aws::mfa_session::{self, SessionSpec};
use crate::aws::sso_token::{self, Token};
use crate::config::{Config, Sso};
use crate::error::{Failure, Result};
use crate::stage::entry::{self, Outside};
use crate::text::clock;

/// The minimum, seconds: `--min-left` when given, else the config's. A
/// flag that is not less than the MFA session could never be met.
pub fn minimum(config: &Config, flag: Option<u32>) -> Result<u32> {
    let Some(seconds) = flag else {
        return Ok(config.min_session_left);
    };
    if let Some(session) = config
        .mfa_session
        .as_ref()
        .filter(|s| seconds >= s.duration)
    {
        return Err(Failure::usage(
            format!(
                "--min-left {} is not less than the MFA session's {}; nothing was run",
                clock::human(i64::from(seconds)),
                clock::human(i64::from(session.duration))
            ),
            "give a shorter --min-left, e.g. 30m",
        ));
    }
    Ok(seconds)
}

/// Before anything runs. `session`: the command signs in through the MFA
/// session (not only through exported keys). `start_if_none`: with no
/// session cached, start one now (`exec --each`) rather than at first use.
pub fn before_start(
    config: &Config,
    min_left: u32,
    session: bool,
    start_if_none: bool,
) -> Result<()> {
    if let Some(spec) = SessionSpec::of(config).filter(|_| session) {
        if min_left > 0 || start_if_none {
            let env = entry::outside_stage(Outside::Session(&spec));
            mfa_session::hold(&spec, min_left, start_if_none, &env)?;
        }
    }
    if config.sso.is_some() && min_left > 0 {
        sso_token_holds(config, min_left)?;
    }
    Ok(())
}

/// The Identity Center token: acct cannot renew it (a browser signs in),
/// so a token that holds less than the minimum is a refusal. A missing or
/// unreadable one is left to the SDK, as before.
fn sso_token_holds(config: &Config, min_left: u32) -> Result<()> {
    let name = Sso::session_name(&config.namespace);
    let Some(Token::Expires(at)) = sso_token::cache_file_of(name).map(|f| sso_token::read(&f))
    else {
        return Ok(());
    };
    let left = at - clock::now();
    if left >= i64::from(min_left) {
        return Ok(());
    }
    let holds = if left > 0 {
        format!("holds {} more", clock::human(left))
    } else {
        format!("ended at {}", clock::format(at))
    };
    Err(Failure::other(
        format!(
            "the Identity Center sign-in of {} {holds}, less than min_session_left ({}); acct cannot renew it without a browser; nothing was run",
            config.namespace,
            clock::human(i64::from(min_left))
        ),
        "run `acct login` (it opens the browser), then run this again; or lower --min-left",
    ))
}

/// Whether exported keys hold `min_left` seconds more (keys without an
/// expiry are long-lived: they do).
pub fn keys_hold(credentials: &Credentials, min_left: u32) -> bool {
    credentials.holds_for(i64::from(min_left), clock::now())
}

/// The stage's exported keys hold too little even when fresh: refused.
pub fn keys_refused(stage: &str, credentials: &Credentials, min_left: u32) -> Failure {
    let at = credentials.expires_at().unwrap_or_default();
    Failure::other(
        format!(
            "the keys exported for {stage} hold {} more, less than min_session_left ({}), even after assuming the role again; nothing was run",
            clock::human(at - clock::now()),
            clock::human(i64::from(min_left))
        ),
        "lower --min-left (a role's keys last its session duration, 1h by default)",
    )
}
