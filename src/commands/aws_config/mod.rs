//! `acct aws-config`: the profiles of every stage, to stdout, or written into
//! (`--write`) or compared with (`--check`) acct's block of the AWS config file.

mod diff;

use std::borrow::Cow;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::aws::file::{self, block, store};
use crate::aws::profiles;
use crate::cli::AwsConfigArgs;
use crate::config::{Config, discover};
use crate::error::{Failure, Result};

/// What `--write` makes of the file: the new text, and the user's own
/// sections that `--adopt` took out of it.
struct Planned {
    text: String,
    adopted: Vec<block::Adopted>,
}

struct Target<'a> {
    config: &'a Config,
    block: block::Block<'a>,
    path: &'a Path,
    args: &'a AwsConfigArgs,
}

impl Target<'_> {
    fn plan(&self, old: Option<&str>) -> Result<Planned> {
        let old = old.unwrap_or_default();
        let (text, adopted) = if self.args.adopt {
            let (text, adopted) = block::adopt(old, &self.block);
            (Cow::Owned(text), adopted)
        } else {
            (Cow::Borrowed(old), Vec::new())
        };
        let same = |owner: &str| file::same_config(owner, &self.config.path);
        // The same config by another path (a symlink) keeps the path recorded.
        let block = match block::owner_in(&text, self.block.namespace) {
            Some(owner) if owner != self.block.owner && same(owner) => block::Block {
                owner,
                ..self.block
            },
            _ => self.block,
        };
        let text = block::merge(&text, &block, |owner| self.args.force || same(owner))
            .map_err(|e| file::merge_failure(self.path, e, &self.config.namespace))?;
        Ok(Planned { text, adopted })
    }

    fn diff(&self, old: &str, new: &str) -> String {
        let name = self.path.display().to_string();
        diff::unified(
            old,
            new,
            &name,
            &format!("{name} (acct aws-config --write)"),
        )
    }
}

pub fn run(args: &AwsConfigArgs, config: Option<PathBuf>) -> Result<ExitCode> {
    let config = discover::load(config)?;
    let profiles = profiles::render(&config);
    if !(args.write || args.check) {
        return super::print(&profiles);
    }
    let path = file::config_path(&config, args.file.as_deref())?;
    let owner = block::owner_text(&config.path);
    let target = Target {
        config: &config,
        block: file::block_of(&config, &owner, &profiles),
        path: &path,
        args,
    };
    if args.write {
        write(&target)
    } else {
        check(&target)
    }
}

fn write(target: &Target<'_>) -> Result<ExitCode> {
    let adopted = RefCell::new(Vec::new());
    let outcome = store::update(target.path, |old| {
        let planned = target.plan(old)?;
        if target.args.adopt && old != Some(planned.text.as_str()) {
            // What changes, before it does.
            super::print(&target.diff(old.unwrap_or_default(), &planned.text))?;
        }
        let backup = !planned.adopted.is_empty();
        *adopted.borrow_mut() = planned.adopted;
        Ok(store::Change {
            text: planned.text,
            backup,
        })
    })
    .map_err(|mut failure| {
        failure.message.push_str("; the file was not changed");
        failure
    })?;
    let (what, backup) = match outcome {
        store::Outcome::Written { backup } => ("wrote", backup),
        store::Outcome::Unchanged => ("unchanged:", None),
    };
    let config = target.config;
    // The block's one section that is not a stage's, named so the count
    // is not a surprise.
    let shared = match crate::aws::profiles::shared_section(config) {
        Some(name) if name.starts_with("sso-session ") => format!(" and [{name}]"),
        Some(name) => format!(" and [profile {name}]"),
        None => String::new(),
    };
    let mut text = format!(
        "{what} {} stage profiles{shared} of `{}` in {}\n",
        config.stages.len(),
        config.namespace,
        target.path.display()
    );
    let adopted = adopted.into_inner();
    if let (Some(backup), false) = (backup, adopted.is_empty()) {
        let moved: Vec<String> = adopted
            .iter()
            .map(|a| format!("{} (line {})", a.profile, a.line))
            .collect();
        text.push_str(&format!(
            "moved into acct's block: {}; the file as it was is kept in {}\n",
            moved.join(", "),
            backup.display()
        ));
    }
    super::print(&text)
}

fn check(target: &Target<'_>) -> Result<ExitCode> {
    let old = file::read(target.path)?;
    let new = target.plan(old.as_deref())?.text;
    let old = old.unwrap_or_default();
    if old == new {
        return Ok(ExitCode::SUCCESS);
    }
    super::print(&target.diff(&old, &new))?;
    Err(Failure::other(
        format!(
            "{} differs from what {} renders",
            target.path.display(),
            target.config.path.display()
        ),
        format!(
            "run `acct aws-config --write{}{}`",
            if target.args.force { " --force" } else { "" },
            if target.args.adopt { " --adopt" } else { "" }
        ),
    ))
}
