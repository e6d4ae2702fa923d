//! The MFA code for `aws sts get-session-token`, as the JSON of
//! `--cli-input-json file://...`: in a file only this user can read, not
//! in the argv that `ps` shows every user of the machine. Not a pipe: the
//! AWS CLI v1 reads a `file://` parameter twice.
//!
//! - Linux (and every system but macOS): a file that lives only in memory
//!   (`memfd_create`, no close-on-exec, so the AWS CLI inherits it and
//!   opens it as `/dev/fd/N`, from the start each time).
//! - macOS has no `memfd_create`, and opening `/dev/fd/N` there duplicates
//!   the descriptor, offset included, so the CLI's second read of an
//!   inherited (or unlinked) file would find nothing: a private file
//!   instead (created new, never through a symbolic link, mode 0600, with
//!   an unpredictable name in the user's temporary directory, `$TMPDIR`,
//!   itself private on macOS), removed when the CLI is done. It holds a
//!   one-time code that expires within a minute.

use std::io::Write;

/// The code's JSON, handed to the AWS CLI as the `file://` URI of [`uri`].
pub struct CodeFile {
    file: std::fs::File,
    #[cfg(target_os = "macos")]
    path: std::path::PathBuf,
}

/// What to check when the file cannot be made.
#[cfg(not(target_os = "macos"))]
pub const FIX: &str = "check that /proc is mounted (acct passes the code as /dev/fd/N)";
#[cfg(target_os = "macos")]
pub const FIX: &str = "check that $TMPDIR names a directory you can write (acct passes the code in a private file there)";

impl CodeFile {
    /// `{"TokenCode":"123456"}` in a new file.
    pub fn new(code: &str) -> std::io::Result<Self> {
        let mut made = Self::create()?;
        made.file.write_all(
            serde_json::json!({ "TokenCode": code })
                .to_string()
                .as_bytes(),
        )?;
        Ok(made)
    }

    #[cfg(not(target_os = "macos"))]
    fn create() -> std::io::Result<Self> {
        let fd =
            nix::sys::memfd::memfd_create(c"acct-mfa-code", nix::sys::memfd::MFdFlags::empty())
                .map_err(std::io::Error::from)?;
        Ok(CodeFile {
            file: std::fs::File::from(fd),
        })
    }

    #[cfg(target_os = "macos")]
    fn create() -> std::io::Result<Self> {
        use std::hash::{BuildHasher, Hasher};
        use std::os::unix::fs::OpenOptionsExt;
        let dir = std::env::temp_dir();
        let mut tries = 0;
        loop {
            // std's hasher keys are random per process: an unguessable name.
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u32(std::process::id());
            let path = dir.join(format!("acct-mfa-code-{:016x}.json", hasher.finish()));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .custom_flags(nix::libc::O_NOFOLLOW)
                .open(&path)
            {
                Ok(file) => return Ok(CodeFile { file, path }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && tries < 8 => {
                    tries += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The `file://` URI the AWS CLI reads.
    #[cfg(not(target_os = "macos"))]
    pub fn uri(&self) -> String {
        use std::os::fd::AsRawFd;
        format!("file:///dev/fd/{}", self.file.as_raw_fd())
    }

    /// The `file://` URI the AWS CLI reads.
    #[cfg(target_os = "macos")]
    pub fn uri(&self) -> String {
        format!("file://{}", self.path.display())
    }
}

#[cfg(target_os = "macos")]
impl Drop for CodeFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uri_reads_the_code_twice() {
        let file = CodeFile::new("123456").unwrap();
        let path = file.uri().strip_prefix("file://").unwrap().to_string();
        for _ in 0..2 {
            assert_eq!(
                std::fs::read_to_string(&path).unwrap(),
                r#"{"TokenCode":"123456"}"#
            );
        }
    }
}
