//! What acct says is safe to print and right (issue 12, points 6 and 8): no
//! raw control or escape sequence from a config, a path or an argument
//! reaches the terminal, bidi overrides are refused in `prompt_format`, a
//! directory given as the config is called one, no message sends you to a
//! SPEC that does not exist, every failure on a read-only `~/.aws` has a fix,
//! `[env]` refusals say what acct does with the name, and another user's
//! `acct.toml` in a shared directory is skipped with one warning.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::util::*;

const HEAD: &str = "namespace = \"cpco\"\nregion = \"us-west-2\"\ntopology = \"organization\"\n";
const ROOT: &str = "[stages.root]\naccount_id = \"323330167063\"\n";

/// The characters acct never prints raw (src/quote.rs `is_hidden`): C0 and
/// C1 controls, DEL, bidi overrides and isolates, zero-width characters and
/// line separators. A newline between the lines of a message is fine.
fn hidden(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c,
            '\u{00ad}' | '\u{061c}' | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}'
        )
}

#[track_caller]
fn assert_printable(what: &str, stderr: &[u8]) {
    let text = String::from_utf8_lossy(stderr);
    let raw: Vec<String> = text
        .chars()
        .filter(|c| hidden(*c))
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect();
    assert!(
        raw.is_empty(),
        "{what}: raw {raw:?} reached the terminal:\n{text:?}"
    );
}

#[test]
fn no_escape_sequence_from_a_config_a_path_or_an_argument_is_printed_raw() {
    // The key that retitled the terminal: ESC ] 0 ; TITLE BEL.
    let sandbox = Sandbox::with_config(&format!(
        "{HEAD}\"\\u001b]0;TITLE\\u0007\" = 1\n\"a\\rb\\u202ec\" = 2\n{ROOT}"
    ));
    let out = sandbox.run(&["list"]);
    assert_status(&out, 2);
    assert_printable("unknown keys", &out.stderr);
    let err = stderr(&out);
    assert!(
        err.contains(r"unknown key `\u{1b}]0;TITLE\u{7}` in the top level"),
        "{err}"
    );
    assert!(err.contains(r"unknown key `a\u{d}b\u{202e}c`"), "{err}");

    // Arguments: a stage name, a subcommand, a config path.
    let sandbox = Sandbox::with_config(SINGLE);
    for args in [
        vec!["exec", "\x1b]0;TITLE\x07prod", "--", "true"],
        vec!["env", "te\u{202e}sting"],
        vec!["\x1b[2J\x1b[31mnope"],
        vec!["-c", "/nowhere/\x1b]0;T\x07\r/acct.toml", "list"],
    ] {
        let out = sandbox.run(&args);
        assert_status(&out, 2);
        assert_printable(&format!("{args:?}"), &out.stderr);
    }
    let out = sandbox.run(&["exec", "\x1b]0;T\x07prod", "--", "true"]);
    assert!(
        stderr(&out).contains(r"unknown stage `\u{1b}]0;T\u{7}prod`"),
        "{}",
        stderr(&out)
    );

    // A path: the directory acct searches from.
    let dir = sandbox.root.join("dir\x1b]0;TITLE\x07");
    std::fs::create_dir(&dir).unwrap();
    let out = Sandbox::new()
        .acct()
        .arg("list")
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_status(&out, 2);
    assert_printable("the current directory", &out.stderr);
}

#[test]
fn bidi_overrides_and_isolates_are_refused_in_prompt_format() {
    let bidi = ('\u{202a}'..='\u{202e}').chain('\u{2066}'..='\u{2069}');
    for c in bidi.chain(['\u{200b}', '\u{feff}']) {
        let code = format!("{:04x}", u32::from(c));
        let sandbox = Sandbox::with_config(&format!(
            "prompt_format = \"[{{namespace}}-\\u{code}{{stage}}]\"\n{HEAD}{ROOT}"
        ));
        let out = sandbox.run(&["list"]);
        assert_status(&out, 2);
        let err = stderr(&out);
        let expected = format!(
            "acct: {}:1:17: `prompt_format` holds the invisible character U+{}, which reorders or hides text on a terminal\n  fix: remove it and write the text plainly\n",
            sandbox.user_config().display(),
            code.to_uppercase()
        );
        assert_text(&expected, &err);
    }
    // Labels take only a-z and 0-9: a bidi override is refused there too,
    // and quoted as an escape.
    let sandbox = Sandbox::with_config(&format!("tenant = \"ab\\u202ecd\"\n{HEAD}{ROOT}"));
    let out = sandbox.run(&["list"]);
    assert_status(&out, 2);
    assert_printable("a label", &out.stderr);
    assert_contains(&stderr(&out), "not a valid label value");
}

#[test]
fn a_directory_named_as_the_config_is_called_a_directory() {
    let sandbox = Sandbox::with_config(SINGLE);
    let dir = sandbox.root.join("configs");
    std::fs::create_dir(&dir).unwrap();
    let out = sandbox.run(&["-c", dir.to_str().unwrap(), "list"]);
    assert_status(&out, 2);
    assert_text(
        &format!(
            "acct: config file {0} (from --config) is a directory\n  fix: name the config file itself, e.g. {0}/acct.toml\n",
            dir.display()
        ),
        &stderr(&out),
    );
    let out = sandbox
        .acct()
        .env("ACCT_CONFIG", &dir)
        .arg("list")
        .output()
        .unwrap();
    assert_status(&out, 2);
    assert!(
        stderr(&out).starts_with(&format!(
            "acct: config file {} (from ACCT_CONFIG) is a directory\n",
            dir.display()
        )),
        "{}",
        stderr(&out)
    );
    // A missing file is still called missing.
    let out = sandbox.run(&["-c", "missing.toml", "list"]);
    assert_contains(&stderr(&out), "does not exist");
}

/// There is no SPEC in the repository: a message says what the rule is.
#[test]
fn no_message_refers_to_a_spec() {
    let sandbox = Sandbox::with_config(&format!(
        "{HEAD}{ROOT}[stages.root.env]\nAWS_PROFILE = \"x\"\n"
    ));
    let out = sandbox.run(&["list"]);
    assert_status(&out, 2);
    assert_lacks(&stderr(&out), "SPEC");

    let mut strings = Vec::new();
    let mut dirs = vec![repo_file("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    let code = line.trim_start();
                    let quoted = code
                        .split('"')
                        .skip(1)
                        .step_by(2)
                        .any(|s| s.contains("SPEC"));
                    if !code.starts_with("//") && quoted {
                        strings.push(format!("{}:{}: {}", path.display(), n + 1, code));
                    }
                }
            }
        }
    }
    assert!(
        strings.is_empty(),
        "strings naming a SPEC:\n{}",
        strings.join("\n")
    );
}

#[test]
fn env_refusals_say_what_acct_does_with_the_name() {
    let place = "[stages.root].env";
    for (name, message, fix) in [
        (
            "AWS_ACCESS_KEY_ID",
            "AWS_ACCESS_KEY_ID in [stages.root].env is a credential variable, which acct removes from every stage: it would win over the stage's profile",
            "remove it; `acct exec --export-credentials STAGE -- CMD` sets the stage's own temporary keys",
        ),
        (
            "AWS_PROFILE",
            "AWS_PROFILE in [stages.root].env is set by acct itself",
            "remove it; acct computes it from the stage (`acct env STAGE` shows it)",
        ),
        (
            "AWS_REGION",
            "AWS_REGION in [stages.root].env is set by acct itself",
            "remove it; set region = \"...\" in [stages.root] instead",
        ),
        (
            "ACCT_MINE",
            "ACCT_MINE in [stages.root].env: names that start with ACCT_ or __ACCT_ are acct's own",
            "remove it, or give the variable another name",
        ),
    ] {
        let sandbox =
            Sandbox::with_config(&format!("{HEAD}{ROOT}[stages.root.env]\n{name} = \"x\"\n"));
        let out = sandbox.run(&["list"]);
        assert_status(&out, 2);
        assert_text(
            &format!(
                "acct: {}:7:1: {message}\n  fix: {fix}\n",
                sandbox.user_config().display()
            ),
            &stderr(&out),
        );
        assert!(message.contains(place));
    }
}

/// Root can act as another user; the tests that need one say SKIPPED otherwise.
fn as_root_or_skip(test: &str) -> bool {
    let root = nix::unistd::geteuid().is_root() && Path::new("/usr/bin/setpriv").is_file();
    if !root {
        crate::tools::skipped(test, "needs root and /usr/bin/setpriv to play another user");
    }
    root
}

const NOBODY: u32 = 65534;

fn chown(path: &Path, uid: u32) {
    let status = Command::new("chown")
        .args(["-R", &uid.to_string()])
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "chown {}", path.display());
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn failures_on_a_read_only_aws_directory_carry_a_fix() {
    if !as_root_or_skip("failures_on_a_read_only_aws_directory_carry_a_fix") {
        return;
    }
    let sandbox = Sandbox::with_config(SINGLE);
    chmod(&sandbox.root, 0o755);
    chown(&sandbox.home, NOBODY);
    chmod(&sandbox.home.join(".aws"), 0o555);
    let mut cmd = sandbox.command("/usr/bin/setpriv");
    cmd.args(["--reuid", "65534", "--regid", "65534", "--clear-groups"])
        .arg(ACCT)
        .args(["aws-config", "--write"])
        .current_dir(&sandbox.home);
    let out = cmd.output().unwrap();
    assert_status(&out, 1);
    let err = stderr(&out);
    assert!(err.starts_with("acct: "), "{err}");
    assert_contains(&err, "Permission denied");
    assert!(
        err.lines().any(|l| l.starts_with("  fix: ") && l.len() > 7),
        "no fix line: {err}"
    );
}

/// `/tmp/acct.toml` of another user made every acct command under `/tmp`
/// fail; it is skipped with one line, as git skips a repository of a
/// dubious owner, and acct goes on to the user config.
#[test]
fn another_users_acct_toml_in_a_shared_directory_is_skipped_with_one_warning() {
    if !as_root_or_skip("another_users_acct_toml_in_a_shared_directory_is_skipped") {
        return;
    }
    let sandbox = Sandbox::with_config(SINGLE);
    let shared = sandbox.root.join("shared");
    std::fs::create_dir_all(shared.join("sub")).unwrap();
    chmod(&shared, 0o1777);
    let theirs = sandbox.write("shared/acct.toml", MEMBER);
    chown(&theirs, NOBODY);
    let run = |args: &[&str]| {
        sandbox
            .acct()
            .args(args)
            .current_dir(shared.join("sub"))
            .output()
            .unwrap()
    };
    let out = run(&["list"]);
    assert_status(&out, 0);
    assert_text(
        &format!(
            "acct: warning: skipped {}: it belongs to user id 65534, not to you\n",
            theirs.display()
        ),
        &stderr(&out),
    );
    assert_contains(&stdout(&out), "testing");
    assert_lacks(&stdout(&out), "prod");

    // Completion says nothing, and offers the user config's stages.
    let out = sandbox
        .acct()
        .env("ACCT_COMPLETE", "fish")
        .args(["--", "acct", "exec", ""])
        .current_dir(shared.join("sub"))
        .output()
        .unwrap();
    assert_status(&out, 0);
    assert_text("", &stderr(&out));
    assert_contains(&stdout(&out), "testing\t");

    // Named with --config, it is still refused: you asked for that file.
    let out = run(&["-c", theirs.to_str().unwrap(), "list"]);
    assert_status(&out, 1);
    assert_contains(&stderr(&out), "owned by user id 65534");
}

/// doctor's report names paths and profiles: none of them reaches the
/// terminal as a raw escape sequence.
#[test]
fn doctor_never_prints_an_escape_sequence_from_a_path() {
    let sandbox = Sandbox::new();
    let config = sandbox.write("work/cfg\u{1b}]0;TITLE\u{7}/acct.toml", MEMBER);
    let out = sandbox
        .acct()
        .arg("-c")
        .arg(&config)
        .arg("doctor")
        .output()
        .unwrap();
    assert_contains(&stdout(&out), "config: ");
    assert_printable("doctor's stdout", &out.stdout);
    assert_printable("doctor's stderr", &out.stderr);
}
