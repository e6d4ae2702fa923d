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
    /// Start your shell inside a stage, with the stage in its prompt
    #[command(
        after_help = "Examples:\n  acct shell testing\n  acct shell --nest prod    # from inside another stage shell"
    )]
    Shell(ShellArgs),
    /// Print the active stage's prompt segment (empty when none)
    #[command(
        after_help = "Example:\n  PS1='$(acct prompt) '$PS1   # better: eval \"$(acct init bash)\""
    )]
    Prompt,
    /// Print the hook that puts the stage segment into your own prompt
    #[command(
        after_help = "Examples:\n  eval \"$(acct init bash)\"   # in ~/.bashrc\n  eval \"$(acct init zsh)\"    # in ~/.zshrc\n  acct init fish | source     # in ~/.config/fish/config.fish"
    )]
    Init(InitArgs),
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
pub struct ShellArgs {
    /// Do not ask before entering a protected stage
    #[arg(long)]
    pub yes: bool,
    /// Enter even from inside another stage shell
    #[arg(long)]
    pub nest: bool,
    /// The stage to enter
    pub stage: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HookShell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Print the prompt hook for this shell
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Option<HookShell>,
    /// Print the whole hook script instead of the line that loads it
    #[arg(long, hide = true, requires = "shell")]
    pub print_full_init: bool,
}
