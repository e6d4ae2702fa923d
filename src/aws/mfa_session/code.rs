//! One MFA code: printed by `mfa_process` (a YubiKey's `ykman`, a password
//! manager), or typed on the terminal (`/dev/tty`, as sudo asks, so it works
//! when an SDK runs acct with pipes for stdin and stdout). With neither, the
//! caller fails at once: nothing waits for an answer that cannot come.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use super::SessionSpec;
use crate::error::{Failure, Result};
use crate::terminal;
use crate::text::clock;

/// How many codes a person may type before acct gives up, wrong or
/// malformed alike (the AWS CLI's own MFA prompt gives one).
pub const TRIES: usize = 3;

pub fn get(spec: &SessionSpec) -> Result<String> {
    if let Some(process) = &spec.mfa_process {
        let code = from_process(process)?;
        return if is_code(&code) {
            Ok(code)
        } else {
            Err(Failure::other(
                format!("`{code}` is not an MFA code (six digits)"),
                format!("check that `{process}` prints only the code"),
            ))
        };
    }
    // A typo (five digits, a letter) is said and asked again on the
    // terminal, as a refused code is: not the end of the command.
    let mut tries = 1;
    loop {
        let code = from_terminal(spec)?;
        if is_code(&code) {
            return Ok(code);
        }
        let said = format!(
            "`{}` is not an MFA code: six digits",
            crate::text::printable::printable(&code, false)
        );
        if tries == TRIES {
            return Err(Failure::other(
                said,
                "type the six digits your device shows, then run `acct login`",
            ));
        }
        tell(&format!("acct: {said}; try again"));
        tries += 1;
    }
}

fn is_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// The config resolves a program given as a path from its own folder; a
/// relative one in a credential_process line (one an older acct wrote)
/// would be whatever the SDK's working directory holds under that name.
/// Checked before anything else the line asks for.
pub fn check_process(process: &str) -> Result<()> {
    match shell_words::split(process).ok().as_deref() {
        Some([program, ..]) => check_program(process, program),
        _ => Ok(()),
    }
}

fn check_program(process: &str, program: &str) -> Result<()> {
    if program.contains('/') && !std::path::Path::new(program).is_absolute() {
        return Err(Failure::other(
            format!(
                "mfa_process `{process}` names its program by a relative path, which would run whatever the current directory holds under that name"
            ),
            "run `acct aws-config --write` again: acct writes the program's absolute path",
        ));
    }
    Ok(())
}

fn from_process(process: &str) -> Result<String> {
    let words = shell_words::split(process).map_err(|e| {
        Failure::other(
            format!("mfa_process `{process}` cannot be split into words: {e}"),
            "close the quote in mfa_process",
        )
    })?;
    let Some((program, args)) = words.split_first() else {
        return Err(Failure::other(
            "mfa_process is empty",
            "name a command that prints the code",
        ));
    };
    check_program(process, program)?;
    #[allow(
        clippy::disallowed_methods,
        reason = "the person's own code program, as mfa_process names it"
    )]
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| {
            Failure::other(
                format!("cannot run mfa_process `{process}`: {e}"),
                "check that the command is installed and on PATH",
            )
        })?;
    if !out.status.success() {
        return Err(Failure::other(
            format!("mfa_process `{process}` failed ({})", out.status),
            "run it yourself to see why",
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn from_terminal(spec: &SessionSpec) -> Result<String> {
    let tty = terminal::open().map_err(|_| {
        Failure::other(
            format!(
                "no MFA session for {} and no terminal to ask; run acct login",
                spec.namespace
            ),
            "run `acct login` in a terminal first (or set mfa_process); nothing was run",
        )
    })?;
    let mut writer = &tty;
    let _ = write!(
        writer,
        "acct: MFA code for {} (session for every {} stage, {}): ",
        spec.mfa_serial,
        spec.namespace,
        clock::human(i64::from(spec.duration))
    );
    let _ = writer.flush();
    let mut answer = String::new();
    let read = without_echo(&tty, || BufReader::new(&tty).read_line(&mut answer));
    read.map_err(|e| {
        Failure::other(
            format!("cannot read the MFA code: {e}"),
            "run `acct login` in a terminal",
        )
    })?;
    Ok(answer.trim().to_string())
}

/// Run `read` with the terminal's echo off (the newline still echoed), as
/// sudo reads a password: the code is not left on the screen or in a
/// terminal's scrollback. The terminal's settings are restored after.
fn without_echo<T>(tty: &std::fs::File, read: impl FnOnce() -> T) -> T {
    use nix::sys::termios::{self, LocalFlags, SetArg};
    let saved = termios::tcgetattr(tty).ok();
    if let Some(saved) = &saved {
        let mut quiet = saved.clone();
        quiet.local_flags.remove(LocalFlags::ECHO);
        quiet.local_flags.insert(LocalFlags::ECHONL);
        let _ = termios::tcsetattr(tty, SetArg::TCSANOW, &quiet);
    }
    let result = read();
    if let Some(saved) = &saved {
        let _ = termios::tcsetattr(tty, SetArg::TCSANOW, saved);
    }
    result
}

/// Say `text` where the person who typed the code reads it: the terminal,
/// since an SDK keeps credential_process's stderr to itself (the AWS CLI
/// shows it only when the call fails, Terraform never); else stderr.
/// The text is escaped as every message is (`text::printable`): it may
/// quote the AWS CLI's stderr.
pub fn tell(text: &str) {
    let text = crate::text::printable::printable(text, false);
    match terminal::for_writing() {
        Ok(mut tty) => {
            let _ = writeln!(tty, "{text}");
        }
        Err(_) => eprintln!("{text}"),
    }
}

/// Say `text` on the terminal only, when there is one: for the failure of
/// a credential_process whose stderr the SDK keeps to itself (Terraform
/// shows only "No valid credential sources found"), so the person reads
/// why, and the fix, where they typed the code.
pub fn tell_terminal(text: &str) {
    if let Ok(mut tty) = terminal::for_writing() {
        let _ = writeln!(tty, "{text}");
    }
}
