//! The AWS CLI's INI dialect read as botocore reads it (Python's
//! `configparser.RawConfigParser`, then `botocore.configloader`), because a
//! section that botocore takes for one of acct's profiles is one, however
//! it is spelled: `[profile "cpco-prod-admin"]`, `[profile\tcpco-prod-admin]`
//! and `[profilecpco x]` all shadow or define a profile.
//!
//! - Lines end at `\n`, `\r\n` *or a lone `\r`* (Python's universal newlines).
//! - A line whose first non-space is `#` or `;` is a comment; blank lines and
//!   comments never end a value.
//! - A line indented deeper than the option line before it continues that
//!   option's value, even when it looks like `[profile x]`.
//! - A header is the stripped line `[` anything `]`, up to the *last* `]`,
//!   not trimmed: `[ profile x ]` is the section ` profile x `, no profile.
//! - A section whose name starts with `profile` is split like a shell word
//!   list (`shlex.split`); two words make the profile named by the second.
//!   `default` is the profile `default`.
//!
//! Pure text in, borrowed slices out.

use std::borrow::Cow;

/// One `[...]` section and the plain `key = value` lines under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section<'t> {
    /// Between the first `[` and the last `]`, as botocore keys it (not
    /// trimmed): `profile cpco`, `default`, `sso-session x`.
    pub header: &'t str,
    /// 1-based line of the header.
    pub line: usize,
    /// Byte offset of the header line's start.
    pub offset: usize,
    /// Byte offset just past the section's last own line (its header, an
    /// option or a continuation) and that line's line end; trailing blank
    /// and comment lines are left to what follows.
    pub end: usize,
    /// Keys and values trimmed; continuation lines (nested values) are left out.
    pub entries: Vec<(&'t str, &'t str)>,
}

impl<'t> Section<'t> {
    /// The profile this section defines in a *config* file, as botocore's
    /// `build_profile_map` reads it.
    pub fn config_profile(&self) -> Option<Cow<'t, str>> {
        profile_of(self.header)
    }

    /// The `sso-session` this section defines, as botocore's
    /// `build_profile_map` reads it (the same split as for profiles).
    pub fn sso_session(&self) -> Option<Cow<'t, str>> {
        sso_session_of(self.header)
    }

    /// What the section defines that acct may also write: a profile, or an
    /// sso-session spelled `sso-session NAME`. A profile whose name holds
    /// white space is never one of acct's (profile names cannot hold it),
    /// so `[profile "sso-session x"]` is not taken for a session.
    pub fn acct_name(&self) -> Option<Cow<'t, str>> {
        match self.sso_session() {
            Some(name) => Some(Cow::Owned(format!("{SSO_SESSION} {name}"))),
            None if self.header.starts_with(SSO_SESSION) => None,
            None => self
                .config_profile()
                .filter(|name| !name.chars().any(char::is_whitespace)),
        }
    }
}

pub const SSO_SESSION: &str = "sso-session";

/// The sso-session a config-file section header defines, as botocore reads it.
pub fn sso_session_of(header: &str) -> Option<Cow<'_, str>> {
    if !header.starts_with(SSO_SESSION) {
        return None;
    }
    let mut words = shlex_split(header)?.into_iter();
    match (words.next(), words.next(), words.next()) {
        (Some(_), Some(name), None) => Some(name),
        _ => None,
    }
}

/// The profile a config-file section header defines, as botocore reads it.
pub fn profile_of(header: &str) -> Option<Cow<'_, str>> {
    if header.starts_with("profile") {
        let mut words = shlex_split(header)?.into_iter();
        return match (words.next(), words.next(), words.next()) {
            (Some(_), Some(name), None) => Some(name),
            _ => None,
        };
    }
    (header == "default").then_some(Cow::Borrowed(header))
}

/// One line: where it starts, its 1-based number, its text without the
/// line end, and where the next line starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'t> {
    pub offset: usize,
    pub number: usize,
    pub text: &'t str,
    pub end: usize,
}

/// Lines as Python reads a text file: ending at `\n`, `\r\n` or `\r`.
pub fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let bytes = text.as_bytes();
    let mut offset = 0;
    let mut number = 0;
    std::iter::from_fn(move || {
        if offset >= bytes.len() {
            return None;
        }
        let start = offset;
        let stop =
            memchr::memchr2(b'\n', b'\r', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let end = match bytes.get(stop) {
            Some(b'\r') if bytes.get(stop + 1) == Some(&b'\n') => stop + 2,
            Some(_) => stop + 1,
            None => stop,
        };
        offset = end;
        number += 1;
        Some(Line {
            offset: start,
            number,
            text: &text[start..stop],
            end,
        })
    })
}

/// Python's `str.isspace`: Unicode white space and the four separators
/// U+001C..U+001F.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.strip()`.
pub fn py_strip(text: &str) -> &str {
    text.trim_matches(is_py_space)
}

/// A header line's section name: `[` then at least one character then the
/// last `]` (configparser's `\[(?P<header>.+)\]`, matched at the start).
fn header_of(stripped: &str) -> Option<&str> {
    let inner = stripped.strip_prefix('[')?;
    let close = inner.rfind(']')?;
    (close > 0).then(|| &inner[..close])
}

/// configparser's option line: the name before the first `=` or `:`.
fn option_of(stripped: &str) -> Option<(&str, &str)> {
    let at = stripped.find(['=', ':'])?;
    let key = stripped[..at].trim_end_matches(is_py_space);
    let value = py_strip(&stripped[at + 1..]);
    Some((key, value))
}

pub fn sections(text: &str) -> Vec<Section<'_>> {
    let mut sections: Vec<Section<'_>> = Vec::new();
    // Whether an option may take continuation lines, and its indent.
    let mut option = false;
    let mut indent_level = 0;
    for line in lines(text) {
        let stripped = py_strip(line.text);
        if stripped.is_empty() || stripped.starts_with(['#', ';']) {
            continue;
        }
        let indent = line.text.chars().take_while(|c| is_py_space(*c)).count();
        if let Some(section) = sections
            .last_mut()
            .filter(|_| option && indent > indent_level)
        {
            section.end = line.end;
            continue;
        }
        indent_level = indent;
        if let Some(header) = header_of(stripped) {
            sections.push(Section {
                header,
                line: line.number,
                offset: line.offset,
                end: line.end,
                entries: Vec::new(),
            });
            option = false;
            continue;
        }
        let Some(section) = sections.last_mut() else {
            // Before any header: botocore refuses the whole file.
            continue;
        };
        section.end = line.end;
        match option_of(stripped) {
            Some((key, value)) if !key.is_empty() => {
                section.entries.push((key, value));
                option = true;
            }
            Some(_) => option = false,
            // Not an option (botocore refuses the file at its end); the
            // option before it still takes continuation lines.
            None => {}
        }
    }
    sections
}

/// Python's `shlex.split(text)` (POSIX mode, split on ` \t\r\n`, no
/// comments); `None` where it raises (an open quote, a trailing `\`).
/// A word without quotes or escapes is borrowed.
pub fn shlex_split(text: &str) -> Option<Vec<Cow<'_, str>>> {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    let mut words = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if is_space(c) {
            chars.next();
            continue;
        }
        let mut word = String::new();
        let mut plain = true;
        let mut stop = text.len();
        while let Some((at, c)) = chars.next() {
            match c {
                c if is_space(c) => {
                    stop = at;
                    break;
                }
                '\'' | '"' => {
                    plain = false;
                    quoted(c, &mut chars, &mut word)?;
                }
                '\\' => {
                    plain = false;
                    word.push(chars.next()?.1);
                }
                c => word.push(c),
            }
        }
        words.push(if plain {
            Cow::Borrowed(&text[start..stop])
        } else {
            Cow::Owned(word)
        });
    }
    Some(words)
}

/// The rest of a quoted part after its opening `quote`: in `"..."` a `\`
/// escapes only `"` and `\`; in `'...'` nothing is escaped.
fn quoted(
    quote: char,
    chars: &mut impl Iterator<Item = (usize, char)>,
    word: &mut String,
) -> Option<()> {
    loop {
        match chars.next()?.1 {
            c if c == quote => return Some(()),
            '\\' if quote == '"' => {
                let next = chars.next()?.1;
                if next != '"' && next != '\\' {
                    word.push('\\');
                }
                word.push(next);
            }
            c => word.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profiles(text: &str) -> Vec<Option<String>> {
        sections(text)
            .iter()
            .map(|s| s.config_profile().map(Cow::into_owned))
            .collect()
    }

    #[test]
    fn reads_profiles_entries_and_lines() {
        let text = "# top\r\n[default]\r\nregion = us-east-1\r\n\r\n[profile  a ]\r\nrole_arn=x\r\ns3 =\r\n  max = 4\r\n[sso-session s]\r\n[b]\r\n";
        let found = sections(text);
        let names: Vec<_> = found.iter().map(|s| s.config_profile()).collect();
        assert_eq!(
            names,
            [Some("default".into()), Some("a".into()), None, None]
        );
        assert_eq!(found[1].line, 5);
        assert_eq!(&text[found[1].offset..found[1].offset + 5], "[prof");
        assert_eq!(&text[found[1].offset..found[1].end].lines().count(), &4);
        assert_eq!(found[0].entries, [("region", "us-east-1")]);
        assert_eq!(found[1].entries, [("role_arn", "x"), ("s3", "")]);
    }

    #[test]
    fn sso_sessions_are_read_as_botocore_reads_them() {
        let text = "[sso-session cpco]\n[sso-session \"cpco\"]\n[sso-sessionx cpco]\n[sso-session a b]\n[ sso-session cpco ]\n[sso-session]\n[profile \"sso-session cpco\"]\n[profile cpco]\n";
        let names: Vec<Option<String>> = sections(text)
            .iter()
            .map(|s| s.acct_name().map(Cow::into_owned))
            .collect();
        let session = |n: &str| Some(format!("sso-session {n}"));
        assert_eq!(
            names,
            [
                session("cpco"),
                session("cpco"),
                session("cpco"),
                None,
                None,
                None,
                None,
                Some("cpco".to_string()),
            ]
        );
    }

    #[test]
    fn headers_are_read_as_botocore_reads_them() {
        let text = "[profile \"cpco-prod-admin\"]\n[profile\tb]\n[profilec d]\n[ profile e ]\n[ default ]\n[profile 'f g']\n[profile h i]\n[profile \"open]\n[profile j] ; note ]\n[profile k\\ l]\n[default]\n";
        let expected: Vec<Option<String>> = [
            Some("cpco-prod-admin"),
            Some("b"),
            Some("d"),
            None,
            None,
            Some("f g"),
            None,
            None,
            None,
            Some("k l"),
            Some("default"),
        ]
        .iter()
        .map(|p| p.map(String::from))
        .collect();
        assert_eq!(profiles(text), expected);
    }

    #[test]
    fn a_lone_cr_ends_a_line_and_an_indented_header_continues_a_value() {
        let text = "[profile a]\rregion = x\r[profile b]\r";
        assert_eq!(profiles(text), [Some("a".into()), Some("b".into())]);
        let text = "[profile a]\nnote = x\n\n  [profile b]\n[profile c]\n";
        assert_eq!(profiles(text), [Some("a".into()), Some("c".into())]);
        // After a header (no option yet) an indented header is a header.
        let text = "[profile a]\n  [profile b]\n";
        assert_eq!(profiles(text), [Some("a".into()), Some("b".into())]);
    }

    #[test]
    fn shlex_splits_like_python() {
        let split = |s: &str| {
            shlex_split(s).map(|w| w.into_iter().map(Cow::into_owned).collect::<Vec<_>>())
        };
        assert_eq!(split("a  b"), Some(vec!["a".into(), "b".into()]));
        assert_eq!(split("a\"b c\"d"), Some(vec!["ab cd".into()]));
        assert_eq!(
            split("'a\\b' \"c\\d\\\"\""),
            Some(vec!["a\\b".into(), "c\\d\"".into()])
        );
        assert_eq!(split("\"\""), Some(vec![String::new()]));
        assert_eq!(split("'open"), None);
        assert_eq!(split("end\\"), None);
    }
}
