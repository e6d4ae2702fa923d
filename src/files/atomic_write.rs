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
//! - What a rename must not replace is refused, untouched ([`Refused`]): a
//!   file without its owner's write bit (`chmod a-w` says "leave it", and
//!   `aws configure set` fails on it too), anything but a regular file (a
//!   FIFO, a device, a socket: looked at, never opened), and a file with
//!   other hard links (a rename would leave them with the old text, and a
//!   write in place is not atomic; a symlink does what a hard link was
//!   meant to).
//! - [`replace`] compares the file with what the caller read just before
//!   the rename, so another program's edit since the caller's read is
//!   refused ([`Changed`]). Editors take no lock: an edit in the instant
//!   between that comparison and the rename can still be replaced.

use std::fmt;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use super::real_path::real_path;

/// A file the writer will not replace: what it is, and what to do. Carried
/// inside the `io::Error` (see [`refusal`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub message: String,
    pub fix: String,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refused {}

/// The file is no longer what the caller read: another program changed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Changed;

impl fmt::Display for Changed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the file changed while acct was writing it")
    }
}

impl std::error::Error for Changed {}

/// The refusal an error of [`write`] or [`replace`] carries, if it is one.
pub fn refusal(error: &io::Error) -> Option<&Refused> {
    error.get_ref()?.downcast_ref::<Refused>()
}

/// Whether an error of [`replace`] is [`Changed`].
pub fn is_changed(error: &io::Error) -> bool {
    error
        .get_ref()
        .is_some_and(|e| e.downcast_ref::<Changed>().is_some())
}

/// What the file must still hold just before the rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected<'a> {
    /// Whatever it holds (callers that do not read it first).
    Anything,
    /// No file.
    Missing,
    /// These bytes.
    Content(&'a [u8]),
}

/// Write `content` to the file `path` names (through symlinks) atomically;
/// a new file gets `new_mode`, an existing one keeps its mode and owner.
pub fn write(path: &Path, content: &[u8], new_mode: u32) -> io::Result<()> {
    replace(path, content, new_mode, Expected::Anything)
}

/// [`write`], refused with [`Changed`] when the file is not `expected` just
/// before the rename (the caller read it, and another program wrote it
/// since).
pub fn replace(
    path: &Path,
    content: &[u8],
    new_mode: u32,
    expected: Expected<'_>,
) -> io::Result<()> {
    let real = real_path(path)?;
    let dir = match real.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let previous = match fs::symlink_metadata(&real) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    if let Some(meta) = &previous {
        check_replaceable(&real, meta)?;
    }
    let (mut file, temp) = create_temp(&real)?;
    if let Some(meta) = &previous {
        let _ = nix::unistd::fchown(&file, Some(meta.uid().into()), Some(meta.gid().into()));
    }
    let mode = previous.map_or(new_mode, |m| m.permissions().mode() & 0o7777);
    file.set_permissions(fs::Permissions::from_mode(mode))?;
    file.write_all(content)?;
    file.sync_all()?;
    drop(file);
    if !still(&real, expected)? {
        return Err(io::Error::other(Changed));
    }
    fs::rename(&temp.path, &real)?;
    temp.renamed();
    // The rename is durable only once the directory is on disk.
    File::open(&dir)?.sync_all()
}

/// Refuse a read-only file, a non-regular file and a hard-linked file.
fn check_replaceable(real: &Path, meta: &Metadata) -> io::Result<()> {
    let shown = real.display();
    let quoted = crate::text::quote::posix(real.as_os_str());
    let refused = |message: String, fix: String| Err(io::Error::other(Refused { message, fix }));
    if let Some(what) = not_regular(meta.file_type()) {
        return refused(
            format!("{shown} is {what}, not a regular file; acct only replaces regular files"),
            "name a regular file (or a symlink to one) instead".to_string(),
        );
    }
    if meta.mode() & 0o200 == 0 {
        return refused(
            format!(
                "{shown} is read-only (mode {:04o}): its owner may not write it",
                meta.mode() & 0o7777
            ),
            format!("if acct may change it, make it writable first: chmod u+w {quoted}"),
        );
    }
    if meta.nlink() > 1 {
        return refused(
            format!(
                "{shown} has {} hard links: replacing it would leave the other names with the old text",
                meta.nlink()
            ),
            format!(
                "give it a name of its own (cp {quoted} {quoted}.new && mv {quoted}.new {quoted}) and make the other names symlinks to it"
            ),
        );
    }
    Ok(())
}

/// What a file that is not a regular file is, for a message: `a FIFO`.
pub fn not_regular(kind: fs::FileType) -> Option<&'static str> {
    if kind.is_file() {
        return None;
    }
    Some(if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    })
}

/// Whether `real` is still `expected`: read without following a link and
/// without waiting on a FIFO put there meanwhile.
fn still(real: &Path, expected: Expected<'_>) -> io::Result<bool> {
    let want = match expected {
        Expected::Anything => return Ok(true),
        Expected::Missing => None,
        Expected::Content(bytes) => Some(bytes),
    };
    let opened = OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
        .open(real);
    let mut file = match (opened, want) {
        (Err(e), None) if e.kind() == io::ErrorKind::NotFound => return Ok(true),
        (Err(e), Some(_)) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        (Err(e), _) if e.raw_os_error() == Some(nix::libc::ELOOP) => return Ok(false),
        (Err(e), _) => return Err(e),
        (Ok(_), None) => return Ok(false),
        (Ok(file), Some(_)) => file,
    };
    let want = want.unwrap_or_default();
    if !file.metadata()?.is_file() {
        return Ok(false);
    }
    let mut have = Vec::with_capacity(want.len() + 1);
    // One byte more than expected tells a longer file without reading it all.
    Read::by_ref(&mut file)
        .take(want.len() as u64 + 1)
        .read_to_end(&mut have)?;
    Ok(have == want)
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
        match open_new(&temp) {
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

/// A new file, 0600: never one that exists, never through a link planted
/// under the name (`O_EXCL`, `O_NOFOLLOW`).
fn open_new(temp: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(nix::libc::O_NOFOLLOW)
        .open(temp)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Whatever name the writer picks, a file or a link planted under it
    /// first is neither opened nor followed.
    #[test]
    fn a_temp_name_taken_by_a_link_or_a_file_is_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        let link = dir.path().join("link.tmp");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert!(open_new(&link).is_err());
        let planted = dir.path().join("planted.tmp");
        fs::write(&planted, "theirs").unwrap();
        let error = open_new(&planted).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&victim).unwrap(), b"keep");
        assert_eq!(fs::read(&planted).unwrap(), b"theirs");
        let fresh = dir.path().join("fresh.tmp");
        open_new(&fresh).unwrap();
        assert_eq!(fs::metadata(&fresh).unwrap().mode() & 0o777, 0o600);
    }

    /// The entries of `dir`, sorted: what a write left behind.
    pub(crate) fn names(dir: &Path) -> Vec<String> {
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

    fn refused(result: io::Result<()>) -> Refused {
        let error = result.expect_err("refused");
        refusal(&error)
            .unwrap_or_else(|| panic!("not a refusal: {error}"))
            .clone()
    }

    #[test]
    fn a_read_only_or_hard_linked_file_is_refused_and_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        fs::write(&path, "keep").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
        let refusal = refused(write(&path, b"new", 0o600));
        assert!(
            refusal.message.contains("read-only (mode 0444)"),
            "{refusal:?}"
        );
        assert!(refusal.fix.contains("chmod u+w"), "{refusal:?}");
        assert_eq!(fs::read(&path).unwrap(), b"keep");

        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        let other = dir.path().join("other-name");
        fs::hard_link(&path, &other).unwrap();
        let refusal = refused(write(&path, b"new", 0o600));
        assert!(refusal.message.contains("2 hard links"), "{refusal:?}");
        assert_eq!(fs::read(&path).unwrap(), b"keep");
        assert_eq!(fs::metadata(&path).unwrap().nlink(), 2);
        assert_eq!(names(dir.path()), ["config", "other-name"]);
    }

    #[test]
    fn a_fifo_or_a_device_is_refused_without_opening_it() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        // Opening a FIFO for writing would wait for a reader forever.
        let refusal = refused(write(&fifo, b"new", 0o600));
        assert!(refusal.message.contains("a FIFO"), "{refusal:?}");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());

        let device = dir.path().join("null");
        // /dev/null's numbers (nix has no makedev for macOS).
        let null = if cfg!(target_os = "macos") {
            nix::libc::makedev(3, 2)
        } else {
            nix::libc::makedev(1, 3)
        };
        let made = nix::sys::stat::mknod(
            &device,
            nix::sys::stat::SFlag::S_IFCHR,
            nix::sys::stat::Mode::from_bits_truncate(0o666),
            null,
        );
        if made.is_ok() {
            let refusal = refused(write(&device, b"new", 0o600));
            assert!(
                refusal.message.contains("a character device"),
                "{refusal:?}"
            );
            assert!(
                fs::symlink_metadata(&device)
                    .unwrap()
                    .file_type()
                    .is_char_device()
            );
        }
        assert!(!names(dir.path()).iter().any(|n| n.ends_with(".tmp")));
    }

    #[test]
    fn another_programs_edit_before_the_rename_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        fs::write(&path, "theirs").unwrap();
        let error = replace(&path, b"ours", 0o600, Expected::Content(b"what we read")).unwrap_err();
        assert!(is_changed(&error), "{error}");
        assert_eq!(fs::read(&path).unwrap(), b"theirs");
        let error = replace(&path, b"ours", 0o600, Expected::Missing).unwrap_err();
        assert!(is_changed(&error), "{error}");
        assert_eq!(names(dir.path()), ["config"]);

        replace(&path, b"ours", 0o600, Expected::Content(b"theirs")).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"ours");
        let new = dir.path().join("new");
        replace(&new, b"ours", 0o600, Expected::Missing).unwrap();
        assert_eq!(fs::read(&new).unwrap(), b"ours");
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
