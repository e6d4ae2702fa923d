//! The `[stages.NAME]` tables and their `[env]`.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::{StageSpans, Value, Walker, kind};
use crate::config::StageConfig;
use crate::config::rules;
use crate::stage_env;

const STAGE_KEYS: [&str; 6] = [
    "account_id",
    "role",
    "region",
    "protected",
    "export_credentials",
    "env",
];

impl Walker {
    /// Every stage as written, and where its values were.
    pub(super) fn stages(
        &mut self,
        value: Option<&Value<'_>>,
    ) -> (Vec<StageConfig>, Vec<StageSpans>) {
        let Some(value) = value else {
            self.error(
                0..0,
                "no stages are configured",
                "add at least the root stage: [stages.root] with account_id = \"123456789012\"",
            );
            return (Vec::new(), Vec::new());
        };
        let DeValue::Table(table) = value.get_ref() else {
            self.error(
                value.span(),
                format!("`stages` must be a table, not {}", kind(value.get_ref())),
                "write each stage as its own table: [stages.root]",
            );
            return (Vec::new(), Vec::new());
        };
        let mut stages = Vec::new();
        let mut spans = Vec::new();
        for (key, value) in table {
            let name = key.get_ref().to_string();
            self.problem(key.span(), rules::label("stage name", &name));
            let DeValue::Table(fields) = value.get_ref() else {
                self.error(
                    value.span(),
                    format!(
                        "stage `{name}` must be a table, not {}",
                        kind(value.get_ref())
                    ),
                    format!("write it as a table: [stages.{name}]"),
                );
                continue;
            };
            let (stage, stage_spans) = self.stage(name, key.span(), fields);
            stages.push(stage);
            spans.push(stage_spans);
        }
        (stages, spans)
    }

    fn stage(
        &mut self,
        name: String,
        name_span: Range<usize>,
        fields: &DeTable<'_>,
    ) -> (StageConfig, StageSpans) {
        let mut stage = StageConfig {
            name,
            ..StageConfig::default()
        };
        let mut spans = StageSpans {
            name: name_span,
            ..StageSpans::default()
        };
        let place = || format!("[stages.{}]", stage.name);
        for (key, value) in fields {
            match key.get_ref().as_ref() {
                "account_id" => {
                    spans.account_written = true;
                    if let DeValue::Integer(i) = value.get_ref() {
                        self.error(
                            value.span(),
                            "account_id must be a quoted string, not an integer: an integer loses leading zeros",
                            format!("write account_id = \"{:0>12}\"", i.as_str().replace('_', "")),
                        );
                    } else if let Some(id) = self.string("account_id", value) {
                        if self.problem(value.span(), rules::account_id(&id)) {
                            stage.account_id = Some(id);
                            spans.account_id = Some(value.span());
                        }
                    }
                }
                "role" => {
                    if let Some(role) = self.string("role", value) {
                        if let Err((message, fix)) = rules::role(&role) {
                            self.error(value.span(), message, fix);
                        } else {
                            stage.role = Some(role);
                            spans.role = Some(value.span());
                        }
                    }
                }
                "region" => {
                    if let Some(region) = self.string("region", value) {
                        if self.problem(value.span(), rules::region(&region)) {
                            stage.region = Some(region);
                        }
                    }
                }
                "protected" => stage.protected = self.boolean("protected", value).unwrap_or(false),
                "export_credentials" => {
                    stage.export_credentials =
                        self.boolean("export_credentials", value).unwrap_or(false)
                }
                "env" => stage.env = self.env(&place(), value),
                _ => self.unknown_key(key, &STAGE_KEYS, &place()),
            }
        }
        (stage, spans)
    }

    fn env(&mut self, place: &str, value: &Value<'_>) -> Vec<(String, String)> {
        let DeValue::Table(table) = value.get_ref() else {
            self.error(
                value.span(),
                format!(
                    "`env` in {place} must be a table of strings, not {}",
                    kind(value.get_ref())
                ),
                format!(
                    "write it as a table: {}.env] with NAME = \"value\" lines",
                    place.trim_end_matches(']')
                ),
            );
            return Vec::new();
        };
        let mut env = Vec::new();
        for (key, value) in table {
            let name = key.get_ref().to_string();
            if !self.problem(key.span(), rules::env_name(&name)) {
                continue;
            }
            if stage_env::is_reserved(&name) {
                self.error(
                    key.span(),
                    format!("{name} in {place}.env is set by acct itself"),
                    "remove it; acct computes it from the stage (SPEC section 2)",
                );
                continue;
            }
            if let Some(v) = self.string(&name, value) {
                if v.contains('\0') {
                    self.error(
                        value.span(),
                        format!("{name} holds a NUL character"),
                        "remove the \\u0000",
                    );
                    continue;
                }
                env.push((name, v));
            }
        }
        env
    }
}
