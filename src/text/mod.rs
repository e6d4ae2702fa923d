//! Pure text, used everywhere below the commands: quoting for shells,
//! did-you-mean, instants as AWS writes them, a stable hash for names on
//! disk. No I/O.
//!
//! May import: `error` only.

pub mod clock;
pub mod fnv;
pub mod quote;
pub mod suggest;
pub mod tilde;
