//! The prompt hooks as scripts: linted (shellcheck, `zsh -n`, `fish -n`), run
//! by shells in their strictest modes, and `acct prompt` / `acct init`.

use std::process::Output;

use crate::util::*;

const SCRIPTS: [(&str, &str); 3] = [
    ("bash", "shells/acct.bash"),
    ("zsh", "shells/acct.zsh"),
    ("fish", "shells/acct.fish"),
];

fn init(sandbox: &Sandbox, args: &[&str]) -> String {
    let out = sandbox.acct().arg("init").args(args).output().unwrap();
    assert_status(&out, 0);
    stdout(&out)
}

#[track_caller]
fn assert_quiet(what: &str, out: &Output) {
    assert!(
        out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
        "{what} is not clean: {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status,
        stdout(out),
        stderr(out)
    );
}

/// shellcheck, or the shell's own syntax check.
fn lint(sandbox: &Sandbox, shell: &str, code: &str, shellcheck_all: bool) -> Output {
    let mut cmd = match shell {
        "bash" => {
            let mut cmd = sandbox.command("shellcheck");
            if shellcheck_all {
                cmd.arg("--enable=all");
            }
            cmd.args(["--shell=bash", "-"]);
            cmd
        }
        "zsh" => {
            let mut cmd = sandbox.command("zsh");
            cmd.args(["--no-rcs", "-n"]);
            cmd
        }
        _ => {
            let mut cmd = sandbox.command("fish");
            cmd.args(["--no-config", "-n"]);
            cmd
        }
    };
    output_with_input(&mut cmd, code.as_bytes())
}

#[test]
fn the_scripts_and_what_acct_init_prints_pass_the_linters() {
    let sandbox = Sandbox::new();
    for (shell, file) in SCRIPTS {
        let script = std::fs::read_to_string(repo_file(file)).unwrap();
        // What acct prints is the file with acct's own numbers written in:
        // the seconds left under which `{left}` turns red, and the uptime
        // second no machine reaches (fish keeps an expired text until it).
        assert_text(
            &script
                .replace("@LEFT_WARN_SECONDS@", "900")
                .replace("@LEFT_NEVER@", "999999999999"),
            &init(&sandbox, &[shell, "--print-full-init"]),
        );
        assert_quiet(file, &lint(&sandbox, shell, &script, true));
        let loader = init(&sandbox, &[shell]);
        assert!(loader.contains(ACCT), "{loader}");
        // The default checks: the optional SC2312 asks to split the `eval`
        // line in two, which would defeat it being one line.
        assert_quiet(
            &format!("acct init {shell}"),
            &lint(&sandbox, shell, &loader, false),
        );
    }
}

/// bash's prompt as drawn (`${PS1@P}`) after the hook ran, in `set -eu`
/// mode, after the status the hook handed on from a failed command.
fn bash_prompt(sandbox: &Sandbox, setup: &str, segment: &str) -> String {
    let script = format!(
        r#"set -euo pipefail
eval "$("$ACCT" init bash)"
{setup}
PS1='user> '
kept=0
false || __acct_prompt_hook || kept=$?
printf '%s|%s' "$kept" "${{PS1@P}}""#
    );
    let out = sandbox
        .command("bash")
        .args(["--noprofile", "--norc", "-c", &script])
        .env("ACCT", ACCT)
        .env("ACCT_PROMPT", segment)
        .output()
        .unwrap();
    assert_status(&out, 0);
    stdout(&out)
}

#[test]
fn bash_draws_the_segment_literally_with_or_without_promptvars() {
    let sandbox = Sandbox::new();
    let hostile = r"[x $(echo RAN) `echo RAN` \u \w ! ${HOME}]";
    for setup in [
        "",
        "shopt -u promptvars",
        "shopt -u promptvars; set -o posix",
    ] {
        assert_text(
            &format!("1|{hostile} user> "),
            // \[ and \] are drawn as \x01 and \x02 around the (empty) colour.
            &bash_prompt(&sandbox, setup, hostile).replace(['\x01', '\x02'], ""),
        );
    }
}

/// The hooks write the in-force test with the list's names in its code,
/// so each writes one only for a list of identifiers (`NAME` or `NAME=`),
/// whoever calls it: a list holding code makes none, and nothing in it
/// runs.
#[test]
fn no_hook_writes_an_in_force_test_for_a_list_that_is_not_plain_names() {
    let sandbox = Sandbox::new();
    let runs = sandbox.root.join("ran");
    let hostile = [
        "AWS_PROFILE= A=$(touch${IFS}RAN)",
        "X=`touch RAN`=",
        "A[$(touch${IFS}RAN)]=",
        "AWS_PROFILE=; touch RAN #",
    ];
    let scripts = [
        (
            "bash",
            r#"eval "$("$ACCT" init bash --print-full-init)"; __acct_if_made=''; __acct_in_force_holds; echo "made=[$__acct_if_made]""#,
        ),
        (
            "zsh",
            r#"eval "$("$ACCT" init zsh --print-full-init)"; __acct_in_force_holds; echo "made=[${+functions[__acct_if_fast]}]""#,
        ),
        (
            "fish",
            r#"$ACCT init fish --print-full-init | source; functions -e __acct_if_fast; __acct_in_force_holds; echo "made=["(functions -q __acct_if_fast; and echo 1; or echo 0)"]""#,
        ),
    ];
    for (shell, script) in scripts {
        for list in hostile {
            let list = list.replace("RAN", &runs.display().to_string());
            let mut cmd = sandbox.command(shell);
            match shell {
                "bash" => cmd.args(["--noprofile", "--norc", "-c", script]),
                "zsh" => cmd.args(["-f", "-c", script]),
                _ => cmd.args(["--no-config", "-c", script]),
            };
            let out = cmd
                .env("ACCT", ACCT)
                .env("ACCT_IN_FORCE", &list)
                .output()
                .unwrap();
            let made = if shell == "bash" {
                "made=[]"
            } else {
                "made=[0]"
            };
            assert_contains(&stdout(&out), made);
            assert!(!runs.exists(), "{shell}: {list} ran");
        }
    }
}

/// Only the rc file acct writes for a stage shell reads the rare
/// functions' text from `__ACCT_BASH_LAZY`: a hook loaded by `acct init
/// bash` never runs such text inherited from its environment.
#[test]
fn bash_never_runs_rare_function_text_it_inherits() {
    let sandbox = Sandbox::new();
    let script = r#"eval "$("$ACCT" init bash)"
__acct_lazy __acct_in_force
printf 'lazy=[%s]' "${__ACCT_BASH_LAZY-}""#;
    let out = sandbox
        .command("bash")
        .args(["--noprofile", "--norc", "-c", script])
        .env("ACCT", ACCT)
        .env("ACCT_IN_FORCE", "AWS_PROFILE")
        .env("__ACCT_BASH_LAZY", "__acct_in_force() { echo HIJACKED; }")
        .output()
        .unwrap();
    assert_status(&out, 0);
    assert_text("lazy=[]", &stdout(&out));
}

#[test]
fn the_hooks_are_idempotent_and_keep_the_users_hooks() {
    let sandbox = Sandbox::new();
    let script = r#"set -eu
PROMPT_COMMAND='user_hook'
eval "$("$ACCT" init bash)"
eval "$("$ACCT" init bash)"
printf '%s,' "${PROMPT_COMMAND[@]}""#;
    let out = sandbox
        .command("bash")
        .args(["--noprofile", "--norc", "-c", script])
        .env("ACCT", ACCT)
        .output()
        .unwrap();
    assert_text("user_hook,__acct_prompt_hook,", &stdout(&out));

    let script = r#"precmd_functions=(user_hook)
eval "$("$ACCT" init zsh)"
eval "$("$ACCT" init zsh)"
print -r -- "${(j:,:)precmd_functions}""#;
    let out = sandbox
        .command("zsh")
        .args(["--no-rcs", "-u", "-c", script])
        .env("ACCT", ACCT)
        .output()
        .unwrap();
    assert_text("user_hook,__acct_precmd\n", &stdout(&out));

    let script = r#"function fish_prompt; echo -n 'user> '; end
"$ACCT" init fish | source
"$ACCT" init fish | source
fish_prompt"#;
    let out = sandbox
        .command("fish")
        .args(["--no-config", "-c", script])
        .env("ACCT", ACCT)
        .env("ACCT_PROMPT", "[cpco-testing]")
        .output()
        .unwrap();
    assert_text("[cpco-testing] user> ", &stdout(&out));
}

#[test]
fn acct_init_with_a_shell_prints_a_hook_and_never_writes_a_config() {
    let sandbox = Sandbox::new();
    // A shell and starter-config options do not mix: nothing is written.
    let out = sandbox.run(&["init", "bash", "--namespace", "cpco", "--force"]);
    assert_status(&out, 2);
    assert!(stderr(&out).starts_with("acct: "), "{}", stderr(&out));
    assert!(!sandbox.user_config().exists());
    let out = sandbox.run(&["init", "bash"]);
    assert_status(&out, 0);
    assert_contains(&stdout(&out), "init bash --print-full-init");
    assert!(
        !sandbox.user_config().exists(),
        "acct init bash wrote a config"
    );
}

#[test]
fn acct_prompt_prints_the_active_segment_from_the_environment() {
    // No config at all: the prompt must not depend on one.
    let sandbox = Sandbox::new();
    let out = sandbox
        .acct()
        .arg("prompt")
        .env("ACCT_STAGE", "prod")
        .env("ACCT_PROMPT", "[cpco-prod $(x)]\x1b]0;title\x07")
        .output()
        .unwrap();
    assert_status(&out, 0);
    assert_text("[cpco-prod $(x)]]0;title\n", &stdout(&out));

    let out = sandbox.run(&["prompt"]);
    assert_status(&out, 0);
    assert_text("", &stdout(&out));
}
