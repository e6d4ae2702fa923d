//! The guard a stage shell runs after the user's startup files
//! (`StageEnv::guard`: each variable with the value acct gave it, or none),
//! in the form each hook reads. zsh: `__ACCT_GUARD` names the variables
//! and `__ACCT_GUARD_NAME` holds acct's value (absent: acct removed NAME).
//! bash and fish: `__ACCT_GUARD` holds names and values as the shell's
//! words (`bash_words`, `fish_words`), since each variable a start was
//! handed costs the shell to take in and to remove (bash about 20,000
//! instructions, fish 6,000 and more). All three first test them all at
//! once (`signature`), against `__ACCT_GUARD_SIG`.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use crate::text::quote;

/// Between the values in the guard's word (the ASCII unit separator): with
/// no value holding it, two words are equal only when every value is.
const SEPARATOR: char = '\u{1f}';

/// The guard in one comparison, for the three shells (whose loops by name
/// cost bash 2.6M instructions at every start, fish 2.6M, zsh 1.1M): `word` is shell code,
/// the guarded names' values joined (`$NAME` then the separator, `=$NAME`
/// for a name acct gave a value, so that unset and empty differ from it),
/// and `expected` the same for acct's values. A removed name set empty
/// passes: empty is unset, as for the SDKs. `None` when a name is not an
/// identifier or a value holds the separator.
pub struct Signature {
    pub word: String,
    pub expected: OsString,
}

pub fn signature(guard: &[(&str, Option<&OsStr>)]) -> Option<Signature> {
    let mut word = String::new();
    let mut expected: Vec<u8> = Vec::new();
    for (name, value) in guard {
        if !is_identifier(name) {
            return None;
        }
        if let Some(value) = value {
            if value.as_bytes().contains(&(SEPARATOR as u8)) {
                return None;
            }
            word.push('=');
            expected.push(b'=');
            expected.extend(value.as_bytes());
        }
        word.push('$');
        word.push_str(name);
        word.push(SEPARATOR);
        expected.push(SEPARATOR as u8);
    }
    Some(Signature {
        word,
        expected: OsString::from_vec(expected),
    })
}

/// A shell's guard test: `write` puts the word in that shell's code, and
/// `without` is the code when no word can be written (the guard then always
/// looks at each name); with what `__ACCT_GUARD_SIG` must hold.
pub fn one_test(
    guard: &[(&str, Option<&OsStr>)],
    write: impl FnOnce(&str) -> String,
    without: String,
) -> (String, OsString) {
    match signature(guard) {
        Some(Signature { word, expected }) => (write(&word), expected),
        None => (without, OsString::new()),
    }
}

/// A name the shells expand as one variable in `$NAME`.
pub fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// zsh's variables for `guard`.
pub fn names_and_values(guard: &[(&str, Option<&OsStr>)]) -> Vec<(String, OsString)> {
    let mut vars: Vec<(String, OsString)> = guard
        .iter()
        .filter_map(|(name, value)| Some((format!("__ACCT_GUARD_{name}"), (*value)?.to_owned())))
        .collect();
    let names: Vec<&str> = guard.iter().map(|(name, _)| *name).collect();
    vars.push(("__ACCT_GUARD".to_string(), names.join(" ").into()));
    vars
}

/// `NAME '=value'` for a value acct gave, `NAME ''` for a name it removed:
/// words for bash's `eval "words=(...)"`, each value quoted
/// (`quote::posix`).
pub fn bash_words(guard: &[(&str, Option<&OsStr>)]) -> String {
    let mut words = Vec::with_capacity(guard.len() * 2);
    for (name, value) in guard {
        words.push((*name).to_string());
        let mut marked = OsString::new();
        if let Some(value) = value {
            marked.push("=");
            marked.push(value);
        }
        words.push(quote::posix(&marked).into_owned());
    }
    words.join(" ")
}

/// `NAME 'value'` for a value acct gave, `-NAME` for a name it removed:
/// words for fish's `read --tokenize`, each value quoted (`quote::fish`,
/// which leaves no newline: one line for `read`). Only plain names: the
/// hook reads a word that is no name as the end.
pub fn fish_words(guard: &[(&str, Option<&OsStr>)]) -> String {
    let mut words = Vec::with_capacity(guard.len() * 2);
    for (name, value) in guard {
        if !is_identifier(name) {
            continue;
        }
        match value {
            Some(value) => {
                words.push((*name).to_string());
                words.push(quote::fish(value));
            }
            None => words.push(format!("-{name}")),
        }
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> Vec<(&'static str, Option<&'static OsStr>)> {
        vec![
            ("AWS_ACCESS_KEY_ID", None),
            ("AWS_PROFILE", Some(OsStr::new("cpco-testing-admin"))),
            ("ACCT_PROMPT", Some(OsStr::new("[it's {left}]"))),
        ]
    }

    #[test]
    fn zsh_gets_the_names_and_a_variable_per_value() {
        let text: Vec<(String, String)> = names_and_values(&guard())
            .into_iter()
            .map(|(n, v)| (n, v.into_string().unwrap()))
            .collect();
        assert_eq!(
            text,
            [
                (
                    "__ACCT_GUARD_AWS_PROFILE".into(),
                    "cpco-testing-admin".into()
                ),
                ("__ACCT_GUARD_ACCT_PROMPT".into(), "[it's {left}]".into()),
                (
                    "__ACCT_GUARD".into(),
                    "AWS_ACCESS_KEY_ID AWS_PROFILE ACCT_PROMPT".into()
                ),
            ]
        );
    }

    #[test]
    fn the_signature_joins_every_value_and_marks_the_kept_ones() {
        let Some(Signature { word, expected }) = signature(&guard()) else {
            panic!("a signature");
        };
        assert_eq!(
            word,
            "$AWS_ACCESS_KEY_ID\u{1f}=$AWS_PROFILE\u{1f}=$ACCT_PROMPT\u{1f}"
        );
        assert_eq!(
            expected,
            "\u{1f}=cpco-testing-admin\u{1f}=[it's {left}]\u{1f}"
        );
        let held = [("STAGE", Some(OsStr::new("a\u{1f}b")))];
        assert!(signature(&held).is_none());
        assert!(signature(&[("A-B", None)]).is_none());
    }

    #[test]
    fn bash_gets_names_and_quoted_values_as_words() {
        assert_eq!(
            bash_words(&guard()),
            r#"AWS_ACCESS_KEY_ID '' AWS_PROFILE '=cpco-testing-admin' ACCT_PROMPT '=[it'\''s {left}]'"#
        );
    }

    #[test]
    fn fish_gets_names_and_quoted_values_as_words() {
        let mut guard = guard();
        guard.push(("ODD-NAME", None));
        guard.push(("LINES", Some(OsStr::new("a\nb"))));
        assert_eq!(
            fish_words(&guard),
            r"-AWS_ACCESS_KEY_ID AWS_PROFILE 'cpco-testing-admin' ACCT_PROMPT '[it\'s {left}]' LINES 'a'\n'b'"
        );
    }
}
