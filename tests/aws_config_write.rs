//! `acct aws-config --write` and `--check`: acct's block in the user's AWS
//! config file, every other byte kept, atomic, locked, and checkable in CI.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Stdio;

use crate::util::*;

/// What a user's file looks like before acct: CRLF, comments, blank and
/// whitespace-only lines, `[default]`, SSO sections, no final newline.
const USERS_OWN: &str = "# my settings\r\n[default]\r\nregion = eu-central-1\r\n\r\n  \r\n; sso\r\n[sso-session corp]\r\nsso_start_url = https://corp.awsapps.com/start\r\n[profile dev]\r\nsso_session = corp\r\ns3 =\r\n  max_concurrent_requests = 4";

fn block_of(sandbox: &Sandbox, config: &str) -> String {
    let out = sandbox.run(&["--config", config, "aws-config"]);
    assert_status(&out, 0);
    stdout(&out)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn write_keeps_the_users_bytes_and_a_second_run_changes_nothing() {
    let sandbox = Sandbox::with_config(SINGLE);
    let path = sandbox.aws_config();
    assert_status(&sandbox.write_block_over(USERS_OWN), 0);
    let written = read(&path);
    let (before, block) = written.split_at(USERS_OWN.len());
    assert_text(USERS_OWN, before);
    let profiles = block_of(&sandbox, sandbox.user_config().to_str().unwrap());
    assert!(
        block.starts_with("\r\n\r\n# BEGIN acct cpco\r\n"),
        "block after one blank line: {block:?}"
    );
    assert!(block.ends_with("# END acct cpco\r\n"), "{block:?}");
    assert!(
        block.contains(&profiles.replace('\n', "\r\n")),
        "the block holds the rendered profiles with the file's CRLF: {block:?}"
    );

    let inode = std::fs::metadata(&path).unwrap().ino();
    let again = sandbox.run(&["aws-config", "--write"]);
    assert_status(&again, 0);
    assert!(
        stdout(&again).starts_with("unchanged"),
        "{}",
        stdout(&again)
    );
    assert_eq!(read(&path), written);
    assert_eq!(
        std::fs::metadata(&path).unwrap().ino(),
        inode,
        "an up-to-date file is not rewritten"
    );
    assert_status(&sandbox.run(&["aws-config", "--check"]), 0);
}

#[test]
fn a_changed_config_replaces_the_block_in_place() {
    let sandbox = Sandbox::with_config(SINGLE);
    let path = sandbox.aws_config();
    assert_status(
        &sandbox.write_block_over("[default]\nregion = eu-central-1\n"),
        0,
    );
    std::fs::write(
        &path,
        read(&path) + "\n# added later by hand\n[profile mine]\nregion = us-east-1\n",
    )
    .unwrap();
    sandbox.write_user_config(&SINGLE.replace("[stages.testing]", "[stages.staging]"));
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    let written = read(&path);
    assert_lacks(&written, "cpco-testing-admin");
    assert_contains(&written, "[profile cpco-staging-admin]");
    assert!(
        written.starts_with("[default]\nregion = eu-central-1\n\n# BEGIN acct cpco\n"),
        "{written}"
    );
    assert!(
        written.ends_with(
            "# END acct cpco\n\n# added later by hand\n[profile mine]\nregion = us-east-1\n"
        ),
        "{written}"
    );
}

#[test]
fn the_target_is_file_then_aws_config_file_then_aws_config_file_variable() {
    let sandbox = Sandbox::with_config(SINGLE);
    let explicit = sandbox.root.join("explicit/config");
    let out = sandbox.run(&[
        "aws-config",
        "--write",
        "--file",
        explicit.to_str().unwrap(),
    ]);
    assert_status(&out, 0);
    assert!(read(&explicit).contains("# BEGIN acct cpco"));
    assert!(!sandbox.aws_config().exists(), "only --file was written");

    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    assert!(read(&sandbox.aws_config()).contains("# BEGIN acct cpco"));

    sandbox.write_user_config(&format!(
        "aws_config_file = \"~/estate/aws-config\"\n{SINGLE}"
    ));
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    assert!(read(&sandbox.home.join("estate/aws-config")).contains("# BEGIN acct cpco"));
}

#[test]
fn a_symlinked_config_stays_a_link_to_the_updated_file() {
    let sandbox = Sandbox::with_config(SINGLE);
    let real = sandbox.write("dotfiles/aws-config", "[default]\n");
    std::os::unix::fs::symlink(&real, sandbox.aws_config()).unwrap();
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    assert_symlink(&sandbox.aws_config());
    assert!(read(&real).starts_with("[default]\n\n# BEGIN acct cpco\n"));
}

#[test]
fn a_profile_of_the_same_name_outside_the_block_is_a_conflict_and_nothing_changes() {
    let own = "[default]\r\nregion = x\r\n[profile cpco-root-admin]\r\nregion = y";
    let (sandbox, out) = conflict_over(own);
    let path = sandbox.aws_config();
    let message = stderr(&out);
    assert!(
        message.contains(&format!("{}:3:", path.display()))
            && message.contains("`cpco-root-admin`"),
        "names the file, line and profile: {message}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), own.as_bytes());
    assert_eq!(entries(path.parent().unwrap()), ["config"]);
    assert_status(&sandbox.run(&["aws-config", "--check"]), 1);
}

#[test]
fn a_new_file_is_0600_in_new_0700_directories_and_an_old_files_mode_is_kept() {
    let sandbox = Sandbox::with_config(SINGLE);
    let path = sandbox.root.join("new/deeper/config");
    assert_status(
        &sandbox.run(&["aws-config", "--write", "--file", path.to_str().unwrap()]),
        0,
    );
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&sandbox.root.join("new")), 0o700);
    assert_eq!(mode(&sandbox.root.join("new/deeper")), 0o700);

    let kept = sandbox.aws_config();
    std::fs::write(&kept, "[default]\n").unwrap();
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    assert_eq!(mode(&kept), 0o640);
}

#[test]
fn a_failed_write_leaves_the_file_as_it_was_and_no_temp_file() {
    let sandbox = Sandbox::with_config(SINGLE);
    let path = sandbox.aws_config();
    std::fs::write(&path, USERS_OWN).unwrap();
    // A file size limit of zero fails the temp file's write even for root
    // (as a full disk would); SIGXFSZ ignored so the write returns EFBIG.
    let mut cmd = sandbox.command("bash");
    cmd.args([
        "--noprofile",
        "--norc",
        "-c",
        "trap '' XFSZ; ulimit -f 0; exec \"$@\"",
        "bash",
    ])
    .args([ACCT, "aws-config", "--write"]);
    let out = cmd.output().unwrap();
    assert_status(&out, 1);
    assert_contains(&stderr(&out), "cannot write");
    assert_eq!(read(&path), USERS_OWN);
    assert_eq!(entries(path.parent().unwrap()), ["config"]);

    // A directory where the file should be, and a file where its directory should be.
    let dir = sandbox.root.join("dir");
    std::fs::create_dir_all(dir.join("config")).unwrap();
    let out = sandbox.run(&[
        "aws-config",
        "--write",
        "--file",
        dir.join("config").to_str().unwrap(),
    ]);
    assert_status(&out, 1);
    assert_eq!(entries(&dir), ["config"]);
    let file = sandbox.write("plain", "text");
    let out = sandbox.run(&[
        "aws-config",
        "--write",
        "--file",
        file.join("config").to_str().unwrap(),
    ]);
    assert_status(&out, 1);
    assert_eq!(read(&file), "text");
}

/// Twelve configs made by `config(i)`, each `--write` started at once;
/// gives their paths once all have succeeded.
fn write_twelve_at_once(sandbox: &Sandbox, config: impl Fn(usize) -> String) -> Vec<String> {
    let configs: Vec<String> = (0..12)
        .map(|i| {
            sandbox
                .write(&format!("configs/{i}.toml"), &config(i))
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let children: Vec<_> = configs
        .iter()
        .map(|config| {
            sandbox
                .acct()
                .args(["--config", config, "aws-config", "--write", "--force"])
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    configs
}

/// Twelve `--write`s at once, each its own namespace: the lock must keep
/// every one of them (a lost update would drop a block).
#[test]
fn concurrent_writes_of_twelve_namespaces_keep_every_block_and_the_users_text() {
    let sandbox = Sandbox::new();
    let path = sandbox.aws_config();
    std::fs::write(&path, USERS_OWN).unwrap();
    let configs = write_twelve_at_once(&sandbox, |i| {
        SINGLE.replace("\"cpco\"", &format!("\"team{i}\""))
    });
    let written = read(&path);
    assert!(
        written.starts_with(USERS_OWN),
        "the user's text is kept: {written}"
    );
    for (i, config) in configs.iter().enumerate() {
        let begin = format!("# BEGIN acct team{i}\r\n");
        assert_eq!(
            written.matches(&begin).count(),
            1,
            "one block of team{i}:\n{written}"
        );
        assert_eq!(
            written.matches(&format!("# END acct team{i}\r\n")).count(),
            1
        );
        let profiles = block_of(&sandbox, config).replace('\n', "\r\n");
        assert!(
            written.contains(&profiles),
            "team{i}'s profiles:\n{written}"
        );
    }
    let mut check = sandbox.acct();
    check.args(["--config", &configs[7], "aws-config", "--check"]);
    assert_status(&check.output().unwrap(), 0);
    assert_eq!(entries(path.parent().unwrap()), ["config"]);
}

/// Twelve `--write`s of one namespace with different stages: one block in
/// the end, exactly what one of the twelve renders (the last writer's), never
/// a mix or a second block.
#[test]
fn concurrent_writes_of_one_namespace_leave_one_whole_block() {
    let sandbox = Sandbox::new();
    let path = sandbox.aws_config();
    std::fs::write(&path, USERS_OWN).unwrap();
    let configs = write_twelve_at_once(&sandbox, |i| {
        SINGLE.replace("[stages.testing]", &format!("[stages.stage{i}]"))
    });
    let written = read(&path);
    assert!(written.starts_with(USERS_OWN), "{written}");
    assert_eq!(written.matches("# BEGIN acct cpco").count(), 1, "{written}");
    assert_eq!(written.matches("# END acct cpco").count(), 1, "{written}");
    let in_sync: Vec<&String> = configs
        .iter()
        .filter(|config| {
            let mut check = sandbox.acct();
            check.args(["--config", config, "aws-config", "--check"]);
            check.output().unwrap().status.success()
        })
        .collect();
    assert_eq!(
        in_sync.len(),
        1,
        "exactly one writer's block is there:\n{written}"
    );
}

#[test]
fn check_is_0_in_sync_1_with_a_diff_on_drift_and_2_on_a_config_error() {
    let sandbox = Sandbox::with_config(SINGLE);
    let path = sandbox.aws_config();

    let missing = sandbox.run(&["aws-config", "--check"]);
    assert_status(&missing, 1);
    assert_contains(&stdout(&missing), "+# BEGIN acct cpco");

    assert_status(&sandbox.run(&["aws-config", "--write"]), 0);
    let in_sync = sandbox.run(&["aws-config", "--check"]);
    assert_status(&in_sync, 0);
    assert_eq!(stdout(&in_sync), "");

    std::fs::write(
        &path,
        read(&path).replace("region=us-west-2", "region=us-east-1"),
    )
    .unwrap();
    let drift = sandbox.run(&["aws-config", "--check"]);
    assert_status(&drift, 1);
    let diff = stdout(&drift);
    assert!(
        diff.starts_with(&format!("--- {}\n+++ ", path.display())),
        "{diff}"
    );
    assert_contains(&diff, "\n-region=us-east-1\n+region=us-west-2\n");
    assert_contains(&stderr(&drift), "acct aws-config --write");

    sandbox.write_user_config(&format!("regoin = \"x\"\n{SINGLE}"));
    let broken = sandbox.run(&["aws-config", "--check"]);
    assert_status(&broken, 2);
    assert_eq!(stdout(&broken), "");
}

#[test]
fn file_needs_write_or_check() {
    let sandbox = Sandbox::with_config(SINGLE);
    assert_status(&sandbox.run(&["aws-config", "--file", "x"]), 2);
    assert_status(&sandbox.run(&["aws-config", "--write", "--check"]), 2);
}

/// `--write` says what it wrote: the stages' profiles, and by name the one
/// section of the block that is not a stage's (the MFA session profile, or
/// the Identity Center `sso-session`).
#[test]
fn write_names_what_the_block_holds() {
    let mfa_session = SINGLE.replace("mfa_serial", "mfa_session = true\nmfa_serial");
    let sso = std::fs::read_to_string(repo_file("examples/identity-center.toml")).unwrap();
    for (config, said) in [
        (SINGLE.to_string(), "wrote 2 stage profiles of `cpco` in "),
        (
            mfa_session,
            "wrote 2 stage profiles and [profile cpco-mfa] of `cpco` in ",
        ),
        (
            sso,
            "wrote 4 stage profiles and [sso-session cpco] of `cpco` in ",
        ),
    ] {
        let sandbox = Sandbox::with_config(&config);
        let out = sandbox.run(&["aws-config", "--write"]);
        assert_status(&out, 0);
        assert!(stdout(&out).starts_with(said), "{said}\n{}", stdout(&out));
    }
}
