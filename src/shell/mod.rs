//! The shells acct joins (bash, zsh, fish): their integration scripts and
//! the private startup files `acct shell` starts them with. (Completion
//! belongs to the command line: `cli::completion`.)
//!
//! May import: `config`, `text`, `files`, `error`.

pub mod bash_checks;
pub mod fish_checks;
pub mod guard;
pub mod in_force;
pub mod lazy;
pub mod scripts;
pub mod startup_files;
pub mod zsh_checks;
pub mod zsh_compiled;
