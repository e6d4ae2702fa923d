//! Where a path really leads, in one place for the writer (which must
//! replace the file a link points at, not the link) and for the project
//! check (where a link or a `..` must not lead out of the check).

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Links followed at most, as the kernel's own limit (ELOOP) does.
const MAX_LINKS: usize = 40;

/// `path` with every symlink followed, a last one whose target does not
/// exist yet too (the file would be created there), and a part that does not
/// exist yet appended to its existing parent's real path with `..` taken
/// away.
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
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(existing_part(&current)),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "{}: more than {MAX_LINKS} symbolic links",
        path.display()
    )))
}

/// The real path of the longest existing ancestor of `path`, then the parts
/// that do not exist yet, a `..` among them removing the part before it.
fn existing_part(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest: Vec<OsString> = Vec::new();
    loop {
        if let Ok(mut out) = fs::canonicalize(&existing) {
            for part in rest.iter().rev() {
                match Path::new(part).components().next() {
                    Some(Component::ParentDir) => {
                        out.pop();
                    }
                    Some(Component::CurDir) | None => {}
                    Some(_) => out.push(part),
                }
            }
            return out;
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            // `..` or the root: keep it as the rest and go on upwards.
            _ => match existing.parent() {
                Some(parent) => {
                    rest.push("..".into());
                    existing = parent.to_path_buf();
                }
                None => return path.to_path_buf(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_dotdot_and_new_files() {
        let temp = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(temp.path()).unwrap();
        fs::create_dir_all(base.join("repo/infra")).unwrap();
        std::os::unix::fs::symlink(base.join("repo"), base.join("link")).unwrap();
        // A new file below a link and a `..`.
        assert_eq!(
            real_path(&base.join("link/infra/../aws/config")).unwrap(),
            base.join("repo/aws/config")
        );
        // A dangling last link leads to where the file would be created.
        std::os::unix::fs::symlink(base.join("repo/new"), base.join("dangling")).unwrap();
        assert_eq!(
            real_path(&base.join("dangling")).unwrap(),
            base.join("repo/new")
        );
        // A loop of links is an error, not a path.
        std::os::unix::fs::symlink(base.join("b"), base.join("a")).unwrap();
        std::os::unix::fs::symlink(base.join("a"), base.join("b")).unwrap();
        assert!(real_path(&base.join("a")).is_err());
    }
}
