//! `acct shell STAGE`: replace acct with the user's own shell inside the stage.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::ShellArgs;
use crate::commands::process;
use crate::config::{Config, discover, process_env};
use crate::error::{Failure, Result};
use crate::shell::scripts;
use crate::stage::{entry, expiry};
use crate::terminal::confirm;

pub fn run(args: &ShellArgs, config: Option<PathBuf>) -> Result<ExitCode> {
    let config = discover::load(config)?;
    let stage = crate::terminal::picker::stage(&config, args.stage.as_deref(), "shell")?;
    let outer = process_env::text("ACCT_STAGE");
    if let (Some(outer), false) = (&outer, args.nest) {
        return Err(Failure::other(
            format!(
                "already inside stage `{outer}`; a shell in `{}` would hide it",
                stage.name
            ),
            format!(
                "type `exit` to leave `{outer}` first, or pass --nest to enter `{}` from inside it",
                stage.name
            ),
        ));
    }
    confirm::protected(&stage, args.yes)?;
    let mut env = entry::command_env(&config, &stage, args.export_credentials, args.min_left)?;
    if outer.is_some() {
        env.nest_within(&process_env::text("ACCT_PROMPT").unwrap_or_default());
    }
    let words = shell_words(&config);
    let entered = env.apply_here();
    let first_left = match scripts::Shell::of_program(&words[0]) {
        Some(scripts::Shell::Bash) => expiry::bash_first_of(&entered),
        Some(scripts::Shell::Fish) => expiry::fish_first_of(&entered),
        _ => None,
    };
    let launch = scripts::launch(
        &words,
        &env.guard(),
        &entered,
        prompt_mode(&config),
        first_left,
    )?;
    if let Err(name) = &launch.shell {
        eprintln!(
            "acct: warning: no prompt integration for {} (only bash, zsh and fish); \
             the stage is in the environment, its segment in $ACCT_PROMPT",
            crate::text::printable::printable(name, false)
        );
    }
    if config.shell.is_some() {
        // Inside, `$SHELL` is the shell that runs, so a nested `acct env`
        // or a program that starts "the user's shell" speaks the right one.
        let program = which::which(&words[0])
            .map_or_else(|_| words[0].clone().into(), |p| p.into_os_string());
        env.add_startup([("SHELL".to_string(), program)]);
    }
    env.add_startup(launch.env);
    Err(process::exec(&launch.argv, &env))
}

/// What the hook does with the prompt (`__acct_prompt_mode` in bash's rc
/// file, `__ACCT_PROMPT_MODE` read and removed by zsh's and fish's hooks): `off` (`prompt = false`) registers no prompt
/// hook, `on` (`prompt = true`) adds the segment even under starship; when
/// `prompt` is not written the hook looks for starship at each prompt.
fn prompt_mode(config: &Config) -> Option<&'static str> {
    config.prompt.map(|on| if on { "on" } else { "off" })
}

/// The config's `shell`, else `$SHELL`, else `/bin/sh`.
fn shell_words(config: &Config) -> Vec<String> {
    if let Some(words) = &config.shell {
        return words.clone();
    }
    let login_shell = process_env::text("SHELL");
    vec![login_shell.unwrap_or_else(|| "/bin/sh".to_string())]
}
