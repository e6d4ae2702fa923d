//! `acct exec STAGE -- CMD`: replace acct with CMD inside the stage.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::ExecArgs;
use crate::commands::process;
use crate::config::discover;
use crate::error::{Failure, Result};
use crate::stage::entry;
use crate::terminal::confirm;
use crate::terminal::picker;

pub fn run(args: ExecArgs, config: Option<PathBuf>) -> Result<ExitCode> {
    if args.all || !args.each.is_empty() {
        return super::exec_each::run(&args, config);
    }
    if args.fail_fast || args.summary_json.is_some() {
        return Err(Failure::usage(
            "--fail-fast and --summary-json are for several stages",
            "add --each STAGES or --all, or leave them out",
        ));
    }
    if args.serve {
        return super::serve::exec(&args, config);
    }
    let config = discover::load(config)?;
    let stage = picker::stage(&config, args.stage.as_deref(), "exec")?;
    confirm::protected(&stage, args.yes)?;
    let env = entry::command_env(&config, &stage, args.export_credentials, args.min_left)?;
    Err(process::exec(&args.command, &env))
}
