//! Files on disk: the one way acct replaces a file whole, and where a path
//! really leads.
//!
//! May import: `error`, `text`.

pub mod atomic_write;
pub mod real_path;
