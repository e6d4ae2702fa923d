//! `acct env STAGE`: the stage's environment as code for the current shell.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{EnvArgs, EnvFormat};
use crate::config::discover;
use crate::error::Result;
use crate::quote;
use crate::stage_env::StageEnv;

pub fn run(args: &EnvArgs, config: Option<PathBuf>) -> Result<ExitCode> {
    let config = discover::load(config)?;
    let stage = super::find_stage(&config, &args.stage)?;
    let env = StageEnv::new(&config, &stage);
    let format = args
        .shell
        .unwrap_or_else(|| format_of_shell(std::env::var_os("SHELL").as_deref().map(Path::new)));
    super::print(&render(&env, format))
}

/// `$SHELL`'s name when it is bash, zsh or fish, else bash.
fn format_of_shell(shell: Option<&Path>) -> EnvFormat {
    match shell.and_then(Path::file_name).and_then(|n| n.to_str()) {
        Some("zsh") => EnvFormat::Zsh,
        Some("fish") => EnvFormat::Fish,
        _ => EnvFormat::Bash,
    }
}

pub fn render(env: &StageEnv, format: EnvFormat) -> String {
    let mut out = String::new();
    match format {
        EnvFormat::Bash | EnvFormat::Zsh => {
            for name in &env.unset {
                out.push_str(&format!("unset {name}\n"));
            }
            for (name, value) in &env.set {
                out.push_str(&format!("export {name}={}\n", quote::posix(value)));
            }
        }
        EnvFormat::Fish => {
            for name in &env.unset {
                out.push_str(&format!("set -e {name}\n"));
            }
            for (name, value) in &env.set {
                out.push_str(&format!("set -gx {name} {}\n", quote::fish(value)));
            }
        }
        EnvFormat::Json => {
            let set: serde_json::Map<String, serde_json::Value> = env
                .set
                .iter()
                .map(|(n, v)| (n.clone(), v.clone().into()))
                .collect();
            let json = serde_json::json!({ "set": set, "unset": env.unset });
            out = json.to_string();
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_format_follows_shell_name() {
        assert_eq!(
            format_of_shell(Some(Path::new("/usr/bin/fish"))),
            EnvFormat::Fish
        );
        assert_eq!(format_of_shell(Some(Path::new("/bin/zsh"))), EnvFormat::Zsh);
        assert_eq!(
            format_of_shell(Some(Path::new("/bin/dash"))),
            EnvFormat::Bash
        );
        assert_eq!(format_of_shell(None), EnvFormat::Bash);
    }
}
