//! `acct aws-config`: the profiles of every stage, to stdout, or written into
//! (`--write`) or compared with (`--check`) acct's block of the AWS config file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::aws_file::{self, block, store};
use crate::aws_profiles;
use crate::cli::AwsConfigArgs;
use crate::config::{Config, discover};
use crate::diff;
use crate::error::{Failure, Result};

pub fn run(args: &AwsConfigArgs, config: Option<PathBuf>) -> Result<ExitCode> {
    let config = discover::load(config)?;
    let profiles = aws_profiles::render(&config);
    if !(args.write || args.check) {
        return super::print(&profiles);
    }
    let path = aws_file::config_path(&config, args.file.as_deref())?;
    let merge = |old: Option<&str>| {
        block::merge(old.unwrap_or_default(), &config.namespace, &profiles)
            .map_err(|e| aws_file::merge_failure(&path, e, &config.namespace))
    };
    if args.write {
        let outcome = store::update(&path, merge).map_err(|mut failure| {
            failure.message.push_str("; the file was not changed");
            failure
        })?;
        let what = match outcome {
            store::Outcome::Written => "wrote",
            store::Outcome::Unchanged => "unchanged:",
        };
        return super::print(&format!(
            "{what} {} profiles of `{}` in {}\n",
            config.stages.len(),
            config.namespace,
            path.display()
        ));
    }
    check(&config, &path, merge)
}

fn check(
    config: &Config,
    path: &Path,
    merge: impl FnOnce(Option<&str>) -> Result<String>,
) -> Result<ExitCode> {
    let old = aws_file::read(path)?;
    let new = merge(old.as_deref())?;
    let old = old.unwrap_or_default();
    if old == new {
        return Ok(ExitCode::SUCCESS);
    }
    let name = path.display().to_string();
    super::print(&diff::unified(
        &old,
        &new,
        &name,
        &format!("{name} (acct aws-config --write)"),
    ))?;
    Err(Failure::other(
        format!("{name} differs from what {} renders", config.path.display()),
        "run `acct aws-config --write`",
    ))
}
