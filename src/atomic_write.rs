//! The one way acct replaces a file whole (trust records, shell startup
//! files, `acct init --force`, the AWS config file): a temp file beside the
//! real file, created exclusively, synced, renamed over it, and the directory
//! synced, so a reader sees the old content or the new, never half, and a
//! crash leaves one or the other on disk. On any error the temp file is
//! removed and the file is as it was.
//!
//! - A symlink (a dotfiles checkout) is followed: the file it points at is
//!   replaced and the link stays a link, also when its target does not exist
//!   yet.
//! - An existing file keeps its mode and, where allowed, its owner: root
//!   rewriting another user's file must not take it over.
//! - The temp file is created with `O_EXCL` under a name nobody can predict
//!   to have planted: a link or file placed there is never followed.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Links followed at most, as the kernel's own limit (ELOOP) does.
const MAX_LINKS: usize = 40;

/// Write `content` to the file `path` names (through symlinks) atomically;
/// a new file gets `new_mode`, an existing one keeps its mode and owner.
pub fn write(path: &Path, content: &[u8], new_mode: u32) -> io::Result<()> {
    let real = real_path(path)?;
    let dir = match real.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let previous = fs::metadata(&real).ok();
    let (mut file, temp) = create_temp(&real)?;
    if let Some(meta) = &previous {
        let _ = nix::unistd::fchown(&file, Some(meta.uid().into()), Some(meta.gid().into()));
    }
    let mode = previous.map_or(new_mode, |m| m.permissions().mode() & 0o7777);
    file.set_permissions(fs::Permissions::from_mode(mode))?;
    file.write_all(content)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&temp.path, &real)?;
    temp.renamed();
    // The rename is durable only once the directory is on disk.
    File::open(&dir)?.sync_all()
}

/// Where `path` really is: every symlink followed, also a last one whose
/// target does not exist yet (the file is then created there).
pub fn real_path(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) => parent.join(target),
                    None => target,
                };
            }
            Ok(_) => return fs::canonicalize(&current),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // A new file: its directory's links resolved, if it exists.
                let name = current.file_name().map(OsString::from);
                return match (current.parent().map(fs::canonicalize), name) {
                    (Some(Ok(dir)), Some(name)) => Ok(dir.join(name)),
                    _ => Ok(current),
                };
            }
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "{}: more than {MAX_LINKS} symbolic links",
        path.display()
    )))
}

/// A temp file that removes itself unless it was renamed into place.
struct Temp {
    path: PathBuf,
    renamed: bool,
}

impl Temp {
    fn renamed(mut self) {
        self.renamed = true;
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// `.NAME.acct-PID-N-NANOS.tmp` beside `real`, created with `O_EXCL` (and
/// `O_NOFOLLOW`), 0600 until it holds the content.
fn create_temp(real: &Path) -> io::Result<(File, Temp)> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = real.file_name().unwrap_or_default().to_string_lossy();
    let dir = real.parent().unwrap_or(Path::new("."));
    loop {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let temp = dir.join(format!(
            ".{name}.acct-{}-{}-{nanos}.tmp",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(nix::libc::O_NOFOLLOW)
            .open(&temp)
        {
            Ok(file) => {
                return Ok((
                    file,
                    Temp {
                        path: temp,
                        renamed: false,
                    },
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_whole_and_leaves_no_temp_file_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file");
        write(&path, b"one", 0o600).unwrap();
        write(&path, b"two", 0o644).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(fs::metadata(&path).unwrap().mode() & 0o777, 0o600);
        // A non-empty directory in the way: the rename fails, nothing is left behind.
        let blocked = dir.path().join("blocked");
        fs::create_dir_all(blocked.join("x")).unwrap();
        assert!(write(&blocked, b"x", 0o600).is_err());
        assert_eq!(names(dir.path()), ["blocked", "file"]);
    }

    #[test]
    fn symlinks_are_followed_and_stay_links_even_when_dangling() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles/config.toml");
        fs::create_dir_all(real.parent().unwrap()).unwrap();
        fs::write(&real, "old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("config.toml");
        std::os::unix::fs::symlink("dotfiles/config.toml", &link).unwrap();
        write(&link, b"new", 0o600).unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new");
        assert_eq!(fs::metadata(&real).unwrap().mode() & 0o777, 0o640);

        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink("dotfiles/new.toml", &dangling).unwrap();
        write(&dangling, b"created", 0o644).unwrap();
        assert!(fs::symlink_metadata(&dangling).unwrap().is_symlink());
        let created = dir.path().join("dotfiles/new.toml");
        assert_eq!(fs::read(&created).unwrap(), b"created");
        assert_eq!(fs::metadata(&created).unwrap().mode() & 0o777, 0o644);
    }

    #[test]
    fn a_planted_temp_name_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        // The old writer's predictable name, planted as a link to the victim.
        let path = dir.path().join("acct.toml");
        let planted = dir
            .path()
            .join(format!("acct.toml.{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, planted).unwrap();
        write(&path, b"config", 0o644).unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"keep");
        assert_eq!(fs::read(&path).unwrap(), b"config");
    }
}
