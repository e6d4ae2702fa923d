//! The listener and what each request gets. Bound to 127.0.0.1 on a port
//! the system picks, so nothing off the machine can reach it, and the SDKs
//! accept its `http://` (they take plain HTTP only from a loopback
//! address, 169.254.170.2 or 169.254.170.23).
//!
//! A request gets the keys only as `GET /credentials` with the token in
//! `Authorization`; otherwise 404 (another path), 405 (another method),
//! 401 (no token) or 403 (a wrong one), with no key in the body. The
//! listening socket is close-on-exec (as std opens every descriptor): the
//! command acct starts does not hold the port, which closes with acct.

use std::io::{self, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use super::http::{self, Request};
use super::keys::{self, Keys};
use super::token::Token;
use crate::error::{Failure, Result};

/// The variables every AWS SDK reads to ask a container endpoint.
pub const URI_VARIABLE: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
pub const TOKEN_VARIABLE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

/// The one path that answers.
const PATH: &str = "/credentials";
/// A client that has not sent its request by then is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Endpoint {
    listener: TcpListener,
    token: Token,
    uri: String,
}

impl Endpoint {
    /// Listen on 127.0.0.1, on a free port, with a new token.
    pub fn bind() -> Result<Self> {
        let cannot = |e: io::Error| {
            Failure::other(
                format!("cannot start the credential endpoint on 127.0.0.1: {e}; nothing was run"),
                "check that the loopback interface is up (`ping -c1 127.0.0.1`)",
            )
        };
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(cannot)?;
        let port = listener.local_addr().map_err(cannot)?.port();
        let token = Token::new().map_err(cannot)?;
        Ok(Endpoint {
            listener,
            token,
            uri: format!("http://127.0.0.1:{port}{PATH}"),
        })
    }

    /// The two variables a client needs, with their values.
    pub fn variables(&self) -> [(&'static str, String); 2] {
        [
            (URI_VARIABLE, self.uri.clone()),
            (TOKEN_VARIABLE, self.token.as_str().to_string()),
        ]
    }

    /// Answer requests on a thread of its own, each connection on its own
    /// thread (a slow client holds up no other), until acct exits.
    /// `stage` names the stage in what acct says on stderr.
    pub fn serve(self, stage: String, keys: Keys) {
        let shared = Arc::new(Shared {
            token: self.token,
            keys,
            stage,
        });
        let listener = self.listener;
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else {
                    // Out of descriptors, or a connection reset before it
                    // was accepted: the next one may do.
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                let shared = shared.clone();
                std::thread::spawn(move || shared.answer(stream));
            }
        });
    }
}

struct Shared {
    token: Token,
    keys: Keys,
    stage: String,
}

impl Shared {
    fn answer(&self, mut stream: TcpStream) {
        let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
        let (status, body) = match http::read_request(&mut stream) {
            Ok(Some(request)) => match refusal(&request, &self.token) {
                Some(refused) => refused,
                None => self.keys_document(),
            },
            Ok(None) => (400, message("not an HTTP request")),
            // Timed out or reset: nobody to answer.
            Err(_) => return,
        };
        let _ = http::respond(&mut stream, status, &body);
    }

    fn keys_document(&self) -> (u16, String) {
        match self.keys.current() {
            Ok(keys) => (200, keys::document(&keys)),
            Err(failure) => {
                let reason = failure
                    .message
                    .strip_suffix("; nothing was run")
                    .unwrap_or(&failure.message);
                // Said where the person sees it: the client inside a
                // container may print only "500".
                let mut err = io::stderr().lock();
                let _ = writeln!(
                    err,
                    "acct: the credential endpoint could not get `{}`'s keys: {reason}; the request got none",
                    self.stage
                );
                if let Some(fix) = &failure.fix {
                    let _ = writeln!(err, "  fix: {fix}");
                }
                (
                    500,
                    message(&format!(
                        "acct could not get `{}`'s keys: {reason}",
                        self.stage
                    )),
                )
            }
        }
    }
}

/// Why `request` gets no keys, as a status and a body; `None`: it gets them.
/// The path is checked first, so a probe of other paths learns nothing of
/// the token.
fn refusal(request: &Request, token: &Token) -> Option<(u16, String)> {
    if request.path != PATH {
        return Some((404, message("no such path")));
    }
    if request.method != "GET" {
        return Some((405, message("only GET")));
    }
    match &request.authorization {
        None => Some((401, message("no Authorization header"))),
        Some(given) if !token.matches(given) => Some((403, message("wrong token"))),
        Some(_) => None,
    }
}

fn message(text: &str) -> String {
    serde_json::json!({ "message": text }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, path: &str, authorization: Option<&[u8]>) -> Request {
        Request {
            method: method.into(),
            path: path.into(),
            authorization: authorization.map(<[u8]>::to_vec),
        }
    }

    #[test]
    fn only_get_on_the_path_with_the_token_passes() {
        let token = Token::new().unwrap();
        let right = token.as_str().as_bytes();
        let status = |r: &Request| refusal(r, &token).map(|(s, _)| s);
        assert_eq!(status(&request("GET", PATH, Some(right))), None);
        assert_eq!(status(&request("GET", PATH, None)), Some(401));
        assert_eq!(status(&request("GET", PATH, Some(b"0000"))), Some(403));
        assert_eq!(status(&request("GET", "/", Some(right))), Some(404));
        assert_eq!(
            status(&request("GET", "/credentials/", Some(right))),
            Some(404)
        );
        assert_eq!(status(&request("POST", PATH, Some(right))), Some(405));
    }
}
