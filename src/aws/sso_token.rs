//! The Identity Center token the AWS CLI v2 caches after `aws sso login`:
//! `~/.aws/sso/cache/<SHA-1 hex of the sso-session name>.json` (botocore's
//! `SSOTokenLoader`), read for its `expiresAt` only, with no network call.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha1::{Digest, Sha1};

use crate::config::process_env;
use crate::text::clock;

/// Token files are small; a larger one is not a token.
const MAX_BYTES: u64 = 64 * 1024;

/// What the cache says about a session's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// No cache file: never logged in, or logged out.
    Missing,
    /// A file that cannot be read as a token (why).
    Unreadable(String),
    /// The access token's expiry, epoch seconds (maybe past).
    Expires(i64),
}

/// `~/.aws/sso/cache/<sha1(session)>.json`, where the AWS CLI keeps it.
pub fn cache_file(home: &Path, session: &str) -> PathBuf {
    let hex = hex::encode(Sha1::digest(session.as_bytes()));
    home.join(".aws/sso/cache").join(format!("{hex}.json"))
}

/// The cache file of `session` under `$HOME`, or `None` without a HOME.
pub fn cache_file_of(session: &str) -> Option<PathBuf> {
    Some(cache_file(&process_env::home()?, session))
}

/// Read the token's expiry from its cache file.
pub fn read(file: &Path) -> Token {
    let mut handle = match std::fs::File::open(file) {
        Ok(handle) => handle,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Token::Missing,
        Err(e) => return Token::Unreadable(e.to_string()),
    };
    let mut text = String::new();
    match handle.metadata() {
        Ok(meta) if !meta.is_file() => return Token::Unreadable("not a regular file".into()),
        Ok(meta) if meta.len() > MAX_BYTES => return Token::Unreadable("too large".into()),
        Err(e) => return Token::Unreadable(e.to_string()),
        Ok(_) => {}
    }
    if let Err(e) = handle.read_to_string(&mut text) {
        return Token::Unreadable(e.to_string());
    }
    parse(&text)
}

/// A cache file's text: JSON with `accessToken` and `expiresAt`.
pub fn parse(text: &str) -> Token {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return Token::Unreadable("not JSON".into());
    };
    if !value
        .get("accessToken")
        .is_some_and(serde_json::Value::is_string)
    {
        return Token::Unreadable("no accessToken".into());
    }
    let Some(expires) = value.get("expiresAt").and_then(serde_json::Value::as_str) else {
        return Token::Unreadable("no expiresAt".into());
    };
    // The CLI v1 wrote `2019-11-14T04:55:17UTC`.
    let normalized = match expires.strip_suffix("UTC") {
        Some(rest) => format!("{rest}Z"),
        None => expires.to_string(),
    };
    match clock::parse(&normalized) {
        Some(epoch) => Token::Expires(epoch),
        None => Token::Unreadable(format!("expiresAt {expires:?} is not a time")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_file_is_named_by_the_sha1_of_the_session_name() {
        // printf cpco | sha1sum
        assert_eq!(
            cache_file(Path::new("/h"), "cpco"),
            Path::new("/h/.aws/sso/cache/e58909f49cf4b3a78b09a68c105d50121de04818.json")
        );
    }

    #[test]
    fn reads_the_expiry_as_the_cli_writes_it() {
        let text = r#"{"startUrl": "https://d-1.awsapps.com/start", "region": "us-east-1", "accessToken": "t", "expiresAt": "2026-11-29T20:50:00Z"}"#;
        assert_eq!(
            parse(text),
            Token::Expires(clock::parse("2026-11-29T20:50:00Z").unwrap())
        );
        let v1 = r#"{"accessToken": "t", "expiresAt": "2026-11-29T20:50:00UTC"}"#;
        assert_eq!(parse(v1), parse(text));
        assert!(matches!(parse("{}"), Token::Unreadable(_)));
        assert!(matches!(
            parse(r#"{"accessToken": "t", "expiresAt": "soon"}"#),
            Token::Unreadable(_)
        ));
    }
}
