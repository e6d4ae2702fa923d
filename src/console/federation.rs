//! The AWS federation endpoint, as aws-vault's `login` uses it: the stage's
//! temporary credentials buy a one-time sign-in token (`getSigninToken`),
//! which makes the `login` URL. The credentials go only to the endpoint, and
//! no message acct prints can hold them.

use crate::aws::credentials::Credentials;
use crate::error::{Failure, Result};

use super::{curl, url};

/// Replaces the partition's endpoint, for tests and for proxies of it.
pub const ENDPOINT_VARIABLE: &str = "ACCT_FEDERATION_URL";

/// The endpoint to use: `ACCT_FEDERATION_URL` when set, else the
/// partition's. A plain `http://` one is refused unless it is this machine
/// (a test double): the request carries the secret key.
pub fn endpoint(hosts: url::Hosts) -> Result<String> {
    endpoint_from(crate::config::process_env::get(ENDPOINT_VARIABLE), hosts)
}

fn endpoint_from(value: Option<std::ffi::OsString>, hosts: url::Hosts) -> Result<String> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Ok(url::federation_endpoint(hosts));
    };
    let value = value
        .into_string()
        .map_err(|_| bad_endpoint("is not UTF-8"))?;
    if value.starts_with("https://") {
        return Ok(value);
    }
    if !value.starts_with("http://") {
        return Err(bad_endpoint("must start with https://"));
    }
    if is_loopback(authority(&value)) {
        Ok(value)
    } else {
        Err(bad_endpoint(
            "may use plain http:// only on this machine (127.0.0.1, localhost, [::1])",
        ))
    }
}

/// The `host:port` of a URL (empty when it has no scheme).
fn authority(url: &str) -> &str {
    url.split_once("://").map_or("", |(_, rest)| {
        rest.split(['/', '?', '#']).next().unwrap_or_default()
    })
}

/// `localhost`, `127.0.0.1:8080`, `[::1]:9`: an authority of this machine.
fn is_loopback(authority: &str) -> bool {
    let host = match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => authority
            .rsplit_once(':')
            .map_or(authority, |(host, _)| host),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn bad_endpoint(why: &str) -> Failure {
    Failure::usage(
        format!("{ENDPOINT_VARIABLE} {why}; no console was opened"),
        format!(
            "unset {ENDPOINT_VARIABLE} to use AWS's endpoint, or set it to an https:// URL (for tests and proxies only)"
        ),
    )
}

/// The JSON of `getSigninToken`'s `Session` parameter.
pub fn session_json(credentials: &Credentials) -> Result<String> {
    let token = credentials.session_token.as_deref().ok_or_else(|| {
        Failure::other(
            "the stage's credentials are long-lived keys, and the federation endpoint takes only temporary ones; no console was opened",
            "give the stage a role to assume (its profile's role_arn), or open the console without --federate",
        )
    })?;
    Ok(serde_json::json!({
        "sessionId": credentials.access_key_id,
        "sessionKey": credentials.secret_access_key,
        "sessionToken": token,
    })
    .to_string())
}

/// `getSigninToken` at `endpoint`: the one-time token.
pub fn signin_token(endpoint: &str, credentials: &Credentials) -> Result<String> {
    let request = url::signin_token_request(endpoint, &session_json(credentials)?);
    let failed = |why: &str| {
        Failure::other(
            format!(
                "the federation endpoint {} gave no sign-in token: {}; no console was opened",
                without_query(endpoint),
                redact(why, credentials)
            ),
            "check the network (HTTPS_PROXY, NO_PROXY) and that the stage's credentials are a role's (`acct doctor --sts`)",
        )
    };
    // An endpoint on this machine (a test double, a local broker) is
    // reached directly: through an HTTP_PROXY the keys of a plain-http
    // request would cross the network to the proxy.
    let answer = match curl::get(&request, is_loopback(authority(endpoint))) {
        Ok(answer) => answer,
        Err(curl::Error::NotInstalled) => {
            return Err(Failure::other(
                "acct asks the federation endpoint through curl, and curl is not on PATH; no console was opened",
                "install curl (apt-get install curl, dnf install curl, apk add curl), or open the console without --federate",
            ));
        }
        Err(curl::Error::Failed(why)) => return Err(failed(&why)),
    };
    match answer.status {
        200..=299 => {
            parse_answer(&answer.body).ok_or_else(|| failed("its answer holds no SigninToken"))
        }
        // The request carries the keys: never to another address.
        300..=399 => Err(failed(
            "it answered with a redirect, which acct does not follow with keys",
        )),
        status => Err(failed(&format!("it answered HTTP {status}"))),
    }
}

/// `SigninToken` of the endpoint's JSON answer.
pub fn parse_answer(body: &str) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(body).ok()?;
    json["SigninToken"]
        .as_str()
        .filter(|token| !token.is_empty())
        .map(str::to_string)
}

fn without_query(endpoint: &str) -> &str {
    endpoint.split('?').next().unwrap_or(endpoint)
}

/// `text` with every credential value replaced, whatever printed it.
fn redact(text: &str, credentials: &Credentials) -> String {
    let mut text = text.to_string();
    let secrets = [
        Some(credentials.access_key_id.as_str()),
        Some(credentials.secret_access_key.as_str()),
        credentials.session_token.as_deref(),
    ];
    for secret in secrets.into_iter().flatten().filter(|s| !s.is_empty()) {
        text = text.replace(secret, "[redacted]");
        text = text.replace(&url::encode(secret), "[redacted]");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials(token: Option<&str>) -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "se/cr+et".into(),
            session_token: token.map(str::to_string),
            expiration: None,
        }
    }

    #[test]
    fn the_session_carries_the_three_keys() {
        let json: serde_json::Value =
            serde_json::from_str(&session_json(&credentials(Some("tok"))).unwrap()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"sessionId": "ASIAEXAMPLE", "sessionKey": "se/cr+et", "sessionToken": "tok"})
        );
        let failure = session_json(&credentials(None)).unwrap_err();
        assert!(failure.message.contains("temporary"), "{}", failure.message);
    }

    #[test]
    fn the_endpoint_may_be_replaced_by_https_or_a_local_double() {
        let aws = url::hosts("aws");
        let of = |value: Option<&str>| endpoint_from(value.map(Into::into), aws);
        assert_eq!(
            of(None).unwrap(),
            "https://signin.aws.amazon.com/federation"
        );
        assert_eq!(
            of(Some("")).unwrap(),
            "https://signin.aws.amazon.com/federation"
        );
        for fine in [
            "https://proxy.example.com/federation",
            "http://127.0.0.1:8080/federation",
            "http://localhost:1/f",
            "http://localhost",
            "http://[::1]:9/f",
        ] {
            assert_eq!(of(Some(fine)).unwrap(), fine);
        }
        for refused in [
            "http://example.com/federation",
            "http://localhost.example.com/f",
            "http://127.0.0.1.example.com/f",
            "ftp://127.0.0.1/f",
            "http://127.0.0.1@example.com/f",
            "http://example.com@127.0.0.1/f",
            "signin.aws.amazon.com",
        ] {
            let failure = of(Some(refused)).unwrap_err();
            assert_eq!(failure.code, 2, "{refused}");
        }
    }

    #[test]
    fn answers() {
        assert_eq!(
            parse_answer(r#"{"SigninToken":"abc"}"#),
            Some("abc".to_string())
        );
        assert_eq!(parse_answer(r#"{"SigninToken":""}"#), None);
        assert_eq!(parse_answer(r#"{"Other":"abc"}"#), None);
        assert_eq!(parse_answer("<html>"), None);
    }

    #[test]
    fn redaction_covers_plain_and_encoded_values() {
        let creds = credentials(Some("to ken"));
        let text = redact(
            "x ASIAEXAMPLE se/cr+et se%2Fcr%2Bet to%20ken to ken",
            &creds,
        );
        assert_eq!(
            text,
            "x [redacted] [redacted] [redacted] [redacted] [redacted]"
        );
    }
}
