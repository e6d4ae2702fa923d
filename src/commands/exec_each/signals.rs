//! acct's own signals as bytes on a pipe (the self-pipe trick), so the one
//! poll loop that reads the stages' output also sees SIGINT, SIGTERM and
//! SIGHUP the moment they come, and SIGCHLD wakes it when a command exits.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicI32, Ordering};

use nix::fcntl::{FcntlArg, FdFlag, OFlag, fcntl};
use nix::libc;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};

/// The pipe's write end, for the handler; -1 before `install`.
static WRITE: AtomicI32 = AtomicI32::new(-1);

/// The signals that stop the run: forwarded to every stage, then acct
/// exits 128 + N.
pub const STOPPING: [Signal; 3] = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP];

extern "C" fn on_signal(sig: libc::c_int) {
    let fd = WRITE.load(Ordering::Relaxed);
    if fd < 0 {
        return;
    }
    let saved = nix::errno::Errno::last_raw();
    let byte = sig as u8;
    // SAFETY: write(2) is async-signal-safe; the pipe is nonblocking, so a
    // full pipe (signals already waiting) drops the byte instead of waiting.
    unsafe { libc::write(fd, (&raw const byte).cast(), 1) };
    nix::errno::Errno::set_raw(saved);
}

pub struct Signals {
    read: OwnedFd,
}

impl Signals {
    /// The handlers in place; from here on SIGINT, SIGTERM and SIGHUP no
    /// longer end acct by themselves.
    pub fn install() -> std::io::Result<Self> {
        let (read, write) = nix::unistd::pipe()?;
        for fd in [&read, &write] {
            let flags = OFlag::from_bits_truncate(fcntl(fd.as_fd(), FcntlArg::F_GETFL)?);
            fcntl(fd.as_fd(), FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK))?;
            fcntl(fd.as_fd(), FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC))?;
        }
        // The write end lives as long as acct: the handler may run at any time.
        WRITE.store(std::os::fd::IntoRawFd::into_raw_fd(write), Ordering::SeqCst);
        let action = SigAction::new(
            SigHandler::Handler(on_signal),
            SaFlags::SA_RESTART,
            SigSet::empty(),
        );
        for sig in STOPPING.into_iter().chain([Signal::SIGCHLD]) {
            // SAFETY: the handler only writes one byte to a pipe.
            unsafe { sigaction(sig, &action) }?;
        }
        Ok(Signals { read })
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.read.as_fd()
    }

    /// The stopping signals that came since the last call, in order
    /// (SIGCHLD only wakes the loop).
    pub fn take(&self) -> Vec<Signal> {
        let mut got = Vec::new();
        let mut buf = [0u8; 64];
        loop {
            match nix::unistd::read(&self.read, &mut buf) {
                Ok(n) if n > 0 => got.extend(
                    buf[..n]
                        .iter()
                        .filter_map(|b| Signal::try_from(i32::from(*b)).ok())
                        .filter(|s| STOPPING.contains(s)),
                ),
                _ => return got,
            }
        }
    }
}
