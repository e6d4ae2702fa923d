//! acct's own environment, read in this one place (`clippy.toml` refuses
//! `std::env::var` elsewhere). Empty counts as unset for every variable, as
//! the SDKs and the shells read one, and `HOME` and the XDG folders are
//! taken one way for every file acct finds through them.
#![allow(
    clippy::disallowed_methods,
    reason = "the one reader of acct's environment"
)]

use std::ffi::OsString;
use std::path::PathBuf;

/// One environment: names and values in the order of `environ`.
pub type Environment = Vec<(OsString, OsString)>;

/// `name`'s value in `env`, an environment acct computed or captured
/// (absent: `None`; empty stays empty).
pub fn value_in<'e>(env: &'e Environment, name: &str) -> Option<&'e std::ffi::OsStr> {
    env.iter()
        .find(|(n, _)| n == name)
        .map(|(_, value)| value.as_os_str())
}

/// A variable's value; `None` when it is unset or empty.
pub fn get(name: &str) -> Option<OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

/// A variable acct reads as text (a stage name, a shell, a prompt);
/// `None` when unset, empty or not UTF-8.
pub fn text(name: &str) -> Option<String> {
    get(name)?.into_string().ok()
}

/// `HOME`, where `~` and the AWS CLI's files are; `None` when unset or empty.
pub fn home() -> Option<PathBuf> {
    get("HOME").map(PathBuf::from)
}

/// A folder variable (`XDG_RUNTIME_DIR`, `XDG_CONFIG_HOME`, ...) when it
/// holds an absolute path: the XDG rule, which ignores a relative one.
pub fn absolute(name: &str) -> Option<PathBuf> {
    get(name).map(PathBuf::from).filter(|p| p.is_absolute())
}

/// The whole environment acct was started with: what a stage's, or the
/// AWS CLI's, environment is made from.
pub fn all() -> Environment {
    std::env::vars_os().collect()
}
