//! `acct exec --each STAGES|--all [--parallel N] -- CMD`: CMD once per
//! stage, each with exactly the environment `acct exec` gives it, every
//! output line behind its `[stage] ` prefix, then a summary. acct's status is
//! the first failing stage's (in the order given), 0 when all succeeded,
//! 128 + N when signal N stopped the run.
//!
//! Protected stages are confirmed once, together, and every environment is
//! made before anything runs (`credentials`). Each command reads /dev/null,
//! in a session of its own with no terminal, and dies with acct (`guard`).
//! One loop on the main thread reads every pipe and acct's signals
//! (`runner`, `output`, `signals`); `summary` reports.
//!
//! - `credentials`: the MFA code(s) asked before the runs, or a refusal.
//! - `guard`: setsid and PR_SET_PDEATHSIG in the child before exec, and
//!   the watcher that kills the stages' groups when acct dies.
//! - `output`: bounded, prefixed lines.
//! - `runner`: start, read, reap, forward signals.
//! - `signals`: SIGINT, SIGTERM, SIGHUP and SIGCHLD on a self-pipe.
//! - `summary`: the table, the JSON, the exit status.

mod credentials;
pub mod guard;
mod output;
mod runner;
mod signals;
mod summary;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::ExecArgs;
use crate::config::{Stage, discover};
use crate::error::{Failure, Result};
use crate::stage::entry;
use crate::terminal::colour::{self, Colour};
use crate::terminal::confirm;

/// Prefix colours, one per stage in turn; red is kept for protected stages.
const COLOURS: [Colour; 5] = [
    Colour::Cyan,
    Colour::Green,
    Colour::Yellow,
    Colour::Magenta,
    Colour::Blue,
];

pub fn run(args: &ExecArgs, config: Option<PathBuf>) -> Result<ExitCode> {
    let config = discover::load(config)?;
    let stages: Vec<Stage<'_>> = if args.all {
        config.stages().collect()
    } else {
        let mut stages: Vec<Stage<'_>> = Vec::new();
        for name in &args.each {
            let stage = super::find_stage(&config, name.trim())?;
            if !stages.iter().any(|s| s.name == stage.name) {
                stages.push(stage);
            }
        }
        stages
    };
    if stages.is_empty() {
        return Err(Failure::usage(
            "--each names no stage",
            "name them, e.g. --each testing,prod, or use --all",
        ));
    }
    // Opened first: a summary that cannot be written is known before
    // anything runs.
    let mut summary_file = args.summary_json.as_deref().map(open_summary).transpose()?;
    confirm::together(&stages, args.yes)?;
    // Every stage through the gate before anyone is asked for an MFA code.
    let admitted = stages
        .iter()
        .map(|stage| entry::admit(&config, stage))
        .collect::<Result<Vec<_>>>()?;
    let min_left = crate::stage::lifetime::minimum(&config, args.min_left)?;
    let envs = credentials::stage_envs(&config, &admitted, args.export_credentials, min_left)?;
    let signals = signals::Signals::install().map_err(|e| {
        Failure::other(
            format!("cannot watch for signals: {e}; nothing was run"),
            "report this as a bug in acct",
        )
    })?;
    if args.parallel > 1 {
        // The commands are often the AWS CLI, which races on its own cache.
        crate::aws::cli_cache::prepare_parallel_runs();
    }
    let names: Vec<&str> = stages.iter().map(|s| s.name).collect();
    let prefixes = prefixes(&stages);
    let plan = runner::Plan {
        command: &args.command,
        names: &names,
        envs: &envs,
        prefixes: &prefixes,
        parallel: usize::from(args.parallel),
        fail_fast: args.fail_fast,
    };
    let (rows, cut) = runner::run(&plan, &signals);
    summary::print(&rows, cut);
    let code = summary::exit_code(&rows, cut);
    if let (Some(file), Some(path)) = (summary_file.as_mut(), &args.summary_json) {
        let json = summary::json(&rows, cut, code);
        let written = serde_json::to_writer_pretty(&mut *file, &json)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(file));
        if let Err(e) = written {
            eprintln!("acct: cannot write the summary to {}: {e}", path.display());
            return Ok(ExitCode::from(if code == 0 { 1 } else { code }));
        }
    }
    Ok(ExitCode::from(code))
}

fn open_summary(path: &Path) -> Result<std::fs::File> {
    std::fs::File::create(path).map_err(|e| {
        Failure::usage(
            format!(
                "--summary-json {}: cannot write it: {e}; nothing was run",
                crate::text::printable::printable(&path.to_string_lossy(), false)
            ),
            "name a file in a directory you can write, or /dev/fd/N for an open descriptor",
        )
    })
}

/// `[name] `, padded to the longest name, coloured on a terminal.
fn prefixes(stages: &[Stage<'_>]) -> Vec<Vec<u8>> {
    let width = stages.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let on = colour::on_stdout();
    stages
        .iter()
        .enumerate()
        .map(|(i, stage)| {
            let text = format!(
                "[{}]{:pad$} ",
                stage.name,
                "",
                pad = width - stage.name.len()
            );
            let colour = if stage.protected {
                Colour::Red
            } else {
                COLOURS[i % COLOURS.len()]
            };
            colour::paint(&text, colour, on).into_bytes()
        })
        .collect()
}
