//! The shells whose prompt acct joins (bash, zsh, fish): their scripts,
//! embedded from `shells/`, and how `acct shell` starts each one so that the
//! user's own startup files run first and the stage segment lands in front of
//! their prompt. Everything a prompt needs travels in environment variables,
//! so the scripts are static: no stage value is ever written into shell code
//! (only acct's own constants, the same for every stage: `TEMPLATE_VALUES`).

use std::ffi::{OsStr, OsString};
use std::path::Path;

use crate::config::env_names::IN_FORCE;
use crate::config::process_env::Environment;
use crate::config::{FirstLeft, LEFT_NEVER, LEFT_WARN_SECONDS, process_env};
use crate::error::Result;
use crate::shell::{
    bash_checks, fish_checks, guard, lazy, startup_files, zsh_checks, zsh_compiled,
};

/// The shells acct speaks: prompt hooks, `acct env` code, completions.
/// The one type for them, and `of_program` the one way to recognise one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

impl Shell {
    /// The shell a program is, by its file name (`/usr/bin/zsh`, a login `-bash`).
    pub fn of_program(program: &str) -> Option<Shell> {
        let name = Path::new(program).file_name()?.to_str()?;
        match name.trim_start_matches('-') {
            "bash" => Some(Shell::Bash),
            "zsh" => Some(Shell::Zsh),
            "fish" => Some(Shell::Fish),
            _ => None,
        }
    }

    /// The shell that started acct, when it is bash, zsh or fish: what
    /// `eval "$(acct env S)"` or `acct env S | source` must be written for.
    /// Linux names the parent in `/proc`; elsewhere `ps` does.
    pub fn of_parent() -> Option<Shell> {
        let ppid = nix::unistd::getppid().as_raw();
        let name = match std::fs::read_to_string(format!("/proc/{ppid}/comm")) {
            Ok(comm) => comm,
            Err(_) => {
                #[allow(
                    clippy::disallowed_methods,
                    reason = "`ps` names the parent where /proc does not"
                )]
                let out = std::process::Command::new("ps")
                    .args(["-o", "comm=", "-p", &ppid.to_string()])
                    .stderr(std::process::Stdio::null())
                    .output()
                    .ok()?;
                String::from_utf8(out.stdout).ok()?
            }
        };
        Shell::of_program(name.trim())
    }

    /// The parent shell, else `$SHELL`'s name when it is one of ours.
    pub fn detect() -> Option<Shell> {
        Shell::of_parent().or_else(|| Shell::of_program(&process_env::text("SHELL")?))
    }

    pub fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
        }
    }

    /// The prompt hook as `acct init SHELL` prints it: the file in
    /// `shells/` with acct's own numbers written in (`TEMPLATE_VALUES`).
    pub fn script(self) -> String {
        let template = match self {
            Shell::Bash => include_str!("../../shells/acct.bash"),
            Shell::Zsh => include_str!("../../shells/acct.zsh"),
            Shell::Fish => include_str!("../../shells/acct.fish"),
        };
        let mut script = template.to_string();
        for (placeholder, value) in TEMPLATE_VALUES {
            script = script.replace(placeholder, &value.to_string());
        }
        script
    }

    /// The hook as `acct shell` hands it to the shell at every start: the
    /// script without its comment lines and blank lines. A shell reads every
    /// byte of its startup code before the first prompt, comments too: they
    /// were 5% of what the hook adds to bash's start and 9% of zsh's
    /// (instructions counted). They are for people, who read the file or
    /// `acct init SHELL --print-full-init`. (fish then gets its rare
    /// functions as strings: `lazy`.)
    pub fn startup_script(self) -> String {
        let script = self.script();
        let mut code = String::with_capacity(script.len());
        for line in script.lines() {
            let text = line.trim_start();
            // No line of the scripts continues a quoted string, so a line
            // that starts with `#` is a comment in all three shells.
            if !text.is_empty() && !text.starts_with('#') {
                code.push_str(line);
                code.push('\n');
            }
        }
        code
    }
}

/// What acct writes into the scripts in place of each placeholder: numbers
/// the hooks and acct's own commands must agree on, kept in one place.
const TEMPLATE_VALUES: [(&str, i64); 2] = [
    ("@LEFT_WARN_SECONDS@", LEFT_WARN_SECONDS),
    ("@LEFT_NEVER@", LEFT_NEVER),
];

/// A shell command line ready to exec, and the variables its startup needs.
#[derive(Debug)]
pub struct Launch {
    pub argv: Vec<OsString>,
    pub env: Vec<(String, OsString)>,
    /// The shell whose hook runs, or the name of one acct cannot put the
    /// segment into.
    pub shell: std::result::Result<Shell, String>,
}

/// How to start `words` (the configured shell, split) interactively with
/// acct's hook loaded after the user's startup files, which then puts back
/// `guard` (`StageEnv::guard`); `entered` is the stage's environment;
/// `first_left` the shell's first `{left}` for its own clock
/// (`expiry::bash_first_of`, `fish_first_of`), handed over so that its
/// first prompt only compares.
///
/// - bash reads one rc file of our choosing (`--rcfile`), which loads
///   `~/.bashrc` itself; bash takes long options only before short ones.
///   In front of the script, acct's checks for the stage (`bash_checks`:
///   names only, so every stage of the same layout shares the file).
/// - zsh has no such option: ZDOTDIR points at a private directory whose
///   `.zshenv` and `.zshrc` run the user's from their own ZDOTDIR or HOME.
/// - fish runs `--init-command` after its own config: no file at all. After
///   the script, acct's checks for the stage (`fish_checks`), which end in
///   the guard.
pub fn launch(
    words: &[String],
    guard: &[(&str, Option<&OsStr>)],
    entered: &Environment,
    prompt_mode: Option<&str>,
    first_left: Option<FirstLeft>,
) -> Result<Launch> {
    let program = words.first().map_or("/bin/sh", String::as_str);
    let user_args = words.iter().skip(1).map(OsString::from);
    let mut argv: Vec<OsString> = vec![program.into()];
    let mut env = Vec::new();
    let shell = Shell::of_program(program);
    let mut unsupported = None;
    match shell {
        Some(shell @ Shell::Bash) => {
            let checks = bash_checks::for_stage(guard, entered);
            let (script, rare) = lazy::bash(&shell.startup_script());
            // The rc file's own part where `acct init bash` drops the
            // rare functions' text (a unit test keeps the line there).
            let script = script.replacen(bash_checks::INIT_LINE, &checks.after_startup, 1);
            // The config's `prompt` too: one assignment costs bash less
            // than taking a variable from the environment and removing it.
            let mode = prompt_mode.map_or(String::new(), |m| format!("__acct_prompt_mode={m}\n"));
            let rcfile = format!("{mode}{}{script}", checks.code);
            let rcfile = startup_files::file("acct.bash", &rcfile)?;
            argv.extend(["--rcfile".into(), rcfile.into_os_string()]);
            argv.extend(user_args);
            env.push(("__ACCT_GUARD".into(), guard::bash_words(guard).into()));
            env.push(("__ACCT_GUARD_SIG".into(), checks.guard_sig));
            env.push(("__ACCT_BASH_LAZY".into(), rare.into()));
            // The list the in-force test was made for: taken from the
            // environment, it costs bash a quarter of an assignment.
            let list = process_env::value_in(entered, IN_FORCE).unwrap_or_default();
            env.push(("__acct_if_list".into(), list.to_os_string()));
            env.extend(bash_left(first_left));
        }
        Some(shell @ Shell::Zsh) => {
            // The guard's check in front (names only: every stage of the
            // same layout shares the directory).
            let checks = zsh_checks::for_stage(guard, entered);
            let script = format!("{}{}", checks.code, shell.startup_script());
            let dir = startup_files::dir("zsh", &[(".zshenv", &script), (".zshrc", &script)])?;
            // Beside them, what zsh loads instead of parsing them, if it can.
            zsh_compiled::ensure(program, &dir, &[".zshenv", ".zshrc"]);
            argv.extend(user_args);
            env.extend(guard::names_and_values(guard));
            env.push(("__ACCT_GUARD_SIG".into(), checks.guard_sig));
            let user_zdotdir = process_env::get("ZDOTDIR").unwrap_or_default();
            env.push(("__ACCT_ZDOTDIR".into(), user_zdotdir));
            env.push(("ZDOTDIR".into(), dir.into_os_string()));
        }
        Some(shell @ Shell::Fish) => {
            argv.extend(user_args);
            // The hook, then acct's checks for the stage, which run the
            // guard: only this call checks what the user's config did (a
            // config.fish may load the hook too).
            let checks = fish_checks::for_stage(guard, entered);
            let hook = lazy::fish(&shell.startup_script());
            let mut init = format!("--init-command={hook}{}", checks.code);
            if let Some(left) = first_left {
                init.push_str(FISH_TAKE_LEFT);
                let FirstLeft {
                    expires,
                    until,
                    red,
                    text,
                } = left;
                let red = u8::from(red);
                env.push((
                    "__ACCT_LEFT".into(),
                    format!("{expires} {until} {red} {text}").into(),
                ));
            }
            argv.push(init.into());
            env.push(("__ACCT_GUARD".into(), guard::fish_words(guard).into()));
            env.push(("__ACCT_GUARD_SIG".into(), checks.guard_sig));
        }
        None => {
            argv.extend(user_args);
            let name = Path::new(program)
                .file_name()
                .map_or(program.into(), |n| n.to_string_lossy());
            unsupported = Some(name.into_owned());
        }
    }
    if let (Some(mode), Some(Shell::Zsh | Shell::Fish)) = (prompt_mode, shell) {
        env.push(("__ACCT_PROMPT_MODE".into(), mode.into()));
    }
    argv.push("-i".into());
    Ok(Launch {
        argv,
        env,
        shell: shell.ok_or_else(|| unsupported.unwrap_or_default()),
    })
}

/// bash's first `{left}` as the globals its `__acct_left` keeps: always
/// all three, empty when there is nothing to keep (no `{left}`, or a red
/// text, which bash works out at every prompt), so that no value from
/// outside reaches them (bash reads `__acct_left_until` as arithmetic).
fn bash_left(first_left: Option<FirstLeft>) -> [(String, OsString); 3] {
    let (expires, until, text) = match first_left {
        Some(FirstLeft {
            expires,
            until,
            red: false,
            text,
        }) => (expires.to_string(), until.to_string(), text),
        _ => (String::new(), "0".to_string(), String::new()),
    };
    [
        ("__acct_left_for".into(), expires.into()),
        ("__acct_left_until".into(), until.into()),
        ("__acct_time".into(), text.into()),
    ]
}

/// Takes `__ACCT_LEFT` into the globals fish's `__acct_left` keeps.
const FISH_TAKE_LEFT: &str = "builtin printf '%s' \"$__ACCT_LEFT\" | builtin read --global --delimiter ' ' __acct_left_for __acct_left_until __acct_time_red __acct_time\nbuiltin set --erase __ACCT_LEFT\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shells_are_known_by_file_name() {
        assert_eq!(Shell::of_program("/usr/bin/zsh"), Some(Shell::Zsh));
        assert_eq!(Shell::of_program("-bash"), Some(Shell::Bash));
        assert_eq!(Shell::of_program("fish"), Some(Shell::Fish));
        assert_eq!(Shell::of_program("/bin/dash"), None);
        assert_eq!(Shell::of_program("/opt/bash-tools/ksh"), None);
    }

    #[test]
    fn the_scripts_carry_acct_s_numbers_and_shells_get_them_without_comments() {
        let red_under = [
            (Shell::Bash, format!("__acct_left_warn={LEFT_WARN_SECONDS}")),
            (
                Shell::Zsh,
                format!("typeset -gi __acct_left_warn={LEFT_WARN_SECONDS}"),
            ),
            (
                Shell::Fish,
                format!("set --global __acct_left_warn {LEFT_WARN_SECONDS}"),
            ),
        ];
        for (shell, line) in red_under {
            let script = shell.script();
            for (placeholder, _) in TEMPLATE_VALUES {
                assert!(!script.contains(placeholder), "{}", shell.name());
            }
            assert!(script.contains(&line), "{}: no `{line}`", shell.name());
            let startup = shell.startup_script();
            assert!(startup.contains(&line), "{}", shell.name());
            assert!(startup.len() < script.len() * 9 / 10, "{}", shell.name());
            for code in startup.lines() {
                assert!(!code.trim().is_empty() && !code.trim_start().starts_with('#'));
            }
        }
    }

    #[test]
    fn bash_gets_a_first_time_left_only_when_it_may_keep_it_and_always_all_three_names() {
        let first = |red, text: &str| FirstLeft {
            expires: 1_800_010_800,
            until: 1_800_000_031,
            red,
            text: text.into(),
        };
        let handed = |left| {
            bash_left(left)
                .map(|(name, value)| format!("{name}={}", value.to_string_lossy()))
                .join(" ")
        };
        assert_eq!(
            handed(Some(first(false, "3h0m"))),
            "__acct_left_for=1800010800 __acct_left_until=1800000031 __acct_time=3h0m"
        );
        // A red text is worked out at every prompt; nothing at all is
        // handed as empty, so that an inherited value is not taken.
        let none = "__acct_left_for= __acct_left_until=0 __acct_time=";
        assert_eq!(handed(Some(first(true, "14m"))), none);
        assert_eq!(handed(None), none);
        // Everything acct hands bash is kept from children by the rc file.
        let launch = launch(&["bash".to_string()], &[], &Vec::new(), None, None).unwrap();
        assert_eq!(launch.env.len(), bash_checks::HANDED.split(' ').count());
        for (name, _) in &launch.env {
            assert!(bash_checks::HANDED.split(' ').any(|n| n == name), "{name}");
        }
    }

    #[test]
    fn other_shells_get_the_environment_and_a_name_for_the_warning() {
        let words = ["/bin/dash".to_string(), "-e".to_string()];
        let launch = launch(&words, &[("STAGE", None)], &Vec::new(), Some("on"), None).unwrap();
        assert_eq!(launch.argv, ["/bin/dash", "-e", "-i"]);
        assert_eq!(launch.shell, Err("dash".to_string()));
        assert!(launch.env.is_empty());
    }
}
