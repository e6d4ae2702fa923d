//! Refusing config files that others could have written, as ssh refuses a
//! `~/.ssh/config` that others can write: such a file decides which account
//! your commands run in.

use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::error::{Failure, Result};
use crate::text::quote;

/// Larger than any real estate's config (1,000 stages are about 50 KB); a
/// bigger file is a mistake, and parsing it would only waste time.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The owner of a file that is neither you (`euid`) nor root.
pub fn foreign_owner(meta: &Metadata, euid: u32) -> Option<u32> {
    (meta.uid() != euid && meta.uid() != 0).then_some(meta.uid())
}

/// Links followed before giving up, as the kernel does (`ELOOP`).
const MAX_LINKS: usize = 40;

/// `path` and every symlink on the way to the file it leads to, each with
/// its own metadata (a link's, not its target's): whoever owns a link
/// decides which file is read, as much as whoever owns the file.
pub fn on_the_way(path: &Path) -> std::io::Result<Vec<(PathBuf, Metadata)>> {
    // A folder of the path that is a link (`/tmp/shared/proj -> ...`)
    // decides as much as the file's own link.
    let mut hops: Vec<(PathBuf, Metadata)> = path
        .ancestors()
        .skip(1)
        .filter_map(|dir| {
            let meta = std::fs::symlink_metadata(dir).ok()?;
            meta.file_type()
                .is_symlink()
                .then(|| (dir.to_path_buf(), meta))
        })
        .collect();
    let mut current = path.to_path_buf();
    loop {
        let meta = std::fs::symlink_metadata(&current)?;
        let is_link = meta.file_type().is_symlink();
        hops.push((current.clone(), meta));
        if !is_link {
            return Ok(hops);
        }
        if hops.len() > MAX_LINKS + path.components().count() {
            return Err(std::io::Error::other("too many levels of symbolic links"));
        }
        let target = std::fs::read_link(&current)?;
        current = current.parent().unwrap_or(Path::new("/")).join(target);
    }
}

/// The first file or link on the way to `path` owned by someone else
/// (neither you nor root), and its owner.
pub fn foreign_on_the_way(path: &Path, euid: u32) -> Option<(PathBuf, u32)> {
    on_the_way(path)
        .ok()?
        .into_iter()
        .find_map(|(hop, meta)| foreign_owner(&meta, euid).map(|owner| (hop, owner)))
}

pub fn check(path: &Path, euid: u32) -> Result<()> {
    let hops = on_the_way(path).map_err(|e| {
        Failure::other(
            format!("cannot read config {}: {e}", path.display()),
            "check that the file is readable by you (ls -l)",
        )
    })?;
    for (hop, meta) in &hops {
        if let Some(owner) = foreign_owner(meta, euid) {
            let what = if meta.file_type().is_symlink() {
                format!("{} is a symlink", hop.display())
            } else {
                format!("{} is", hop.display())
            };
            return Err(Failure::other(
                format!(
                    "{what} owned by user id {owner}, not by you, so someone else decides where your commands run",
                ),
                format!(
                    "copy the config to a file of your own, or `chown -h $(id -u) {}` if it is yours",
                    quote::posix(hop.as_os_str())
                ),
            ));
        }
        if meta.file_type().is_symlink() {
            dir_check(hop)?;
        }
    }
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
    if meta.mode() & 0o022 != 0 {
        return Err(Failure::other(
            format!(
                "{} is writable by others (mode {:04o}), so anyone could change which account you land in",
                path.display(),
                meta.mode() & 0o7777
            ),
            format!("chmod go-w {}", quote::posix(path.as_os_str())),
        ));
    }
    // The file where the links lead (each link's folder is checked above).
    dir_check(hops.last().map_or(path, |(hop, _)| hop.as_path()))
}

/// A file (or link) in a directory others can write, without the sticky
/// bit, could be replaced by them.
fn dir_check(path: &Path) -> Result<()> {
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
                format!("chmod go-w {}", quote::posix(dir.as_os_str())),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// The fix is a command to paste: a path with a space stays one word.
    #[test]
    fn fix_lines_quote_the_path() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("my configs");
        std::fs::create_dir(&dir).unwrap();
        let file = dir.join("acct.toml");
        std::fs::write(&file, "namespace = \"x\"\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
        let euid = nix::unistd::geteuid().as_raw();
        let failure = check(&file, euid).unwrap_err();
        assert_eq!(
            failure.fix.as_deref(),
            Some(format!("chmod go-w '{}'", file.display()).as_str())
        );
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        let failure = check(&file, euid).unwrap_err();
        assert_eq!(
            failure.fix.as_deref(),
            Some(format!("chmod go-w '{}'", dir.display()).as_str())
        );
    }
}
