//! `acct shell` gives zsh its hook compiled (`.zshenv.zwc`, `.zshrc.zwc`
//! beside the files in the private ZDOTDIR), by the zsh that will run it:
//! once, again only when the zsh program is newer (an upgrade), and zsh
//! loads the compiled hook rather than parsing the file.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::tools;
use crate::util::*;

/// A `zsh` that logs its arguments, one line a start, then runs the real one.
fn logging_zsh(sandbox: &Sandbox) -> PathBuf {
    let path = sandbox.root.join("bin/zsh");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let log = sandbox.root.join("zsh.log");
    // Replaced as a package manager installs a program: a new file renamed
    // over the old one, with a change time of now.
    let new = sandbox.root.join("bin/.zsh.new");
    fs::write(
        &new,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            tools::by_name("zsh").display()
        ),
    )
    .unwrap();
    fs::set_permissions(&new, fs::Permissions::from_mode(0o755)).unwrap();
    fs::rename(&new, &path).unwrap();
    path
}

/// The zsh starts the log records that compiled (`zcompile` in `-c`).
fn compiles(sandbox: &Sandbox) -> usize {
    fs::read_to_string(sandbox.root.join("zsh.log"))
        .unwrap_or_default()
        .lines()
        .filter(|line| line.contains("zcompile"))
        .count()
}

/// `acct shell testing` in `zsh` on a terminal: the prompt shows the stage.
fn start(sandbox: &Sandbox, zsh: &Path) {
    let mut cmd = sandbox.command(tools::by_name("sh"));
    cmd.args(["-c", "\"$ACCT\" shell testing; echo \"status=$?\""])
        .env("SHELL", zsh)
        .env("TERM", "dumb")
        .env("XDG_RUNTIME_DIR", &sandbox.root)
        .env("ACCT", ACCT);
    let mut s = pty(cmd, 30);
    expect(&mut s, "[cpco-testing] ");
    send_and_expect(&mut s, "exit 0", "status=0");
}

/// The one zsh ZDOTDIR under the sandbox's XDG_RUNTIME_DIR.
fn zdotdir(sandbox: &Sandbox) -> PathBuf {
    let dirs: Vec<PathBuf> = fs::read_dir(sandbox.root.join("acct"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("zsh-"))
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].clone()
}

/// Inode and modification time of each .zwc, after checking it.
fn compiled(dir: &Path) -> Vec<(u64, i64, i64)> {
    [".zshenv", ".zshrc"]
        .iter()
        .map(|name| {
            let source = fs::metadata(dir.join(name)).unwrap();
            let zwc = fs::metadata(dir.join(format!("{name}.zwc"))).unwrap();
            assert_eq!(zwc.mode() & 0o777, 0o600, "{name}.zwc");
            assert!(
                (zwc.mtime(), zwc.mtime_nsec()) >= (source.mtime(), source.mtime_nsec()),
                "{name}.zwc older than {name}"
            );
            (zwc.ino(), zwc.mtime(), zwc.mtime_nsec())
        })
        .collect()
}

#[test]
fn zsh_gets_its_hook_compiled_once_and_again_after_an_upgrade() {
    let sandbox = Sandbox::with_config(SINGLE);
    sandbox.write_aws_files();
    let zsh = logging_zsh(&sandbox);
    start(&sandbox, &zsh);
    assert_eq!(compiles(&sandbox), 1, "one zsh compiles both files");
    let dir = zdotdir(&sandbox);
    let first = compiled(&dir);
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".zshenv", ".zshenv.zwc", ".zshrc", ".zshrc.zwc"]);

    // Current: nothing compiles, nothing is rewritten.
    start(&sandbox, &zsh);
    assert_eq!(compiles(&sandbox), 1);
    assert_eq!(compiled(&dir), first);

    // zsh upgraded: newer than the .zwc files, which it compiles again.
    std::thread::sleep(Duration::from_millis(50));
    logging_zsh(&sandbox);
    start(&sandbox, &zsh);
    assert_eq!(compiles(&sandbox), 2);
    let again = compiled(&dir);
    for (before, after) in first.iter().zip(&again) {
        assert_ne!(before.0, after.0, "a new file renamed into place");
    }

    // A .zwc older than its file (as if the file changed): compiled again.
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    fs::File::options()
        .write(true)
        .open(dir.join(".zshrc.zwc"))
        .unwrap()
        .set_modified(old)
        .unwrap();
    start(&sandbox, &zsh);
    assert_eq!(compiles(&sandbox), 3);
    compiled(&dir);
}

/// zsh runs the compiled hook, not the file beside it, while the .zwc is at
/// least as new as the file; the file when it is newer.
#[test]
fn zsh_loads_the_compiled_hook_rather_than_the_file() {
    let sandbox = Sandbox::with_config(SINGLE);
    sandbox.write_aws_files();
    let zsh = tools::by_name("zsh");
    start(&sandbox, &zsh);
    let dir = zdotdir(&sandbox);
    let rc = dir.join(".zshrc");
    fs::write(&rc, "print -r -- from-the-file\n").unwrap();
    let loaded = |mtime: SystemTime| {
        fs::File::options()
            .write(true)
            .open(&rc)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        let out = sandbox
            .command(&zsh)
            .args(["-i", "-c", "print -r -- hook=${+functions[__acct_precmd]}"])
            .env("ZDOTDIR", &dir)
            .env("__ACCT_ZDOTDIR", "")
            .output()
            .unwrap();
        stdout(&out)
    };
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    assert_eq!(loaded(old), "hook=1\n");
    let future = SystemTime::now() + Duration::from_secs(3600);
    assert_eq!(loaded(future), "from-the-file\nhook=0\n");
}
