//! Quoting values for the shells acct prints code for. Values only ever reach
//! shell code through these, so a config value can never run as code, and a
//! control character (an escape sequence, a newline) is never printed raw.

use std::borrow::Cow;
use std::fmt::Write;

/// How a control character is written inside an escape: `\n`, `\t`, `\e`, `\xHH`.
fn escape_control(c: char, out: &mut String) {
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\x1b' => out.push_str("\\e"),
        _ => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
    }
}

/// bash and zsh: single quotes where needed (shell-words' rules), so `$(...)`
/// and backticks stay literal; ANSI-C `$'...'` when the value holds control
/// characters, so they are written as escapes.
pub fn posix(value: &str) -> Cow<'_, str> {
    if !value.chars().any(char::is_control) {
        return shell_words::quote(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    out.push_str("$'");
    for c in value.chars() {
        match c {
            '\\' | '\'' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => escape_control(c, &mut out),
            c => out.push(c),
        }
    }
    out.push('\'');
    Cow::Owned(out)
}

/// fish: inside single quotes only `\\` and `\'` are escapes; control
/// characters are written as escapes between quoted pieces (`'a'\e'b'`).
pub fn fish(value: &str) -> String {
    if value.is_empty() {
        return "''".to_string();
    }
    let mut out = String::with_capacity(value.len() + 2);
    let mut quoted = false;
    for c in value.chars() {
        if c.is_control() {
            if quoted {
                out.push('\'');
                quoted = false;
            }
            escape_control(c, &mut out);
            continue;
        }
        if !quoted {
            out.push('\'');
            quoted = true;
        }
        if c == '\\' || c == '\'' {
            out.push('\\');
        }
        out.push(c);
    }
    if quoted {
        out.push('\'');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fish_escapes_quotes_and_control_characters() {
        assert_eq!(fish("a'b\\c $(x)"), r"'a\'b\\c $(x)'");
        assert_eq!(fish(""), "''");
        assert_eq!(fish("a\nb\x1b"), r"'a'\n'b'\e");
    }

    #[test]
    fn posix_quotes_only_when_needed_and_escapes_control_characters() {
        assert_eq!(posix("plain"), "plain");
        assert_eq!(posix("it's $(x)"), r#"'it'\''s $(x)'"#);
        assert_eq!(posix("a\nb'\x1b[31m\x07"), r"$'a\nb\'\e[31m\x07'");
    }
}
