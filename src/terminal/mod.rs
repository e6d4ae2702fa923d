//! The person's terminal, `/dev/tty`: where acct asks (an MFA code, a
//! protected stage's name, which stage) and says what a person must read
//! even when stdin and stdout are pipes (an SDK running credential_process,
//! `eval "$(acct env ...)"`), as sudo and ssh do. One place opens it.
//! `colour` decides whether acct's own output is coloured.
//!
//! May import: `config` (the picker lists its stages; `process_env` for
//! `NO_COLOR`), `text`, `error`.

pub mod colour;
pub mod confirm;
pub mod picker;

use std::fs::{File, OpenOptions};
use std::io;

const PATH: &str = "/dev/tty";

/// The terminal to ask on and read the answer from; an error when the
/// process has none (CI, cron, a job of `exec --each`).
pub fn open() -> io::Result<File> {
    OpenOptions::new().read(true).write(true).open(PATH)
}

/// The terminal to write to only.
pub fn for_writing() -> io::Result<File> {
    OpenOptions::new().write(true).open(PATH)
}

/// Whether the process has a terminal at all.
pub fn exists() -> bool {
    File::open(PATH).is_ok()
}

/// Whether the AWS CLI could get an MFA code answered: it asks on
/// `/dev/tty` when it can open it, else reads stdin (a terminal, or codes
/// piped in by a script).
pub fn someone_can_answer() -> bool {
    use std::io::IsTerminal;
    use std::os::fd::AsFd;
    let stdin = io::stdin();
    let piped = nix::sys::stat::fstat(stdin.as_fd())
        .is_ok_and(|st| (st.st_mode & nix::libc::S_IFMT) == nix::libc::S_IFIFO);
    stdin.is_terminal() || piped || exists()
}
