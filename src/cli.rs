//! Every command line acct accepts, as clap types, in one place.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "acct",
    version,
    about = "Enter one stage of an AWS estate: the right profile, account, role and labels, nothing stale",
    propagate_version = true
)]
pub struct Cli {
    /// Config file to use instead of searching (also: ACCT_CONFIG)
    #[arg(short = 'c', long = "config", global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the stages with their profile, account, role and region
    #[command(after_help = "Example:\n  acct list --json | jq -r '.[].profile'")]
    List(ListArgs),
    /// Print the active stage (ACCT_STAGE); exit 1 when there is none
    #[command(after_help = "Example:\n  acct current || echo 'not inside a stage'")]
    Current,
    /// Print the shell code that enters a stage in the current shell
    #[command(
        after_help = "Examples:\n  eval \"$(acct env prod)\"\n  acct env prod --shell fish | source"
    )]
    Env(EnvArgs),
    /// Run one command inside a stage
    #[command(after_help = "Example:\n  acct exec prod -- terraform plan")]
    Exec(ExecArgs),
    /// Trust a project's acct.toml (found walking up) after reading it
    #[command(
        after_help = "Example:\n  acct allow            # the nearest acct.toml upwards\n  acct allow ../infra/acct.toml"
    )]
    Allow(TrustArgs),
    /// Forget that a project's acct.toml was allowed
    #[command(after_help = "Example:\n  acct deny")]
    Deny(TrustArgs),
    /// Print the AWS config profiles of every stage
    #[command(
        name = "aws-config",
        after_help = "Example:\n  acct aws-config >> ~/.aws/config"
    )]
    AwsConfig,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EnvFormat {
    Bash,
    Zsh,
    Fish,
    Json,
}

#[derive(Debug, Args)]
pub struct EnvArgs {
    /// The stage to enter
    pub stage: String,
    /// Output for this shell (default: $SHELL's when bash, zsh or fish, else bash)
    #[arg(long, value_enum, value_name = "SHELL")]
    pub shell: Option<EnvFormat>,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Do not ask before running in a protected stage
    #[arg(long)]
    pub yes: bool,
    /// The stage to run in
    pub stage: String,
    /// The command and its arguments, after `--`, passed verbatim
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<OsString>,
}

#[derive(Debug, Args)]
pub struct TrustArgs {
    /// The config file (default: the nearest acct.toml upwards)
    pub path: Option<PathBuf>,
}
