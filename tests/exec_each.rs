//! `acct exec --each/--all`: one command per stage with that stage's own
//! environment, output behind `[stage] ` prefixes (whole lines, bytes as
//! they came), a summary, the first failure's status, Ctrl-C stopping all,
//! protected stages confirmed once.

use std::process::{Command, Stdio};
use std::time::Duration;

use expectrl::Expect;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::moto::{CALLER_ARN, Moto, aws_v2_racing_on_its_cache};
use crate::util::*;

/// MEMBER with a second protected stage.
fn sandbox() -> Sandbox {
    Sandbox::staged(&format!(
        "{MEMBER}\n[stages.audit]\naccount_id = \"222222222222\"\nprotected = true\n"
    ))
}

fn each(sandbox: &Sandbox, args: &[&str], script: &str) -> std::process::Output {
    sandbox
        .acct()
        .arg("exec")
        .args(args)
        .args(["--", "sh", "-c", script])
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn each_stage_runs_in_order_with_its_own_environment_behind_its_prefix() {
    let sandbox = sandbox();
    let out = each(
        &sandbox,
        &["--each", "testing,root"],
        r#"echo "account=$ACCT_ACCOUNT_ID profile=$AWS_PROFILE"; printf 'no newline'"#,
    );
    assert_status(&out, 0);
    assert_text(
        "[testing] account=126450723953 profile=cpco-testing-admin\n\
         [testing] no newline\n\
         [root]    account=323330167063 profile=cpco-root-admin\n\
         [root]    no newline\n",
        &stdout(&out),
    );
    let summary = stderr(&out);
    assert_contains(&summary, "stage    status  exit  time");
    assert_contains(&summary, "testing  ok      0 ");
    assert_contains(&summary, "root     ok      0 ");
}

#[test]
fn binary_output_passes_through_with_prefixes_and_stderr_stays_stderr() {
    let sandbox = sandbox();
    let out = each(
        &sandbox,
        &["--each", "testing"],
        r"printf 'a\377\000b\nc'; printf 'oops\n' >&2",
    );
    assert_status(&out, 0);
    assert_eq!(out.stdout, b"[testing] a\xff\x00b\n[testing] c\n");
    assert!(
        stderr(&out).starts_with("[testing] oops\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_status_is_the_first_failing_stages_and_every_stage_still_runs() {
    let sandbox = sandbox();
    let out = each(
        &sandbox,
        &["--all", "--yes"],
        r#"echo ran; case $STAGE in testing) exit 3;; prod) kill -TERM $$;; esac"#,
    );
    // root 0, testing 3, prod killed by SIGTERM, audit 0: the first failure wins.
    assert_status(&out, 3);
    assert_eq!(stdout(&out).matches("ran").count(), 4, "{}", stdout(&out));
    assert_contains(&stderr(&out), "testing  failed  3 ");
    assert_contains(&stderr(&out), "prod     killed  SIGTERM");
    let out = each(
        &sandbox,
        &["--each", "root,testing", "--parallel", "2"],
        "exit 0",
    );
    assert_status(&out, 0);
    let out = sandbox
        .acct()
        .args(["exec", "--each", "root", "--", "/nonexistent/cmd"])
        .output()
        .unwrap();
    assert_status(&out, 127);
}

/// Each command marks itself running (`$STAGE.running`, gone when it
/// exits) and counts the commands running as it starts, itself included,
/// into `../counts`.
const COUNT: &str = r#"trap 'rm -f "$STAGE.running"' EXIT
touch "$STAGE.running"
ls | grep -c '\.running$' >> ../counts"#;

/// COUNT, then a barrier: the command says it arrived (`$STAGE.arrived`,
/// left in place) and waits until a second command has arrived too, or
/// until the test gives up on company (`../alone`): "alone", exit 4. So
/// the first two commands of a run are running together when they count
/// and when they leave, whatever the machine's speed. The loop's bound (5
/// minutes) only keeps a broken acct from hanging the test.
const BARRIER: &str = r#"trap 'rm -f "$STAGE.running"' EXIT
touch "$STAGE.running"
ls | grep -c '\.running$' >> ../counts
touch "$STAGE.arrived"
i=0
until [ "$(ls | grep -c '\.arrived$')" -ge 2 ]; do
  [ -e ../alone ] && { echo alone; exit 4; }
  i=$((i+1)); [ $i -lt 3000 ] || { echo 'no second command in 5 minutes'; exit 5; }
  sleep 0.1
done"#;

/// The counts the commands of one run wrote (and the run's marks cleared
/// for the next).
fn counts_of(sandbox: &Sandbox) -> Vec<String> {
    let file = sandbox.root.join("counts");
    let counts = std::fs::read_to_string(&file).unwrap();
    std::fs::remove_file(&file).unwrap();
    for name in entries(&sandbox.work) {
        if name.ends_with(".arrived") {
            std::fs::remove_file(sandbox.work.join(name)).unwrap();
        }
    }
    counts.lines().map(str::to_string).collect()
}

#[test]
fn parallel_runs_at_most_n_at_a_time() {
    let sandbox = sandbox();
    let run = |args: &[&str], script: &str| each(&sandbox, args, script);
    // Two at a time: both meet at the barrier.
    let out = run(&["--each", "root,testing", "--parallel", "2"], BARRIER);
    assert_status(&out, 0);
    counts_of(&sandbox);
    // Three stages, two at a time: the first two meet (so one of them
    // counts two), the third starts when one of them has gone, and never
    // three at once.
    let stages = ["--each", "root,testing,audit", "--yes", "--parallel", "2"];
    assert_status(&run(&stages, BARRIER), 0);
    let counts = counts_of(&sandbox);
    assert_eq!(counts.len(), 3, "{counts:?}");
    assert!(counts.iter().all(|n| n == "1" || n == "2"), "{counts:?}");
    assert!(counts.iter().any(|n| n == "2"), "{counts:?}");
    // Without --parallel, one after another: every command counts itself
    // alone ...
    assert_status(&run(&["--each", "root,testing,audit", "--yes"], COUNT), 0);
    assert_eq!(counts_of(&sandbox), ["1", "1", "1"]);
    // ... and the first, at the barrier, waits alone: the test lets it go
    // once it has arrived (testing, which starts only after it, would have
    // arrived first otherwise).
    let child = sandbox
        .acct()
        .args(["exec", "--each", "root,testing", "--", "sh", "-c", BARRIER])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_file(&sandbox.work.join("root.arrived"));
    assert!(
        !sandbox.work.join("testing.arrived").exists(),
        "testing started while root ran"
    );
    std::fs::write(sandbox.root.join("alone"), "").unwrap();
    let out = output_within(child, Duration::from_secs(300));
    assert_status(&out, 4);
    assert_contains(&stdout(&out), "[root]    alone");
}

/// Commands side by side are often the AWS CLI, which in a new home races
/// on its own role cache (`aws_v2_racing_on_its_cache`): with --parallel,
/// acct makes the directory before they start.
#[test]
fn parallel_aws_clis_in_a_new_home_land_in_their_stages() {
    let moto = Moto::proxy();
    let sandbox = Sandbox::staged(&SINGLE.replace("mfa_serial", "# mfa_serial"));
    sandbox.write_aws_files();
    let racing = aws_v2_racing_on_its_cache(&sandbox.root.join("racing-aws"));
    let mut cmd = sandbox.acct();
    moto.configure(&mut cmd);
    let out = cmd
        .args(["exec", "--all", "--parallel", "2", "--"])
        .arg(&racing)
        .args(CALLER_ARN)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_status(&out, 0);
    let arns = stdout(&out);
    for stage in ["testing", "root"] {
        assert!(
            arns.lines().any(|l| l.starts_with(&format!("[{stage}]"))
                && l.contains("arn:aws:sts::323330167063:assumed-role/cpco-root-admin/")),
            "{arns}"
        );
    }
}

/// `acct exec --each root,testing`, one at a time, each stage `script`
/// (which says `started`, then runs for 600 s); `signals` sent to acct once
/// root's command has started. The bound is a hang guard: acct stops the
/// run long before any stage would end by itself.
fn stopped_by(sandbox: &Sandbox, script: &str, signals: &[Signal]) -> std::process::Output {
    let mut child = start(
        sandbox
            .acct()
            .args(["exec", "--each", "root,testing", "--parallel", "1", "--"])
            .args(["sh", "-c", script]),
    );
    read_until(&mut child, "[root]    started");
    for sig in signals {
        kill(Pid::from_raw(child.id() as i32), *sig).unwrap();
    }
    output_within(child, Duration::from_secs(120))
}

#[test]
fn an_interrupt_stops_every_stage_and_says_which_did_not_finish() {
    let sandbox = sandbox();
    let out = stopped_by(&sandbox, "echo started; sleep 600", &[Signal::SIGINT]);
    assert_eq!(out.status.code(), Some(130));
    let text = String::from_utf8_lossy(&out.stderr);
    assert_contains(&text, "did not finish: root, testing");
    assert_contains(&text, "testing  not started");
}

/// The summary row of `stage`: its words (stage, status, exit, time).
#[track_caller]
fn row<'e>(summary: &'e str, stage: &str) -> Vec<&'e str> {
    summary
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|words| words.first() == Some(&stage))
        .unwrap_or_else(|| panic!("no row for {stage} in\n{summary}"))
}

/// The README: SIGTERM and SIGHUP are acted on as Ctrl-C is: forwarded to
/// the running stage (which they end: its row names them), no more stages
/// start, acct exits 128+N.
#[test]
fn sigterm_and_sighup_stop_every_stage_as_an_interrupt_does() {
    let sandbox = sandbox();
    for (sig, status) in [(Signal::SIGTERM, 143), (Signal::SIGHUP, 129)] {
        let out = stopped_by(&sandbox, "echo started; sleep 600", &[sig]);
        assert_eq!(out.status.code(), Some(status), "{sig}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(row(&err, "root")[..3], ["root", "stopped", sig.as_str()]);
        assert_eq!(row(&err, "testing")[1..3], ["not", "started"]);
        assert_contains(
            &err,
            &format!("acct: interrupted ({sig}); did not finish: root, testing"),
        );
    }
}

/// A stage that ignores the forwarded signal is killed (SIGKILL after the
/// grace, at once on a second signal); acct still exits 128+N of the signal
/// it was sent.
#[test]
fn a_stage_that_ignores_the_signal_is_killed() {
    let sandbox = sandbox();
    let script = "trap '' TERM; echo started; sleep 600";
    for signals in [&[Signal::SIGTERM][..], &[Signal::SIGTERM, Signal::SIGTERM]] {
        let out = stopped_by(&sandbox, script, signals);
        assert_eq!(out.status.code(), Some(143), "{}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(row(&err, "root")[..3], ["root", "stopped", "SIGKILL"]);
        assert_contains(&err, "did not finish: root, testing");
    }
}

/// The README: the prefixes are coloured on a terminal (protected stages
/// red), and plain with `NO_COLOR` (into a pipe: the tests above).
#[test]
fn prefixes_are_coloured_on_a_terminal_red_when_protected_and_plain_with_no_color() {
    let sandbox = sandbox();
    // A colour of its own for each stage in turn; red (31) for prod.
    assert_coloured_unless_no_color(
        &sandbox,
        &[
            "exec",
            "--each",
            "testing,prod,root",
            "--yes",
            "--",
            "sh",
            "-c",
            "echo hi-$STAGE",
        ],
        "stage ",
        &[
            (
                "\x1b[36m[testing] \x1b[0mhi-testing",
                "[testing] hi-testing",
            ),
            ("\x1b[31m[prod]    \x1b[0mhi-prod", "[prod]    hi-prod"),
            ("\x1b[33m[root]    \x1b[0mhi-root", "[root]    hi-root"),
        ],
    );
}

/// `acct exec --all` on a terminal, every stage saying its name.
fn spawn_all(sandbox: &Sandbox) -> expectrl::session::OsSession {
    let mut cmd = Command::new(ACCT);
    cmd.env_clear();
    for (name, value) in sandbox.acct().get_envs() {
        if let Some(value) = value {
            cmd.env(name, value);
        }
    }
    cmd.current_dir(&sandbox.work)
        .args(["exec", "--all", "--", "sh", "-c", "echo ran-$STAGE"]);
    pty(cmd, 20)
}

#[test]
fn protected_stages_are_confirmed_once_together() {
    let sandbox = sandbox();
    // No terminal: refused, nothing runs.
    let out = each(&sandbox, &["--all"], "echo ran");
    assert_status(&out, 1);
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert_contains(&stderr(&out), "prod, audit are protected");

    // An answer naming only some of them, or one more: refused, nothing runs.
    for answer in ["prod", "audit", "prod,prod", "audit,prod,root"] {
        let mut s = spawn_all(&sandbox);
        expect(&mut s, "Type their names (prod,audit) to continue: ");
        let before = send_and_expect(&mut s, answer, "confirmation did not match `prod,audit`");
        assert!(!before.contains("ran-"), "{answer}: {before}");
        s.expect(expectrl::Eof).unwrap();
    }

    let mut s = spawn_all(&sandbox);
    expect(&mut s, "Type their names (prod,audit) to continue: ");
    s.send_line("audit, prod").unwrap();
    for stage in ["root", "testing", "prod", "audit"] {
        expect(&mut s, &format!("ran-{stage}"));
    }
    assert_eq!(
        expect(&mut s, "audit    ok")
            .matches("Type their names")
            .count(),
        0,
        "asked twice"
    );
}
