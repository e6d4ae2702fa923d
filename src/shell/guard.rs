//! The guard a stage shell runs after the user's startup files
//! (`StageEnv::guard`: each variable with the value acct gave it, or none),
//! in the form each hook reads. zsh: `__ACCT_GUARD` names the variables
//! and `__ACCT_GUARD_NAME` holds acct's value (absent: acct removed NAME).
//! bash and fish: `__ACCT_GUARD` holds names and values as the shell's
//! words (`bash_words`, `fish_words`), since each variable a start was
//! handed costs the shell to take in and to remove (bash about 20,000
//! instructions, fish 6,000 and more); their one test of them all is
//! `bash_checks` and `fish_checks`.

use std::ffi::{OsStr, OsString};

use crate::text::quote;

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
        if !super::fish_checks::is_identifier(name) {
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
