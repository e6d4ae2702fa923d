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
pub const OWNED: [&str; 23] = [
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
    // How long the session holds, for the prompt's {left}: the file that
    // holds the expiry, or the expiry of exported keys.
    "ACCT_EXPIRES_FILE",
    "ACCT_EXPIRES",
];

/// The `AWS_*` variables a stage keeps from the person's environment, with
/// why each is harmless there: none changes who a command runs as or where
/// its credentials or requests are sent. Every other `AWS_*` name that acct
/// does not set is removed (an allow-list, not a block-list: an SDK's next
/// endpoint or credential variable is removed before anyone lists it),
/// unless the person's own config names it in `keep_env`.
pub const KEPT: [(&str, &str); 34] = [
    (
        "AWS_CONFIG_FILE",
        "the config file the person points the SDKs at; set by acct when aws_config_file is configured, and checked before a stage is entered",
    ),
    (
        "AWS_SHARED_CREDENTIALS_FILE",
        "the credentials file the person points the SDKs at; set by acct when aws_credentials_file is configured, and checked before a stage is entered",
    ),
    (
        "AWS_CA_BUNDLE",
        "which certificate authorities TLS trusts; it sends nothing anywhere",
    ),
    ("AWS_PAGER", "the AWS CLI's pager"),
    ("AWS_DEFAULT_OUTPUT", "the AWS CLI's output format"),
    ("AWS_CLI_AUTO_PROMPT", "the AWS CLI's interactive prompt"),
    ("AWS_CLI_FILE_ENCODING", "how the AWS CLI reads files"),
    (
        "AWS_CLI_S3_MV_VALIDATE_SAME_S3_PATHS",
        "an AWS CLI safety check on s3 mv",
    ),
    ("AWS_MAX_ATTEMPTS", "how often a call is retried"),
    ("AWS_RETRY_MODE", "how calls are retried"),
    ("AWS_DEFAULTS_MODE", "timeouts and retries by environment"),
    (
        "AWS_METADATA_SERVICE_TIMEOUT",
        "how long to wait for the instance metadata service",
    ),
    (
        "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
        "how often to ask the instance metadata service",
    ),
    (
        "AWS_EC2_METADATA_DISABLED",
        "turns the instance metadata service off: one credential source fewer",
    ),
    (
        "AWS_EC2_METADATA_V1_DISABLED",
        "refuses the older metadata protocol: safer only",
    ),
    (
        "AWS_STS_REGIONAL_ENDPOINTS",
        "AWS's own regional or global STS endpoint",
    ),
    (
        "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT",
        "AWS's own regional or global S3 endpoint in us-east-1",
    ),
    ("AWS_USE_FIPS_ENDPOINT", "AWS's own FIPS endpoints"),
    ("AWS_USE_DUALSTACK_ENDPOINT", "AWS's own IPv6 endpoints"),
    (
        "AWS_S3_USE_ARN_REGION",
        "which AWS region an S3 ARN is sent to",
    ),
    (
        "AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS",
        "turns S3 multi-region access points off",
    ),
    (
        "AWS_ACCOUNT_ID_ENDPOINT_MODE",
        "whether AWS's own account-based endpoints are used",
    ),
    (
        "AWS_ENABLE_ENDPOINT_DISCOVERY",
        "endpoints the AWS service itself names",
    ),
    (
        "AWS_ENDPOINT_DISCOVERY_ENABLED",
        "the older name of the same setting",
    ),
    (
        "AWS_REQUEST_CHECKSUM_CALCULATION",
        "when request checksums are computed",
    ),
    (
        "AWS_RESPONSE_CHECKSUM_VALIDATION",
        "when response checksums are checked",
    ),
    (
        "AWS_DISABLE_REQUEST_COMPRESSION",
        "turns request compression off",
    ),
    (
        "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES",
        "when requests are compressed",
    ),
    (
        "AWS_SIGV4A_SIGNING_REGION_SET",
        "the regions a SigV4a signature covers",
    ),
    (
        "AWS_AUTH_SCHEME_PREFERENCE",
        "which signing scheme is preferred",
    ),
    ("AWS_SDK_UA_APP_ID", "an application name in the user agent"),
    ("AWS_EXECUTION_ENV", "a name in the user agent"),
    (
        "AWS_NODEJS_CONNECTION_REUSE_ENABLED",
        "the JS SDK v2's keep-alive",
    ),
    (
        "AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE",
        "silences a JS SDK v2 notice",
    ),
];

/// The variables a stage's prompt checks at every prompt (SPEC section 2,
/// "in force"): each decides who a command runs as or where its
/// credentials are sent. Entering a stage exports their names in
/// `ACCT_IN_FORCE`, each one the stage has followed by `=` and its value in
/// `ACCT_IN_FORCE_<NAME>` (any other must be absent or empty). When one
/// differs later (a nested shell's rc, a `PROMPT_COMMAND`, a direnv hook),
/// the segment says so instead of naming the stage as if it were in force.
pub fn in_force() -> impl Iterator<Item = &'static str> {
    [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_STS",
        "AWS_ENDPOINT_URL_SSO",
        "AWS_ENDPOINT_URL_SSO_OIDC",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    ]
    .into_iter()
    .chain(STALE_CREDENTIALS)
}

/// The variable naming the checked names, and the prefix of their values.
pub const IN_FORCE: &str = "ACCT_IN_FORCE";
pub const IN_FORCE_VALUE: &str = "ACCT_IN_FORCE_";

/// `ACCT_IN_FORCE` or one of its values: made by entering a stage, never
/// inherited into another.
pub fn is_in_force_variable(name: &str) -> bool {
    name == IN_FORCE || name.starts_with(IN_FORCE_VALUE)
}

/// Endpoint overrides: the SDKs send every call of a service (STS's
/// AssumeRole and GetSessionToken, with the MFA code, included) to the URL
/// such a variable names. Removed unless kept, and said on stderr.
pub fn is_endpoint_override(name: &str) -> bool {
    name == "AWS_ENDPOINT_URL"
        || name.starts_with("AWS_ENDPOINT_URL_")
        || name == "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"
}

/// Whether a stage keeps an inherited `AWS_*` variable acct does not set:
/// in `KEPT`, or named in the person's `keep_env`. Names outside `AWS_*`
/// are not acct's to judge (except those of the lists above).
pub fn keeps(name: &str, keep_env: &[String]) -> bool {
    !name.starts_with("AWS_")
        || KEPT.iter().any(|(n, _)| *n == name)
        || keep_env.iter().any(|n| n == name)
}

/// Why a stage's `[env]` may not set a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reserved {
    /// A credential source acct removes from every stage (`STALE_CREDENTIALS`).
    Removed,
    /// Set from the stage, or removed when it does not apply (`OWNED`).
    /// `AWS_CONFIG_FILE` too: it is left as inherited unless `aws_config_file`
    /// is configured (users point the AWS CLI at their file with it), but
    /// it is still acct's to set. `AWS_SHARED_CREDENTIALS_FILE` likewise,
    /// from `aws_credentials_file`: a project's `[env]` could otherwise
    /// point a stage at a credentials file in its own tree.
    Set,
    /// Any other `ACCT_` or `__ACCT_` name: kept for acct.
    Acct,
    /// `ZDOTDIR`: `acct shell` points zsh at the startup files that load the
    /// prompt segment with it (they run the user's own from the inherited one).
    ShellStartup,
    /// An `AWS_*` name outside `KEPT`: acct removes it from every stage
    /// (an endpoint override, an SDK setting not known to be harmless).
    NotKept,
}

/// Names a stage's `[env]` may not set, and why; `None` when it may.
pub fn reserved(name: &str) -> Option<Reserved> {
    if STALE_CREDENTIALS.contains(&name) {
        Some(Reserved::Removed)
    } else if OWNED.contains(&name)
        || name == "AWS_CONFIG_FILE"
        || name == "AWS_SHARED_CREDENTIALS_FILE"
    {
        Some(Reserved::Set)
    } else if name.starts_with("ACCT_") || name.starts_with("__ACCT_") {
        Some(Reserved::Acct)
    } else if name == "ZDOTDIR" {
        Some(Reserved::ShellStartup)
    } else if !keeps(name, &[]) {
        Some(Reserved::NotKept)
    } else {
        None
    }
}
