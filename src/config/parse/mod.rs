//! Text to `Config`: walks the spanned TOML tree by hand so that every
//! problem, not just the first, is reported with its line and column and a fix.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

mod cross_checks;
mod stages;

use super::rules;
use super::{
    Config, DEFAULT_PROFILE_FORMAT, DEFAULT_PROMPT_FORMAT, Diagnostic, FORMAT_TOKENS, FormatPiece,
    PARTITIONS, Topology, format_pieces,
};
use crate::suggest;

const TOP_KEYS: [&str; 15] = [
    "namespace",
    "region",
    "topology",
    "source_profile",
    "mfa_serial",
    "root_stage",
    "tenant",
    "environment",
    "profile_format",
    "partition",
    "aws_config_file",
    "shell",
    "prompt_format",
    "aws_cli",
    "stages",
];

type Value<'i> = Spanned<DeValue<'i>>;

/// Parse and validate a config. `path` is stored as the config's path and
/// anchors a relative `aws_config_file`; `home` expands its `~`.
pub fn parse(path: &Path, text: &str, home: Option<&Path>) -> Result<Config, Vec<Diagnostic>> {
    let doc = DeTable::parse(text).map_err(|e| {
        let message = e.message().trim().replace('\n', " ");
        vec![Diagnostic::new(
            e.span().unwrap_or(0..0),
            format!("invalid TOML: {message}"),
            "fix the TOML syntax here (strings in double quotes, one key = value per line)",
        )]
    })?;
    // Freeing the syntax tree of a large config costs a tenth of acct's
    // start-up, and the process is about to exec or exit: let it go with the
    // process instead.
    let doc = std::mem::ManuallyDrop::new(doc);
    let mut walk = Walker::default();
    let config = walk.config(path, doc.get_ref(), home);
    match config {
        Some(config) if walk.diagnostics.is_empty() => Ok(config),
        _ => {
            walk.diagnostics.sort_by_key(|d| d.span.start);
            Err(walk.diagnostics)
        }
    }
}

/// Where each stage's values were written, for checks across stages.
#[derive(Default)]
struct StageSpans {
    name: Range<usize>,
    account_id: Option<Range<usize>>,
    role: Option<Range<usize>>,
    /// An account_id was written, valid or not (an invalid one is reported once).
    account_written: bool,
}

#[derive(Default)]
struct Walker {
    diagnostics: Vec<Diagnostic>,
}

impl Walker {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>, fix: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(span, message, fix));
    }

    fn problem(&mut self, span: Range<usize>, result: Result<(), rules::Problem>) -> bool {
        match result {
            Ok(()) => true,
            Err((message, fix)) => {
                self.error(span, message, fix);
                false
            }
        }
    }

    fn unknown_key(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        known: &[&str],
        place: &str,
    ) {
        let name = key.get_ref().as_ref();
        let fix = match suggest::closest(name, known.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("remove it; the keys of {place} are: {}", known.join(", ")),
        };
        self.error(key.span(), format!("unknown key `{name}` in {place}"), fix);
    }

    fn string(&mut self, key: &str, value: &Value<'_>) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.error(
                    value.span(),
                    format!("`{key}` must be a string, not {}", kind(other)),
                    format!("put the value in double quotes: {key} = \"...\""),
                );
                None
            }
        }
    }

    fn boolean(&mut self, key: &str, value: &Value<'_>) -> Option<bool> {
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.error(
                    value.span(),
                    format!("`{key}` must be true or false, not {}", kind(other)),
                    format!("write {key} = true or {key} = false, without quotes"),
                );
                None
            }
        }
    }

    fn config(&mut self, path: &Path, doc: &DeTable<'_>, home: Option<&Path>) -> Option<Config> {
        let mut strings: HashMap<&str, (String, Range<usize>)> = HashMap::new();
        let mut stages_value = None;
        for (key, value) in doc {
            match key.get_ref().as_ref() {
                "stages" => stages_value = Some(value),
                name if TOP_KEYS.contains(&name) => {
                    if let Some(s) = self.string(name, value) {
                        let name = TOP_KEYS
                            .iter()
                            .find(|k| **k == name)
                            .copied()
                            .unwrap_or_default();
                        strings.insert(name, (s, value.span()));
                    }
                }
                _ => self.unknown_key(key, &TOP_KEYS, "the top level"),
            }
        }

        let mut required = |walker: &mut Walker, key: &str, example: &str| {
            let found = strings.remove(key);
            if found.is_none() && !walker.has_error_for(key) {
                walker.error(
                    0..0,
                    format!("missing required key `{key}`"),
                    format!("add `{key} = {example}` at the top of the file"),
                );
            }
            found
        };
        let namespace = required(self, "namespace", "\"cpco\"");
        let region = required(self, "region", "\"us-west-2\"");
        let topology = required(
            self,
            "topology",
            "\"organization\" (or \"member\" or \"single\")",
        );
        let mut optional = |key: &str| strings.remove(key);
        let source_profile = optional("source_profile");
        let mfa_serial = optional("mfa_serial");
        let root_stage = optional("root_stage");
        let tenant = optional("tenant");
        let environment = optional("environment");
        let profile_format = optional("profile_format");
        let partition = optional("partition");
        let aws_config_file = optional("aws_config_file");
        let shell = optional("shell");
        let prompt_format = optional("prompt_format");
        let aws_cli = optional("aws_cli");

        for (key, label) in [
            ("namespace", &namespace),
            ("tenant", &tenant),
            ("environment", &environment),
        ] {
            if let Some((value, span)) = label {
                self.problem(span.clone(), rules::label(key, value));
            }
        }
        if let Some((value, span)) = &region {
            self.problem(span.clone(), rules::region(value));
        }
        let topology_value = topology.as_ref().and_then(|(value, span)| {
            let parsed = Topology::from_name(value);
            if parsed.is_none() {
                let fix = match suggest::closest(value, Topology::NAMES) {
                    Some(close) => format!("did you mean \"{close}\"?"),
                    None => format!("use one of: {}", Topology::NAMES.join(", ")),
                };
                self.error(span.clone(), format!("unknown topology {value:?}"), fix);
            }
            parsed
        });
        let partition_value = match &partition {
            Some((value, span)) if !PARTITIONS.contains(&value.as_str()) => {
                self.error(
                    span.clone(),
                    format!("unknown partition {value:?}"),
                    format!("use one of: {}", PARTITIONS.join(", ")),
                );
                None
            }
            Some((value, _)) => Some(value.clone()),
            None => Some("aws".to_string()),
        };
        if let (Some((value, span)), Some(partition)) = (&mfa_serial, &partition_value) {
            if self.problem(span.clone(), rules::mfa_serial(value))
                && !value.starts_with(&format!("arn:{partition}:"))
            {
                self.error(
                    span.clone(),
                    format!("mfa_serial {value:?} is not in the partition {partition:?}"),
                    format!("use an ARN that starts with arn:{partition}: or set `partition`"),
                );
            }
        }
        if let Some((value, span)) = &root_stage {
            self.problem(span.clone(), rules::label("root_stage", value));
        }
        let shell_words =
            shell
                .as_ref()
                .and_then(|(value, span)| match shell_words::split(value) {
                    Ok(words) if !words.is_empty() => Some(words),
                    Ok(_) => {
                        self.error(
                            span.clone(),
                            "`shell` is empty",
                            "name a shell, e.g. shell = \"zsh\", or remove the key",
                        );
                        None
                    }
                    Err(e) => {
                        self.error(
                            span.clone(),
                            format!("`shell` cannot be split into words: {e}"),
                            "close the quote, e.g. shell = \"bash --noprofile\"",
                        );
                        None
                    }
                });
        if let Some((value, span)) = &aws_cli {
            if value.trim().is_empty() {
                self.error(
                    span.clone(),
                    "`aws_cli` is empty",
                    "name the AWS CLI v2 binary, e.g. aws_cli = \"aws\"",
                );
            }
        }
        if let Some((value, span)) = &aws_config_file {
            if value.trim().is_empty() {
                self.error(
                    span.clone(),
                    "`aws_config_file` is empty",
                    "give a path such as \"~/.aws/config\", or remove the key",
                );
            } else if value.starts_with('~') && !value.starts_with("~/") && value != "~" {
                self.error(
                    span.clone(),
                    format!("`aws_config_file` {value:?} uses ~user, which acct does not expand"),
                    "write the path as ~/... or an absolute path",
                );
            }
        }
        let labels_present = |token: &str| match token {
            "tenant" => tenant.is_some(),
            "environment" => environment.is_some(),
            _ => true,
        };
        if let Some((value, span)) = &profile_format {
            self.format("profile_format", value, span.clone(), &labels_present, true);
        }
        if let Some((value, span)) = &prompt_format {
            self.format("prompt_format", value, span.clone(), &labels_present, false);
        }
        if let Some((value, span)) = &source_profile {
            if value.is_empty() || !value.chars().all(rules::is_profile_char) {
                self.error(
                    span.clone(),
                    format!("source_profile {value:?} is not a usable profile name"),
                    "use letters, digits and _.@+=,- only",
                );
            }
        }

        let (stages, spans) = match stages_value {
            Some(value) => self.stages(value),
            None => {
                self.error(
                    0..0,
                    "no stages are configured",
                    "add at least the root stage: [stages.root] with account_id = \"123456789012\"",
                );
                (Vec::new(), Vec::new())
            }
        };

        let config = Config {
            path: path.to_path_buf(),
            project: false,
            namespace: namespace?.0,
            region: region?.0,
            topology: topology_value?,
            source_profile: source_profile.clone().map_or_else(String::new, |s| s.0),
            mfa_serial: mfa_serial.map(|s| s.0),
            root_stage: root_stage
                .clone()
                .map_or_else(|| "root".to_string(), |s| s.0),
            tenant: tenant.map(|s| s.0),
            environment: environment.map(|s| s.0),
            profile_format: profile_format
                .map_or_else(|| DEFAULT_PROFILE_FORMAT.to_string(), |s| s.0),
            partition: partition_value?,
            aws_config_file: aws_config_file.map(|(p, _)| expand_path(&p, path, home)),
            shell: shell_words,
            prompt_format: prompt_format.map_or_else(|| DEFAULT_PROMPT_FORMAT.to_string(), |s| s.0),
            aws_cli: aws_cli.map_or_else(|| "aws".to_string(), |s| s.0),
            stages,
        }
        .with_default_source_profile();
        self.across_stages(
            &config,
            &spans,
            root_stage.map(|s| s.1),
            source_profile.map(|s| s.1),
        );
        Some(config)
    }

    fn has_error_for(&self, key: &str) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.message.starts_with(&format!("`{key}`")))
    }

    /// `profile_format` and `prompt_format`: known tokens whose labels are configured.
    fn format(
        &mut self,
        key: &str,
        value: &str,
        span: Range<usize>,
        configured: &dyn Fn(&str) -> bool,
        is_profile: bool,
    ) {
        for piece in format_pieces(value) {
            match piece {
                FormatPiece::Token(token) if !FORMAT_TOKENS.contains(&token) => {
                    let fix = match suggest::closest(token, FORMAT_TOKENS) {
                        Some(close) => format!("did you mean {{{close}}}?"),
                        None => "the tokens are {namespace} {tenant} {environment} {stage}".to_string(),
                    };
                    self.error(span.clone(), format!("unknown token {{{token}}} in `{key}`"), fix);
                }
                FormatPiece::Token(token) if !configured(token) => self.error(
                    span.clone(),
                    format!("`{key}` uses {{{token}}} but `{token}` is not configured"),
                    format!("add `{token} = \"...\"` at the top of the file, or remove {{{token}}}"),
                ),
                FormatPiece::Text(text) if is_profile && !text.chars().all(rules::is_profile_char) => self.error(
                    span.clone(),
                    format!("`{key}` {value:?} would make profile names with characters AWS config files cannot hold"),
                    "use letters, digits and _.@+=,- between the tokens",
                ),
                FormatPiece::Text(text) if text.chars().any(char::is_control) => self.error(
                    span.clone(),
                    format!("`{key}` holds a control character (an escape sequence or a newline)"),
                    "write the text plainly; acct adds the colour itself",
                ),
                _ => {}
            }
        }
        if is_profile && !value.contains("{stage}") {
            self.error(
                span,
                format!(
                    "`{key}` {value:?} has no {{stage}}, so every stage would get the same profile"
                ),
                "include {stage}, e.g. \"{namespace}-{stage}-admin\"",
            );
        }
    }
}

impl Config {
    /// SPEC: `source_profile` defaults to the namespace.
    fn with_default_source_profile(mut self) -> Self {
        if self.source_profile.is_empty() {
            self.source_profile = self.namespace.clone();
        }
        self
    }
}

fn kind(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// `~` is the home folder; a relative path is taken from the config's folder.
fn expand_path(raw: &str, config_path: &Path, home: Option<&Path>) -> PathBuf {
    let expanded = match (raw.strip_prefix('~'), home) {
        (Some(rest), Some(home)) => home.join(rest.trim_start_matches('/')),
        _ => PathBuf::from(raw),
    };
    if expanded.is_absolute() {
        expanded
    } else {
        config_path
            .parent()
            .unwrap_or(Path::new("/"))
            .join(expanded)
    }
}
