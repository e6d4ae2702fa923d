//! `acct aws-config`: the profiles of every stage, to stdout.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::aws_profiles;
use crate::config::discover;
use crate::error::Result;

pub fn run(config: Option<PathBuf>) -> Result<ExitCode> {
    let config = discover::load(config)?;
    super::print(&aws_profiles::render(&config))
}
