//! Text to `Config`: walks the spanned TOML tree by hand so that every
//! problem, not just the first, is reported with its line and column and a fix.
//! `top_level` checks the keys at the top, `stages` each `[stages.NAME]`, and
//! `cross_checks` the rules that need them all, including the root stage.

use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

mod cross_checks;
mod stages;
mod top_level;

use super::named::{self, Named};
use super::{Config, Diagnostic, regions, rules};
use crate::text::suggest;

type Value<'i> = Spanned<DeValue<'i>>;

/// Parse and validate a config. `path` is stored as the config's path and
/// anchors a relative `aws_config_file`; `home` expands its `~`. The TOML
/// tree borrows `text` and is freed on return: the config owns what it keeps.
pub fn parse(path: &Path, text: &str, home: Option<&Path>) -> Result<Config, Vec<Diagnostic>> {
    let doc = DeTable::parse(text).map_err(|e| {
        let message = e.message().trim().replace('\n', " ");
        vec![Diagnostic::new(
            e.span().unwrap_or(0..0),
            format!("invalid TOML: {message}"),
            "fix the TOML syntax here (strings in double quotes, one key = value per line)",
        )]
    })?;
    let mut walk = Walker {
        base: named::Base {
            config: path.to_path_buf(),
            home: home.map(Path::to_path_buf),
        },
        ..Walker::default()
    };
    let config = walk.config(path, doc.get_ref());
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
    sso_role: Option<Range<usize>>,
    /// An account_id was written, valid or not (an invalid one is reported once).
    account_written: bool,
}

#[derive(Default)]
struct Walker {
    diagnostics: Vec<Diagnostic>,
    /// The config's partition, once known to be valid: regions are checked
    /// against its list.
    partition: Option<String>,
    /// What names are resolved from: the config's folder and home.
    base: named::Base,
    /// Every path the config names, resolved, for the project-tree check.
    named: Vec<Named>,
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

    /// A region: the shape of a region name, then the partition's list.
    fn region(&mut self, span: Range<usize>, value: &str) -> bool {
        if !self.problem(span.clone(), rules::region(value)) {
            return false;
        }
        match self.partition.clone() {
            Some(partition) => self.problem(span, regions::check(value, &partition)),
            None => true,
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

    /// A path a key names, resolved (`named::Base::path`) and recorded.
    fn named_path(
        &mut self,
        key: &str,
        w_span: Range<usize>,
        raw: &str,
    ) -> Option<std::path::PathBuf> {
        let resolved = self.base.path(key, raw);
        self.named_result(key, w_span, resolved)
    }

    /// A program a key names: a bare name stays as written; a path is
    /// resolved and recorded. `None` when it is refused (reported).
    fn named_program(&mut self, key: &str, span: Range<usize>, raw: &str) -> Option<String> {
        match self.base.program(key, raw) {
            Ok(None) => Some(raw.to_string()),
            Ok(Some(path)) => {
                self.named.push(Named {
                    key: key.to_string(),
                    path: path.clone(),
                    span,
                });
                Some(path.to_string_lossy().into_owned())
            }
            Err((message, fix)) => {
                self.error(span, message, fix);
                None
            }
        }
    }

    fn named_result(
        &mut self,
        key: &str,
        span: Range<usize>,
        resolved: Result<std::path::PathBuf, rules::Problem>,
    ) -> Option<std::path::PathBuf> {
        match resolved {
            Ok(path) => {
                self.named.push(Named {
                    key: key.to_string(),
                    path: path.clone(),
                    span,
                });
                Some(path)
            }
            Err((message, fix)) => {
                self.error(span, message, fix);
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

    /// The whole config, in the order its diagnostics are expected: the top
    /// level, the stages, then the rules across them. `None` when a required
    /// key is missing or unusable (already reported).
    fn config(&mut self, path: &Path, doc: &DeTable<'_>) -> Option<Config> {
        let top = self.top_level(doc);
        self.require(&top);
        let checked = self.check_top_level(&top);
        let (stages, spans) = self.stages(top.stages);
        let required = top.required(&checked)?;
        let root_stage_span = top.root_stage.as_ref().map(|w| w.span.clone());
        let root = self.root(&stages, &spans, top.root_stage_name(), root_stage_span);
        self.stage_rules(&stages, &spans, &required, root.as_ref());
        self.sso_stage_rules(&stages, &spans, &required, &checked, &top);
        let source_profile_span = top.source_profile.as_ref().map(|w| w.span.clone());
        let mut config = top.into_config(required, checked, path, stages, root);
        config.named = std::mem::take(&mut self.named);
        self.source_profile_clash(&config, &spans, source_profile_span);
        Some(config)
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
