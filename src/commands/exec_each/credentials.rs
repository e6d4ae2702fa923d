//! Everything the stages will need from the person, obtained before any
//! command runs: the commands run with no terminal (see `guard`), so none of
//! them can ask.
//!
//! - `mfa_session = true`: the session's one code, once.
//! - An estate that asks per role (`mfa_serial` without `mfa_session`):
//!   each such stage's credentials one after the other, as
//!   `--export-credentials` gets them (the AWS CLI asks its code on the
//!   terminal). Where nobody can answer (no terminal, stdin not a pipe),
//!   `--each` refuses at once with the reason and the fix.

use crate::config::Config;
use crate::error::{Failure, Result};
use crate::stage::entry::{Admitted, Purpose};
use crate::stage::environment::StageEnv;
use crate::stage::lifetime;

/// Every stage's environment, in order, made before anything runs.
pub fn stage_envs(
    config: &Config,
    stages: &[Admitted<'_, '_>],
    requested: bool,
    min_left: u32,
) -> Result<Vec<StageEnv>> {
    // One check, one code at most, before any stage: the session is
    // started (or renewed when it holds less than min_left) here.
    lifetime::before_start(config, min_left, true, true)?;
    let asking: Vec<&str> = stages
        .iter()
        .map(|a| a.stage)
        .filter(|s| config.asks_per_role(s) && !(requested || s.export_credentials))
        .map(|s| s.name)
        .collect();
    if !asking.is_empty() && !crate::terminal::someone_can_answer() {
        return Err(Failure::other(
            format!(
                "{} would ask for an MFA code (mfa_serial without mfa_session), and there is no terminal to ask it on; nothing was run",
                asking.join(", ")
            ),
            "set mfa_session = true in the acct config (one code for every stage), run `acct aws-config --write`, then `acct login` before --each; or run --each on a terminal, which asks each stage's code before any command starts",
        ));
    }
    stages
        .iter()
        .map(|admitted| {
            let export = asking.contains(&admitted.stage.name);
            if export {
                eprintln!(
                    "acct: [{}] the stage asks for an MFA code: getting its credentials now, before any command runs",
                    admitted.stage.name
                );
            }
            let purpose = Purpose::Command {
                export_requested: requested || export,
            };
            admitted.environment_holding(purpose, min_left)
        })
        .collect()
}
