//! Rewriting the AWS config file so that concurrent acct runs never lose
//! each other's changes: read, merge and write under one lock. The write
//! itself is `atomic_write`'s, as for every file acct writes.
//!
//! The lock is an exclusive `flock` on the file's *directory*, not on the
//! file: the new content is renamed over the file, so a lock on the file's
//! inode would be on the old inode once the first writer finishes, and a
//! writer that opened it before the rename would run at the same time as one
//! that opened the new file. The directory's inode stays put across the
//! rename, and no lock file is left next to the user's config.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

use crate::error::{Failure, Result};
use crate::files::atomic_write::{self, Expected};

/// Mode of a file acct creates: it holds account and role names, not secrets,
/// but `~/.aws` is private by convention and the AWS CLI creates it so.
const NEW_FILE_MODE: u32 = 0o600;
const NEW_DIR_MODE: u32 = 0o700;

/// Attempts when another program edits the file between acct's read and
/// its rename.
const ATTEMPTS: usize = 3;

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Unchanged,
    /// Written; the old text kept in `backup` when asked for.
    Written {
        backup: Option<PathBuf>,
    },
}

/// The new text `update` computes, and whether the old one is kept in a
/// backup next to the file before it is replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub text: String,
    pub backup: bool,
}

/// Under the lock, read `path` (`None` when missing), let `update` compute
/// the new text, and write it atomically when it differs. An error from
/// `update` leaves the file untouched. When another program (an editor,
/// `aws configure set`, which take no lock) changes the file between the
/// read and the last comparison before the rename, acct reads it again and
/// redoes the update; after three such races it gives up. (An edit in the
/// instant between that comparison and the rename itself can still be
/// replaced: editors share no lock with acct.)
pub fn update(path: &Path, update: impl Fn(Option<&str>) -> Result<Change>) -> Result<Outcome> {
    let path = real_path(path)?;
    let dir = path.parent().ok_or_else(|| {
        Failure::other(
            format!("{} is not a file path", path.display()),
            "name a file, e.g. --file ~/.aws/config",
        )
    })?;
    DirBuilder::new()
        .recursive(true)
        .mode(NEW_DIR_MODE)
        .create(dir)
        .map_err(|e| fail("cannot create the directory", dir, e))?;
    let dir_file = File::open(dir).map_err(|e| fail("cannot open the directory", dir, e))?;
    let _locked = Flock::lock(dir_file, FlockArg::LockExclusive)
        .map_err(|(_, e)| fail("cannot lock the directory", dir, e.into()))?;
    for _ in 0..ATTEMPTS {
        let old = super::read(&path)?;
        let change = update(old.as_deref())?;
        if old.as_deref() == Some(change.text.as_str()) {
            return Ok(Outcome::Unchanged);
        }
        let backup = match (&old, change.backup) {
            (Some(old), true) => Some(backup(&path, old)?),
            _ => None,
        };
        let expected = old
            .as_deref()
            .map_or(Expected::Missing, |old| Expected::Content(old.as_bytes()));
        match atomic_write::replace(&path, change.text.as_bytes(), NEW_FILE_MODE, expected) {
            Ok(()) => return Ok(Outcome::Written { backup }),
            Err(e) if atomic_write::is_changed(&e) => {
                // That backup holds a text that is no longer the file's.
                if let Some(stale) = backup {
                    let _ = std::fs::remove_file(stale);
                }
            }
            Err(e) => return Err(write_failure(&path, e)),
        }
    }
    Err(Failure::other(
        format!(
            "{} changed while acct was writing it, {ATTEMPTS} times in a row; acct left it as the other program wrote it",
            path.display()
        ),
        "close the program that keeps editing it, then run the command again",
    ))
}

/// An error of the writer as the user reads it: a refusal says what the
/// file is and what to do; anything else is a failed write.
fn write_failure(path: &Path, error: std::io::Error) -> Failure {
    match atomic_write::refusal(&error) {
        Some(refused) => Failure::other(refused.message.clone(), refused.fix.clone()),
        None => fail("cannot write", path, error),
    }
}

/// The old text in `NAME.acct-backup-YYYYMMDDTHHMMSSZ` (`-2`, `-3`.. when
/// taken), next to the file, `0600`, created exclusively.
fn backup(path: &Path, old: &str) -> Result<PathBuf> {
    let stamp: String = crate::text::clock::format(crate::text::clock::now())
        .chars()
        .filter(|c| !matches!(c, '-' | ':'))
        .collect();
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    for n in 1.. {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("-{n}")
        };
        let backup = path.with_file_name(format!("{name}.acct-backup-{stamp}{suffix}"));
        let created = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(NEW_FILE_MODE)
            .custom_flags(nix::libc::O_NOFOLLOW)
            .open(&backup);
        let mut file = match created {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            other => other.map_err(|e| fail("cannot create the backup", &backup, e))?,
        };
        file.write_all(old.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| fail("cannot write the backup", &backup, e))?;
        return Ok(backup);
    }
    unreachable!("some backup name is free")
}

/// A symlinked config (dotfiles) is updated where it really lives, and the
/// link stays a link.
fn real_path(path: &Path) -> Result<PathBuf> {
    crate::files::real_path::real_path(path).map_err(|e| fail("cannot resolve", path, e))
}

fn fail(what: &str, path: &Path, e: std::io::Error) -> Failure {
    Failure::other(
        format!("{what} {}: {e}", path.display()),
        "check the permissions and free space of that directory, then run acct aws-config --write again",
    )
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::fs;

    use super::*;
    use crate::files::atomic_write::tests::names;

    fn appended(old: Option<&str>) -> Result<Change> {
        Ok(Change {
            text: format!("{}acct\n", old.unwrap_or_default()),
            backup: false,
        })
    }

    #[test]
    fn an_edit_between_read_and_rename_is_kept_and_merged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        fs::write(&path, "mine = 1\n").unwrap();
        let calls = Cell::new(0);
        let outcome = update(&path, |old| {
            calls.set(calls.get() + 1);
            if calls.get() == 1 {
                // Another editor saves after acct read the file.
                fs::write(&path, "mine = 2\n").unwrap();
            }
            appended(old)
        })
        .unwrap();
        assert_eq!(outcome, Outcome::Written { backup: None });
        assert_eq!(calls.get(), 2);
        assert_eq!(fs::read_to_string(&path).unwrap(), "mine = 2\nacct\n");
    }

    #[test]
    fn an_editor_that_keeps_editing_wins_and_acct_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        let calls = Cell::new(0);
        let failure = update(&path, |old| {
            calls.set(calls.get() + 1);
            fs::write(&path, format!("edit {}\n", calls.get())).unwrap();
            Ok(Change {
                backup: true,
                ..appended(old)?
            })
        })
        .unwrap_err();
        assert!(
            failure
                .message
                .contains("changed while acct was writing it"),
            "{failure}"
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "edit 3\n");
        assert_eq!(
            names(dir.path()),
            ["config"],
            "no temp file, no stale backup"
        );
    }

    #[test]
    fn a_backup_next_to_the_file_holds_the_old_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        fs::write(&path, "old\n").unwrap();
        let with_backup = |old: Option<&str>| {
            Ok(Change {
                backup: true,
                ..appended(old)?
            })
        };
        let Outcome::Written {
            backup: Some(first),
        } = update(&path, with_backup).unwrap()
        else {
            panic!("a backup")
        };
        let Outcome::Written {
            backup: Some(second),
        } = update(&path, with_backup).unwrap()
        else {
            panic!("a backup")
        };
        assert_ne!(first, second);
        assert_eq!(fs::read_to_string(&first).unwrap(), "old\n");
        assert_eq!(fs::read_to_string(&second).unwrap(), "old\nacct\n");
        let name = first.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("config.acct-backup-2"), "{name}");
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&first).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}
