//! The record of what entering a stage changed (`ACCT_RESTORE`): every name
//! acct set or removed, with the value it had before (absent included). Like
//! direnv's `DIRENV_DIFF`, it makes leaving and switching exact: the
//! environment from before the first stage is rebuilt from the record, so a
//! stage's environment depends only on the person's own environment and the
//! stage, never on the stage it was entered from. Pure: text in, text out.
//!
//! The value is opaque to users and versioned: `v1:SUM:ENTRIES`, where
//! ENTRIES are `;`-separated `NAME` (was absent) or `NAME=VALUE` (was VALUE),
//! VALUE percent-encoded byte for byte (any byte but the printable ASCII
//! other than `%` and `;`), so values that are not UTF-8, hold newlines,
//! quotes, `$` or backticks come back exactly, and the record itself is
//! plain ASCII that every shell and JSON carry. SUM is the first 16 hex digits
//! of the SHA-256 of ENTRIES: a record cut short or edited by hand is
//! refused as a whole rather than half believed.

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use sha2::{Digest, Sha256};

/// The variable that holds the record.
pub const NAME: &str = "ACCT_RESTORE";

const VERSION: &str = "v1";

pub use crate::config::process_env::Environment;

/// What the environment held before the first stage, for each name acct
/// changed: `None` when the name was absent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record {
    pub before: Vec<(String, Option<OsString>)>,
}

/// Why a record was not believed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Corrupt(pub &'static str);

impl Record {
    /// The record of changing `names` in `base`: each name's value in `base`.
    pub fn of<'n>(base: &Environment, names: impl Iterator<Item = &'n str>) -> Self {
        let mut before: Vec<(String, Option<OsString>)> = Vec::new();
        for name in names {
            if before.iter().any(|(n, _)| n == name) {
                continue;
            }
            let value = base
                .iter()
                .find(|(n, _)| n.as_bytes() == name.as_bytes())
                .map(|(_, v)| v.clone());
            before.push((name.to_string(), value));
        }
        Record { before }
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.before.iter().map(|(n, _)| n.as_str())
    }

    pub fn encode(&self) -> String {
        let mut entries = String::new();
        for (i, (name, value)) in self.before.iter().enumerate() {
            if i > 0 {
                entries.push(';');
            }
            entries.push_str(name);
            if let Some(value) = value {
                entries.push('=');
                for &byte in value.as_bytes() {
                    if needs_escape(byte) {
                        let _ = write!(entries, "%{byte:02X}");
                    } else {
                        entries.push(char::from(byte));
                    }
                }
            }
        }
        format!("{VERSION}:{}:{entries}", sum(entries.as_bytes()))
    }

    pub fn decode(text: &OsStr) -> Result<Self, Corrupt> {
        let text = text.as_bytes();
        let rest = text
            .strip_prefix(VERSION.as_bytes())
            .and_then(|r| r.strip_prefix(b":"))
            .ok_or(Corrupt("not a record of this acct version"))?;
        let colon = rest
            .iter()
            .position(|&b| b == b':')
            .ok_or(Corrupt("no checksum"))?;
        let (given, entries) = (&rest[..colon], &rest[colon + 1..]);
        if given != sum(entries).as_bytes() {
            return Err(Corrupt("its checksum does not match: it was cut or edited"));
        }
        let mut before: Vec<(String, Option<OsString>)> = Vec::new();
        if entries.is_empty() {
            return Ok(Record { before });
        }
        for entry in entries.split(|&b| b == b';') {
            let (name, value) = match entry.iter().position(|&b| b == b'=') {
                Some(eq) => (&entry[..eq], Some(unescape(&entry[eq + 1..])?)),
                None => (entry, None),
            };
            let name = std::str::from_utf8(name)
                .ok()
                .filter(|n| crate::config::rules::env_name(n).is_ok())
                .ok_or(Corrupt("a name is not a variable name"))?;
            if before.iter().any(|(n, _)| n == name) {
                return Err(Corrupt("a name appears twice"));
            }
            before.push((name.to_string(), value));
        }
        Ok(Record { before })
    }
}

/// The environment with a stage's record undone, and what was found.
#[derive(Debug)]
pub struct Undone {
    /// The environment from before the first stage (the record's names put
    /// back as they were, the record itself gone); the inherited one as it
    /// is, less the record, when there was no record or it was corrupt.
    pub env: Environment,
    pub record: Option<Record>,
    pub corrupt: Option<Corrupt>,
}

/// Undo the record that `env` carries, if any.
pub fn undo(mut env: Environment) -> Undone {
    let Some(at) = env.iter().position(|(n, _)| n == NAME) else {
        return Undone {
            env,
            record: None,
            corrupt: None,
        };
    };
    let (_, text) = env.remove(at);
    env.retain(|(n, _)| n != NAME);
    match Record::decode(&text) {
        Ok(record) => {
            env.retain(|(n, _)| !record.names().any(|r| n.as_bytes() == r.as_bytes()));
            for (name, value) in &record.before {
                if let Some(value) = value {
                    env.push((name.into(), value.clone()));
                }
            }
            Undone {
                env,
                record: Some(record),
                corrupt: None,
            }
        }
        Err(corrupt) => Undone {
            env,
            record: None,
            corrupt: Some(corrupt),
        },
    }
}

/// The one-line warning for a record that was not believed.
pub fn warning(corrupt: &Corrupt) -> String {
    format!(
        "acct: warning: {NAME} is not a record acct wrote ({}); ignored, so variables a stage set may stay; unset {NAME} to silence this",
        corrupt.0
    )
}

/// Printable ASCII stays as it is, but `%` and `;` which the format uses.
fn needs_escape(byte: u8) -> bool {
    !(0x21..=0x7e).contains(&byte) || byte == b'%' || byte == b';'
}

fn unescape(encoded: &[u8]) -> Result<OsString, Corrupt> {
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut rest = encoded;
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' {
            let hex = tail.get(..2).ok_or(Corrupt("an escape is cut short"))?;
            let value = std::str::from_utf8(hex)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or(Corrupt("an escape is not two hex digits"))?;
            bytes.push(value);
            rest = &tail[2..];
        } else if needs_escape(byte) {
            return Err(Corrupt("a value holds a byte that should be escaped"));
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    Ok(OsString::from_vec(bytes))
}

fn sum(entries: &[u8]) -> String {
    hex::encode(&Sha256::digest(entries)[..8])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn env(pairs: &[(&str, &[u8])]) -> Environment {
        pairs
            .iter()
            .map(|(n, v)| (OsString::from(n), OsString::from_vec(v.to_vec())))
            .collect()
    }

    #[test]
    fn hostile_values_round_trip_byte_for_byte() {
        let hostile: &[&[u8]] = &[
            b"a\nb",
            b"'\"",
            b"$HOME `id` $(id)",
            b"\xff\xfe not utf-8",
            b"50% off; a=b",
            b"",
            b" lead and trail ",
            b"\x1b[31m\x07",
        ];
        for value in hostile {
            let base = env(&[("KUBECONFIG", value)]);
            let record = Record::of(&base, ["KUBECONFIG", "TF_WORKSPACE"].into_iter());
            let text = record.encode();
            assert!(text.is_ascii(), "{text}");
            let back = Record::decode(OsStr::new(&text)).expect("decodes");
            assert_eq!(back, record);
            assert_eq!(
                back.before[0].1.as_deref().map(OsStr::as_bytes),
                Some(*value)
            );
            assert_eq!(back.before[1].1, None, "absent stays absent");
        }
    }

    #[test]
    fn a_cut_or_edited_record_is_refused() {
        let base = env(&[("AWS_PROFILE", b"personal")]);
        let text = Record::of(&base, ["AWS_PROFILE"].into_iter()).encode();
        for bad in [
            &text[..text.len() - 1],
            &text.replace("personal", "attacker"),
            "v9:0:AWS_PROFILE",
            "",
            "garbage",
        ] {
            assert!(Record::decode(OsStr::new(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn undo_puts_back_the_values_from_before_and_drops_the_record() {
        let before = env(&[("KUBECONFIG", b"/home/me/.kube/config"), ("PATH", b"/bin")]);
        let record = Record::of(&before, ["KUBECONFIG", "TF_WORKSPACE"].into_iter());
        let inside = env(&[
            ("PATH", b"/bin"),
            ("KUBECONFIG", b"/home/me/.kube/prod-admin"),
            ("TF_WORKSPACE", b"prod"),
            (NAME, record.encode().as_bytes()),
        ]);
        let mut undone = undo(inside).env;
        undone.sort();
        let mut expected = before;
        expected.sort();
        assert_eq!(undone, expected);
    }

    #[test]
    fn a_corrupt_record_is_dropped_and_reported() {
        let inside = env(&[("AWS_PROFILE", b"x"), (NAME, b"v1:00:AWS_PROFILE=y")]);
        let undone = undo(inside);
        assert!(undone.corrupt.is_some());
        assert_eq!(undone.env, env(&[("AWS_PROFILE", b"x")]));
    }

    proptest! {
        #[test]
        fn any_bytes_round_trip(values in proptest::collection::vec(
            proptest::option::of(proptest::collection::vec(1u8.., 0..40)), 0..6)) {
            let before: Vec<(String, Option<OsString>)> = values
                .into_iter()
                .enumerate()
                .map(|(i, v)| (format!("V{i}"), v.map(OsString::from_vec)))
                .collect();
            let record = Record { before };
            prop_assert_eq!(Record::decode(OsStr::new(&record.encode())), Ok(record));
        }

        #[test]
        fn decoding_never_panics(text in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = Record::decode(OsStr::from_bytes(&text));
        }
    }
}
