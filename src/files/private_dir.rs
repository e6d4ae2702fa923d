//! A private per-user folder (0700, ours, not a link): where acct keeps what
//! another user must neither plant nor read, the shell startup files and
//! the MFA session cache.

use std::fs::{self, DirBuilder};
use std::io::ErrorKind;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::Path;

use crate::error::{Failure, Result};

/// What the folder is for and how to get on, for the error when it is not
/// private.
#[derive(Debug, Clone, Copy)]
pub struct Purpose {
    pub what: &'static str,
    pub fix: &'static str,
}

/// Create `dir` as 0700, or accept it only when it is a real directory that
/// is ours and private: another user must not plant files a shell runs.
pub fn make_private(dir: &Path, purpose: Purpose) -> Result<()> {
    let failure = |why: String| {
        Failure::other(
            format!("cannot use {} for {}: {why}", dir.display(), purpose.what),
            purpose.fix,
        )
    };
    match DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
        Err(e) => return Err(failure(e.to_string())),
    }
    let meta = fs::symlink_metadata(dir).map_err(|e| failure(e.to_string()))?;
    if !meta.file_type().is_dir() {
        return Err(failure("it is not a directory".into()));
    }
    if meta.uid() != nix::unistd::geteuid().as_raw() {
        return Err(failure("it belongs to another user".into()));
    }
    if meta.mode() & 0o077 != 0 {
        return Err(failure(format!(
            "others may use it (mode {:o})",
            meta.mode() & 0o777
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST: Purpose = Purpose {
        what: "tests",
        fix: "none",
    };

    #[test]
    fn a_shared_or_foreign_directory_is_refused() {
        let temp = tempfile::tempdir().unwrap();
        let shared = temp.path().join("shared");
        DirBuilder::new().mode(0o755).create(&shared).unwrap();
        fs::set_permissions(&shared, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let err = make_private(&shared, TEST).unwrap_err();
        assert!(err.message.contains("mode 755"), "{}", err.message);

        let link = temp.path().join("link");
        let private = temp.path().join("private");
        make_private(&private, TEST).unwrap();
        std::os::unix::fs::symlink(&private, &link).unwrap();
        let err = make_private(&link, TEST).unwrap_err();
        assert!(err.message.contains("not a directory"), "{}", err.message);
    }
}
