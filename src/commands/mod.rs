//! One file (or folder) per command; this one dispatches and holds what
//! they share. The top layer: it may import every module below it, and
//! nothing imports it but `main`.

mod aws_config;
mod completions;
mod console;
mod current;
mod doctor;
mod env;
mod exec;
mod exec_each;
mod init_config;
mod init_hook;
mod list;
mod login;
mod logout;
mod manpage;
mod mfa_session;
mod parent;
pub mod process;
mod prompt;
mod serve;
mod shell;
mod trust;

use std::io::Write;
use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::error::{Failure, Result};

pub fn run(cli: Cli) -> Result<ExitCode> {
    let config = cli.config;
    match cli.command {
        Command::List(args) => list::run(&args, config),
        Command::Current => current::run(),
        Command::Env(args) => env::run(&args, config),
        Command::Exec(args) => exec::run(args, config),
        Command::AwsConfig(args) => aws_config::run(&args, config),
        Command::Doctor(args) => doctor::run(&args, config),
        Command::Completions(args) => completions::run(&args),
        Command::Init(args) => match args.shell {
            Some(shell) => init_hook::run(shell, args.print_full_init),
            None => init_config::run(&args, config),
        },
        Command::Login(args) => login::login(&args, config),
        Command::Logout => logout::logout(config),
        Command::MfaSession(args) => mfa_session::credential_process(&args),
        Command::ExecEachGuard => Ok(exec_each::guard::serve()),
        Command::Manpage => manpage::run(),
        Command::Allow(args) => trust::allow(&args),
        Command::Deny(args) => trust::deny(&args),
        Command::Shell(args) => shell::run(&args, config),
        Command::Console(args) => console::run(&args, config),
        Command::Serve(args) => serve::run(&args, config),
        Command::Prompt => prompt::run(),
    }
}

/// A stage by name; an unknown one is a usage error with the closest name.
pub use crate::terminal::picker::find as find_stage;

/// Write to stdout; a closed pipe (`acct list | head -1`) is a quiet success.
pub fn print(text: &str) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(Failure::other(
            format!("cannot write to stdout: {e}"),
            "check where the output goes (a full disk, a closed terminal)",
        )),
    }
}
