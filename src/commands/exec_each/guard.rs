//! No stage outlives acct.
//!
//! Each command starts a session of its own (`setsid`): no controlling
//! terminal, so a read of `/dev/tty` fails at once (ENXIO) instead of
//! stopping it with SIGTTIN or SIGTTOU, and a process group acct can signal
//! as a whole. On Linux the command also gets SIGKILL when acct dies,
//! whatever killed it, SIGKILL included (`PR_SET_PDEATHSIG`). That signal is
//! tied to the thread that forked the command: acct forks every stage from
//! its main thread, which lives as long as acct.
//!
//! What the command started in turn (a script's `terraform`) is not acct's
//! child, and being in the stage's session it is not in the group a CI
//! cancel kills either. So a watcher, `acct exec-each-guard` (hidden), runs
//! beside acct in a session of its own, with a pipe from acct on its stdin:
//! each stage's process group is written there as the stage starts (by the
//! stage itself, before it runs anything, and by acct), and acct forgets it
//! when the stage is done. When the pipe ends without acct's "done" (acct
//! died, SIGKILL included: the kernel closes the pipe), the watcher sends
//! SIGKILL to every group still listed. This also works on macOS, which has
//! no `PR_SET_PDEATHSIG`.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// In a session of its own: out of acct's process group and terminal.
fn own_session(command: &mut Command) {
    // SAFETY: setsid is async-signal-safe.
    unsafe {
        command.pre_exec(|| {
            nix::unistd::setsid()
                .map(|_| ())
                .map_err(std::io::Error::from)
        });
    }
}

/// `setsid`, the stage's group listed with the watcher (`watch`, its pipe),
/// then (Linux) SIGKILL on acct's death, in the child before exec.
pub fn stage_command(command: &mut Command, watch: Option<RawFd>) {
    own_session(command);
    // The child lists its own group before it runs anything: listed only by
    // acct once the start returned, a stage could start a process in the
    // moment before acct is killed, and that process would live on.
    if let Some(pipe) = watch {
        // SAFETY: getpid, signal and write are async-signal-safe. SIGPIPE is
        // ignored for the write: a watcher someone killed must not kill the
        // stage.
        unsafe {
            command.pre_exec(move || {
                use nix::libc;
                let group = libc::getpid().to_le_bytes();
                let before = libc::signal(libc::SIGPIPE, libc::SIG_IGN);
                libc::write(pipe, group.as_ptr().cast(), group.len());
                libc::signal(libc::SIGPIPE, before);
                Ok(())
            });
        }
    }
    #[cfg(target_os = "linux")]
    let acct = nix::unistd::getpid();
    // SAFETY: prctl, getppid and _exit are async-signal-safe, and nothing
    // else runs between fork and exec.
    #[cfg(target_os = "linux")]
    unsafe {
        command.pre_exec(move || {
            use nix::libc;
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // acct died before the line above: nobody will kill us.
            if nix::unistd::getppid() != acct {
                libc::_exit(128 + libc::SIGKILL);
            }
            Ok(())
        });
    }
}

/// acct's end of the watcher; every call is a no-op when it could not start.
pub struct Watch(Option<(Child, ChildStdin)>);

/// One message: a group to watch (> 0), to forget (< 0), or done (0).
fn send(pipe: &mut ChildStdin, message: i32) {
    // A watcher that is gone (someone killed it) changes nothing here.
    let _ = pipe.write_all(&message.to_le_bytes());
}

impl Watch {
    /// The watcher started, or a line on stderr saying it could not be.
    pub fn start() -> Self {
        let started = std::env::current_exe().and_then(|exe| {
            #[allow(
                clippy::disallowed_methods,
                reason = "acct itself, as the watcher of the stages' groups"
            )]
            let mut command = Command::new(exe);
            command
                .arg("exec-each-guard")
                .env_clear()
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit());
            // A kill of acct's job group does not reach it.
            own_session(&mut command);
            let mut child = command.spawn()?;
            let pipe = child.stdin.take().ok_or(std::io::ErrorKind::BrokenPipe)?;
            Ok((child, pipe))
        });
        match started {
            Ok(watch) => Watch(Some(watch)),
            Err(e) => {
                eprintln!(
                    "acct: cannot start the watcher that stops the stages if acct is killed ({e}); going on without it"
                );
                Watch(None)
            }
        }
    }

    /// The pipe to the watcher, for a stage to list its own group with
    /// before it runs (`stage_command`).
    pub fn pipe(&self) -> Option<RawFd> {
        self.0.as_ref().map(|(_, pipe)| pipe.as_raw_fd())
    }

    pub fn add(&mut self, group: u32) {
        if let (Some((_, pipe)), Ok(group)) = (&mut self.0, i32::try_from(group)) {
            send(pipe, group);
        }
    }

    pub fn forget(&mut self, group: u32) {
        if let (Some((_, pipe)), Ok(group)) = (&mut self.0, i32::try_from(group)) {
            send(pipe, -group);
        }
    }

    /// Every stage is done: the watcher ends without killing anything.
    pub fn done(self) {
        if let Some((mut child, mut pipe)) = self.0 {
            send(&mut pipe, 0);
            drop(pipe);
            let _ = child.wait();
        }
    }
}

/// `acct exec-each-guard`: the groups acct names on stdin, each killed when
/// stdin ends before acct says it is done.
pub fn serve() -> ExitCode {
    let mut groups: Vec<i32> = Vec::new();
    let mut stdin = std::io::stdin().lock();
    let mut word = [0u8; 4];
    while stdin.read_exact(&mut word).is_ok() {
        match i32::from_le_bytes(word) {
            0 => return ExitCode::SUCCESS,
            group if group > 0 => groups.push(group),
            forget => groups.retain(|g| *g != -forget),
        }
    }
    for group in groups {
        let _ = killpg(Pid::from_raw(group), Signal::SIGKILL);
    }
    ExitCode::SUCCESS
}
