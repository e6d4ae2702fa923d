//! Issue 9's points about `acct env`, each against real bash, zsh and fish:
//! the code speaks the shell that reads it (3), every value comes back as
//! exactly its bytes and nothing in it runs (6, a property test), protected
//! stages ask and the nesting guard speaks (7), `acct env --unset` leaves a
//! stage (8), and fish hides a universal key for one session only (2).

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};

use crate::util::*;

/// The acct under test.
const BIN: &str = ACCT;

#[track_caller]
fn assert_clean(what: &str, out: &Output) {
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{what}: {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status,
        stdout(out),
        stderr(out)
    );
}

/// Files a hostile value would have made, had it run.
fn pwned(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("pwned"))
        .collect()
}

// ---------------------------------------------------------------------------
// Point 3: `acct env` speaks the shell it is piped into, not `$SHELL`'s.

/// The code that enters `testing` in each shell, with no `--shell`.
fn enter(shell: &str) -> &'static str {
    match shell {
        "fish" => r#""$ACCT" env testing | source"#,
        _ => r#"eval "$("$ACCT" env testing)""#,
    }
}

#[test]
fn env_speaks_the_shell_that_runs_it_whatever_shell_says() {
    let sandbox = Sandbox::staged(SINGLE);
    for (shell, login_shell) in [
        ("fish", "/bin/bash"),
        ("zsh", "/usr/bin/fish"),
        ("bash", "/usr/bin/fish"),
    ] {
        let out = in_shell(&sandbox, shell, &format!("{}; env -0", enter(shell)))
            .env("SHELL", login_shell)
            .env("AWS_ACCESS_KEY_ID", "AKIASTALE")
            .env("AWS_SECRET_ACCESS_KEY", "stale-secret")
            .output()
            .unwrap();
        let what = format!("{shell} with SHELL={login_shell}");
        assert_clean(&what, &out);
        let env = env0(&out.stdout);
        for stale in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
            assert_eq!(get(&env, stale), None, "{what}: {stale} stayed");
        }
        assert_eq!(
            get(&env, "AWS_PROFILE"),
            Some(&b"cpco-testing-admin"[..]),
            "{what}"
        );
        assert_eq!(get(&env, "STAGE"), Some(&b"testing"[..]), "{what}");
    }
}

// ---------------------------------------------------------------------------
// Point 6: quoting is exact in every shell, and nothing in a value runs.

/// One way a shell evaluates `acct env testing`: the program and the script
/// (which ends in `env -0`).
struct Reader {
    name: &'static str,
    program: &'static str,
    args: &'static [&'static str],
    script: &'static str,
}

const READERS: [Reader; 5] = [
    Reader {
        name: "bash",
        program: "bash",
        args: &["--noprofile", "--norc", "-c"],
        script: r#"eval "$("$ACCT" env testing --shell bash)" && env -0"#,
    },
    // History expansion on, as in an interactive bash (`bash -c` has it off).
    Reader {
        name: "bash with set -H",
        program: "bash",
        args: &["--noprofile", "--norc", "-c"],
        script: r#"set -H -o history; eval "$("$ACCT" env testing --shell bash)" && env -0"#,
    },
    // zsh's own defaults (no `emulate sh`).
    Reader {
        name: "zsh",
        program: "zsh",
        args: &["--no-rcs", "-c"],
        script: r#"eval "$("$ACCT" env testing --shell zsh)" && env -0"#,
    },
    // An interactive zsh's defaults, plus options users set that change how
    // words are read and expanded.
    Reader {
        name: "interactive zsh with setopts",
        program: "zsh",
        args: &["--no-rcs", "-i", "-c"],
        script: r#"setopt rc_quotes extended_glob brace_ccl glob_subst magic_equal_subst sh_word_split ksh_arrays rc_expand_param
eval "$("$ACCT" env testing --shell zsh)" && env -0"#,
    },
    Reader {
        name: "fish",
        program: "fish",
        args: &["--no-config", "-c"],
        script: r#""$ACCT" env testing --shell fish | source; and env -0"#,
    },
];

/// `value` as a TOML basic string: every character that is not printable
/// ASCII is a `\u`/`\U` escape, so the config file itself is plain.
fn toml_basic(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if u32::from(c) <= 0xffff => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => {
                let _ = write!(out, "\\U{:08X}", u32::from(c));
            }
        }
    }
    out.push('"');
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A config whose stage `testing` sets `V0..Vn` to `values`; every reader
/// evaluates `acct env testing` and must give back exactly their UTF-8
/// bytes, with nothing run. Err names each value that came back wrong.
fn values_survive_every_shell(values: &[String]) -> Result<(), String> {
    let values: Vec<String> = values.iter().map(|v| as_text(v)).collect();
    let mut config = format!("{SINGLE}\n[stages.testing.env]\n");
    for (i, value) in values.iter().enumerate() {
        let _ = writeln!(config, "V{i} = {}", toml_basic(value));
    }
    let sandbox = Sandbox::staged(&config);
    let mut problems = Vec::new();
    for reader in &READERS {
        let out = sandbox
            .command(reader.program)
            .args(reader.args)
            .arg(reader.script)
            .env("ACCT", BIN)
            .output()
            .unwrap();
        if !out.status.success() || !out.stderr.is_empty() {
            problems.push(format!(
                "{}: {:?}, stderr: {}",
                reader.name,
                out.status,
                stderr(&out)
            ));
            continue;
        }
        let env = env0(&out.stdout);
        for (i, value) in values.iter().enumerate() {
            let got = get(&env, &format!("V{i}"));
            if got != Some(value.as_bytes()) {
                problems.push(format!(
                    "{}: V{i} = {value:?}\n    expected {}\n    got      {}",
                    reader.name,
                    hex(value.as_bytes()),
                    got.map_or("(unset)".into(), hex)
                ));
            }
        }
    }
    let ran = pwned(&sandbox.work);
    if !ran.is_empty() {
        problems.push(format!("values ran as code: {ran:?}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// A value that starts like a path (`~`, `./`, `../`) is one for acct,
/// resolved from the config's folder before any shell sees it
/// (config::named); behind `a:` it is text again, and a shell still
/// tilde-expands after a `:` in an assignment, so the quoting is tested.
fn as_text(value: &str) -> String {
    if value.starts_with('~') || value.starts_with("./") || value.starts_with("../") {
        format!("a:{value}")
    } else {
        value.to_string()
    }
}

/// The issue's own examples and the classic ways into a shell.
const HOSTILE: &[&str] = &[
    "{a,b}",
    "x{1..3}y",
    "/srv/{blue,green}/app",
    "~",
    "~/x",
    "~root",
    "$HOME",
    "`id`",
    "$PWD$HOME",
    "a*b",
    "[ab]",
    "=ls",
    "!!",
    "!$ !-1 ^x^y",
    "%1",
    "a\u{9b}b",
    "\u{9b}31m\u{85}\u{80}\u{9f}",
    "\u{1b}[31mred\u{7}",
    "\u{202e}evil\u{202c}",
    "\u{2066}\u{2067}\u{2068}\u{2069}\u{200e}\u{200f}\u{61c}",
    "\u{200b}\u{200c}\u{200d}\u{2060}\u{2064}\u{feff}\u{ad}\u{180e}",
    "\u{2028}\u{2029}",
    "\u{1}\u{2}\u{1f}\u{7f}",
    "line\nbreak\r\ttab",
    "",
    " ",
    "it's",
    "'",
    "\\",
    "\\'",
    "$'x'",
    "\"$HOME\"",
    "$(touch pwned-subst)",
    "`touch pwned-tick`",
    "(touch pwned-fish)",
    "x; touch pwned-semi",
    "x && touch pwned-and",
    "x | touch pwned-pipe",
    "$(touch pwned-nl)\ntouch pwned-line",
    "\\X41\\x41\\u0041",
    "\u{f600}\u{f6ff}",
    "é\u{301}漢字😀",
];

#[test]
fn hostile_values_come_back_exact_in_every_shell() {
    let values: Vec<String> = HOSTILE.iter().map(|v| v.to_string()).collect();
    if let Err(problems) = values_survive_every_shell(&values) {
        panic!("{problems}");
    }
}

/// Characters that mean something to a shell.
const META: &str = "{}~!%$`'\"\\*?[]#&;|<>()=^ \n";

/// Whole words a shell would expand or run.
const FRAGMENTS: &[&str] = &[
    "{a,b}",
    "x{1..3}y",
    "~",
    "$(touch pwned-a)",
    "`touch pwned-b`",
    "(touch pwned-c)",
    "; touch pwned-d",
    "${HOME}",
    "!!",
    "%1",
    "=ls",
    "'\\''",
    "$'\\x41'",
    "\\X41",
];

/// Bidi marks and invisible format characters.
const HIDDEN: &[char] = &[
    '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{200e}', '\u{200f}', '\u{2028}', '\u{2029}',
    '\u{2060}', '\u{2061}', '\u{2062}', '\u{2063}', '\u{2064}', '\u{feff}', '\u{ad}', '\u{61c}',
    '\u{180e}',
];

fn value_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(META.chars().collect::<Vec<_>>()),
        3 => prop::char::range(' ', '~'),
        2 => prop::char::range('\u{1}', '\u{1f}'),
        1 => Just('\u{7f}'),
        2 => prop::char::range('\u{80}', '\u{9f}'),
        2 => prop::sample::select(HIDDEN),
        1 => prop::char::range('\u{1f300}', '\u{1faff}'),
        1 => prop::char::range('\u{4e00}', '\u{9fff}'),
        1 => prop::char::range('\u{300}', '\u{36f}'),
        2 => any::<char>().prop_filter("no NUL in an environment", |c| *c != '\0'),
    ]
}

fn value() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        8 => value_char().prop_map(String::from),
        1 => prop::sample::select(FRAGMENTS).prop_map(str::to_string),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

/// Arbitrary strings come back from `eval`/`source` as exactly their bytes
/// in bash (also with history expansion), zsh (also interactive, with
/// options) and fish, and nothing runs. Batched: one config of 40 values
/// per case, one run of each shell.
#[test]
fn arbitrary_values_come_back_exact_in_every_shell() {
    let config = ProptestConfig {
        cases: 3,
        failure_persistence: None,
        max_shrink_iters: 100,
        max_shrink_time: 60_000,
        ..ProptestConfig::default()
    };
    let batch = prop::collection::vec(value(), 40);
    let result = TestRunner::new(config).run(&batch, |values| {
        values_survive_every_shell(&values).map_err(TestCaseError::fail)
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

/// A config directory whose name is not UTF-8 (`cfg\xff`).
fn non_utf8_config(sandbox: &Sandbox) -> PathBuf {
    let dir = sandbox.root.join(OsStr::from_bytes(b"cfg\xff"));
    std::fs::create_dir(&dir).unwrap();
    let file = dir.join("acct.toml");
    std::fs::write(&file, SINGLE).unwrap();
    file
}

#[test]
fn a_config_path_that_is_not_utf8_is_exported_byte_for_byte() {
    let sandbox = Sandbox::new();
    let config = non_utf8_config(&sandbox);
    let written = sandbox
        .acct()
        .arg("-c")
        .arg(&config)
        .args(["aws-config", "--write"])
        .output()
        .unwrap();
    assert_status(&written, 0);
    let mut line = config.as_os_str().as_bytes().to_vec();
    line.push(b'\n');

    let out = sandbox
        .command(BIN)
        .arg("-c")
        .arg(&config)
        .args(["exec", "testing", "--", "printenv", "ACCT_CONFIG"])
        .output()
        .unwrap();
    assert_clean("acct exec", &out);
    assert_eq!(hex(&out.stdout), hex(&line), "acct exec");

    for (shell, script) in [
        (
            "bash",
            r#"eval "$("$ACCT" -c "$CFG" env testing --shell bash)" && printenv ACCT_CONFIG"#,
        ),
        (
            "zsh",
            r#"eval "$("$ACCT" -c "$CFG" env testing --shell zsh)" && printenv ACCT_CONFIG"#,
        ),
        (
            "fish",
            r#""$ACCT" -c "$CFG" env testing --shell fish | source; and printenv ACCT_CONFIG"#,
        ),
    ] {
        let out = in_shell(&sandbox, shell, script)
            .env("CFG", &config)
            .output()
            .unwrap();
        assert_clean(shell, &out);
        assert_eq!(hex(&out.stdout), hex(&line), "{shell}");
    }

    let out = sandbox
        .command(BIN)
        .arg("-c")
        .arg(&config)
        .args(["env", "testing", "--shell", "json"])
        .output()
        .unwrap();
    assert_status(&out, 1);
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    assert_contains(&stderr(&out), "ACCT_CONFIG is not valid UTF-8");
}

// ---------------------------------------------------------------------------
// Point 7: protected stages ask in env too; the nesting guard speaks.

#[test]
fn env_refuses_a_protected_stage_without_a_terminal_unless_yes() {
    let sandbox = Sandbox::staged(MEMBER);
    for shell in ["bash", "zsh", "fish", "json"] {
        let out = without_terminal(sandbox.command(BIN).args(["env", "prod", "--shell", shell]))
            .output()
            .unwrap();
        assert_status(&out, 1);
        assert!(
            out.stdout.is_empty(),
            "{shell}: code printed for a refused stage: {}",
            stdout(&out)
        );
        let err = stderr(&out);
        assert!(err.contains("protected") && err.contains("--yes"), "{err}");
    }

    let out = without_terminal(
        sandbox
            .command(BIN)
            .args(["env", "--yes", "prod", "--shell", "bash"]),
    )
    .output()
    .unwrap();
    assert_status(&out, 0);
    let code = stdout(&out);
    assert_contains(&code, "export STAGE=prod\n");
    assert_contains(&code, "export ACCT_PROTECTED=1\n");

    // An unprotected stage never asks.
    let out = without_terminal(
        sandbox
            .command(BIN)
            .args(["env", "testing", "--shell", "bash"]),
    )
    .output()
    .unwrap();
    assert_status(&out, 0);
    assert!(stdout(&out).contains("export STAGE=testing\n"));
}

#[test]
fn env_asks_for_a_protected_stage_on_the_terminal() {
    let sandbox = Sandbox::staged(MEMBER);
    // The right name: the stage is entered in this very shell.
    let mut s = bash_on_a_terminal(
        &sandbox,
        r#"eval "$("$ACCT" env prod)" && echo "entered=$STAGE protected=$ACCT_PROTECTED""#,
    );
    expect(&mut s, "Type the stage name");
    send_and_expect(&mut s, "prod", "entered=prod protected=1");
    expect(&mut s, "status=0");

    // A wrong one: exit 1, and not a byte of code for eval.
    let mut s = bash_on_a_terminal(
        &sandbox,
        r#"code=$("$ACCT" env prod); echo "env=$? code=[$code] stage=[${STAGE-}]""#,
    );
    expect(&mut s, "Type the stage name");
    let seen = send_and_expect(&mut s, "prdo", "env=1 code=[] stage=[]");
    assert_contains(&seen, "did not match");
    expect(&mut s, "status=0");
}

#[test]
fn env_inside_a_stage_says_which_stage_it_leaves_for_which() {
    let sandbox = Sandbox::staged(MEMBER);
    let out = sandbox
        .command(BIN)
        .args(["env", "root", "--shell", "bash"])
        .env("ACCT_STAGE", "testing")
        .output()
        .unwrap();
    assert_status(&out, 0);
    let err = stderr(&out);
    assert!(
        err.contains("`testing`") && err.contains("`root`") && err.contains("leaves"),
        "{err}"
    );
    assert!(stdout(&out).contains("export STAGE=root\n"));
    // Only the record of what entering changed remembers `testing`.
    let code = stdout(&out);
    let outside_record: Vec<&str> = code
        .lines()
        .filter(|l| !l.starts_with("export ACCT_RESTORE="))
        .collect();
    assert!(!outside_record.join("\n").contains("testing"), "{code}");

    // Outside a stage it has nothing to say.
    let out = sandbox.run(&["env", "root", "--shell", "bash"]);
    assert_status(&out, 0);
    assert_text("", &stderr(&out));
}

// ---------------------------------------------------------------------------
// Point 8: `acct env --unset` leaves a stage in the user's own shell.

/// Every label, an [env] of its own.
const LEAVE_CONFIG: &str = include_str!("fixtures/leave.toml");

/// Variables a stage sets that must all be gone after `--unset`.
fn left_behind(env: &Env) -> Vec<String> {
    env.keys()
        .map(|name| String::from_utf8_lossy(name).into_owned())
        .filter(|name| {
            crate::exec::OWNED.contains(&name.as_str())
                || name == "FOO"
                || name.starts_with("TF_VAR_")
                || name.starts_with("ACCT_")
        })
        .collect()
}

#[test]
fn env_unset_leaves_the_stage_in_bash_zsh_and_fish() {
    let sandbox = Sandbox::staged(LEAVE_CONFIG);
    for shell in ["bash", "zsh", "fish"] {
        let leave = match shell {
            "fish" => r#""$ACCT" env --unset | source"#,
            _ => r#"eval "$("$ACCT" env --unset)""#,
        };
        // What entering set, as one more `env -0` entry; then what is left.
        let script = format!(
            r#"{}; printf 'ENTERED=%s\0' "$STAGE-$TENANT-$FOO-$TF_VAR_environment"; {leave}; env -0"#,
            enter(shell)
        );
        let out = in_shell(&sandbox, shell, &script)
            .env("SHELL", crate::tools::by_name(shell))
            .env("MY_VAR", "mine")
            .env("AWS_ACCESS_KEY_ID", "AKIASTALE")
            .output()
            .unwrap();
        let env = env0(&out.stdout);
        assert_eq!(
            get(&env, "ENTERED"),
            Some(&b"testing-acme-bar-ue2"[..]),
            "{shell}: the stage was not entered; stderr: {}",
            stderr(&out)
        );
        assert_eq!(
            left_behind(&env),
            Vec::<String>::new(),
            "{shell}: the stage is still here; stderr: {}",
            stderr(&out)
        );
        assert_eq!(get(&env, "MY_VAR"), Some(&b"mine"[..]), "{shell}");
        // The person's own stale key was theirs before the stage: back.
        assert_eq!(
            get(&env, "AWS_ACCESS_KEY_ID"),
            Some(&b"AKIASTALE"[..]),
            "{shell}"
        );
        assert_eq!(
            get(&env, "HOME"),
            Some(sandbox.home.as_os_str().as_bytes()),
            "{shell}"
        );
        assert!(get(&env, "PATH").is_some_and(|p| !p.is_empty()), "{shell}");
        assert_clean(shell, &out);
    }
}

#[test]
fn env_unset_in_a_stage_shell_takes_the_segment_out_of_the_prompt() {
    let sandbox = Sandbox::staged(LEAVE_CONFIG);
    std::fs::write(sandbox.home.join(".bashrc"), "PS1='userprompt> '\n").unwrap();
    let mut cmd = sandbox.command("sh");
    cmd.args(["-c", r#""$ACCT" shell testing; echo "status=$?""#])
        .env("SHELL", crate::tools::bash())
        .env("TERM", "xterm")
        .env("XDG_RUNTIME_DIR", &sandbox.root)
        .env("ACCT", BIN);
    let mut s = pty(cmd, 20);
    expect(&mut s, "[cpco-testing] userprompt> ");
    send_and_expect(
        &mut s,
        r#"eval "$("$ACCT" env --unset)"; echo "left=[${ACCT_STAGE-}${AWS_PROFILE-}${FOO-}]""#,
        "left=[]",
    );
    let prompt = expect(&mut s, "userprompt> ");
    assert!(
        !prompt.contains("cpco-testing"),
        "the segment stayed after leaving: {prompt:?}"
    );
    send_and_expect(&mut s, "exit 0", "status=0");
}

// ---------------------------------------------------------------------------
// Point 2, fish's half: a universal key is hidden in this session only.

#[test]
fn fish_hides_a_universal_key_for_this_session_only() {
    let sandbox = Sandbox::staged(SINGLE);
    // With its config (none in the sandbox): `--no-config` turns universal
    // variables off in fish 3.6.
    let fish = |script: &str| {
        sandbox
            .command("fish")
            .args(["-c", script])
            .env("ACCT", BIN)
            .env("SHELL", crate::tools::fish())
            .output()
            .unwrap()
    };
    let universal = r#"set -q -U AWS_ACCESS_KEY_ID; and echo "universal=$AWS_ACCESS_KEY_ID""#;
    let out = fish("set -Ux AWS_ACCESS_KEY_ID AKIAUNIVERSAL");
    assert_clean("set -Ux", &out);
    let out = fish(universal);
    assert_clean("a universal variable", &out);
    assert_text("universal=AKIAUNIVERSAL\n", &stdout(&out));

    // `| source` ends in status 0, so `; and ...` goes on: checked last.
    let entered = fish(r#""$ACCT" env testing | source; set -l st $status; env -0; exit $st"#);
    let env = env0(&entered.stdout);
    let key = get(&env, "AWS_ACCESS_KEY_ID");
    assert!(
        key.is_none_or(<[u8]>::is_empty),
        "the universal key reaches the stage's commands: {:?}",
        key.map(String::from_utf8_lossy)
    );
    assert_eq!(get(&env, "AWS_PROFILE"), Some(&b"cpco-testing-admin"[..]));

    // The user's other fish sessions keep it.
    let out = fish(universal);
    assert_clean("a new fish session", &out);
    assert_text("universal=AKIAUNIVERSAL\n", &stdout(&out));

    assert_clean("acct env testing | source", &entered);
}
