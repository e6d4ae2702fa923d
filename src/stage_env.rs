//! The environment of a stage (SPEC section 2), computed in this one place
//! for `exec`, `shell` and `env` alike. Pure: it says what to set and what to
//! remove; applying it to a real environment is `StageEnv::apply`.

use std::ffi::OsString;

use crate::config::{Config, Stage};

/// Credentials that silently win over `AWS_PROFILE` in the AWS CLI, the SDKs
/// and Terraform: inherited, they would run the command as someone else.
pub const STALE_CREDENTIALS: [&str; 10] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
    "AWS_VAULT",
    "AWSUME_PROFILE",
    "AWSU_PROFILE",
    "AWS_SSO_PROFILE",
];

/// Every variable of SPEC section 2's table but `AWS_CONFIG_FILE`: set when it
/// applies to the stage, removed when it does not, so a stage entered from
/// inside another never inherits its values.
pub const OWNED: [&str; 19] = [
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "NAMESPACE",
    "STAGE",
    "TF_VAR_namespace",
    "TF_VAR_stage",
    "TENANT",
    "TF_VAR_tenant",
    "ENVIRONMENT",
    "TF_VAR_environment",
    "ACCT_STAGE",
    "ACCT_PROFILE",
    "ACCT_ACCOUNT_ID",
    "ACCT_ROLE_ARN",
    "ACCT_CONFIG",
    "ACCT_PROTECTED",
    "ACCT_PROMPT",
];

/// Between the segments of nested stage shells.
pub const NEST_SEPARATOR: &str = ">";

/// Names a stage's `[env]` may not set: acct sets or removes them itself.
/// `AWS_CONFIG_FILE` is left as inherited unless `aws_config_file` is
/// configured (users point the AWS CLI at their file with it), but it is
/// still acct's to set. All `ACCT_` names are kept for acct.
pub fn is_reserved(name: &str) -> bool {
    STALE_CREDENTIALS.contains(&name)
        || OWNED.contains(&name)
        || name == "AWS_CONFIG_FILE"
        || name.starts_with("ACCT_")
        || name.starts_with("__ACCT_")
}

/// What entering a stage does to an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageEnv {
    /// In a stable order: SPEC's table, then the stage's `[env]` as written.
    pub set: Vec<(String, String)>,
    pub unset: Vec<String>,
}

impl StageEnv {
    pub fn new(config: &Config, stage: &Stage<'_>) -> Self {
        let mut set: Vec<(String, String)> = Vec::with_capacity(24 + stage.env.len());
        let mut put = |name: &str, value: &str| set.push((name.to_string(), value.to_string()));
        put("AWS_PROFILE", &stage.profile);
        put("AWS_DEFAULT_PROFILE", &stage.profile);
        put("AWS_REGION", stage.region);
        put("AWS_DEFAULT_REGION", stage.region);
        if let Some(file) = &config.aws_config_file {
            put("AWS_CONFIG_FILE", &file.to_string_lossy());
        }
        let labels = [
            (
                "NAMESPACE",
                "TF_VAR_namespace",
                Some(config.namespace.as_str()),
            ),
            ("STAGE", "TF_VAR_stage", Some(stage.name)),
            ("TENANT", "TF_VAR_tenant", config.tenant.as_deref()),
            (
                "ENVIRONMENT",
                "TF_VAR_environment",
                config.environment.as_deref(),
            ),
        ];
        for (plain, terraform, value) in labels {
            if let Some(value) = value {
                put(plain, value);
                put(terraform, value);
            }
        }
        put("ACCT_STAGE", stage.name);
        put("ACCT_PROFILE", &stage.profile);
        put("ACCT_ACCOUNT_ID", &stage.account_id);
        put("ACCT_ROLE_ARN", &stage.role_arn);
        put("ACCT_CONFIG", &config.path.to_string_lossy());
        if stage.protected {
            put("ACCT_PROTECTED", "1");
        }
        put(
            "ACCT_PROMPT",
            &config.render_format(&config.prompt_format, stage.name),
        );
        for (name, value) in stage.env {
            put(name, value);
        }
        let unset = STALE_CREDENTIALS
            .iter()
            .chain(OWNED.iter())
            .filter(|name| !set.iter().any(|(n, _)| n == *name))
            .map(|name| name.to_string())
            .collect();
        StageEnv { set, unset }
    }

    /// `acct shell --nest` inside another stage: the segment shows the way
    /// in, outer stages first (`[cpco-testing]>[cpco-prod]`), so a nested
    /// shell is never mistaken for the outer one.
    pub fn nest_within(&mut self, outer_prompt: &str) {
        if outer_prompt.is_empty() {
            return;
        }
        if let Some((_, prompt)) = self.set.iter_mut().find(|(n, _)| n == "ACCT_PROMPT") {
            *prompt = format!("{outer_prompt}{NEST_SEPARATOR}{prompt}");
        }
    }

    /// Variables a shell's startup files read (the `__ACCT_*` plumbing of
    /// `acct shell`, which those files remove again, and zsh's `ZDOTDIR`).
    pub fn add_startup(&mut self, vars: impl IntoIterator<Item = (&'static str, String)>) {
        for (name, value) in vars {
            debug_assert!(name.starts_with("__ACCT_") || name == "ZDOTDIR");
            self.set.push((name.to_string(), value));
        }
    }

    /// The inherited environment with this applied, for `execve`.
    pub fn apply(
        &self,
        inherited: impl Iterator<Item = (OsString, OsString)>,
    ) -> Vec<(OsString, OsString)> {
        let mut env: Vec<(OsString, OsString)> = inherited
            .filter(|(name, _)| {
                let name = name.to_string_lossy();
                !self.unset.iter().any(|n| *n == name) && !self.set.iter().any(|(n, _)| *n == name)
            })
            .collect();
        env.extend(self.set.iter().map(|(n, v)| (n.into(), v.into())));
        env
    }
}
