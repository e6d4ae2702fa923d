//! The shells acct joins (bash, zsh, fish): their integration scripts, the
//! private startup files `acct shell` starts them with, and completion.
//!
//! May import: `config`, `text`, `files`, `error`, and `cli` (completion
//! answers for the command line it describes).

pub mod completion;
pub mod scripts;
pub mod startup_files;
