//! `acct exec --serve` as a process: what it refuses before it starts
//! anything (as `exec` does), and how it stays as its command's parent: a
//! Ctrl-C typed on the terminal reaches the command once (the terminal
//! signals the whole foreground group; forwarding it again would make
//! Terraform abandon its state on a single Ctrl-C), and a signal a process
//! sends to acct is forwarded. acct then ends as the command ended.

use std::process::{Command, Output};
use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::util::*;

/// Counts its SIGINTs: prints `ready`, and once one came, waits half a
/// second for a second one, prints `interrupts=N` and exits 0.
const COUNTER: &str = r#"
import signal, sys, time
count = 0
def interrupted(sig, frame):
    global count
    count += 1
signal.signal(signal.SIGINT, interrupted)
print("ready", flush=True)
while count == 0:
    time.sleep(0.01)
time.sleep(0.5)
print(f"interrupts={count}", flush=True)
"#;

/// A sandbox whose AWS CLI answers `--version` as a v2 (acct checks it can
/// export keys before it runs anything) and nothing else: no request
/// reaches the endpoint here.
fn sandbox() -> Sandbox {
    sandbox_with_cli("aws-cli/2.9.19 Python/3.11.2")
}

/// The same with a CLI that says `version`; a protected `prod` too.
fn sandbox_with_cli(version: &str) -> Sandbox {
    let sandbox = Sandbox::new();
    let cli = sandbox.root.join("aws");
    executable(&cli, &format!("#!/bin/sh\necho '{version}'\n"));
    sandbox.write_user_config(&format!(
        "namespace = \"cpco\"\nregion = \"us-west-2\"\ntopology = \"single\"\naws_cli = \"{}\"\n\n[stages.testing]\n\n[stages.prod]\nprotected = true\n\n[stages.root]\naccount_id = \"323330167063\"\n",
        cli.display()
    ));
    sandbox.write_block();
    sandbox
}

/// `acct exec --serve ARGS -- touch ran` without a terminal: its output,
/// and whether the command ran.
fn serve_touching(sandbox: &Sandbox, args: &[&str]) -> (Output, bool) {
    let ran = sandbox.root.join("ran");
    let _ = std::fs::remove_file(&ran);
    let mut cmd = sandbox.acct();
    cmd.args(["exec", "--serve"])
        .args(args)
        .arg("--")
        .arg("touch")
        .arg(&ran);
    let out = run_within(without_terminal(&mut cmd), Duration::from_secs(20));
    (out, ran.exists())
}

#[test]
fn a_protected_stage_a_cli_that_cannot_export_or_a_stage_list_runs_nothing() {
    let sandbox = sandbox();
    let (out, ran) = serve_touching(&sandbox, &["prod"]);
    assert_status(&out, 1);
    assert_contains(&stderr(&out), "protected");
    assert!(!ran, "a protected stage served without confirmation");
    let (out, ran) = serve_touching(&sandbox, &["--yes", "prod"]);
    assert_status(&out, 0);
    assert!(ran, "--yes confirms, as for exec");

    let v1 = sandbox_with_cli("aws-cli/1.29.0 Python/3.11.2");
    let (out, ran) = serve_touching(&v1, &["testing"]);
    assert_status(&out, 1);
    assert_contains(&stderr(&out), "cannot export credentials");
    assert_contains(&stderr(&out), "nothing was run");
    assert!(
        !ran,
        "a v1 CLI could never serve keys: refused before the command"
    );

    for args in [
        &["--each", "testing,root"][..],
        &["--all"],
        &["--export-credentials", "testing"],
    ] {
        let (out, ran) = serve_touching(&sandbox, args);
        assert_status(&out, 2);
        assert_contains(&stderr(&out), "cannot be used with");
        assert!(!ran, "{args:?}");
    }
}

fn counting(sandbox: &Sandbox) -> Command {
    let mut cmd = sandbox.acct();
    cmd.args(["exec", "--serve", "testing", "--", "python3", "-c", COUNTER]);
    cmd
}

#[test]
fn ctrl_c_on_the_terminal_reaches_the_command_once() {
    use expectrl::Expect;
    let sandbox = sandbox();
    let mut cmd = sandbox.command("bash");
    cmd.args([
        "--noprofile",
        "--norc",
        "-c",
        "\"$ACCT\" exec --serve testing -- python3 -c \"$COUNTER\"; echo \"status=$?\"",
    ])
    .env("ACCT", ACCT)
    .env("COUNTER", COUNTER)
    .env("TERM", "xterm");
    let mut session = pty(cmd, 20);
    expect(&mut session, "ready");
    session.send(expectrl::ControlCode::EndOfText).unwrap();
    expect(&mut session, "interrupts=1");
    // The command handled it and exited 0: acct ends as the command did.
    expect(&mut session, "status=0");
}

#[test]
fn a_signal_sent_to_acct_is_forwarded_once_and_acct_ends_as_the_command_did() {
    let sandbox = sandbox();
    let mut child = start(&mut counting(&sandbox));
    read_until(&mut child, "ready");
    kill(Pid::from_raw(child.id() as i32), Signal::SIGINT).unwrap();
    let out = output_within(child, Duration::from_secs(20));
    assert_contains(&stdout(&out), "interrupts=1");
    // The command handled it and exited 0: acct did not die of SIGINT.
    assert_status(&out, 0);
}
