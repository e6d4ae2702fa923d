//! `[sso]`: sign-in through IAM Identity Center, checked as every key is,
//! with the combinations that make no sense beside it.

use std::ops::Range;

use super::TopLevel;
use crate::config::parse::{Value, Walker, kind};
use crate::config::{Sso, rules};

use toml::de::DeValue;

const SSO_KEYS: [&str; 3] = ["start_url", "region", "role"];

impl Walker {
    /// `[sso]`: start_url (an https URL), region (default: the config's),
    /// role (a permission set name); no MFA keys beside it.
    pub(super) fn sso(&mut self, value: &Value<'_>, top: &TopLevel<'_, '_>) -> Option<Sso> {
        let DeValue::Table(table) = value.get_ref() else {
            self.error(
                value.span(),
                format!("`sso` must be a table, not {}", kind(value.get_ref())),
                "write it as a table: [sso] with start_url, region and role",
            );
            return None;
        };
        for (key, w) in [
            ("mfa_serial", &top.mfa_serial),
            ("mfa_session_duration", &top.mfa_session_duration),
            ("mfa_process", &top.mfa_process),
        ] {
            if let Some(w) = w {
                self.error(
                    w.span.clone(),
                    format!("`{key}` makes no sense with [sso]: Identity Center signs you in, with its own MFA"),
                    format!("remove `{key}`, or remove [sso] to sign in as an IAM user"),
                );
            }
        }
        if let Some(w) = &top.source_profile {
            self.error(
                w.span.clone(),
                "`source_profile` has no effect with [sso]: stages sign in through Identity Center, and a virtual stage through the root's profile",
                "remove `source_profile`, or remove [sso] to sign in as an IAM user",
            );
        }
        if let Some((true, span)) = &top.mfa_session {
            self.error(
                span.clone(),
                "`mfa_session` makes no sense with [sso]: `acct login` signs in to Identity Center instead",
                "remove `mfa_session`, or remove [sso] to sign in as an IAM user",
            );
        }
        let (mut start_url, mut region, mut role) = (None, None, None);
        let mut ok = true;
        for (key, value) in table {
            let name = key.get_ref().as_ref();
            let slot = match name {
                "start_url" => &mut start_url,
                "region" => &mut region,
                "role" => &mut role,
                _ => {
                    self.unknown_key(key, &SSO_KEYS, "[sso]");
                    continue;
                }
            };
            match self.string(name, value) {
                Some(s) => *slot = Some((s, value.span())),
                None => ok = false,
            }
        }
        let start_url = match start_url {
            Some((url, span)) => {
                ok &= self.problem(span, rules::start_url(&url));
                url
            }
            None => {
                self.error(
                    value.span(),
                    "[sso] has no start_url",
                    "add start_url = \"https://d-1234567890.awsapps.com/start\" (your AWS access portal URL) to [sso]",
                );
                return None;
            }
        };
        let region = match region {
            Some((region, span)) => {
                ok &= self.region(span, &region);
                region
            }
            None => top.region.as_ref()?.value.clone(),
        };
        let role = match role {
            Some((role, span)) => {
                ok &= self.permission_set("[sso] role", &role, span);
                role
            }
            None => {
                self.error(
                    value.span(),
                    "[sso] has no role",
                    "add role = \"AdministratorAccess\" (the permission set stages sign in with) to [sso]",
                );
                return None;
            }
        };
        ok.then_some(Sso {
            start_url,
            region,
            role,
        })
    }

    /// A permission set name (`[sso] role`, a stage's `sso_role`).
    pub(in crate::config::parse) fn permission_set(
        &mut self,
        key: &str,
        value: &str,
        span: Range<usize>,
    ) -> bool {
        self.problem(span, rules::permission_set(key, value))
    }
}
