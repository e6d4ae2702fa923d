//! What may reach a terminal as it is. A config value, a path or an AWS
//! answer can carry an escape sequence, a newline or a bidi override that
//! would rewrite what the person sees; messages show those characters as
//! escapes, and quoting (`quote`) writes them as escapes the shell reads back.

use std::borrow::Cow;
use std::fmt::Write;

/// Characters that are never written raw: C0 and C1 controls and DEL, and
/// the invisible format characters that reorder or hide text on a terminal
/// (bidi overrides and isolates, zero-width characters, line separators).
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00ad}' | '\u{061c}' | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}'
        )
}

/// `text` with each hidden character written as Rust writes it in `{:?}`
/// (`\u{1b}`), so quoted and unquoted values look alike; newlines are kept
/// when `keep_newlines`, for text made of lines.
pub fn printable(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let hidden = |c: char| is_hidden(c) && !(keep_newlines && c == '\n');
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}
