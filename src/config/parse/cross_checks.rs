//! Rules that need the whole config: the root stage, the single layout,
//! role ARNs against the partition, and the source profile.

use std::ops::Range;

use super::top_level::{Checked, Required, TopLevel};
use super::{StageSpans, Walker};
use crate::config::rules::{self, RoleRef};
use crate::config::{Config, Root, StageConfig, Topology};
use crate::text::suggest;

impl Walker {
    /// SPEC: the root stage is configured and has an account. Gives it when so.
    pub(super) fn root(
        &mut self,
        stages: &[StageConfig],
        spans: &[StageSpans],
        name: &str,
        name_span: Option<Range<usize>>,
    ) -> Option<Root> {
        let Some((stage, span)) = stages.iter().zip(spans).find(|(s, _)| s.name == name) else {
            if !stages.is_empty() || name_span.is_some() {
                let fix = match suggest::closest(name, stages.iter().map(|s| s.name.as_str())) {
                    Some(close) => format!("did you mean root_stage = \"{close}\"?"),
                    None => format!("add [stages.{name}] with its account_id"),
                };
                self.error(
                    name_span.unwrap_or(0..0),
                    format!("the root stage `{name}` is not configured"),
                    fix,
                );
            }
            return None;
        };
        let Some(account_id) = &stage.account_id else {
            // An account_id that was written but invalid is reported already.
            if !span.account_written {
                self.error(
                    span.name.clone(),
                    format!("the root stage `{name}` has no account_id"),
                    "add account_id = \"123456789012\" (the root account's id) to it",
                );
            }
            return None;
        };
        Some(Root {
            account_id: account_id.clone(),
            role: stage.role.clone(),
        })
    }

    /// The single layout keeps every stage in the root account, and role
    /// ARNs are in the config's partition.
    pub(super) fn stage_rules(
        &mut self,
        stages: &[StageConfig],
        spans: &[StageSpans],
        required: &Required,
        root: Option<&Root>,
    ) {
        let single = required.topology == Topology::Single;
        let root_account = root.map(|r| r.account_id.as_str());
        for (stage, span) in stages.iter().zip(spans) {
            if let (true, Some(id), Some(root)) = (single, &stage.account_id, root_account) {
                if id != root {
                    self.error(
                        span.account_id.clone().unwrap_or(span.name.clone()),
                        format!("stage `{}` has account {id}, but in the single topology every stage is the root account {root}", stage.name),
                        "remove its account_id (or use the root's), or change topology",
                    );
                }
            }
            if let (Some(role), Some(role_span)) = (&stage.role, &span.role) {
                self.role_arn(role, role_span, &required.partition, single, root_account);
            }
        }
    }

    /// `sso_role` needs `[sso]` and an account of the stage's own; with
    /// `[sso]` a stage of its own account signs in with a permission set,
    /// not a `role` (the root's `role` is what virtual stages assume).
    pub(super) fn sso_stage_rules(
        &mut self,
        stages: &[StageConfig],
        spans: &[StageSpans],
        required: &Required,
        checked: &Checked,
        top: &TopLevel<'_, '_>,
    ) {
        let root = top.root_stage_name();
        for (stage, span) in stages.iter().zip(spans) {
            let is_root = stage.name == root;
            let is_virtual =
                !is_root && (required.topology == Topology::Single || !span.account_written);
            let name = &stage.name;
            if let Some(sso_span) = &span.sso_role {
                if !checked.sso_written {
                    self.error(
                        sso_span.clone(),
                        format!("`sso_role` in [stages.{name}] needs an [sso] table"),
                        "add [sso] with start_url, region and role, or remove `sso_role`",
                    );
                } else if is_virtual {
                    self.error(
                        sso_span.clone(),
                        format!("stage `{name}` has no account of its own: it signs in through the root's profile, so `sso_role` has no effect"),
                        "remove `sso_role`, or give the stage its own account_id",
                    );
                }
            }
            if let (true, false, false, Some(role_span)) =
                (checked.sso_written, is_virtual, is_root, &span.role)
            {
                self.error(
                    role_span.clone(),
                    format!("stage `{name}` signs in to its account with a permission set: `role` has no effect with [sso]"),
                    "write sso_role = \"PERMISSION_SET\" instead (default: [sso] role)",
                );
            }
        }
    }

    fn role_arn(
        &mut self,
        role: &str,
        span: &Range<usize>,
        config_partition: &str,
        single: bool,
        root_account: Option<&str>,
    ) {
        let Ok(RoleRef::Arn { partition, account }) = rules::role(role) else {
            return;
        };
        if partition != config_partition {
            self.error(
                span.clone(),
                format!("role ARN is in partition {partition:?} but the config's partition is {config_partition:?}"),
                format!("use arn:{config_partition}:iam::... or set partition = \"{partition}\""),
            );
        }
        if single && root_account.is_some_and(|r| r != account) {
            self.error(
                span.clone(),
                format!("role ARN is in account {account}, but in the single topology every stage is the root account"),
                "use a role of the root account, or only its name",
            );
        }
    }

    /// No stage's profile may be the source profile.
    pub(super) fn source_profile_clash(
        &mut self,
        config: &Config,
        spans: &[StageSpans],
        source_profile_span: Option<Range<usize>>,
    ) {
        if !self.diagnostics.is_empty() {
            return; // profile names are only meaningful for a config whose formats are valid
        }
        // Profiles are unique by construction: every stage name is unique and
        // profile_format must hold {stage}. Only the source profile can clash.
        let session = config
            .mfa_session
            .as_ref()
            .map(|_| crate::config::MfaSession::profile_name(&config.namespace));
        let mut profile = String::new();
        for (stage, span) in config.stages.iter().zip(spans) {
            profile.clear();
            config.render_format_into(&mut profile, &config.profile_format, &stage.name);
            if profile == config.source_profile {
                self.error(
                    source_profile_span.clone().unwrap_or(span.name.clone()),
                    format!("stage `{}` gets the profile {profile:?}, the same as source_profile", stage.name),
                    "set source_profile to the profile holding your long-lived credentials, e.g. \"cpco\"",
                );
            }
            if session.as_ref() == Some(&profile) {
                self.error(
                    span.name.clone(),
                    format!("stage `{}` gets the profile {profile:?}, the name of the MFA session profile", stage.name),
                    "rename the stage, or change profile_format",
                );
            }
        }
        if session.as_ref() == Some(&config.source_profile) {
            self.error(
                source_profile_span.unwrap_or(0..0),
                format!("source_profile {:?} is the name of the MFA session profile", config.source_profile),
                "set source_profile to the profile holding your long-lived credentials, e.g. \"cpco\"",
            );
        }
    }
}
