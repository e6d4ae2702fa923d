//! Writing files safely: the one way acct replaces a file whole.
//!
//! May import: `error`, `text`.

pub mod atomic_write;
