//! `min_session_left`: before a command starts, the session holds long
//! enough, read from the cache's expiry (no network call); else a new one,
//! with one code, or a refusal when nobody can give the code.

use super::{Cache, MARGIN, SessionSpec, Start, credentials};
use crate::aws::cli;
use crate::error::{Failure, Result};
use crate::terminal;
use crate::text::clock;

/// Whether there is no session to check, or it holds `min_left` seconds
/// more, or a new one was started. With no session cached, one is started
/// only when `start_if_none` (`exec --each` starts it before any stage).
pub fn hold(
    spec: &SessionSpec,
    min_left: u32,
    start_if_none: bool,
    env: cli::Env<'_>,
) -> Result<()> {
    let want = i64::from(min_left).max(MARGIN);
    match Cache::of(spec)?.fresh(0) {
        None if !start_if_none => return Ok(()),
        None => {}
        Some(session) => {
            let left = session.expires - clock::now();
            if left > want {
                return Ok(());
            }
            let short = format!(
                "the MFA session of {} holds {} more, less than min_session_left ({})",
                spec.namespace,
                clock::human(left),
                clock::human(i64::from(min_left))
            );
            if spec.mfa_process.is_none() && !terminal::exists() {
                return Err(Failure::other(
                    format!(
                        "{short}, and there is no terminal to ask a code for a new one; nothing was run"
                    ),
                    "run `acct login` in a terminal first (or lower --min-left); then run this again",
                ));
            }
            super::code::tell(&format!("acct: {short}: starting a new one"));
        }
    }
    credentials(spec, Start::Holding(want), env).map(|_| ())
}
