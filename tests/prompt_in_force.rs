//! The prompt never shows a stage that is not in force: inside a stage
//! shell, a nested shell whose rc exports `AWS_PROFILE=personal`, and a
//! prompt hook of the person's that does the same later, turn the segment
//! into `[cpco-testing ≠ AWS_PROFILE=personal]` (red) at the next prompt,
//! in bash, zsh and fish alike; the plain segment comes back when the
//! variable does.

use crate::tools;
use crate::util::*;

/// A person whose startup files load acct's hook, export their own
/// profile, and run a prompt hook that exports it again once `~/switch`
/// exists (as a direnv hook or a `PROMPT_COMMAND` would).
struct Rc {
    program: &'static str,
    file: &'static str,
    text: &'static str,
}

const RCS: [Rc; 3] = [
    Rc {
        program: "bash",
        file: ".bashrc",
        text: "export AWS_PROFILE=personal\n\
               PROMPT_COMMAND='if [ -e ~/switch ]; then export AWS_PROFILE=personal; fi'\n\
               eval \"$(\"$ACCT\" init bash)\"\n",
    },
    Rc {
        program: "zsh",
        file: ".zshrc",
        text: "export AWS_PROFILE=personal\n\
               use_personal() { if [[ -e ~/switch ]]; then export AWS_PROFILE=personal; fi }\n\
               precmd_functions+=(use_personal)\n\
               eval \"$(\"$ACCT\" init zsh)\"\n",
    },
    Rc {
        program: "fish",
        file: ".config/fish/config.fish",
        text: "set -g fish_greeting\n\
               set -gx AWS_PROFILE personal\n\
               function use_personal --on-event fish_prompt\n\
               \x20   test -e ~/switch; and set -gx AWS_PROFILE personal\n\
               end\n\
               \"$ACCT\" init fish | source\n",
    },
];

const MISMATCH: &str = "[cpco-testing ≠ AWS_PROFILE=personal]";

#[test]
fn a_profile_changed_inside_a_stage_shell_shows_in_the_prompt() {
    for rc in &RCS {
        let sandbox = Sandbox::with_config(SINGLE);
        sandbox.write_aws_files();
        let rc_path = sandbox.home.join(rc.file);
        std::fs::create_dir_all(rc_path.parent().unwrap()).unwrap();
        std::fs::write(&rc_path, rc.text).unwrap();
        let shell = tools::by_name(rc.program);
        let mut cmd = sandbox.command(tools::by_name("sh"));
        cmd.args(["-c", "\"$ACCT\" shell testing; echo \"status=$?\""])
            .env("SHELL", &shell)
            .env("TERM", "dumb")
            .env("XDG_RUNTIME_DIR", &sandbox.root)
            .env("ACCT", ACCT);
        let mut s = pty(cmd, 30);

        // The stage shell's own rc export is put back by the guard: in force.
        let start = expect(&mut s, "[cpco-testing] ");
        assert!(!start.contains('≠'), "{}: {start}", rc.program);

        // A nested shell reads the rc again; nothing puts the profile back,
        // so the prompt says what commands would run as.
        let nested = send_and_expect(&mut s, shell.to_str().unwrap(), MISMATCH);
        if rc.program == "bash" {
            assert!(
                nested.ends_with("\u{1b}[31m"),
                "bash: the mismatch is not red: {nested:?}"
            );
        }
        send_and_expect(&mut s, "echo \"in=$AWS_PROFILE\"", "in=personal");
        send_and_expect(&mut s, "exit", "[cpco-testing] ");

        // A prompt hook of the person's exports it at a later prompt.
        send_and_expect(&mut s, "touch ~/switch", MISMATCH);
        // Back as entered: the plain segment again.
        send_and_expect(
            &mut s,
            "rm ~/switch; export AWS_PROFILE=cpco-testing-admin",
            "[cpco-testing] ",
        );
        send_and_expect(&mut s, "exit 0", "status=0");
    }
}

#[test]
fn acct_prompt_says_what_is_not_in_force() {
    let sandbox = Sandbox::with_config(SINGLE);
    sandbox.write_aws_files();
    let out = sandbox
        .command(tools::bash())
        .args([
            "-c",
            "eval \"$(\"$ACCT\" env testing)\"; \"$ACCT\" prompt; export AWS_ACCESS_KEY_ID=AKIAOTHER; \"$ACCT\" prompt",
        ])
        .env("ACCT", ACCT)
        .output()
        .unwrap();
    assert_status(&out, 0);
    assert_text(
        "[cpco-testing]\n[cpco-testing ≠ AWS_ACCESS_KEY_ID]\n",
        &stdout(&out),
    );
}
