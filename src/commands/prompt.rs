//! `acct prompt`: the active stage's segment for prompt frameworks, read from
//! the environment only (no config file), so it is cheap enough for a prompt.

use std::process::ExitCode;

use crate::config::process_env;
use crate::error::Result;
use crate::stage::{environment, expiry};

pub fn run() -> Result<ExitCode> {
    let segment = process_env::text("ACCT_PROMPT").unwrap_or_default();
    // The segment is text for a terminal: control characters in an inherited
    // value could move the cursor or retitle the window.
    let segment: String = segment.chars().filter(|c| !c.is_control()).collect();
    if segment.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    // As the shells' hooks draw it: the time left filled in, and a stage
    // not in force not shown plain.
    let segment = expiry::fill_now(&segment, process_env::get);
    let segment = match environment::mismatch(process_env::get) {
        Some(mismatch) => environment::segment_with_mismatch(&segment, &mismatch),
        None => segment,
    };
    super::print(&format!("{segment}\n"))
}
