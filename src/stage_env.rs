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

/// The variables that select a profile; `--export-credentials` removes them.
const PROFILE_VARIABLES: [&str; 2] = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"];

/// Temporary credentials of a stage, as `aws configure export-credentials`
/// gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    /// ISO 8601, e.g. `2024-01-01T12:00:00+00:00`.
    pub expiration: Option<String>,
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

    /// This environment with no profile selected: for running the AWS CLI
    /// with `--profile` (an `AWS_PROFILE` beside it would be one more source
    /// to reason about) and as the base of `with_credentials`.
    pub fn without_profile(mut self) -> Self {
        for name in PROFILE_VARIABLES {
            self.set.retain(|(n, _)| n != name);
            if !self.unset.iter().any(|n| n == name) {
                self.unset.push(name.to_string());
            }
        }
        self
    }

    /// SPEC section 3's `--export-credentials`: the temporary keys *instead
    /// of* the profile, so only one source of credentials is in the
    /// environment; `ACCT_PROFILE` still names the profile.
    pub fn with_credentials(self, credentials: &Credentials) -> Self {
        let mut env = self.without_profile();
        let mut put = |name: &str, value: Option<&str>| {
            env.unset.retain(|n| n != name);
            match value {
                Some(value) => env.set.push((name.to_string(), value.to_string())),
                None => env.unset.push(name.to_string()),
            }
        };
        put("AWS_ACCESS_KEY_ID", Some(&credentials.access_key_id));
        put(
            "AWS_SECRET_ACCESS_KEY",
            Some(&credentials.secret_access_key),
        );
        put("AWS_SESSION_TOKEN", credentials.session_token.as_deref());
        put(
            "AWS_CREDENTIAL_EXPIRATION",
            credentials.expiration.as_deref(),
        );
        env
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn testing_env() -> StageEnv {
        let text = "namespace = \"cpco\"\nregion = \"us-west-2\"\ntopology = \"single\"\n\
                    [stages.root]\naccount_id = \"323330167063\"\n[stages.testing]\n";
        let config = crate::config::parse(Path::new("/acct.toml"), text, None).expect("valid");
        StageEnv::new(&config, &config.stage("testing").expect("stage"))
    }

    fn value<'e>(env: &'e StageEnv, name: &str) -> Option<&'e str> {
        env.set
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn credentials_replace_the_profile_and_keep_acct_profile() {
        let env = testing_env().with_credentials(&Credentials {
            access_key_id: "AKIA1".into(),
            secret_access_key: "secret".into(),
            session_token: Some("token".into()),
            expiration: None,
        });
        for name in [
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_CREDENTIAL_EXPIRATION",
        ] {
            assert_eq!(value(&env, name), None, "{name}");
            assert!(env.unset.iter().any(|n| n == name), "{name} is removed");
        }
        assert_eq!(value(&env, "AWS_ACCESS_KEY_ID"), Some("AKIA1"));
        assert_eq!(value(&env, "AWS_SESSION_TOKEN"), Some("token"));
        assert_eq!(value(&env, "ACCT_PROFILE"), Some("cpco-testing-admin"));
        for (name, _) in &env.set {
            assert!(!env.unset.contains(name), "{name} is both set and removed");
        }
    }
}
