//! Rules that need the whole config: the root stage, the single layout,
//! role ARNs against the partition, and the source profile.

use std::ops::Range;

use super::{StageSpans, Walker};
use crate::config::rules::{self, RoleRef};
use crate::config::{Config, Topology};
use crate::suggest;

impl Walker {
    /// Rules that need the whole config: the root stage, the single layout,
    /// role ARNs against the partition, and unique profile names.
    pub(super) fn across_stages(
        &mut self,
        config: &Config,
        spans: &[StageSpans],
        root_stage_span: Option<Range<usize>>,
        source_profile_span: Option<Range<usize>>,
    ) {
        let root_index = config
            .stages
            .iter()
            .position(|s| s.name == config.root_stage);
        let root_account = root_index.and_then(|i| config.stages[i].account_id.clone());
        match root_index {
            None => {
                let span = root_stage_span.clone().unwrap_or(0..0);
                let fix = match suggest::closest(
                    &config.root_stage,
                    config.stages.iter().map(|s| s.name.as_str()),
                ) {
                    Some(close) => format!("did you mean root_stage = \"{close}\"?"),
                    None => format!("add [stages.{}] with its account_id", config.root_stage),
                };
                if !config.stages.is_empty() || root_stage_span.is_some() {
                    self.error(
                        span,
                        format!("the root stage `{}` is not configured", config.root_stage),
                        fix,
                    );
                }
            }
            Some(i) if root_account.is_none() && !spans[i].account_written => self.error(
                spans[i].name.clone(),
                format!("the root stage `{}` has no account_id", config.root_stage),
                "add account_id = \"123456789012\" (the root account's id) to it",
            ),
            Some(_) => {}
        }
        for (stage, span) in config.stages.iter().zip(spans) {
            if let (Topology::Single, Some(id), Some(root)) =
                (config.topology, &stage.account_id, &root_account)
            {
                if id != root {
                    self.error(
                        span.account_id.clone().unwrap_or(span.name.clone()),
                        format!("stage `{}` has account {id}, but in the single topology every stage is the root account {root}", stage.name),
                        "remove its account_id (or use the root's), or change topology",
                    );
                }
            }
            if let (Some(role), Some(role_span)) = (&stage.role, &span.role) {
                if let Ok(RoleRef::Arn { partition, account }) = rules::role(role) {
                    if partition != config.partition {
                        self.error(
                            role_span.clone(),
                            format!("role ARN is in partition {partition:?} but the config's partition is {:?}", config.partition),
                            format!("use arn:{}:iam::... or set partition = \"{partition}\"", config.partition),
                        );
                    }
                    if config.topology == Topology::Single
                        && root_account.as_deref().is_some_and(|r| r != account)
                    {
                        self.error(
                            role_span.clone(),
                            format!("role ARN is in account {account}, but in the single topology every stage is the root account"),
                            "use a role of the root account, or only its name",
                        );
                    }
                }
            }
        }
        if !self.diagnostics.is_empty() {
            return; // profile names are only meaningful for a config whose formats are valid
        }
        // Profiles are unique by construction: every stage name is unique and
        // profile_format must hold {stage}. Only the source profile can clash.
        for (stage, span) in config.stages.iter().zip(spans) {
            let profile = config.profile_name(&stage.name);
            if profile == config.source_profile {
                self.error(
                    source_profile_span.clone().unwrap_or(span.name.clone()),
                    format!("stage `{}` gets the profile {profile:?}, the same as source_profile", stage.name),
                    "set source_profile to the profile holding your long-lived credentials, e.g. \"cpco\"",
                );
            }
        }
    }
}
