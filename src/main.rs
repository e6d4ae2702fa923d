//! acct: put a person or a script inside one stage of an AWS estate.

mod atomic_write;
mod aws_cli;
mod aws_cli_cache;
mod aws_file;
mod aws_profiles;
mod cli;
mod clock;
mod commands;
mod complete_stages;
mod completion;
mod config;
mod confirm;
mod console;
mod diff;
mod env_names;
mod error;
mod export_credentials;
mod fnv;
/// Property tests over the parser and everything that renders a config.
#[cfg(test)]
mod fuzz;
mod gate;
mod mfa_session;
mod picker;
mod process;
mod quote;
mod shells;
mod sso_token;
mod stage_env;
mod stage_record;
mod startup_files;
mod suggest;
mod terminal;
mod trust;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    if let Some(code) = completion::answer() {
        return code;
    }
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version print as clap does; usage errors speak like
        // every other acct error and exit 2.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let text = e.render().to_string();
            let text = error::printable(&text, true);
            eprint!("acct: {}", text.strip_prefix("error: ").unwrap_or(&text));
            if let Some(fix) = cli::missing_separator(&e, std::env::args().skip(1)) {
                eprintln!("  fix: {}", error::printable(&fix, true));
            }
            return ExitCode::from(error::EXIT_USAGE);
        }
    };
    match commands::run(cli) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("acct: {failure}");
            ExitCode::from(failure.code)
        }
    }
}
