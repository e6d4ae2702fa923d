//! acct's integration tests: the built binary, real shells, the real AWS CLI.

mod moto;
mod util;

mod aws_config;
mod config_errors;
mod env_shells;
mod exec;
mod list;
mod prompt_hooks;
mod shell;
mod sts;
