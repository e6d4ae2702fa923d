//! Asking before entering a protected stage: on the terminal (`/dev/tty`), as
//! sudo does, so a pipe on stdin can neither answer nor be swallowed.

use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Write};

use crate::config::Stage;
use crate::error::{Failure, Result};

pub fn protected(stage: &Stage<'_>, yes: bool) -> Result<()> {
    if !stage.protected || yes {
        return Ok(());
    }
    let name = stage.name;
    let tty = OpenOptions::new().read(true).write(true).open("/dev/tty").map_err(|_| {
        Failure::other(format!("stage `{name}` is protected and there is no terminal to confirm on; nothing was run"), "pass --yes to confirm from a script")
    })?;
    let mut writer = &tty;
    let _ = write!(
        writer,
        "acct: `{name}` is protected (account {}, role {}).\nType the stage name to continue: ",
        stage.account_id, stage.role_arn
    );
    let _ = writer.flush();
    let mut answer = String::new();
    let read = BufReader::new(&tty).read_line(&mut answer);
    if matches!(read, Ok(n) if n > 0) && answer.trim_end_matches(['\n', '\r']) == name {
        return Ok(());
    }
    Err(Failure::other(
        format!("confirmation did not match `{name}`; nothing was run"),
        "type the stage name exactly as shown, or pass --yes to confirm from a script",
    ))
}
