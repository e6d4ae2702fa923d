//! Pure text, used everywhere below the commands: quoting for shells, what
//! may reach a terminal, did-you-mean, instants as AWS writes them, `~`
//! paths, a stable hash for names on disk. No I/O.
//!
//! Imports nothing of acct.

pub mod clock;
pub mod fnv;
pub mod printable;
pub mod quote;
pub mod suggest;
pub mod tilde;
