//! The one error type of acct: a message for the user and the exit status
//! that SPEC section 3 gives it, so every command fails the same way.

use std::fmt;

/// Exit status for usage and config errors (an unknown stage included).
pub const EXIT_USAGE: u8 = 2;
/// Exit status for refusals and every other failure.
pub const EXIT_FAILURE: u8 = 1;

#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    /// Printed after `acct: `; further lines are printed as they are.
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: EXIT_USAGE,
            message: message.into(),
        }
    }

    pub fn other(message: impl Into<String>) -> Self {
        Failure {
            code: EXIT_FAILURE,
            message: message.into(),
        }
    }

    pub fn with_code(code: u8, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

pub type Result<T> = std::result::Result<T, Failure>;
