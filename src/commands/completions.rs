//! `acct completions SHELL`: the script that registers acct's completion.
//! The completing itself happens in `crate::cli::completion`.

use std::process::ExitCode;

use crate::cli::CompletionsArgs;
use crate::cli::completion;
use crate::error::{Failure, Result};

pub fn run(args: &CompletionsArgs) -> Result<ExitCode> {
    let argv0 = std::env::args_os().next().unwrap_or_else(|| "acct".into());
    let script = completion::registration(args.shell, &argv0).map_err(|e| {
        Failure::other(
            format!("cannot make the completion script: {e}"),
            "this is a bug in acct; please report it with `acct --version`",
        )
    })?;
    super::print(&String::from_utf8_lossy(&script))
}
