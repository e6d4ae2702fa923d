//! Startup files for shells that read their startup code only from files
//! (bash's `--rcfile`, zsh's `ZDOTDIR`). They hold acct's static scripts and
//! nothing of a stage (values travel in the environment), live in a private
//! per-user directory (0700), are named by their content so that every start
//! of the same acct reuses them, and are replaced atomically: a shell never
//! reads half a file, and thousands of starts leave the same few files.

use std::fs;
use std::path::{Path, PathBuf};

use crate::config::process_env;
use crate::error::{Failure, Result};
use crate::files::atomic_write;
use crate::files::private_dir::{Purpose, make_private};
use crate::text::fnv;

const PURPOSE: Purpose = Purpose {
    what: "shell startup files",
    fix: "remove it, or set XDG_RUNTIME_DIR to a private directory",
};

/// `$XDG_RUNTIME_DIR/acct` (per user, private, cleared at logout), else
/// `acct-UID` in the temp directory.
pub fn private_dir() -> Result<PathBuf> {
    let dir = match process_env::absolute("XDG_RUNTIME_DIR") {
        Some(runtime) => runtime.join("acct"),
        None => std::env::temp_dir().join(format!("acct-{}", nix::unistd::geteuid())),
    };
    make_private(&dir, PURPOSE)?;
    Ok(dir)
}

/// `NAME-HASH.EXT` in the private directory, holding `content`.
pub fn file(name: &str, content: &str) -> Result<PathBuf> {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let path = private_dir()?.join(format!("{stem}-{:016x}.{ext}", fnv::hash(content)));
    write_if_changed(&path, content)?;
    Ok(path)
}

/// A private directory `NAME-HASH` holding `files`, e.g. a zsh ZDOTDIR.
pub fn dir(name: &str, files: &[(&str, &str)]) -> Result<PathBuf> {
    let mut hash = fnv::hash("");
    for (file, content) in files {
        hash = fnv::hash_from(fnv::hash_from(hash, file), content);
    }
    let dir = private_dir()?.join(format!("{name}-{hash:016x}"));
    make_private(&dir, PURPOSE)?;
    for (file, content) in files {
        write_if_changed(&dir.join(file), content)?;
    }
    Ok(dir)
}

/// Keep a file that already holds `content`; else write a temp file beside
/// it and rename it into place.
fn write_if_changed(path: &Path, content: &str) -> Result<()> {
    if fs::read(path).is_ok_and(|old| old == content.as_bytes()) {
        return Ok(());
    }
    let failure = |e: std::io::Error| {
        Failure::other(
            format!(
                "cannot write the shell startup file {}: {e}",
                path.display()
            ),
            "check the free space there, or set XDG_RUNTIME_DIR to a private directory you can write",
        )
    };
    atomic_write::write(path, content.as_bytes(), 0o600).map_err(failure)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn files_are_rewritten_only_when_their_content_changes() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("rc");
        write_if_changed(&path, "one").unwrap();
        let first = fs::metadata(&path).unwrap().ino();
        write_if_changed(&path, "one").unwrap();
        assert_eq!(fs::metadata(&path).unwrap().ino(), first);
        write_if_changed(&path, "two").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(fs::read_dir(temp.path()).unwrap().count(), 1);
        assert_eq!(fs::metadata(&path).unwrap().mode() & 0o777, 0o600);
    }
}
