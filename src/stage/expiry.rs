//! How long the stage's session holds, for the prompt's `{left}` at no
//! process per prompt: entering a stage exports `ACCT_EXPIRES_FILE`, a
//! private file holding the expiry as epoch seconds (the MFA session's,
//! kept current by whatever makes or renews it; or the Identity Center
//! token's, copied at entry and by `acct login`), or `ACCT_EXPIRES`, the
//! epoch itself, when it is fixed (the keys of `--export-credentials`). The
//! shells' hooks read them with builtins (shells/acct.*); `acct prompt`
//! with `left_text`.

use std::ffi::OsStr;
use std::path::PathBuf;

use crate::aws::mfa_session::{self, SessionSpec};
use crate::aws::sso_token::{self, Token};
use crate::config::process_env::{Environment, value_in};
use crate::config::{Config, FirstLeft, LEFT_NEVER, LEFT_WARN_SECONDS, Sso};
use crate::text::clock;

/// The variable naming the expiry file.
pub const FILE: &str = "ACCT_EXPIRES_FILE";
/// The variable holding a fixed expiry.
pub const FIXED: &str = "ACCT_EXPIRES";
/// The placeholder of `prompt_format` the hooks fill at every prompt.
pub const PLACEHOLDER: &str = "{left}";

/// The estate's expiry file, up to date, when it has a session: `None`
/// without one, or when the file cannot be kept (the prompt then shows no
/// time; the commands are not stopped for it).
pub fn file_of(config: &Config) -> Option<PathBuf> {
    if let Some(spec) = SessionSpec::of(config) {
        return mfa_session::expiry_file(&spec).ok();
    }
    config.sso.as_ref()?;
    let file = mfa_session::sso_expiry_file(&config.namespace).ok()?;
    let token = sso_token::cache_file_of(Sso::session_name(&config.namespace))?;
    if let Token::Expires(at) = sso_token::read(&token) {
        mfa_session::write_expiry(&file, at).ok()?;
    }
    Some(file)
}

/// What `{left}` shows `seconds` before the expiry, as the hooks do:
/// `3h12m`, `42m`, `expired`; and whether it is red (under 15 minutes).
pub fn left_text(seconds: i64) -> (String, bool) {
    if seconds <= 0 {
        return ("expired".to_string(), true);
    }
    let (hours, minutes) = (seconds / 3600, seconds % 3600 / 60);
    let text = if hours > 0 {
        format!("{hours}h{minutes}m")
    } else {
        format!("{minutes}m")
    };
    (text, seconds < LEFT_WARN_SECONDS)
}

/// How many more seconds `left_text(seconds)` stays as it is while the
/// seconds count down: until its minute changes, it turns red or the
/// session ends; an expired session's text stays for good (`None`). The
/// hooks that keep a text with its expiry (bash's and fish's `__acct_left`)
/// work out the same.
pub fn holds_for(seconds: i64) -> Option<i64> {
    if seconds <= 0 {
        return None;
    }
    let mut holds = (seconds % 60 + 1).min(seconds);
    if seconds >= LEFT_WARN_SECONDS {
        holds = holds.min(seconds - LEFT_WARN_SECONDS + 1);
    }
    Some(holds)
}

/// fish's clock, which has none of its own: the boot time (`btime` of
/// /proc/stat) and the whole seconds of /proc/uptime, as shells/acct.fish
/// reads them; `None` without /proc.
pub fn boot_clock() -> Option<(i64, i64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let btime = stat
        .lines()
        .find_map(|line| line.strip_prefix("btime "))?
        .parse()
        .ok()?;
    let uptime = std::fs::read_to_string("/proc/uptime").ok()?;
    let up = uptime.split('.').next()?.parse().ok()?;
    Some((btime, up))
}

/// The first `{left}` for `expires` when `left` seconds remain and the
/// shell's clock reads `now`, as the hooks' windows (bash's and fish's
/// `__acct_left_window`) would work it out.
pub fn first_left(expires: i64, left: i64, now: i64) -> FirstLeft {
    let (text, red) = left_text(left);
    let until = holds_for(left).map_or(LEFT_NEVER, |holds| now + holds);
    FirstLeft {
        expires,
        until,
        red,
        text,
    }
}

/// fish's first `{left}` for the stage's environment `entered`, on fish's
/// clock (`boot_clock`, the uptime second), when its prompt shows one and
/// the expiry and the clock are known: `acct shell` hands it over, so
/// fish's first prompt only compares instead of working the text out with
/// `math` (0.9M instructions, a sixth of what the hook added to fish's
/// start).
pub fn fish_first_of(entered: &Environment) -> Option<FirstLeft> {
    first_of(entered, |expires| {
        let (btime, up) = boot_clock()?;
        Some((expires - btime - up, up))
    })
}

/// bash's first `{left}` for `entered`, on bash 5's clock (EPOCHSECONDS,
/// the epoch second): what bash's first prompt would otherwise work out
/// with its rare code (src/shell/lazy.rs), read at every start.
pub fn bash_first_of(entered: &Environment) -> Option<FirstLeft> {
    first_of(entered, |expires| {
        let now = clock::now();
        Some((expires - now, now))
    })
}

/// `first_left` where `entered`'s prompt shows `{left}` and its expiry is
/// known; `clock` gives the seconds left and the shell's now for it.
fn first_of(
    entered: &Environment,
    clock: impl FnOnce(i64) -> Option<(i64, i64)>,
) -> Option<FirstLeft> {
    let get = |name: &str| value_in(entered, name).map(OsStr::to_os_string);
    if !get("ACCT_PROMPT")?.to_str()?.contains(PLACEHOLDER) {
        return None;
    }
    let expires = expires(get)?;
    let (left, now) = clock(expires)?;
    Some(first_left(expires, left, now))
}

/// The expiry from the environment (`get` reads it): `ACCT_EXPIRES`, else
/// the file `ACCT_EXPIRES_FILE` names.
pub fn expires(get: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<i64> {
    let digits = |text: &str| {
        let text = text.trim_end_matches('\n');
        (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse().ok())
            .flatten()
    };
    if let Some(fixed) = get(FIXED) {
        return digits(fixed.to_str()?);
    }
    let file = get(FILE).filter(|f| !f.is_empty())?;
    digits(&std::fs::read_to_string(file).ok()?)
}

/// `segment` with `{left}` filled in (`text`), or taken out with the space
/// before it when nothing is known.
pub fn fill(segment: &str, text: Option<&str>) -> String {
    match text {
        Some(text) => segment.replace(PLACEHOLDER, text),
        None => crate::config::without_left(segment),
    }
}

/// `segment`'s `{left}` as it stands now, for `acct prompt`.
pub fn fill_now(segment: &str, get: impl Fn(&str) -> Option<std::ffi::OsString>) -> String {
    if !segment.contains(PLACEHOLDER) {
        return segment.to_string();
    }
    let text = expires(get).map(|at| left_text(at - clock::now()).0);
    fill(segment, text.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_left_reads_in_hours_and_minutes_and_turns_red_under_15_minutes() {
        assert_eq!(left_text(3 * 3600 + 12 * 60 + 5), ("3h12m".into(), false));
        assert_eq!(left_text(3600), ("1h0m".into(), false));
        assert_eq!(left_text(15 * 60), ("15m".into(), false));
        assert_eq!(left_text(14 * 60 + 59), ("14m".into(), true));
        assert_eq!(left_text(0), ("expired".into(), true));
        assert_eq!(left_text(-5), ("expired".into(), true));
    }

    #[test]
    fn a_text_holds_exactly_until_the_second_it_would_change() {
        for seconds in -3..(2 * 3600) {
            let now = left_text(seconds);
            match holds_for(seconds) {
                None => assert_eq!(left_text(seconds - 100_000), now, "{seconds}"),
                Some(holds) => {
                    assert!(holds >= 1, "{seconds}");
                    for k in 0..holds {
                        assert_eq!(left_text(seconds - k), now, "{seconds} - {k}");
                    }
                    assert_ne!(left_text(seconds - holds), now, "{seconds} - {holds}");
                }
            }
        }
    }

    #[test]
    fn a_first_text_holds_until_its_second_on_the_shells_own_clock() {
        let first = |expires, until, red, text: &str| FirstLeft {
            expires,
            until,
            red,
            text: text.into(),
        };
        // fish: boot at 1000, 500 s up, 3 hours and 30 s left.
        let expires = 1000 + 500 + 3 * 3600 + 30;
        assert_eq!(
            first_left(expires, expires - 1000 - 500, 500),
            first(expires, 531, false, "3h0m")
        );
        // bash: the epoch second; 14 minutes left is red, the minute's end.
        let now = 1_800_000_000;
        assert_eq!(
            first_left(now + 14 * 60, 14 * 60, now),
            first(now + 14 * 60, now + 1, true, "14m")
        );
        assert_eq!(
            first_left(1200, -300, 1500),
            first(1200, LEFT_NEVER, true, "expired")
        );
    }

    #[test]
    fn an_unknown_time_takes_the_placeholder_and_its_space_out() {
        assert_eq!(
            fill("[cpco-testing {left}]", Some("3h0m")),
            "[cpco-testing 3h0m]"
        );
        assert_eq!(fill("[cpco-testing {left}]", None), "[cpco-testing]");
        assert_eq!(fill("{left}[cpco-testing]", None), "[cpco-testing]");
        let get = |name: &str| (name == FIXED).then(|| "12x".into());
        assert_eq!(expires(get), None);
    }
}
