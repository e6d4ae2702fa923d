//! The AWS config profiles of every stage, rendered in SPEC section 3's exact
//! form. Pure text; writing it into a file is the caller's business.

use crate::config::{Config, Stage};

/// One `[profile ...]` block, ending in a newline.
pub fn profile_block(config: &Config, stage: &Stage<'_>) -> String {
    let mut block = format!(
        "[profile {}]\nregion={}\nrole_arn={}\n",
        stage.profile, stage.region, stage.role_arn
    );
    if let Some(mfa) = &config.mfa_serial {
        block.push_str(&format!("mfa_serial={mfa}\n"));
    }
    block.push_str(&format!("source_profile={}\n", config.source_profile));
    block
}

/// Every stage's block in config-file order, one blank line between blocks.
pub fn render(config: &Config) -> String {
    config
        .stages()
        .map(|stage| profile_block(config, &stage))
        .collect::<Vec<_>>()
        .join("\n")
}
