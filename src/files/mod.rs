//! Files on disk: the one way acct replaces a file whole, where a path
//! really leads, and the private per-user folders acct keeps things in.
//!
//! Imports nothing of acct but `error`.

pub mod atomic_write;
pub mod private_dir;
pub mod real_path;
