//! Replacing acct with another program (`exec` and `shell`): no acct
//! process stays behind, so signals and the exit status are the program's own.
//! Also how a command that cannot start is said, with a shell's 126 or 127,
//! for `exec --each`'s stages too.

use std::ffi::{CStr, CString, OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use nix::errno::Errno;
use nix::sys::signal::{SigHandler, Signal, signal};

use crate::error::Failure;
use crate::stage::environment::StageEnv;

/// Exit status when the command exists but cannot be run (POSIX shells' 126).
const EXIT_NOT_EXECUTABLE: u8 = 126;
/// Exit status when the command is not found (POSIX shells' 127).
const EXIT_NOT_FOUND: u8 = 127;

/// execvp `command` with the stage's environment. Returns only on failure.
pub fn exec(command: &[OsString], env: &StageEnv) -> Failure {
    let Some(program) = command.first() else {
        return Failure::usage(
            "no command given after `--`",
            "write it after `--`, e.g. acct exec prod -- terraform plan",
        );
    };
    let to_c = |s: OsString| CString::new(s.into_vec());
    let argv: Result<Vec<CString>, _> = command.iter().cloned().map(to_c).collect();
    let applied = env.apply_here();
    // The command is looked up in the PATH it will run with: leaving a
    // stage whose [env] set PATH for one that does not gives the person's
    // own PATH back, and acct's (the old stage's) must not find the command.
    let path = applied
        .iter()
        .find(|(n, _)| n == "PATH")
        .map(|(_, v)| v.clone());
    let envp: Result<Vec<CString>, _> = applied
        .into_iter()
        .map(|(name, value)| {
            let mut pair = name.into_vec();
            pair.push(b'=');
            pair.extend(value.as_bytes());
            CString::new(pair)
        })
        .collect();
    let (Ok(argv), Ok(envp)) = (argv, envp) else {
        return Failure::usage(
            "the command or the environment holds a NUL byte",
            "remove the NUL byte from the arguments or the stage's [env] values",
        );
    };
    // Rust ignores SIGPIPE for its own sake; an ignored signal stays ignored
    // across exec, so put it back the way a shell would hand it over.
    // SAFETY: no other threads run and no handler is installed; SigDfl is async-signal-safe.
    let _ = unsafe { signal(Signal::SIGPIPE, SigHandler::SigDfl) };
    let stage_path = env.set.iter().find(|(n, _)| n == "PATH").map(|(_, v)| v);
    let err = match &path {
        Some(path) => exec_in(program, path, &argv, &envp),
        None => exec_searched(program, &argv, &envp),
    };
    cannot_start(
        &program.to_string_lossy(),
        err,
        err.desc(),
        stage_path.is_some(),
    )
}

/// Why a command could not be started, with the status a POSIX shell gives
/// it: 127 when it is not found, 126 when it is found but cannot run.
/// `detail` is the system's word for `error`; `stage_path` says the
/// command was looked up in the PATH of the stage's `[env]`.
pub fn cannot_start(name: &str, error: Errno, detail: &str, stage_path: bool) -> Failure {
    match error {
        Errno::ENOENT | Errno::ENOTDIR if stage_path => Failure::with_code(
            EXIT_NOT_FOUND,
            format!("{name}: command not found"),
            "check the name; acct looks it up in the PATH of the stage's [env], as `env PATH=... CMD` does",
        ),
        Errno::ENOENT | Errno::ENOTDIR => Failure::with_code(
            EXIT_NOT_FOUND,
            format!("{name}: command not found"),
            "check the name; acct looks it up in PATH, as a shell does",
        ),
        Errno::EACCES | Errno::ENOEXEC | Errno::EISDIR | Errno::EPERM => Failure::with_code(
            EXIT_NOT_EXECUTABLE,
            format!("{name}: cannot run it: {detail}"),
            "check that it is an executable file (chmod +x) with a valid #! line",
        ),
        _ => Failure::with_code(
            EXIT_NOT_EXECUTABLE,
            format!("{name}: {detail}"),
            "check that the command runs outside acct",
        ),
    }
}

/// Run `program` looked up in `path`, the `PATH` of the stage's environment,
/// as `env PATH=... CMD` does (`execvpe` would look in acct's own `PATH`): the
/// first executable file of that name in its directories, an empty entry
/// being the current directory. A name with a `/` is run as it is.
fn exec_in(program: &OsStr, path: &OsStr, argv: &[CString], envp: &[CString]) -> Errno {
    let file = if program.as_bytes().contains(&b'/') {
        Some(program.into())
    } else {
        let cwd = std::env::current_dir().unwrap_or_default();
        which::which_in(program, Some(path), cwd).ok()
    };
    let Some(file) =
        file.and_then(|f: std::path::PathBuf| CString::new(f.into_os_string().into_vec()).ok())
    else {
        return Errno::ENOENT;
    };
    exec_file(&file, argv, envp)
}

/// `program` looked up as `execvp` does, in acct's own `PATH` (else the
/// system's default), run with `envp`: glibc's `execvpe`.
#[cfg(not(target_os = "macos"))]
fn exec_searched(_program: &OsStr, argv: &[CString], envp: &[CString]) -> Errno {
    let Err(err) = nix::unistd::execvpe(&argv[0], argv, envp);
    err
}

/// macOS's libc has no `execvpe`: the same search by hand, acct's own
/// `PATH` else macOS's default (`_PATH_DEFPATH`, `/usr/bin:/bin`).
#[cfg(target_os = "macos")]
fn exec_searched(program: &OsStr, argv: &[CString], envp: &[CString]) -> Errno {
    let path = crate::config::process_env::get("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    exec_in(program, &path, argv, envp)
}

/// Run `file`, which has a `/` (so nothing is searched), with `envp`; a
/// script without `#!` runs with /bin/sh, as `execvp` does.
#[cfg(not(target_os = "macos"))]
fn exec_file(file: &CStr, argv: &[CString], envp: &[CString]) -> Errno {
    let Err(err) = nix::unistd::execvpe(file, argv, envp);
    err
}

/// macOS's libc has no `execvpe`: `execve`, and for a file the kernel
/// cannot run (`ENOEXEC`: no `#!`), /bin/sh with it, as `execvp` does.
#[cfg(target_os = "macos")]
fn exec_file(file: &CStr, argv: &[CString], envp: &[CString]) -> Errno {
    let Err(err) = nix::unistd::execve(file, argv, envp);
    if err != Errno::ENOEXEC {
        return err;
    }
    let mut with_sh = vec![c"/bin/sh".to_owned(), file.to_owned()];
    with_sh.extend(argv.iter().skip(1).cloned());
    let Err(_) = nix::unistd::execve(c"/bin/sh", &with_sh, envp);
    err
}
