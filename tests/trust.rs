//! Trust (as direnv does): a project's acct.toml is used only once allowed,
//! and a config that others can write is refused (as ssh does).

use std::os::unix::fs::PermissionsExt;

use crate::util::*;

#[test]
fn a_project_config_needs_allow_and_again_after_a_change() {
    let sandbox = Sandbox::new();
    let project = sandbox.write("work/infra/acct.toml", MEMBER);
    let nested = sandbox.work.join("infra/modules/vpc");
    std::fs::create_dir_all(&nested).unwrap();
    let run = |args: &[&str]| {
        sandbox
            .acct()
            .args(args)
            .current_dir(&nested)
            .output()
            .unwrap()
    };

    let marker = sandbox.root.join("ran");
    let out = run(&["exec", "testing", "--", "touch", marker.to_str().unwrap()]);
    assert_status(&out, 1);
    assert!(
        !marker.exists(),
        "a config that was never allowed ran a command"
    );
    assert_contains(&stderr(&out), &format!("acct allow {}", project.display()));

    let out = run(&["allow"]);
    assert_status(&out, 0);
    assert!(stdout(&out).contains(&project.display().to_string()));
    // The record lives under XDG_DATA_HOME, privately.
    let store = sandbox.home.join(".local/share/acct/allowed");
    // Its profiles written, as the README's first run does.
    assert_status(&run(&["aws-config", "--write"]), 0);
    assert_eq!(
        std::fs::metadata(&store).unwrap().permissions().mode() & 0o777,
        0o700
    );
    assert_status(
        &run(&["exec", "testing", "--", "touch", marker.to_str().unwrap()]),
        0,
    );
    assert!(marker.exists());

    // Any change must be allowed again.
    std::fs::write(&project, MEMBER.replace("126450723953", "999999999999")).unwrap();
    let out = run(&["list"]);
    assert_status(&out, 1);
    assert_contains(&stderr(&out), "changed since it was allowed");
    assert_status(&run(&["allow", project.to_str().unwrap()]), 0);
    assert!(stdout(&run(&["list"])).contains("999999999999"));

    // deny forgets it.
    assert_status(&run(&["deny"]), 0);
    assert_status(&run(&["list"]), 1);
}

#[test]
fn configs_named_explicitly_and_the_user_config_are_trusted() {
    // Which config answered: SINGLE's testing is in the root account,
    // MEMBER's has an account of its own.
    let sandbox = Sandbox::staged(SINGLE);
    let testing_account = |out: std::process::Output| {
        assert_status(&out, 0);
        stdout(&out)
    };
    let exec = ["exec", "testing", "--", "printenv", "ACCT_ACCOUNT_ID"];
    assert_eq!(testing_account(sandbox.run(&exec)), "323330167063\n");
    // An unallowed project config in the way: named configs win over it.
    sandbox.write("work/acct.toml", ORGANIZATION);
    let file = sandbox.write("work/elsewhere.toml", MEMBER);
    // MEMBER is another estate of the namespace: its profiles in a file of
    // their own.
    let member_aws = sandbox.root.join("member-aws-config");
    let member = |args: &[&str]| {
        let mut cmd = sandbox.acct();
        cmd.env("AWS_CONFIG_FILE", &member_aws).args(args);
        cmd
    };
    let file_flag = ["-c", file.to_str().unwrap()];
    let write = [&file_flag[..], &["aws-config", "--write"]].concat();
    assert_status(&member(&write).output().unwrap(), 0);
    let flag = [&file_flag[..], &exec[..]].concat();
    assert_eq!(
        testing_account(member(&flag).output().unwrap()),
        "126450723953\n"
    );
    let by_variable = member(&[])
        .env("ACCT_CONFIG", &file)
        .args(exec)
        .output()
        .unwrap();
    assert_eq!(testing_account(by_variable), "126450723953\n");
}

#[test]
fn a_config_others_can_write_is_refused_with_the_fix() {
    let sandbox = Sandbox::staged(SINGLE);
    let config = sandbox.user_config();
    let marker = sandbox.root.join("ran");
    let touch = ["exec", "testing", "--", "touch", marker.to_str().unwrap()];

    // World- or only group-writable: either lets others change it.
    for mode in [0o666, 0o664, 0o620] {
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = sandbox.run(&touch);
        assert_status(&out, 1);
        assert!(
            stderr(&out).contains(&format!("(mode {mode:04o})"))
                && stderr(&out).contains(&format!("fix: chmod go-w {}", config.display())),
            "{mode:o}: {}",
            stderr(&out)
        );
        assert!(!marker.exists());
    }

    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let dir = config.parent().unwrap();
    for mode in [0o777, 0o775] {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = sandbox.run(&touch);
        assert_status(&out, 1);
        assert!(
            stderr(&out).contains("directory others can write"),
            "{mode:o}: {}",
            stderr(&out)
        );
    }

    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    // Owned by another (non-root) user: refused, as ssh does.
    if crate::tools::root_or_skip(
        "a_config_others_can_write_is_refused_with_the_fix",
        "to chown (the part with a config owned by another user)",
    ) {
        nix::unistd::chown(&config, Some(nix::unistd::Uid::from_raw(4242)), None).unwrap();
        let out = sandbox.run(&touch);
        assert_status(&out, 1);
        assert_contains(&stderr(&out), "owned by user id 4242");
        nix::unistd::chown(&config, Some(nix::unistd::geteuid()), None).unwrap();
    }
    assert_status(&sandbox.run(&touch), 0);
}

/// The README's exception: a directory others can write is refused only
/// without the sticky bit. With it (as on `/tmp`) others cannot replace
/// your file there, so your config in it is used.
#[test]
fn a_config_in_a_sticky_directory_others_can_write_is_used() {
    let sandbox = Sandbox::new();
    let shared = sandbox.root.join("shared");
    std::fs::create_dir(&shared).unwrap();
    let config = sandbox.write("shared/estate.toml", SINGLE);
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let run = |args: &[&str]| {
        sandbox
            .acct()
            .arg("--config")
            .arg(&config)
            .args(args)
            .output()
            .unwrap()
    };
    for mode in [0o1777, 0o1775] {
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(mode)).unwrap();
        assert_status(&run(&["aws-config", "--write"]), 0);
        let out = run(&["exec", "testing", "--", "printenv", "ACCT_ACCOUNT_ID"]);
        assert_status(&out, 0);
        assert_eq!(stdout(&out), "323330167063\n", "{mode:o}");
    }
    // The same directory without the sticky bit: refused, with the fix.
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = run(&["list"]);
    assert_status(&out, 1);
    assert!(
        stderr(&out).contains("directory others can write (mode 0777)")
            && stderr(&out).contains(&format!("fix: chmod go-w {}", shared.display())),
        "{}",
        stderr(&out)
    );
}

#[test]
fn control_characters_in_values_are_never_printed_raw() {
    let sandbox = Sandbox::staged(&format!(
        "{SINGLE}\n[stages.testing.env]\nBANNER = \"\\u001b]0;owned\\u0007\\u001b[31mred\"\n"
    ));
    for shell in ["bash", "zsh", "fish"] {
        let out = sandbox.run(&["env", "testing", "--shell", shell]);
        assert_status(&out, 0);
        assert!(
            !out.stdout.contains(&0x1b) && !out.stdout.contains(&0x07),
            "{shell}: raw control bytes in {}",
            stdout(&out)
        );
    }
    // ... and the shells still get the exact value.
    let out = sandbox
        .command("bash")
        .args([
            "--norc",
            "-c",
            r#"eval "$("$ACCT" env testing --shell bash)"; printf %s "$BANNER""#,
        ])
        .env("ACCT", ACCT)
        .output()
        .unwrap();
    assert_eq!(out.stdout, b"\x1b]0;owned\x07\x1b[31mred");
    let out = sandbox
        .command("fish")
        .args([
            "--no-config",
            "-c",
            r#""$ACCT" env testing --shell fish | source; printf %s "$BANNER""#,
        ])
        .env("ACCT", ACCT)
        .output()
        .unwrap();
    assert_eq!(out.stdout, b"\x1b]0;owned\x07\x1b[31mred");
}

/// Allow `text` as the project config `work/proj/acct.toml`; give the
/// environment of `acct exec STAGE` there.
fn allowed_project(sandbox: &Sandbox, text: &str) -> std::path::PathBuf {
    let project = sandbox.write("work/proj/acct.toml", text);
    let out = sandbox.acct().arg("allow").arg(&project).output().unwrap();
    assert_status(&out, 0);
    project
}

/// `acct aws-config --write` with the config found from `dir`.
fn write_block_from(sandbox: &Sandbox, dir: &std::path::Path) {
    let out = sandbox
        .acct()
        .current_dir(dir)
        .args(["aws-config", "--write", "--force"])
        .output()
        .unwrap();
    assert_status(&out, 0);
}

fn stage_env(sandbox: &Sandbox, dir: &std::path::Path, stage: &str) -> Vec<(String, String)> {
    let out = sandbox
        .acct()
        .current_dir(dir)
        .args(["exec", stage, "--", "env", "-0"])
        .output()
        .unwrap();
    assert_status(&out, 0);
    parse_env0(&out.stdout)
}

#[test]
fn a_project_config_edited_inside_its_stage_is_not_used_until_allowed_again() {
    let sandbox = Sandbox::new();
    let project = allowed_project(&sandbox, MEMBER);
    write_block_from(&sandbox, project.parent().unwrap());
    let inside = stage_env(&sandbox, project.parent().unwrap(), "root");
    let value = |name: &str| {
        inside
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(value("ACCT_CONFIG"), Some(project.display().to_string()));
    assert_eq!(value("ACCT_PROJECT_CONFIG").as_deref(), Some("1"));

    // A nested acct, anywhere, with the stage's environment: used while allowed.
    let nested = |args: &[&str]| {
        sandbox
            .command(ACCT)
            .envs(inside.iter().cloned())
            .current_dir(&sandbox.root)
            .args(args)
            .output()
            .unwrap()
    };
    let out = nested(&["exec", "testing", "--", "printenv", "ACCT_ACCOUNT_ID"]);
    assert_status(&out, 0);
    assert_eq!(stdout(&out), "126450723953\n");

    // Edited from inside the stage: another account, a BASH_ENV that runs code.
    let evil = sandbox.root.join("evil.sh");
    std::fs::write(&evil, "touch pwned\n").unwrap();
    let edited = MEMBER.replace("126450723953", "666666666666")
        + &format!(
            "\n[stages.testing.env]\nBASH_ENV = \"{}\"\n",
            evil.display()
        );
    std::fs::write(&project, edited).unwrap();
    let out = nested(&[
        "exec",
        "testing",
        "--",
        "bash",
        "-c",
        "printenv ACCT_ACCOUNT_ID",
    ]);
    assert_status(&out, 1);
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert!(!sandbox.root.join("pwned").exists());
    assert!(
        stderr(&out).contains("changed since it was allowed")
            && stderr(&out).contains(&format!("acct allow {}", project.display())),
        "{}",
        stderr(&out)
    );
    // The person's own ACCT_CONFIG (no ACCT_PROJECT_CONFIG) stays theirs
    // (its profiles written).
    let own = |args: &[&str]| {
        sandbox
            .acct()
            .env("ACCT_CONFIG", &project)
            .args(args)
            .output()
            .unwrap()
    };
    assert_status(&own(&["aws-config", "--write"]), 0);
    let out = own(&["exec", "testing", "--", "printenv", "ACCT_ACCOUNT_ID"]);
    assert_status(&out, 0);
    assert_eq!(stdout(&out), "666666666666\n");
}

#[test]
fn a_nested_acct_reads_the_exact_config_path_even_when_it_is_not_utf8() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let sandbox = Sandbox::new();
    let dir = sandbox.work.join(OsStr::from_bytes(b"cfg\xff"));
    std::fs::create_dir_all(&dir).unwrap();
    let project = dir.join("acct.toml");
    std::fs::write(&project, MEMBER).unwrap();
    assert_status(
        &sandbox.acct().arg("allow").arg(&project).output().unwrap(),
        0,
    );
    write_block_from(&sandbox, &dir);
    let out = sandbox
        .acct()
        .current_dir(&dir)
        .args([
            "exec",
            "root",
            "--",
            ACCT,
            "exec",
            "testing",
            "--",
            "printenv",
            "ACCT_CONFIG",
        ])
        .output()
        .unwrap();
    assert_status(&out, 0);
    let mut expected = project.as_os_str().as_bytes().to_vec();
    expected.push(b'\n');
    assert_eq!(out.stdout, expected);
}

/// `text` as an allowed project config refuses to run a command, naming
/// `key` at its file, line and column as inside the project's tree.
fn refused(sandbox: &Sandbox, text: &str, key: &str) {
    let project = allowed_project(sandbox, text);
    let marker = sandbox.root.join("ran");
    let out = sandbox
        .acct()
        .current_dir(project.parent().unwrap())
        .args(["exec", "testing", "--", "touch"])
        .arg(&marker)
        .output()
        .unwrap();
    assert_status(&out, 1);
    assert!(!marker.exists(), "{key}: the command ran");
    // Where it is written: file, line and column.
    let line = text
        .lines()
        .position(|l| l.starts_with(key.rsplit('.').next().unwrap()))
        .unwrap()
        + 1;
    assert_contains(&stderr(&out), &format!("{}:{line}:", project.display()));
    assert!(
        stderr(&out).contains(&format!("`{key}` names"))
            && stderr(&out).contains("inside the project's own tree")
            && stderr(&out).contains("fix:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_project_config_may_not_name_files_inside_its_own_tree() {
    let sandbox = Sandbox::new();
    refused(
        &sandbox,
        &format!("aws_config_file = \"aws/config\"\n{MEMBER}"),
        "aws_config_file",
    );
    refused(
        &sandbox,
        &format!("aws_cli = \"./bin/aws\"\n{MEMBER}"),
        "aws_cli",
    );
    refused(
        &sandbox,
        &format!("shell = \"./bin/sh -i\"\n{MEMBER}"),
        "shell",
    );
    // mfa_process's program: the script could change after `acct allow`.
    refused(
        &sandbox,
        &format!("mfa_session = true\nmfa_process = \"scripts/mfa-code --now\"\n{ORGANIZATION}"),
        "mfa_process",
    );
    // [env] values that are paths: a PATH entry, a *_FILE, a ./ value.
    let proj = sandbox.work.join("proj");
    refused(
        &sandbox,
        &format!(
            "{MEMBER}\n[stages.testing.env]\nPATH = \"{}/bin:/usr/bin:/bin\"\n",
            proj.display()
        ),
        "stages.testing.env.PATH",
    );
    refused(
        &sandbox,
        &format!("{MEMBER}\n[stages.testing.env]\nTF_CLI_CONFIG_FILE = \"terraform.rc\"\n"),
        "stages.testing.env.TF_CLI_CONFIG_FILE",
    );
    refused(
        &sandbox,
        &format!("{MEMBER}\n[stages.testing.env]\nHELPER = \"./tools/helper\"\n"),
        "stages.testing.env.HELPER",
    );
    refused(
        &sandbox,
        &format!("aws_credentials_file = \"aws/credentials\"\n{MEMBER}"),
        "aws_credentials_file",
    );
}

/// The tree is the repository's when there is one, and a symlinked
/// acct.toml's relative paths count from the link's folder.
#[test]
fn the_project_tree_is_the_repository_and_the_link_s_folder() {
    let sandbox = Sandbox::new();
    // In a repository, the whole work tree is the project's, `..` included.
    std::fs::create_dir_all(sandbox.work.join(".git")).unwrap();
    refused(
        &sandbox,
        &format!("aws_config_file = \"../aws/config\"\n{MEMBER}"),
        "aws_config_file",
    );
    std::fs::remove_dir(sandbox.work.join(".git")).unwrap();

    // Through a symlinked acct.toml: relative paths are read from the link's
    // folder, the project's.
    let real = sandbox.write(
        "shared/acct.toml",
        &format!("aws_config_file = \"aws/config\"\n{MEMBER}"),
    );
    let link = sandbox.work.join("proj/acct.toml");
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    assert_status(&sandbox.acct().arg("allow").arg(&link).output().unwrap(), 0);
    let out = sandbox
        .acct()
        .current_dir(link.parent().unwrap())
        .args(["exec", "testing", "--", "true"])
        .output()
        .unwrap();
    assert_status(&out, 1);
    assert_contains(&stderr(&out), "inside the project's own tree");
}

#[test]
fn files_outside_the_project_and_the_user_s_own_configs_are_fine() {
    let sandbox = Sandbox::new();
    // Files outside the project, and the user's own configs, are fine.
    let home_file = format!("aws_config_file = \"~/.aws/config\"\naws_cli = \"aws\"\n{MEMBER}");
    let project = allowed_project(&sandbox, &home_file);
    write_block_from(&sandbox, project.parent().unwrap());
    let out = sandbox
        .acct()
        .current_dir(project.parent().unwrap())
        .args(["exec", "testing", "--", "true"])
        .output()
        .unwrap();
    assert_status(&out, 0);
    let own = sandbox.write(
        "work/proj/mine.toml",
        &format!("aws_config_file = \"aws/config\"\n{MEMBER}"),
    );
    let with_own = |args: &[&str]| {
        sandbox
            .acct()
            .arg("-c")
            .arg(&own)
            .args(args)
            .output()
            .unwrap()
    };
    assert_status(&with_own(&["aws-config", "--write"]), 0);
    assert_status(&with_own(&["exec", "testing", "--", "true"]), 0);
}

/// A nested acct elsewhere (with a stage's ACCT_CONFIG): a relative program
/// counts from the config's folder, not from where acct runs, so the
/// `bin/aws` of the directory a person is in is never what runs.
#[test]
fn a_relative_program_of_a_project_config_is_its_own_from_anywhere() {
    let sandbox = Sandbox::new();
    let project = allowed_project(&sandbox, &format!("aws_cli = \"bin/aws\"\n{MEMBER}"));
    let planted = sandbox.root.join("ran-planted");
    std::fs::create_dir_all(sandbox.root.join("bin")).unwrap();
    executable(
        &sandbox.root.join("bin/aws"),
        &format!("#!/bin/sh\ntouch '{}'\n", planted.display()),
    );
    let out = sandbox
        .acct()
        .env("ACCT_CONFIG", &project)
        .env("ACCT_PROJECT_CONFIG", "1")
        .current_dir(&sandbox.root)
        .args(["exec", "--export-credentials", "testing", "--", "true"])
        .output()
        .unwrap();
    assert_status(&out, 1);
    assert!(!planted.exists(), "the planted bin/aws ran");
    assert!(
        stderr(&out).contains("`aws_cli` names")
            && stderr(&out).contains(
                &project
                    .parent()
                    .unwrap()
                    .join("bin/aws")
                    .display()
                    .to_string()
            ),
        "{}",
        stderr(&out)
    );
}

/// A program a config names by a relative path counts from the config's
/// folder, also in the `credential_process` line an SDK runs from its own
/// working directory; `~` is the home folder. A planted `scripts/mfa-code`
/// in the directory an SDK happens to run in never runs.
#[test]
fn mfa_process_is_the_configs_own_from_any_directory() {
    let sandbox = Sandbox::with_config(&format!(
        "mfa_session = true\nmfa_process = \"scripts/mfa-code --now\"\n{ORGANIZATION}"
    ));
    let out = sandbox.run(&["aws-config"]);
    assert_status(&out, 0);
    let own = sandbox.home.join(".config/acct/scripts/mfa-code");
    assert_contains(
        &stdout(&out),
        &format!("--mfa-process '{} --now'", own.display()),
    );
    sandbox.write_user_config(&format!(
        "mfa_session = true\nmfa_process = \"~/bin/mfa-code\"\n{ORGANIZATION}"
    ));
    let out = sandbox.run(&["aws-config"]);
    assert_status(&out, 0);
    assert_contains(
        &stdout(&out),
        &format!(
            "--mfa-process {}",
            sandbox.home.join("bin/mfa-code").display()
        ),
    );

    // A line written by an older acct, run by an SDK elsewhere: refused.
    let planted = sandbox.root.join("ran-planted");
    std::fs::create_dir_all(sandbox.root.join("scripts")).unwrap();
    executable(
        &sandbox.root.join("scripts/mfa-code"),
        &format!("#!/bin/sh\ntouch '{}'\necho 123456\n", planted.display()),
    );
    let mut cmd = sandbox.acct();
    cmd.current_dir(&sandbox.root).args([
        "mfa-session",
        "--namespace",
        "cpco",
        "--source-profile",
        "cpco",
        "--mfa-serial",
        "arn:aws:iam::323330167063:mfa/admin@example.com",
        "--duration",
        "3600",
        "--mfa-process",
        "scripts/mfa-code",
    ]);
    let out = without_terminal(&mut cmd).output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(!planted.exists(), "the planted scripts/mfa-code ran");
    assert_contains(&stderr(&out), "relative path");
}

/// `AWS_SHARED_CREDENTIALS_FILE` is acct's, set from `aws_credentials_file`
/// (resolved from the config's folder), never from `[env]`.
#[test]
fn the_credentials_file_is_named_by_aws_credentials_file_only() {
    let sandbox = Sandbox::with_config(&format!(
        "{MEMBER}\n[stages.testing.env]\nAWS_SHARED_CREDENTIALS_FILE = \"aws/credentials\"\n"
    ));
    let out = sandbox.run(&["exec", "testing", "--", "true"]);
    assert_status(&out, 2);
    assert!(
        stderr(&out).contains("AWS_SHARED_CREDENTIALS_FILE in [stages.testing].env is set by acct")
            && stderr(&out).contains("aws_credentials_file"),
        "{}",
        stderr(&out)
    );
    sandbox.write_user_config(&format!(
        "aws_credentials_file = \"aws/credentials\"\n{MEMBER}"
    ));
    sandbox.write_block();
    let env = stage_env(&sandbox, &sandbox.work, "testing");
    let value = env
        .iter()
        .find(|(n, _)| n == "AWS_SHARED_CREDENTIALS_FILE")
        .map(|(_, v)| v.clone());
    assert_eq!(
        value,
        Some(
            sandbox
                .home
                .join(".config/acct/aws/credentials")
                .display()
                .to_string()
        )
    );
}

/// A relative or empty `PATH` entry makes a stage's programs depend on the
/// directory it runs in: refused in any config, with line and column.
#[test]
fn a_relative_path_entry_is_refused_in_any_config() {
    let sandbox = Sandbox::with_config(&format!(
        "{MEMBER}\n[stages.testing.env]\nPATH = \"bin:/usr/local/bin:/usr/bin:/bin\"\n"
    ));
    std::fs::create_dir_all(sandbox.work.join("bin")).unwrap();
    let planted = sandbox.root.join("ran-planted");
    executable(
        &sandbox.work.join("bin/true"),
        &format!("#!/bin/sh\ntouch '{}'\n", planted.display()),
    );
    let out = sandbox.run(&["exec", "testing", "--", "true"]);
    assert_status(&out, 2);
    assert!(!planted.exists());
    let line = MEMBER.lines().count() + 3;
    assert!(
        stderr(&out).contains(&format!(
            "{}:{line}:8: `stages.testing.env.PATH` holds the relative entry \"bin\"",
            sandbox.user_config().display()
        )) && stderr(&out).contains("fix: write every entry as an absolute path"),
        "{}",
        stderr(&out)
    );
    // ~ is the home folder; the value the stage gets is absolute.
    sandbox.write_user_config(&format!(
        "{MEMBER}\n[stages.testing.env]\nPATH = \"~/bin:/usr/bin:/bin\"\n"
    ));
    sandbox.write_block();
    let env = stage_env(&sandbox, &sandbox.work, "testing");
    assert!(env.contains(&(
        "PATH".to_string(),
        format!("{}/bin:/usr/bin:/bin", sandbox.home.display())
    )));
}

/// A symlinked `acct.toml` planted by another user in a shared, sticky,
/// group-writable directory: the link is theirs although the file it leads
/// to is yours. Walking up skips it (with a warning); named through
/// `ACCT_CONFIG` it is refused, as a file of theirs is.
#[test]
fn a_symlink_owned_by_someone_else_is_theirs() {
    if !crate::tools::root_or_skip(
        "a_symlink_owned_by_someone_else_is_theirs",
        "to give a link another owner",
    ) {
        return;
    }
    let sandbox = Sandbox::staged(SINGLE);
    let target = sandbox.write("mine/acct.toml", MEMBER);
    assert_status(
        &sandbox.acct().arg("allow").arg(&target).output().unwrap(),
        0,
    );
    let shared = sandbox.work.join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1775)).unwrap();
    let link = shared.join("acct.toml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    assert_status(&sandbox.acct().arg("allow").arg(&link).output().unwrap(), 0);
    std::os::unix::fs::lchown(&link, Some(4242), None).unwrap();

    let exec = ["exec", "testing", "--", "printenv", "ACCT_ACCOUNT_ID"];
    let out = sandbox
        .acct()
        .current_dir(&shared)
        .args(exec)
        .output()
        .unwrap();
    assert_status(&out, 0);
    // SINGLE (the user config) answered, not the planted link's MEMBER.
    assert_eq!(stdout(&out), "323330167063\n");
    assert!(
        stderr(&out).contains(&format!("skipped {}", link.display()))
            && stderr(&out).contains("user id 4242 (the symlink)"),
        "{}",
        stderr(&out)
    );

    let out = sandbox
        .acct()
        .env("ACCT_CONFIG", &link)
        .args(exec)
        .output()
        .unwrap();
    assert_status(&out, 1);
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains(&format!(
            "{} is a symlink owned by user id 4242",
            link.display()
        )) && stderr(&out).contains("chown -h"),
        "{}",
        stderr(&out)
    );

    // A folder on the way that is their link counts as well.
    let folder = shared.join("proj");
    std::os::unix::fs::symlink(target.parent().unwrap(), &folder).unwrap();
    std::os::unix::fs::lchown(&folder, Some(4242), None).unwrap();
    let out = sandbox
        .acct()
        .env("ACCT_CONFIG", folder.join("acct.toml"))
        .args(exec)
        .output()
        .unwrap();
    assert_status(&out, 1);
    let said = format!("{} is a symlink owned by user id 4242", folder.display());
    assert!(stderr(&out).contains(&said), "{}", stderr(&out));
}

/// A relative `ACCT_CONFIG` would be read against the directory a command
/// runs in (any `acct.toml` there, never allowed): refused with the fix.
#[test]
fn a_relative_acct_config_is_refused() {
    let sandbox = Sandbox::with_config(SINGLE);
    sandbox.write("work/acct.toml", MEMBER);
    let marker = sandbox.root.join("ran");
    let out = sandbox
        .acct()
        .env("ACCT_CONFIG", "acct.toml")
        .args(["exec", "testing", "--", "touch"])
        .arg(&marker)
        .output()
        .unwrap();
    assert_status(&out, 2);
    assert!(!marker.exists());
    assert!(
        stderr(&out).contains("ACCT_CONFIG=acct.toml is a relative path")
            && stderr(&out).contains("fix: set it to an absolute path"),
        "{}",
        stderr(&out)
    );
}
