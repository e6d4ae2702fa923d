//! acct as its command's parent, for `exec --serve`, whose endpoint must
//! live while the command runs (plain `exec` replaces itself instead).
//! It keeps what `exec` gives: the command is started by `process::exec`
//! in a fork (the same lookup in the stage's PATH, the same 126 and 127),
//! and the command's exit status, or the signal it died of, is acct's.
//!
//! Signals: the command stays in acct's process group, so what the
//! terminal sends (Ctrl-C, Ctrl-\, a hang-up, a resize) reaches it
//! directly; acct forwards a signal only when a process sent it to acct
//! (`kill`), never the terminal's, which would then come twice (a second
//! Ctrl-C makes Terraform abandon its state). A signal the person had set
//! to be ignored when acct started stays ignored, in acct and the command.

use std::ffi::{OsString, c_int, c_void};
use std::process::ExitCode;
use std::sync::atomic::{AtomicI32, Ordering};

use nix::errno::Errno;
use nix::libc;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork};

use crate::commands::process;
use crate::error::{Failure, Result};
use crate::stage::environment::StageEnv;

/// What acct forwards when a process sends it.
const FORWARDED: [Signal; 6] = [
    Signal::SIGHUP,
    Signal::SIGINT,
    Signal::SIGQUIT,
    Signal::SIGTERM,
    Signal::SIGUSR1,
    Signal::SIGUSR2,
];

/// The command's pid once started; 0 before (and in the command itself,
/// between fork and exec).
static CHILD: AtomicI32 = AtomicI32::new(0);

/// Run `command` with `env` as acct's child, call `started` (which starts
/// the endpoint's thread: after the fork, as a fork copies one thread
/// only), wait for it, and end as it ended: its exit status, or acct dies
/// of the signal that killed it.
pub fn run(command: &[OsString], env: &StageEnv, started: impl FnOnce()) -> Result<ExitCode> {
    let before = install_forwarding()?;
    // SAFETY: acct has one thread here (the endpoint starts after the fork,
    // and every AWS CLI call before it has been waited for), so the child
    // may allocate until it execs.
    match unsafe { fork() } {
        Err(e) => Err(Failure::other(
            format!("cannot start the command: fork: {e}; nothing was run"),
            "check the system's process limit (`ulimit -u`)",
        )),
        Ok(ForkResult::Child) => {
            for (sig, action) in &before {
                // SAFETY: restoring the dispositions acct was started with.
                let _ = unsafe { sigaction(*sig, action) };
            }
            let failure = process::exec(command, env);
            eprintln!("acct: {failure}");
            // SAFETY: _exit ends the fork without running acct's exit
            // handlers a second time.
            unsafe { libc::_exit(i32::from(failure.code)) }
        }
        Ok(ForkResult::Parent { child }) => {
            CHILD.store(child.as_raw(), Ordering::SeqCst);
            started();
            let status = wait(child);
            // A pid is reused once reaped: nothing more is forwarded to it.
            CHILD.store(0, Ordering::SeqCst);
            // A fetch for the endpoint may be running: it ends with acct.
            crate::aws::cli::stop_running();
            Ok(pass_on(status))
        }
    }
}

/// Forwarding handlers for `FORWARDED`, except those acct was started
/// ignoring; gives each replaced disposition, for the child to restore.
fn install_forwarding() -> Result<Vec<(Signal, SigAction)>> {
    let forwarding = SigAction::new(
        SigHandler::SigAction(forward),
        SaFlags::SA_RESTART | SaFlags::SA_SIGINFO,
        SigSet::empty(),
    );
    let mut before = Vec::new();
    for sig in FORWARDED {
        // SAFETY: `forward` calls only kill(2) and touches errno and an atomic.
        let old = unsafe { sigaction(sig, &forwarding) }.map_err(|e| {
            Failure::other(
                format!("cannot watch for {sig}: {e}; nothing was run"),
                "run the command with plain `acct exec` (no --serve)",
            )
        })?;
        if matches!(old.handler(), SigHandler::SigIgn) {
            // SAFETY: putting back what was there.
            let _ = unsafe { sigaction(sig, &old) };
            continue;
        }
        before.push((sig, old));
    }
    Ok(before)
}

extern "C" fn forward(sig: c_int, info: *mut libc::siginfo_t, _: *mut c_void) {
    let child = CHILD.load(Ordering::SeqCst);
    // SAFETY: the kernel hands an SA_SIGINFO handler a valid siginfo.
    let from_a_process = unsafe { info.as_ref() }.is_some_and(sent_by_a_process);
    if child > 0 && from_a_process {
        let saved = Errno::last_raw();
        // SAFETY: kill is async-signal-safe.
        unsafe { libc::kill(child, sig) };
        Errno::set_raw(saved);
    }
}

/// Whether a process sent the signal (kill, sigqueue, tgkill: a code of
/// 0 or less), not the kernel for a terminal (SI_KERNEL, positive).
#[cfg(target_os = "linux")]
fn sent_by_a_process(info: &libc::siginfo_t) -> bool {
    info.si_code <= 0
}

/// macOS sets no distinct code for a terminal's signals; they carry no
/// sender pid, a process's do.
#[cfg(not(target_os = "linux"))]
fn sent_by_a_process(info: &libc::siginfo_t) -> bool {
    info.si_pid != 0
}

/// How the child ended; a wait interrupted by a signal is waited again.
fn wait(child: Pid) -> WaitStatus {
    loop {
        match waitpid(child, None) {
            Ok(status @ (WaitStatus::Exited(..) | WaitStatus::Signaled(..))) => return status,
            Ok(_) | Err(Errno::EINTR) => {}
            // ECHILD cannot happen for our own child; say it failed.
            Err(_) => return WaitStatus::Exited(child, 1),
        }
    }
}

/// acct's end, as the command's: its status, or death by its signal (a
/// shell then prints "Terminated" and `$?` is 128 + N, as after `exec`).
fn pass_on(status: WaitStatus) -> ExitCode {
    match status {
        WaitStatus::Signaled(_, sig, _) => die_of(sig),
        WaitStatus::Exited(_, code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        _ => ExitCode::FAILURE,
    }
}

fn die_of(sig: Signal) -> ExitCode {
    // No core file of acct's own for the command's SIGSEGV or SIGQUIT.
    let none = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit reads the struct; the default action is restored
    // before the signal is raised, and it is unblocked.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &none);
        let _ = sigaction(
            sig,
            &SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty()),
        );
    }
    let mut set = SigSet::empty();
    set.add(sig);
    let _ = set.thread_unblock();
    let _ = nix::sys::signal::raise(sig);
    // A signal whose default is to go on (SIGWINCH): the shell's number.
    ExitCode::from(128 + sig as u8)
}
