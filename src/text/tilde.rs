//! A leading `~` split in one place. Where a path may start with `~`, three
//! rules apply to `~user`, each chosen on purpose by its caller: the config
//! refuses it (acct does not look users up for a value it stores), the AWS
//! file variables keep it as written (as acct has always read them), and
//! completion looks the user up (it stands in for the shell that would have
//! expanded the word). The splitting is the same for all three.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// What a word's leading `~` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tilde<'a> {
    /// No leading `~`: the word is a path as written.
    Absent,
    /// `~` or `~/TAIL`: the home folder, then `TAIL`.
    Home { tail: &'a OsStr },
    /// `~USER` or `~USER/TAIL`.
    User { name: &'a OsStr, tail: &'a OsStr },
}

/// Splits `word`; a tail never starts with `/` (`~//x` is `~/x`, as every
/// shell reads it), so joining it never replaces the base.
pub fn split(word: &OsStr) -> Tilde<'_> {
    let Some(rest) = word.as_bytes().strip_prefix(b"~") else {
        return Tilde::Absent;
    };
    let at = rest.iter().position(|b| *b == b'/').unwrap_or(rest.len());
    let (name, tail) = rest.split_at(at);
    let start = tail.iter().position(|b| *b != b'/').unwrap_or(tail.len());
    let tail = OsStr::from_bytes(&tail[start..]);
    if name.is_empty() {
        Tilde::Home { tail }
    } else {
        Tilde::User {
            name: OsStr::from_bytes(name),
            tail,
        }
    }
}

/// `base` followed by a tail from `split` (the base alone when it is empty).
pub fn join(base: &Path, tail: &OsStr) -> PathBuf {
    if tail.is_empty() {
        base.to_path_buf()
    } else {
        base.join(tail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(s: &str) -> &OsStr {
        OsStr::new(s)
    }

    #[test]
    fn splits_home_user_and_plain_words() {
        assert_eq!(split(os("~")), Tilde::Home { tail: os("") });
        assert_eq!(split(os("~/")), Tilde::Home { tail: os("") });
        assert_eq!(split(os("~//a/b")), Tilde::Home { tail: os("a/b") });
        assert_eq!(
            split(os("~root/x")),
            Tilde::User {
                name: os("root"),
                tail: os("x")
            }
        );
        assert_eq!(split(os("/a/~")), Tilde::Absent);
        assert_eq!(split(os("a~")), Tilde::Absent);
    }

    #[test]
    fn join_never_escapes_the_base() {
        let Tilde::Home { tail } = split(os("~///etc/passwd")) else {
            panic!("not home");
        };
        assert_eq!(
            join(Path::new("/home/me"), tail),
            Path::new("/home/me/etc/passwd")
        );
        assert_eq!(join(Path::new("/home/me"), os("")), Path::new("/home/me"));
    }
}
