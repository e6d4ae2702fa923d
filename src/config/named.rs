//! The one rule for everything a config names that is a file, a folder or a
//! program (`aws_config_file`, `aws_credentials_file`, `shell`, `aws_cli`,
//! `mfa_process`'s program, `[env]` values that are paths or path lists):
//! classify the name, resolve it from the config's folder (`~` expanded),
//! never from the directory a command happens to run in. A relative `PATH`
//! entry is refused in any config (it would make the stage's programs
//! depend on the working directory); a project config may name nothing
//! inside its own tree (`project_files`).

use std::ffi::OsStr;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::rules::Problem;
use crate::text::tilde::{self, Tilde};

/// How a value of `[env]` is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One file or folder (`*_FILE`, `*_DIR`, `*_HOME`, a value starting
    /// with `./`, `../` or `~`).
    Path,
    /// `:`-separated paths (`PATH`, `KUBECONFIG`, `*_PATH` and the other
    /// `*PATH` lists: `PYTHONPATH`, `GOPATH`, `LD_LIBRARY_PATH`).
    PathList,
    /// Anything else: text, not a path.
    Text,
}

/// What a name of `[env]` holds.
pub fn env_kind(name: &str, value: &str) -> Kind {
    if name == "KUBECONFIG" || name.ends_with("PATH") {
        Kind::PathList
    } else if ["_FILE", "_DIR", "_HOME"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
        || value.starts_with("./")
        || value.starts_with("../")
        || value.starts_with('~')
    {
        Kind::Path
    } else {
        Kind::Text
    }
}

/// A path the config names, as resolved, and where it was written: the
/// project-tree check reports it with its line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The key as a TOML path: `aws_cli`, `stages.prod.env.PATH`.
    pub key: String,
    pub path: PathBuf,
    pub span: Range<usize>,
}

/// Where the config is and whose home `~` is: what a name is resolved from.
#[derive(Debug, Clone, Default)]
pub struct Base {
    pub config: PathBuf,
    pub home: Option<PathBuf>,
}

impl Base {
    /// `~` is the home folder; a relative path is taken from the config's
    /// folder. `~user` is refused (acct does not look users up).
    pub fn path(&self, key: &str, raw: &str) -> Result<PathBuf, Problem> {
        if raw.trim().is_empty() {
            return Err((
                format!("`{key}` is empty"),
                "give a path such as \"~/.aws/config\", or remove the key".into(),
            ));
        }
        let expanded = match tilde::split(OsStr::new(raw)) {
            Tilde::Home { tail } => match &self.home {
                Some(home) => tilde::join(home, tail),
                None => {
                    return Err((
                        format!("`{key}` {raw:?} starts with ~, but HOME is not set"),
                        "write an absolute path, or set HOME".into(),
                    ));
                }
            },
            Tilde::User { .. } => {
                return Err((
                    format!("`{key}` {raw:?} uses ~user, which acct does not expand"),
                    "write the path as ~/... or an absolute path".into(),
                ));
            }
            Tilde::Absent => PathBuf::from(raw),
        };
        Ok(if expanded.is_absolute() {
            expanded
        } else {
            self.config
                .parent()
                .unwrap_or(Path::new("/"))
                .join(expanded)
        })
    }

    /// A program: a bare name (`aws`, `zsh`) is looked up in `PATH` when it
    /// runs; one given with a `/` or `~` is a path, resolved as `path` is.
    /// `Ok(None)` for a bare name.
    pub fn program(&self, key: &str, raw: &str) -> Result<Option<PathBuf>, Problem> {
        if is_path(raw) {
            self.path(key, raw).map(Some)
        } else {
            Ok(None)
        }
    }

    /// A `:`-separated list. In `PATH` an entry must be absolute (or
    /// start with `~/`): a relative or empty entry means "the directory
    /// the command runs in". Elsewhere a relative entry is taken from the
    /// config's folder.
    pub fn path_list(&self, key: &str, raw: &str) -> Result<Vec<PathBuf>, Problem> {
        let strict = key.rsplit('.').next() == Some("PATH");
        let mut out = Vec::new();
        for entry in raw.split(':') {
            let relative = !entry.starts_with('/') && !entry.starts_with('~');
            if strict && relative {
                let what = if entry.is_empty() {
                    "an empty entry, which means the current directory".to_string()
                } else {
                    format!("the relative entry {entry:?}")
                };
                return Err((
                    format!(
                        "`{key}` holds {what}: the programs a stage runs would depend on the directory it runs in"
                    ),
                    "write every entry as an absolute path (/usr/local/bin) or from your home (~/bin)"
                        .into(),
                ));
            }
            if entry.is_empty() {
                continue;
            }
            out.push(self.path(key, entry)?);
        }
        Ok(out)
    }
}

/// A program name with a `/` or a leading `~` is a path.
pub fn is_path(program: &str) -> bool {
    program.contains('/') || program.starts_with('~')
}

/// The paths joined back into one value, as the environment holds it.
pub fn join(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Base {
        Base {
            config: PathBuf::from("/etc/acct/config.toml"),
            home: Some(PathBuf::from("/home/me")),
        }
    }

    #[test]
    fn names_are_classified_by_name_and_by_value() {
        assert_eq!(env_kind("PATH", "/bin"), Kind::PathList);
        assert_eq!(env_kind("KUBECONFIG", "a"), Kind::PathList);
        assert_eq!(env_kind("PYTHONPATH", "a"), Kind::PathList);
        assert_eq!(env_kind("LD_LIBRARY_PATH", "a"), Kind::PathList);
        assert_eq!(env_kind("TF_CLI_CONFIG_FILE", "a"), Kind::Path);
        assert_eq!(env_kind("TF_PLUGIN_CACHE_DIR", "a"), Kind::Path);
        assert_eq!(env_kind("GNUPGHOME", "a"), Kind::Text);
        assert_eq!(env_kind("JAVA_HOME", "a"), Kind::Path);
        assert_eq!(env_kind("TOOL", "./x"), Kind::Path);
        assert_eq!(env_kind("TOOL", "../x"), Kind::Path);
        assert_eq!(env_kind("TOOL", "~/x"), Kind::Path);
        assert_eq!(env_kind("TF_VAR_owner", "platform"), Kind::Text);
    }

    #[test]
    fn paths_count_from_the_config_folder_and_home() {
        let b = base();
        assert_eq!(
            b.path("k", "aws/config").unwrap(),
            Path::new("/etc/acct/aws/config")
        );
        assert_eq!(
            b.path("k", "~/.aws/c").unwrap(),
            Path::new("/home/me/.aws/c")
        );
        assert_eq!(b.path("k", "~").unwrap(), Path::new("/home/me"));
        assert_eq!(b.path("k", "/abs").unwrap(), Path::new("/abs"));
        assert!(b.path("k", "~root/x").is_err());
        assert!(b.path("k", " ").is_err());
        assert_eq!(b.program("k", "aws").unwrap(), None);
        assert_eq!(
            b.program("k", "scripts/mfa").unwrap(),
            Some(PathBuf::from("/etc/acct/scripts/mfa"))
        );
        assert_eq!(
            b.program("k", "~/bin/mfa").unwrap(),
            Some(PathBuf::from("/home/me/bin/mfa"))
        );
    }

    #[test]
    fn a_relative_path_entry_is_refused_and_others_are_resolved() {
        let b = base();
        for bad in ["bin:/usr/bin", "/usr/bin::/bin", "/bin:", "./bin", ""] {
            assert!(b.path_list("stages.prod.env.PATH", bad).is_err(), "{bad}");
        }
        assert_eq!(
            join(
                &b.path_list("stages.prod.env.PATH", "~/bin:/usr/bin")
                    .unwrap()
            ),
            "/home/me/bin:/usr/bin"
        );
        assert_eq!(
            join(
                &b.path_list("stages.prod.env.KUBECONFIG", "kube:/k")
                    .unwrap()
            ),
            "/etc/acct/kube:/k"
        );
    }
}
