//! The environment `exec` and `shell` enter: the stage's, with temporary
//! keys instead of the profile when `--export-credentials` is given or the
//! stage sets `export_credentials = true` (SPEC section 3), for tools such as
//! Terraform that cannot answer an MFA prompt themselves.

use crate::aws::cli::AwsCli;
use crate::config::{Config, Stage};
use crate::error::Result;
use crate::stage::environment::StageEnv;

/// `StageEnv::new` of a stage whose profile is acct's (not shadowed in the
/// AWS config file), plus the exported credentials when asked for. Any
/// failure (no CLI, a v1 CLI, a failed assume) is an error: the caller must
/// run nothing rather than fall back to the profile.
pub fn stage_env(config: &Config, stage: &Stage<'_>, requested: bool) -> Result<StageEnv> {
    crate::stage::gate::check(config, stage)?;
    let env = StageEnv::new(config, stage);
    if !(requested || stage.export_credentials) {
        return Ok(env);
    }
    let cli = AwsCli::find(&config.aws_cli).map_err(|mut failure| {
        failure.message.push_str("; nothing was run");
        failure
    })?;
    let credentials = cli.export_credentials(&env, &stage.profile)?;
    Ok(env.with_credentials(&credentials))
}
