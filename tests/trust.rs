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
    assert!(
        stderr(&out).contains(&format!("acct allow {}", project.display())),
        "{}",
        stderr(&out)
    );

    let out = run(&["allow"]);
    assert_status(&out, 0);
    assert!(stdout(&out).contains(&project.display().to_string()));
    // The record lives under XDG_DATA_HOME, privately.
    let store = sandbox.home.join(".local/share/acct/allowed");
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
    assert!(
        stderr(&out).contains("changed since it was allowed"),
        "{}",
        stderr(&out)
    );
    assert_status(&run(&["allow", project.to_str().unwrap()]), 0);
    assert!(stdout(&run(&["list"])).contains("999999999999"));

    // deny forgets it.
    assert_status(&run(&["deny"]), 0);
    assert_status(&run(&["list"]), 1);
}

#[test]
fn configs_named_explicitly_and_the_user_config_are_trusted() {
    let sandbox = Sandbox::with_config(SINGLE);
    assert_status(&sandbox.run(&["list"]), 0);
    let file = sandbox.write("work/elsewhere.toml", MEMBER);
    assert_status(&sandbox.run(&["-c", file.to_str().unwrap(), "list"]), 0);
    assert_status(
        &sandbox
            .acct()
            .env("ACCT_CONFIG", &file)
            .arg("list")
            .output()
            .unwrap(),
        0,
    );
}

#[test]
fn a_config_others_can_write_is_refused_with_the_fix() {
    let sandbox = Sandbox::with_config(SINGLE);
    let config = sandbox.user_config();
    let marker = sandbox.root.join("ran");
    let touch = ["exec", "testing", "--", "touch", marker.to_str().unwrap()];

    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = sandbox.run(&touch);
    assert_status(&out, 1);
    assert!(
        stderr(&out).contains(&format!("fix: chmod go-w {}", config.display())),
        "{}",
        stderr(&out)
    );
    assert!(!marker.exists());

    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let dir = config.parent().unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = sandbox.run(&touch);
    assert_status(&out, 1);
    assert!(
        stderr(&out).contains("directory others can write"),
        "{}",
        stderr(&out)
    );

    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    // Owned by another (non-root) user: refused, as ssh does.
    if nix::unistd::geteuid().is_root() {
        nix::unistd::chown(&config, Some(nix::unistd::Uid::from_raw(4242)), None).unwrap();
        let out = sandbox.run(&touch);
        assert_status(&out, 1);
        assert!(
            stderr(&out).contains("owned by user id 4242"),
            "{}",
            stderr(&out)
        );
        nix::unistd::chown(&config, Some(nix::unistd::geteuid()), None).unwrap();
    }
    assert_status(&sandbox.run(&touch), 0);
}

#[test]
fn control_characters_in_values_are_never_printed_raw() {
    let sandbox = Sandbox::with_config(&format!(
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
