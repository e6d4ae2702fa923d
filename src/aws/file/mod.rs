//! The AWS config file acct owns a block of: which file it is, the block
//! merged as pure text (`block`, over `ini`, which reads the file as
//! botocore does), and the locked, atomic read-modify-write of the file
//! (`store`).

pub mod block;
pub mod clients;
pub mod ini;
pub mod store;

use std::ffi::OsString;
use std::io::Read;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::config::{Config, process_env};
use crate::error::{Failure, Result};
use crate::files::atomic_write;
use crate::text::tilde::{self, Tilde};

/// `~` and `~/` expanded in the AWS file variables; `~user`, or `~` without
/// a home, stays as written.
fn expand_home(path: &Path, home: Option<&Path>) -> PathBuf {
    match (tilde::split(path.as_os_str()), home) {
        (Tilde::Home { tail }, Some(home)) => tilde::join(home, tail),
        _ => path.to_path_buf(),
    }
}

/// The AWS config file the stages' profiles live in: `explicit` (`--file`),
/// else the config's `aws_config_file`, else `AWS_CONFIG_FILE`, else
/// `~/.aws/config`; absolute against the current directory.
pub fn config_path(config: &Config, explicit: Option<&Path>) -> Result<PathBuf> {
    let home = process_env::home();
    let chosen = explicit
        .map(Path::to_path_buf)
        .or_else(|| config.aws_config_file.clone())
        .or_else(|| {
            process_env::get("AWS_CONFIG_FILE").map(|p| expand_home(Path::new(&p), home.as_deref()))
        })
        .or_else(|| home.as_ref().map(|h| h.join(".aws").join("config")))
        .ok_or_else(|| {
            Failure::other(
                "cannot tell where the AWS config file is: HOME is not set",
                "pass --file PATH or set AWS_CONFIG_FILE",
            )
        })?;
    std::path::absolute(&chosen).map_err(|e| {
        Failure::other(
            format!("cannot use the path {}: {e}", chosen.display()),
            "pass an absolute path with --file",
        )
    })
}

/// The AWS config file and the shared credentials file of an environment
/// (`var` reads it; empty counts as unset), `configured` (a config's
/// `aws_config_file`) and `configured_credentials` (its
/// `aws_credentials_file`) first: the files a stage's clients will read.
pub fn files_of(
    configured: Option<&Path>,
    configured_credentials: Option<&Path>,
    var: impl Fn(&str) -> Option<OsString>,
) -> (Option<PathBuf>, Option<PathBuf>) {
    let var = |name: &str| var(name).filter(|v| !v.is_empty());
    let home = var("HOME").map(PathBuf::from);
    let file = |name: &str, default: &str| {
        var(name)
            .map(|p| expand_home(Path::new(&p), home.as_deref()))
            .or_else(|| home.as_ref().map(|h| h.join(".aws").join(default)))
            .and_then(|p| std::path::absolute(p).ok())
    };
    let config = configured
        .map(Path::to_path_buf)
        .or_else(|| file("AWS_CONFIG_FILE", "config"));
    let credentials = configured_credentials
        .map(Path::to_path_buf)
        .or_else(|| file("AWS_SHARED_CREDENTIALS_FILE", "credentials"));
    (config, credentials)
}

/// The AWS config file the SDKs of this process's environment read:
/// `AWS_CONFIG_FILE`, else `~/.aws/config`.
pub fn env_config_path() -> Option<PathBuf> {
    let home = process_env::home();
    process_env::get("AWS_CONFIG_FILE")
        .map(|p| expand_home(Path::new(&p), home.as_deref()))
        .or_else(|| home.map(|h| h.join(".aws").join("config")))
}

/// The AWS CLI's shared credentials file: the config's
/// `aws_credentials_file`, else `AWS_SHARED_CREDENTIALS_FILE`, else
/// `~/.aws/credentials`.
pub fn credentials_path(config: &Config) -> Option<PathBuf> {
    config
        .aws_credentials_file
        .clone()
        .or_else(inherited_credentials_path)
}

/// The shared credentials file of the environment, with no config (`acct
/// init` offers its profile names): `AWS_SHARED_CREDENTIALS_FILE`, else
/// `~/.aws/credentials`.
pub fn inherited_credentials_path() -> Option<PathBuf> {
    let home = process_env::home();
    process_env::get("AWS_SHARED_CREDENTIALS_FILE")
        .map(|p| expand_home(Path::new(&p), home.as_deref()))
        .or_else(|| home.map(|h| h.join(".aws").join("credentials")))
}

/// A file's text; `None` when it does not exist. Only a regular file is
/// read: a FIFO or a device is refused without waiting on it.
pub fn read(path: &Path) -> Result<Option<String>> {
    let cannot = |e: std::io::Error| {
        Failure::other(
            format!("cannot read {}: {e}", path.display()),
            "check that the file is readable by you (ls -l)",
        )
    };
    let opened = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK)
        .open(path);
    let mut file = match opened {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(cannot(e)),
    };
    if let Some(what) = atomic_write::not_regular(file.metadata().map_err(cannot)?.file_type()) {
        return Err(Failure::other(
            format!("{} is {what}, not a regular file", path.display()),
            "name a regular file (or a symlink to one) with --file or AWS_CONFIG_FILE",
        ));
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(cannot)?;
    String::from_utf8(bytes).map(Some).map_err(|_| {
        Failure::other(
            format!("{} is not valid UTF-8", path.display()),
            "save it as UTF-8",
        )
    })
}

/// The block `config` writes.
pub fn block_of<'c>(config: &'c Config, owner: &'c str, profiles: &'c str) -> block::Block<'c> {
    block::Block {
        namespace: &config.namespace,
        owner,
        profiles,
    }
}

/// Whether the config a block records (`recorded`) is the file `config`
/// (the same file under another path: a symlink, `..`).
pub fn same_config(recorded: &str, config: &Path) -> bool {
    match (std::fs::metadata(recorded), std::fs::metadata(config)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

/// A merge error as the user reads it. `--write` refuses the whole file,
/// so it says so after the problem.
pub fn merge_failure(path: &Path, error: block::MergeError, namespace: &str) -> Failure {
    use block::MergeError::*;
    let file = path.display();
    let (message, fix) = match error {
        Conflict {
            profile,
            header,
            line,
        } => {
            let (what, plain) = match profile.strip_prefix("sso-session ") {
                Some(session) => (format!("`[sso-session {session}]`"), profile.clone()),
                None => (format!("profile `{profile}`"), format!("profile {profile}")),
            };
            let spelled = if header == plain {
                String::new()
            } else {
                format!(" (as `[{header}]`, which the AWS CLI reads as that)")
            };
            (
                format!("{file}:{line}: {what} is already defined outside acct's block{spelled}"),
                format!(
                    "move it into acct's block with `acct aws-config --write --adopt` (acct writes it inside `{}`), delete it, or change {}",
                    block::begin_marker(namespace),
                    if profile.starts_with("sso-session ") {
                        "the namespace"
                    } else {
                        "profile_format"
                    }
                ),
            )
        }
        Owned { owner, line } => owned(path, namespace, &owner, line),
        Unterminated { line } => (
            format!(
                "{file}:{line}: `{}` has no `{}` after it",
                block::begin_marker(namespace),
                block::end_marker(namespace)
            ),
            "add the END line or remove the block".to_string(),
        ),
        StrayEnd { line } => (
            format!(
                "{file}:{line}: `{}` has no `{}` before it",
                block::end_marker(namespace),
                block::begin_marker(namespace)
            ),
            "remove the stray line".to_string(),
        ),
        Duplicate { first, second } => (
            format!(
                "{file}:{second}: a second `{}` block (the first starts on line {first})",
                block::begin_marker(namespace)
            ),
            "delete one of them".to_string(),
        ),
    };
    Failure::other(message, fix)
}

/// The block of `namespace` belongs to another config.
fn owned(path: &Path, namespace: &str, owner: &str, line: usize) -> (String, String) {
    let gone = if Path::new(owner).exists() {
        ""
    } else {
        " (that file no longer exists)"
    };
    (
        format!(
            "{}:{line}: the block of `{namespace}` was written by another config, {owner}{gone}; two configs of one namespace would overwrite each other's profiles",
            path.display()
        ),
        "run acct with that config, give this one another namespace, or take the block over: `acct aws-config --write --force`".to_string(),
    )
}
