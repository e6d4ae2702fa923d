//! `acct shell`: the user's real bash, zsh and fish on a pseudo-terminal, with
//! their own startup files (an alias, a prompt, a hook of their own), plus
//! the stage: its environment, its segment in front of their prompt, literal
//! even when it looks like code, and `exit N` back to the parent shell.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

use expectrl::Expect;
use expectrl::session::OsSession;

use crate::util::*;

/// A segment every shell would love to run or decode: command substitution,
/// backticks, zsh's `%n`, bash's `\u`, history's `!`.
const CONFIG: &str = include_str!("fixtures/shell.toml");

const SEGMENT: &str = "[cpco-testing $(touch pwned) `touch tick` %n \\u !]";

/// One user's shell and their own startup files. Everything they do is the
/// same in the three shells but the language; the tests below are shared.
struct UserShell {
    program: &'static str,
    /// Files under HOME: an alias `hello`, a prompt that shows the last
    /// status, and (bash, zsh) a prompt hook of their own that echoes it.
    files: &'static [(&'static str, &'static str)],
    /// The last command's status in this shell's language.
    status: &'static str,
    /// Code that enters a stage in the current shell, given `acct env`'s output.
    source_env: &'static str,
}

const BASH: UserShell = UserShell {
    program: "bash",
    files: &[(
        ".bashrc",
        r#"alias hello='echo hello-from-alias'
PS1='userprompt[$?]> '
PROMPT_COMMAND='echo "hook saw $?"'
HISTFILE=~/.bash_history_of_user
"#,
    )],
    status: "$?",
    source_env: r#"eval "$("$ACCT" env testing)""#,
};

/// zsh: the user's .zshenv moves ZDOTDIR, where their .zshrc lives.
const ZSH: UserShell = UserShell {
    program: "zsh",
    files: &[
        (".zshenv", "ZDOTDIR=$HOME/zdot\nexport FROM_ZSHENV=yes\n"),
        (
            "zdot/.zshrc",
            r#"alias hello='echo hello-from-alias'
setopt prompt_subst
PS1='userprompt[%?]> '
precmd() { echo "hook saw $?" }
"#,
        ),
    ],
    status: "$?",
    source_env: r#"eval "$("$ACCT" env testing)""#,
};

const FISH: UserShell = UserShell {
    program: "fish",
    files: &[
        (
            ".config/fish/config.fish",
            r#"alias hello='echo hello-from-alias'
set -g fish_greeting
function fish_prompt
    echo -n "userprompt[$status]> "
end
"#,
        ),
        (".config/fish/conf.d/user.fish", "set -gx FROM_CONF_D yes\n"),
    ],
    status: "$status",
    source_env: r#""$ACCT" env testing | source"#,
};

const SHELLS: [&UserShell; 3] = [&BASH, &ZSH, &FISH];

fn sandbox_for(shell: &UserShell) -> Sandbox {
    let sandbox = Sandbox::staged(CONFIG);
    for (path, text) in shell.files {
        std::fs::create_dir_all(sandbox.home.join(path).parent().unwrap()).unwrap();
        std::fs::write(sandbox.home.join(path), text).unwrap();
    }
    sandbox
}

/// The sandbox's environment for a user whose login shell is `shell`.
fn user_env(sandbox: &Sandbox, shell: &UserShell, cmd: &mut Command) {
    let program = crate::tools::by_name(shell.program);
    cmd.env("SHELL", program)
        .env("TERM", "xterm")
        .env("XDG_RUNTIME_DIR", &sandbox.root)
        .env("ACCT", ACCT);
}

/// `script` run by sh on a pseudo-terminal; it reports `status=N` at the end.
fn on_terminal(sandbox: &Sandbox, shell: &UserShell, script: &str) -> OsSession {
    let mut cmd = sandbox.command("sh");
    cmd.args(["-c", &format!("{script}; echo \"status=$?\"")]);
    user_env(sandbox, shell, &mut cmd);
    let mut session = pty(cmd, 20);
    // Wide enough for a nested prompt: fish shortens a prompt that does not fit.
    session
        .get_process_mut()
        .set_window_size(250, 40)
        .expect("window size");
    session
}

#[test]
fn a_stage_shell_is_the_users_own_shell_with_the_stage() {
    for shell in SHELLS {
        let sandbox = sandbox_for(shell);
        let mut s = on_terminal(&sandbox, shell, r#""$ACCT" shell testing"#);
        let first_prompt = format!("{SEGMENT} userprompt[0]> ");
        expect(&mut s, &first_prompt);

        send_and_expect(&mut s, "hello", "hello-from-alias");

        s.send_line(r#"echo "aws=$AWS_PROFILE stage=$STAGE pwd=$PWD""#)
            .unwrap();
        expect(
            &mut s,
            &format!(
                "aws=cpco-testing-admin stage=testing pwd={}",
                sandbox.work.display()
            ),
        );

        // acct's own startup plumbing is gone once the user's shell is up.
        send_and_expect(
            &mut s,
            r#"echo "plumbing=$(env | grep -c __ACCT_)""#,
            "plumbing=0",
        );

        // The last status reaches the user's hook and the user's prompt.
        s.send_line("false").unwrap();
        if shell.program != "fish" {
            expect(&mut s, "hook saw 1");
        }
        expect(&mut s, &format!("{SEGMENT} userprompt[1]> "));

        send_and_expect(&mut s, "exit 3", "status=3");
        for planted in ["pwned", "tick", "envpwned", "envtick", "envsemi", "envline"] {
            assert!(
                !sandbox.work.join(planted).exists(),
                "{}: the segment or an [env] value ran as code",
                shell.program
            );
        }
    }
}

#[test]
fn zsh_runs_the_users_startup_files_from_their_own_zdotdir() {
    let sandbox = sandbox_for(&ZSH);
    let mut s = on_terminal(&sandbox, &ZSH, r#""$ACCT" shell testing"#);
    s.send_line(r#"echo "zdotdir=$ZDOTDIR zshenv=$FROM_ZSHENV""#)
        .unwrap();
    expect(
        &mut s,
        &format!("zdotdir={} zshenv=yes", sandbox.home.join("zdot").display()),
    );
    send_and_expect(&mut s, "exit", "status=0");
}

#[test]
fn fish_runs_the_users_conf_d() {
    let sandbox = sandbox_for(&FISH);
    let mut s = on_terminal(&sandbox, &FISH, r#""$ACCT" shell testing"#);
    send_and_expect(&mut s, r#"echo "conf_d=$FROM_CONF_D""#, "conf_d=yes");
    send_and_expect(&mut s, "exit", "status=0");
}

#[test]
fn a_stage_shell_refuses_to_nest_unless_asked() {
    for shell in SHELLS {
        let sandbox = sandbox_for(shell);
        let mut s = on_terminal(&sandbox, shell, r#""$ACCT" shell testing"#);
        expect(&mut s, "userprompt[0]> ");
        let said = send_and_expect(
            &mut s,
            format!(r#""$ACCT" shell testing; echo "refused={}""#, shell.status),
            "refused=1",
        );
        assert!(
            said.contains("already inside stage `testing`") && said.contains("`exit`"),
            "{}: {said}",
            shell.program
        );
        assert!(said.contains("--nest"), "{}: {said}", shell.program);

        // Nested: the prompt shows the way in, and `exit` leads back out.
        s.send_line(r#""$ACCT" shell --nest --yes root"#).unwrap();
        expect(
            &mut s,
            "[cpco-testing $(touch pwned) `touch tick` %n \\u !]>[cpco-root $(touch pwned)",
        );
        send_and_expect(&mut s, r#"echo "inner=$STAGE""#, "inner=root");
        s.send_line("exit 4").unwrap();
        send_and_expect(
            &mut s,
            format!(r#"echo "outer=$STAGE after={}""#, shell.status),
            "outer=testing after=4",
        );
        send_and_expect(&mut s, "exit", "status=0");
    }
}

#[test]
fn a_protected_stage_asks_and_shows_its_segment_in_red_unless_no_color() {
    for shell in SHELLS {
        let sandbox = sandbox_for(shell);
        let mut s = on_terminal(&sandbox, shell, r#""$ACCT" shell root"#);
        expect(&mut s, "Type the stage name");
        s.send_line("root").unwrap();
        // Red from the segment's first character to its last, then reset
        // before the user's own prompt.
        expect(
            &mut s,
            "\x1b[31m[cpco-root $(touch pwned) `touch tick` %n \\u !]",
        );
        let between = expect(&mut s, "userprompt[0]> ");
        assert!(
            between.contains("\x1b[") && !between.contains("\x1b[31m"),
            "{}: no reset after the red segment: {between:?}",
            shell.program
        );
        send_and_expect(&mut s, "exit", "status=0");

        let mut s = on_terminal(&sandbox, shell, r#"NO_COLOR=1 "$ACCT" shell root"#);
        expect(&mut s, "Type the stage name");
        let before = send_and_expect(&mut s, "root", "[cpco-root $(touch pwned)");
        assert!(
            !before.contains("\x1b[31m"),
            "{}: red despite NO_COLOR: {before:?}",
            shell.program
        );
        send_and_expect(&mut s, "exit", "status=0");
    }
}

#[test]
fn a_wrong_answer_for_a_protected_stage_starts_no_shell() {
    let sandbox = sandbox_for(&BASH);
    let mut s = on_terminal(&sandbox, &BASH, r#""$ACCT" shell root"#);
    expect(&mut s, "Type the stage name");
    let seen = send_and_expect(&mut s, "prod", "status=1");
    assert_contains(&seen, "did not match");
    assert!(!seen.contains("userprompt"), "a shell started: {seen}");
}

#[test]
fn acct_init_puts_the_segment_into_the_everyday_prompt() {
    for shell in SHELLS {
        let sandbox = sandbox_for(shell);
        let (rc, hook) = match shell.program {
            "bash" => (".bashrc", r#"eval "$("$ACCT" init bash)""#),
            "zsh" => ("zdot/.zshrc", r#"eval "$("$ACCT" init zsh)""#),
            _ => (".config/fish/config.fish", r#""$ACCT" init fish | source"#),
        };
        let path = sandbox.home.join(rc);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(hook);
        text.push('\n');
        std::fs::write(&path, text).unwrap();

        let mut s = on_terminal(&sandbox, shell, shell.program);
        let before = expect(&mut s, "userprompt[0]> ");
        assert!(
            !before.contains("[cpco-"),
            "{}: a segment outside any stage",
            shell.program
        );
        send_and_expect(&mut s, shell.source_env, &format!("{SEGMENT} userprompt["));
        send_and_expect(&mut s, "exit 0", "status=0");
    }
}

/// acct started with a pipe on stdin and no terminal, as a script would.
pub(crate) fn shell_without_terminal(
    sandbox: &Sandbox,
    program: &str,
    input: &str,
) -> std::process::Output {
    let mut cmd = sandbox.acct();
    cmd.args(["shell", "testing"])
        .env("SHELL", program)
        .env("XDG_RUNTIME_DIR", &sandbox.root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn other_shells_get_the_environment_and_a_one_line_warning() {
    let sandbox = Sandbox::staged(CONFIG);
    for program in ["sh", "dash"] {
        let path = crate::tools::by_name(program);
        let out = shell_without_terminal(
            &sandbox,
            path.to_str().unwrap(),
            "echo \"stage=$STAGE aws=$AWS_PROFILE\"; exit 4\n",
        );
        assert_status(&out, 4);
        assert_text("stage=testing aws=cpco-testing-admin\n", &stdout(&out));
        let err = stderr(&out);
        let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("acct:")).collect();
        assert_eq!(warnings.len(), 1, "{program}: {}", stderr(&out));
        assert!(
            warnings[0].contains(&format!("no prompt integration for {program}")),
            "{}",
            warnings[0]
        );
    }
}

#[test]
fn startup_files_are_private_and_do_not_pile_up() {
    let sandbox = Sandbox::staged(CONFIG);
    for _ in 0..3 {
        for program in ["bash", "zsh", "fish"] {
            let program = crate::tools::by_name(program);
            let out = shell_without_terminal(&sandbox, program.to_str().unwrap(), "exit 0\n");
            assert_status(&out, 0);
        }
    }
    let dir = sandbox.root.join("acct");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "one bash rc file, one zsh dir: {names:?}");
    assert!(
        names[0].starts_with("acct-") && names[0].ends_with(".bash"),
        "{names:?}"
    );
    assert!(names[1].starts_with("zsh-"), "{names:?}");
    let zdotdir = dir.join(&names[1]);
    assert_eq!(mode(&zdotdir), 0o700);
    for file in [
        dir.join(&names[0]),
        zdotdir.join(".zshenv"),
        zdotdir.join(".zshrc"),
    ] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("cpco"), "stage values in {}", file.display());
    }
    // The two files, and what zsh loads instead (tests/shell_zsh_compiled.rs).
    assert_eq!(std::fs::read_dir(&zdotdir).unwrap().count(), 4);
}

/// The user's rc file in each shell, under HOME.
fn rc_file(shell: &UserShell) -> &'static str {
    match shell.program {
        "bash" => ".bashrc",
        "zsh" => "zdot/.zshrc",
        _ => ".config/fish/config.fish",
    }
}

/// Append `line` to the user's rc file.
fn append_to_rc(sandbox: &Sandbox, shell: &UserShell, line: &str) {
    let path = sandbox.home.join(rc_file(shell));
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(line);
    text.push('\n');
    std::fs::write(&path, text).unwrap();
}

/// A sandbox whose config says `prompt = ...` (nothing for `None`).
fn sandbox_with_prompt(shell: &UserShell, prompt: Option<bool>) -> Sandbox {
    let sandbox = sandbox_for(shell);
    if let Some(on) = prompt {
        sandbox.write_user_config(&format!("prompt = {on}\n{CONFIG}"));
    }
    sandbox
}

/// The starship configuration the README shows, as written there.
fn readme_starship_toml() -> &'static str {
    let readme = include_str!("../README.md");
    let start = readme
        .find("# ~/.config/starship.toml\n")
        .expect("the README shows a starship.toml");
    let rest = &readme[start..];
    &rest[..rest
        .find("```")
        .expect("the end of the README's starship.toml")]
}

/// A user whose rc file runs a real starship with the README's `env_var`
/// configuration; starship's prompt ends in `❯`.
fn with_starship(sandbox: &Sandbox, shell: &UserShell) {
    let starship = crate::tools::starship();
    let starship = starship.to_str().unwrap();
    let config = sandbox.home.join(".config/starship.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, readme_starship_toml()).unwrap();
    let init = match shell.program {
        "fish" => format!("'{starship}' init fish | source"),
        name => format!(r#"eval "$('{starship}' init {name})""#),
    };
    append_to_rc(sandbox, shell, &init);
}

/// How often the stage shows in one prompt: starship's `[testing]` (from
/// `ACCT_STAGE`, the README's `env_var` module) and acct's `[cpco-testing ...]`.
fn stage_shown(prompt: &str) -> (usize, usize) {
    (
        prompt.matches("[testing]").count(),
        prompt.matches("[cpco-testing").count(),
    )
}

#[test]
fn under_starship_the_stage_shows_once_unless_prompt_is_true() {
    for prompt in [None, Some(false), Some(true)] {
        for shell in SHELLS {
            let sandbox = sandbox_with_prompt(shell, prompt);
            with_starship(&sandbox, shell);
            let mut s = on_terminal(&sandbox, shell, r#""$ACCT" shell testing"#);
            let want = if prompt == Some(true) { (1, 1) } else { (1, 0) };
            let first = expect(&mut s, "❯");
            assert_eq!(
                stage_shown(&first),
                want,
                "{} with prompt = {prompt:?}: the first prompt {first:?}",
                shell.program
            );
            send_and_expect(
                &mut s,
                r#"echo "aws=$AWS_PROFILE""#,
                "aws=cpco-testing-admin",
            );
            let next = expect(&mut s, "❯");
            assert_eq!(
                stage_shown(&next),
                want,
                "{} with prompt = {prompt:?}: the next prompt {next:?}",
                shell.program
            );
            send_and_expect(&mut s, "exit 5", "status=5");
        }
    }
}

#[test]
fn acct_init_under_starship_leaves_the_stage_to_starship() {
    for shell in SHELLS {
        let sandbox = sandbox_for(shell);
        // acct's hook first: starship's, loaded after it, draws the prompt.
        let hook = match shell.program {
            "fish" => r#""$ACCT" init fish | source"#.to_string(),
            name => format!(r#"eval "$("$ACCT" init {name})""#),
        };
        append_to_rc(&sandbox, shell, &hook);
        with_starship(&sandbox, shell);
        let mut s = on_terminal(&sandbox, shell, shell.program);
        let first = expect(&mut s, "❯");
        assert_eq!(stage_shown(&first), (0, 0), "{}: {first:?}", shell.program);
        let next = send_and_expect(&mut s, shell.source_env, "❯");
        let next = next.rsplit(shell.source_env).next().unwrap_or(&next);
        assert_eq!(stage_shown(next), (1, 0), "{}: {next:?}", shell.program);
        send_and_expect(&mut s, "exit 0", "status=0");
    }
}

#[test]
fn prompt_false_leaves_the_prompt_alone_and_still_guards_the_stage() {
    for shell in SHELLS {
        let sandbox = sandbox_with_prompt(shell, Some(false));
        // The user's own prompt, acct's everyday hook (which must not add
        // the segment either), and a profile of their own that the guard
        // must put back.
        let (hook, export) = match shell.program {
            "fish" => (
                r#""$ACCT" init fish | source"#.to_string(),
                "set -gx AWS_PROFILE personal",
            ),
            name => (
                format!(r#"eval "$("$ACCT" init {name})""#),
                "export AWS_PROFILE=personal",
            ),
        };
        append_to_rc(&sandbox, shell, &hook);
        append_to_rc(&sandbox, shell, export);
        let mut s = on_terminal(&sandbox, shell, r#""$ACCT" shell testing"#);
        let before = expect(&mut s, "userprompt[0]> ");
        assert!(
            before.contains("set AWS_PROFILE; put back as stage testing has it"),
            "{}: no guard: {before:?}",
            shell.program
        );
        assert!(
            !before.contains("[cpco-"),
            "{}: a segment despite prompt = false: {before:?}",
            shell.program
        );
        send_and_expect(
            &mut s,
            r#"echo "aws=$AWS_PROFILE stage=$ACCT_STAGE""#,
            "aws=cpco-testing-admin stage=testing",
        );
        send_and_expect(
            &mut s,
            r#"echo "plumbing=$(env | grep -c __ACCT_)""#,
            "plumbing=0",
        );
        let next = expect(&mut s, "userprompt[0]> ");
        assert!(!next.contains("[cpco-"), "{}: {next:?}", shell.program);
        send_and_expect(&mut s, "exit", "status=0");
    }
}
