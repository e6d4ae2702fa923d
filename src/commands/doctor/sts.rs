//! The doctor's questions to AWS: with `--sts`, who each stage's profile
//! really is. In a session estate (or one
//! without MFA) the stages are asked in parallel, a few at a time, one line
//! each as it answers: the session is made (one code at most) before any of
//! them starts. With MFA per role the AWS CLI asks a code per stage on the
//! terminal, so they are asked one after another.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use super::{Mark, Report};
use crate::aws::cli::AwsCli;
use crate::aws::mfa_session::{self, SessionSpec, Start};
use crate::config::Config;
use crate::stage::entry::{self, Admitted, Outside};

/// Long enough for a person to type an MFA code, short enough that a
/// black-holed network does not hang a CI job.
const STS_TIMEOUT: Duration = Duration::from_secs(60);

/// STS calls at once: enough to hide their latency, few enough for 2 cores.
const PARALLEL: usize = 4;

/// One finished check: what `Report::line` prints.
struct Line {
    mark: Mark,
    subject: String,
    detail: String,
    fix: Option<String>,
}

pub(super) fn check_identities(
    config: &Config,
    stages: &[Admitted<'_, '_>],
    cli: Option<&AwsCli>,
    report: &mut Report,
) {
    let Some(cli) = cli else {
        for admitted in stages {
            let subject = format!("stage {} (sts)", admitted.stage.name);
            report.line(Mark::Fail, &subject, "no AWS CLI to ask STS with", None);
        }
        return;
    };
    let session = SessionSpec::of(config);
    if let Some(spec) = &session {
        let env = entry::outside_stage(Outside::Session(spec));
        if let Err(failure) = mfa_session::credentials(spec, Start::IfNeeded, &env) {
            report.fail_with(&failure, "mfa session");
            return;
        }
    }
    let width = if session.is_some() || config.mfa_serial.is_none() {
        PARALLEL
    } else {
        1
    };
    if width > 1 {
        crate::aws::cli_cache::prepare_parallel_runs();
    }
    let next = AtomicUsize::new(0);
    let (sender, answers) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..width.min(stages.len()) {
            let sender = sender.clone();
            let next = &next;
            scope.spawn(move || {
                while let Some(stage) = stages.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if sender.send(identity(stage, cli)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        for line in answers {
            report.line(line.mark, &line.subject, &line.detail, line.fix.as_deref());
        }
    });
}

/// Who STS says the stage's profile is, against who it should be.
fn identity(admitted: &Admitted<'_, '_>, cli: &AwsCli) -> Line {
    let stage = admitted.stage;
    let subject = format!("stage {} (sts)", stage.name);
    let expected_role = stage.role_arn.rsplit('/').next().unwrap_or_default();
    let identity = match cli.caller_identity(&admitted.aws_cli_env(), &stage.profile, STS_TIMEOUT) {
        Ok(identity) => identity,
        Err(failure) => {
            return Line {
                mark: Mark::Fail,
                subject,
                detail: failure.message,
                fix: failure.fix,
            };
        }
    };
    let role = identity.role_name().unwrap_or("(not an assumed role)");
    let mut wrong = Vec::new();
    if identity.account != stage.account_id {
        wrong.push(format!(
            "account {}, expected {}",
            identity.account, stage.account_id
        ));
    }
    match &stage.sso {
        // The permission set's role: AWSReservedSSO_<set>_<16 hex digits>.
        Some(sso) => {
            let prefix = format!("AWSReservedSSO_{}_", sso.role_name);
            if !role.strip_prefix(&prefix).is_some_and(|suffix| {
                !suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_hexdigit())
            }) {
                wrong.push(format!("role {role}, expected {prefix}..."));
            }
        }
        None if role != expected_role => {
            wrong.push(format!("role {role}, expected {expected_role}"));
        }
        None => {}
    }
    if wrong.is_empty() {
        // The session STS answered: the name CloudTrail shows for this stage.
        let session = identity
            .session_name()
            .map(|name| format!(", session {name}"))
            .unwrap_or_default();
        Line {
            mark: Mark::Ok,
            subject,
            detail: format!("account {}, role {role}{session}", identity.account),
            fix: None,
        }
    } else {
        Line {
            mark: Mark::Fail,
            subject,
            detail: format!("{} is {}", identity.arn, wrong.join(", ")),
            fix: Some("run `acct aws-config --write`, then check the role's trust policy".into()),
        }
    }
}
