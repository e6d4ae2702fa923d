//! Trust for project-local configs, as direnv does for `.envrc`: an
//! `acct.toml` found by walking up from the current directory decides which
//! account your commands run in, and anyone who can commit to that project
//! could point it elsewhere. So it is used only once `acct allow` recorded
//! the hash of its content; any change must be allowed again.

use std::fs;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::files::atomic_write;

/// Where the allowed hashes live: `$XDG_DATA_HOME/acct/allowed`, one file per
/// config path, named by the hash of the path and holding the hash of the content.
pub struct TrustStore {
    dir: PathBuf,
}

fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl TrustStore {
    pub fn new(home: Option<&Path>, xdg_data_home: Option<&Path>) -> Option<Self> {
        let base = match xdg_data_home {
            Some(dir) => dir.to_path_buf(),
            None => home?.join(".local/share"),
        };
        Some(TrustStore {
            dir: base.join("acct").join("allowed"),
        })
    }

    /// Symlinks resolved: the same file reached two ways is one entry.
    fn record(&self, config: &Path) -> PathBuf {
        let canonical = fs::canonicalize(config).unwrap_or_else(|_| config.to_path_buf());
        self.dir
            .join(hex_sha256(canonical.as_os_str().as_encoded_bytes()))
    }

    pub fn is_allowed(&self, config: &Path, content: &[u8]) -> bool {
        let expected = format!("sha256 {}\n", hex_sha256(content));
        fs::read_to_string(self.record(config)).is_ok_and(|record| record.starts_with(&expected))
    }

    /// Record `content` as allowed for `config`, atomically, in a 0700 directory.
    pub fn allow(&self, config: &Path, content: &[u8]) -> std::io::Result<()> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)?;
        let text = format!(
            "sha256 {}\npath {}\n",
            hex_sha256(content),
            config.display()
        );
        atomic_write::write(&self.record(config), text.as_bytes(), 0o600)
    }

    /// Forget `config`; false when it was not allowed.
    pub fn deny(&self, config: &Path) -> std::io::Result<bool> {
        match fs::remove_file(self.record(config)) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowing_records_content_and_a_change_needs_allowing_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = TrustStore::new(None, Some(dir.path())).unwrap();
        let config = dir.path().join("acct.toml");
        fs::write(&config, "a").unwrap();
        assert!(!store.is_allowed(&config, b"a"));
        store.allow(&config, b"a").unwrap();
        assert!(store.is_allowed(&config, b"a"));
        assert!(!store.is_allowed(&config, b"b"));
        assert!(store.deny(&config).unwrap());
        assert!(!store.is_allowed(&config, b"a"));
        assert!(!store.deny(&config).unwrap());
    }
}
