//! The doctor's view of how people sign in, read from disk with no network
//! call: the MFA session in acct's cache, and the Identity Center
//! `[sso-session]` section and the token the AWS CLI caches.

use std::collections::BTreeMap;

use super::{Mark, Report, differences};
use crate::aws::file::ini;
use crate::aws::mfa_session::{self, SessionSpec};
use crate::aws::profiles;
use crate::aws::sso_token::{self, Token};
use crate::config::{Config, Sso};
use crate::text::clock;

/// The session's state, without asking anything.
pub(super) fn check_mfa_session(config: &Config, report: &mut Report) {
    let Some(spec) = SessionSpec::of(config) else {
        return;
    };
    let subject = "mfa session";
    let kept = mfa_session::location(&spec)
        .map(|path| format!("; kept in {}", path.display()))
        .unwrap_or_default();
    match mfa_session::current(&spec) {
        Some(session) => report.line(
            Mark::Ok,
            subject,
            &format!(
                "valid until {} ({} left){kept}",
                clock::format(session.expires),
                clock::human(session.expires - clock::now())
            ),
            None,
        ),
        None => report.line(
            Mark::Warn,
            subject,
            &format!(
                "none for {}: the first use asks for a code{kept}",
                spec.namespace
            ),
            Some("run `acct login` to start it now"),
        ),
    }
}

/// The `[sso-session NAMESPACE]` of the file (the last one, as botocore
/// reads it) against the one acct renders.
pub(super) fn check_sso_session(
    config: &Config,
    sso: &Sso,
    text: &str,
    path: &std::path::Path,
    report: &mut Report,
) {
    let name = Sso::session_name(&config.namespace);
    let rendered = profiles::sso_session_block(config, sso);
    let want: BTreeMap<&str, &str> = ini::sections(&rendered)
        .into_iter()
        .next()
        .map(|s| s.entries.into_iter().collect())
        .unwrap_or_default();
    let have = ini::sections(text)
        .into_iter()
        .rfind(|s| s.sso_session().as_deref() == Some(name))
        .map(|s| s.entries.into_iter().collect::<BTreeMap<_, _>>());
    let fix_write = "run `acct aws-config --write`";
    match have {
        None => report.line(
            Mark::Fail,
            "sso session",
            &format!("[sso-session {name}] is missing from {}", path.display()),
            Some(fix_write),
        ),
        Some(have) if have == want => report.line(
            Mark::Ok,
            "sso session",
            &format!("[sso-session {name}] is as acct renders it"),
            None,
        ),
        Some(have) => report.line(
            Mark::Fail,
            "sso session",
            &format!(
                "[sso-session {name}] differs: {}",
                differences(&have, &want)
            ),
            Some(fix_write),
        ),
    }
}

/// When the Identity Center sign-in ends, from the AWS CLI's token cache
/// (no network call): a token that is missing or past is a failure, one
/// that ends within the hour a warning.
pub(super) fn check_sso_token(config: &Config, report: &mut Report) {
    if config.sso.is_none() {
        return;
    }
    let name = Sso::session_name(&config.namespace);
    let Some(file) = sso_token::cache_file_of(name) else {
        report.line(Mark::Fail, "sso login", "HOME is not set", Some("set HOME"));
        return;
    };
    let login = "run `acct login`";
    let now = clock::now();
    match sso_token::read(&file) {
        Token::Missing => report.line(
            Mark::Fail,
            "sso login",
            &format!(
                "not signed in to Identity Center: no token in {}",
                file.display()
            ),
            Some(login),
        ),
        Token::Unreadable(why) => report.line(
            Mark::Fail,
            "sso login",
            &format!("the token cache {} cannot be read: {why}", file.display()),
            Some(login),
        ),
        Token::Expires(at) if at <= now => report.line(
            Mark::Fail,
            "sso login",
            &format!(
                "the Identity Center sign-in expired at {}",
                clock::format(at)
            ),
            Some(login),
        ),
        Token::Expires(at) => {
            // Within the hour: a warning, so a long apply is not cut short.
            let soon = at - now <= 3600;
            report.line(
                if soon { Mark::Warn } else { Mark::Ok },
                "sso login",
                &format!(
                    "signed in to Identity Center until {} ({}{} from now)",
                    clock::format(at),
                    if soon { "only " } else { "" },
                    clock::human(at - now)
                ),
                soon.then_some("run `acct login` soon"),
            );
        }
    }
}
