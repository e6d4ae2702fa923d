//! `acct doctor [--sts] [STAGE...]`: is everything acct relies on in place?
//! The config (loading it validates it), the AWS config file's profiles
//! against what acct renders, the source profile, the AWS CLI, and with
//! `--sts` who each stage's profile really is. One line per check.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::aws::cli::AwsCli;
use crate::aws::file::{self, block, ini};
use crate::aws::profiles;
use crate::cli::DoctorArgs;
use crate::config::{Config, Stage, discover};
use crate::error::{Failure, Result};
use crate::stage::entry::{self, Admitted};
use crate::terminal::colour::{self, Colour};
use crate::text::printable::printable;

mod session;
mod sts;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mark {
    Ok,
    /// Worth knowing, not a failure.
    Warn,
    Fail,
}

pub(super) struct Report {
    color: bool,
    failures: usize,
}

impl Report {
    pub(super) fn line(&mut self, mark: Mark, subject: &str, detail: &str, fix: Option<&str>) {
        let (word, colour) = match mark {
            Mark::Ok => ("ok", Colour::Green),
            Mark::Warn => ("warn", Colour::Yellow),
            Mark::Fail => ("FAIL", Colour::Red),
        };
        if mark == Mark::Fail {
            self.failures += 1;
        }
        let mark = colour::paint(&format!("{word:<4}"), colour, self.color);
        // Paths, profile names and the AWS CLI's words may hold anything:
        // never a raw escape sequence on the terminal.
        let (subject, detail) = (printable(subject, false), printable(detail, true));
        let mut text = format!("{mark}  {subject}: {detail}\n");
        if let Some(fix) = fix {
            text.push_str(&format!("      fix: {}\n", printable(fix, false)));
        }
        // Each line as soon as it is known: STS answers can take a while.
        let _ = super::print(&text);
    }
}

impl Report {
    /// A failure's message as a report line, its `fix:` on the next.
    pub(super) fn fail_with(&mut self, failure: &Failure, subject: &str) {
        self.line(
            Mark::Fail,
            subject,
            &failure.message,
            failure.fix.as_deref(),
        );
    }
}

pub fn run(args: &DoctorArgs, config: Option<PathBuf>) -> Result<ExitCode> {
    let config = discover::load(config)?;
    let stages: Vec<Stage<'_>> = if args.stages.is_empty() {
        config.stages().collect()
    } else {
        args.stages
            .iter()
            .map(|name| super::find_stage(&config, name))
            .collect::<Result<_>>()?
    };
    let mut report = Report {
        color: colour::on_stdout(),
        failures: 0,
    };
    report.line(
        Mark::Ok,
        "config",
        &format!("{} ({} stages)", config.path.display(), config.stages.len()),
        None,
    );
    if let Some((detail, fix)) = crate::config::regions::unknown(&config) {
        report.line(Mark::Warn, "region", &detail, Some(&fix));
    }
    let cli = check_cli(&config, &stages, &mut report);
    check_files(&config, &stages, &mut report)?;
    session::check_mfa_session(&config, &mut report);
    session::check_sso_token(&config, &mut report);
    let (passed, refused) = check_gate(&config, &stages, &mut report);
    if args.sts {
        for name in refused {
            report.line(
                Mark::Fail,
                &format!("stage {name} (sts)"),
                "not asked: the gate refused the stage (see its gate line)",
                None,
            );
        }
        sts::check_identities(&config, &passed, cli.as_ref(), &mut report);
    }
    if report.failures == 0 {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(Failure::other(
            format!(
                "{} check{} failed",
                report.failures,
                if report.failures == 1 { "" } else { "s" }
            ),
            "each line marked above says what to do",
        ))
    }
}

fn check_cli(config: &Config, stages: &[Stage<'_>], report: &mut Report) -> Option<AwsCli> {
    match entry::aws_cli(config) {
        Ok(cli) if cli.can_export() => {
            let detail = format!("{} ({})", cli.path.display(), cli.version);
            report.line(Mark::Ok, "aws cli", &detail, None);
            Some(cli)
        }
        Ok(cli) => {
            // Only --export-credentials needs v2; STS and profiles work with v1.
            let exporting = stages.iter().any(|s| s.export_credentials);
            let detail = format!(
                "{} ({}) cannot export credentials (needs the AWS CLI v2 2.9 or later)",
                cli.path.display(),
                cli.version
            );
            let mark = if exporting { Mark::Fail } else { Mark::Warn };
            report.line(
                mark,
                "aws cli",
                &detail,
                Some("install the AWS CLI v2 and set aws_cli to it"),
            );
            Some(cli)
        }
        Err(failure) => {
            report.fail_with(&failure, "aws cli");
            None
        }
    }
}

/// Each config-file profile, named as botocore reads its header, with its
/// values; a later section of the same profile replaces an earlier one
/// whole, as in botocore (`[profile "x"]` after `[profile x]` is what the
/// AWS CLI uses).
type Profiles<'t> = BTreeMap<Cow<'t, str>, BTreeMap<&'t str, &'t str>>;

fn profiles(text: &str) -> Profiles<'_> {
    let mut profiles = Profiles::new();
    for section in ini::sections(text) {
        if let Some(name) = section.config_profile() {
            profiles.insert(name, section.entries.into_iter().collect());
        }
    }
    profiles
}

/// The gate's verdict on each stage (what exec, shell, env and console
/// would say); the stages it lets in.
fn check_gate<'s, 'c>(
    config: &'s Config,
    stages: &'s [Stage<'c>],
    report: &mut Report,
) -> (Vec<Admitted<'s, 'c>>, Vec<&'c str>) {
    let mut passed = Vec::with_capacity(stages.len());
    let mut refused = Vec::new();
    for stage in stages {
        let subject = format!("stage {} (gate)", stage.name);
        match entry::admit(config, stage) {
            Ok(admitted) => {
                let detail = format!(
                    "every AWS client reads profile {} as acct renders it",
                    stage.profile
                );
                report.line(Mark::Ok, &subject, &detail, None);
                passed.push(admitted);
            }
            Err(failure) => {
                report.fail_with(&failure, &subject);
                refused.push(stage.name);
            }
        }
    }
    (passed, refused)
}

fn check_files(config: &Config, stages: &[Stage<'_>], report: &mut Report) -> Result<()> {
    let path = file::config_path(config, None)?;
    let fix_write = "run `acct aws-config --write`";
    let text = match file::read(&path) {
        Ok(Some(text)) => {
            // Conflicts (a section botocore reads as one of acct's profiles,
            // however spelled), broken markers, a block another config
            // wrote: `--write` would refuse, and the AWS CLI itself refuses
            // a file that defines a section twice.
            let (owner, rendered) = (block::owner_text(&config.path), profiles::render(config));
            let ours = file::block_of(config, &owner, &rendered);
            match block::merge(&text, &ours, |o| file::same_config(o, &config.path)) {
                Ok(_) => report.line(Mark::Ok, "aws config", &path.display().to_string(), None),
                Err(error) => report.fail_with(
                    &file::merge_failure(&path, error, &config.namespace),
                    "aws config",
                ),
            }
            text
        }
        Ok(None) => {
            let detail = format!("{} does not exist", path.display());
            report.line(Mark::Fail, "aws config", &detail, Some(fix_write));
            String::new()
        }
        Err(failure) => {
            report.fail_with(&failure, "aws config");
            String::new()
        }
    };
    let found = profiles(&text);
    if let Some(sso) = &config.sso {
        session::check_sso_session(config, sso, &text, &path, report);
    }
    if let Some(spec) = crate::aws::mfa_session::SessionSpec::of(config) {
        let name = crate::aws::mfa_session::SessionSpec::profile_name(&config.namespace);
        check_profile(
            "mfa session",
            &name,
            &spec.profile_block(),
            &found,
            &path,
            report,
        );
    }
    for stage in stages {
        let subject = format!("stage {}", stage.name);
        let rendered = profiles::profile_block(config, stage);
        check_profile(&subject, &stage.profile, &rendered, &found, &path, report);
    }
    if config.sso.is_none() {
        check_source_profile(config, &found, report);
    }
    Ok(())
}

/// One profile of the file against the block acct renders for it.
fn check_profile(
    subject: &str,
    name: &str,
    rendered_text: &str,
    found: &Profiles<'_>,
    path: &std::path::Path,
    report: &mut Report,
) {
    let fix_write = "run `acct aws-config --write`";
    let rendered = profiles(rendered_text);
    let Some(want) = rendered.get(name) else {
        return;
    };
    match found.get(name) {
        None => report.line(
            Mark::Fail,
            subject,
            &format!("profile {name} is missing from {}", path.display()),
            Some(fix_write),
        ),
        Some(have) if have == want => report.line(
            Mark::Ok,
            subject,
            &format!("profile {name} is as acct renders it"),
            None,
        ),
        Some(have) => report.line(
            Mark::Fail,
            subject,
            &format!("profile {name} differs: {}", differences(have, want)),
            Some(fix_write),
        ),
    }
}

/// `key is X, acct renders Y` for every key that differs.
pub(super) fn differences(have: &BTreeMap<&str, &str>, want: &BTreeMap<&str, &str>) -> String {
    let keys: std::collections::BTreeSet<&str> = have.keys().chain(want.keys()).copied().collect();
    keys.into_iter()
        .filter(|k| have.get(k) != want.get(k))
        .map(|k| match (have.get(k), want.get(k)) {
            (Some(h), Some(w)) => format!("{k} is {h}, acct renders {w}"),
            (Some(h), None) => format!("{k}={h} is not rendered by acct"),
            (None, Some(w)) => format!("{k} is missing (acct renders {w})"),
            (None, None) => unreachable!("the key comes from one of the maps"),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn check_source_profile(config: &Config, config_profiles: &Profiles<'_>, report: &mut Report) {
    let source = config.source_profile.as_str();
    let subject = format!("source profile {source}");
    if let Some(profile) = config_profiles.get(source) {
        let how = if profile.contains_key("sso_session") || profile.contains_key("sso_start_url") {
            "SSO settings"
        } else {
            "a profile"
        };
        report.line(
            Mark::Ok,
            &subject,
            &format!("{how} in the AWS config file"),
            None,
        );
        return;
    }
    let credentials = file::credentials_path(config);
    let in_credentials = credentials
        .as_deref()
        .and_then(|path| file::read(path).ok().flatten())
        .is_some_and(|text| ini::sections(&text).iter().any(|s| s.header == source));
    match credentials {
        Some(path) if in_credentials => {
            report.line(Mark::Ok, &subject, &format!("keys in {}", path.display()), None)
        }
        _ => report.line(
            Mark::Fail,
            &subject,
            "not in the AWS config file nor in the credentials file",
            Some(&format!(
                "run `aws configure --profile {source}` (keys) or `aws configure sso --profile {source}`"
            )),
        ),
    }
}
