//! `acct env STAGE`: the stage's environment as code for the current shell;
//! `acct env --unset`: the code that leaves it.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::{EnvArgs, EnvFormat};
use crate::config::discover;
use crate::confirm;
use crate::error::{Failure, Result, printable};
use crate::quote;
use crate::shells::Shell;
use crate::stage_env::StageEnv;

pub fn run(args: &EnvArgs, config: Option<PathBuf>) -> Result<ExitCode> {
    let format = args.shell.unwrap_or_else(default_format);
    let active = std::env::var("ACCT_STAGE").ok().filter(|s| !s.is_empty());
    let env = match &args.stage {
        None => leave(config, active.as_deref()),
        Some(name) => {
            let config = discover::load(config)?;
            let stage = super::find_stage(&config, name)?;
            confirm::protected(&stage, args.yes)?;
            if let Some(active) = &active {
                // ACCT_STAGE is inherited: anything may be in it.
                let active = printable(active, false);
                eprintln!(
                    "acct: this shell leaves stage `{active}` for `{}`: every variable of `{active}` is replaced",
                    stage.name
                );
            }
            crate::aws_file::refuse_shadowed(&config, &stage)?;
            StageEnv::new(&config, &stage)
        }
    };
    super::print(&render(&env, format)?)
}

/// The shell that will read the code: the one running acct, else `$SHELL`'s,
/// else bash (SPEC section 3).
fn default_format() -> EnvFormat {
    EnvFormat::Shell(Shell::detect().unwrap_or(Shell::Bash))
}

/// Everything a stage sets goes; the active stage's own `[env]` names too
/// when its config can still be read.
fn leave(config: Option<PathBuf>, active: Option<&str>) -> StageEnv {
    let entered = active.and_then(|name| match discover::load(config) {
        Ok(config) => config.stage(name).map(|stage| StageEnv::new(&config, &stage)),
        Err(failure) => {
            eprintln!(
                "acct: warning: cannot read the config of stage `{}`, so its own [env] variables stay: {}",
                printable(name, false),
                printable(failure.message.lines().next().unwrap_or_default(), false)
            );
            None
        }
    });
    StageEnv::leaving(entered.as_ref())
}

pub fn render(env: &StageEnv, format: EnvFormat) -> Result<String> {
    let mut out = String::new();
    match format {
        EnvFormat::Shell(Shell::Bash | Shell::Zsh) => {
            for name in &env.unset {
                out.push_str(&format!("unset {name}\n"));
            }
            for (name, value) in &env.set {
                out.push_str(&format!("export {name}={}\n", quote::posix(value)));
            }
        }
        EnvFormat::Shell(Shell::Fish) => {
            // `set -e NAME` would erase a universal variable for every fish
            // session of the user (or only the global hiding it): erase the
            // global, and hide a universal one behind an empty exported
            // global. (fish 3.6 still exports a universal hidden by an
            // unexported global.) Every SDK takes an empty credential
            // variable as not set; the user's other sessions keep theirs.
            // Each line ends in `end`, status 0: fish's `set` passes the
            // status before it along, and `| source; and ...` must go on.
            for name in &env.unset {
                out.push_str(&format!(
                    "set -e -g {name}; if set -q -U {name}; set -g -x {name}; end\n"
                ));
            }
            for (name, value) in &env.set {
                out.push_str(&format!("set -gx {name} {}\n", quote::fish(value)));
            }
        }
        EnvFormat::Json => {
            let mut set = serde_json::Map::new();
            for (name, value) in &env.set {
                let value = value.to_str().ok_or_else(|| {
                    Failure::other(format!("{name} is not valid UTF-8 ({}), which JSON cannot hold", value.to_string_lossy()), "use --shell bash, zsh or fish, which carry any bytes, or move the config to a UTF-8 path")
                })?;
                set.insert(name.clone(), value.into());
            }
            let json = serde_json::json!({ "set": set, "unset": env.unset });
            out = json.to_string();
            out.push('\n');
        }
    }
    Ok(out)
}
