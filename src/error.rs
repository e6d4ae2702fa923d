//! The one error type of acct: what went wrong, what to do about it, and the
//! exit status that SPEC section 3 gives it, so every command fails the same
//! way and every refusal tells the person how to get on.

use std::fmt;

use crate::text::printable::printable;

/// Exit status for usage and config errors (an unknown stage included).
pub const EXIT_USAGE: u8 = 2;
/// Exit status for refusals and every other failure.
pub const EXIT_FAILURE: u8 = 1;

#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    /// Printed after `acct: `; further lines are printed as they are.
    pub message: String,
    /// What the person can do about it, printed as `  fix: ...` below the
    /// message; `doctor` and `aws-config` show it in their own layout.
    /// `None` only for text that carries its own fixes (config diagnostics).
    pub fix: Option<String>,
}

impl Failure {
    pub fn usage(message: impl Into<String>, fix: impl Into<String>) -> Self {
        Failure::with_code(EXIT_USAGE, message, fix)
    }

    pub fn other(message: impl Into<String>, fix: impl Into<String>) -> Self {
        Failure::with_code(EXIT_FAILURE, message, fix)
    }

    pub fn with_code(code: u8, message: impl Into<String>, fix: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
            fix: Some(fix.into()),
        }
    }

    /// A usage error whose text already holds a fix for each of its
    /// problems: the config's diagnostics, rendered with file, line, column.
    pub fn diagnostics(rendered: impl Into<String>) -> Self {
        Failure {
            code: EXIT_USAGE,
            message: rendered.into(),
            fix: None,
        }
    }
}

/// Printed without a raw control or invisible character (the ones
/// `quote::is_hidden` names: an escape sequence that retitles or recolours
/// the terminal, a carriage return that overwrites the line, a bidi
/// override): the message, its lines and its fix, whatever config value,
/// path or argument they quote.
impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&printable(&self.message, true))?;
        match &self.fix {
            Some(fix) => write!(f, "\n  fix: {}", printable(fix, true)),
            None => Ok(()),
        }
    }
}

pub type Result<T> = std::result::Result<T, Failure>;
