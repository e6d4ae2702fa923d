//! `acct logout`: end the estate's MFA session and forget the roles the AWS
//! CLI assumed for its stages, so nothing goes on serving them.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::aws::cli_cache;
use crate::aws::mfa_session::{self, SessionSpec};
use crate::config::discover;
use crate::error::{Failure, Result};

pub fn logout(config: Option<PathBuf>) -> Result<ExitCode> {
    let config = discover::load(config)?;
    if config.sso.is_some() {
        return Err(Failure::other(
            format!(
                "{} signs in through IAM Identity Center, not an MFA session",
                config.namespace
            ),
            "run `aws sso logout` (it signs the AWS CLI out of every Identity Center session)",
        ));
    }
    let session = SessionSpec::of(&config);
    // Every folder, whatever the config says today: a session made before
    // `mfa_session` was turned off, or where XDG_RUNTIME_DIR was unset,
    // would otherwise go on being served.
    let (removed, looked_in) = mfa_session::end(&config.namespace)?;
    for file in &removed {
        eprintln!(
            "acct: ended the MFA session of {} (removed {})",
            config.namespace,
            file.display()
        );
    }
    if removed.is_empty() && session.is_some() {
        let dirs: Vec<String> = looked_in.iter().map(|d| d.display().to_string()).collect();
        eprintln!(
            "acct: there was no MFA session of {} (looked in {})",
            config.namespace,
            dirs.join(", ")
        );
    }
    // The AWS CLI would otherwise go on serving each role it assumed, for
    // up to an hour, with no session and no code.
    let mut roles: Vec<String> = config.stages().map(|s| s.role_arn).collect();
    roles.sort();
    roles.dedup();
    let removed = cli_cache::forget_roles(roles.iter().map(String::as_str));
    let cache = cli_cache::dir().unwrap_or_default();
    if removed > 0 {
        eprintln!(
            "acct: removed {removed} role credential{} of {}'s stages from the AWS CLI's cache ({})",
            if removed == 1 { "" } else { "s" },
            config.namespace,
            cache.display()
        );
    } else if session.is_none() {
        eprintln!(
            "acct: the AWS CLI's cache ({}) holds no role credentials of {}'s stages",
            cache.display(),
            config.namespace
        );
    }
    Ok(ExitCode::SUCCESS)
}
