//! A config problem: where it is (a byte span of the file) and how to fix it.

use std::ops::Range;
use std::path::Path;

use crate::text::printable::printable;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Range<usize>,
    pub message: String,
    pub fix: String,
}

impl Diagnostic {
    pub fn new(span: Range<usize>, message: impl Into<String>, fix: impl Into<String>) -> Self {
        Diagnostic {
            span,
            message: message.into(),
            fix: fix.into(),
        }
    }

    /// `FILE:LINE:COL: message` and an indented `fix:` line, each one line:
    /// a newline or an escape sequence quoted from the config is written
    /// as an escape (`\u{1b}`), never raw.
    pub fn render(&self, path: &Path, text: &str) -> String {
        let (line, column) = line_column(text, self.span.start);
        let location = path.display().to_string();
        let mut out = format!(
            "{}:{line}:{column}: {}",
            printable(&location, false),
            printable(&self.message, false)
        );
        if !self.fix.is_empty() {
            out.push_str("\n  fix: ");
            out.push_str(&printable(&self.fix, false));
        }
        out
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_escapes_and_newlines_stay_escapes() {
        let d = Diagnostic::new(0..0, "unknown key `\u{1b}]0;T\u{7}\nacct: x`", "a\u{202e}b");
        assert_eq!(
            d.render(Path::new("/c\rfg"), ""),
            "/c\\u{d}fg:1:1: unknown key `\\u{1b}]0;T\\u{7}\\u{a}acct: x`\n  fix: a\\u{202e}b"
        );
    }

    #[test]
    fn lines_and_columns_are_one_based() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 10), (2, 4));
        assert_eq!(line_column(text, 999), (3, 1));
    }
}
