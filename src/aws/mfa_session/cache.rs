//! Where an estate's MFA session lives: `$XDG_RUNTIME_DIR/acct/sessions`
//! (per user, private, gone at logout) when set, else
//! `$XDG_CACHE_HOME/acct/sessions` (`~/.cache/acct/sessions`). Directories
//! 0700, files 0600, written atomically, named by the estate. Only temporary
//! session credentials are ever stored; a file that others could read, that
//! is not ours, is corrupt or expired is never served.

use std::fs::{self, File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

use super::{Session, SessionSpec};
use crate::config::process_env;
use crate::error::{Failure, Result};
use crate::files::atomic_write;
use crate::files::private_dir::{Purpose, make_private};
use crate::text::clock;

/// Session files are small; a larger one is not ours.
const MAX_BYTES: u64 = 16 * 1024;

pub struct Cache {
    /// `NAMESPACE-HASH.json`: the hash of the source profile and the MFA
    /// device, so another device or profile never gets this session.
    file: PathBuf,
}

impl Cache {
    pub fn of(spec: &SessionSpec) -> Result<Self> {
        let dir = sessions_dir()?;
        let key = format!(
            "{}\n{}\n{}",
            spec.namespace, spec.source_profile, spec.mfa_serial
        );
        Ok(Cache {
            file: dir.join(format!(
                "{}-{:016x}.json",
                spec.namespace,
                crate::text::fnv::hash(&key)
            )),
        })
    }

    /// The session when it holds for `margin` seconds more. A file others
    /// can read or write, or one that is not ours, is ignored with a
    /// warning; so is a corrupt one (a new session replaces it).
    pub fn fresh(&self, margin: i64) -> Option<Session> {
        // O_NONBLOCK: a FIFO in its place must not hang the SDK's call.
        let mut file = OpenOptions::new()
            .read(true)
            .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
            .open(&self.file)
            .ok()?;
        let meta = file.metadata().ok()?;
        if !meta.is_file() {
            return self.corrupt("not a regular file");
        }
        if meta.uid() != nix::unistd::geteuid().as_raw() || meta.mode() & 0o077 != 0 {
            eprintln!(
                "acct: warning: ignoring the MFA session {}: others may read it or it is not yours (mode {:o})",
                self.file.display(),
                meta.mode() & 0o777
            );
            return None;
        }
        let mut text = String::new();
        if meta.len() > MAX_BYTES || file.read_to_string(&mut text).is_err() {
            return self.corrupt("unreadable");
        }
        let session = match parse(&text) {
            Some(session) => session,
            None => return self.corrupt("not a session acct wrote"),
        };
        (session.expires - clock::now() > margin).then_some(session)
    }

    fn corrupt(&self, why: &str) -> Option<Session> {
        eprintln!(
            "acct: warning: ignoring the MFA session {}: {why}; a new one replaces it",
            self.file.display()
        );
        None
    }

    /// Held while a session is started: concurrent callers wait here and
    /// then find the new session in the cache.
    pub fn lock(&self) -> Result<Flock<File>> {
        let mut lock = self.file.clone();
        lock.set_extension("lock");
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            // O_NONBLOCK: a FIFO planted in its place fails at once
            // (no reader) instead of hanging the SDK's call.
            .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
            .open(&lock)
            .map_err(|e| failure("cannot open the lock", &lock, &e))?;
        let kind = file
            .metadata()
            .map_err(|e| failure("cannot read the lock", &lock, &e))?
            .file_type();
        if let Some(what) = atomic_write::not_regular(kind) {
            return Err(failure(
                "cannot use the lock",
                &lock,
                &std::io::Error::other(format!("it is {what}; remove it")),
            ));
        }
        Flock::lock(file, FlockArg::LockExclusive)
            .map_err(|(_, e)| failure("cannot lock", &lock, &e.into()))
    }

    /// Whether `store` can put a new session in place: checked before a
    /// code is asked, so a directory where the session file goes does not
    /// spend a code on a session that could not be kept.
    pub fn usable(&self) -> Result<()> {
        match fs::symlink_metadata(&self.file) {
            Ok(meta) if meta.is_dir() => Err(failure(
                "cannot keep an MFA session in",
                &self.file,
                &std::io::Error::other("it is a directory; remove it"),
            )),
            _ => Ok(()),
        }
    }

    /// The new session in a new private file. What was there goes first:
    /// `atomic_write` keeps an existing file's mode and owner and writes
    /// through a symlink, and this may be the file just refused for them.
    /// Callers hold the lock, so a reader that finds no file waits for it.
    pub fn store(&self, session: &Session) -> Result<()> {
        match fs::remove_file(&self.file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(failure("cannot replace the MFA session", &self.file, &e)),
        }
        atomic_write::write(&self.file, session.json.as_bytes(), 0o600)
            .map_err(|e| failure("cannot keep the MFA session in", &self.file, &e))?;
        write_expiry(&self.expiry_file(), session.expires)
    }

    /// Beside the session, what the prompt reads with a shell builtin
    /// (`ACCT_EXPIRES_FILE`): the session's expiry as epoch seconds, no
    /// secret.
    pub fn expiry_file(&self) -> PathBuf {
        self.file.with_extension("expires")
    }

    /// Where the session is kept.
    pub fn path(&self) -> &Path {
        &self.file
    }
}

/// Every folder acct keeps sessions in under some environment: the runtime
/// folder and the cache folder. A session made where `XDG_RUNTIME_DIR` was
/// unset (cron, ssh, tmux) lives in the cache folder even when this
/// environment would use the runtime one.
pub fn every_dir() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for base in bases() {
        let dir = base.join("acct").join("sessions");
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    dirs
}

/// The folders sessions may live under, in the order acct prefers them:
/// the runtime folder, else the cache folder (`XDG_CACHE_HOME`, else
/// `~/.cache`). One list for where a session is made and where logout looks.
fn bases() -> impl Iterator<Item = PathBuf> {
    [
        process_env::absolute("XDG_RUNTIME_DIR"),
        process_env::absolute("XDG_CACHE_HOME"),
        process_env::home()
            .filter(|home| home.is_absolute())
            .map(|home| home.join(".cache")),
    ]
    .into_iter()
    .flatten()
}

/// `NAMESPACE-HASH.json`, as [`Cache::of`] names an estate's session files
/// (one per source profile and device).
fn is_session_of(name: &str, namespace: &str) -> bool {
    name.strip_prefix(namespace)
        .and_then(|rest| rest.strip_prefix('-'))
        .and_then(|rest| rest.strip_suffix(".json"))
        .is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Remove every session of `namespace` from every folder in `dirs`, with
/// its `.expires` file; the session files removed. Lock files stay:
/// another acct may hold one right now.
pub fn forget(namespace: &str, dirs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for dir in dirs {
        let Ok(entries) = fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !name
                .to_str()
                .is_some_and(|name| is_session_of(name, namespace))
            {
                continue;
            }
            let path = entry.path();
            // The prompt's copy of its expiry goes with it.
            let _ = fs::remove_file(path.with_extension("expires"));
            match fs::remove_file(&path) {
                Ok(()) => removed.push(path),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(failure("cannot remove the MFA session", &path, &e)),
            }
        }
    }
    Ok(removed)
}

/// `epoch` as the prompt reads it (one line of digits) in a private file,
/// written only when it says something else, so an unchanged expiry costs
/// no write.
pub fn write_expiry(file: &Path, epoch: i64) -> Result<()> {
    let line = format!("{epoch}\n");
    if fs::read(file).is_ok_and(|old| old == line.as_bytes()) {
        return Ok(());
    }
    atomic_write::write(file, line.as_bytes(), 0o600)
        .map_err(|e| failure("cannot keep the session's expiry in", file, &e))
}

/// The expiry file of an estate that signs in through Identity Center
/// (the AWS CLI keeps the token; acct copies its expiry here).
pub fn sso_expiry_file(namespace: &str) -> Result<PathBuf> {
    Ok(sessions_dir()?.join(format!("{namespace}-sso.expires")))
}

/// A session file: credential_process JSON with a readable `Expiration`.
fn parse(text: &str) -> Option<Session> {
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    let field = |name: &str| json.get(name)?.as_str().filter(|v| !v.is_empty());
    field("AccessKeyId")?;
    field("SecretAccessKey")?;
    field("SessionToken")?;
    (json.get("Version")? == 1).then_some(())?;
    let expires = clock::parse(field("Expiration")?)?;
    Some(Session {
        json: text.to_string(),
        expires,
    })
}

fn sessions_dir() -> Result<PathBuf> {
    let base = bases().next().ok_or_else(|| {
        Failure::other(
            "cannot keep an MFA session: none of XDG_RUNTIME_DIR, XDG_CACHE_HOME, HOME is set",
            "set HOME to your home directory",
        )
    })?;
    let acct = base.join("acct");
    let sessions = acct.join("sessions");
    if !base.exists() {
        fs::create_dir_all(&base).map_err(|e| failure("cannot create", &base, &e))?;
    }
    make_private(&acct, PURPOSE)?;
    make_private(&sessions, PURPOSE)?;
    Ok(sessions)
}

const PURPOSE: Purpose = Purpose {
    what: "MFA sessions",
    fix: "remove it (acct makes it again), or set XDG_RUNTIME_DIR to a private directory",
};

fn failure(what: &str, path: &Path, e: &std::io::Error) -> Failure {
    Failure::other(
        format!("{what} {}: {e}", path.display()),
        "check that the directory is yours and writable (ls -ld), or set XDG_RUNTIME_DIR",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forget_removes_the_estate_s_sessions_in_every_folder_and_nothing_else() {
        let temp = tempfile::tempdir().unwrap();
        let (runtime, cache) = (temp.path().join("run"), temp.path().join("cache"));
        for dir in [&runtime, &cache] {
            fs::create_dir_all(dir).unwrap();
        }
        let keep = [
            cache.join("cpco-x-0123456789abcdef.json"),
            cache.join("cpco-0123456789abcdef.lock"),
            cache.join("other-0123456789abcdef.json"),
            runtime.join("cpco-notahash.json"),
        ];
        let gone = [
            runtime.join("cpco-0123456789abcdef.json"),
            cache.join("cpco-fedcba9876543210.json"),
        ];
        for file in keep.iter().chain(&gone) {
            fs::write(file, "{}").unwrap();
        }
        let expires = gone[0].with_extension("expires");
        fs::write(&expires, "1\n").unwrap();
        let missing = temp.path().join("missing");
        let mut removed = forget("cpco", &[runtime, cache, missing]).unwrap();
        removed.sort();
        let mut expected = gone.to_vec();
        expected.sort();
        assert_eq!(removed, expected);
        assert!(keep.iter().all(|file| file.exists()));
        assert!(gone.iter().all(|file| !file.exists()));
        assert!(
            !expires.exists(),
            "the prompt's expiry goes with its session"
        );
    }

    #[test]
    fn only_complete_sessions_with_an_expiry_are_read() {
        let good = r#"{"Version":1,"AccessKeyId":"ASIA1","SecretAccessKey":"s","SessionToken":"t","Expiration":"2026-11-29T20:50:00Z"}"#;
        assert_eq!(parse(good).map(|s| s.expires), Some(1_795_985_400));
        for bad in [
            "",
            "{",
            r#"{"Version":1,"AccessKeyId":"ASIA1","SecretAccessKey":"s","SessionToken":"t"}"#,
            r#"{"Version":2,"AccessKeyId":"ASIA1","SecretAccessKey":"s","SessionToken":"t","Expiration":"2026-11-29T20:50:00Z"}"#,
            r#"{"Version":1,"AccessKeyId":"","SecretAccessKey":"s","SessionToken":"t","Expiration":"2026-11-29T20:50:00Z"}"#,
            r#"{"Version":1,"AccessKeyId":"ASIA1","SecretAccessKey":"s","SessionToken":"t","Expiration":"soon"}"#,
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }
}
