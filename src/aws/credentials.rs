//! Temporary AWS credentials as acct gets them from the AWS CLI (`configure
//! export-credentials`, STS `GetSessionToken`) and hands them on: into a
//! stage's environment, the MFA session's cache, the console's federation.

use crate::text::clock;

/// Temporary credentials of a stage or of the MFA session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    /// ISO 8601, e.g. `2024-01-01T12:00:00+00:00`.
    pub expiration: Option<String>,
}

impl Credentials {
    /// The keys of an STS-shaped JSON object (`AccessKeyId`,
    /// `SecretAccessKey`, and `SessionToken` and `Expiration` when given),
    /// as `configure export-credentials` prints them and GetSessionToken's
    /// `Credentials` hold them; `None` without both keys.
    pub fn from_json(json: &serde_json::Value) -> Option<Self> {
        let field = |name: &str| {
            json[name]
                .as_str()
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        Some(Credentials {
            access_key_id: field("AccessKeyId")?,
            secret_access_key: field("SecretAccessKey")?,
            session_token: field("SessionToken"),
            expiration: field("Expiration"),
        })
    }

    /// When the keys expire, epoch seconds; `None` without an expiry acct
    /// can read (long-lived keys).
    pub fn expires_at(&self) -> Option<i64> {
        self.expiration.as_deref().and_then(clock::parse)
    }

    /// Whether the keys hold `seconds` more at `now`; keys without a
    /// readable expiry are long-lived: they do.
    pub fn holds_for(&self, seconds: i64, now: i64) -> bool {
        self.expires_at().is_none_or(|at| at - now >= seconds)
    }
}
