//! Quoting values for the shells acct prints code for. Values only ever reach
//! shell code through these, so a config value can never run as code.

use std::borrow::Cow;

/// bash and zsh: single quotes where needed (shell-words' rules), so `$(...)`,
/// backticks and newlines stay literal.
pub fn posix(value: &str) -> Cow<'_, str> {
    shell_words::quote(value)
}

/// fish: inside single quotes only `\\` and `\'` are escapes; newlines are literal.
pub fn fish(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\\' || c == '\'' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fish_escapes_only_backslash_and_quote() {
        assert_eq!(fish("a'b\\c $(x)"), r"'a\'b\\c $(x)'");
        assert_eq!(posix("plain"), "plain");
        assert_eq!(posix("it's $(x)"), r#"'it'\''s $(x)'"#);
    }
}
