//! Issue 24: `min_session_left` and `--min-left`. Before `exec`, `shell`
//! or `exec --each` runs anything, a cached session that holds less is
//! renewed with one code on the terminal, or refused with no terminal
//! (the time left, `acct login`); one that holds long enough asks nothing.
//! The session comes from the fake STS (12 hours per session).

use super::*;

/// An estate with a session cached that holds `seconds` more, and
/// `min_session_left` as `min_left` (unwritten when `None`). The session
/// file is made by a `login` through `mfa_process`, then the config is
/// written again without it, so codes are asked on the terminal.
fn estate_with_session(seconds: i64, min_left: Option<&str>) -> (Estate, PathBuf) {
    let extra = min_left
        .map(|min_left| format!("min_session_left = \"{min_left}\"\n"))
        .unwrap_or_default();
    let estate = Estate::logged_in(ORGANIZATION, Sts::Fake, &extra);
    let file = estate.session_file();
    std::fs::write(&file, planted_session("ASIAPLANTEDSESSION01", seconds)).unwrap();
    (estate, file)
}

fn expires(file: &Path) -> i64 {
    let text = std::fs::read_to_string(file).unwrap();
    epoch(session_json(&text)["Expiration"].as_str().unwrap())
}

/// No terminal: exit 1, nothing run, the time left and `acct login`.
#[track_caller]
pub(crate) fn assert_refused(out: &Output, left: &str, minimum: &str) {
    assert_status(out, 1);
    assert!(stdout(out).is_empty(), "nothing ran: {}", stdout(out));
    let err = stderr(out);
    assert_contains(
        &err,
        &format!("holds {left} more, less than min_session_left ({minimum})"),
    );
    assert_contains(&err, "no terminal");
    assert_contains(&err, "acct login");
}

#[test]
fn a_session_about_to_end_is_renewed_with_one_code_before_exec_runs() {
    let (estate, file) = estate_with_session(600, Some("1h"));
    let before = expires(&file);
    let mut session = on_terminal(&estate, "acct exec testing -- echo ran-in-stage");
    let (said, status) = answer(&mut session, &["123456"]);
    assert_eq!(status, "0", "{said:?}");
    assert_contains(&said[0], "ran-in-stage");
    assert!(!said[0].contains("MFA code for"), "one code: {said:?}");
    assert_eq!(estate.sts_calls().len(), 2, "login, then the renewal");
    assert!(
        estate.sts_calls()[1].contains("TokenCode\":\"123456"),
        "{:?}",
        estate.sts_calls()
    );
    assert!(
        expires(&file) > before + 10 * 3600,
        "the new session is cached"
    );
}

#[test]
fn a_session_about_to_end_is_refused_without_a_terminal() {
    let (estate, file) = estate_with_session(600, Some("1h"));
    let before = std::fs::read_to_string(&file).unwrap();
    let out = estate.run(&["exec", "testing", "--", "echo", "ran-in-stage"]);
    assert_refused(&out, "10m", "1h");
    let out = estate.run(&["shell", "testing"]);
    assert_refused(&out, "10m", "1h");
    let out = estate.run(&["exec", "--each", "testing,root", "--", "echo", "ran"]);
    assert_refused(&out, "10m", "1h");
    assert_eq!(estate.sts_calls().len(), 1, "only the login's");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
}

#[test]
fn a_session_that_holds_long_enough_asks_nothing() {
    let (estate, file) = estate_with_session(2 * 3600, Some("1h"));
    let before = std::fs::read_to_string(&file).unwrap();
    let out = estate.run(&["exec", "testing", "--", "echo", "ran-in-stage"]);
    assert_status(&out, 0);
    assert_text("ran-in-stage\n", &stdout(&out));
    let out = estate.run(&["exec", "--each", "testing,root", "--", "echo", "ran"]);
    assert_status(&out, 0);
    assert_eq!(estate.sts_calls().len(), 1, "only the login's");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
}

#[test]
fn the_default_is_30_minutes() {
    let (estate, _) = estate_with_session(20 * 60, None);
    let out = estate.run(&["exec", "testing", "--", "echo", "ran-in-stage"]);
    assert_refused(&out, "20m", "30m");
    let (estate, _) = estate_with_session(40 * 60, None);
    let out = estate.run(&["exec", "testing", "--", "echo", "ran-in-stage"]);
    assert_status(&out, 0);
}

#[test]
fn min_left_overrides_the_config() {
    let (estate, _) = estate_with_session(2 * 3600, Some("1h"));
    let out = estate.run(&["exec", "--min-left", "3h", "testing", "--", "echo", "x"]);
    assert_refused(&out, "2h", "3h");
    let out = estate.run(&["shell", "--min-left", "3h", "testing"]);
    assert_refused(&out, "2h", "3h");
    let out = estate.run(&[
        "exec",
        "--min-left",
        "3h",
        "--each",
        "testing",
        "--",
        "echo",
        "x",
    ]);
    assert_refused(&out, "2h", "3h");
    let (estate, _) = estate_with_session(600, Some("1h"));
    let out = estate.run(&["exec", "--min-left", "5m", "testing", "--", "echo", "ran"]);
    assert_status(&out, 0);
    assert_text("ran\n", &stdout(&out));
    let out = estate.run(&["exec", "--min-left", "0m", "testing", "--", "echo", "ran"]);
    assert_status(&out, 0);
    assert_eq!(estate.sts_calls().len(), 1, "only the login's");
    // A flag that is no duration, or one no session could meet.
    for (flag, said) in [
        ("soon", "is not a duration"),
        ("12h", "not less than the MFA session's 12h"),
    ] {
        let out = estate.run(&["exec", "--min-left", flag, "testing", "--", "echo", "x"]);
        assert_status(&out, 2);
        assert_contains(&stderr(&out), said);
        assert!(stdout(&out).is_empty());
    }
}

/// `exec --each` checks once, before any stage: one code for them all.
#[test]
fn exec_each_renews_once_before_any_stage() {
    let (estate, file) = estate_with_session(600, Some("1h"));
    let mut session = on_terminal(
        &estate,
        "acct exec --each testing,root -- echo ran-in-stage",
    );
    let (said, status) = answer(&mut session, &["123456"]);
    assert_eq!(status, "0", "{said:?}");
    assert_eq!(said[0].matches("ran-in-stage").count(), 2, "{said:?}");
    assert!(!said[0].contains("MFA code for"), "one code: {said:?}");
    assert_eq!(estate.sts_calls().len(), 2);
    assert!(expires(&file) > epoch_now() + 10 * 3600);
}

/// With no session cached, nothing changes: `exec` leaves the code to the
/// first use (the SDK's credential_process), as before.
#[test]
fn with_no_session_exec_asks_nothing_before_running() {
    let (estate, file) = estate_with_session(600, Some("1h"));
    std::fs::remove_file(&file).unwrap();
    let out = estate.run(&["exec", "testing", "--", "echo", "ran-in-stage"]);
    assert_status(&out, 0);
    assert_text("ran-in-stage\n", &stdout(&out));
    assert_eq!(estate.sts_calls().len(), 1);
}
