//! acct's own signals as bytes on a pipe (the self-pipe trick), so the one
//! poll loop that reads the stages' output also sees SIGINT, SIGTERM and
//! SIGHUP the moment they come, and SIGCHLD wakes it when a command exits.
//!
//! The handlers are signal-hook's (errno kept, other handlers chained, such
//! as wait-timeout's SIGCHLD); each action writes its signal's number, not
//! `low_level::pipe`'s one byte for all: the loop must know which signal
//! came and how often (a second one kills at once).

use std::io::Read;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;

use nix::sys::signal::Signal;

/// The signals that stop the run: forwarded to every stage, then acct
/// exits 128 + N.
pub const STOPPING: [Signal; 3] = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP];

pub struct Signals {
    read: UnixStream,
}

impl Signals {
    /// The handlers in place; from here on SIGINT, SIGTERM and SIGHUP no
    /// longer end acct by themselves.
    pub fn install() -> std::io::Result<Self> {
        // Close-on-exec, as every descriptor std opens.
        let (read, write) = UnixStream::pair()?;
        read.set_nonblocking(true)?;
        // Nonblocking: a full pipe (signals already waiting) drops the byte
        // instead of waiting in a handler.
        write.set_nonblocking(true)?;
        // The write end lives as long as acct: a handler may run at any time.
        let write: &'static UnixStream = Box::leak(Box::new(write));
        for sig in STOPPING.into_iter().chain([Signal::SIGCHLD]) {
            let byte = [sig as u8];
            // SAFETY: the action only writes one byte with write(2), which is
            // async-signal-safe, and allocates nothing.
            unsafe {
                signal_hook::low_level::register(sig as i32, move || {
                    let _ = nix::unistd::write(write, &byte);
                })
            }?;
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
            match (&self.read).read(&mut buf) {
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
