//! Colour on acct's own standard output (doctor's marks, `exec --each`'s
//! stage prefixes): on a terminal, and never when `NO_COLOR` is set and
//! not empty (no-color.org), as the README says. anstyle writes the codes.
//!
//! Not anstream's `AutoStream`: it also follows `CLICOLOR_FORCE`, `CLICOLOR`
//! and `TERM=dumb`, which the README does not promise.

use std::io::IsTerminal;

pub use anstyle::AnsiColor as Colour;
use anstyle::Style;

use crate::config::process_env;

/// Whether acct's standard output gets colour.
pub fn on_stdout() -> bool {
    std::io::stdout().is_terminal() && process_env::get("NO_COLOR").is_none()
}

/// `text` in `colour` when `on`, else as it is.
pub fn paint(text: &str, colour: Colour, on: bool) -> String {
    if !on {
        return text.to_string();
    }
    let style = Style::new().fg_color(Some(colour.into()));
    format!("{style}{text}{style:#}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sgr_codes_and_a_reset() {
        assert_eq!(paint("ok  ", Colour::Green, true), "\x1b[32mok  \x1b[0m");
        assert_eq!(
            paint("[prod] ", Colour::Red, true),
            "\x1b[31m[prod] \x1b[0m"
        );
        assert_eq!(paint("[dev] ", Colour::Cyan, true), "\x1b[36m[dev] \x1b[0m");
        assert_eq!(paint("warn", Colour::Yellow, false), "warn");
    }
}
