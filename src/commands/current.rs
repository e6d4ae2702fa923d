//! `acct current`: the active stage, from the environment alone.

use std::process::ExitCode;

use crate::config::process_env;
use crate::error::{Failure, Result};

pub fn run() -> Result<ExitCode> {
    match process_env::text("ACCT_STAGE") {
        Some(stage) => super::print(&format!("{stage}\n")),
        None => Err(Failure::other(
            "no active stage (ACCT_STAGE is not set)",
            "enter one with `acct shell STAGE`, or `eval \"$(acct env STAGE)\"` in this shell",
        )),
    }
}
