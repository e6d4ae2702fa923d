//! After the runs: one row per stage (status, exit code or signal,
//! duration), as an aligned table on stderr and, with `--summary-json`, as
//! JSON for scripts; and acct's own exit status.

use std::io::Write;
use std::time::Duration;

use nix::sys::signal::Signal;

/// How one stage ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Exited(i32),
    Signalled(i32),
    /// Could not be started (not found: 127, not executable: 126).
    CannotStart(u8),
    /// Ended by the signal acct forwarded (or SIGKILL after the grace).
    Stopped(i32),
    NotStarted,
}

/// One stage's row.
#[derive(Debug, Clone)]
pub struct Row {
    pub stage: String,
    pub outcome: Outcome,
    pub duration: Option<Duration>,
    /// A background process of the stage still held its output when acct
    /// moved on.
    pub output_held: bool,
}

/// Why the run ended early, if it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    Interrupted(Signal),
    /// `--fail-fast`: the index of the first stage that failed.
    FailFast(usize),
}

impl Outcome {
    fn status(self) -> &'static str {
        match self {
            Outcome::Exited(0) => "ok",
            Outcome::Exited(_) => "failed",
            Outcome::Signalled(_) => "killed",
            Outcome::CannotStart(_) => "cannot start",
            Outcome::Stopped(_) => "stopped",
            Outcome::NotStarted => "not started",
        }
    }

    fn exit_code(self) -> Option<i32> {
        match self {
            Outcome::Exited(code) => Some(code),
            Outcome::CannotStart(code) => Some(i32::from(code)),
            _ => None,
        }
    }

    fn signal(self) -> Option<i32> {
        match self {
            Outcome::Signalled(sig) | Outcome::Stopped(sig) => Some(sig),
            _ => None,
        }
    }

    pub fn failed(self) -> bool {
        !matches!(self, Outcome::Exited(0) | Outcome::NotStarted)
    }
}

fn signal_name(sig: i32) -> String {
    Signal::try_from(sig).map_or_else(|_| format!("signal {sig}"), |s| s.as_str().to_string())
}

/// The table, header first, every column as wide as its widest cell.
pub fn table(rows: &[Row]) -> String {
    let mut cells: Vec<[String; 4]> = vec![[
        "stage".into(),
        "status".into(),
        "exit".into(),
        "time".into(),
    ]];
    for row in rows {
        let exit = match (row.outcome.exit_code(), row.outcome.signal()) {
            (Some(code), _) => code.to_string(),
            (None, Some(sig)) => signal_name(sig),
            (None, None) => "-".into(),
        };
        let time = row
            .duration
            .map_or_else(|| "-".into(), |t| format!("{:.1}s", t.as_secs_f64()));
        cells.push([row.stage.clone(), row.outcome.status().into(), exit, time]);
    }
    let widths: Vec<usize> = (0..4)
        .map(|c| cells.iter().map(|r| r[c].len()).max().unwrap_or(0))
        .collect();
    let mut text = String::new();
    for row in &cells {
        let line = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:width$}"))
            .collect::<Vec<_>>()
            .join("  ");
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// The table and what did not finish, on stderr.
pub fn print(rows: &[Row], cut: Option<Cut>) {
    let mut text = table(rows);
    let unfinished: Vec<&str> = rows
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Stopped(_) | Outcome::NotStarted))
        .map(|r| r.stage.as_str())
        .collect();
    match cut {
        Some(Cut::Interrupted(sig)) => text.push_str(&format!(
            "acct: interrupted ({sig}); did not finish: {}\n",
            unfinished.join(", ")
        )),
        Some(Cut::FailFast(first)) if !unfinished.is_empty() => text.push_str(&format!(
            "acct: --fail-fast: {} failed, so these did not start: {}\n",
            rows[first].stage,
            unfinished.join(", ")
        )),
        _ => {}
    }
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// The summary for scripts (`--summary-json`), fields in this order.
#[derive(serde::Serialize)]
pub struct Json<'a> {
    exit_code: u8,
    interrupted_by: Option<&'static str>,
    fail_fast: bool,
    stages: Vec<JsonRow<'a>>,
}

#[derive(serde::Serialize)]
struct JsonRow<'a> {
    stage: &'a str,
    status: &'static str,
    exit_code: Option<i32>,
    signal: Option<String>,
    duration_seconds: Option<f64>,
    output_held: bool,
}

pub fn json(rows: &[Row], cut: Option<Cut>, exit: u8) -> Json<'_> {
    Json {
        exit_code: exit,
        interrupted_by: match cut {
            Some(Cut::Interrupted(sig)) => Some(sig.as_str()),
            _ => None,
        },
        fail_fast: matches!(cut, Some(Cut::FailFast(_))),
        stages: rows
            .iter()
            .map(|row| JsonRow {
                stage: &row.stage,
                status: row.outcome.status(),
                exit_code: row.outcome.exit_code(),
                signal: row.outcome.signal().map(signal_name),
                duration_seconds: row
                    .duration
                    .map(|t| (t.as_secs_f64() * 1000.0).round() / 1000.0),
                output_held: row.output_held,
            })
            .collect(),
    }
}

/// 128 + N when a signal stopped the run; else 0 when every stage that ran
/// succeeded, or the first failing stage's status (in the order given;
/// 128 + signal, as a shell reports it).
pub fn exit_code(rows: &[Row], cut: Option<Cut>) -> u8 {
    if let Some(Cut::Interrupted(sig)) = cut {
        return 128 + sig as u8;
    }
    rows.iter()
        .find(|r| r.outcome.failed())
        .map_or(0, |r| match r.outcome {
            Outcome::Exited(code) => u8::try_from(code).unwrap_or(1),
            Outcome::Signalled(sig) | Outcome::Stopped(sig) => u8::try_from(128 + sig).unwrap_or(1),
            Outcome::CannotStart(code) => code,
            Outcome::NotStarted => unreachable!("not a failure"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(stage: &str, outcome: Outcome, secs: Option<f64>) -> Row {
        Row {
            stage: stage.into(),
            outcome,
            duration: secs.map(Duration::from_secs_f64),
            output_held: false,
        }
    }

    #[test]
    fn the_table_is_aligned_whatever_the_status() {
        let rows = [
            row("root", Outcome::Exited(0), Some(1.3)),
            row("testing", Outcome::Signalled(15), Some(0.5)),
            row("prod", Outcome::NotStarted, None),
        ];
        assert_eq!(
            table(&rows),
            "stage    status       exit     time\n\
             root     ok           0        1.3s\n\
             testing  killed       SIGTERM  0.5s\n\
             prod     not started  -        -\n"
        );
    }

    #[test]
    fn the_exit_status_is_the_first_failures_or_the_signals() {
        let rows = [
            row("a", Outcome::Exited(0), Some(0.0)),
            row("b", Outcome::CannotStart(127), None),
            row("c", Outcome::Exited(3), Some(0.0)),
            row("d", Outcome::NotStarted, None),
        ];
        assert_eq!(exit_code(&rows, None), 127);
        assert_eq!(exit_code(&rows[2..], Some(Cut::FailFast(0))), 3);
        assert_eq!(exit_code(&rows[3..], None), 0);
        assert_eq!(
            exit_code(&rows, Some(Cut::Interrupted(Signal::SIGTERM))),
            143
        );
    }
}
