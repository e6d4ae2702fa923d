//! acct's integration tests: the built binary, real shells, the real AWS CLI.
#![allow(
    clippy::disallowed_methods,
    reason = "tests start programs and read the environment as they need: clippy.toml is for acct itself"
)]

mod moto;
mod tools;
mod util;

mod aws_allow_list;
mod aws_config;
mod aws_config_hostile;
mod aws_config_write;
mod client_model;
mod completions;
mod config_errors;
mod console;
mod corpus;
mod doctor;
mod enter_leave;
mod env_points;
mod env_shells;
mod exec;
mod exec_each;
mod exec_each_trust;
mod export_credentials;
mod gate;
mod identity;
mod init;
mod install;
mod list;
mod messages;
mod mfa_session;
mod picker;
mod prompt_fast_bash;
mod prompt_fast_fish;
mod prompt_fast_zsh;
mod prompt_hooks;
mod prompt_in_force;
mod prompt_left;
mod rules;
mod serve;
mod shell;
mod shell_guard;
mod shell_zsh_compiled;
mod sso;
mod sts;
mod trust;
