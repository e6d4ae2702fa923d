//! The stage model: the config file's content (README, "The config file") as
//! types, parsed and validated from text (`parse`, `rules`, `named`, `arn`,
//! `resolve`: no I/O). The file's I/O lives beside them, in three modules
//! only: `discover` finds and reads the file, `guard` checks who owns it,
//! `trust` and `project_files` decide whether a project config may run.
//! `process_env` is the one reader of acct's own environment (`HOME`, the
//! XDG folders, every variable), for every module.
//!
//! May import: `text`, `files`, `error`. Nothing above (`aws`, `stage`,
//! `shell`, `commands`).

pub mod arn;
mod diagnostic;
pub mod discover;
pub mod env_names;
mod guard;
pub mod named;
mod parse;
pub mod process_env;
mod project_files;
pub mod regions;
pub mod resolve;
pub mod rules;
pub mod session_name;
pub mod trust;

use std::path::PathBuf;

pub use diagnostic::Diagnostic;
pub use parse::parse;
pub use resolve::Stage;

/// How the estate's accounts are laid out (the reference notes' three cases).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topology {
    /// One account per stage in an AWS Organization we control.
    Organization,
    /// Member accounts without an Organization; `root` acts as the root.
    Member,
    /// One account in total: every stage is virtual and assumes the root's role.
    Single,
}

impl Topology {
    pub const ALL: [Topology; 3] = [Topology::Organization, Topology::Member, Topology::Single];
    pub const NAMES: [&'static str; 3] = [
        Topology::Organization.name(),
        Topology::Member.name(),
        Topology::Single.name(),
    ];

    /// The name the config's `topology` key and `acct init --topology` use.
    pub const fn name(self) -> &'static str {
        match self {
            Topology::Organization => "organization",
            Topology::Member => "member",
            Topology::Single => "single",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|topology| topology.name() == name)
    }
}

pub const PARTITIONS: [&str; 3] = ["aws", "aws-us-gov", "aws-cn"];

pub const DEFAULT_PROFILE_FORMAT: &str = "{namespace}-{stage}-admin";
pub const DEFAULT_PROMPT_FORMAT: &str = "[{namespace}-{stage}]";
/// The default when the estate has a session (MFA or Identity Center):
/// how long it holds, too.
pub const DEFAULT_PROMPT_FORMAT_SESSION: &str = "[{namespace}-{stage} {left}]";

/// A validated config. Stages keep the order of the file. Only the
/// validator (`parse`) makes one: its `root` is private to this module.
#[derive(Debug, Clone)]
pub struct Config {
    /// Absolute path of the file it was read from (`ACCT_CONFIG`).
    pub path: PathBuf,
    /// A project config (`acct.toml` found walking up, or reached through an
    /// `ACCT_CONFIG` acct exported for one): used only while allowed.
    pub project: bool,
    pub namespace: String,
    pub region: String,
    pub topology: Topology,
    pub source_profile: String,
    pub mfa_serial: Option<String>,
    pub root_stage: String,
    pub tenant: Option<String>,
    pub environment: Option<String>,
    pub profile_format: String,
    pub partition: String,
    /// Absolute, `~` expanded; relative paths are taken from the config's folder.
    pub aws_config_file: Option<PathBuf>,
    /// `aws_credentials_file`, read as `aws_config_file` is: exported as
    /// `AWS_SHARED_CREDENTIALS_FILE`, which `[env]` may not set.
    pub aws_credentials_file: Option<PathBuf>,
    /// The `shell` command line, already split into words.
    pub shell: Option<Vec<String>>,
    pub prompt_format: String,
    /// `prompt`: `Some(false)` leaves the prompt of `acct shell` alone,
    /// `Some(true)` adds the segment even under a prompt framework, `None`
    /// lets the hook detect one (starship) at each prompt.
    pub prompt: Option<bool>,
    pub aws_cli: String,
    /// `mfa_session = true`: one MFA session for every stage (`mfa_session`).
    pub mfa_session: Option<MfaSession>,
    /// `[sso]`: the estate signs in through IAM Identity Center.
    pub sso: Option<Sso>,
    /// `keep_env`: `AWS_*` names every stage keeps from the person's
    /// environment though acct would remove them (only in the person's own
    /// config: discovery refuses it in a project config).
    pub keep_env: Vec<String>,
    /// `min_session_left`, seconds: `exec`, `shell` and `exec --each`
    /// renew the MFA session (or refuse) when it holds less than this.
    pub min_session_left: u32,
    /// `role_session_name`, the format of the role sessions' name
    /// (`session_name`); `None` for `""`: no name rendered.
    pub role_session_name: Option<String>,
    /// Every file, folder and program the config names, resolved, with
    /// where it was written (`named`): a project config may name none
    /// inside its own tree.
    pub named: Vec<named::Named>,
    pub stages: Vec<StageConfig>,
    /// The root stage as validation found it: configured, with an account.
    /// `None` only when no stage is configured at all (an empty `[stages]`
    /// table), so there is nothing to resolve.
    root: Option<Root>,
}

/// The estate's MFA session as configured (validated: `mfa_serial` set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaSession {
    pub mfa_serial: String,
    /// Seconds, 15 minutes to 36 hours.
    pub duration: u32,
    pub mfa_process: Option<String>,
}

impl MfaSession {
    /// GetSessionToken's limits, in seconds.
    pub const MIN_DURATION: u32 = 15 * 60;
    pub const MAX_DURATION: u32 = 36 * 3600;
    pub const DEFAULT_DURATION: u32 = 12 * 3600;

    /// `12h`, `90m`, `1h30m` as seconds, within GetSessionToken's limits:
    /// `mfa_session_duration` and `acct login --duration`.
    pub fn duration_of(text: &str) -> Option<u32> {
        crate::text::clock::parse_duration(text)
            .filter(|s| (Self::MIN_DURATION..=Self::MAX_DURATION).contains(s))
    }

    /// The session profile the stage profiles name as `source_profile`.
    pub fn profile_name(namespace: &str) -> String {
        format!("{namespace}-mfa")
    }
}

/// The estate's IAM Identity Center sign-in (`[sso]`), validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sso {
    /// The AWS access portal URL, `https://d-1234567890.awsapps.com/start`.
    pub start_url: String,
    /// The Identity Center region (default: the config's `region`).
    pub region: String,
    /// The default permission set name.
    pub role: String,
}

impl Sso {
    /// The `[sso-session NAME]` acct renders: the namespace.
    pub fn session_name(namespace: &str) -> &str {
        namespace
    }
}

/// What every stage resolves against: the root stage's account and role.
#[derive(Debug, Clone)]
struct Root {
    account_id: String,
    role: Option<String>,
}

/// One `[stages.NAME]` table as written.
#[derive(Debug, Clone, Default)]
pub struct StageConfig {
    pub name: String,
    pub account_id: Option<String>,
    pub role: Option<String>,
    /// The permission set of this stage in an `[sso]` estate (default `[sso] role`).
    pub sso_role: Option<String>,
    pub region: Option<String>,
    pub protected: bool,
    pub export_credentials: bool,
    pub env: Vec<(String, String)>,
}

impl Config {
    pub fn stage_config(&self, name: &str) -> Option<&StageConfig> {
        self.stages.iter().find(|s| s.name == name)
    }

    /// Fill `{token}`s of a format with this stage's labels.
    /// Validation guarantees every token of the config's formats is known.
    /// Called once per stage on every start, so it allocates only the result.
    pub fn render_format(&self, format: &str, stage: &str) -> String {
        let mut out = String::with_capacity(format.len() + 16);
        self.render_format_into(&mut out, format, stage);
        out
    }

    /// `render_format`, appended to `out` (a buffer reused across stages).
    pub fn render_format_into(&self, out: &mut String, format: &str, stage: &str) {
        let mut rest = format;
        while let Some((open, close)) = next_token(rest) {
            out.push_str(&rest[..open]);
            let value = match &rest[open + 1..close] {
                "namespace" => Some(self.namespace.as_str()),
                "tenant" => self.tenant.as_deref(),
                "environment" => self.environment.as_deref(),
                "stage" => Some(stage),
                // Filled at every prompt by the hooks (`stage::expiry`).
                "left" => Some("{left}"),
                _ => None,
            };
            out.push_str(value.unwrap_or_default());
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
    }

    pub fn profile_name(&self, stage: &str) -> String {
        self.render_format(&self.profile_format, stage)
    }
}

/// Less than this many seconds left: the prompt's `{left}` is red. One
/// number for `acct prompt` (`stage::expiry`) and the three shells' hooks,
/// which acct writes it into (`shell::scripts`).
pub const LEFT_WARN_SECONDS: i64 = 15 * 60;

/// Where a hook keeps a `{left}` text for good (an expired session's): an
/// uptime second no machine reaches. For `stage::expiry` and fish's hook,
/// which acct writes it into (`shell::scripts`).
pub const LEFT_NEVER: i64 = 999_999_999_999;

/// A shell's first `{left}`, worked out by acct when it starts the shell
/// (`stage::expiry`) and handed over (`shell::scripts`), so that the
/// shell's first prompt only compares: the text for the expiry `expires`
/// (epoch seconds), whether it is red, and `until`, the second of the
/// shell's clock at which it stops holding (`LEFT_NEVER`: never).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstLeft {
    pub expires: i64,
    pub until: i64,
    pub red: bool,
    pub text: String,
}

/// A rendered `prompt_format` without its `{left}` (and the space before
/// it): where no time is shown (the console's display name, an outer stage
/// of a nested shell, nothing known).
pub fn without_left(segment: &str) -> String {
    segment.replace(" {left}", "").replace("{left}", "")
}

pub const FORMAT_TOKENS: [&str; 4] = ["namespace", "tenant", "environment", "stage"];

#[derive(Debug, PartialEq)]
pub(crate) enum FormatPiece<'a> {
    Text(&'a str),
    /// The name between braces, without them.
    Token(&'a str),
}

/// Byte offsets of the next `{` and its `}`; a `{` without a `}` is text.
fn next_token(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let open = bytes.iter().position(|&b| b == b'{')?;
    let close = open + bytes[open..].iter().position(|&b| b == b'}')?;
    Some((open, close))
}

/// Split `a{b}c` into text and tokens, for validating a format.
pub(crate) fn format_pieces(format: &str) -> Vec<FormatPiece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = format;
    while let Some((open, close)) = next_token(rest) {
        if open > 0 {
            pieces.push(FormatPiece::Text(&rest[..open]));
        }
        pieces.push(FormatPiece::Token(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(FormatPiece::Text(rest));
    }
    pieces
}
