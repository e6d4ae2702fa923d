//! `acct exec STAGE -- CMD`: replace acct with CMD inside the stage.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::ExecArgs;
use crate::commands::process;
use crate::config::discover;
use crate::error::{Failure, Result};
use crate::stage::entry::{self, Purpose};
use crate::stage::lifetime;
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
    let config = discover::load(config)?;
    let stage = picker::stage(&config, args.stage.as_deref(), "exec")?;
    confirm::protected(&stage, args.yes)?;
    let purpose = Purpose::Command {
        export_requested: args.export_credentials,
    };
    let admitted = entry::admit(&config, &stage)?;
    let min_left = lifetime::minimum(&config, args.min_left)?;
    lifetime::before_start(&config, min_left, !admitted.exports(purpose), false)?;
    let env = admitted.environment_holding(purpose, min_left)?;
    Err(process::exec(&args.command, &env))
}
