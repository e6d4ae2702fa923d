//! acct's marked block inside an AWS config file, merged as pure text so it
//! can be property-tested: `merge` replaces (or appends) the block of one
//! namespace and keeps every other byte of the file as it was, including
//! other namespaces' blocks, CRLF (or CR) line ends and a missing final
//! newline; `adopt` first takes the user's own sections of the profiles
//! acct writes out of the text.
//!
//! The block records the config that wrote it (`# config: PATH`, the third
//! line); a block without that line (written before acct recorded it) is
//! taken over silently.

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;

use super::ini;

/// Why a merge cannot be done without touching the user's own text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeError {
    /// A profile acct writes is already defined outside acct's block, by
    /// the section `header` (as botocore reads it).
    Conflict {
        profile: String,
        header: String,
        line: usize,
    },
    /// `# BEGIN acct NS` without its `# END acct NS`.
    Unterminated { line: usize },
    /// `# END acct NS` with no `# BEGIN acct NS` before it.
    StrayEnd { line: usize },
    /// Two blocks of the same namespace.
    Duplicate { first: usize, second: usize },
    /// The block was written by another config (`owner`, as recorded).
    Owned { owner: String, line: usize },
}

/// What acct writes for one config: its namespace's block.
#[derive(Debug, Clone, Copy)]
pub struct Block<'a> {
    pub namespace: &'a str,
    /// The config that writes it, as `owner_text` records it.
    pub owner: &'a str,
    /// The rendered profiles, `\n` line ends.
    pub profiles: &'a str,
}

pub fn begin_marker(namespace: &str) -> String {
    format!("# BEGIN acct {namespace}")
}

pub fn end_marker(namespace: &str) -> String {
    format!("# END acct {namespace}")
}

const WRITTEN_BY: &str =
    "# written by `acct aws-config --write`; edit the acct config instead of this block";
const OWNER_PREFIX: &str = "# config: ";

/// A config's path as its block records it: on one line, every control
/// character (a line end) written as `\u{..}`.
pub fn owner_text(config: &Path) -> String {
    let path = config.to_string_lossy();
    let mut text = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_control() {
            text.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            text.push(c);
        }
    }
    text
}

/// Where the namespace's block is: from the start of its BEGIN line to the
/// end of its END line, the END line's line end included when it has one.
#[cfg(test)]
pub fn find(text: &str, namespace: &str) -> Result<Option<Range<usize>>, MergeError> {
    Ok(find_with_line(text, namespace)?.map(|(_, range)| range))
}

/// `find`, with the BEGIN line's number.
fn find_with_line(
    text: &str,
    namespace: &str,
) -> Result<Option<(usize, Range<usize>)>, MergeError> {
    let (begin, end) = (begin_marker(namespace), end_marker(namespace));
    let mut open: Option<(usize, usize)> = None;
    let mut found: Option<(usize, Range<usize>)> = None;
    for line in ini::lines(text) {
        // Markers are comments: most lines are passed over unscanned.
        if !line.text.trim_start().starts_with('#') {
            continue;
        }
        let trimmed = line.text.trim();
        if trimmed == begin {
            if let Some((first, _)) = open.or(found.as_ref().map(|(l, r)| (*l, r.start))) {
                return Err(MergeError::Duplicate {
                    first,
                    second: line.number,
                });
            }
            open = Some((line.number, line.offset));
        } else if trimmed == end {
            let Some((begin_line, start)) = open.take() else {
                return Err(MergeError::StrayEnd { line: line.number });
            };
            found = Some((begin_line, start..line.end));
        }
    }
    match open {
        Some((line, _)) => Err(MergeError::Unterminated { line }),
        None => Ok(found),
    }
}

/// `find`, with the BEGIN line's number: where the gate looks for acct's
/// sections.
pub fn locate(text: &str, namespace: &str) -> Result<Option<(usize, Range<usize>)>, MergeError> {
    find_with_line(text, namespace)
}

/// The config a block records as its writer; `None` for a block written
/// before acct recorded it.
pub fn recorded_owner(block: &str) -> Option<&str> {
    ini::lines(block)
        .take(3)
        .find_map(|line| line.text.strip_prefix(OWNER_PREFIX))
}

/// The config recorded in the namespace's block of `text`, if it has one.
pub fn owner_in<'t>(text: &'t str, namespace: &str) -> Option<&'t str> {
    let (_, range) = find_with_line(text, namespace).ok()??;
    recorded_owner(&text[range])
}

/// The block's text with the given line end.
pub fn render(block: &Block<'_>, eol: &str) -> String {
    let mut text = begin_marker(block.namespace);
    text.push('\n');
    text.push_str(WRITTEN_BY);
    text.push('\n');
    text.push_str(OWNER_PREFIX);
    text.push_str(block.owner);
    text.push('\n');
    text.push_str(block.profiles);
    if !block.profiles.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&end_marker(block.namespace));
    text.push('\n');
    if eol == "\n" {
        text
    } else {
        text.replace('\n', eol)
    }
}

/// The file's line end: that of its first line (`\r\n`, a lone `\r` or
/// `\n`), `\n` when it has none.
pub fn line_end(text: &str) -> &'static str {
    match text.find(['\n', '\r']).map(|i| &text[i..]) {
        Some(rest) if rest.starts_with("\r\n") => "\r\n",
        Some(rest) if rest.starts_with('\r') => "\r",
        _ => "\n",
    }
}

fn ends_with_break(text: &str) -> bool {
    text.ends_with(['\n', '\r'])
}

/// Whether `text` ends with an empty line (two line ends in a row).
fn ends_with_blank_line(text: &str) -> bool {
    let rest = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix(['\n', '\r']));
    rest.is_some_and(ends_with_break)
}

/// A line end after `text`; a lone CR that a `\n` would join into one CRLF
/// line end gets a lone CR.
fn push_break(text: &mut String, eol: &str) {
    if text.ends_with('\r') && eol.starts_with('\n') {
        text.push('\r');
    } else {
        text.push_str(eol);
    }
}

/// The profiles the block defines, as botocore reads them.
fn own_profiles<'p>(block: &Block<'p>) -> Vec<Cow<'p, str>> {
    ini::sections(block.profiles)
        .iter()
        .filter_map(ini::Section::acct_name)
        .collect()
}

/// The first section outside `range` that defines one of `own`.
fn conflict(text: &str, range: Option<&Range<usize>>, own: &[Cow<'_, str>]) -> Option<MergeError> {
    let inside = |offset: usize| range.is_some_and(|r| r.contains(&offset));
    ini::sections(text)
        .into_iter()
        .filter(|s| !inside(s.offset))
        .find_map(|s| {
            let profile = s.acct_name().filter(|p| own.contains(p))?;
            Some(MergeError::Conflict {
                profile: profile.into_owned(),
                header: s.header.to_string(),
                line: s.line,
            })
        })
}

/// `existing` with the namespace's block set to `block`: replaced in place
/// when there is one, else appended after a blank line. A block recorded
/// as written by another config is replaced only when `may_replace` says
/// so for its recorded owner.
pub fn merge(
    existing: &str,
    block: &Block<'_>,
    may_replace: impl Fn(&str) -> bool,
) -> Result<String, MergeError> {
    let found = find_with_line(existing, block.namespace)?;
    if let Some((line, range)) = &found {
        if let Some(owner) = recorded_owner(&existing[range.clone()]) {
            if owner != block.owner && !may_replace(owner) {
                return Err(MergeError::Owned {
                    owner: owner.to_string(),
                    line: *line,
                });
            }
        }
    }
    let range = found.map(|(_, range)| range);
    if let Some(error) = conflict(existing, range.as_ref(), &own_profiles(block)) {
        return Err(error);
    }
    let eol = line_end(existing);
    let mut rendered = render(block, eol);
    let mut merged = String::with_capacity(existing.len() + rendered.len() + 2);
    match range {
        Some(range) => {
            // The END line keeps its own line end: none when the block ends
            // the file without one, and the CRLF a lone-CR file's END line
            // had when a blank `\n` line followed it (else the block's CR
            // and that `\n` would join into one line end, and the next
            // merge would take the blank line with it).
            let before = &existing[..range.end];
            let own_end = if before.ends_with("\r\n") {
                "\r\n"
            } else if before.ends_with('\r') {
                "\r"
            } else if before.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            rendered.truncate(rendered.len() - eol.len());
            rendered.push_str(own_end);
            merged.push_str(&existing[..range.start]);
            merged.push_str(&rendered);
            merged.push_str(&existing[range.end..]);
        }
        None => {
            merged.push_str(existing);
            if !existing.is_empty() {
                if !ends_with_break(existing) {
                    push_break(&mut merged, eol);
                }
                // One blank line between the user's text and the block.
                if !ends_with_blank_line(&merged) {
                    push_break(&mut merged, eol);
                }
            }
            merged.push_str(&rendered);
        }
    }
    Ok(merged)
}

/// One of the user's sections that `adopt` took out of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adopted {
    pub profile: String,
    pub line: usize,
}

/// Every `# BEGIN acct NS` .. `# END acct NS` span of any namespace, and
/// the offsets of every marker line.
fn acct_spans(text: &str) -> (Vec<Range<usize>>, Vec<usize>) {
    let (mut spans, mut markers) = (Vec::new(), Vec::new());
    let mut open: Option<(&str, usize)> = None;
    for line in ini::lines(text) {
        let trimmed = line.text.trim();
        if let Some(namespace) = trimmed.strip_prefix("# BEGIN acct ") {
            markers.push(line.offset);
            open = Some((namespace, line.offset));
        } else if let Some(namespace) = trimmed.strip_prefix("# END acct ") {
            markers.push(line.offset);
            if let Some((_, start)) = open.filter(|(ns, _)| *ns == namespace) {
                spans.push(start..line.end);
                open = None;
            }
        }
    }
    (spans, markers)
}

/// `existing` without the user's own sections of the profiles `block`
/// defines (outside every acct block), and which they were. A section
/// whose removal would change how botocore reads the rest (an indented
/// header that would become a continuation line), or that has acct's
/// markers among its lines, stays: `merge` then reports it.
pub fn adopt(existing: &str, block: &Block<'_>) -> (String, Vec<Adopted>) {
    let own = own_profiles(block);
    let (spans, markers) = acct_spans(existing);
    let sections = ini::sections(existing);
    let movable = |s: &ini::Section<'_>| {
        s.acct_name().is_some_and(|p| own.contains(&p))
            && !spans.iter().any(|r| r.contains(&s.offset))
            && !markers.iter().any(|m| (s.offset..s.end).contains(m))
    };
    let (mut text, mut adopted, mut kept_headers) = (String::new(), Vec::new(), Vec::new());
    let mut from = 0;
    for section in &sections {
        if movable(section) {
            text.push_str(&existing[from..section.offset]);
            from = section.end;
            adopted.push(Adopted {
                profile: section.acct_name().unwrap_or_default().into_owned(),
                line: section.line,
            });
        } else {
            kept_headers.push(section.header);
        }
    }
    text.push_str(&existing[from..]);
    let after: Vec<&str> = ini::sections(&text).iter().map(|s| s.header).collect();
    if after != kept_headers {
        return (existing.to_string(), Vec::new());
    }
    (text, adopted)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROFILES: &str = "[profile cpco-root-admin]\nregion=us-west-2\n";
    const OWNER: &str = "/home/me/.config/acct/config.toml";

    fn cpco(profiles: &str) -> Block<'_> {
        Block {
            namespace: "cpco",
            owner: OWNER,
            profiles,
        }
    }

    fn block(eol: &str) -> String {
        render(&cpco(PROFILES), eol)
    }

    fn merged(existing: &str) -> Result<String, MergeError> {
        merge(existing, &cpco(PROFILES), |_| false)
    }

    #[test]
    fn appends_after_a_blank_line_and_keeps_a_missing_newline_outside() {
        assert_eq!(merged("").unwrap(), block("\n"));
        assert_eq!(
            merged("[default]").unwrap(),
            format!("[default]\n\n{}", block("\n"))
        );
        assert_eq!(
            merged("[default]\r\n").unwrap(),
            format!("[default]\r\n\r\n{}", block("\r\n"))
        );
        assert_eq!(
            merged("[default]\n\n").unwrap(),
            format!("[default]\n\n{}", block("\n"))
        );
        // A file of lone CRs gets a block of lone CRs.
        assert_eq!(
            merged("[default]\rregion = x").unwrap(),
            format!("[default]\rregion = x\r\r{}", block("\r"))
        );
    }

    #[test]
    fn the_block_records_its_config_on_its_third_line() {
        let text = block("\n");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "# BEGIN acct cpco");
        assert_eq!(lines[2], format!("# config: {OWNER}"));
        assert_eq!(recorded_owner(&text), Some(OWNER));
        assert_eq!(
            owner_text(Path::new("/a\nb/acct.toml")),
            "/a\\u{a}b/acct.toml"
        );
    }

    #[test]
    fn replaces_only_its_own_namespace() {
        let acme = Block {
            namespace: "acme",
            owner: "/other/acct.toml",
            profiles: "[profile acme-x]\n",
        };
        let other = render(&acme, "\n");
        let old = format!("a\n{}{other}b", render(&cpco("[profile old]\n"), "\n"));
        assert_eq!(merged(&old).unwrap(), format!("a\n{}{other}b", block("\n")));
    }

    #[test]
    fn a_block_of_another_config_is_refused_unless_allowed_and_an_old_one_is_taken() {
        let theirs = Block {
            owner: "/srv/other/acct.toml",
            ..cpco(PROFILES)
        };
        let old = format!("x\n{}", render(&theirs, "\n"));
        assert_eq!(
            merged(&old),
            Err(MergeError::Owned {
                owner: "/srv/other/acct.toml".into(),
                line: 2
            })
        );
        let taken = merge(&old, &cpco(PROFILES), |o| o == "/srv/other/acct.toml").unwrap();
        assert_eq!(taken, format!("x\n{}", block("\n")));
        // Written before acct recorded its config: taken over silently.
        let unrecorded = "x\n# BEGIN acct cpco\n# written by `acct aws-config --write`; edit the acct config instead of this block\n[profile cpco-root-admin]\n# END acct cpco\n";
        assert_eq!(merged(unrecorded).unwrap(), format!("x\n{}", block("\n")));
    }

    #[test]
    fn a_block_ending_the_file_without_newline_keeps_it_missing() {
        let old = "x\n# BEGIN acct cpco\n# END acct cpco";
        let once = merged(old).unwrap();
        assert_eq!(once, format!("x\n{}", block("\n").trim_end_matches('\n')));
        assert_eq!(merged(&once).unwrap(), once);
    }

    #[test]
    fn a_profile_outside_the_block_is_a_conflict_with_its_line() {
        let conflict = |text: &str| match merged(text) {
            Err(MergeError::Conflict { profile, line, .. }) => Some((profile, line)),
            _ => None,
        };
        let old = format!("{}\n[profile   cpco-root-admin]\n", block("\n"));
        assert_eq!(conflict(&old), Some(("cpco-root-admin".into(), 8)));
        // However botocore spells it: quoted, after a tab, glued to `profile`.
        for header in [
            "[profile \"cpco-root-admin\"]",
            "[profile\tcpco-root-admin]",
            "[profile 'cpco-root-admin'] ",
            "[profilex cpco-root-admin]",
        ] {
            let text = format!("{}{header}\nregion = x\n", block("\n"));
            assert_eq!(
                conflict(&text),
                Some(("cpco-root-admin".into(), 7)),
                "{header}"
            );
        }
        // A file of lone CRs is read line by line too.
        assert_eq!(
            conflict("[default]\r[profile cpco-root-admin]\rregion = y\r"),
            Some(("cpco-root-admin".into(), 2))
        );
        // Not a profile to botocore: spaces inside the brackets, an indented
        // header continuing a value.
        assert_eq!(conflict("[ profile cpco-root-admin ]\n"), None);
        assert_eq!(conflict("[x]\nk = v\n  [profile cpco-root-admin]\n"), None);
    }

    #[test]
    fn a_lone_cr_file_whose_block_ends_in_crlf_merges_to_a_fixed_point() {
        // Found by merge_never_panics_on_arbitrary_text.
        let text = "a\r# BEGIN acct cpco\r\n# END acct cpco\r\n\n";
        let once = merged(text).unwrap();
        assert!(once.ends_with("# END acct cpco\r\n\n"), "{once:?}");
        assert_eq!(merged(&once).unwrap(), once);
    }

    #[test]
    fn broken_markers_are_refused() {
        assert_eq!(
            merged("x\n# BEGIN acct cpco\n"),
            Err(MergeError::Unterminated { line: 2 })
        );
        assert_eq!(
            merged("# END acct cpco\n"),
            Err(MergeError::StrayEnd { line: 1 })
        );
        let twice = format!("{}{}", block("\n"), block("\n"));
        assert_eq!(
            merged(&twice),
            Err(MergeError::Duplicate {
                first: 1,
                second: 7
            })
        );
    }

    #[test]
    fn adopt_takes_out_only_the_users_sections_of_acct_profiles() {
        let own = "# mine\r\n[default]\r\nregion = x\r\n\r\n# made by hand\r\n[profile  \"cpco-root-admin\"]\r\nregion = old\r\ns3 =\r\n  max = 4\r\n\r\n# next\r\n[profile dev]\r\nregion = y\r\n";
        let (text, adopted) = adopt(own, &cpco(PROFILES));
        assert_eq!(
            text,
            "# mine\r\n[default]\r\nregion = x\r\n\r\n# made by hand\r\n\r\n# next\r\n[profile dev]\r\nregion = y\r\n"
        );
        assert_eq!(
            adopted,
            [Adopted {
                profile: "cpco-root-admin".into(),
                line: 6
            }]
        );
        assert!(merged(&text).is_ok());
        // Another estate's block is not the user's: it stays (and conflicts).
        let acme = Block {
            namespace: "acme",
            owner: "/x",
            profiles: PROFILES,
        };
        let theirs = render(&acme, "\n");
        assert_eq!(adopt(&theirs, &cpco(PROFILES)), (theirs.clone(), vec![]));
        // Removing it would turn `  [profile dev]` into a continuation line.
        let fragile = "[profile dev]\nk = v\n[profile cpco-root-admin]\n  [profile keep]\n";
        assert_eq!(
            adopt(fragile, &cpco(PROFILES)),
            (fragile.to_string(), vec![])
        );
    }
}

/// Generated AWS config files: the user's own lines (comments, blanks,
/// whitespace, sections, nested values), other namespaces' blocks, maybe an
/// older block of ours, LF, CRLF or CR, with or without a final newline.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    const NAMESPACE: &str = "cpco";
    const OWNER: &str = "/home/me/.config/acct/config.toml";
    const PROFILES: &str = "[profile cpco-root-admin]\nregion=us-west-2\nrole_arn=arn:aws:iam::323330167063:role/cpco-root-admin\nsource_profile=cpco\n\n[profile cpco-testing-admin]\nregion=us-west-2\nrole_arn=arn:aws:iam::323330167063:role/cpco-root-admin\nsource_profile=cpco\n";

    fn ours(profiles: &str) -> Block<'_> {
        Block {
            namespace: NAMESPACE,
            owner: OWNER,
            profiles,
        }
    }

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
                let profiles = format!("[profile {ns}-{name}]\nregion=us-east-1\n");
                let block = Block { namespace: &ns, owner: "/other/acct.toml", profiles: &profiles };
                render(&block, "\n").lines().map(str::to_string).collect()
            }),
        ]
    }

    fn old_block() -> impl Strategy<Value = Vec<String>> {
        prop_oneof![
            Just(render(
                &ours("[profile cpco-root-admin]\nregion=eu-west-1\n"),
                "\n"
            )),
            Just(render(&ours(PROFILES), "\n")),
            Just("# BEGIN acct cpco\n# END acct cpco\n".to_string()),
        ]
        .prop_map(|block| block.lines().map(str::to_string).collect())
    }

    prop_compose! {
        fn config_file()(
            chunks in prop::collection::vec(chunk(), 0..8),
            old in prop::option::of((old_block(), any::<prop::sample::Index>())),
            eol in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
            final_newline in any::<bool>(),
        ) -> String {
            let mut chunks = chunks;
            if let Some((block, at)) = old {
                let at = at.index(chunks.len() + 1);
                chunks.insert(at, block);
            }
            let mut text = chunks.concat().join(eol);
            if final_newline && !text.is_empty() {
                text.push_str(eol);
            }
            text
        }
    }

    fn profiles_outside(text: &str, namespace: &str) -> Vec<(String, usize)> {
        let range = find(text, namespace).unwrap();
        ini::sections(text)
            .iter()
            .filter(|s| !range.as_ref().is_some_and(|r| r.contains(&s.offset)))
            .filter_map(|s| Some((s.config_profile()?.into_owned(), s.end - s.offset)))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn merge_keeps_every_byte_outside_its_block_and_is_idempotent(file in config_file()) {
            let block = ours(PROFILES);
            let merged = merge(&file, &block, |_| false).expect("no conflict in generated files");
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
            let rendered = render(&block, eol);
            prop_assert_eq!(merged[new].trim_end_matches(eol), rendered.trim_end_matches(eol));
            prop_assert_eq!(merge(&merged, &block, |_| false).unwrap(), merged);
        }

        /// The user's own sections of acct's profiles, spliced anywhere, are
        /// taken out by `adopt` and nothing else is: every other profile
        /// outside the block is still there, and the merge then succeeds.
        #[test]
        fn adopt_takes_out_exactly_the_users_sections_of_acct_profiles(
            file in config_file(),
            at in any::<prop::sample::Index>(),
            header in prop_oneof![
                Just("[profile cpco-root-admin]"),
                Just("[profile  \"cpco-testing-admin\"]"),
                Just("[profile\t'cpco-root-admin']"),
            ],
        ) {
            let block = ours(PROFILES);
            let lines: Vec<&str> = ini::lines(&file).map(|l| l.text).collect();
            let at = at.index(lines.len() + 1);
            let eol = line_end(&file);
            let inserted = [&lines[..at], &[header, "region = old"], &lines[at..]].concat().join(eol);
            let (adopted_text, adopted) = adopt(&inserted, &block);
            if adopted.is_empty() {
                // Inside a block, or a change to how the rest reads: left alone.
                prop_assert_eq!(adopted_text, inserted);
                return Ok(());
            }
            let ours = ["cpco-root-admin", "cpco-testing-admin"];
            let kept = |text: &str| -> Vec<(String, usize)> {
                profiles_outside(text, NAMESPACE).into_iter().filter(|(p, _)| !ours.contains(&p.as_str())).collect()
            };
            prop_assert_eq!(kept(&adopted_text), kept(&inserted));
            prop_assert!(merge(&adopted_text, &block, |_| false).is_ok());
        }

        /// Fuzzing: any text at all, markers and profile headers sprinkled in,
        /// never panics the merger or `adopt`, and a merge that succeeds is final.
        #[test]
        fn merge_never_panics_on_arbitrary_text(
            pieces in prop::collection::vec(prop_oneof![
                "\\PC{0,20}",
                Just("# BEGIN acct cpco".to_string()),
                Just("# END acct cpco".to_string()),
                Just("[profile cpco-root-admin]".to_string()),
                Just("[profile \"cpco-root-admin\"]".to_string()),
                Just("\r\n".to_string()),
                Just("\r".to_string()),
                Just("\n".to_string()),
            ], 0..24),
        ) {
            let text = pieces.concat();
            let block = ours(PROFILES);
            let _ = adopt(&text, &block);
            if let Ok(merged) = merge(&text, &block, |_| false) {
                prop_assert_eq!(merge(&merged, &block, |_| false).unwrap(), merged);
            }
        }
    }
}
