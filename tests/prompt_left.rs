//! The prompt shows how long the session holds (`{left}`, on by default
//! with an MFA session): in bash, zsh and fish on a pseudo-terminal, with a
//! made-up session of known expiry in the sandbox's cache, the segment
//! shows the time left, red under 15 minutes (plain with `NO_COLOR`), and
//! `expired` after. The expiry reaches the hooks through the private file
//! `ACCT_EXPIRES_FILE` names, which holds only the epoch. An Identity
//! Center stage shows its token's time the same way.

use std::os::unix::fs::PermissionsExt;

use crate::tools;
use crate::util::*;

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The sandbox's expiry file, as entering a stage exports it.
fn expiry_file(sandbox: &Sandbox) -> std::path::PathBuf {
    let out = sandbox
        .command(tools::bash())
        .args([
            "-c",
            "eval \"$(\"$ACCT\" env testing)\"; printf %s \"$ACCT_EXPIRES_FILE\"",
        ])
        .env("ACCT", ACCT)
        .env("XDG_RUNTIME_DIR", &sandbox.root)
        .output()
        .unwrap();
    assert_status(&out, 0);
    std::path::PathBuf::from(stdout(&out))
}

const RCS: [(&str, &str, &str); 3] = [
    ("bash", ".bashrc", "PS1='user> '\n"),
    ("zsh", ".zshrc", "PS1='user> '\n"),
    (
        "fish",
        ".config/fish/config.fish",
        "set -g fish_greeting\nfunction fish_prompt; echo -n 'user> '; end\n",
    ),
];

/// A sandbox of an MFA-session estate whose `rc` file holds `text`, with a
/// made-up session (mode 0600) that expires at `at`; and the expiry file
/// entering a stage exports.
fn with_session(rc: &str, text: &str, at: i64) -> (Sandbox, std::path::PathBuf) {
    let config = SINGLE.replace("mfa_serial", "mfa_session = true\nmfa_serial");
    let sandbox = Sandbox::with_config(&config);
    sandbox.write_aws_files();
    sandbox.write(&format!("home/{rc}"), text);
    let expires = expiry_file(&sandbox);
    let session = expires.with_extension("json");
    let json = format!(
        "{{\"Version\":1,\"AccessKeyId\":\"ASIAEXAMPLE\",\"SecretAccessKey\":\"s\",\"SessionToken\":\"t\",\"Expiration\":\"{}\"}}",
        jiff_like(at)
    );
    std::fs::write(&session, json).unwrap();
    std::fs::set_permissions(&session, std::fs::Permissions::from_mode(0o600)).unwrap();
    (sandbox, expires)
}

#[test]
fn the_segment_shows_the_time_left_red_under_15_minutes_and_expired_after() {
    for (program, rc, text) in RCS {
        // A made-up session, 3 hours (and 30 seconds) from now.
        let at = now() + 3 * 3600 + 30;
        let (sandbox, expires) = with_session(rc, text, at);
        assert!(expires.starts_with(&sandbox.root), "{}", expires.display());

        let shell = tools::by_name(program);
        let mut cmd = sandbox.command(tools::by_name("sh"));
        cmd.args(["-c", "\"$ACCT\" shell testing; echo \"status=$?\""])
            .env("SHELL", &shell)
            .env("TERM", "xterm")
            .env("XDG_RUNTIME_DIR", &sandbox.root)
            .env("ACCT", ACCT);
        let mut s = pty(cmd, 30);
        expect(&mut s, "[cpco-testing 3h0m] user> ");

        // Entering made the file from the session: private, the epoch only.
        let meta = std::fs::metadata(&expires).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{program}");
        assert_eq!(
            std::fs::read_to_string(&expires).unwrap(),
            format!("{at}\n")
        );

        // Renewed to 10 minutes (as acct rewrites it): red on its own.
        let soon = now() + 10 * 60 + 30;
        let before = send_and_expect(
            &mut s,
            format!("echo {soon} > \"$ACCT_EXPIRES_FILE\""),
            "10m",
        );
        let shown = before.rsplit("[cpco-testing ").next().unwrap();
        assert!(
            shown.contains("\u{1b}[31m"),
            "{program}: not red: {before:?}"
        );
        send_and_expect(
            &mut s,
            format!("echo {} > \"$ACCT_EXPIRES_FILE\"", now() - 60),
            "expired",
        );

        let export = if program == "fish" {
            "set -gx NO_COLOR 1"
        } else {
            "export NO_COLOR=1"
        };
        send_and_expect(&mut s, export, "[cpco-testing ");
        // No escape between the segment's text and the time.
        send_and_expect(
            &mut s,
            format!("echo {soon} > \"$ACCT_EXPIRES_FILE\""),
            "[cpco-testing 10m] user> ",
        );
        send_and_expect(&mut s, "exit 0", "status=0");
    }
}

/// The time counts down at the prompt while the expiry stays the same: a
/// hook that keeps its text (bash and fish keep it until the second it
/// would change, and acct hands over the first) shows the next minute as
/// it comes, and the first prompt works nothing out.
#[test]
fn the_time_left_counts_down_from_one_prompt_to_the_next() {
    for (program, rc, text) in RCS {
        // 20 minutes and 6 seconds: `20m` for 6 more seconds, then `19m`.
        let at = now() + 20 * 60 + 6;
        let (sandbox, _) = with_session(rc, text, at);

        // (`--min-left 0m`: else a session under min_session_left is renewed.)
        let mut cmd = sandbox.command(tools::by_name("sh"));
        cmd.args([
            "-c",
            "\"$ACCT\" shell --min-left 0m testing; echo \"status=$?\"",
        ])
        .env("SHELL", tools::by_name(program))
        .env("TERM", "xterm")
        .env("XDG_RUNTIME_DIR", &sandbox.root)
        .env("ACCT", ACCT);
        let mut s = pty(cmd, 30);
        expect(&mut s, "[cpco-testing 20m] user> ");
        // The common case ran none of the code for the others: bash's
        // rare functions are still unread text, fish's still stubs.
        let unread = match program {
            "bash" => "[[ -n $__ACCT_BASH_LAZY ]] && echo unread-$((1 + 1))",
            "fish" => {
                "echo unread-(functions __acct_segment_slow __acct_left_window | string match -- '*| builtin source' | count)"
            }
            _ => "echo unread-$((1 + 1))",
        };
        send_and_expect(&mut s, unread, "unread-2");
        expect(&mut s, "[cpco-testing 20m] user> ");
        // (A second more: fish's clock, boot time plus uptime, may lag.)
        while now() < at - 20 * 60 + 2 {
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        send_and_expect(&mut s, "", "[cpco-testing 19m] user> ");
        send_and_expect(&mut s, "exit 0", "status=0");
    }
}

/// An Identity Center estate: the time left is the token's, from the AWS
/// CLI's cache, which entering the stage copies into the expiry file.
const IDENTITY_CENTER: &str = r#"
namespace = "cpco"
region = "us-west-2"
topology = "single"

[sso]
start_url = "https://d-1234567890.awsapps.com/start"
region = "us-east-1"
role = "AdministratorAccess"

[stages.testing]

[stages.root]
account_id = "323330167063"
"#;

#[test]
fn an_identity_center_stage_shows_the_tokens_time_left_red_under_15_minutes() {
    let sandbox = Sandbox::staged(IDENTITY_CENTER);
    sandbox.write("home/.bashrc", "PS1='user> '\n");
    // (`--min-left 0m`: a token of 10 minutes would otherwise be renewed
    // first, as it holds less than min_session_left.)
    for (left, shown, red) in [(3 * 3600 + 30, "3h0m", false), (10 * 60 + 30, "10m", true)] {
        let at = now() + left;
        sandbox.write(
            &format!("home/{SSO_TOKEN_FILE}"),
            &format!(
                "{{\"startUrl\": \"https://d-1234567890.awsapps.com/start\", \"region\": \"us-east-1\", \"accessToken\": \"t\", \"expiresAt\": \"{}\"}}",
                jiff_like(at)
            ),
        );
        let mut cmd = sandbox.command(tools::by_name("sh"));
        cmd.args([
            "-c",
            "\"$ACCT\" shell --min-left 0m testing; echo \"status=$?\"",
        ])
        .env("SHELL", tools::bash())
        .env("TERM", "xterm")
        .env("XDG_RUNTIME_DIR", &sandbox.root)
        .env("ACCT", ACCT);
        let mut s = pty(cmd, 30);
        let before = expect(&mut s, shown);
        let segment = before.rsplit("[cpco-testing ").next().unwrap();
        assert_eq!(segment.contains("\u{1b}[31m"), red, "{shown}: {before:?}");
        expect(&mut s, "user> ");
        let file = send_and_expect(
            &mut s,
            "echo \"file=$(cat \"$ACCT_EXPIRES_FILE\")\"",
            "user> ",
        );
        assert_contains(&file, &format!("file={at}"));
        send_and_expect(&mut s, "exit 0", "status=0");
    }
}

/// Epoch seconds as `YYYY-MM-DDTHH:MM:SSZ` (UTC, no library).
fn jiff_like(epoch: i64) -> String {
    let (days, secs) = (epoch.div_euclid(86_400), epoch.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// bash reads the second until which its kept `{left}` holds as
/// arithmetic, where `a[$(...)]` would run. Values of the kept names from
/// outside never get there: `acct shell` hands over all three (empty when
/// there is nothing to keep, here a red time), and a hook loaded by `acct
/// init bash` drops inherited ones. Either way the prompt shows the real
/// time, and nothing runs.
#[test]
fn bash_takes_no_kept_time_left_from_outside_and_runs_nothing_in_it() {
    // (The red time comes with its colour around it.)
    let times = [
        (3 * 60, "[cpco-testing 3h0m] user> "),
        (10, "10m\u{1b}[0m] user> "),
    ];
    for ((minutes, shown), own_hook) in times.into_iter().flat_map(|t| [(t, false), (t, true)]) {
        let at = now() + minutes * 60 + 30;
        // (The expiry file will hold `at`, as the made-up session says.)
        let (sandbox, _) = with_session(".bashrc", "", at);
        let pwned = sandbox.root.join("pwned");
        let hostile = [
            ("__acct_left_for", at.to_string()),
            (
                "__acct_left_until",
                format!("x[$(touch {})]", pwned.display()),
            ),
            ("__acct_time", "HACKED".to_string()),
        ];
        let mut rc = "PS1='user> '\n".to_string();
        if own_hook {
            // The same from the user's ~/.bashrc, before the hook they
            // load themselves.
            for (name, value) in &hostile {
                rc.push_str(&format!("export {name}='{value}'\n"));
            }
            rc.push_str("eval \"$(\"$ACCT\" init bash)\"\n");
        }
        sandbox.write("home/.bashrc", &rc);
        let mut cmd = sandbox.command(tools::by_name("sh"));
        cmd.args([
            "-c",
            "\"$ACCT\" shell --min-left 0m testing; echo \"status=$?\"",
        ])
        .envs(hostile.clone())
        .env("SHELL", tools::bash())
        .env("TERM", "xterm")
        .env("XDG_RUNTIME_DIR", &sandbox.root)
        .env("ACCT", ACCT);
        let mut s = pty(cmd, 30);
        expect(&mut s, shown);
        send_and_expect(&mut s, "", shown);
        send_and_expect(&mut s, "exit 0", "status=0");
        assert!(!pwned.exists(), "{minutes} minutes, own hook {own_hook}");
    }
}
