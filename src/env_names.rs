//! The names of a stage's environment: the credential sources every stage
//! removes, the variables acct owns, and which names a config's `[env]` may
//! not set. Data only, so the config's validator and the stage environment
//! both read it without importing each other.

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
