//! `acct completions`: real bash and zsh on a terminal complete stage names
//! from the config discovery finds, fish lists them, a stage added later
//! completes without regenerating the script, and completing never prints
//! an error.

use std::path::Path;
use std::process::Command;

use expectrl::Expect;

use crate::util::*;

/// PATH with the built acct first, so the typed `acct` is the one under test.
fn path_with_acct() -> String {
    let dir = Path::new(ACCT).parent().unwrap();
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn generate(sandbox: &Sandbox, shell: &str, file: &str) -> std::path::PathBuf {
    let out = sandbox.run(&["completions", shell]);
    assert_status(&out, 0);
    sandbox.write(file, &stdout(&out))
}

fn spawn(mut cmd: Command) -> expectrl::session::OsSession {
    cmd.env("TERM", "dumb");
    pty(cmd, 20)
}

/// Type `acct exec PREFIX<TAB>` and run the completed line; the stage it ran
/// in is printed as `in=STAGE`.
fn complete_and_run(session: &mut expectrl::session::OsSession, prefix: &str, stage: &str) {
    // The line editor handles keys in order: the TAB's completion is done
    // before the rest of the line is read.
    session.send(format!("acct exec {prefix}\t")).unwrap();
    session.send_line(" -- sh -c 'echo in=$STAGE'").unwrap();
    session.expect(format!("in={stage}")).unwrap();
}

/// Type `acct shell PREFIX<TAB>`, enter the stage shell (sh: no SHELL in the
/// sandbox), report the stage from inside it, and leave.
fn complete_shell(session: &mut expectrl::session::OsSession, prefix: &str, stage: &str) {
    session.send(format!("acct shell {prefix}\t")).unwrap();
    session.send_line("").unwrap();
    // Type into the stage shell only once it is up: zsh drops typeahead.
    session.expect("no prompt integration for sh").unwrap();
    session.send_line("echo in-shell=$STAGE; exit").unwrap();
    session.expect(format!("in-shell={stage}")).unwrap();
}

const WITH_QA: &str = "\n[stages.qa]\n";

#[test]
fn bash_completes_stage_names_from_the_config() {
    let sandbox = Sandbox::staged(SINGLE);
    let script = generate(&sandbox, "bash", "acct.bash");
    let mut cmd = sandbox.command("bash");
    cmd.args(["--noprofile", "--norc", "-i"])
        .env("PATH", path_with_acct())
        .env("PS1", "$ ");
    let mut session = spawn(cmd);
    session
        .send_line(format!("source '{}'", script.display()))
        .unwrap();
    complete_and_run(&mut session, "te", "testing");
    complete_shell(&mut session, "te", "testing");

    // A stage added to the config completes at once.
    sandbox.write_user_config(&format!("{SINGLE}{WITH_QA}"));
    sandbox.write_block();
    complete_and_run(&mut session, "q", "qa");
}

/// Debian's bash-completion, as a person has it: it loads acct's script
/// from `~/.local/share/bash-completion/completions` (where install.sh puts
/// it) at the first TAB after `acct`, and stage names complete for doctor
/// and for each name of `exec --each`'s list.
#[test]
fn bash_completion_loads_the_script_and_completes_stages_everywhere() {
    let loader = Path::new("/usr/share/bash-completion/bash_completion");
    assert!(
        loader.is_file(),
        "missing test tool bash-completion: run ./test.sh, which installs it (apt-get install bash-completion)"
    );
    // No MFA device: --each runs the stages without asking anything.
    let config = SINGLE.replace(
        "mfa_serial = \"arn:aws:iam::323330167063:mfa/admin@example.com\"\n",
        "",
    );
    let sandbox = Sandbox::staged(&config);
    generate(
        &sandbox,
        "bash",
        "home/.local/share/bash-completion/completions/acct",
    );
    sandbox.write(
        "home/.bashrc",
        &format!("source {}\nPS1='$ '\n", loader.display()),
    );
    let mut cmd = sandbox.command("bash");
    cmd.args(["--noprofile", "-i"])
        .env("PATH", path_with_acct());
    let mut session = spawn(cmd);
    // Type once readline is up: a TAB typed ahead is read as text.
    session.expect("$ ").unwrap();
    session.send("acct doctor te\t").unwrap();
    session.send_line("").unwrap();
    // Completed, doctor checks testing; not, it refuses the stage `te`.
    expect(&mut session, "stage testing");
    session.send("acct exec --each testing,r\t").unwrap();
    send_and_expect(&mut session, " -- sh -c 'echo in=$STAGE'", "in=root");
}

#[test]
fn zsh_completes_stage_names_when_autoloaded_from_fpath() {
    let sandbox = Sandbox::staged(SINGLE);
    let functions = sandbox.root.join("zsh-functions");
    generate(&sandbox, "zsh", "zsh-functions/_acct");
    let zdotdir = sandbox.root.join("zdotdir");
    sandbox.write("zdotdir/.zshenv", "unsetopt GLOBAL_RCS\n");
    sandbox.write(
        "zdotdir/.zshrc",
        &format!(
            "fpath=('{}' $fpath)\nautoload -Uz compinit\ncompinit -u -D\nPS1='%% '\n",
            functions.display()
        ),
    );
    let mut cmd = sandbox.command("zsh");
    cmd.arg("-i")
        .env("ZDOTDIR", &zdotdir)
        .env("PATH", path_with_acct());
    let mut session = spawn(cmd);
    complete_and_run(&mut session, "te", "testing");
    complete_shell(&mut session, "te", "testing");
    sandbox.write_user_config(&format!("{SINGLE}{WITH_QA}"));
    sandbox.write_block();
    complete_and_run(&mut session, "q", "qa");
    // doctor takes stage names too: completed, it checks testing; not, it
    // would refuse the stage `te`.
    session.send("acct doctor te\t").unwrap();
    send_and_expect(&mut session, "", "stage testing");
}

/// fish's `complete -C LINE` after sourcing the generated script, in `dir`.
fn fish_complete(sandbox: &Sandbox, line: &str, dir: &Path) -> std::process::Output {
    let script = generate(sandbox, "fish", "acct.fish");
    sandbox
        .command("fish")
        .args(["--no-config", "-c"])
        .arg(format!(
            "source '{}'; complete -C '{line}'",
            script.display()
        ))
        .env("PATH", path_with_acct())
        .current_dir(dir)
        .output()
        .unwrap()
}

fn first_fields(output: &std::process::Output) -> Vec<String> {
    stdout(output)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn fish_lists_stage_names_with_their_profiles() {
    let sandbox = Sandbox::with_config(SINGLE);
    for line in [
        "acct exec te",
        "acct shell te",
        "acct env te",
        "acct console te",
        "acct doctor te",
        "acct exec --each te",
    ] {
        let out = fish_complete(&sandbox, line, &sandbox.work);
        assert_status(&out, 0);
        assert_text("testing\tcpco-testing-admin\n", &stdout(&out));
    }
    let out = fish_complete(&sandbox, "acct exec --each testing,r", &sandbox.work);
    assert_eq!(first_fields(&out), ["testing,root"]);

    // The project-local acct.toml wins, as it would for `acct exec`, once
    // allowed; before that it offers nothing, and says nothing.
    sandbox.write("work/project/acct.toml", MEMBER);
    let project = sandbox.work.join("project");
    let out = fish_complete(&sandbox, "acct env ", &project);
    assert_lacks(&stdout(&out), "prod");
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert_status(
        &sandbox
            .acct()
            .arg("allow")
            .current_dir(&project)
            .output()
            .unwrap(),
        0,
    );
    let out = fish_complete(&sandbox, "acct env ", &project);
    let stages = first_fields(&out);
    for stage in ["root", "testing", "prod"] {
        assert!(stages.contains(&stage.to_string()), "{stages:?}");
    }
    assert_contains(&stdout(&out), "prod\tcpco-prod-admin (protected)");

    // So does a --config written earlier on the line.
    let member = sandbox.write("member.toml", MEMBER);
    let line = format!("acct -c {} exec p", member.display());
    let out = fish_complete(&sandbox, &line, &sandbox.work);
    assert_eq!(first_fields(&out), ["prod"]);
}

#[test]
fn completing_without_a_usable_config_is_quiet() {
    let sandbox = Sandbox::new();
    // exec's options and no stage, quietly: with no config, then with a
    // broken one.
    let options_only = || {
        let out = fish_complete(&sandbox, "acct exec ", &sandbox.work);
        assert_status(&out, 0);
        assert_text("", &stderr(&out));
        let offered = first_fields(&out);
        assert!(
            offered.contains(&"--yes".to_string()) && offered.iter().all(|f| f.starts_with('-')),
            "expected exec's options and no stage: {}",
            stdout(&out)
        );
    };
    options_only();
    sandbox.write_user_config("namespace = \"cpco\"\nregion = [broken\n");
    options_only();

    // Bash calls acct with its completion protocol; an error there exits 1
    // with nothing on stderr, which the script treats as no candidates.
    let out = sandbox
        .acct()
        .env("ACCT_COMPLETE", "no-such-shell")
        .args(["--", "acct", "exec", ""])
        .output()
        .unwrap();
    assert_status(&out, 1);
    assert_text("", &stderr(&out));
}
