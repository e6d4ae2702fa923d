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

use std::fs::{DirBuilder, File};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

use crate::atomic_write;
use crate::error::{Failure, Result};

/// Mode of a file acct creates: it holds account and role names, not secrets,
/// but `~/.aws` is private by convention and the AWS CLI creates it so.
const NEW_FILE_MODE: u32 = 0o600;
const NEW_DIR_MODE: u32 = 0o700;

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Unchanged,
    Written,
}

/// Under the lock, read `path` (`None` when missing), let `update` compute
/// the new text, and write it atomically when it differs. An error from
/// `update` leaves the file untouched.
pub fn update(path: &Path, update: impl FnOnce(Option<&str>) -> Result<String>) -> Result<Outcome> {
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
    let locked = Flock::lock(dir_file, FlockArg::LockExclusive)
        .map_err(|(_, e)| fail("cannot lock the directory", dir, e.into()))?;
    let old = super::read(&path)?;
    let new = update(old.as_deref())?;
    if old.as_deref() == Some(new.as_str()) {
        return Ok(Outcome::Unchanged);
    }
    atomic_write::write(&path, new.as_bytes(), NEW_FILE_MODE)
        .map_err(|e| fail("cannot write", &path, e))?;
    drop(locked);
    Ok(Outcome::Written)
}

/// A symlinked config (dotfiles) is updated where it really lives, and the
/// link stays a link.
fn real_path(path: &Path) -> Result<PathBuf> {
    atomic_write::real_path(path).map_err(|e| fail("cannot resolve", path, e))
}

fn fail(what: &str, path: &Path, e: std::io::Error) -> Failure {
    Failure::other(
        format!("{what} {}: {e}", path.display()),
        "check the permissions and free space of that directory, then run acct aws-config --write again",
    )
}
