//! acct's marked block inside an AWS config file, merged as pure text so it
//! can be property-tested: `merge` replaces (or appends) the block of one
//! namespace and keeps every other byte of the file as it was, including
//! other namespaces' blocks, CRLF line ends and a missing final newline.

use std::ops::Range;

use super::ini;

/// Why a merge cannot be done without touching the user's own text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeError {
    /// A profile acct writes is already defined outside acct's block.
    Conflict { profile: String, line: usize },
    /// `# BEGIN acct NS` without its `# END acct NS`.
    Unterminated { line: usize },
    /// `# END acct NS` with no `# BEGIN acct NS` before it.
    StrayEnd { line: usize },
    /// Two blocks of the same namespace.
    Duplicate { first: usize, second: usize },
}

pub fn begin_marker(namespace: &str) -> String {
    format!("# BEGIN acct {namespace}")
}

pub fn end_marker(namespace: &str) -> String {
    format!("# END acct {namespace}")
}

/// Where the namespace's block is: from the start of its BEGIN line to the
/// end of its END line, the END line's line end included when it has one.
pub fn find(text: &str, namespace: &str) -> Result<Option<Range<usize>>, MergeError> {
    let (begin, end) = (begin_marker(namespace), end_marker(namespace));
    let mut open: Option<(usize, usize)> = None;
    let mut found: Option<(usize, Range<usize>)> = None;
    for (offset, number, line) in ini::lines(text) {
        let line = line.trim();
        if line == begin {
            if let Some((first, _)) = open.or(found.as_ref().map(|(l, r)| (*l, r.start))) {
                return Err(MergeError::Duplicate {
                    first,
                    second: number,
                });
            }
            open = Some((number, offset));
        } else if line == end {
            let Some((begin_line, start)) = open.take() else {
                return Err(MergeError::StrayEnd { line: number });
            };
            let line_end = text[offset..]
                .find('\n')
                .map_or(text.len(), |i| offset + i + 1);
            found = Some((begin_line, start..line_end));
        }
    }
    match open {
        Some((line, _)) => Err(MergeError::Unterminated { line }),
        None => Ok(found.map(|(_, range)| range)),
    }
}

/// The block for `profiles` (the rendered profiles, `\n` line ends), with
/// the given line end.
pub fn render(namespace: &str, profiles: &str, eol: &str) -> String {
    let mut block = begin_marker(namespace);
    block.push('\n');
    block.push_str(
        "# written by `acct aws-config --write`; edit the acct config instead of this block\n",
    );
    block.push_str(profiles);
    if !profiles.ends_with('\n') {
        block.push('\n');
    }
    block.push_str(&end_marker(namespace));
    block.push('\n');
    if eol == "\n" {
        block
    } else {
        block.replace('\n', eol)
    }
}

/// The file's line end: that of its first line, `\n` when it has none.
pub fn line_end(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if text[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

/// `existing` with the namespace's block set to `profiles`: replaced in
/// place when there is one, else appended after a blank line.
pub fn merge(existing: &str, namespace: &str, profiles: &str) -> Result<String, MergeError> {
    let range = find(existing, namespace)?;
    let own: Vec<&str> = ini::sections(profiles)
        .iter()
        .filter_map(|s| s.config_profile())
        .collect();
    let inside = |offset: usize| range.as_ref().is_some_and(|r| r.contains(&offset));
    if let Some(section) = ini::sections(existing)
        .iter()
        .filter(|s| !inside(s.offset))
        .find(|s| s.config_profile().is_some_and(|p| own.contains(&p)))
    {
        return Err(MergeError::Conflict {
            profile: section.config_profile().unwrap_or_default().to_string(),
            line: section.line,
        });
    }
    let eol = line_end(existing);
    let mut block = render(namespace, profiles, eol);
    let mut merged = String::with_capacity(existing.len() + block.len() + 2);
    match range {
        Some(range) => {
            // A block that ends the file without a final newline stays that way.
            if !existing[..range.end].ends_with('\n') {
                block.truncate(block.len() - eol.len());
            }
            merged.push_str(&existing[..range.start]);
            merged.push_str(&block);
            merged.push_str(&existing[range.end..]);
        }
        None => {
            merged.push_str(existing);
            if !existing.is_empty() {
                if !existing.ends_with('\n') {
                    merged.push_str(eol);
                }
                // One blank line between the user's text and the block.
                if !(merged.ends_with("\n\n") || merged.ends_with("\n\r\n")) {
                    merged.push_str(eol);
                }
            }
            merged.push_str(&block);
        }
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROFILES: &str = "[profile cpco-root-admin]\nregion=us-west-2\n";

    fn block(eol: &str) -> String {
        render("cpco", PROFILES, eol)
    }

    #[test]
    fn appends_after_a_blank_line_and_keeps_a_missing_newline_outside() {
        assert_eq!(merge("", "cpco", PROFILES).unwrap(), block("\n"));
        assert_eq!(
            merge("[default]", "cpco", PROFILES).unwrap(),
            format!("[default]\n\n{}", block("\n"))
        );
        assert_eq!(
            merge("[default]\r\n", "cpco", PROFILES).unwrap(),
            format!("[default]\r\n\r\n{}", block("\r\n"))
        );
        assert_eq!(
            merge("[default]\n\n", "cpco", PROFILES).unwrap(),
            format!("[default]\n\n{}", block("\n"))
        );
    }

    #[test]
    fn replaces_only_its_own_namespace() {
        let other = render("acme", "[profile acme-x]\n", "\n");
        let old = format!("a\n{}{other}b", render("cpco", "[profile old]\n", "\n"));
        assert_eq!(
            merge(&old, "cpco", PROFILES).unwrap(),
            format!("a\n{}{other}b", block("\n"))
        );
    }

    #[test]
    fn a_block_ending_the_file_without_newline_keeps_it_missing() {
        let old = "x\n# BEGIN acct cpco\n# END acct cpco";
        let merged = merge(old, "cpco", PROFILES).unwrap();
        assert_eq!(merged, format!("x\n{}", block("\n").trim_end_matches('\n')));
        assert_eq!(merge(&merged, "cpco", PROFILES).unwrap(), merged);
    }

    #[test]
    fn a_profile_outside_the_block_is_a_conflict_with_its_line() {
        let old = format!("{}\n[profile   cpco-root-admin]\n", block("\n"));
        assert_eq!(
            merge(&old, "cpco", PROFILES),
            Err(MergeError::Conflict {
                profile: "cpco-root-admin".into(),
                line: 7
            })
        );
    }

    #[test]
    fn broken_markers_are_refused() {
        assert_eq!(
            merge("x\n# BEGIN acct cpco\n", "cpco", PROFILES),
            Err(MergeError::Unterminated { line: 2 })
        );
        assert_eq!(
            merge("# END acct cpco\n", "cpco", PROFILES),
            Err(MergeError::StrayEnd { line: 1 })
        );
        let twice = format!("{}{}", block("\n"), block("\n"));
        assert_eq!(
            merge(&twice, "cpco", PROFILES),
            Err(MergeError::Duplicate {
                first: 1,
                second: 6
            })
        );
    }
}
