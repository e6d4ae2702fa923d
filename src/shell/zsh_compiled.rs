//! zsh's compiled startup files: `.zshenv.zwc` and `.zshrc.zwc` beside the
//! hook in the private ZDOTDIR. zsh parses every byte of a startup file at
//! every start; parsing the hook was a third of what it adds to zsh's start
//! (1.5M of 4.2M instructions, callgrind). Beside a sourced file zsh loads
//! `NAME.zwc` instead when it is at least as new as the file and was written
//! by the same zsh version (a .zwc of another version is ignored, silently:
//! zsh parses the file as before).
//!
//! Only a missing or out-of-date .zwc costs a process: the usual start is a
//! few `stat`s. Out of date is older than its file or than the zsh program
//! (an upgraded zsh must compile again: the program's change time counts,
//! since a package installs it with its build date as its mtime). Any
//! failure (no zsh, zcompile refusing, a read-only directory, a timeout)
//! leaves things as they were, and zsh reads the file itself.

use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use wait_timeout::ChildExt;

use crate::config::process_env;

/// A compile takes milliseconds; a zsh that hangs must not hold the shell.
const TIMEOUT: Duration = Duration::from_secs(3);

/// Compile each of `names` in `dir` whose .zwc is not current, with
/// `program` (the zsh `acct shell` runs, looked up in acct's PATH as
/// `which` does; should a stage's `[env]` PATH find another zsh, that one
/// ignores a .zwc of another version and parses the file).
pub fn ensure(program: &str, dir: &Path, names: &[&str]) {
    let Ok(zsh) = which::which(program) else {
        return;
    };
    let Ok(installed) = fs::metadata(&zsh) else {
        return;
    };
    let installed = modified(&installed).max((installed.ctime(), installed.ctime_nsec()));
    let stale: Vec<&str> = names
        .iter()
        .copied()
        .filter(|name| !current(dir, name, installed))
        .collect();
    if !stale.is_empty() {
        let _ = compile(&zsh, dir, &stale);
    }
}

/// When a file was last written, comparable: seconds, nanoseconds.
fn modified(meta: &fs::Metadata) -> (i64, i64) {
    (meta.mtime(), meta.mtime_nsec())
}

/// `NAME.zwc` is at least as new as `NAME` and as the zsh program.
fn current(dir: &Path, name: &str, installed: (i64, i64)) -> bool {
    let (Ok(source), Ok(compiled)) = (
        fs::metadata(dir.join(name)),
        fs::metadata(dir.join(format!("{name}.zwc"))),
    ) else {
        return false;
    };
    let written = modified(&compiled);
    written >= modified(&source) && written >= installed
}

/// One zsh compiles every stale file into a temp name of its own, which is
/// then renamed over `NAME.zwc`: two acct starting at once each rename a
/// whole file, and a zsh starting meanwhile reads one whole file or the
/// other. zcompile names the entry inside after the file compiled
/// (`.zshrc`), which is what zsh looks for in `.zshrc.zwc`; `-R` reads it
/// into memory rather than mapping it (a script runs once); `-U` expands no
/// alias at compile time (`zsh -f` has none anyway). Parsed before the
/// user's .zshrc runs, the hook's later lines no longer meet the user's
/// aliases either, which its `\builtin`s were there to defend against.
fn compile(zsh: &Path, dir: &Path, names: &[&str]) -> Option<()> {
    let temps: Vec<(PathBuf, PathBuf)> = names
        .iter()
        .map(|name| (dir.join(temp_name(name)), dir.join(format!("{name}.zwc"))))
        .collect();
    let mut args: Vec<OsString> = Vec::new();
    for ((temp, _), name) in temps.iter().zip(names) {
        args.extend([temp.clone().into_os_string(), OsString::from(name)]);
    }
    let compiled = run(zsh, dir, &args);
    for (temp, zwc) in &temps {
        let placed = compiled.is_some()
            && fs::set_permissions(temp, fs::Permissions::from_mode(0o600)).is_ok()
            && fs::rename(temp, zwc).is_ok();
        if !placed {
            let _ = fs::remove_file(temp);
        }
    }
    compiled
}

/// `.NAME.acct-PID-NANOS.zwc`: unique among the acct running now (zcompile
/// would add `.zwc` to a name without it).
fn temp_name(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{name}.acct-{}-{nanos}.zwc", std::process::id())
}

/// `zsh -f -c 'zcompile ...' zsh TEMP NAME ...` in `dir`, with nothing of
/// the user's but PATH and HOME, and no terminal: success or nothing.
fn run(zsh: &Path, dir: &Path, args: &[OsString]) -> Option<()> {
    const SCRIPT: &str = r#"while (( $# )); do zcompile -R -U "$1" "$2" || exit 1; shift 2; done"#;
    #[allow(
        clippy::disallowed_methods,
        reason = "zsh compiles acct's own startup files; not the AWS CLI, no runner of its own"
    )]
    let mut command = Command::new(zsh);
    command
        .args(["-f", "-c", SCRIPT, "zsh"])
        .args(args)
        .current_dir(dir)
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for name in ["PATH", "HOME"] {
        if let Some(value) = process_env::get(name) {
            command.env(name, value);
        }
    }
    let mut child = command.spawn().ok()?;
    match child.wait_timeout(TIMEOUT) {
        Ok(Some(status)) if status.success() => Some(()),
        Ok(Some(_)) => None,
        _ => {
            let _ = child.kill();
            let _ = child.wait();
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zsh() -> Option<PathBuf> {
        which::which("zsh").ok()
    }

    #[test]
    fn stale_files_are_compiled_current_ones_left_alone() {
        let Some(zsh) = zsh() else {
            eprintln!("no zsh: skipped");
            return;
        };
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        fs::write(dir.join(".zshrc"), "typeset -g compiled_rc=1\n").unwrap();
        fs::write(dir.join(".zshenv"), "typeset -g compiled_env=1\n").unwrap();
        let program = zsh.to_str().unwrap();
        ensure(program, dir, &[".zshenv", ".zshrc"]);
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".zshenv", ".zshenv.zwc", ".zshrc", ".zshrc.zwc"]);
        let zwc = dir.join(".zshrc.zwc");
        let meta = fs::metadata(&zwc).unwrap();
        assert_eq!(meta.mode() & 0o777, 0o600);
        ensure(program, dir, &[".zshenv", ".zshrc"]);
        assert_eq!(fs::metadata(&zwc).unwrap().ino(), meta.ino());

        // A file written after its .zwc is compiled again.
        std::thread::sleep(Duration::from_millis(20));
        fs::write(dir.join(".zshrc"), "typeset -g compiled_rc=2\n").unwrap();
        ensure(program, dir, &[".zshenv", ".zshrc"]);
        assert_ne!(fs::metadata(&zwc).unwrap().ino(), meta.ino());
    }

    #[test]
    fn failures_leave_no_file_behind() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        fs::write(dir.join(".zshrc"), "if then fi fi (\n").unwrap();
        ensure("/nonexistent/zsh", dir, &[".zshrc"]);
        if let Some(zsh) = zsh() {
            ensure(zsh.to_str().unwrap(), dir, &[".zshrc"]);
        }
        assert_eq!(fs::read_dir(dir).unwrap().count(), 1);
    }
}
