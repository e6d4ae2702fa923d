//! Just enough HTTP/1.x for the SDKs' credential request: the request line
//! and the headers of one request (no body is read: a GET has none), and
//! one answer with `Connection: close`. The SDKs open a connection per
//! fetch, once an hour or so; keep-alive would buy nothing.

use std::io::{self, Read, Write};

/// The most a request's head may take; the SDKs send about 200 bytes.
const MAX_HEAD: usize = 16 * 1024;

#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The target without its query string.
    pub path: String,
    /// The `Authorization` header's value, as sent.
    pub authorization: Option<Vec<u8>>,
}

/// Read one request's head. `Ok(None)`: the connection closed before a
/// whole head came, or sent something that is not HTTP.
pub fn read_request(stream: &mut impl Read) -> io::Result<Option<Request>> {
    let mut head = Vec::with_capacity(512);
    let mut chunk = [0u8; 1024];
    let end = loop {
        if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        if head.len() > MAX_HEAD {
            return Ok(None);
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(None);
        }
        head.extend_from_slice(&chunk[..n]);
    };
    Ok(parse(&head[..end]))
}

fn parse(head: &[u8]) -> Option<Request> {
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let request_line = std::str::from_utf8(lines.next()?).ok()?;
    let mut words = request_line.split(' ');
    let (method, target, version) = (words.next()?, words.next()?, words.next()?);
    if !version.starts_with("HTTP/1.") || words.next().is_some() {
        return None;
    }
    let path = target.split('?').next().unwrap_or_default();
    let authorization = lines.find_map(|line| {
        let colon = line.iter().position(|&b| b == b':')?;
        let (name, value) = line.split_at(colon);
        name.eq_ignore_ascii_case(b"authorization")
            .then(|| value[1..].trim_ascii().to_vec())
    });
    Some(Request {
        method: method.to_string(),
        path: path.to_string(),
        authorization,
    })
}

/// Write one answer with a JSON body and close.
pub fn respond(stream: &mut impl Write, status: u16, body: &str) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    };
    let allow = if status == 405 { "Allow: GET\r\n" } else { "" };
    // no-store: the keys must not be kept by a proxy or a client's cache.
    let answer = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nCache-Control: no-store\r\n{allow}Connection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(answer.as_bytes())?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Option<Request> {
        read_request(&mut &bytes[..]).unwrap()
    }

    #[test]
    fn a_request_as_the_sdks_send_it() {
        let got = read(
            b"GET /credentials?x=1 HTTP/1.1\r\nHost: 127.0.0.1:4000\r\nauthorization:  abc123 \r\nUser-Agent: Boto3\r\n\r\n",
        );
        assert_eq!(
            got,
            Some(Request {
                method: "GET".into(),
                path: "/credentials".into(),
                authorization: Some(b"abc123".to_vec()),
            })
        );
    }

    #[test]
    fn no_authorization_header_is_none_and_not_http_is_refused() {
        let got = read(b"GET / HTTP/1.0\r\nX-Authorization: abc\r\n\r\n").unwrap();
        assert_eq!(got.authorization, None, "only the header of that name");
        assert_eq!(read(b"GET /\r\n\r\n"), None, "no version");
        assert_eq!(read(b"SSH-2.0-OpenSSH_9.2\r\n\r\n"), None);
        assert_eq!(read(b"GET / HTTP/1.1\r\n"), None, "the head never ends");
    }

    #[test]
    fn a_head_without_end_is_not_read_forever() {
        let endless = vec![b'a'; MAX_HEAD + 2048];
        assert_eq!(read(&endless), None);
    }

    #[test]
    fn an_answer_says_its_length_and_closes() {
        let mut out = Vec::new();
        respond(&mut out, 405, "{}").unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"),
            "{text}"
        );
        assert!(text.contains("Content-Length: 2\r\n"), "{text}");
        assert!(text.contains("Allow: GET\r\n"), "{text}");
        assert!(text.contains("Connection: close\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\n{}"), "{text}");
    }
}
