//! Finding and reading the config file (README, "The config file"): the only I/O of the
//! stage model, with the checks that decide whether it may be used at all.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::Config;
use super::diagnostic::line_column;
use super::guard;
use super::process_env;
use super::project_files;
use crate::config::trust::TrustStore;
use crate::error::{Failure, Result};
use crate::text::printable::printable;

pub const LOCAL_NAME: &str = "acct.toml";

/// Where the config came from, which decides whether it needs `acct allow`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `--config PATH`: named by the user, trusted.
    Flag,
    /// `ACCT_CONFIG`: named by the user, trusted; or exported by acct for a
    /// stage of a project config (`ACCT_PROJECT_CONFIG=1`), which must
    /// still be allowed, so that an edit inside a stage is not used unseen.
    Env,
    /// `acct.toml` found walking up: trusted only once allowed.
    Local,
    /// The user's own config: trusted.
    User,
}

/// What discovery looks at; filled from the process in `from_process`.
pub struct Search {
    pub explicit: Option<PathBuf>,
    pub acct_config: Option<OsString>,
    /// `ACCT_PROJECT_CONFIG` is set: `acct_config` is a project config.
    pub acct_config_is_project: bool,
    pub cwd: PathBuf,
    pub home: Option<PathBuf>,
    pub xdg_config_home: Option<PathBuf>,
    pub xdg_data_home: Option<PathBuf>,
    /// Print no warning (a skipped `acct.toml`): completion must not write
    /// into the command line being edited.
    pub quiet: bool,
}

impl Search {
    pub fn from_process(explicit: Option<PathBuf>) -> Result<Self> {
        let cwd = std::env::current_dir().map_err(|e| {
            Failure::other(
                format!("cannot read the current directory: {e}"),
                "cd into a directory that exists, or pass --config PATH",
            )
        })?;
        Ok(Search {
            explicit,
            acct_config: process_env::get("ACCT_CONFIG"),
            acct_config_is_project: process_env::get("ACCT_PROJECT_CONFIG").is_some(),
            cwd,
            home: process_env::home(),
            xdg_config_home: process_env::absolute("XDG_CONFIG_HOME"),
            xdg_data_home: process_env::absolute("XDG_DATA_HOME"),
            quiet: false,
        })
    }

    /// `$XDG_CONFIG_HOME/acct/config.toml`, else `~/.config/acct/config.toml`.
    pub fn user_config(&self) -> Option<PathBuf> {
        let base = self
            .xdg_config_home
            .clone()
            .or_else(|| self.home.as_ref().map(|h| h.join(".config")))?;
        Some(base.join("acct").join("config.toml"))
    }

    pub fn trust_store(&self) -> Result<TrustStore> {
        TrustStore::new(self.home.as_deref(), self.xdg_data_home.as_deref()).ok_or_else(|| {
            Failure::other(
                "cannot keep allowed configs: neither XDG_DATA_HOME nor HOME is set",
                "set HOME (or XDG_DATA_HOME) to your home directory",
            )
        })
    }

    /// The nearest `acct.toml` in the current directory or a parent that is
    /// yours (or root's). One owned by another user (a shared `/tmp`) is
    /// someone else's project, never a config for you: it is skipped with a
    /// warning, as git skips a repository of a dubious owner, and the search
    /// goes on upwards and then to your user config.
    pub fn local_config(&self) -> Option<PathBuf> {
        let euid = nix::unistd::geteuid().as_raw();
        for candidate in self.cwd.ancestors().map(|dir| dir.join(LOCAL_NAME)) {
            let Ok(meta) = std::fs::metadata(&candidate) else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            // The file and every symlink on the way to it: a link planted
            // by another user in a shared (sticky) directory is theirs.
            let Some((hop, owner)) = guard::foreign_on_the_way(&candidate, euid) else {
                return Some(candidate);
            };
            if !self.quiet {
                let link = if hop == candidate && candidate.is_symlink() {
                    " (the symlink)"
                } else if hop != candidate {
                    " (a symlink on the way)"
                } else {
                    ""
                };
                let warning = format!(
                    "acct: warning: skipped {}: it belongs to user id {owner}{link}, not to you",
                    candidate.display()
                );
                eprintln!("{}", printable(&warning, false));
            }
        }
        None
    }

    /// The config path that wins, or an error listing every place searched.
    pub fn find(&self) -> Result<(PathBuf, Origin)> {
        // A file named explicitly must exist: falling back to another config
        // could put the user in another estate's accounts without a word.
        if let Some(path) = &self.explicit {
            return Ok((self.must_exist(path, "--config")?, Origin::Flag));
        }
        if let Some(path) = &self.acct_config {
            // Read against the current directory, a relative ACCT_CONFIG
            // would be whatever file of that name is where a command runs.
            if !Path::new(path).is_absolute() {
                let shown = Path::new(path).display().to_string();
                return Err(Failure::usage(
                    format!(
                        "ACCT_CONFIG={shown} is a relative path: it would name another file in every directory"
                    ),
                    format!(
                        "set it to an absolute path, e.g. ACCT_CONFIG=\"$PWD/{shown}\", or use --config {shown}"
                    ),
                ));
            }
            return Ok((
                self.must_exist(Path::new(path), "ACCT_CONFIG")?,
                Origin::Env,
            ));
        }
        if let Some(local) = self.local_config() {
            return Ok((local, Origin::Local));
        }
        let user = self.user_config();
        if let Some(user) = user.as_ref().filter(|u| u.is_file()) {
            return Ok((user.clone(), Origin::User));
        }
        let mut message = format!(
            "no config found; searched:\n  {} and every parent directory",
            self.cwd.join(LOCAL_NAME).display()
        );
        match &user {
            Some(user) => message.push_str(&format!("\n  {}", user.display())),
            None => {
                message.push_str("\n  (no user config: neither XDG_CONFIG_HOME nor HOME is set)")
            }
        }
        message.push_str("\n  (neither --config nor ACCT_CONFIG is set)");
        Err(Failure::usage(
            message,
            "run `acct init` to write a starter config, or pass --config PATH",
        ))
    }

    fn must_exist(&self, path: &Path, source: &str) -> Result<PathBuf> {
        let path = self.cwd.join(path);
        let what = format!("config file {} (from {source})", path.display());
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => Ok(path),
            Ok(meta) if meta.is_dir() => Err(Failure::usage(
                format!("{what} is a directory"),
                format!(
                    "name the config file itself, e.g. {}",
                    path.join(LOCAL_NAME).display()
                ),
            )),
            Ok(_) => Err(Failure::usage(
                format!("{what} is not a regular file"),
                "name a regular file: acct reads a config whole, not from a pipe or a device",
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Failure::usage(
                format!("{what} does not exist"),
                format!(
                    "check the path, or run `acct init --path {}`",
                    path.display()
                ),
            )),
            Err(e) => Err(Failure::usage(
                format!("{what} cannot be read: {e}"),
                "check that it and its directories are readable by you (ls -ld)",
            )),
        }
    }

    /// Find, check, read and validate the config.
    pub fn load(&self) -> Result<Config> {
        let (found, origin) = self.find()?;
        // Absolute against the current directory, symlinks kept (`ACCT_CONFIG`
        // names the very file).
        let path = std::path::absolute(&found).unwrap_or(found);
        guard::check(&path, nix::unistd::geteuid().as_raw())?;
        let bytes = std::fs::read(&path).map_err(|e| {
            Failure::other(
                format!("cannot read config {}: {e}", path.display()),
                "check that the file is readable by you",
            )
        })?;
        let project = match origin {
            Origin::Local => true,
            Origin::Env => self.acct_config_is_project,
            Origin::Flag | Origin::User => false,
        };
        if project && !self.trust_store()?.is_allowed(&path, &bytes) {
            let quoted = crate::text::quote::posix(path.as_os_str());
            return Err(Failure::other(
                format!(
                    "{} is a project config that is not allowed (it is new, or changed since it was allowed)",
                    path.display()
                ),
                format!("read it, then run `acct allow {quoted}`"),
            ));
        }
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            let (line, column) = line_column(valid, valid.len());
            Failure::usage(
                format!(
                    "{}:{line}:{column}: the file is not valid UTF-8",
                    path.display()
                ),
                "save it as UTF-8",
            )
        })?;
        let mut config =
            super::parse(&path, text, self.home.as_deref()).map_err(|diagnostics| {
                let rendered: Vec<String> =
                    diagnostics.iter().map(|d| d.render(&path, text)).collect();
                Failure::diagnostics(rendered.join("\nacct: "))
            })?;
        if project {
            config.project = true;
            project_files::check(&config, text)?;
            refuse_keep_env(&config, text)?;
        }
        Ok(config)
    }
}

/// `keep_env` lets endpoint overrides and unknown SDK settings of the
/// person's environment into every stage: the person's decision, never a
/// cloned repository's.
fn refuse_keep_env(config: &super::Config, text: &str) -> Result<()> {
    if config.keep_env.is_empty() {
        return Ok(());
    }
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("keep_env"))
        .map_or(1, |i| i + 1);
    Err(Failure::usage(
        format!(
            "{}:{line}: `keep_env` in a project config: it would let {} of your environment into every stage on the repository's say",
            config.path.display(),
            config.keep_env.join(", ")
        ),
        "remove it here; keep_env belongs in your own config (~/.config/acct/config.toml)",
    ))
}

/// The config acct uses for this process: `--config`, environment, files.
pub fn load(explicit: Option<PathBuf>) -> Result<Config> {
    Search::from_process(explicit)?.load()
}
