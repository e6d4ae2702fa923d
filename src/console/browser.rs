//! Opening a URL in the person's browser: `$BROWSER` first (a `:`-separated
//! list of commands, as Python's `webbrowser` and `xdg-open` read it: `%s`
//! stands for the URL, else the URL is the last argument), else the
//! desktop's opener (`xdg-open`; `open` on macOS).

use std::path::Path;
use std::process::{Command, Stdio};

use crate::config::process_env;
use crate::error::{Failure, Result};

/// The desktop's URL opener on this platform.
pub const OPENER: &str = if cfg!(target_os = "macos") {
    "open"
} else {
    "xdg-open"
};

/// Open `url` with the first browser found; `what` names it in messages
/// ("the console of `testing`"). Waits for the command, as a text browser
/// in the terminal needs, and `xdg-open` returns at once.
pub fn open(url: &str, what: &str) -> Result<()> {
    let browser = process_env::text("BROWSER").unwrap_or_default();
    let mut missing: Vec<String> = Vec::new();
    for entry in browser.split(':').map(str::trim).filter(|e| !e.is_empty()) {
        let words = shell_words::split(entry).unwrap_or_default();
        let Some((program, args)) = words.split_first() else {
            missing.push(format!("`{entry}` (BROWSER)"));
            continue;
        };
        let Ok(path) = which::which(program) else {
            missing.push(format!("`{program}` (BROWSER)"));
            continue;
        };
        return run(&path, &with_url(args, url), url, what);
    }
    match which::which(OPENER) {
        Ok(path) => run(&path, &[url.to_string()], url, what),
        Err(_) => {
            missing.push(format!("`{OPENER}`"));
            let searched = if browser.trim().is_empty() {
                format!("BROWSER is not set and {OPENER} is not on PATH")
            } else {
                format!("not found: {}", missing.join(", "))
            };
            Err(Failure::other(
                format!("no browser to open {what} ({searched}); open this URL yourself:\n{url}"),
                format!(
                    "set BROWSER to your browser's command (e.g. BROWSER=firefox), install {OPENER}, or print the URL with --print"
                ),
            ))
        }
    }
}

/// The arguments of a `$BROWSER` entry with `%s` replaced by the URL, or
/// the URL added as the last argument when no `%s` is given.
pub fn with_url(args: &[String], url: &str) -> Vec<String> {
    let mut out: Vec<String> = args.iter().map(|a| a.replace("%s", url)).collect();
    if !args.iter().any(|a| a.contains("%s")) {
        out.push(url.to_string());
    }
    out
}

fn run(program: &Path, args: &[String], url: &str, what: &str) -> Result<()> {
    let failed = |why: String| {
        Failure::other(
            format!(
                "{} could not open {what}: {why}; open this URL yourself:\n{url}",
                program.display()
            ),
            "set BROWSER to a browser command that works, or print the URL with --print",
        )
    };
    #[allow(
        clippy::disallowed_methods,
        reason = "the person's browser ($BROWSER) or the desktop's opener"
    )]
    let status = Command::new(program)
        .args(args)
        .stdin(Stdio::inherit())
        .status()
        .map_err(|e| failed(e.to_string()))?;
    if status.success() {
        Ok(())
    } else {
        Err(failed(status.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_replaces_percent_s_or_comes_last() {
        let args = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        assert_eq!(with_url(&[], "u"), args(&["u"]));
        assert_eq!(
            with_url(&args(&["--new-tab"]), "u"),
            args(&["--new-tab", "u"])
        );
        assert_eq!(
            with_url(&args(&["-a", "url=%s", "%s"]), "u"),
            args(&["-a", "url=u", "u"])
        );
    }
}
