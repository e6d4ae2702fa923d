//! The shells whose prompt acct joins (bash, zsh, fish): their scripts,
//! embedded from `shells/`, and how `acct shell` starts each one so that the
//! user's own startup files run first and the stage segment lands in front of
//! their prompt. Everything a prompt needs travels in environment variables,
//! so the scripts are static: no stage value is ever written into shell code
//! (only acct's own constants, the same for every stage: `TEMPLATE_VALUES`).

use std::ffi::OsString;
use std::path::Path;

use crate::config::{LEFT_WARN_SECONDS, process_env};
use crate::error::Result;
use crate::shell::{startup_files, zsh_compiled};

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
    /// functions as strings: `fish_lazy`.)
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
const TEMPLATE_VALUES: [(&str, i64); 1] = [("@LEFT_WARN_SECONDS@", LEFT_WARN_SECONDS)];

/// A shell command line ready to exec, and the variables its startup needs.
#[derive(Debug)]
pub struct Launch {
    pub argv: Vec<OsString>,
    pub env: Vec<(String, OsString)>,
    /// Set for shells acct cannot put the segment into.
    pub unsupported: Option<String>,
}

/// How to start `words` (the configured shell, split) interactively with
/// acct's hook loaded after the user's startup files.
///
/// - bash reads one rc file of our choosing (`--rcfile`), which loads
///   `~/.bashrc` itself; bash takes long options only before short ones.
/// - zsh has no such option: ZDOTDIR points at a private directory whose
///   `.zshenv` and `.zshrc` run the user's from their own ZDOTDIR or HOME.
/// - fish runs `--init-command` after its own config: no file at all.
pub fn launch(words: &[String]) -> Result<Launch> {
    let program = words.first().map_or("/bin/sh", String::as_str);
    let user_args = words.iter().skip(1).map(OsString::from);
    let mut argv: Vec<OsString> = vec![program.into()];
    let mut env = Vec::new();
    let mut unsupported = None;
    match Shell::of_program(program) {
        Some(shell @ Shell::Bash) => {
            let rcfile = startup_files::file("acct.bash", &shell.startup_script())?;
            argv.extend(["--rcfile".into(), rcfile.into_os_string()]);
            argv.extend(user_args);
            env.push(("__ACCT_BASHRC".into(), "1".into()));
        }
        Some(shell @ Shell::Zsh) => {
            let script = shell.startup_script();
            let dir = startup_files::dir("zsh", &[(".zshenv", &script), (".zshrc", &script)])?;
            // Beside them, what zsh loads instead of parsing them, if it can.
            zsh_compiled::ensure(program, &dir, &[".zshenv", ".zshrc"]);
            argv.extend(user_args);
            let user_zdotdir = process_env::get("ZDOTDIR").unwrap_or_default();
            env.push(("__ACCT_ZDOTDIR".into(), user_zdotdir));
            env.push(("ZDOTDIR".into(), dir.into_os_string()));
        }
        Some(shell @ Shell::Fish) => {
            argv.extend(user_args);
            // The hook, then its guard: only this call checks what the
            // user's config did (a config.fish may load the hook too).
            let hook = fish_lazy(&shell.startup_script());
            argv.push(format!("--init-command={hook}__acct_guard").into());
        }
        None => {
            argv.extend(user_args);
            let name = Path::new(program)
                .file_name()
                .map_or(program.into(), |n| n.to_string_lossy());
            unsupported = Some(name.into_owned());
        }
    }
    argv.push("-i".into());
    Ok(Launch {
        argv,
        env,
        unsupported,
    })
}

/// The end of the `function` line of a fish function that is only for rare
/// cases (a config that changed the stage, a stage not in force).
const FISH_LAZY: &str = " # lazy";

/// fish parses every function acct hands it before the first prompt, at
/// about 450 instructions a byte; a quoted string costs a tenth of that. So
/// each function marked `# lazy` is handed over as a string, and a stub of
/// the same name that defines the function from it at its first call (and
/// calls it). No file: a shell that outlives its runtime directory still
/// finds it. `acct init fish` prints the functions as they are.
fn fish_lazy(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut lines = code.lines();
    while let Some(line) = lines.next() {
        let name = line
            .strip_suffix(FISH_LAZY)
            .and_then(|head| head.strip_prefix("function "))
            .and_then(|rest| rest.split_whitespace().next());
        let Some(name) = name else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let mut function = format!("{}\n", &line[..line.len() - FISH_LAZY.len()]);
        for body in lines.by_ref() {
            function.push_str(body);
            function.push('\n');
            if body == "end" {
                break;
            }
        }
        // In single quotes fish reads only `\\` and `\'` as escapes.
        let quoted = function.replace('\\', "\\\\").replace('\'', "\\'");
        out.push_str(&format!(
            "function {name}\nbuiltin echo '{quoted}' | builtin source\n{name} $argv\nend\n"
        ));
    }
    out
}

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
    fn fish_gets_rare_functions_as_strings_defined_at_their_first_call() {
        let script = Shell::Fish.script();
        let code = fish_lazy(&Shell::Fish.startup_script());
        for name in ["__acct_guard_each", "__acct_in_force_each"] {
            assert!(
                script.contains(&format!("function {name} ")),
                "{name} is in the script"
            );
            assert!(
                code.contains(&format!("function {name}\nbuiltin echo 'function {name} ")),
                "{name} is a stub"
            );
        }
        assert!(!code.contains(FISH_LAZY));
        assert!(code.len() > Shell::Fish.startup_script().len());
        let quoted =
            fish_lazy("function f --description 'it\\'s' # lazy\n    echo a\\\\b\nend\ng\n");
        let want = r#"function f
builtin echo 'function f --description \'it\\\'s\'
    echo a\\\\b
end
' | builtin source
f $argv
end
g
"#;
        assert_eq!(quoted, want);
    }

    #[test]
    fn other_shells_get_the_environment_and_a_name_for_the_warning() {
        let words = ["/bin/dash".to_string(), "-e".to_string()];
        let launch = launch(&words).unwrap();
        assert_eq!(launch.argv, ["/bin/dash", "-e", "-i"]);
        assert_eq!(launch.unsupported.as_deref(), Some("dash"));
        assert!(launch.env.is_empty());
    }
}
