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
    /// Print, write or check the AWS config profiles of every stage
    #[command(
        name = "aws-config",
        after_help = "Examples:\n  acct aws-config --write\n  acct aws-config --check   # in CI: exit 1 when ~/.aws/config drifted"
    )]
    AwsConfig(AwsConfigArgs),
    /// Check the config, the AWS config file and the AWS CLI; with --sts, each stage's identity
    #[command(after_help = "Examples:\n  acct doctor\n  acct doctor --sts prod")]
    Doctor(DoctorArgs),
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("mode").args(["write", "check"]))]
pub struct AwsConfigArgs {
    /// Write the profiles into acct's marked block of the AWS config file
    #[arg(long)]
    pub write: bool,
    /// Exit 1 and print a diff when the file differs from what --write would write
    #[arg(long)]
    pub check: bool,
    /// The AWS config file (default: aws_config_file, else AWS_CONFIG_FILE, else ~/.aws/config)
    #[arg(long, value_name = "PATH", requires = "mode")]
    pub file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Also ask STS (through the AWS CLI) who each stage's profile really is
    #[arg(long)]
    pub sts: bool,
    /// Only these stages (default: every stage)
    #[arg(value_name = "STAGE")]
    pub stages: Vec<String>,
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
    /// Set the stage's temporary keys instead of its profile (asks for MFA here, for Terraform)
    #[arg(long)]
    pub export_credentials: bool,
    /// The stage to run in
    pub stage: String,
    /// The command and its arguments, after `--`, passed verbatim
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<OsString>,
}
