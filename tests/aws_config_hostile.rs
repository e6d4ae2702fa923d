//! `acct aws-config` under hostile and unusual input (issue 12, points 1-5):
//! a profile acct owns spelled so that botocore reads it and a plain INI
//! reader does not; a 20,000-stage estate; files a rename must not replace;
//! two configs of one namespace; a person's own profiles taken over.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Output, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use proptest::prelude::*;

use crate::util::*;

/// acct's own header reader, compiled into the tests to hold it against
/// botocore's (it needs nothing but std).
#[allow(dead_code)]
#[path = "../src/aws/file/ini.rs"]
mod ini;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// The Python that runs the AWS CLI v1 (and so has botocore).
fn python() -> std::path::PathBuf {
    crate::tools::aws_v1().with_file_name("python3")
}

/// The `aws config` line of `acct doctor`.
fn doctor_line(sandbox: &Sandbox) -> String {
    let report = stdout(&sandbox.run(&["doctor"]));
    report
        .lines()
        .find(|l| {
            l.get(4..)
                .is_some_and(|l| l.trim_start().starts_with("aws config:"))
        })
        .unwrap_or_else(|| panic!("no aws config line:\n{report}"))
        .to_string()
}

/// botocore's profiles of a file: name → role_arn (`None`: it does not parse).
fn botocore_profiles(path: &Path) -> Option<serde_json::Value> {
    let script = "import json, sys\nimport botocore.configloader as c\ntry:\n    p = c.load_config(sys.argv[1])['profiles']\nexcept Exception:\n    print('null'); sys.exit()\nprint(json.dumps({k: v.get('role_arn') for k, v in p.items()}))";
    let out = Command::new(python())
        .args(["-c", script])
        .arg(path)
        .env("PYTHONUTF8", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (!value.is_null()).then_some(value)
}

const SHADOW_ROLE: &str = "arn:aws:iam::666666666666:role/shadow";

/// Point 1: a section botocore reads as `cpco-prod-admin`, appended after
/// acct's block, is the profile the AWS CLI uses. acct must see it too.
#[test]
fn a_shadowing_header_however_spelled_is_a_conflict_in_write_check_and_doctor() {
    for header in [
        "[profile \"cpco-prod-admin\"]",
        "[profile\tcpco-prod-admin]",
        "[profile 'cpco-prod-admin'] ",
        "[profile  cpco-prod-admin]",
    ] {
        let sandbox = Sandbox::with_config(MEMBER);
        sandbox.write_aws_files();
        let path = sandbox.aws_config();
        let shadowed = format!(
            "{}\n{header}\nrole_arn = {SHADOW_ROLE}\nsource_profile = cpco\n",
            read(&path)
        );
        std::fs::write(&path, &shadowed).unwrap();
        let line = shadowed.lines().position(|l| l == header).unwrap() + 1;
        let profiles = botocore_profiles(&path).expect("botocore reads the file");
        assert_eq!(
            profiles["cpco-prod-admin"], SHADOW_ROLE,
            "{header}: the AWS CLI would run as the shadow"
        );

        let write = sandbox.run(&["aws-config", "--write"]);
        assert_status(&write, 1);
        let message = stderr(&write);
        assert!(
            message.contains(&format!("{}:{line}:", path.display()))
                && message.contains("`cpco-prod-admin`")
                && message.contains("fix:"),
            "{header}: {message}"
        );
        assert_eq!(read(&path), shadowed, "{header}: the file is untouched");
        assert_status(&sandbox.run(&["aws-config", "--check"]), 1);
        let doctor = doctor_line(&sandbox);
        assert!(
            doctor.starts_with("FAIL") && doctor.contains("cpco-prod-admin"),
            "{header}: {doctor}"
        );
    }
}

/// Point 1, where it matters most: a stage whose profile is shadowed is
/// not entered. `exec`, `shell` and `env` refuse it (exit 1, nothing run,
/// nothing printed for eval) with the section's line; other stages, and a
/// file without acct's block (profiles written by hand), are entered.
#[test]
fn a_shadowed_stage_is_not_entered() {
    let sandbox = Sandbox::with_config(MEMBER);
    sandbox.write_aws_files();
    let path = sandbox.aws_config();
    let shadowed = format!(
        "{}\n[profile \"cpco-prod-admin\"]\nrole_arn = {SHADOW_ROLE}\nsource_profile = cpco\n",
        read(&path)
    );
    std::fs::write(&path, &shadowed).unwrap();
    let line = shadowed.lines().count() - 2;
    let marker = sandbox.root.join("ran");
    let touch = ["--", "touch", marker.to_str().unwrap()];
    for args in [
        &["exec", "--yes", "prod"][..],
        &["exec", "--each", "testing,prod", "--yes"][..],
        &["shell", "--yes", "prod"][..],
        &["env", "--yes", "prod"][..],
    ] {
        let mut cmd = sandbox.acct();
        cmd.args(args);
        if args[0] != "env" && args[0] != "shell" {
            cmd.args(touch);
        }
        let out = cmd.stdin(Stdio::null()).output().unwrap();
        assert_status(&out, 1);
        assert!(!marker.exists(), "{args:?}: a command ran");
        assert!(stdout(&out).is_empty(), "{args:?}: {}", stdout(&out));
        let message = stderr(&out);
        assert!(
            message.contains(&format!("{}:{line}:", path.display()))
                && message.contains("`cpco-prod-admin`")
                && message.contains("nothing was run")
                && message.contains("fix:"),
            "{args:?}: {message}"
        );
    }
    let out = sandbox
        .acct()
        .args(["exec", "testing"])
        .args(touch)
        .output()
        .unwrap();
    assert_status(&out, 0);
    assert!(marker.exists(), "another stage is entered");

    // The same profiles by hand, with no acct block: acct cannot vouch
    // for them, so the gate refuses and says how to write the block.
    std::fs::remove_file(&marker).unwrap();
    let by_hand =
        format!("[profile cpco-prod-admin]\nrole_arn = {SHADOW_ROLE}\nsource_profile = cpco\n");
    std::fs::write(&path, by_hand).unwrap();
    let out = sandbox
        .acct()
        .args(["exec", "--yes", "prod"])
        .args(touch)
        .output()
        .unwrap();
    assert_status(&out, 1);
    assert!(!marker.exists());
    let message = stderr(&out);
    assert!(
        message.contains("no `# BEGIN acct cpco` block") && message.contains("--adopt"),
        "{message}"
    );
}

/// Point 1: lone CRs end lines for botocore. A profile acct writes, defined
/// in such a file, is a conflict (appending a block would make the file
/// unreadable to the AWS CLI); a file without one gets a block of lone CRs
/// that botocore reads.
#[test]
fn a_file_of_lone_crs_is_read_line_by_line() {
    let own = "[default]\rregion = eu-central-1\r[profile cpco-root-admin]\rregion = x\r";
    let (sandbox, out) = conflict_over(own);
    let path = sandbox.aws_config();
    assert_contains(&stderr(&out), ":3:");
    assert_eq!(read(&path), own);
    assert!(botocore_profiles(&path).is_some());

    let own = "[default]\rregion = eu-central-1\r[profile mine]\rregion = x\r";
    assert_status(&sandbox.write_block_over(own), 0);
    let written = read(&path);
    assert!(written.starts_with(own), "{written:?}");
    assert!(
        !written.contains('\n'),
        "the block follows the file's lone CRs: {written:?}"
    );
    let profiles = botocore_profiles(&path).expect("botocore reads the written file");
    assert!(profiles.get("cpco-root-admin").is_some(), "{profiles}");
    assert!(profiles.get("mine").is_some(), "{profiles}");
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    assert_eq!(read(&path), written, "a second run changes nothing");
}

/// botocore's `load_config`, one file per line on stdin, one JSON line back.
struct Botocore {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Botocore {
    fn start() -> Self {
        let script = "import json, sys\nimport botocore.configloader as c\nfor line in sys.stdin:\n    try:\n        p = c.load_config(line.rstrip('\\n'))['profiles']\n        out = {k: sorted(v) for k, v in p.items()}\n    except Exception:\n        out = None\n    print(json.dumps(out), flush=True)";
        let mut child = Command::new(python())
            .args(["-c", script])
            .env("PYTHONUTF8", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let (stdin, stdout) = (child.stdin.take().unwrap(), child.stdout.take().unwrap());
        Botocore {
            child,
            stdin,
            stdout: BufReader::new(stdout),
        }
    }

    /// Profile name → its keys, sorted; `None` when botocore refuses the file.
    fn profiles(&mut self, path: &Path) -> Option<serde_json::Map<String, serde_json::Value>> {
        writeln!(self.stdin, "{}", path.display()).unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        match serde_json::from_str(&line).unwrap() {
            serde_json::Value::Object(map) => Some(map),
            _ => None,
        }
    }
}

impl Drop for Botocore {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// acct's reading of the same text: profile name → the keys of its last
/// section (a later section replaces an earlier one, as in botocore).
fn acct_profiles(text: &str) -> serde_json::Map<String, serde_json::Value> {
    let mut profiles = serde_json::Map::new();
    for section in ini::sections(text) {
        if let Some(name) = section.config_profile() {
            let mut keys: Vec<&str> = section.entries.iter().map(|(k, _)| *k).collect();
            keys.sort_unstable();
            profiles.insert(name.into_owned(), keys.into());
        }
    }
    profiles
}

fn header() -> impl Strategy<Value = String> {
    let prefix = prop_oneof![
        Just("profile"),
        Just("profile"),
        Just("profilex"),
        Just(" profile"),
        Just("Profile"),
        Just("sso-session"),
    ];
    let gap = prop_oneof![Just(" "), Just("  "), Just("\t"), Just(""), Just(" \t ")];
    let name = prop_oneof![
        Just("a"),
        Just("b"),
        Just("\"a\""),
        Just("'b'"),
        Just("\"a b\""),
        Just("a\\ b"),
        Just("\"c"),
        Just("a b"),
        Just("\"\""),
        Just("a]b"),
        Just("\"a\\\"b\""),
    ];
    let tail = prop_oneof![Just(""), Just(" "), Just(" ; note"), Just("]")];
    let lead = prop_oneof![Just(""), Just(" "), Just("\t")];
    prop_oneof![
        5 => (lead.clone(), prefix, gap, name, tail.clone())
            .prop_map(|(l, p, g, n, t)| format!("{l}[{p}{g}{n}]{t}")),
        1 => (lead, prop_oneof![Just("default"), Just(" default "), Just("Default")], tail)
            .prop_map(|(l, d, t)| format!("{l}[{d}]{t}")),
    ]
}

/// Lines of an AWS config file: headers of every spelling, options,
/// comments, blank lines, indented lines (continuations or not).
fn body_line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => header(),
        3 => Just("option".to_string()),
        1 => Just("  option".to_string()),
        1 => Just("# [profile a]".to_string()),
        1 => Just("; comment".to_string()),
        1 => Just(String::new()),
        1 => Just(" \t".to_string()),
        1 => header().prop_map(|h| format!("  {}", h.trim_start())),
    ]
}

prop_compose! {
    fn ini_file()(
        lines in prop::collection::vec(body_line(), 0..14),
        ends in prop::collection::vec(prop_oneof![Just("\n"), Just("\r\n"), Just("\r")], 14),
    ) -> String {
        // Options get a name of their own (botocore refuses a key twice).
        let mut text = String::from("[start]\n");
        for (i, (line, end)) in lines.iter().zip(&ends).enumerate() {
            let line = line.replace("option", &format!("k{i} = v{i}"));
            text.push_str(&line);
            text.push_str(end);
        }
        text
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Point 1: the header reader against botocore itself. Wherever
    /// botocore reads a file, acct finds the same profiles, each with the
    /// keys of the same section.
    #[test]
    fn the_header_reader_reads_profiles_as_botocore_does(text in ini_file()) {
        static BOTOCORE: Mutex<Option<Botocore>> = Mutex::new(None);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, &text).unwrap();
        let mut botocore = BOTOCORE.lock().unwrap_or_else(|e| e.into_inner());
        let theirs = botocore.get_or_insert_with(Botocore::start).profiles(&path);
        // A file botocore refuses (a key twice, a line that is no option)
        // is not compared; too many of them fail the test.
        prop_assume!(theirs.is_some());
        prop_assert_eq!(acct_profiles(&text), theirs.unwrap_or_default(), "{:?}", text);
    }
}

/// An estate of `stages` stages in one account.
fn big_estate(stages: usize, region: &str) -> String {
    let mut config = format!(
        "namespace = \"cpco\"\nregion = \"{region}\"\ntopology = \"single\"\n\n[stages.root]\naccount_id = \"323330167063\"\n"
    );
    for i in 0..stages {
        config.push_str(&format!("\n[stages.s{i}]\n"));
    }
    config
}

/// `acct ARGS` with its address space capped at `kib` KiB (an allocation
/// past it fails, as on a machine without that much memory).
fn run_capped(sandbox: &Sandbox, kib: u64, args: &[&str]) -> Output {
    let mut cmd = sandbox.command("bash");
    cmd.args([
        "--noprofile",
        "--norc",
        "-c",
        &format!("ulimit -v {kib}; exec \"$@\""),
        "bash",
        ACCT,
    ])
    .args(args);
    cmd.output().unwrap()
}

/// Point 2: 20,000 stages (0.3 MB of config) whose region changed: one
/// changed region of 100,000 lines. `--check` prints the diff within 400 MB
/// of address space (the LCS table asked for 40 GB and aborted).
#[test]
fn check_of_twenty_thousand_changed_stages_stays_small() {
    let sandbox = Sandbox::with_config(&big_estate(20_000, "us-west-2"));
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    sandbox.write_user_config(&big_estate(20_000, "us-east-1"));
    let out = run_capped(&sandbox, 400 * 1024, &["aws-config", "--check"]);
    assert_status(&out, 1);
    let diff = stdout(&out);
    assert_eq!(diff.matches("\n-region=us-west-2\n").count(), 20_001);
    assert_eq!(diff.matches("\n+region=us-east-1\n").count(), 20_001);
    assert_contains(&stderr(&out), "differs");
}

/// `acct aws-config --write` (or ARGS), killed if it has not exited in 30 s.
fn run_or_kill(sandbox: &Sandbox, args: &[&str]) -> Output {
    run_within(
        sandbox.acct().args(args).stdin(Stdio::null()),
        Duration::from_secs(30),
    )
}

#[track_caller]
fn assert_refused(out: &Output, words: &str) {
    assert_status(out, 1);
    let message = stderr(out);
    assert!(
        message.contains(words) && message.contains("fix:"),
        "expected `{words}` and a fix: {message}"
    );
}

/// Point 3: a read-only file and a hard-linked file are refused, untouched.
#[test]
fn a_read_only_or_hard_linked_aws_config_is_refused_and_untouched() {
    let sandbox = Sandbox::with_config(SINGLE);
    let path = sandbox.aws_config();
    std::fs::write(&path, "[default]\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = sandbox.run(&["aws-config", "--write"]);
    assert_refused(&out, "read-only");
    assert_contains(&stderr(&out), "chmod u+w");
    assert_eq!(read(&path), "[default]\n");
    assert_eq!(std::fs::metadata(&path).unwrap().mode() & 0o777, 0o444);

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let other = sandbox.root.join("other-name");
    std::fs::hard_link(&path, &other).unwrap();
    assert_refused(&sandbox.run(&["aws-config", "--write"]), "hard links");
    assert_eq!(read(&path), "[default]\n");
    assert_eq!(
        std::fs::metadata(&path).unwrap().ino(),
        std::fs::metadata(&other).unwrap().ino()
    );
    assert_eq!(entries(path.parent().unwrap()), ["config"]);
}

/// Point 3: a FIFO (and a character device, where mknod is allowed) is
/// refused by `--write`, `--check` and `doctor`, which never wait on it.
#[test]
fn a_fifo_or_a_device_is_refused_without_hanging() {
    let sandbox = Sandbox::with_config(SINGLE);
    let fifo = sandbox.aws_config();
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    assert_refused(&run_or_kill(&sandbox, &["aws-config", "--write"]), "FIFO");
    assert_refused(
        &run_or_kill(&sandbox, &["aws-config", "--check"]),
        "not a regular file",
    );
    let doctor = run_or_kill(&sandbox, &["doctor"]);
    assert_contains(&stdout(&doctor), "not a regular file");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    std::fs::remove_file(&fifo).unwrap();

    let device = sandbox.root.join("null");
    let made = Command::new("mknod")
        .arg(&device)
        .args(["c", "1", "3"])
        .status();
    if made.as_ref().is_ok_and(|s| s.success()) {
        let file = device.to_str().unwrap();
        let out = run_or_kill(&sandbox, &["aws-config", "--write", "--file", file]);
        assert_refused(&out, "character device");
        assert!(
            std::fs::symlink_metadata(&device)
                .unwrap()
                .file_type()
                .is_char_device()
        );
    } else {
        crate::tools::skipped(
            "a_fifo_or_a_device_is_refused_without_hanging",
            &format!("the character device part: mknod is not allowed here ({made:?})"),
        );
    }
    assert_eq!(entries(fifo.parent().unwrap()), Vec::<String>::new());
}

/// Point 3: a dangling symlink is written through to its target.
#[test]
fn a_dangling_symlink_is_written_through() {
    let sandbox = Sandbox::with_config(SINGLE);
    std::os::unix::fs::symlink("../dotfiles/aws-config", sandbox.aws_config()).unwrap();
    std::fs::create_dir_all(sandbox.home.join("dotfiles")).unwrap();
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    assert_symlink(&sandbox.aws_config());
    assert!(read(&sandbox.home.join("dotfiles/aws-config")).starts_with("# BEGIN acct cpco\n"));
}

/// Point 4: a second config of the same namespace is refused (`doctor`
/// says so too) until `--force`; the block records who wrote it.
#[test]
fn a_second_config_of_one_namespace_is_refused_until_forced() {
    let sandbox = Sandbox::with_config(SINGLE);
    let path = sandbox.aws_config();
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    let first = read(&path);
    let owner = sandbox.user_config();
    assert_contains(&first, &format!("\n# config: {}\n", owner.display()));
    let second = sandbox.write(
        "team/acct.toml",
        &MEMBER.replace("[stages.prod]", "[stages.qa]"),
    );
    std::fs::set_permissions(&second, std::fs::Permissions::from_mode(0o600)).unwrap();
    let second = second.to_str().unwrap();

    let out = sandbox.run(&["-c", second, "aws-config", "--write"]);
    assert_refused(&out, &owner.display().to_string());
    assert_contains(&stderr(&out), "--force");
    assert_eq!(read(&path), first);
    assert_status(&sandbox.run(&["-c", second, "aws-config", "--check"]), 1);
    let doctor = stdout(&sandbox.run(&["-c", second, "doctor"]));
    assert_contains(&doctor, "written by another config");

    // The same config through a symlink is the same owner.
    let link = sandbox.root.join("link.toml");
    std::os::unix::fs::symlink(&owner, &link).unwrap();
    assert_status(
        &sandbox.run(&["-c", link.to_str().unwrap(), "aws-config", "--write"]),
        0,
    );

    assert_status(
        &sandbox.run(&["-c", second, "aws-config", "--write", "--force"]),
        0,
    );
    assert!(read(&path).contains(&format!("\n# config: {second}\n")));
    assert!(read(&path).contains("[profile cpco-qa-admin]"));
    assert_status(&sandbox.run(&["-c", second, "aws-config", "--check"]), 0);
    assert_status(&sandbox.run(&["aws-config", "--check"]), 1);
}

/// Point 4: a block written before acct recorded its config is taken over
/// silently, and records its config from then on.
#[test]
fn an_old_block_without_its_config_is_adopted_silently() {
    let sandbox = Sandbox::with_config(SINGLE);
    let path = sandbox.aws_config();
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    let written = read(&path);
    let old: String = written
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("# config: "))
        .collect();
    std::fs::write(&path, &old).unwrap();
    let second = sandbox.write("team/acct.toml", SINGLE);
    std::fs::set_permissions(&second, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = sandbox.run(&["-c", second.to_str().unwrap(), "aws-config", "--write"]);
    assert_status(&out, 0);
    assert!(read(&path).contains(&format!("\n# config: {}\n", second.display())));
}

/// Point 5: the person's own `[profile cpco-testing-admin]` is moved into
/// acct's block by `--adopt`: the diff first, the old file in a backup
/// next to it, every other byte kept.
#[test]
fn adopt_moves_the_users_own_profiles_into_the_block() {
    let sandbox = Sandbox::with_config(SINGLE);
    let path = sandbox.aws_config();
    let own = "# mine\r\n[default]\r\nregion = eu-central-1\r\n\r\n[profile cpco-testing-admin]\r\nregion = us-west-2\r\nrole_arn = arn:aws:iam::323330167063:role/cpco-root-admin\r\nsource_profile = cpco\r\n\r\n[profile dev]\r\nregion = us-east-1\r\n";
    let refused = sandbox.write_block_over(own);
    assert_refused(&refused, "cpco-testing-admin");
    assert_contains(&stderr(&refused), "--adopt");

    let preview = sandbox.run(&["aws-config", "--check", "--adopt"]);
    assert_status(&preview, 1);
    assert_eq!(read(&path), own);

    let out = sandbox.run(&["aws-config", "--write", "--adopt"]);
    assert_status(&out, 0);
    let report = stdout(&out);
    let diff_at = report
        .find("\n-[profile cpco-testing-admin]\n")
        .expect(&report);
    let wrote_at = report.find("wrote ").expect(&report);
    assert!(diff_at < wrote_at, "the diff comes first: {report}");
    assert_contains(&report, "cpco-testing-admin (line 5)");
    let written = read(&path);
    assert!(
        written.starts_with("# mine\r\n[default]\r\nregion = eu-central-1\r\n\r\n\r\n[profile dev]\r\nregion = us-east-1\r\n\r\n# BEGIN acct cpco\r\n"),
        "{written:?}"
    );
    assert_eq!(written.matches("[profile cpco-testing-admin]").count(), 1);
    let names = entries(path.parent().unwrap());
    assert_eq!(names.len(), 2, "{names:?}");
    let backup = path.with_file_name(&names[1]);
    assert!(names[1].starts_with("config.acct-backup-"), "{names:?}");
    assert!(report.contains(&backup.display().to_string()), "{report}");
    assert_eq!(read(&backup), own);
    assert_status(&sandbox.run(&["aws-config", "--check"]), 0);
}
