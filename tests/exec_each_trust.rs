//! Issue 22: `acct exec --each` a runner people can trust. A stage is done
//! when its command exits, whatever a background process of it still holds;
//! signals act at once; a SIGKILLed acct takes its stages along; no stage is
//! ever left stopped on the terminal (the MFA codes are asked before the
//! runs, or --each refuses); memory stays bounded; the summary is a table,
//! and JSON for scripts; --fail-fast.

use std::os::unix::process::CommandExt;
use std::process::Stdio;
use std::time::Duration;

use expectrl::Expect;
use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

use crate::moto::{CALLER_ARN, Moto, aws_v2};
use crate::util::*;

/// The hang guard: far longer than any run here takes, far shorter than
/// the 600 s the commands would take if acct waited for them.
const HANG: Duration = Duration::from_secs(120);

/// The process is gone (a zombie no one reaped yet counts as gone).
fn gone(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z'),
        Err(_) => kill(Pid::from_raw(pid), None).is_err(),
    }
}

/// The pids the stages wrote to these files (`testing.pid`), each killed
/// when the test ends.
struct Pids(Vec<i32>);

impl Pids {
    fn read(sandbox: &Sandbox, files: &[&str]) -> Self {
        let pid = |name: &&str| {
            let file = sandbox.work.join(name);
            let read = || std::fs::read_to_string(&file).ok()?.trim().parse().ok();
            wait_until(&format!("{name} never written"), HANG, || read().is_some());
            read().unwrap()
        };
        Pids(files.iter().map(pid).collect())
    }
}

impl Drop for Pids {
    fn drop(&mut self) {
        for pid in &self.0 {
            let _ = kill(Pid::from_raw(*pid), Signal::SIGKILL);
        }
    }
}

#[test]
fn a_background_process_holding_the_output_does_not_hold_up_the_stages() {
    let sandbox = Sandbox::staged(MEMBER);
    let out = run_within(
        sandbox
            .acct()
            .args(["exec", "--each", "testing,root", "--"])
            .args(["sh", "-c", "sleep 600 & echo $! > $STAGE.pid; echo started"])
            .stdin(Stdio::null()),
        HANG,
    );
    let sleeps = Pids::read(&sandbox, &["testing.pid", "root.pid"]);
    for pid in &sleeps.0 {
        assert!(!gone(*pid), "acct waited for the background sleep {pid}");
    }
    assert_status(&out, 0);
    assert_text("[testing] started\n[root]    started\n", &stdout(&out));
    let err = stderr(&out);
    for stage in ["[testing] ", "[root]    "] {
        assert_contains(
            &err,
            &format!(
                "{stage}acct: the command exited, but a background process it started still holds its output open"
            ),
        );
    }
}

#[test]
fn sigterm_while_a_background_process_holds_the_output_stops_at_once() {
    let sandbox = Sandbox::staged(MEMBER);
    let mut child = start(
        sandbox
            .acct()
            .args(["exec", "--each", "testing,root", "--"])
            .args(["sh", "-c", "sleep 600 & echo $! > $STAGE.pid; echo started"]),
    );
    read_until(&mut child, "[testing] started");
    let sleeps = Pids::read(&sandbox, &["testing.pid"]);
    kill(Pid::from_raw(child.id() as i32), Signal::SIGTERM).unwrap();
    // Acted on while the background sleep (600 s) still holds the output.
    let out = output_within(child, HANG);
    assert_eq!(out.status.code(), Some(128 + 15), "{}", stderr(&out));
    let err = stderr(&out);
    assert_contains(&err, "acct: interrupted (SIGTERM)");
    // Forwarded to the stage's group, the background sleep included.
    wait_until("the stage's background process still runs", HANG, || {
        gone(sleeps.0[0])
    });
}

/// SIGKILL to acct's whole process group (a CI cancel): the stages, in
/// sessions of their own, die with acct (PR_SET_PDEATHSIG), and what they
/// started too (the watcher). Also when acct is killed in the moment after
/// it started a stage: here the stage stops acct (SIGSTOP) before it does
/// anything else, so acct is killed before it could list the stage itself.
#[test]
fn sigkill_to_the_job_leaves_no_stage_running() {
    let sandbox = Sandbox::staged(MEMBER);
    let script = "sleep 600 & echo $! > $STAGE.child; echo $$ > $STAGE.pid; wait";
    for (stages, first, files) in [
        (
            "testing,root",
            "",
            &["testing.child", "root.child", "testing.pid", "root.pid"][..],
        ),
        (
            "testing",
            "kill -STOP $PPID; ",
            &["testing.child", "testing.pid"],
        ),
    ] {
        let mut cmd = sandbox.acct();
        cmd.process_group(0)
            .args(["exec", "--each", stages, "--parallel", "2", "--"])
            .args(["sh", "-c", &format!("{first}{script}")]);
        let mut child = start(&mut cmd);
        let pids = Pids::read(&sandbox, files);
        killpg(Pid::from_raw(child.id() as i32), Signal::SIGKILL).unwrap();
        child.wait().unwrap();
        // Each would run 600 s by itself.
        for pid in &pids.0 {
            wait_until(
                &format!("{first}stage process {pid} outlived acct"),
                HANG,
                || gone(*pid),
            );
        }
        for file in files {
            std::fs::remove_file(sandbox.work.join(file)).unwrap();
        }
    }
}

/// A command that reads the terminal gets an error at once, not SIGTTIN.
#[test]
fn a_stage_that_reads_the_terminal_is_never_left_stopped() {
    let sandbox = Sandbox::staged(MEMBER);
    let mut cmd = sandbox.acct();
    cmd.env("NO_COLOR", "1")
        .args(["exec", "--each", "testing,root", "--"])
        .args([
            "sh",
            "-c",
            "if read x </dev/tty; then echo read; else echo no-terminal; fi",
        ]);
    let mut s = pty(cmd, 20);
    expect(&mut s, "[testing] no-terminal");
    expect(&mut s, "[root]    no-terminal");
    expect(&mut s, "root     ok");
}

/// An estate that asks an MFA code per role, the AWS CLI v2 in every stage.
fn per_role_estate() -> Sandbox {
    let sandbox = Sandbox::with_config(&format!(
        "aws_cli = \"{}\"\n{ORGANIZATION}",
        aws_v2().display()
    ));
    sandbox.write_aws_files();
    sandbox
}

#[test]
fn per_role_mfa_codes_are_asked_stage_by_stage_before_any_command_runs() {
    let moto = Moto::proxy();
    let sandbox = per_role_estate();
    let mut cmd = sandbox.acct();
    moto.configure(&mut cmd);
    cmd.env("NO_COLOR", "1")
        .args(["exec", "--each", "testing,root", "--"])
        .arg(aws_v2())
        .args(CALLER_ARN);
    let mut s = pty(cmd, 60);
    for stage in ["testing", "root"] {
        expect(
            &mut s,
            &format!("acct: [{stage}] the stage asks for an MFA code"),
        );
        let asked = expect(
            &mut s,
            "MFA code for arn:aws:iam::323330167063:mfa/admin@example.com",
        );
        assert!(
            !asked.contains("assumed-role"),
            "a command ran before: {asked}"
        );
        s.send_line("123456").unwrap();
    }
    expect(&mut s, "[testing] arn:aws:sts::126450723953:assumed-role/");
    expect(&mut s, "[root]    arn:aws:sts::323330167063:assumed-role/");
    let rest = expect(&mut s, "root     ok");
    assert!(!rest.contains("MFA code"), "asked again: {rest}");
}

#[test]
fn per_role_mfa_without_a_terminal_is_refused_at_once() {
    let sandbox = per_role_estate();
    let mut cmd = sandbox.acct();
    without_terminal(&mut cmd).args(["exec", "--each", "testing,root", "--", "touch", "ran"]);
    let out = run_within(&mut cmd, HANG);
    assert_status(&out, 1);
    let err = stderr(&out);
    assert_contains(
        &err,
        "testing, root would ask for an MFA code (mfa_serial without mfa_session), and there is no terminal to ask it on; nothing was run",
    );
    assert!(
        err.contains("mfa_session = true") && err.contains("acct login"),
        "{err}"
    );
    assert!(!sandbox.work.join("ran").exists(), "a command ran");
}

/// 400 MB without a newline: printed in 64 KiB pieces ending in `\`, with
/// a peak RSS (GNU time's %M, in KiB) far below what it printed.
#[cfg(target_os = "linux")]
#[test]
fn a_line_without_end_is_printed_in_pieces_in_bounded_memory() {
    const TOTAL: usize = 400_000_000;
    const PIECE: usize = 64 * 1024;
    let sandbox = Sandbox::staged(MEMBER);
    let rss = sandbox.root.join("rss");
    let mut cmd = sandbox.command("time");
    cmd.args(["-f", "%M", "-o"])
        .arg(&rss)
        .arg(ACCT)
        .args(["exec", "--each", "testing", "--"])
        .args([
            "sh",
            "-c",
            &format!("head -c {TOTAL} /dev/zero | tr '\\0' x"),
        ]);
    let mut child = start(&mut cmd);
    let mut stdout = child.stdout.take().unwrap();
    let (mut bytes, mut lines, mut marked, mut line_start) = (0usize, 0usize, 0usize, true);
    let mut prev = 0u8;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = std::io::Read::read(&mut stdout, &mut buf).unwrap();
        if n == 0 {
            break;
        }
        for &b in &buf[..n] {
            if line_start {
                assert_eq!(b, b'[', "a piece without its prefix");
            }
            line_start = b == b'\n';
            if b == b'\n' {
                lines += 1;
                marked += usize::from(prev == b'\\');
            }
            prev = b;
        }
        bytes += n;
    }
    let out = child.wait_with_output().unwrap();
    assert_status(&out, 0);
    let pieces = TOTAL.div_ceil(PIECE);
    assert_eq!(lines, pieces);
    assert_eq!(marked, pieces - 1);
    assert_eq!(bytes, TOTAL + pieces * "[testing] ".len() + marked * 2 + 1);
    let kib: u64 = std::fs::read_to_string(&rss)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(kib < 64 * 1024, "peak RSS {kib} KiB");
}

#[test]
fn the_summary_is_a_table_and_json_for_scripts() {
    let sandbox = Sandbox::staged(MEMBER);
    let json = sandbox.root.join("summary.json");
    let out = sandbox
        .acct()
        .args(["exec", "--all", "--yes", "--summary-json"])
        .arg(&json)
        .args(["--", "sh", "-c"])
        .arg("case $STAGE in testing) exit 3;; prod) kill -TERM $$;; esac")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_status(&out, 3);
    let err = stderr(&out);
    let table: Vec<&str> = err.lines().filter(|l| !l.starts_with('[')).collect();
    assert_eq!(table[0], "stage    status  exit     time");
    assert!(table[1].starts_with("root     ok      0        "), "{err}");
    assert!(table[2].starts_with("testing  failed  3        "), "{err}");
    assert!(table[3].starts_with("prod     killed  SIGTERM  "), "{err}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(summary["exit_code"], 3);
    assert_eq!(summary["interrupted_by"], serde_json::Value::Null);
    let stages = summary["stages"].as_array().unwrap();
    let names: Vec<&str> = stages
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["root", "testing", "prod"]);
    assert_eq!(stages[1]["status"], "failed");
    assert_eq!(stages[1]["exit_code"], 3);
    assert_eq!(stages[2]["status"], "killed");
    assert_eq!(stages[2]["signal"], "SIGTERM");
    assert_eq!(stages[2]["exit_code"], serde_json::Value::Null);
    assert!(
        stages
            .iter()
            .all(|s| s["duration_seconds"].as_f64().is_some())
    );

    // A summary that cannot be written: refused before anything runs.
    let out = sandbox
        .acct()
        .args([
            "exec",
            "--each",
            "root",
            "--summary-json",
            "/nonexistent/s.json",
        ])
        .args(["--", "touch", "ran"])
        .output()
        .unwrap();
    assert_status(&out, 2);
    assert_contains(&stderr(&out), "nothing was run");
    assert!(!sandbox.work.join("ran").exists());
}

#[test]
fn fail_fast_starts_nothing_after_the_first_failure() {
    let sandbox = Sandbox::staged(MEMBER);
    let out = sandbox
        .acct()
        .args(["exec", "--all", "--yes", "--fail-fast", "--"])
        .args(["sh", "-c", "echo ran; [ $STAGE != testing ] || exit 5"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_status(&out, 5);
    assert_text("[root]    ran\n[testing] ran\n", &stdout(&out));
    let err = stderr(&out);
    assert_contains(&err, "prod     not started");
    assert_contains(
        &err,
        "acct: --fail-fast: testing failed, so these did not start: prod",
    );
    // One stage is no run of many: the options are refused there.
    for option in [&["--fail-fast"][..], &["--summary-json", "s.json"]] {
        let out = sandbox
            .acct()
            .args(["exec", "root"])
            .args(option)
            .args(["--", "true"])
            .output()
            .unwrap();
        assert_status(&out, 2);
        assert_contains(&stderr(&out), "cannot be used with");
    }
}
