//! How each client that runs inside a stage reads the AWS config file and
//! the shared credentials file, kept as data with the source it was read
//! from, and the one question the gate asks of it: could *any* of these
//! clients take this line for the header of one of acct's sections?
//!
//! The model is checked against the real parsers by `tests/client_model.rs`
//! (botocore and `@smithy/shared-ini-file-loader` in one process each, a
//! Terraform sample through moto when Terraform is installed). The README
//! shows the same table.
//!
//! The gate does not pick one client: a header is acct's when any client
//! reads it so (the union of the rows below), which may refuse a spelling
//! one client ignores, never accept one that a client merges.
//!
//! The keys are not modelled: acct renders only keys all three read from a
//! profile. `role_session_name` (issue 24) is one: botocore's
//! `credentials.py` (`AssumeRoleProvider`, `role_config['role_session_name']`),
//! the Go SDK v2's `config/shared_config.go` (`roleSessionNameKey`) and the
//! JS SDK v3's `@aws-sdk/credential-provider-ini` (`resolveAssumeRoleCredentials`,
//! `RoleSessionName: data.role_session_name || ...`); tests/sts.rs shows
//! the AWS CLI v1 and v2 and Terraform answering with it.

/// One client's reading of the two files. The gate asks only `names` and
/// `is_header` (below), which follow every row; the rows themselves are
/// read by the test that keeps the README's table equal to them.
#[cfg_attr(not(test), allow(dead_code))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    pub name: &'static str,
    /// Where this was read (a file of the client's own source).
    pub source: &'static str,
    /// Which environment variables name the two files, and their defaults.
    pub files: &'static str,
    /// What ends a line.
    pub lines: &'static str,
    /// What makes a line a section header, and what is a comment.
    pub header: &'static str,
    /// How the config file's `[profile NAME]` header names a profile
    /// (case, white space, quotes).
    pub profile_name: &'static str,
    /// Whether an indented `[profile NAME]` is a header.
    pub indented_header: &'static str,
    /// Two sections of one profile in one file.
    pub duplicates: &'static str,
    /// How the credentials file's sections join the config file's profile.
    pub merge: &'static str,
}

#[cfg_attr(not(test), allow(dead_code))]
pub const CLIENTS: [Client; 3] = [
    Client {
        name: "botocore (AWS CLI v1/v2, boto3)",
        source: "botocore/configloader.py (raw_config_parse, build_profile_map), botocore/session.py (full_config), Python configparser.RawConfigParser",
        files: "AWS_CONFIG_FILE else ~/.aws/config; AWS_SHARED_CREDENTIALS_FILE else ~/.aws/credentials; `~` expanded",
        lines: "\\n, \\r\\n and a lone \\r (universal newlines)",
        header: "stripped line `[` .. last `]`, not trimmed inside; a line starting (after white space) with # or ; is a comment; no inline comments in headers",
        profile_name: "section name starting with `profile` split like a shell (shlex): two words make the profile named by the second (`[profile \"x\"]`, `[profile\\tx]`, `[profilex y]`); `[ profile x ]` is no profile; case-sensitive",
        indented_header: "no, when it follows an option line (it continues that option's value); yes right after a header",
        duplicates: "the same header twice: the whole file is refused (DuplicateSectionError); two spellings of one profile: the later section replaces the earlier whole",
        merge: "credentials sections named as is (`[x]`) are merged key by key over the config profile x (credentials win)",
    },
    Client {
        name: "Go SDK v2 (Terraform's AWS provider)",
        source: "aws-sdk-go-v2 internal/ini (ini.go, tokenize.go, strings.go, parse.go), config/shared_config.go",
        files: "AWS_CONFIG_FILE else ~/.aws/config; AWS_SHARED_CREDENTIALS_FILE else ~/.aws/credentials",
        lines: "\\n only (a \\r stays in the line)",
        header: "comment cut at the first # or ; anywhere, right-trimmed of space/tab, `[` .. `]`, trimmed of space/tab inside",
        profile_name: "split at the first run of spaces/tabs into type and name (`[ profile\\t x ]` is profile x); quotes kept; config sections must start with `profile ` (or be `default`, `sso-session `)",
        indented_header: "no (an indented line is a sub-property or a continuation)",
        duplicates: "sections of one name merge key by key, the later key wins",
        merge: "credentials sections merged key by key over the config profile (credentials win)",
    },
    Client {
        name: "JS SDK v3 (@smithy/shared-ini-file-loader)",
        source: "@smithy/shared-ini-file-loader dist-cjs/index.js (parseIni, getConfigData, loadSharedConfigFiles, mergeConfigFiles)",
        files: "AWS_CONFIG_FILE else ~/.aws/config; AWS_SHARED_CREDENTIALS_FILE else ~/.aws/credentials; `~/` expanded",
        lines: "\\n and \\r\\n",
        header: "line cut at # or ; at its start or after white space, trimmed (any indentation), `[` .. `]`",
        profile_name: "/^([\\w-]+)\\s([\"'])?([\\w-@+.%:/]+)\\2$/ on the inside: `profile x`, `profile \"x\"`, `profile 'x'` name x (one white space character, no spaces around); case-sensitive",
        indented_header: "yes, anywhere",
        duplicates: "sections of one name merge key by key, the later key wins",
        merge: "credentials sections merged key by key over the config profile (credentials win)",
    },
];

/// Which file a line is in: a config file names profiles `[profile x]`, a
/// credentials file `[x]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum File {
    Config,
    Credentials,
}

/// White space as any of the three clients (Python's `isspace`, Go's
/// space/tab, JavaScript's `trim`/`\s`) counts it.
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c) || c == '\u{feff}'
}

/// Every inside of `[...]` that one of the clients reads from `line`:
/// botocore's (to the last `]`), the Go SDK's (comment cut at the first
/// `#`/`;`), the JS SDK's (comment cut at `#`/`;` after white space).
fn insides(line: &str) -> impl Iterator<Item = &str> {
    // No client takes a line for a header unless its first character
    // after white space is `[`: most lines end here, unscanned.
    let stripped = line.trim_start_matches(is_space);
    let stripped = if stripped.starts_with('[') {
        stripped.trim_end_matches(is_space)
    } else {
        ""
    };
    let botocore = stripped
        .strip_prefix('[')
        .and_then(|inner| inner.rfind(']').map(|close| &inner[..close]));
    let go = stripped
        .split(['#', ';'])
        .next()
        .map(|s| s.trim_matches(is_space))
        .and_then(bracketed);
    let mut js_end = stripped.len();
    let mut previous_space = true;
    for (at, c) in stripped.char_indices() {
        if (c == '#' || c == ';') && previous_space {
            js_end = at;
            break;
        }
        previous_space = is_space(c);
    }
    let js = bracketed(stripped[..js_end].trim_matches(is_space));
    [botocore, go, js].into_iter().flatten()
}

fn bracketed(text: &str) -> Option<&str> {
    text.strip_prefix('[')?.strip_suffix(']')
}

/// Whether `line` of a `file` is, for any of the clients, the header of
/// the section acct names `name` (`cpco-testing-admin`, or
/// `sso-session cpco`). Quotes and backslashes (which botocore's shell
/// split and the JS SDK's pattern drop) are ignored, white space of any
/// kind separates words, and a first word that merely starts with
/// `profile` counts (botocore).
pub fn names(line: &str, file: File, name: &str) -> bool {
    let (kind, bare) = match name.strip_prefix("sso-session ") {
        Some(session) => ("sso-session", session),
        None => ("profile", name),
    };
    // Quotes and backslashes are dropped before the name is compared:
    // without them, a line that does not hold the name names something else.
    if !line.contains(bare) && !line.contains(['"', '\'', '\\']) {
        return false;
    }
    let mut seen: [&str; 3] = [""; 3];
    insides(line).enumerate().any(|(i, inside)| {
        // The three clients' insides are mostly one string: read it once.
        if seen[..i].contains(&inside) {
            return false;
        }
        seen[i] = inside;
        let cleaned: String = inside
            .chars()
            .filter(|c| !matches!(c, '"' | '\'' | '\\'))
            .collect();
        let words: Vec<&str> = cleaned.split(is_space).filter(|w| !w.is_empty()).collect();
        match words.as_slice() {
            [only] => file == File::Credentials && kind == "profile" && *only == bare,
            [first, second] => first.starts_with(kind) && *second == bare,
            _ => false,
        }
    })
}

/// Whether `line` is a section header for any of the clients (whatever it
/// names): where the lines that follow stop belonging to the section before.
pub fn is_header(line: &str) -> bool {
    // botocore's reading (`[`, then a `]` after at least one character) is
    // the loosest of the three, but for `[]`, a header to the Go and JS SDKs.
    line.trim_matches(is_space)
        .strip_prefix('[')
        .is_some_and(|inner| inner.contains(']'))
}

/// What a line is to every client at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Blank or a comment: no client reads anything from it.
    Quiet,
    /// A section header to at least one client.
    Header,
    /// Anything else: a key, a continuation, a stray line.
    Other,
}

/// The kind of `line`. Most lines of a large file start (after ASCII
/// white space) with an ASCII letter: those are `Other` without a scan.
pub fn kind(line: &str) -> Kind {
    let first = line
        .bytes()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\x0b' | b'\x0c'));
    match first {
        Some(b)
            if b.is_ascii()
                && !matches!(b, b'[' | b'#' | b';' | b'\r' | b'\n')
                && !b.is_ascii_control() =>
        {
            Kind::Other
        }
        _ => {
            let stripped = crate::aws::file::ini::py_strip(line);
            if stripped.is_empty() || stripped.starts_with(['#', ';']) {
                Kind::Quiet
            } else if is_header(line) {
                Kind::Header
            } else {
                Kind::Other
            }
        }
    }
}

/// The README's table of the model, one row per client.
#[cfg(test)]
pub fn readme_table() -> String {
    let mut table = String::from(
        "| client | files | line ends | header | `[profile NAME]` | indented header | duplicates | credentials file | source |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for c in CLIENTS {
        let cell = |text: &str| text.replace('|', "\\|");
        table.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            cell(c.name),
            cell(c.files),
            cell(c.lines),
            cell(c.header),
            cell(c.profile_name),
            cell(c.indented_header),
            cell(c.duplicates),
            cell(c.merge),
            cell(c.source)
        ));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_shows_this_model() {
        let readme = include_str!("../../../README.md");
        assert!(
            readme.contains(&readme_table()),
            "README.md's client table differs from file::clients::CLIENTS; paste:\n{}",
            readme_table()
        );
    }

    #[test]
    fn spellings_any_client_reads_name_the_profile() {
        let p = "cpco-testing-admin";
        for line in [
            "[profile cpco-testing-admin]",
            "[ profile cpco-testing-admin ]",
            "[profile\tcpco-testing-admin]",
            "  [profile cpco-testing-admin]",
            "[profile \"cpco-testing-admin\"]",
            "[profile 'cpco-testing-admin']",
            "[profilex cpco-testing-admin]",
            "[profile cpco-testing-admin] # note",
            "[profile cpco-testing-admin];x]",
            "[profile cpco\\-testing-admin]",
        ] {
            assert!(names(line, File::Config, p), "{line}");
        }
        for line in [
            "[profile cpco-prod-admin]",
            "[cpco-testing-admin]",
            "# [profile cpco-testing-admin]",
            "[profile cpco-testing-admin x]",
            "role_arn = [profile cpco-testing-admin]",
        ] {
            assert!(!names(line, File::Config, p), "{line}");
        }
        assert!(names("[cpco-testing-admin]", File::Credentials, p));
        assert!(names(" [ cpco-testing-admin ] ", File::Credentials, p));
        assert!(names(
            "[sso-session  cpco]",
            File::Config,
            "sso-session cpco"
        ));
        assert!(!names("[profile cpco]", File::Config, "sso-session cpco"));
    }

    #[test]
    fn kinds_of_lines() {
        assert_eq!(kind("region=x"), Kind::Other);
        assert_eq!(kind("  \tregion = x"), Kind::Other);
        assert_eq!(kind("\u{a0}# c"), Kind::Quiet);
        assert_eq!(kind("  ; c"), Kind::Quiet);
        assert_eq!(kind(""), Kind::Quiet);
        assert_eq!(kind("\u{a0}[profile x]"), Kind::Header);
        assert_eq!(kind("  [profile x] # c"), Kind::Header);
        assert_eq!(kind("[x"), Kind::Other);
    }

    #[test]
    fn headers_of_any_client() {
        assert!(is_header("[x]"));
        assert!(is_header("  [x] ; c"));
        assert!(!is_header("x = [y]"));
        assert!(!is_header("# [x]"));
        assert!(is_header("[]"));
        assert!(is_header("[x]y"));
        assert!(!is_header("["));
    }
}
