//! acct's integration tests: the built binary, real shells, the real AWS CLI.

mod moto;
mod util;

mod aws_config;
mod aws_config_write;
mod config_errors;
mod doctor;
mod env_shells;
mod exec;
mod export_credentials;
mod list;
mod sts;
