//! The AWS config profiles of every stage, rendered in SPEC section 3's exact
//! form. Pure text; writing it into a file is the caller's business.

use crate::aws::mfa_session::SessionSpec;
use crate::config::{Config, Sso, Stage};

/// One `[profile ...]` block, ending in a newline. With an MFA session the
/// stage's source is the session profile, which holds the MFA already.
pub fn profile_block(config: &Config, stage: &Stage<'_>) -> String {
    if let Some(sso) = &stage.sso {
        return format!(
            "[profile {}]\nregion={}\nsso_session={}\nsso_account_id={}\nsso_role_name={}\n",
            stage.profile,
            stage.region,
            Sso::session_name(&config.namespace),
            sso.account_id,
            sso.role_name
        );
    }
    if config.sso.is_some() {
        // A virtual stage: signed in to the root account through the
        // root's profile, it assumes its role there.
        let mut block = format!(
            "[profile {}]\nregion={}\nrole_arn={}\nsource_profile={}\n",
            stage.profile,
            stage.region,
            stage.role_arn,
            config.profile_name(&config.root_stage)
        );
        push_session_name(&mut block, config, stage);
        return block;
    }
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
    push_session_name(&mut block, config, stage);
    block
}

/// The name of the role session, which CloudTrail shows: botocore, the Go
/// SDK v2 and the JS SDK v3 read it from the profile (config `session_name`).
fn push_session_name(block: &mut String, config: &Config, stage: &Stage<'_>) {
    if let Some(name) = config.role_session_name(stage.name) {
        block.push_str(&format!("role_session_name={name}\n"));
    }
}

/// The `[sso-session NAMESPACE]` section every SSO profile names.
pub fn sso_session_block(config: &Config, sso: &Sso) -> String {
    format!(
        "[sso-session {}]\nsso_start_url={}\nsso_region={}\nsso_registration_scopes=sso:account:access\n",
        Sso::session_name(&config.namespace),
        sso.start_url,
        sso.region
    )
}

/// The block's one section that is not a stage's, named as botocore reads
/// it: the MFA session profile (`cpco-mfa`) or `sso-session cpco`.
pub fn shared_section(config: &Config) -> Option<String> {
    if config.mfa_session.is_some() {
        Some(SessionSpec::profile_name(&config.namespace))
    } else {
        config
            .sso
            .as_ref()
            .map(|_| format!("sso-session {}", Sso::session_name(&config.namespace)))
    }
}

/// Every stage's block in config-file order, one blank line between blocks;
/// the session profile (or the `sso-session` section) first when the estate has one.
pub fn render(config: &Config) -> String {
    SessionSpec::of(config)
        .map(|spec| spec.profile_block())
        .into_iter()
        .chain(
            config
                .sso
                .as_ref()
                .map(|sso| sso_session_block(config, sso)),
        )
        .chain(config.stages().map(|stage| profile_block(config, &stage)))
        .collect::<Vec<_>>()
        .join("\n")
}
