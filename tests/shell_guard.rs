//! Stale identities cannot come back inside a stage shell: a user's
//! `~/.bashrc`, `.zshenv`/`.zshrc` or `config.fish` that exports a key or
//! another AWS_PROFILE, or a fish universal variable, is undone after their
//! startup files, said once on stderr, and STS answers as the stage.

use expectrl::Expect;

use crate::moto::Moto;
use crate::tools;
use crate::util::*;

const CONFIG: &str = r#"
namespace = "cpco"
region = "us-west-2"
topology = "single"

[stages.testing]

[stages.root]
account_id = "323330167063"
"#;

/// A user whose startup files export a stale key and their own profile.
struct Rc {
    program: &'static str,
    files: &'static [(&'static str, &'static str)],
    /// The file the warning names.
    blamed: &'static str,
}

const RCS: [Rc; 3] = [
    Rc {
        program: "bash",
        files: &[(
            ".bashrc",
            "export AWS_ACCESS_KEY_ID=AKIASTALEBASHRC0001 AWS_SECRET_ACCESS_KEY=stale\nexport AWS_PROFILE=personal\n",
        )],
        blamed: "~/.bashrc",
    },
    Rc {
        program: "zsh",
        files: &[
            (".zshenv", "export AWS_PROFILE=personal\n"),
            (
                ".zshrc",
                "export AWS_ACCESS_KEY_ID=AKIASTALEZSHRC00001 AWS_SECRET_ACCESS_KEY=stale\n",
            ),
        ],
        blamed: "~/.zshrc",
    },
    Rc {
        program: "fish",
        files: &[(
            ".config/fish/config.fish",
            "set -g fish_greeting\nset -gx AWS_ACCESS_KEY_ID AKIASTALEFISHRC0001\nset -gx AWS_PROFILE personal\n",
        )],
        blamed: "your fish config",
    },
];

#[test]
fn startup_files_cannot_bring_back_a_stale_identity() {
    let moto = Moto::proxy();
    for rc in &RCS {
        let sandbox = Sandbox::staged(CONFIG);
        sandbox.write_aws_files();
        for (path, text) in rc.files {
            std::fs::create_dir_all(sandbox.home.join(path).parent().unwrap()).unwrap();
            std::fs::write(sandbox.home.join(path), text).unwrap();
        }
        let mut cmd = sandbox.command(tools::by_name("sh"));
        cmd.args(["-c", "\"$ACCT\" shell testing; echo \"status=$?\""])
            .env("SHELL", tools::by_name(rc.program))
            .env("TERM", "dumb")
            .env("XDG_RUNTIME_DIR", &sandbox.root)
            .env("ACCT", ACCT)
            .env("AWS", tools::aws_v2())
            .env("AWS_PAGER", "");
        moto.configure(&mut cmd);
        let mut s = pty(cmd, 30);

        let warning = expect(&mut s, "[cpco-testing]");
        assert!(
            warning.contains(&format!("acct: {}", rc.blamed))
                && warning.contains("AWS_ACCESS_KEY_ID"),
            "{}: no warning naming the file and the variable:\n{warning}",
            rc.program
        );
        assert!(warning.contains("AWS_PROFILE"), "{}: {warning}", rc.program);
        assert_eq!(
            warning.matches("acct: ").count(),
            if rc.program == "zsh" { 2 } else { 1 },
            "{}: said once per file:\n{warning}",
            rc.program
        );

        send_and_expect(
            &mut s,
            r#"echo "key=[$AWS_ACCESS_KEY_ID] profile=$AWS_PROFILE""#,
            "key=[] profile=cpco-testing-admin",
        );
        s.send_line(r#""$AWS" sts get-caller-identity --query Arn --output text"#)
            .unwrap();
        expect(
            &mut s,
            "arn:aws:sts::323330167063:assumed-role/cpco-root-admin/",
        );
        send_and_expect(&mut s, "exit 0", "status=0");
    }
}

#[test]
fn a_fish_universal_key_is_hidden_from_the_stage_and_kept_for_other_sessions() {
    let sandbox = Sandbox::staged(CONFIG);
    let fish = tools::fish();
    let universal = |script: &str| {
        let out = sandbox
            .command(&fish)
            .args(["-c", script])
            .output()
            .unwrap();
        assert_status(&out, 0);
        stdout(&out)
    };
    universal("set -Ux AWS_ACCESS_KEY_ID AKIAUNIVERSAL000001");

    let mut cmd = sandbox.command(tools::by_name("sh"));
    cmd.args(["-c", "\"$ACCT\" shell testing; echo \"status=$?\""])
        .env("SHELL", &fish)
        .env("TERM", "dumb")
        .env("XDG_RUNTIME_DIR", &sandbox.root)
        .env("ACCT", ACCT);
    let mut s = pty(cmd, 30);
    let warning = expect(&mut s, "[cpco-testing]");
    assert_contains(
        &warning,
        "universal variables (set -Ux) set AWS_ACCESS_KEY_ID",
    );
    send_and_expect(
        &mut s,
        "echo count=(env | grep -c AKIAUNIVERSAL)",
        "count=0",
    );
    send_and_expect(&mut s, "exit 0", "status=0");

    // Another session of the user still has it.
    assert_eq!(
        universal("set -q -U AWS_ACCESS_KEY_ID; and echo $AWS_ACCESS_KEY_ID"),
        "AKIAUNIVERSAL000001\n"
    );
}

#[test]
fn a_configured_shell_is_the_shell_inside_and_acct_env_speaks_it() {
    let fish = tools::fish();
    let sandbox = Sandbox::staged(&format!(
        "shell = {:?}\n{CONFIG}",
        fish.display().to_string()
    ));
    let out = crate::shell::shell_without_terminal(
        &sandbox,
        tools::bash().to_str().unwrap(),
        &format!(
            "echo shell=$SHELL\n{ACCT} env root | string match -r '^set -gx STAGE .*'\nexit 0\n"
        ),
    );
    let text = stdout(&out);
    assert!(
        text.contains(&format!("shell={}", fish.display())),
        "{text}\n{}",
        stderr(&out)
    );
    assert!(
        text.contains("set -gx STAGE 'root'"),
        "{text}\n{}",
        stderr(&out)
    );
}

/// A red team's values in what the guard puts back: a prompt format with a
/// command substitution, backticks, quotes and a backslash. A startup file
/// that changes the segment and the profile gets both put back byte for
/// byte by the guard's long way (bash reads acct's values as quoted words,
/// fish as tokens, zsh from a variable each), and nothing in them runs.
#[test]
fn hostile_values_are_put_back_as_they_are_and_never_run() {
    for (program, rc, text) in [
        (
            "bash",
            ".bashrc",
            "export ACCT_PROMPT=other AWS_PROFILE=personal\n",
        ),
        (
            "zsh",
            ".zshrc",
            "export ACCT_PROMPT=other AWS_PROFILE=personal\n",
        ),
        (
            "fish",
            ".config/fish/config.fish",
            "set -g fish_greeting\nset -gx ACCT_PROMPT other\nset -gx AWS_PROFILE personal\n",
        ),
    ] {
        let probe = tempfile::tempdir().unwrap();
        let ran = probe.path().join("ran");
        let segment = format!(
            "[{{namespace}}-{{stage}} $(touch {0}) `touch {0}` ' \\\" \\\\]",
            ran.display()
        );
        let sandbox = Sandbox::staged(&format!("prompt_format = \"{segment}\"\n{CONFIG}"));
        std::fs::create_dir_all(sandbox.home.join(rc).parent().unwrap()).unwrap();
        std::fs::write(sandbox.home.join(rc), text).unwrap();
        let mut cmd = sandbox.command(tools::by_name("sh"));
        cmd.args(["-c", "\"$ACCT\" shell testing; echo \"status=$?\""])
            .env("SHELL", tools::by_name(program))
            .env("TERM", "dumb")
            .env("XDG_RUNTIME_DIR", &sandbox.root)
            .env("ACCT", ACCT);
        let mut s = pty(cmd, 30);
        let warning = expect(&mut s, "[cpco-testing $(touch");
        assert!(
            warning.contains("ACCT_PROMPT") && warning.contains("AWS_PROFILE"),
            "{program}: {warning}"
        );
        let rendered = format!(
            "[cpco-testing $(touch {0}) `touch {0}` ' \" \\]",
            ran.display()
        );
        send_and_expect(
            &mut s,
            "echo \"v=$ACCT_PROMPT=v p=$AWS_PROFILE\"",
            &format!("v={rendered}=v p=cpco-testing-admin"),
        );
        send_and_expect(&mut s, "exit 0", "status=0");
        assert!(!ran.exists(), "{program}: a value ran as code");
    }
}
