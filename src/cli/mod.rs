//! Every command line acct accepts, as clap types, in one place.
//!
//! With the completion engine (`completion`), which answers for the
//! command line these types describe. May import: `config`, `shell` (the
//! shells' names), `text`, `error`; never `commands`.

pub mod completion;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

use crate::cli::completion::stage_names::stage_names;
use crate::config::Topology;
use crate::shell::scripts::Shell;

#[derive(Debug, Parser)]
#[command(
    name = "acct",
    version,
    about = "Enter one stage of an AWS estate: the right profile, account, role and labels, nothing stale",
    propagate_version = true,
    after_help = "Examples:\n  acct init\n  acct list\n  acct exec prod -- terraform plan\n  eval \"$(acct env testing)\""
)]
pub struct Cli {
    /// Config file to use instead of searching (also: ACCT_CONFIG)
    #[arg(
        short = 'c',
        long = "config",
        global = true,
        value_name = "PATH",
        value_hint = ValueHint::FilePath
    )]
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
        after_help = "Examples:\n  eval \"$(acct env prod)\"\n  acct env prod --shell fish | source\n  eval \"$(acct env --unset)\"   # leave the stage in this shell"
    )]
    Env(EnvArgs),
    /// Run one command inside a stage
    #[command(
        after_help = "Examples:\n  acct exec prod -- terraform plan\n  acct exec --serve prod -- docker run --network host -e AWS_CONTAINER_CREDENTIALS_FULL_URI -e AWS_CONTAINER_AUTHORIZATION_TOKEN -e AWS_REGION IMAGE\n  acct exec --all --parallel 4 -- aws sts get-caller-identity\n  acct exec --each testing,prod -- terraform plan\n  acct exec --all --fail-fast --summary-json summary.json -- terraform plan"
    )]
    Exec(ExecArgs),
    /// Trust a project's acct.toml (found walking up) after reading it
    #[command(
        after_help = "Example:\n  acct allow            # the nearest acct.toml upwards\n  acct allow ../infra/acct.toml"
    )]
    Allow(TrustArgs),
    /// Forget that a project's acct.toml was allowed
    #[command(after_help = "Example:\n  acct deny")]
    Deny(TrustArgs),
    /// Start your shell inside a stage, with the stage in its prompt
    #[command(
        after_help = "Examples:\n  acct shell testing\n  acct shell --nest prod    # from inside another stage shell"
    )]
    Shell(ShellArgs),
    /// Serve a stage's keys on 127.0.0.1 to SDKs and containers (the ECS credential protocol) until Ctrl-C
    #[command(after_help = SERVE_HELP)]
    Serve(ServeArgs),
    /// Open the AWS console in a stage's account, role and region (or print its URL)
    #[command(
        after_help = "Examples:\n  acct console testing\n  acct console --print prod\n  acct console --federate testing   # sign in with the stage's own credentials"
    )]
    Console(ConsoleArgs),
    /// Print the active stage's prompt segment (empty when none)
    #[command(
        after_help = "Example:\n  PS1='$(acct prompt) '$PS1   # better: eval \"$(acct init bash)\""
    )]
    Prompt,
    /// Print, write or check the AWS config profiles of every stage
    #[command(
        name = "aws-config",
        after_help = "Examples:\n  acct aws-config --write\n  acct aws-config --check   # in CI: exit 1 when ~/.aws/config drifted"
    )]
    AwsConfig(AwsConfigArgs),
    /// Check the config, the AWS config file and the AWS CLI; with --sts, each stage's identity
    #[command(after_help = "Examples:\n  acct doctor\n  acct doctor --sts prod")]
    Doctor(DoctorArgs),
    /// Print the completion script of a shell; stage names complete from the config
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Write a starter config (asks on a terminal, or takes every answer as an option)
    #[command(after_help = INIT_HELP)]
    Init(InitArgs),
    /// Start (or renew) the estate's MFA session, or sign in to IAM Identity Center (`aws sso login`)
    #[command(after_help = "Examples:\n  acct login\n  acct login --duration 8h")]
    Login(LoginArgs),
    /// End the estate's MFA session and forget the roles the AWS CLI cached for its stages
    #[command(after_help = "Example:\n  acct logout")]
    Logout,
    /// The credential_process of the session profile that `acct aws-config` writes
    #[command(name = "mfa-session", hide = true)]
    MfaSession(MfaSessionArgs),
    /// Kills the stages of an `acct exec --each` that died (acct starts it itself)
    #[command(name = "exec-each-guard", hide = true)]
    ExecEachGuard,
    /// Print acct's man page (roff), for install.sh and packagers
    #[command(
        hide = true,
        after_help = "Example:\n  acct manpage > ~/.local/share/man/man1/acct.1"
    )]
    Manpage,
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
    /// Take over the namespace's block when another config wrote it
    #[arg(long, requires = "mode")]
    pub force: bool,
    /// Move your own sections of the profiles acct writes into its block (diff shown, old file backed up)
    #[arg(long, requires = "mode")]
    pub adopt: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Also ask STS (through the AWS CLI) who each stage's profile really is
    #[arg(long)]
    pub sts: bool,
    /// Only these stages (default: every stage)
    #[arg(value_name = "STAGE", add = stage_names())]
    pub stages: Vec<String>,
}

const COMPLETIONS_HELP: &str = "\
Examples:
  echo 'source <(acct completions bash)' >> ~/.bashrc
  acct completions zsh > ~/.local/share/zsh/site-functions/_acct
  acct completions fish > ~/.local/share/fish/vendor_completions.d/acct.fish

The script calls acct back at each TAB, so a stage added to the config
completes at once, without generating the script again.";

const INIT_HELP: &str = "\
Examples:
  acct init
  acct init --namespace cpco --region us-west-2 --topology single \\
      --root-account 323330167063 --stages root,testing
  acct init --topology organization --namespace cpco --region us-west-2 \\
      --root-account 323330167063 --stages root,dev,prod \\
      --account dev=111111111111 --account prod=222222222222

Without options on a terminal it asks for each answer. The file is checked
like any config before it is written, and an existing file is kept unless
--force is given.";

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// How long the session holds, 15m to 36h (default: mfa_session_duration, else 12h); starts a new one
    #[arg(long, value_name = "DURATION")]
    pub duration: Option<String>,
    /// Start a new session (sign in again) even while the current one holds
    #[arg(long)]
    pub force: bool,
}

/// The session's parameters, as the `credential_process` line carries them.
#[derive(Debug, Args)]
pub struct MfaSessionArgs {
    #[arg(long)]
    pub namespace: String,
    #[arg(long)]
    pub source_profile: String,
    #[arg(long)]
    pub mfa_serial: String,
    /// Seconds
    #[arg(long)]
    pub duration: u32,
    #[arg(long, default_value = "aws")]
    pub aws_cli: String,
    #[arg(long)]
    pub mfa_process: Option<String>,
    /// An `AWS_*` variable the session's call keeps (the config's keep_env); repeated
    #[arg(long = "keep-env", value_name = "NAME")]
    pub keep_env: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

/// What `acct env` prints: code for one of the shells, or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvFormat {
    Shell(Shell),
    Json,
}

impl ValueEnum for EnvFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            EnvFormat::Shell(Shell::Bash),
            EnvFormat::Shell(Shell::Zsh),
            EnvFormat::Shell(Shell::Fish),
            EnvFormat::Json,
        ]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        match self {
            EnvFormat::Shell(shell) => shell.to_possible_value(),
            EnvFormat::Json => Some(clap::builder::PossibleValue::new("json")),
        }
    }
}

#[derive(Debug, Args)]
pub struct EnvArgs {
    /// The stage to enter
    #[arg(add = stage_names(), required_unless_present = "unset")]
    pub stage: Option<String>,
    /// Print what leaves the active stage instead: every variable a stage sets is removed
    #[arg(long, conflicts_with_all = ["stage", "yes"])]
    pub unset: bool,
    /// Output for this shell (default: the shell that runs acct when bash, zsh or fish, else $SHELL's, else bash)
    #[arg(long, value_enum, value_name = "SHELL")]
    pub shell: Option<EnvFormat>,
    /// Do not ask before entering a protected stage
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Do not ask before running in a protected stage
    #[arg(long)]
    pub yes: bool,
    /// Set the stage's temporary keys instead of its profile (asks for MFA here, for Terraform)
    #[arg(long)]
    pub export_credentials: bool,
    /// Renew the MFA session first (one code) when it holds less than D, e.g. 1h (default: min_session_left, else 30m)
    #[arg(long, value_name = "D", value_parser = min_left)]
    pub min_left: Option<u32>,
    /// Serve the stage's keys to the command on 127.0.0.1 (AWS_CONTAINER_CREDENTIALS_FULL_URI), renewed, e.g. for a container
    #[arg(long, conflicts_with_all = ["each", "all", "export_credentials"])]
    pub serve: bool,
    /// The stage to run in (none: choose from a list on the terminal)
    #[arg(add = stage_names(), conflicts_with_all = ["each", "all"])]
    pub stage: Option<String>,
    /// Run once in each of these stages (comma separated), output prefixed with the stage
    #[arg(
        long,
        value_name = "STAGES",
        value_delimiter = ',',
        conflicts_with = "all",
        add = stage_names()
    )]
    pub each: Vec<String>,
    /// Run once in every stage of the config
    #[arg(long)]
    pub all: bool,
    /// With --each or --all: at most N stages at a time (default 1: one after another)
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub parallel: u16,
    /// With --each or --all: start no more stages after the first failure (default: run them all)
    #[arg(long, conflicts_with = "stage")]
    pub fail_fast: bool,
    /// With --each or --all: also write the summary as JSON to FILE (or /dev/fd/N)
    #[arg(long, value_name = "FILE", conflicts_with = "stage")]
    pub summary_json: Option<PathBuf>,
    /// The command and its arguments, after `--`, passed verbatim
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<OsString>,
}

#[derive(Debug, Args)]
pub struct TrustArgs {
    /// The config file (default: the nearest acct.toml upwards)
    pub path: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ShellArgs {
    /// Do not ask before entering a protected stage
    #[arg(long)]
    pub yes: bool,
    /// Enter even from inside another stage shell
    #[arg(long)]
    pub nest: bool,
    /// Set the stage's temporary keys instead of its profile (asks for MFA here, for Terraform)
    #[arg(long)]
    pub export_credentials: bool,
    /// Renew the MFA session first (one code) when it holds less than D, e.g. 1h (default: min_session_left, else 30m)
    #[arg(long, value_name = "D", value_parser = min_left)]
    pub min_left: Option<u32>,
    /// The stage to enter (none: choose from a list on the terminal)
    #[arg(add = stage_names())]
    pub stage: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Do not ask before serving a protected stage
    #[arg(long)]
    pub yes: bool,
    /// Renew the MFA session first (one code) when it holds less than D, e.g. 1h (default: min_session_left, else 30m)
    #[arg(long, value_name = "D", value_parser = min_left)]
    pub min_left: Option<u32>,
    /// Print the variables for this shell (default: the shell that runs acct when bash, zsh or fish, else $SHELL's, else bash)
    #[arg(long, value_enum, value_name = "SHELL")]
    pub shell: Option<EnvFormat>,
    /// The stage whose keys to serve (none: choose from a list on the terminal)
    #[arg(add = stage_names())]
    pub stage: Option<String>,
}

const SERVE_HELP: &str = "\
Examples:
  acct serve prod                   # prints the two variables; Ctrl-C stops it
  acct serve --shell json prod      # the same as JSON, for an IDE or a script
  acct exec --serve prod -- docker run --network host \\
      -e AWS_CONTAINER_CREDENTIALS_FULL_URI -e AWS_CONTAINER_AUTHORIZATION_TOKEN \\
      -e AWS_REGION cloudposse/geodesic

Any AWS SDK given the two variables asks the endpoint for the stage's
temporary keys, and again before they expire; acct renews them from the MFA
session, the source profile or Identity Center. Only 127.0.0.1, only with
the token, which is new each run.";

#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// Print the URL instead of opening a browser
    #[arg(long)]
    pub print: bool,
    /// Sign in with the stage's temporary credentials (federation) instead of the switch-role link
    #[arg(long)]
    pub federate: bool,
    /// Do not ask before opening a protected stage
    #[arg(long)]
    pub yes: bool,
    /// The stage whose console to open (none: choose from a list on the terminal)
    #[arg(add = stage_names())]
    pub stage: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to print the script for
    pub shell: Shell,
}

/// `--topology` takes the config's own names, from the one list in `config`.
impl ValueEnum for Topology {
    fn value_variants<'a>() -> &'a [Self] {
        &Topology::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Print the prompt hook for this shell instead of writing a config
    #[arg(value_enum, value_name = "SHELL", conflicts_with_all = ["path", "force", "namespace", "region", "topology", "root_account", "stages", "accounts", "sso_start_url", "sso_region", "sso_role", "source_profile", "mfa_serial", "no_mfa_session", "protected"])]
    pub shell: Option<Shell>,
    /// Print the whole hook script instead of the line that loads it
    #[arg(long, hide = true, requires = "shell")]
    pub print_full_init: bool,
    /// Where to write (default: $XDG_CONFIG_HOME/acct/config.toml, else ~/.config/acct/config.toml)
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub path: Option<PathBuf>,
    /// Replace an existing file
    #[arg(long)]
    pub force: bool,
    /// The namespace label (e.g. cpco)
    #[arg(long, value_name = "NAME")]
    pub namespace: Option<String>,
    /// The default region of every stage (e.g. us-west-2)
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// How the accounts are laid out
    #[arg(long, value_enum, value_name = "LAYOUT")]
    pub topology: Option<Topology>,
    /// The 12-digit account id of the root stage
    #[arg(long, value_name = "ID")]
    pub root_account: Option<String>,
    /// The stage names, comma separated; `root` is added when missing
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub stages: Vec<String>,
    /// A stage's own account (organization and member layouts); repeatable
    #[arg(long = "account", value_name = "STAGE=ID")]
    pub accounts: Vec<String>,
    /// Sign in through IAM Identity Center: its AWS access portal URL
    #[arg(long, value_name = "URL")]
    pub sso_start_url: Option<String>,
    /// The Identity Center region (default: --region)
    #[arg(long, value_name = "REGION")]
    pub sso_region: Option<String>,
    /// The permission set every stage signs in with (default: AdministratorAccess)
    #[arg(long, value_name = "NAME")]
    pub sso_role: Option<String>,
    /// The profile with your long-lived keys (default: the namespace)
    #[arg(long, value_name = "PROFILE", conflicts_with = "sso_start_url")]
    pub source_profile: Option<String>,
    /// Your MFA device: its ARN, or a hardware token's serial number
    #[arg(long, value_name = "DEVICE", conflicts_with = "sso_start_url")]
    pub mfa_serial: Option<String>,
    /// With --mfa-serial: no MFA session (a code per role instead of a code a day)
    #[arg(long, requires = "mfa_serial")]
    pub no_mfa_session: bool,
    /// The protected stages, comma separated, or `none` (default: stages named like prod)
    #[arg(long, value_name = "STAGES", value_delimiter = ',')]
    pub protected: Option<Vec<String>>,
}

impl InitArgs {
    /// Any answer given as an option: then none is asked for.
    pub fn has_answers(&self) -> bool {
        self.namespace.is_some()
            || self.region.is_some()
            || self.topology.is_some()
            || self.root_account.is_some()
            || !self.stages.is_empty()
            || !self.accounts.is_empty()
            || self.sso_start_url.is_some()
            || self.sso_region.is_some()
            || self.sso_role.is_some()
            || self.source_profile.is_some()
            || self.mfa_serial.is_some()
            || self.protected.is_some()
    }
}

/// `--min-left`: written like `min_session_left` (`30m`, `1h`, `0m` for off).
fn min_left(text: &str) -> std::result::Result<u32, String> {
    crate::text::clock::parse_duration(text)
        .ok_or_else(|| format!("{text:?} is not a duration: write it like 30m, 1h or 1h30m"))
}

/// `acct exec testing terraform plan`, without the `--` that separates the
/// command: clap only says "unexpected argument"; this says where `--` goes.
pub fn missing_separator(
    error: &clap::Error,
    args: impl Iterator<Item = String>,
) -> Option<String> {
    if error.kind() != clap::error::ErrorKind::UnknownArgument {
        return None;
    }
    let args: Vec<String> = args.collect();
    let at = args.iter().position(|a| a == "exec")?;
    let rest = &args[at + 1..];
    if rest.iter().any(|a| a == "--") {
        return None;
    }
    let stage = rest.iter().position(|a| !a.starts_with('-'))?;
    let (before, command) = rest.split_at(stage + 1);
    if command.is_empty() {
        return None;
    }
    let words = |words: &[String]| {
        words
            .iter()
            .map(|word| crate::text::quote::posix(word.as_ref()).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    };
    Some(format!(
        "put `--` before the command: acct exec {} -- {}",
        words(before),
        words(command)
    ))
}
