//! `keep_env = ["AWS_ENDPOINT_URL_STS", ...]`: the `AWS_*` variables of the
//! person's own environment that every stage keeps although acct does not
//! know them to be harmless (README, "The environment of a stage"). Only
//! names acct would otherwise remove as unknown: a credential variable or a
//! name acct sets can never be kept, whatever the config says.

use toml::de::DeValue;

use super::super::{Value, Walker};
use crate::config::env_names::{self, Reserved};
use crate::config::rules;

impl Walker {
    pub(super) fn keep_env(&mut self, value: &Value<'_>) -> Vec<String> {
        let DeValue::Array(items) = value.get_ref() else {
            self.error(
                value.span(),
                "`keep_env` must be a list of variable names",
                "write it as keep_env = [\"AWS_ENDPOINT_URL_STS\"]",
            );
            return Vec::new();
        };
        let mut names: Vec<String> = Vec::new();
        for item in items {
            let Some(name) = self.string("keep_env", item) else {
                continue;
            };
            if !self.problem(item.span(), rules::env_name(&name)) {
                continue;
            }
            let refused = match env_names::reserved(&name) {
                Some(Reserved::Removed) => Some(format!(
                    "{name} is a credential variable: acct removes it from every stage, since it would win over the stage's profile"
                )),
                Some(Reserved::Set) => Some(format!("{name} is set by acct from the stage")),
                Some(Reserved::NotKept) => None,
                _ if !name.starts_with("AWS_") => Some(format!(
                    "{name} is not an AWS_ variable: acct leaves it as it is in every stage already"
                )),
                _ => Some(format!(
                    "{name} is kept in every stage already (README, \"The environment of a stage\")"
                )),
            };
            if let Some(message) = refused {
                self.error(
                    item.span(),
                    format!("`keep_env`: {message}"),
                    "remove it from keep_env",
                );
            } else if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }
}
