//! install.sh: installs the binary, completions and man page where asked,
//! again without harm, and `--uninstall` removes exactly what it installed.

use std::path::{Path, PathBuf};

use crate::util::*;

/// Every file and directory under `root`, relative, sorted.
fn tree(root: &Path) -> Vec<String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            out.push(path.strip_prefix(root).unwrap().display().to_string());
            if path.is_dir() {
                walk(&path, root, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

fn install_sh(sandbox: &Sandbox, args: &[&str]) -> std::process::Output {
    sandbox
        .command("sh")
        .arg(repo_file("install.sh"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn install_twice_then_uninstall_leaves_what_was_there_before() {
    let sandbox = Sandbox::new();
    let bin = sandbox.root.join("bin");
    let prefix = sandbox.root.join("prefix");
    // The user's own files in directories install.sh also writes to.
    sandbox.write("prefix/share/man/man1/other.1", "not acct's\n");
    sandbox.write("bin/other-tool", "#!/bin/sh\n");
    let before = tree(&sandbox.root);

    let (bin_s, prefix_s) = (bin.to_str().unwrap(), prefix.to_str().unwrap());
    let args = ["--bin-dir", bin_s, "--prefix", prefix_s, "--binary", ACCT];
    for _ in 0..2 {
        let out = install_sh(&sandbox, &args);
        assert_status(&out, 0);
        assert_contains(&stdout(&out), &format!("{bin_s} is not on your PATH"));
        assert_contains(&stdout(&out), "fish_add_path");
    }

    let installed = bin.join("acct");
    let out = sandbox
        .command(&installed)
        .arg("--version")
        .output()
        .unwrap();
    assert_status(&out, 0);
    assert!(stdout(&out).starts_with("acct "), "{}", stdout(&out));
    let share = prefix.join("share");
    let expected_files: [(PathBuf, &str); 4] = [
        (share.join("bash-completion/completions/acct"), "complete "),
        (share.join("zsh/site-functions/_acct"), "#compdef acct"),
        (
            share.join("fish/vendor_completions.d/acct.fish"),
            "complete ",
        ),
        (share.join("man/man1/acct.1"), ".TH acct 1"),
    ];
    for (file, content) in &expected_files {
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("{} was not installed: {e}", file.display()));
        assert!(text.contains(content), "{}:\n{text}", file.display());
    }
    // The scripts call the installed binary back.
    let bash = std::fs::read_to_string(&expected_files[0].0).unwrap();
    assert!(bash.contains(installed.to_str().unwrap()), "{bash}");

    let out = install_sh(&sandbox, &["--uninstall", "--prefix", prefix_s]);
    assert_status(&out, 0);
    assert_eq!(before, tree(&sandbox.root), "uninstall left or took files");

    let out = install_sh(&sandbox, &["--uninstall", "--prefix", prefix_s]);
    assert_status(&out, 1);
    assert_contains(&stderr(&out), "fix: ");
}

#[test]
fn install_sh_has_help_and_refuses_unknown_options() {
    let sandbox = Sandbox::new();
    let out = install_sh(&sandbox, &["--help"]);
    assert_status(&out, 0);
    for option in ["--bin-dir", "--prefix", "--binary", "--uninstall"] {
        assert!(stdout(&out).contains(option), "{}", stdout(&out));
    }
    let out = install_sh(&sandbox, &["--bindir", "x"]);
    assert_status(&out, 1);
    assert_contains(&stderr(&out), "unknown option: --bindir");
}

#[test]
fn install_sh_is_shellcheck_clean() {
    let out = std::process::Command::new(crate::tools::shellcheck())
        .arg(repo_file("install.sh"))
        .output()
        .expect("shellcheck is installed (see .ci/run)");
    assert_status(&out, 0);
}

/// The README's first command, on a machine with nothing of acct's yet (an
/// empty HOME, no AWS files): the acct part after `./install.sh &&` runs on
/// the shipped example and succeeds, writing nothing.
#[test]
fn the_readmes_first_command_works_on_an_empty_home() {
    let readme = include_str!("../README.md");
    let line = readme
        .lines()
        .find(|l| l.starts_with("./install.sh && "))
        .expect("the README starts with ./install.sh && ...");
    let words = shell_words::split(line.trim_start_matches("./install.sh && ")).unwrap();
    assert_eq!(words[0], "~/.local/bin/acct", "{line}");
    let sandbox = Sandbox::new();
    std::fs::remove_dir_all(sandbox.home.join(".aws")).unwrap();
    std::fs::remove_dir_all(sandbox.home.join(".config")).unwrap();
    std::fs::remove_dir_all(sandbox.home.join(".local")).unwrap();
    let out = sandbox
        .acct()
        .args(&words[1..])
        .current_dir(repo_file("."))
        .output()
        .unwrap();
    assert_status(&out, 0);
    assert_contains(&stdout(&out), "testing");
    assert!(tree(&sandbox.home).is_empty(), "{:?}", tree(&sandbox.home));
}
