//! The AWS side: the files the AWS clients read (`~/.aws/config` and
//! `~/.aws/credentials`, acct's managed block in them, how each client
//! reads them), the profiles acct renders, the AWS CLI as acct drives it
//! (one runner for every call) and the temporary credentials it hands back,
//! the caches the CLI keeps (assumed roles, the Identity Center token) and
//! the one MFA session every stage signs in through.
//!
//! May import: `config` (the model), `text`, `files`, `terminal`, `error`.
//! Never `stage`, `shell` or `commands`: a stage's environment is handed in.

pub mod cli;
pub mod cli_cache;
pub mod code_file;
pub mod credentials;
pub mod file;
pub mod mfa_session;
pub mod profiles;
pub mod sso_token;
