//! acct: put a person or a script inside one stage of an AWS estate.

mod aws;
mod cli;
mod commands;
mod config;
mod console;
mod error;
mod files;
/// Property tests over the parser and everything that renders a config.
#[cfg(test)]
mod property_tests;
mod serve;
mod shell;
mod stage;
mod terminal;
mod text;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    if let Some(code) = cli::completion::answer() {
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
            let text = crate::text::printable::printable(&text, true);
            eprint!("acct: {}", text.strip_prefix("error: ").unwrap_or(&text));
            if let Some(fix) = cli::missing_separator(&e, std::env::args().skip(1)) {
                eprintln!("  fix: {}", crate::text::printable::printable(&fix, true));
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
