//! The one place that makes the environment a process gets from acct: a
//! command inside a stage, or acct's own call of the AWS CLI. A stage's
//! environment is reached only through the gate ([`admit`]), and each
//! deliberate difference between the callers is a variant here, not
//! assembly of its own:
//!
//! - [`Purpose::Command`] (exec, shell, each job of `exec --each`): the
//!   stage's profile, or its temporary keys instead when
//!   `--export-credentials` is given or the stage sets
//!   `export_credentials = true` (SPEC section 3), for tools such as
//!   Terraform that cannot answer an MFA prompt themselves.
//! - [`Purpose::Shell`] (what `acct env` prints): the profile only, never
//!   keys: exported keys live only in a command's environment, not in a
//!   shell that outlives it.
//! - [`Admitted::aws_cli_env`] (doctor --sts, the keys of
//!   `--export-credentials` and of the console's federation): the stage's
//!   environment with no profile variable, as `--profile` decides.
//! - [`Admitted::served_env`] (`exec --serve`): the command's
//!   environment with the profile, never keys, and the container
//!   endpoint's two variables; [`KeySource`] is what that endpoint fetches
//!   the stage's keys with.
//! - [`outside_stage`] (GetSessionToken, `aws sso login`, `aws --version`):
//!   acct's own environment cleaned as a stage's is.
//!
//! `acct env --unset` needs neither a config nor the gate: it undoes the
//! record alone (`StageEnv::leaving`).

use std::path::Path;

use crate::aws::cli::AwsCli;
use crate::aws::credentials::Credentials;
use crate::aws::mfa_session::SessionSpec;
use crate::config::{Config, Stage, process_env};
use crate::error::{Failure, Result};
use crate::stage::environment::StageEnv;
use crate::stage::expiry;
use crate::stage::gate;
use crate::stage::lifetime;
use crate::stage::record::Environment;

/// Who a stage's environment is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A command inside the stage; `export_requested` is
    /// `--export-credentials`.
    Command { export_requested: bool },
    /// The person's shell, through the code `acct env` prints.
    Shell,
}

/// A stage the gate let in: the only way to its environment.
pub struct Admitted<'s, 'c> {
    config: &'s Config,
    pub stage: &'s Stage<'c>,
    env: StageEnv,
}

/// The gate (`gate::check`): a stage whose profile every AWS client reads
/// as acct renders it, else the refusal, saying nothing was run.
pub fn admit<'s, 'c>(config: &'s Config, stage: &'s Stage<'c>) -> Result<Admitted<'s, 'c>> {
    gate::check(config, stage)?;
    let mut env = StageEnv::new(config, stage);
    if let Some(file) = expiry::file_of(config) {
        env.expires_in(file.into_os_string());
    }
    Ok(Admitted { config, stage, env })
}

/// `admit`, then the environment for `purpose`.
pub fn stage_env(config: &Config, stage: &Stage<'_>, purpose: Purpose) -> Result<StageEnv> {
    admit(config, stage)?.environment(purpose)
}

/// What `exec` and `shell` run with: the stage admitted by the gate, and
/// the session (or the exported keys) checked to hold `min_left` more
/// (`--min-left`, else the config's `min_session_left`) before anything
/// runs.
pub fn command_env(
    config: &Config,
    stage: &Stage<'_>,
    export_requested: bool,
    min_left: Option<u32>,
) -> Result<StageEnv> {
    let purpose = Purpose::Command { export_requested };
    let admitted = admit(config, stage)?;
    let min_left = lifetime::minimum(config, min_left)?;
    lifetime::before_start(config, min_left, !admitted.exports(purpose), false)?;
    admitted.environment_holding(purpose, min_left)
}

/// What `exec --serve` and `acct serve` start from: the stage admitted by
/// the gate, and the MFA session started (one code) or renewed to hold
/// `min_left` (`--min-left`, else the config's) before anything runs, so
/// the endpoint's first fetch asks nothing while a command has the
/// terminal.
pub fn serving<'s, 'c>(
    config: &'s Config,
    stage: &'s Stage<'c>,
    min_left: Option<u32>,
) -> Result<Admitted<'s, 'c>> {
    let admitted = admit(config, stage)?;
    let min_left = lifetime::minimum(config, min_left)?;
    lifetime::before_start(config, min_left, true, true)?;
    Ok(admitted)
}

impl Admitted<'_, '_> {
    /// The stage's environment for `purpose`. Exporting keys may fail (no
    /// CLI, a v1 CLI, a failed assume): an error, as the caller must run
    /// nothing rather than fall back to the profile.
    pub fn environment(&self, purpose: Purpose) -> Result<StageEnv> {
        if !self.exports(purpose) {
            return Ok(self.env.clone());
        }
        let credentials = self.credentials()?;
        Ok(self.env.clone().with_credentials(&credentials))
    }

    /// `environment`, with exported keys that hold `min_left` seconds more
    /// (`lifetime`): short ones are forgotten and the role assumed again
    /// once; still short, a refusal.
    pub fn environment_holding(&self, purpose: Purpose, min_left: u32) -> Result<StageEnv> {
        if !self.exports(purpose) || min_left == 0 {
            return self.environment(purpose);
        }
        let source = self.key_source()?;
        let mut credentials = source.fetch(false)?;
        if !lifetime::keys_hold(&credentials, min_left) {
            credentials = source.fetch(true)?;
            if !lifetime::keys_hold(&credentials, min_left) {
                return Err(lifetime::keys_refused(
                    self.stage.name,
                    &credentials,
                    min_left,
                ));
            }
        }
        Ok(self.env.clone().with_credentials(&credentials))
    }

    /// Whether `purpose` gets the stage's keys instead of its profile.
    pub fn exports(&self, purpose: Purpose) -> bool {
        match purpose {
            Purpose::Command { export_requested } => {
                export_requested || self.stage.export_credentials
            }
            Purpose::Shell => false,
        }
    }

    /// The environment of acct's own AWS CLI call for the stage's profile:
    /// the stage's, applied to acct's own, with no profile variable.
    pub fn aws_cli_env(&self) -> Environment {
        self.env.clone().without_profile().apply_here()
    }

    /// The stage's temporary keys from the AWS CLI v2 (`configure
    /// export-credentials`; an MFA prompt reaches the terminal).
    pub fn credentials(&self) -> Result<Credentials> {
        self.key_source()?.fetch(false)
    }

    /// What fetches the stage's keys, owned (the endpoint's threads keep
    /// it): the AWS CLI, checked now to be one that can export them, so a
    /// v1 or missing CLI is refused before anything runs.
    pub fn key_source(&self) -> Result<KeySource> {
        let nothing_run = |mut failure: Failure| {
            failure.message.push_str("; nothing was run");
            failure
        };
        let cli = aws_cli(self.config).map_err(nothing_run)?;
        cli.must_export()?;
        Ok(KeySource {
            cli,
            env: self.aws_cli_env(),
            profile: self.stage.profile.clone(),
            role_arn: self.stage.role_arn.clone(),
        })
    }

    /// `exec --serve`'s command environment: the stage's with its profile
    /// (never keys, even where the stage sets `export_credentials`: the
    /// endpoint hands them out, renewed) and the endpoint's `variables`.
    pub fn served_env(&self, variables: &[(&str, String)]) -> StageEnv {
        let mut env = self.env.clone();
        for (name, value) in variables {
            env.put(name, Some(value.into()));
        }
        env
    }
}

/// The stage's keys as `aws configure export-credentials --profile P`
/// gives them, run with the stage's environment (no profile variable):
/// acct's one way to hold a stage's keys itself.
pub struct KeySource {
    cli: AwsCli,
    env: Environment,
    profile: String,
    role_arn: String,
}

impl KeySource {
    /// The keys; `renew`: the AWS CLI's cached ones for the role are
    /// forgotten first, so the role is assumed again.
    pub fn fetch(&self, renew: bool) -> Result<Credentials> {
        if renew {
            crate::aws::cli_cache::forget_roles([self.role_arn.as_str()]);
        }
        self.cli.export_credentials(&self.env, &self.profile)
    }
}

/// acct's own call of the AWS CLI outside any stage.
#[derive(Clone, Copy)]
pub enum Outside<'a> {
    /// STS GetSessionToken for the MFA session. Among what goes: the AWS CLI
    /// v1's `AWS_DATA_PATH`, which it exports to what it starts (acct, as
    /// its credential_process) and the CLI v2 breaks on.
    Session(&'a SessionSpec),
    /// `aws sso login`, with the config's AWS config file, which holds the
    /// `sso-session` it signs in to.
    SsoLogin(&'a Config),
    /// `aws --version`.
    Version(&'a Config),
}

/// The environment of `call`: acct's own (in a stage, the stage's: its
/// region is the call's), cleaned as a stage's is: no credential variable,
/// no profile selected (`--profile` decides), and no `AWS_*` name a stage
/// would drop (an endpoint override would receive the MFA code).
pub fn outside_stage(call: Outside<'_>) -> Environment {
    let (keep_env, aws_config_file): (&[String], Option<&Path>) = match call {
        Outside::Session(spec) => (&spec.keep_env, None),
        Outside::SsoLogin(config) => (&config.keep_env, config.aws_config_file.as_deref()),
        Outside::Version(config) => (&config.keep_env, None),
    };
    StageEnv::outside(keep_env, aws_config_file).for_call(process_env::all())
}

/// The AWS CLI the config names, with its version.
pub fn aws_cli(config: &Config) -> Result<AwsCli> {
    AwsCli::find(&config.aws_cli, &outside_stage(Outside::Version(config)))
}
