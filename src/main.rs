//! acct: put a person or a script inside one stage of an AWS estate.

mod aws_profiles;
mod cli;
mod commands;
mod config;
mod confirm;
mod error;
mod process;
mod quote;
mod shells;
mod stage_env;
mod startup_files;
mod suggest;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("acct: {failure}");
            ExitCode::from(failure.code)
        }
    }
}
