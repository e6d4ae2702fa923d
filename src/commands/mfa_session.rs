//! `acct mfa-session`: the `credential_process` of the session profile,
//! which the SDKs run (see `crate::aws::mfa_session`).

use std::io::IsTerminal;
use std::process::ExitCode;

use crate::aws::mfa_session::{self, SessionSpec, Start};
use crate::cli::MfaSessionArgs;
use crate::error::Result;
use crate::stage::entry::{self, Outside};

/// What the SDKs run: the session as credential_process JSON on stdout.
pub fn credential_process(args: &MfaSessionArgs) -> Result<ExitCode> {
    let spec = SessionSpec {
        namespace: args.namespace.clone(),
        source_profile: args.source_profile.clone(),
        mfa_serial: args.mfa_serial.clone(),
        duration: args.duration,
        aws_cli: args.aws_cli.clone(),
        mfa_process: args.mfa_process.clone(),
        keep_env: args.keep_env.clone(),
        // As the SDK ran it: the first word of the line in the file, which
        // the gate compares with the rest of the line (a moved binary is
        // `aws-config --check`'s and doctor's to report, not a reason to
        // refuse the session here).
        acct: std::env::args()
            .next()
            .unwrap_or_else(mfa_session::acct_program),
    };
    let session = spec
        .mfa_process
        .as_deref()
        .map_or(Ok(()), mfa_session::check_process)
        .and_then(|()| crate::stage::gate::check_session(&spec))
        .and_then(|()| {
            let env = entry::outside_stage(Outside::Session(&spec));
            mfa_session::credentials(&spec, Start::IfNeeded, &env)
        })
        .inspect_err(|failure| {
            // An SDK keeps this process's stderr to itself (Terraform says
            // only "No valid credential sources found"): the terminal gets why.
            if !std::io::stderr().is_terminal() {
                mfa_session::tell_terminal(&format!("acct: {failure}"));
            }
        })?;
    super::print(&session.json)
}
