//! The environment of a stage (SPEC section 2), computed in this one place
//! for `exec`, `shell` and `env` alike. Pure: it says what to set and what to
//! remove; applying it to a real environment is `StageEnv::apply`.

use std::ffi::{OsStr, OsString};

use crate::config::{Config, Stage};

/// Every variable through which an inherited identity reaches an SDK before
/// (or instead of) the profile acct selects. Each of them wins over
/// `AWS_PROFILE` in at least one of the AWS CLI v1/v2 (botocore), the Go SDK
/// v1/v2 (and so Terraform), or the JS SDK v3, so a command would run as
/// someone else. Why each one is here:
pub const STALE_CREDENTIALS: [&str; 22] = [
    // Static keys: first in every SDK's chain, before any profile.
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    // botocore's and the Go SDK v1's older name for the session token.
    "AWS_SECURITY_TOKEN",
    // Expiry of env keys (botocore, JS v3): meaningless without them, and
    // wrong beside keys acct exports.
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
    // The account and credential scope the JS SDK v3 and botocore attach to
    // env keys (account-based endpoints): another identity's account.
    "AWS_ACCOUNT_ID",
    "AWS_CREDENTIAL_SCOPE",
    // Markers of other tools' sessions (aws-vault, awsume, awsu, aws-sso-util):
    // their keys are removed, so their claim to a session must go too.
    "AWS_VAULT",
    "AWSUME_PROFILE",
    "AWSU_PROFILE",
    "AWS_SSO_PROFILE",
    // The Go SDK v1/v2's legacy names for static keys (Terraform reads them).
    "AWS_ACCESS_KEY",
    "AWS_SECRET_KEY",
    // The EC2 API tools' key file, still read by some old tooling.
    "AWS_CREDENTIAL_FILE",
    // Web identity (EKS IRSA, CI OIDC): the Go SDK v2 takes it before the
    // shared config, so Terraform ran as the CI role.
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    // The container credential endpoint (ECS, EKS Pod Identity, CodeBuild):
    // read before the instance role, and by some tools before the profile.
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

/// Every variable of SPEC section 2's table but `AWS_CONFIG_FILE`: set when it
/// applies to the stage, removed when it does not, so a stage entered from
/// inside another never inherits its values.
pub const OWNED: [&str; 21] = [
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    // The Go SDK v1 (older Terraform providers, Packer, Terragrunt) reads
    // profiles from ~/.aws/config only when this is 1: without it the
    // profile's role_arn is not found and an instance role may answer.
    "AWS_SDK_LOAD_CONFIG",
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
    "ACCT_PROJECT_CONFIG",
    "ACCT_PROTECTED",
    "ACCT_PROMPT",
];

/// Between the segments of nested stage shells.
pub const NEST_SEPARATOR: &str = ">";

/// Why a stage's `[env]` may not set a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reserved {
    /// A credential source acct removes from every stage (`STALE_CREDENTIALS`).
    Removed,
    /// Set from the stage, or removed when it does not apply (`OWNED`).
    /// `AWS_CONFIG_FILE` too: it is left as inherited unless `aws_config_file`
    /// is configured (users point the AWS CLI at their file with it), but
    /// it is still acct's to set.
    Set,
    /// Any other `ACCT_` or `__ACCT_` name: kept for acct.
    Acct,
    /// `ZDOTDIR`: `acct shell` points zsh at the startup files that load the
    /// prompt segment with it (they run the user's own from the inherited one).
    ShellStartup,
}

/// Names a stage's `[env]` may not set, and why; `None` when it may.
pub fn reserved(name: &str) -> Option<Reserved> {
    if STALE_CREDENTIALS.contains(&name) {
        Some(Reserved::Removed)
    } else if OWNED.contains(&name) || name == "AWS_CONFIG_FILE" {
        Some(Reserved::Set)
    } else if name.starts_with("ACCT_") || name.starts_with("__ACCT_") {
        Some(Reserved::Acct)
    } else if name == "ZDOTDIR" {
        Some(Reserved::ShellStartup)
    } else {
        None
    }
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
    /// Values are OS strings: a config path is exported byte for byte, even
    /// when it is not UTF-8, so a nested acct reads the very same file.
    pub set: Vec<(String, OsString)>,
    pub unset: Vec<String>,
}

impl StageEnv {
    pub fn new(config: &Config, stage: &Stage<'_>) -> Self {
        let mut set: Vec<(String, OsString)> = Vec::with_capacity(24 + stage.env.len());
        let mut put = |name: &str, value: &OsStr| set.push((name.to_string(), value.to_owned()));
        put("AWS_PROFILE", stage.profile.as_ref());
        put("AWS_DEFAULT_PROFILE", stage.profile.as_ref());
        put("AWS_REGION", stage.region.as_ref());
        put("AWS_DEFAULT_REGION", stage.region.as_ref());
        put("AWS_SDK_LOAD_CONFIG", "1".as_ref());
        if let Some(file) = &config.aws_config_file {
            put("AWS_CONFIG_FILE", file.as_os_str());
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
                put(plain, value.as_ref());
                put(terraform, value.as_ref());
            }
        }
        put("ACCT_STAGE", stage.name.as_ref());
        put("ACCT_PROFILE", stage.profile.as_ref());
        put("ACCT_ACCOUNT_ID", stage.account_id.as_ref());
        put("ACCT_ROLE_ARN", stage.role_arn.as_ref());
        put("ACCT_CONFIG", config.path.as_os_str());
        // A nested acct must check a project config's allow record again,
        // also when it reaches it through the ACCT_CONFIG exported here.
        if config.project {
            put("ACCT_PROJECT_CONFIG", "1".as_ref());
        }
        if stage.protected {
            put("ACCT_PROTECTED", "1".as_ref());
        }
        put(
            "ACCT_PROMPT",
            config
                .render_format(&config.prompt_format, stage.name)
                .as_ref(),
        );
        for (name, value) in stage.env {
            put(name, value.as_ref());
        }
        let unset = STALE_CREDENTIALS
            .iter()
            .chain(OWNED.iter())
            .filter(|name| !set.iter().any(|(n, _)| n == *name))
            .map(|name| name.to_string())
            .collect();
        StageEnv { set, unset }
    }

    /// What leaves a stage (`acct env --unset`): nothing set, and removed
    /// every variable acct sets or removes on entering, plus whatever the
    /// stage that was `entered` set of its own (`[env]`, `AWS_CONFIG_FILE`)
    /// when it is known.
    pub fn leaving(entered: Option<&StageEnv>) -> Self {
        let mut unset: Vec<String> = STALE_CREDENTIALS
            .iter()
            .chain(OWNED.iter())
            .map(|name| name.to_string())
            .collect();
        for (name, _) in entered.map_or(&[][..], |env| &env.set) {
            if !unset.contains(name) {
                unset.push(name.clone());
            }
        }
        StageEnv {
            set: Vec::new(),
            unset,
        }
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
                Some(value) => env.set.push((name.to_string(), value.into())),
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
            let mut chain = OsString::from(format!("{outer_prompt}{NEST_SEPARATOR}"));
            chain.push(&*prompt);
            *prompt = chain;
        }
    }

    /// Variables of a stage shell's start: the `__ACCT_*` plumbing its
    /// startup files read and remove again, zsh's `ZDOTDIR`, and `SHELL`
    /// when the config names the shell.
    pub fn add_startup(&mut self, vars: impl IntoIterator<Item = (String, OsString)>) {
        for (name, value) in vars {
            debug_assert!(name.starts_with("__ACCT_") || name == "ZDOTDIR" || name == "SHELL");
            self.set.push((name, value));
        }
    }

    /// What a stage shell's startup hook puts back after the user's own
    /// startup files, which run inside the stage and may export a stale key
    /// or another `AWS_PROFILE`: `__ACCT_GUARD` names every variable of
    /// SPEC section 2, and `__ACCT_GUARD_NAME` holds the value acct gave
    /// NAME (absent: NAME must be absent). The same data for every shell,
    /// so the three hooks only compare and restore.
    pub fn guard(&self) -> Vec<(String, OsString)> {
        let guarded = |name: &str| {
            STALE_CREDENTIALS.contains(&name) || OWNED.contains(&name) || name == "AWS_CONFIG_FILE"
        };
        let mut names: Vec<&str> = self
            .unset
            .iter()
            .map(String::as_str)
            .filter(|n| guarded(n))
            .collect();
        let mut vars: Vec<(String, OsString)> = Vec::new();
        for (name, value) in self.set.iter().filter(|(n, _)| guarded(n)) {
            names.push(name);
            vars.push((format!("__ACCT_GUARD_{name}"), value.clone()));
        }
        vars.push(("__ACCT_GUARD".to_string(), names.join(" ").into()));
        vars
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
        env.extend(self.set.iter().map(|(n, v)| (n.into(), v.clone())));
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
            .and_then(|(_, v)| v.to_str())
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
