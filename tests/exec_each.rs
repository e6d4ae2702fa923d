//! `acct exec --each/--all`: one command per stage with that stage's own
//! environment, output behind `[stage] ` prefixes (whole lines, bytes as
//! they came), a summary, the first failure's status, Ctrl-C stopping all,
//! protected stages confirmed once.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use expectrl::Expect;

use crate::moto::{CALLER_ARN, Moto, aws_v2_racing_on_its_cache};
use crate::shell::expect;
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
    assert!(summary.contains("stage    status  exit  time"), "{summary}");
    assert!(summary.contains("testing  ok      0 "), "{summary}");
    assert!(summary.contains("root     ok      0 "), "{summary}");
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
    assert!(
        stderr(&out).contains("testing  failed  3 "),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("prod     killed  SIGTERM"),
        "{}",
        stderr(&out)
    );
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

/// Each command marks itself running, then waits (up to 3 s) until a
/// second one runs: side by side they see each other; one after another
/// the first gives up, "alone".
const RENDEZVOUS: &str = r#"trap 'rm -f "$STAGE.running"' EXIT
touch "$STAGE.running"
i=0
while [ $i -lt 30 ]; do
  [ "$(ls | grep -c '\.running$')" -ge 2 ] && { sleep 1; exit 0; }
  sleep 0.1; i=$((i+1))
done
echo alone; exit 4"#;

/// Each command counts the commands running as it starts (itself
/// included) and stays half a second: had more run at once than allowed,
/// the last of them would count them all.
const COUNT: &str = r#"trap 'rm -f "$STAGE.running"' EXIT
touch "$STAGE.running"
ls | grep -c '\.running$' >> ../counts
sleep 0.5"#;

#[test]
fn parallel_runs_at_most_n_at_a_time() {
    let sandbox = sandbox();
    let run = |args: &[&str], script: &str| each(&sandbox, args, script);
    let out = run(&["--each", "root,testing", "--parallel", "2"], RENDEZVOUS);
    assert_status(&out, 0);
    // Three stages, two at a time: never three at once.
    let stages = ["--each", "root,testing,audit", "--yes", "--parallel", "2"];
    assert_status(&run(&stages, COUNT), 0);
    let counts = std::fs::read_to_string(sandbox.root.join("counts")).unwrap();
    assert_eq!(counts.lines().count(), 3, "{counts}");
    assert!(counts.lines().all(|n| n == "1" || n == "2"), "{counts}");
    // Without --parallel, one after another: the first waits alone.
    let out = run(&["--each", "root,testing"], RENDEZVOUS);
    assert_status(&out, 4);
    assert!(stdout(&out).contains("[root]    alone"), "{}", stdout(&out));
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

#[test]
fn an_interrupt_stops_every_stage_and_says_which_did_not_finish() {
    let sandbox = sandbox();
    let mut child = sandbox
        .acct()
        .args(["exec", "--each", "root,testing", "--parallel", "1", "--"])
        .args(["sh", "-c", "echo started; sleep 30"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 24];
    stdout.read_exact(&mut first[..16]).unwrap(); // "[root]    started"
    let started = Instant::now();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the stages kept running"
    );
    assert_eq!(out.status.code(), Some(130));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("did not finish: root, testing"), "{text}");
    assert!(text.contains("testing  not started"), "{text}");
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
    let mut s = expectrl::Session::spawn(cmd).unwrap();
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s
}

#[test]
fn protected_stages_are_confirmed_once_together() {
    let sandbox = sandbox();
    // No terminal: refused, nothing runs.
    let out = each(&sandbox, &["--all"], "echo ran");
    assert_status(&out, 1);
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("prod, audit are protected"),
        "{}",
        stderr(&out)
    );

    // An answer naming only some of them, or one more: refused, nothing runs.
    for answer in ["prod", "audit", "prod,prod", "audit,prod,root"] {
        let mut s = spawn_all(&sandbox);
        expect(&mut s, "Type their names (prod,audit) to continue: ");
        s.send_line(answer).unwrap();
        let before = expect(&mut s, "confirmation did not match `prod,audit`");
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
