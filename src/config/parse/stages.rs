//! The `[stages.NAME]` tables and their `[env]`.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::{StageSpans, Value, Walker, kind};
use crate::config::StageConfig;
use crate::config::env_names::{self, Reserved};
use crate::config::named::{self, Named};
use crate::config::rules;

const STAGE_KEYS: [&str; 7] = [
    "account_id",
    "role",
    "sso_role",
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
        if table.is_empty() {
            self.error(
                value.span(),
                "no stages are configured: [stages] is empty",
                "add at least the root stage: [stages.root] with account_id = \"123456789012\"",
            );
        }
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
                "sso_role" => {
                    if let Some(role) = self.string("sso_role", value) {
                        if self.permission_set("sso_role", &role, value.span()) {
                            stage.sso_role = Some(role);
                        }
                        spans.sso_role = Some(value.span());
                    }
                }
                "region" => {
                    if let Some(region) = self.string("region", value) {
                        if self.region(value.span(), &region) {
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
            if let Some(why) = env_names::reserved(&name) {
                let (message, fix) = reserved(&name, place, why);
                self.error(key.span(), message, fix);
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
                let key = format!(
                    "stages.{}.env.{name}",
                    place.trim_start_matches("[stages.").trim_end_matches(']')
                );
                if let Some(v) = self.env_value(&key, value.span(), v) {
                    env.push((name, v));
                }
            }
        }
        env
    }
}

impl Walker {
    /// An `[env]` value that names files or programs (`named::env_kind`),
    /// resolved from the config's folder and recorded; text as written.
    fn env_value(&mut self, key: &str, span: Range<usize>, value: String) -> Option<String> {
        let name = key.rsplit('.').next().unwrap_or(key);
        match named::env_kind(name, &value) {
            named::Kind::Text => Some(value),
            named::Kind::Path => self
                .named_path(key, span, &value)
                .map(|p| p.to_string_lossy().into_owned()),
            named::Kind::PathList => match self.base.path_list(key, &value) {
                Ok(paths) => {
                    for path in &paths {
                        self.named.push(Named {
                            key: key.to_string(),
                            path: path.clone(),
                            span: span.clone(),
                        });
                    }
                    Some(named::join(&paths))
                }
                Err((message, fix)) => {
                    self.error(span, message, fix);
                    None
                }
            },
        }
    }
}

/// What acct does with a name `[env]` may not set, and what to write instead.
fn reserved(name: &str, place: &str, why: Reserved) -> (String, String) {
    match why {
        Reserved::Removed => (
            format!(
                "{name} in {place}.env is a credential variable, which acct removes from every stage: it would win over the stage's profile"
            ),
            "remove it; `acct exec --export-credentials STAGE -- CMD` sets the stage's own temporary keys".into(),
        ),
        Reserved::Set => {
            let fix = match name {
                "AWS_REGION" | "AWS_DEFAULT_REGION" => {
                    format!("remove it; set region = \"...\" in {place} instead")
                }
                "AWS_CONFIG_FILE" => {
                    "remove it; set aws_config_file = \"...\" at the top of the file instead".into()
                }
                "AWS_SHARED_CREDENTIALS_FILE" => {
                    "remove it; set aws_credentials_file = \"...\" at the top of the file instead"
                        .into()
                }
                _ => "remove it; acct computes it from the stage (`acct env STAGE` shows it)".into(),
            };
            (format!("{name} in {place}.env is set by acct itself"), fix)
        }
        Reserved::Acct => (
            format!("{name} in {place}.env: names that start with ACCT_ or __ACCT_ are acct's own"),
            "remove it, or give the variable another name".into(),
        ),
        Reserved::ShellStartup => (
            format!(
                "ZDOTDIR in {place}.env would replace the one acct shell gives zsh to load the stage's prompt segment"
            ),
            "remove it; acct shell still runs your .zshenv and .zshrc from the ZDOTDIR you start it with (else HOME)".into(),
        ),
        Reserved::NotKept => (
            format!(
                "{name} in {place}.env: acct removes the AWS_ variables it does not know to be harmless from every stage{}",
                if crate::config::env_names::is_endpoint_override(name) {
                    " (an endpoint override sends the stage's sign-in, MFA code and credentials to another server)"
                } else {
                    ""
                }
            ),
            format!("remove it; to pass {name} from your own environment into every stage, write keep_env = [\"{name}\"] in your own config"),
        ),
    }
}
