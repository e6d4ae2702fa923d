//! The AWS config profiles of every stage, rendered in SPEC section 3's exact
//! form. Pure text; writing it into a file is the caller's business.

use crate::config::{Config, Stage};
use crate::mfa_session::SessionSpec;

/// One `[profile ...]` block, ending in a newline. With an MFA session the
/// stage's source is the session profile, which holds the MFA already.
pub fn profile_block(config: &Config, stage: &Stage<'_>) -> String {
    let mut block = format!(
        "[profile {}]\nregion={}\nrole_arn={}\n",
        stage.profile, stage.region, stage.role_arn
    );
    let source = match SessionSpec::of(config) {
        Some(_) => SessionSpec::profile_name(&config.namespace),
        None => {
            if let Some(mfa) = &config.mfa_serial {
                block.push_str(&format!("mfa_serial={mfa}\n"));
            }
            config.source_profile.clone()
        }
    };
    block.push_str(&format!("source_profile={source}\n"));
    block
}

/// Every stage's block in config-file order, one blank line between blocks;
/// the session profile first when the estate has one.
pub fn render(config: &Config) -> String {
    SessionSpec::of(config)
        .map(|spec| spec.profile_block())
        .into_iter()
        .chain(config.stages().map(|stage| profile_block(config, &stage)))
        .collect::<Vec<_>>()
        .join("\n")
}
