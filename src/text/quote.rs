//! Quoting values for the shells acct prints code for. Values only ever reach
//! shell code through these, so a config value can never run as code or be
//! expanded (braces, tildes, globs), a control or invisible character (an
//! escape sequence, a newline, a bidi override) is never printed raw, and the
//! shell gets back exactly the bytes of the value, even a path that is not
//! UTF-8.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fmt::Write;
use std::os::unix::ffi::OsStrExt;

use super::printable::is_hidden;

/// Bytes that need no quoting in bash and zsh anywhere in a word: no
/// expansion (brace, tilde, glob, `=cmd`, history) can start from them.
fn is_plain(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"_-./:@,+".contains(&byte)
}

/// A value's pieces: text that may be written as it is (inside quotes), and
/// bytes that must be written as escapes (hidden characters, invalid UTF-8).
enum Piece<'a> {
    Text(&'a str),
    Escaped(&'a [u8]),
}

fn pieces(value: &OsStr) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    for chunk in value.as_bytes().utf8_chunks() {
        let mut rest = chunk.valid();
        while let Some((at, c)) = rest.char_indices().find(|&(_, c)| is_hidden(c)) {
            if at > 0 {
                out.push(Piece::Text(&rest[..at]));
            }
            let end = at + c.len_utf8();
            out.push(Piece::Escaped(&rest.as_bytes()[at..end]));
            rest = &rest[end..];
        }
        if !rest.is_empty() {
            out.push(Piece::Text(rest));
        }
        if !chunk.invalid().is_empty() {
            out.push(Piece::Escaped(chunk.invalid()));
        }
    }
    out
}

/// One escaped byte, the way both `$'...'` and fish read it back as a byte.
fn escape_byte(byte: u8, hex: &str, out: &mut String) {
    match byte {
        b'\n' => out.push_str("\\n"),
        b'\t' => out.push_str("\\t"),
        b'\r' => out.push_str("\\r"),
        0x1b => out.push_str("\\e"),
        _ => {
            let _ = write!(out, "{hex}{byte:02x}");
        }
    }
}

/// bash and zsh: the value as it is when every byte is plain; single quotes
/// when it is printable text; ANSI-C `$'...'` with `\xHH` escapes of each
/// byte of a hidden character or of invalid UTF-8 otherwise, which both
/// shells turn back into exactly those bytes whatever the locale.
pub fn posix(value: &OsStr) -> Cow<'_, str> {
    let bytes = value.as_bytes();
    if !bytes.is_empty() && bytes.iter().all(|b| is_plain(*b)) {
        // All ASCII, so this is valid UTF-8.
        return String::from_utf8_lossy(bytes);
    }
    let pieces = pieces(value);
    if let [Piece::Text(text)] = pieces.as_slice() {
        return Cow::Owned(format!("'{}'", text.replace('\'', r"'\''")));
    }
    if pieces.is_empty() {
        return Cow::Borrowed("''");
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    out.push_str("$'");
    for piece in pieces {
        match piece {
            Piece::Text(text) => {
                for c in text.chars() {
                    if c == '\\' || c == '\'' {
                        out.push('\\');
                    }
                    out.push(c);
                }
            }
            Piece::Escaped(bytes) => {
                for byte in bytes {
                    escape_byte(*byte, "\\x", &mut out);
                }
            }
        }
    }
    out.push('\'');
    Cow::Owned(out)
}

/// fish: single quotes, inside which only `\\` and `\'` are escapes; hidden
/// characters and invalid UTF-8 as `\XHH` byte escapes between the quoted
/// pieces (`'a'\Xc2\X9b'b'`), which fish exports as exactly those bytes.
pub fn fish(value: &OsStr) -> String {
    let pieces = pieces(value);
    if pieces.is_empty() {
        return "''".to_string();
    }
    let mut out = String::with_capacity(value.len() + 2);
    for piece in pieces {
        match piece {
            Piece::Text(text) => {
                out.push('\'');
                for c in text.chars() {
                    if c == '\\' || c == '\'' {
                        out.push('\\');
                    }
                    out.push(c);
                }
                out.push('\'');
            }
            Piece::Escaped(bytes) => {
                for byte in bytes {
                    escape_byte(*byte, "\\X", &mut out);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(s: &str) -> &OsStr {
        OsStr::new(s)
    }

    #[test]
    fn fish_escapes_quotes_hidden_characters_and_bytes() {
        assert_eq!(fish(os("a'b\\c $(x)")), r"'a\'b\\c $(x)'");
        assert_eq!(fish(os("")), "''");
        assert_eq!(fish(os("a\nb\x1b")), r"'a'\n'b'\e");
        assert_eq!(fish(os("a\u{9b}b")), r"'a'\Xc2\X9b'b'");
        assert_eq!(fish(OsStr::from_bytes(b"cfg\xff")), r"'cfg'\Xff");
    }

    #[test]
    fn posix_quotes_whatever_a_shell_would_expand() {
        assert_eq!(posix(os("plain-1.2/x:y@z,w+v")), "plain-1.2/x:y@z,w+v");
        for value in [
            "{a,b}", "x{1..3}y", "~/x", "a*b", "=ls", "!x", "%1", "a b", "a=b", "$HOME", "`id`",
            "a$b", "x`",
        ] {
            assert_eq!(posix(os(value)), format!("'{value}'"), "{value}");
        }
        assert_eq!(posix(os("it's $(x)")), r#"'it'\''s $(x)'"#);
        assert_eq!(posix(os("")), "''");
    }

    #[test]
    fn posix_writes_hidden_characters_as_their_utf8_bytes() {
        assert_eq!(posix(os("a\nb'\x1b[31m\x07")), r"$'a\nb\'\e[31m\x07'");
        assert_eq!(posix(os("a\u{9b}b")), r"$'a\xc2\x9bb'");
        assert_eq!(posix(os("\u{202e}x")), r"$'\xe2\x80\xaex'");
        assert_eq!(posix(OsStr::from_bytes(b"cfg\xff")), r"$'cfg\xff'");
    }
}
