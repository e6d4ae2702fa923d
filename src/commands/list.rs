//! `acct list`: every stage as resolved, the active one marked.

use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use crate::cli::ListArgs;
use crate::config::{discover, process_env};
use crate::error::Result;

#[derive(Serialize)]
struct Row<'a> {
    stage: &'a str,
    profile: String,
    account_id: String,
    role_arn: String,
    region: &'a str,
    root: bool,
    #[serde(rename = "virtual")]
    is_virtual: bool,
    protected: bool,
    active: bool,
}

pub fn run(args: &ListArgs, config: Option<PathBuf>) -> Result<ExitCode> {
    let config = discover::load(config)?;
    // The active stage is this estate's only when the stage shell's profile
    // is the one this config gives that stage: a `testing` entered from
    // another config (another namespace) is not this one's `testing`.
    let active = process_env::text("ACCT_STAGE").unwrap_or_default();
    let active_profile = process_env::text("ACCT_PROFILE").unwrap_or_default();
    let rows: Vec<Row<'_>> = config
        .stages()
        .map(|s| Row {
            stage: s.name,
            active: s.name == active && s.profile == active_profile,
            profile: s.profile,
            account_id: s.account_id,
            role_arn: s.role_arn,
            region: s.region,
            root: s.is_root,
            is_virtual: s.is_virtual,
            protected: s.protected,
        })
        .collect();
    if args.json {
        let json = serde_json::to_string_pretty(&rows).expect("plain data serializes");
        return super::print(&format!("{json}\n"));
    }
    super::print(&table(&rows))
}

fn flags(row: &Row<'_>) -> String {
    let flags: Vec<&str> = [
        (row.root, "root"),
        (row.is_virtual, "virtual"),
        (row.protected, "protected"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect();
    flags.join(",")
}

fn table(rows: &[Row<'_>]) -> String {
    let header = ["STAGE", "PROFILE", "ACCOUNT", "ROLE", "REGION", "FLAGS"];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            [
                r.stage.to_string(),
                r.profile.clone(),
                r.account_id.clone(),
                r.role_arn.clone(),
                r.region.to_string(),
                flags(r),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let line = |mark: &str, cols: &[String]| {
        let mut line = mark.to_string();
        for (i, (cell, w)) in cols.iter().zip(widths).enumerate() {
            if i + 1 == cols.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  "));
            }
        }
        line.trim_end().to_string() + "\n"
    };
    let mut out = line("  ", &header.map(String::from));
    for (row, cols) in rows.iter().zip(&cells) {
        out.push_str(&line(if row.active { "* " } else { "  " }, cols));
    }
    out
}
