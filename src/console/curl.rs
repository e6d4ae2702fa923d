//! The one HTTPS request acct makes itself (the federation endpoint's
//! `getSigninToken`), through the system's `curl` rather than a TLS stack
//! of its own: curl is on macOS and nearly every Linux, verifies
//! certificates against the system's trust store, and honours the proxy
//! variables. It kept 29% of the binary, 31% of the build and a C compiler
//! out of acct (rustls and ring for one GET).
//!
//! What this module holds curl to, whatever the person's own curl setup:
//! - the request (its query carries the session's keys) goes to curl's
//!   stdin as a config file (`--config -`), never into the argv that `ps`
//!   shows every user of the machine;
//! - `-q` first: no `~/.curlrc` (which could say `--location` or
//!   `--insecure`) is read;
//! - no `location`: a redirect is returned, never followed (the caller
//!   refuses it); certificates are verified (never `insecure`); `proto`
//!   allows only the endpoint's own scheme;
//! - `SSLKEYLOGFILE` is removed from curl's environment, so no TLS secret
//!   that decrypts the keys is written anywhere;
//! - one deadline (`max-time`), and an answer of at most [`ANSWER_LIMIT`].

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

/// One small GET; an endpoint that takes longer is not answering.
const TIMEOUT: Duration = Duration::from_secs(30);
/// The answer is a token of a few hundred bytes.
pub const ANSWER_LIMIT: u64 = 64 * 1024;
/// What curl prints about a failure is one line.
const ERROR_LIMIT: u64 = 16 * 1024;

/// An HTTP answer: its status and body.
#[derive(Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Error {
    /// No `curl` on `PATH`.
    NotInstalled,
    /// No answer: what curl (or running it) said. May quote the URL, so
    /// the caller redacts it.
    Failed(String),
}

/// `GET url` through curl, without following a redirect. `direct`: never
/// through a proxy (for an endpoint on this machine: a plain-http request
/// would carry the keys to the proxy).
pub fn get(url: &str, direct: bool) -> Result<Answer, Error> {
    #[allow(
        clippy::disallowed_methods,
        reason = "the system's curl, for the federation endpoint's one GET"
    )]
    let mut child = Command::new("curl")
        // `-q` must come first to keep ~/.curlrc out.
        .args(["-q", "--config", "-"])
        .env_remove("SSLKEYLOGFILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::NotInstalled,
            _ => Error::Failed(format!("cannot run curl: {e}")),
        })?;
    let config = config(url, direct);
    // Dropped at the end of the statement: curl reads to the end.
    let written = match child.stdin.take() {
        Some(mut stdin) => stdin.write_all(config.as_bytes()),
        None => Ok(()),
    };
    let mut stderr = child.stderr.take();
    let said = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(stderr) = stderr.as_mut() {
            let _ = stderr.take(ERROR_LIMIT).read_to_string(&mut text);
        }
        text
    });
    let mut out = Vec::new();
    // The body, the status line write-out adds, and one byte too many.
    let limit = ANSWER_LIMIT + 8;
    let read = match child.stdout.take() {
        Some(stdout) => stdout.take(limit).read_to_end(&mut out),
        None => Ok(0),
    };
    let too_long = out.len() as u64 >= limit;
    if too_long {
        let _ = child.kill();
    }
    let status = child.wait();
    let said = said.join().unwrap_or_default();
    if too_long {
        return Err(Error::Failed(format!(
            "its answer is longer than {} KiB",
            ANSWER_LIMIT / 1024
        )));
    }
    let status = status.map_err(|e| Error::Failed(format!("curl: {e}")))?;
    if !status.success() {
        // `curl: (60) SSL certificate problem: ...`, and for some errors
        // a paragraph of advice after it.
        let mut lines = said.lines().map(str::trim).filter(|l| !l.is_empty());
        let line = lines
            .clone()
            .find(|l| l.starts_with("curl:"))
            .or_else(|| lines.next());
        return Err(Error::Failed(match line {
            Some(line) => line.to_string(),
            None => format!("curl failed ({status})"),
        }));
    }
    written.map_err(|e| Error::Failed(format!("cannot give curl the request: {e}")))?;
    read.map_err(|e| Error::Failed(format!("cannot read curl's answer: {e}")))?;
    answer(&out).ok_or_else(|| Error::Failed("curl gave no HTTP status".to_string()))
}

/// curl's config file for the request (see the module's comment).
fn config(url: &str, direct: bool) -> String {
    let proto = if url.starts_with("http://") {
        "=http"
    } else {
        "=https"
    };
    let mut lines = vec![
        option("url", url),
        option("proto", proto),
        // `[` and `{` are a URL's own (an `[::1]` host), not curl's ranges.
        "globoff".to_string(),
        "silent".to_string(),
        "show-error".to_string(),
        option("max-time", &TIMEOUT.as_secs().to_string()),
        option("max-filesize", &ANSWER_LIMIT.to_string()),
        option("user-agent", concat!("acct/", env!("CARGO_PKG_VERSION"))),
        // After the body, on a line of its own: the status of the answer.
        option("write-out", "\n%{response_code}"),
    ];
    if direct {
        lines.push(option("noproxy", "*"));
    }
    lines.join("\n") + "\n"
}

/// `name = "value"`, quoted as curl's config files read it.
fn option(name: &str, value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        match c {
            '\\' => quoted.push_str("\\\\"),
            '"' => quoted.push_str("\\\""),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            other => quoted.push(other),
        }
    }
    format!("{name} = \"{quoted}\"")
}

/// The body and the status that `write-out` put after it.
fn answer(out: &[u8]) -> Option<Answer> {
    let text = String::from_utf8_lossy(out);
    let (body, status) = text.rsplit_once('\n')?;
    let status = status.trim().parse().ok().filter(|s| *s != 0)?;
    Some(Answer {
        status,
        body: body.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_allows_one_scheme_follows_nothing_and_quotes_values() {
        let https = config("https://signin.aws.amazon.com/federation?a=%22b%22", false);
        assert_eq!(
            https,
            [
                r#"url = "https://signin.aws.amazon.com/federation?a=%22b%22""#,
                r#"proto = "=https""#,
                "globoff",
                "silent",
                "show-error",
                r#"max-time = "30""#,
                r#"max-filesize = "65536""#,
                concat!(r#"user-agent = "acct/"#, env!("CARGO_PKG_VERSION"), "\""),
                r#"write-out = "\n%{response_code}""#,
                "",
            ]
            .join("\n")
        );
        for refused in ["location", "insecure", "netrc", "proxy-insecure", "-k"] {
            assert!(!https.contains(refused), "{refused}");
        }
        let local = config("http://127.0.0.1:9/f", true);
        assert!(local.contains("proto = \"=http\"\n"), "{local}");
        assert!(local.ends_with("noproxy = \"*\"\n"), "{local}");
        assert_eq!(option("x", "a\"b\\c\nd"), r#"x = "a\"b\\c\nd""#);
    }

    #[test]
    fn the_status_follows_the_body() {
        assert_eq!(
            answer(b"{\"a\":1}\n200"),
            Some(Answer {
                status: 200,
                body: "{\"a\":1}".into()
            })
        );
        assert_eq!(
            answer(b"two\nlines\n302"),
            Some(Answer {
                status: 302,
                body: "two\nlines".into()
            })
        );
        assert_eq!(answer(b"\n000"), None);
        assert_eq!(answer(b"no status"), None);
    }
}
