//! The container credential endpoint for a stage: `acct exec --serve
//! STAGE -- CMD` (acct stays as CMD's parent while the endpoint answers)
//! and `acct serve STAGE` (no command: the two variables printed for a
//! shell, an IDE or a container started elsewhere, until Ctrl-C).

use std::path::PathBuf;
use std::process::ExitCode;

use nix::sys::signal::{SigSet, Signal};

use crate::cli::{EnvFormat, ExecArgs, ServeArgs};
use crate::commands::parent;
use crate::config::{Config, Stage, discover};
use crate::error::{Failure, Result};
use crate::serve::endpoint::Endpoint;
use crate::serve::keys::Keys;
use crate::shell::scripts::Shell;
use crate::stage::entry::{self, Admitted};
use crate::terminal::{confirm, picker};

/// `acct exec --serve STAGE -- CMD`.
pub fn exec(args: &ExecArgs, config: Option<PathBuf>) -> Result<ExitCode> {
    let config = discover::load(config)?;
    let stage = picker::stage(&config, args.stage.as_deref(), "exec")?;
    confirm::protected(&stage, args.yes)?;
    let (admitted, endpoint, keys) = start(&config, &stage, args.min_left)?;
    let env = admitted.served_env(&endpoint.variables());
    let name = stage.name.to_string();
    parent::run(&args.command, &env, move || endpoint.serve(name, keys))
}

/// `acct serve STAGE`: the variables on stdout, then answer until SIGINT,
/// SIGTERM or SIGHUP.
pub fn run(args: &ServeArgs, config: Option<PathBuf>) -> Result<ExitCode> {
    let config = discover::load(config)?;
    let stage = picker::stage(&config, args.stage.as_deref(), "serve")?;
    confirm::protected(&stage, args.yes)?;
    let (_, endpoint, keys) = start(&config, &stage, args.min_left)?;
    let format = args
        .shell
        .unwrap_or_else(|| EnvFormat::Shell(Shell::detect().unwrap_or(Shell::Bash)));
    let lines = render(&endpoint.variables(), format);
    // Blocked before the endpoint's threads start, which inherit the mask:
    // the stopping signals wait for `wait` on this thread alone.
    let mut stopping = SigSet::empty();
    for sig in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        stopping.add(sig);
    }
    stopping.thread_block().map_err(|e| {
        Failure::other(
            format!("cannot wait for Ctrl-C: {e}"),
            "run the command with `acct exec --serve` instead",
        )
    })?;
    endpoint.serve(stage.name.to_string(), keys);
    super::print(&lines)?;
    eprintln!(
        "acct: serving `{}`'s keys to whoever has the token, on 127.0.0.1 only, until Ctrl-C",
        stage.name
    );
    let _ = stopping.wait();
    // A fetch may be running for a request: it ends with acct.
    crate::aws::cli::stop_running();
    Ok(ExitCode::SUCCESS)
}

/// The stage admitted (protected stages asked already), the MFA session
/// made to hold, the endpoint bound and the keys' source ready: every
/// refusal comes before anything runs.
fn start<'s, 'c>(
    config: &'s Config,
    stage: &'s Stage<'c>,
    min_left: Option<u32>,
) -> Result<(Admitted<'s, 'c>, Endpoint, Keys)> {
    let admitted = entry::serving(config, stage, min_left)?;
    let source = admitted.key_source()?;
    let endpoint = Endpoint::bind()?;
    let keys = Keys::new(Box::new(move |renew| source.fetch(renew)));
    if config.asks_per_role(stage) {
        ask_before_start(stage, &keys)?;
    }
    Ok((admitted, endpoint, keys))
}

/// A stage whose every assume asks for an MFA code: the first keys are
/// got now, the code asked while acct still has the terminal, not at the
/// first request, when the command has it (and an SDK gives up waiting).
fn ask_before_start(stage: &Stage<'_>, keys: &Keys) -> Result<()> {
    if !crate::terminal::someone_can_answer() {
        return Err(Failure::other(
            format!(
                "`{}` asks for an MFA code at every assume (mfa_serial without mfa_session), and there is no terminal to ask it on; nothing was run",
                stage.name
            ),
            "set mfa_session = true in the acct config (one code a day for every stage), run `acct aws-config --write`, then `acct login`; or start it on a terminal",
        ));
    }
    eprintln!(
        "acct: `{}` asks for an MFA code: getting its keys now, before anything starts; renewing them (in about an hour) asks again on this terminal, unless the config sets mfa_session = true",
        stage.name
    );
    keys.current().map(drop)
}

/// The variables as `format` sets them.
fn render(variables: &[(&str, String)], format: EnvFormat) -> String {
    match format {
        EnvFormat::Shell(shell) => variables
            .iter()
            .map(|(n, v)| super::env::assignment(shell, n, v.as_ref()))
            .collect(),
        EnvFormat::Json => {
            let object: serde_json::Map<String, serde_json::Value> = variables
                .iter()
                .map(|(n, v)| ((*n).to_string(), v.as_str().into()))
                .collect();
            format!("{}\n", serde_json::Value::Object(object))
        }
    }
}
