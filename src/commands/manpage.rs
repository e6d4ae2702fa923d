//! `acct manpage` (hidden): the man page, rendered from the same clap types
//! as `--help`, so the installed page always matches the installed binary.

use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::{Failure, Result};

pub fn run() -> Result<ExitCode> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| {
            Failure::other(
                format!("cannot render the man page: {e}"),
                "this is a bug in acct; `acct --help` has the same text",
            )
        })?;
    super::print(&String::from_utf8_lossy(&page))
}
