//! `acct current`: the active stage, from the environment alone.

use std::process::ExitCode;

use crate::error::{Failure, Result};

pub fn run() -> Result<ExitCode> {
    match std::env::var("ACCT_STAGE") {
        Ok(stage) if !stage.is_empty() => super::print(&format!("{stage}\n")),
        _ => Err(Failure::other(
            "no active stage (ACCT_STAGE is not set)",
            "enter one with `acct shell STAGE`, or `eval \"$(acct env STAGE)\"` in this shell",
        )),
    }
}
