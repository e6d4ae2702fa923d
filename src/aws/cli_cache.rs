//! The AWS CLI's own cache of assumed roles, `~/.aws/cli/cache`: botocore
//! (the CLI v1 and v2) keeps each AssumeRole answer there as JSON and serves
//! it until it expires, up to an hour, without asking for the source
//! credentials (or an MFA code) again. acct makes the directory before CLIs
//! run side by side, and empties it of an estate's roles at logout.

use std::io::Read;
use std::path::PathBuf;

use crate::config::process_env;

/// Cache entries are a few kilobytes; a bigger file is not one of them.
const ENTRY_LIMIT: u64 = 256 * 1024;

/// `$HOME/.aws/cli/cache`, where botocore puts it (`~` read from `HOME`).
pub fn dir() -> Option<PathBuf> {
    Some(process_env::home()?.join(".aws/cli/cache"))
}

/// Make the cache directory before CLIs run side by side. botocore before
/// 1.37 (the AWS CLI v2.9 Debian ships, and every v1 of that age) checks for
/// it and then creates it without `exist_ok`, so of two first calls in a new
/// home one fails with "[Errno 17] File exists" after its role was assumed.
/// Made private, as it holds credentials; a failure is left for the CLI to
/// report in its words.
pub fn prepare_parallel_runs() {
    use std::os::unix::fs::DirBuilderExt;
    if let Some(cache) = dir() {
        let _ = std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(cache);
    }
}

/// Remove the cached answers for these roles (role ARNs), so that no stage
/// keeps working from the cache after `acct logout`; other entries stay.
/// Returns how many were removed. Only regular files that parse as an
/// AssumeRole answer are looked at; anything else is left alone.
pub fn forget_roles<'a>(role_arns: impl IntoIterator<Item = &'a str>) -> usize {
    let prefixes: Vec<String> = role_arns
        .into_iter()
        .filter_map(assumed_role_prefix)
        .collect();
    let Some(entries) = dir().and_then(|d| std::fs::read_dir(d).ok()) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        // DirEntry::file_type does not follow a symlink.
        let regular = entry.file_type().is_ok_and(|t| t.is_file());
        if !regular || path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let Some(arn) = assumed_role_arn(&path) else {
            continue;
        };
        if prefixes.iter().any(|p| arn.starts_with(p.as_str()))
            && std::fs::remove_file(&path).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// The `AssumedRoleUser.Arn` of a cache entry.
fn assumed_role_arn(path: &std::path::Path) -> Option<String> {
    let mut text = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(ENTRY_LIMIT)
        .read_to_string(&mut text)
        .ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["AssumedRoleUser"]["Arn"].as_str().map(str::to_string)
}

/// `arn:P:iam::ACCOUNT:role/PATH/NAME` as STS names its sessions:
/// `arn:P:sts::ACCOUNT:assumed-role/NAME/` (the path is not in it).
fn assumed_role_prefix(role_arn: &str) -> Option<String> {
    let (partition, account, name) = crate::config::rules::role_arn_parts(role_arn)?;
    Some(format!(
        "arn:{partition}:sts::{account}:assumed-role/{name}/"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_arn_becomes_the_prefix_of_its_sessions() {
        assert_eq!(
            assumed_role_prefix("arn:aws:iam::012345678901:role/ops/deploy").as_deref(),
            Some("arn:aws:sts::012345678901:assumed-role/deploy/")
        );
        assert_eq!(
            assumed_role_prefix("arn:aws-us-gov:iam::323330167063:role/cpco-root-admin").as_deref(),
            Some("arn:aws-us-gov:sts::323330167063:assumed-role/cpco-root-admin/")
        );
        assert_eq!(assumed_role_prefix("arn:aws:iam::1:user/me"), None);
        assert_eq!(assumed_role_prefix("arn:aws:iam::1:role/"), None);
        assert_eq!(assumed_role_prefix("not an arn"), None);
    }
}
