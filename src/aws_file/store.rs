//! Rewriting a file so that it is never seen half written and concurrent
//! acct runs never lose each other's changes.
//!
//! The lock is an exclusive `flock` on the file's *directory*, not on the
//! file: the new content is renamed over the file, so a lock on the file's
//! inode would be on the old inode once the first writer finishes, and a
//! writer that opened it before the rename would run at the same time as one
//! that opened the new file. The directory's inode stays put across the
//! rename, and no lock file is left next to the user's config.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

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
    replace(&path, dir, &new)?;
    // The rename is durable only once the directory is on disk.
    locked
        .sync_all()
        .map_err(|e| fail("cannot sync the directory", dir, e))?;
    Ok(Outcome::Written)
}

/// A symlinked config (dotfiles) is updated where it really lives, and the
/// link stays a link.
fn real_path(path: &Path) -> Result<PathBuf> {
    match std::fs::canonicalize(path) {
        Ok(real) => Ok(real),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(path.to_path_buf()),
        Err(e) => Err(fail("cannot resolve", path, e)),
    }
}

fn fail(what: &str, path: &Path, e: std::io::Error) -> Failure {
    Failure::other(
        format!("{what} {}: {e}", path.display()),
        "check the permissions and free space of that directory, then run acct aws-config --write again",
    )
}

/// A temp file that removes itself unless it was renamed into place.
struct Temp {
    path: PathBuf,
    renamed: bool,
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Write `text` to a temp file in `dir`, sync it, and rename it over `path`,
/// keeping the old file's mode (and owner, when allowed).
fn replace(path: &Path, dir: &Path, text: &str) -> Result<()> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    // One fixed name is safe under the directory lock, and a temp file left
    // by a killed run is simply replaced by the next.
    let mut temp = Temp {
        path: dir.join(format!(".{name}.acct-tmp")),
        renamed: false,
    };
    let previous = std::fs::metadata(path).ok();
    match std::fs::remove_file(&temp.path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(fail("cannot remove the stale temp file", &temp.path, e));
        }
        _ => {}
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(NEW_FILE_MODE)
        .open(&temp.path)
        .map_err(|e| fail("cannot create a temp file in", dir, e))?;
    let write_fail = |e| fail("cannot write", &temp.path, e);
    if let Some(meta) = &previous {
        // Root rewriting another user's file must not take it over.
        let _ = nix::unistd::fchown(&file, Some(meta.uid().into()), Some(meta.gid().into()));
    }
    let mode = previous.map_or(NEW_FILE_MODE, |m| m.permissions().mode() & 0o7777);
    file.set_permissions(std::fs::Permissions::from_mode(mode))
        .map_err(write_fail)?;
    file.write_all(text.as_bytes()).map_err(write_fail)?;
    file.sync_all().map_err(write_fail)?;
    drop(file);
    std::fs::rename(&temp.path, path).map_err(|e| fail("cannot replace", path, e))?;
    temp.renamed = true;
    Ok(())
}
