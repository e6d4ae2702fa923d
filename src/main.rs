//! acct: put a person or a script inside one stage of an AWS estate.

mod aws_cli;
mod aws_file;
mod aws_profiles;
mod cli;
mod commands;
mod config;
mod confirm;
mod diff;
mod error;
mod export_credentials;
mod process;
mod quote;
mod stage_env;
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
