//! `acct env STAGE`: the stage's environment as code for the current shell
//! (from inside another stage: what that one changed undone first);
//! `acct env --unset`: the code that gives back the environment from before
//! the first stage, from the record `ACCT_RESTORE` alone.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::{EnvArgs, EnvFormat};
use crate::config::{discover, env_names, process_env};
use crate::error::{Failure, Result};
use crate::shell::scripts::Shell;
use crate::stage::entry::{self, Purpose};
use crate::stage::environment::{self, StageEnv};
use crate::stage::record::{self, Environment, Undone};
use crate::terminal::confirm;
use crate::text::printable::printable;
use crate::text::quote;

pub fn run(args: &EnvArgs, config: Option<PathBuf>) -> Result<ExitCode> {
    let format = args.shell.unwrap_or_else(default_format);
    let here = environment::here();
    if let Some(corrupt) = &here.corrupt {
        eprintln!("{}", record::warning(corrupt));
    }
    let active = process_env::text("ACCT_STAGE");
    let change = match &args.stage {
        None => leave(here, active.as_deref()),
        Some(name) => {
            let config = discover::load(config)?;
            let stage = super::find_stage(&config, name)?;
            confirm::protected(&stage, args.yes)?;
            if let Some(active) = &active {
                // ACCT_STAGE is inherited: anything may be in it.
                let active = printable(active, false);
                if *active == *stage.name {
                    eprintln!(
                        "acct: this shell enters stage `{active}` again: its variables are set anew"
                    );
                } else {
                    eprintln!(
                        "acct: this shell leaves stage `{active}` for `{}`: what `{active}` changed is undone first",
                        stage.name
                    );
                }
            }
            let stage_env = entry::stage_env(&config, &stage, Purpose::Shell)?;
            let endpoints = stage_env.dropped_endpoints(&here.env);
            if !endpoints.is_empty() {
                eprintln!("{}", environment::endpoints_removed(&endpoints));
            }
            enter(&stage_env, here)
        }
    };
    super::print(&render(&change, format)?)
}

/// The shell that will read the code: the one running acct, else `$SHELL`'s,
/// else bash (SPEC section 3).
fn default_format() -> EnvFormat {
    EnvFormat::Shell(Shell::detect().unwrap_or(Shell::Bash))
}

/// What the shell must do to go from where it is to `target`, for the
/// names that may differ: every name a stage set or removed, the record's
/// and the new stage's. A name absent from `target` is removed; `hide`
/// says which of those are acct's to remove, not the person's to get back.
struct Change {
    set: Vec<(String, OsString)>,
    unset: Vec<(String, Removal)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Removal {
    /// The name was absent before the first stage: whatever the shell keeps
    /// outside its exported globals (a fish universal) comes back.
    GiveBack,
    /// acct removes it from every stage (a stale key, another tool's
    /// variable): hidden from this shell whatever scope holds it.
    Hide,
}

impl Change {
    fn toward(target: &Environment, names: &[&str], hide: impl Fn(&str) -> bool) -> Self {
        let mut change = Change {
            set: Vec::new(),
            unset: Vec::new(),
        };
        for &name in names {
            if change.set.iter().any(|(n, _)| n == name)
                || change.unset.iter().any(|(n, _)| n == name)
            {
                continue;
            }
            match target.iter().find(|(n, _)| n.as_bytes() == name.as_bytes()) {
                Some((_, value)) => change.set.push((name.to_string(), value.clone())),
                None if hide(name) => change.unset.push((name.to_string(), Removal::Hide)),
                None => change.unset.push((name.to_string(), Removal::GiveBack)),
            }
        }
        change
    }
}

/// Enter `stage` from the shell's environment with any earlier stage's
/// record undone: unset then enter, in one eval.
fn enter(stage: &StageEnv, here: Undone) -> Change {
    let earlier: Vec<String> = here
        .record
        .iter()
        .flat_map(|r| r.names().map(str::to_string))
        .collect();
    // Inherited AWS_ names the allow-list removes go from the shell too.
    let dropped: Vec<String> = here
        .env
        .iter()
        .filter(|(n, _)| stage.drops(n))
        .map(|(n, _)| n.to_string_lossy().into_owned())
        .collect();
    let target = stage.enter(here.env);
    let in_force: Vec<String> = target
        .iter()
        .filter_map(|(n, _)| n.to_str())
        .filter(|n| env_names::is_in_force_variable(n))
        .map(str::to_string)
        .collect();
    let names: Vec<&str> = earlier
        .iter()
        .chain(&dropped)
        .chain(&in_force)
        .map(String::as_str)
        .chain(stage.set.iter().map(|(n, _)| n.as_str()))
        .chain(stage.unset.iter().map(String::as_str))
        .chain([record::NAME])
        .collect();
    Change::toward(&target, &names, |name| {
        stage.unset.iter().any(|n| n == name)
    })
}

/// `--unset`: the environment from before the first stage, from the
/// record alone (the config may have changed or gone). Without a record
/// (or with one that is not believed) every name acct sets or removes goes.
fn leave(here: Undone, active: Option<&str>) -> Change {
    if let Some(record) = &here.record {
        let names: Vec<&str> = record.names().chain([record::NAME]).collect();
        return Change::toward(&here.env, &names, |_| false);
    }
    if let (Some(active), None) = (active, &here.corrupt) {
        eprintln!(
            "acct: warning: stage `{}` was entered without a record of what it changed ({} is not set), so its own [env] variables stay",
            printable(active, false),
            record::NAME
        );
    }
    let all = StageEnv::leaving();
    let names: Vec<&str> = all
        .unset
        .iter()
        .map(String::as_str)
        .chain(
            here.env
                .iter()
                .filter_map(|(n, _)| n.to_str())
                .filter(|n| env_names::is_in_force_variable(n)),
        )
        .chain([record::NAME])
        .collect();
    Change::toward(&Vec::new(), &names, |_| true)
}

/// The line that exports `name` with `value` in `shell`, quoted for it.
pub fn assignment(shell: Shell, name: &str, value: &OsStr) -> String {
    match shell {
        Shell::Bash | Shell::Zsh => format!("export {name}={}\n", quote::posix(value)),
        Shell::Fish => format!("set -gx {name} {}\n", quote::fish(value)),
    }
}

fn render(env: &Change, format: EnvFormat) -> Result<String> {
    let mut out = String::new();
    match format {
        EnvFormat::Shell(Shell::Bash | Shell::Zsh) => {
            for (name, _) in &env.unset {
                out.push_str(&format!("unset {name}\n"));
            }
            for (name, value) in &env.set {
                out.push_str(&assignment(Shell::Bash, name, value));
            }
        }
        EnvFormat::Shell(Shell::Fish) => {
            // `set -e NAME` would erase a universal variable for every fish
            // session of the user (or only the global hiding it): erase the
            // global, and hide a universal one behind an empty exported
            // global. (fish 3.6 still exports a universal hidden by an
            // unexported global.) Every SDK takes an empty credential
            // variable as not set; the user's other sessions keep theirs.
            // Each line ends in `end`, status 0: fish's `set` passes the
            // status before it along, and `| source; and ...` must go on.
            // A name given back is only erased: the person's universal
            // variable, if any, is theirs to see again.
            for (name, removal) in &env.unset {
                out.push_str(&match removal {
                    Removal::Hide => {
                        format!("set -e -g {name}; if set -q -U {name}; set -g -x {name}; end\n")
                    }
                    Removal::GiveBack => format!("set -e -g {name}\n"),
                });
            }
            for (name, value) in &env.set {
                out.push_str(&assignment(Shell::Fish, name, value));
            }
        }
        EnvFormat::Json => {
            let mut set = serde_json::Map::new();
            for (name, value) in &env.set {
                let value = value.to_str().ok_or_else(|| {
                    Failure::other(format!("{name} is not valid UTF-8 ({}), which JSON cannot hold", value.to_string_lossy()), "use --shell bash, zsh or fish, which carry any bytes, or move the config to a UTF-8 path")
                })?;
                set.insert(name.clone(), value.into());
            }
            let unset: Vec<&str> = env.unset.iter().map(|(n, _)| n.as_str()).collect();
            let json = serde_json::json!({ "set": set, "unset": unset });
            out = json.to_string();
            out.push('\n');
        }
    }
    Ok(out)
}
