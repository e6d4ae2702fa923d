//! Refusing config files that others could have written, as ssh refuses a
//! `~/.ssh/config` that others can write: such a file decides which account
//! your commands run in.

use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::error::{Failure, Result};

/// Larger than any real estate's config (1,000 stages are about 50 KB); a
/// bigger file is a mistake, and parsing it would only waste time.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The owner of a file that is neither you (`euid`) nor root.
pub fn foreign_owner(meta: &Metadata, euid: u32) -> Option<u32> {
    (meta.uid() != euid && meta.uid() != 0).then_some(meta.uid())
}

pub fn check(path: &Path, euid: u32) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| {
        Failure::other(
            format!("cannot read config {}: {e}", path.display()),
            "check that the file is readable by you (ls -l)",
        )
    })?;
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(Failure::usage(
            format!(
                "{}: the file is {} bytes; a config may be at most {MAX_CONFIG_BYTES} bytes",
                path.display(),
                meta.len()
            ),
            "check that this is the config you meant",
        ));
    }
    if let Some(owner) = foreign_owner(&meta, euid) {
        return Err(Failure::other(
            format!(
                "{} is owned by user id {owner}, not by you, so someone else decides where your commands run",
                path.display(),
            ),
            format!(
                "copy it to a file of your own, or `chown $(id -u) {}` if it is yours",
                path.display()
            ),
        ));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(Failure::other(
            format!(
                "{} is writable by others (mode {:04o}), so anyone could change which account you land in",
                path.display(),
                meta.mode() & 0o7777
            ),
            format!("chmod go-w {}", path.display()),
        ));
    }
    if let Some(dir) = path.parent() {
        let dir_meta = std::fs::metadata(dir).map_err(|e| {
            Failure::other(
                format!("cannot read directory {}: {e}", dir.display()),
                "check that the directory is readable by you (ls -ld)",
            )
        })?;
        // Others may replace the file in a directory they can write, unless
        // the sticky bit (as on /tmp) keeps them to their own files.
        if dir_meta.mode() & 0o022 != 0 && dir_meta.mode() & 0o1000 == 0 {
            return Err(Failure::other(
                format!(
                    "{} is in a directory others can write (mode {:04o}), so anyone could replace it",
                    path.display(),
                    dir_meta.mode() & 0o7777
                ),
                format!("chmod go-w {}", dir.display()),
            ));
        }
    }
    Ok(())
}
