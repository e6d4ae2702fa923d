//! acct: put a person or a script inside one stage of an AWS estate.

mod aws_profiles;
mod cli;
mod commands;
mod completion;
mod config;
mod confirm;
mod error;
mod process;
mod quote;
mod stage_env;
mod suggest;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    if let Some(code) = completion::answer() {
        return code;
    }
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("acct: {failure}");
            ExitCode::from(failure.code)
        }
    }
}
