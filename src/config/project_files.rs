//! What a project config may point at. `acct allow` records the hash of the
//! config's own text; a file or program the config names inside the
//! project's tree (`aws_config_file = "aws/config"`, whose
//! `credential_process` then runs; `aws_cli = "./bin/aws"`) could change
//! after that with no new `acct allow`. So a project config may name files
//! and programs only outside its tree (a relative path counts from the
//! config's folder, so it is inside): the allow record then covers
//! everything the config decides. What counts as a name is `named`'s
//! rule; the parser records every one with where it was written.

use std::path::{Path, PathBuf};

use super::Config;
use super::diagnostic::line_column;
use crate::error::{Failure, Result};

/// Refuse a project config that names a file inside its own tree: the
/// folder of `acct.toml` (as reached, and where a symlink leads), widened
/// to the repository that holds it (the nearest parent with `.git`).
/// `text` is the config's, for the line and column of the name.
pub fn check(config: &Config, text: &str) -> Result<()> {
    let roots = untrusted_roots(&config.path);
    for named in &config.named {
        let real = real_path(&named.path);
        if let Some(root) = roots.iter().find(|root| real.starts_with(root)) {
            let (line, column) = line_column(text, named.span.start);
            return Err(Failure::other(
                format!(
                    "{}:{line}:{column}: `{}` names {}, inside the project's own tree {}; `acct allow` covers the \
                 config's text, not files in the project that could change after it",
                    config.path.display(),
                    named.key,
                    named.path.display(),
                    root.display()
                ),
                format!(
                    "name a file outside the project (an absolute or ~/ path), or set `{}` in \
                 your own config ({}) instead",
                    named.key, "~/.config/acct/config.toml"
                ),
            ));
        }
    }
    Ok(())
}

fn untrusted_roots(config: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![config.parent().map(Path::to_path_buf)];
    dirs.push(
        std::fs::canonicalize(config)
            .ok()
            .and_then(|real| real.parent().map(Path::to_path_buf)),
    );
    let mut roots: Vec<PathBuf> = Vec::new();
    for dir in dirs.into_iter().flatten() {
        let dir = real_path(&dir);
        let root = dir
            .ancestors()
            .find(|a| a.join(".git").exists())
            .map_or_else(|| dir.clone(), Path::to_path_buf);
        if !roots.contains(&root) {
            roots.push(root);
        }
    }
    roots
}

/// Where `path` really leads (`files::real_path`); a path that cannot be
/// resolved (a loop of links, a part that is not a folder) names no file
/// acct could read, so it is compared as written.
fn real_path(path: &Path) -> PathBuf {
    crate::files::real_path::real_path(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_resolved_through_links_and_dotdot() {
        let temp = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(temp.path()).unwrap();
        std::fs::create_dir_all(base.join("repo/.git")).unwrap();
        std::fs::create_dir_all(base.join("repo/infra")).unwrap();
        std::os::unix::fs::symlink(base.join("repo"), base.join("link")).unwrap();
        assert_eq!(
            real_path(&base.join("link/infra/../aws/config")),
            base.join("repo/aws/config")
        );
        assert_eq!(
            untrusted_roots(&base.join("link/infra/acct.toml")),
            [base.join("repo")]
        );
    }
}
