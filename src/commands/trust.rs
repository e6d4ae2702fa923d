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
            Failure::usage(
                format!(
                    "no {LOCAL_NAME} in {} or any parent directory",
                    search.cwd.display()
                ),
                "name the file: acct allow PATH",
            )
        })?,
    };
    Ok(std::path::absolute(&path).unwrap_or(path))
}

pub fn allow(args: &TrustArgs) -> Result<ExitCode> {
    let search = Search::from_process(None)?;
    let path = target(&search, args)?;
    let content = std::fs::read(&path).map_err(|e| {
        Failure::usage(
            format!("cannot read {}: {e}", path.display()),
            "check the path",
        )
    })?;
    search.trust_store()?.allow(&path, &content).map_err(|e| {
        Failure::other(
            format!("cannot record {} as allowed: {e}", path.display()),
            "check that your XDG_DATA_HOME (~/.local/share) is writable by you",
        )
    })?;
    super::print(&format!("allowed {}\n", path.display()))
}

pub fn deny(args: &TrustArgs) -> Result<ExitCode> {
    let search = Search::from_process(None)?;
    let path = target(&search, args)?;
    let forgotten = search.trust_store()?.deny(&path).map_err(|e| {
        Failure::other(
            format!("cannot forget {}: {e}", path.display()),
            "check that your XDG_DATA_HOME (~/.local/share/acct/allowed) is writable by you",
        )
    })?;
    let word = if forgotten {
        "denied"
    } else {
        "was not allowed:"
    };
    super::print(&format!("{word} {}\n", path.display()))
}
