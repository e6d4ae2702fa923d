//! `acct allow [PATH]` and `acct deny [PATH]`: trust for project configs.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::TrustArgs;
use crate::config::discover::{LOCAL_NAME, Search};
use crate::error::{Failure, Result};

/// The file named, else the nearest `acct.toml` upwards.
fn target(search: &Search, args: &TrustArgs) -> Result<PathBuf> {
    let path = match &args.path {
        Some(path) => search.cwd.join(path),
        None => search.local_config().ok_or_else(|| {
            Failure::usage(format!(
                "no {LOCAL_NAME} in {} or any parent directory\n  fix: name the file: acct allow PATH",
                search.cwd.display()
            ))
        })?,
    };
    Ok(std::path::absolute(&path).unwrap_or(path))
}

pub fn allow(args: &TrustArgs) -> Result<ExitCode> {
    let search = Search::from_process(None)?;
    let path = target(&search, args)?;
    let content = std::fs::read(&path).map_err(|e| {
        Failure::usage(format!(
            "cannot read {}: {e}\n  fix: check the path",
            path.display()
        ))
    })?;
    search
        .trust_store()?
        .allow(&path, &content)
        .map_err(|e| Failure::other(format!("cannot record {} as allowed: {e}", path.display())))?;
    super::print(&format!("allowed {}\n", path.display()))
}

pub fn deny(args: &TrustArgs) -> Result<ExitCode> {
    let search = Search::from_process(None)?;
    let path = target(&search, args)?;
    let forgotten = search
        .trust_store()?
        .deny(&path)
        .map_err(|e| Failure::other(format!("cannot forget {}: {e}", path.display())))?;
    let word = if forgotten {
        "denied"
    } else {
        "was not allowed:"
    };
    super::print(&format!("{word} {}\n", path.display()))
}
