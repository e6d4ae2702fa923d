//! No stage command outlives acct. Each command starts a session of its own
//! (`setsid`): no controlling terminal, so a read of `/dev/tty` fails at once
//! (ENXIO) instead of stopping it with SIGTTIN or SIGTTOU, and a process
//! group acct can signal as a whole. On Linux the command also gets SIGKILL
//! when acct dies, whatever killed it, SIGKILL included
//! (`PR_SET_PDEATHSIG`). That signal is tied to the thread that forked the
//! command: acct forks every stage from its main thread, which lives as
//! long as acct. macOS has no such call: there a stage outlives an acct
//! killed by SIGKILL (the signals acct can catch are forwarded).

use std::os::unix::process::CommandExt;
use std::process::Command;

/// `setsid`, then (Linux) SIGKILL on acct's death, in the child before exec.
pub fn stage_command(command: &mut Command) {
    #[cfg(target_os = "linux")]
    let acct = nix::unistd::getpid();
    // SAFETY: setsid, prctl, getppid and _exit are async-signal-safe, and
    // nothing else runs between fork and exec.
    unsafe {
        command.pre_exec(move || {
            nix::unistd::setsid().map_err(std::io::Error::from)?;
            #[cfg(target_os = "linux")]
            {
                use nix::libc;
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // acct died before the line above: nobody will kill us.
                if nix::unistd::getppid() != acct {
                    libc::_exit(128 + libc::SIGKILL);
                }
            }
            Ok(())
        });
    }
}
