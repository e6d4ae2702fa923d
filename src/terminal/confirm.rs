//! Asking before entering a protected stage: on the terminal (`/dev/tty`), as
//! sudo does, so a pipe on stdin can neither answer nor be swallowed.

use std::io::{BufRead, BufReader, Write};

use crate::config::Stage;
use crate::error::{Failure, Result};
use crate::terminal;

pub fn protected(stage: &Stage<'_>, yes: bool) -> Result<()> {
    together(std::slice::from_ref(stage), yes)
}

/// One question for every protected stage among `stages` (`exec --each`):
/// the person types their names, comma separated, in any order.
pub fn together(stages: &[Stage<'_>], yes: bool) -> Result<()> {
    let protected: Vec<&Stage<'_>> = stages.iter().filter(|s| s.protected).collect();
    if protected.is_empty() || yes {
        return Ok(());
    }
    let names: Vec<&str> = protected.iter().map(|s| s.name).collect();
    let listed = names.join(",");
    let (they, what) = match protected.as_slice() {
        [one] => (
            format!("`{}` is protected", one.name),
            "the stage name".to_string(),
        ),
        _ => (
            format!("{} are protected", names.join(", ")),
            format!("their names ({listed})"),
        ),
    };
    let tty = terminal::open().map_err(|_| {
        Failure::other(
            format!("{they} and there is no terminal to confirm on; nothing was run"),
            "pass --yes to confirm from a script",
        )
    })?;
    let mut writer = &tty;
    let _ = write!(writer, "acct: {they}");
    for stage in &protected {
        // One stage: `prod` is protected (account ...); several: a line each.
        let lead = if protected.len() == 1 {
            String::new()
        } else {
            format!("\n  {}", stage.name)
        };
        let _ = write!(
            writer,
            "{lead} (account {}, role {})",
            stage.account_id, stage.role_arn
        );
    }
    let _ = write!(writer, ".\nType {what} to continue: ");
    let _ = writer.flush();
    let mut answer = String::new();
    let read = BufReader::new(&tty).read_line(&mut answer);
    let mut given: Vec<&str> = answer
        .trim_end_matches(['\n', '\r'])
        .split(',')
        .map(str::trim)
        .collect();
    let mut wanted = names.clone();
    given.sort_unstable();
    wanted.sort_unstable();
    if matches!(read, Ok(n) if n > 0) && given == wanted {
        return Ok(());
    }
    Err(Failure::other(
        format!("confirmation did not match `{listed}`; nothing was run"),
        "type the stage name exactly as shown, or pass --yes to confirm from a script",
    ))
}
