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

/// Generated AWS config files: the user's own lines (comments, blanks,
/// whitespace, sections, nested values), other namespaces' blocks, maybe an
/// older block of ours, LF or CRLF, with or without a final newline.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    const NAMESPACE: &str = "cpco";
    const PROFILES: &str = "[profile cpco-root-admin]\nregion=us-west-2\nrole_arn=arn:aws:iam::323330167063:role/cpco-root-admin\nsource_profile=cpco\n\n[profile cpco-testing-admin]\nregion=us-west-2\nrole_arn=arn:aws:iam::323330167063:role/cpco-root-admin\nsource_profile=cpco\n";

    fn user_line() -> impl Strategy<Value = String> {
        prop_oneof![
            "[#;][ -~]{0,24}",
            "[ \t]{0,3}",
            "\\[ ?(default|profile +(dev|prod|cpco-sso|acme-prod-admin)|sso-session corp|services s) ?\\]",
            "[a-z_]{1,12} ?= ?[ -~]{0,20}",
            "  [a-z_]{1,10} = [a-z0-9]{0,8}",
            // A near miss of a marker is the user's text, not a block.
            "# (BEGIN|END) acct cpco[a-z]",
        ]
    }

    /// A chunk: a few user lines, or a whole block of another namespace.
    fn chunk() -> impl Strategy<Value = Vec<String>> {
        prop_oneof![
            4 => prop::collection::vec(user_line(), 1..6),
            1 => ("acme|corp|cpco2", "[a-z]{1,8}").prop_map(|(ns, name)| {
                render(&ns, &format!("[profile {ns}-{name}]\nregion=us-east-1\n"), "\n")
                    .lines()
                    .map(str::to_string)
                    .collect()
            }),
        ]
    }

    fn old_block() -> impl Strategy<Value = Vec<String>> {
        prop_oneof![
            Just(render(
                NAMESPACE,
                "[profile cpco-root-admin]\nregion=eu-west-1\n",
                "\n"
            )),
            Just(render(NAMESPACE, PROFILES, "\n")),
            Just("# BEGIN acct cpco\n# END acct cpco\n".to_string()),
        ]
        .prop_map(|block| block.lines().map(str::to_string).collect())
    }

    prop_compose! {
        fn config_file()(
            chunks in prop::collection::vec(chunk(), 0..8),
            old in prop::option::of((old_block(), any::<prop::sample::Index>())),
            crlf in any::<bool>(),
            final_newline in any::<bool>(),
        ) -> String {
            let mut chunks = chunks;
            if let Some((block, at)) = old {
                let at = at.index(chunks.len() + 1);
                chunks.insert(at, block);
            }
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut text = chunks.concat().join(eol);
            if final_newline && !text.is_empty() {
                text.push_str(eol);
            }
            text
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn merge_keeps_every_byte_outside_its_block_and_is_idempotent(file in config_file()) {
            let merged = merge(&file, NAMESPACE, PROFILES).expect("no conflict in generated files");
            let new = find(&merged, NAMESPACE).unwrap().expect("a block after merging");
            match find(&file, NAMESPACE).unwrap() {
                Some(old) => {
                    prop_assert_eq!(&merged[..new.start], &file[..old.start]);
                    prop_assert_eq!(&merged[new.end..], &file[old.end..]);
                }
                None => {
                    prop_assert!(merged.starts_with(&file));
                    prop_assert_eq!(new.end, merged.len());
                }
            }
            let eol = line_end(&file);
            let block = render(NAMESPACE, PROFILES, eol);
            prop_assert_eq!(merged[new].trim_end_matches(eol), block.trim_end_matches(eol));
            prop_assert_eq!(merge(&merged, NAMESPACE, PROFILES).unwrap(), merged);
        }

        /// Fuzzing: any text at all, markers and profile headers sprinkled in,
        /// never panics the merger, and a merge that succeeds is final.
        #[test]
        fn merge_never_panics_on_arbitrary_text(
            pieces in prop::collection::vec(prop_oneof![
                "\\PC{0,20}",
                Just("# BEGIN acct cpco".to_string()),
                Just("# END acct cpco".to_string()),
                Just("[profile cpco-root-admin]".to_string()),
                Just("\r\n".to_string()),
                Just("\n".to_string()),
            ], 0..24),
        ) {
            let text = pieces.concat();
            if let Ok(merged) = merge(&text, NAMESPACE, PROFILES) {
                prop_assert_eq!(merge(&merged, NAMESPACE, PROFILES).unwrap(), merged);
            }
        }
    }
}
