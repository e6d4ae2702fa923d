//! The top-level keys: collected as written, then each checked on its own;
//! the `[sso]` table and the two formats have files of their own.

mod formats;
mod keep_env;
mod min_left;
mod session_name;
mod sso;

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::DeTable;

use super::{Value, Walker};
use crate::config::{
    Config, DEFAULT_PROFILE_FORMAT, DEFAULT_PROMPT_FORMAT, DEFAULT_PROMPT_FORMAT_SESSION,
    MfaSession, PARTITIONS, Root, Sso, StageConfig, Topology, rules,
};
use crate::text::suggest;

const TOP_KEYS: [&str; 24] = [
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
    "aws_credentials_file",
    "shell",
    "prompt_format",
    "prompt",
    "aws_cli",
    "mfa_session",
    "mfa_session_duration",
    "mfa_process",
    "min_session_left",
    "sso",
    "keep_env",
    "role_session_name",
    "stages",
];

/// A top-level string as written, and where.
pub(super) struct Written {
    pub(super) value: String,
    pub(super) span: Range<usize>,
}

/// The top level as written: every known key that holds a string.
#[derive(Default)]
pub(super) struct TopLevel<'d, 'i> {
    namespace: Option<Written>,
    region: Option<Written>,
    topology: Option<Written>,
    pub(super) source_profile: Option<Written>,
    mfa_serial: Option<Written>,
    pub(super) root_stage: Option<Written>,
    tenant: Option<Written>,
    environment: Option<Written>,
    profile_format: Option<Written>,
    partition: Option<Written>,
    aws_config_file: Option<Written>,
    aws_credentials_file: Option<Written>,
    shell: Option<Written>,
    prompt_format: Option<Written>,
    aws_cli: Option<Written>,
    mfa_session_duration: Option<Written>,
    mfa_process: Option<Written>,
    min_session_left: Option<Written>,
    role_session_name: Option<Written>,
    /// `mfa_session`, a boolean of the top level, and where.
    mfa_session: Option<(bool, Range<usize>)>,
    /// `prompt`, the other boolean: `false` leaves the prompt alone.
    prompt: Option<bool>,
    /// The `stages` value, whatever its type (`stages` checks it).
    pub(super) stages: Option<&'d Value<'i>>,
    /// The `sso` value, whatever its type (`sso` checks it).
    sso: Option<&'d Value<'i>>,
    /// The `keep_env` value, whatever its type (`keep_env` checks it).
    keep_env: Option<&'d Value<'i>>,
    /// Known keys written with a value that is not a string: each already
    /// has its diagnostic, so it is not reported missing as well.
    rejected: HashSet<String>,
}

impl TopLevel<'_, '_> {
    /// Where the string of a known key goes; `None` for `stages` and unknown keys.
    fn slot(&mut self, key: &str) -> Option<&mut Option<Written>> {
        Some(match key {
            "namespace" => &mut self.namespace,
            "region" => &mut self.region,
            "topology" => &mut self.topology,
            "source_profile" => &mut self.source_profile,
            "mfa_serial" => &mut self.mfa_serial,
            "root_stage" => &mut self.root_stage,
            "tenant" => &mut self.tenant,
            "environment" => &mut self.environment,
            "profile_format" => &mut self.profile_format,
            "partition" => &mut self.partition,
            "aws_config_file" => &mut self.aws_config_file,
            "aws_credentials_file" => &mut self.aws_credentials_file,
            "shell" => &mut self.shell,
            "prompt_format" => &mut self.prompt_format,
            "aws_cli" => &mut self.aws_cli,
            "mfa_session_duration" => &mut self.mfa_session_duration,
            "mfa_process" => &mut self.mfa_process,
            "min_session_left" => &mut self.min_session_left,
            "role_session_name" => &mut self.role_session_name,
            _ => return None,
        })
    }

    /// The root stage's name (SPEC: `root` unless `root_stage` says otherwise).
    pub(super) fn root_stage_name(&self) -> &str {
        self.root_stage
            .as_ref()
            .map_or("root", |w| w.value.as_str())
    }
}

/// What checking the top level derives from it, beyond the strings themselves.
pub(super) struct Checked {
    /// `None`: missing or unknown (already reported).
    pub(super) topology: Option<Topology>,
    /// `None`: unknown (already reported); `aws` when not written.
    pub(super) partition: Option<String>,
    pub(super) shell: Option<Vec<String>>,
    /// Seconds; `None` when not written or invalid (already reported).
    pub(super) mfa_session_duration: Option<u32>,
    /// `[sso]` when written and valid; `sso_written` even when it is not.
    pub(super) sso: Option<Sso>,
    pub(super) sso_written: bool,
    pub(super) keep_env: Vec<String>,
    /// The named paths and programs, resolved (`named`).
    pub(super) aws_config_file: Option<PathBuf>,
    pub(super) aws_credentials_file: Option<PathBuf>,
    pub(super) aws_cli: Option<String>,
    pub(super) mfa_process: Option<String>,
    /// Seconds; `None` when not written or invalid (already reported).
    pub(super) min_session_left: Option<u32>,
}

/// The required keys, present and valid enough to make a config of.
pub(super) struct Required {
    namespace: String,
    region: String,
    pub(super) topology: Topology,
    pub(super) partition: String,
}

impl Walker {
    /// Sort the top level's keys: strings kept, `stages` set aside, the rest reported.
    pub(super) fn top_level<'d, 'i>(&mut self, doc: &'d DeTable<'i>) -> TopLevel<'d, 'i> {
        let mut top = TopLevel::default();
        for (key, value) in doc {
            let name = key.get_ref().as_ref();
            if name == "stages" {
                top.stages = Some(value);
            } else if name == "sso" {
                top.sso = Some(value);
            } else if name == "keep_env" {
                top.keep_env = Some(value);
            } else if name == "mfa_session" {
                match self.boolean(name, value) {
                    Some(on) => top.mfa_session = Some((on, value.span())),
                    None => {
                        top.rejected.insert(name.to_string());
                    }
                }
            } else if name == "prompt" {
                match self.boolean(name, value) {
                    Some(on) => top.prompt = Some(on),
                    None => {
                        top.rejected.insert(name.to_string());
                    }
                }
            } else if let Some(slot) = top.slot(name) {
                match self.string(name, value) {
                    Some(s) => {
                        *slot = Some(Written {
                            value: s,
                            span: value.span(),
                        });
                    }
                    None => {
                        top.rejected.insert(name.to_string());
                    }
                }
            } else {
                self.unknown_key(key, &TOP_KEYS, "the top level");
            }
        }
        top
    }

    /// Report each required key that was not written at all.
    pub(super) fn require(&mut self, top: &TopLevel<'_, '_>) {
        for (key, written, example) in [
            ("namespace", &top.namespace, "\"cpco\""),
            ("region", &top.region, "\"us-west-2\""),
            (
                "topology",
                &top.topology,
                "\"organization\" (or \"member\" or \"single\")",
            ),
        ] {
            if written.is_none() && !top.rejected.contains(key) {
                self.error(
                    0..0,
                    format!("missing required key `{key}`"),
                    format!("add `{key} = {example}` at the top of the file"),
                );
            }
        }
    }

    /// Check every top-level string, in the order the diagnostics are expected.
    pub(super) fn check_top_level(&mut self, top: &TopLevel<'_, '_>) -> Checked {
        for (key, label) in [
            ("namespace", &top.namespace),
            ("tenant", &top.tenant),
            ("environment", &top.environment),
        ] {
            if let Some(w) = label {
                self.problem(w.span.clone(), rules::label(key, &w.value));
            }
        }
        let topology = top.topology.as_ref().and_then(|w| self.topology(w));
        let partition = self.partition(top.partition.as_ref());
        self.partition.clone_from(&partition);
        if let Some(w) = &top.region {
            self.region(w.span.clone(), &w.value);
        }
        if let (Some(w), Some(partition)) = (&top.mfa_serial, &partition) {
            self.mfa_serial(w, partition);
        }
        if let Some(w) = &top.root_stage {
            self.problem(w.span.clone(), rules::label("root_stage", &w.value));
        }
        let shell = top.shell.as_ref().and_then(|w| self.shell(w));
        let aws_cli = top.aws_cli.as_ref().and_then(|w| self.aws_cli(w));
        let [aws_config_file, aws_credentials_file] = [
            ("aws_config_file", &top.aws_config_file),
            ("aws_credentials_file", &top.aws_credentials_file),
        ]
        .map(|(key, written)| {
            written
                .as_ref()
                .and_then(|w| self.named_path(key, w.span.clone(), &w.value))
        });
        self.formats(top);
        if let Some(w) = &top.source_profile {
            self.source_profile(w);
        }
        let mfa_session_duration = self.mfa_session(top);
        let mfa_process = top.mfa_process.as_ref().and_then(|w| self.mfa_process(w));
        let min_session_left = self.min_session_left(top, mfa_session_duration);
        let sso = top.sso.and_then(|value| self.sso(value, top));
        if let Some(w) = &top.role_session_name {
            self.role_session_name(w);
        }
        let keep_env = top
            .keep_env
            .map(|value| self.keep_env(value))
            .unwrap_or_default();
        Checked {
            keep_env,
            aws_config_file,
            aws_credentials_file,
            aws_cli,
            mfa_process,
            min_session_left,
            topology,
            partition,
            shell,
            mfa_session_duration,
            sso,
            sso_written: top.sso.is_some(),
        }
    }

    /// `mfa_session` needs `mfa_serial`; its duration and `mfa_process`
    /// mean something only with it.
    fn mfa_session(&mut self, top: &TopLevel<'_, '_>) -> Option<u32> {
        let on = matches!(top.mfa_session, Some((true, _)));
        // With [sso], `sso` says that mfa_session itself makes no sense.
        if let (Some((true, span)), None, None) = (&top.mfa_session, &top.mfa_serial, top.sso) {
            self.error(
                span.clone(),
                "`mfa_session` needs `mfa_serial`: the session is made with your MFA device",
                "add mfa_serial = \"arn:aws:iam::ACCOUNT:mfa/NAME\" at the top of the file",
            );
        }
        for (key, written) in [
            ("mfa_session_duration", &top.mfa_session_duration),
            ("mfa_process", &top.mfa_process),
        ] {
            if let (Some(w), false, None) = (written, on, top.sso) {
                self.error(
                    w.span.clone(),
                    format!("`{key}` has no effect without mfa_session = true"),
                    format!("add mfa_session = true, or remove `{key}`"),
                );
            }
        }
        let w = top.mfa_session_duration.as_ref()?;
        let seconds = MfaSession::duration_of(&w.value);
        if seconds.is_none() {
            self.error(
                w.span.clone(),
                format!(
                    "mfa_session_duration {:?} is not a duration from 15m to 36h",
                    w.value
                ),
                "write it like \"12h\", \"90m\" or \"1h30m\" (what GetSessionToken allows)",
            );
        }
        seconds
    }

    /// `mfa_process` as it will run: its program, when given as a path,
    /// resolved from the config's folder, so the `credential_process` line
    /// names the same file from whatever directory an SDK starts it in.
    fn mfa_process(&mut self, w: &Written) -> Option<String> {
        let Some(mut words) = shell_words::split(&w.value)
            .ok()
            .filter(|words| !words.is_empty())
        else {
            self.error(
                w.span.clone(),
                "`mfa_process` is empty or cannot be split into words",
                "name a command that prints the code, e.g. \"ykman oath accounts code -s aws\"",
            );
            return None;
        };
        let program = self.named_program("mfa_process", w.span.clone(), &words[0])?;
        if program == words[0] {
            return Some(w.value.clone());
        }
        words[0] = program;
        // shell_words, not `quote::posix`: the session splits this value
        // again with shell_words::split, which reads no `$'...'` escapes.
        Some(shell_words::join(&words))
    }

    fn topology(&mut self, w: &Written) -> Option<Topology> {
        let parsed = Topology::from_name(&w.value);
        if parsed.is_none() {
            let fix = match suggest::closest(&w.value, Topology::NAMES) {
                Some(close) => format!("did you mean \"{close}\"?"),
                None => format!("use one of: {}", Topology::NAMES.join(", ")),
            };
            self.error(
                w.span.clone(),
                format!("unknown topology {:?}", w.value),
                fix,
            );
        }
        parsed
    }

    fn partition(&mut self, written: Option<&Written>) -> Option<String> {
        match written {
            Some(w) if !PARTITIONS.contains(&w.value.as_str()) => {
                self.error(
                    w.span.clone(),
                    format!("unknown partition {:?}", w.value),
                    format!("use one of: {}", PARTITIONS.join(", ")),
                );
                None
            }
            Some(w) => Some(w.value.clone()),
            None => Some("aws".to_string()),
        }
    }

    fn mfa_serial(&mut self, w: &Written, partition: &str) {
        let value = &w.value;
        if self.problem(w.span.clone(), rules::mfa_serial(value))
            && !rules::is_hardware_serial(value)
            && !value.starts_with(&format!("arn:{partition}:"))
        {
            self.error(
                w.span.clone(),
                format!("mfa_serial {value:?} is not in the partition {partition:?}"),
                format!("use an ARN that starts with arn:{partition}: or set `partition`"),
            );
        }
    }

    fn shell(&mut self, w: &Written) -> Option<Vec<String>> {
        match shell_words::split(&w.value) {
            Ok(mut words) if !words.is_empty() => {
                words[0] = self.named_program("shell", w.span.clone(), &words[0])?;
                Some(words)
            }
            Ok(_) => {
                self.error(
                    w.span.clone(),
                    "`shell` is empty",
                    "name a shell, e.g. shell = \"zsh\", or remove the key",
                );
                None
            }
            Err(e) => {
                self.error(
                    w.span.clone(),
                    format!("`shell` cannot be split into words: {e}"),
                    "close the quote, e.g. shell = \"bash --noprofile\"",
                );
                None
            }
        }
    }

    fn aws_cli(&mut self, w: &Written) -> Option<String> {
        if w.value.trim().is_empty() {
            self.error(
                w.span.clone(),
                "`aws_cli` is empty",
                "name the AWS CLI v2 binary, e.g. aws_cli = \"aws\"",
            );
            return None;
        }
        self.named_program("aws_cli", w.span.clone(), &w.value)
    }

    fn source_profile(&mut self, w: &Written) {
        self.problem(w.span.clone(), rules::source_profile(&w.value));
    }
}

impl TopLevel<'_, '_> {
    /// The required keys, or `None` when one is missing or unusable (already reported).
    pub(super) fn required(&self, checked: &Checked) -> Option<Required> {
        let (Some(namespace), Some(region), Some(topology), Some(partition)) = (
            &self.namespace,
            &self.region,
            checked.topology,
            &checked.partition,
        ) else {
            return None;
        };
        Some(Required {
            namespace: namespace.value.clone(),
            region: region.value.clone(),
            topology,
            partition: partition.clone(),
        })
    }

    /// The config itself, once every rule has had its say.
    pub(super) fn into_config(
        self,
        required: Required,
        checked: Checked,
        path: &Path,
        stages: Vec<StageConfig>,
        root: Option<Root>,
    ) -> Config {
        let value = |w: Option<Written>| w.map(|w| w.value);
        let or = |w: Option<Written>, default: &str| value(w).unwrap_or_else(|| default.into());
        let mfa_serial = value(self.mfa_serial);
        let mfa_session = match (self.mfa_session, &mfa_serial) {
            (Some((true, _)), Some(serial)) => Some(MfaSession {
                mfa_serial: serial.clone(),
                duration: checked
                    .mfa_session_duration
                    .unwrap_or(MfaSession::DEFAULT_DURATION),
                mfa_process: checked.mfa_process,
            }),
            _ => None,
        };
        let min_session_left = min_left::effective(checked.min_session_left, mfa_session.as_ref());
        let prompt_default = if mfa_session.is_some() || checked.sso.is_some() {
            DEFAULT_PROMPT_FORMAT_SESSION
        } else {
            DEFAULT_PROMPT_FORMAT
        };
        Config {
            sso: checked.sso,
            path: path.to_path_buf(),
            project: false,
            // SPEC: `source_profile` defaults to the namespace.
            source_profile: value(self.source_profile)
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| required.namespace.clone()),
            namespace: required.namespace,
            region: required.region,
            topology: required.topology,
            mfa_serial,
            root_stage: or(self.root_stage, "root"),
            tenant: value(self.tenant),
            environment: value(self.environment),
            profile_format: or(self.profile_format, DEFAULT_PROFILE_FORMAT),
            partition: required.partition,
            aws_config_file: checked.aws_config_file,
            aws_credentials_file: checked.aws_credentials_file,
            shell: checked.shell,
            prompt_format: or(self.prompt_format, prompt_default),
            prompt: self.prompt,
            aws_cli: checked.aws_cli.unwrap_or_else(|| "aws".into()),
            mfa_session,
            keep_env: checked.keep_env,
            min_session_left,
            role_session_name: session_name::configured(value(self.role_session_name)),
            named: Vec::new(),
            stages,
            root,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_top_key_but_stages_has_a_slot() {
        let mut top = TopLevel::default();
        for key in TOP_KEYS {
            let own_slot = !["stages", "mfa_session", "prompt", "sso", "keep_env"].contains(&key);
            assert_eq!(top.slot(key).is_some(), own_slot, "{key}");
        }
    }

    #[test]
    fn prompt_is_a_boolean_left_unset_by_default() {
        let base = "namespace = \"cpco\"\nregion = \"us-west-2\"\ntopology = \"single\"\n";
        let stages = "[stages.root]\naccount_id = \"111111111111\"\n";
        let parse = |extra: &str| {
            super::super::parse(
                Path::new("/c.toml"),
                &format!("{base}{extra}{stages}"),
                None,
            )
        };
        assert_eq!(parse("").unwrap().prompt, None);
        assert_eq!(parse("prompt = false\n").unwrap().prompt, Some(false));
        assert_eq!(parse("prompt = true\n").unwrap().prompt, Some(true));
        let errors = parse("prompt = \"off\"\n").unwrap_err();
        assert_eq!(errors.len(), 1);
    }
}
