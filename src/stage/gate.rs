//! The one check before anything runs in a stage or hands out its
//! credentials (exec, `--each`, shell, env, console, `doctor --sts`,
//! `--export-credentials`, the session's credential_process): the stage's
//! profile, as botocore, the Go SDK v2 and the JS SDK v3 would each read it
//! from the AWS config file and the shared credentials file, is exactly
//! what acct renders for the stage. Anything else refuses the stage, with
//! the file:line that differs and the fix.
//!
//! The sections checked are the stage's profile and what it signs in
//! through that acct also renders: the MFA session profile, the
//! `sso-session`, or (a virtual stage of an SSO estate) the root's profile.
//! How the clients read the files is `file::clients`: a line is taken
//! for one of those sections when any client would take it so.

use std::ffi::OsStr;
use std::path::Path;

use crate::aws::file::clients::{self, File, Kind};
use crate::aws::file::{self, block, ini};
use crate::aws::mfa_session::SessionSpec;
use crate::aws::profiles;
use crate::config::{Config, Sso, Stage, process_env};
use crate::error::{Failure, Result};
use crate::stage::environment;

/// One section acct renders, as botocore names it (`cpco-testing-admin`,
/// `sso-session cpco`), with its rendered text (`\n` line ends).
pub struct Expected {
    pub name: String,
    pub rendered: String,
}

/// The sections a stage's profile is made of.
pub fn expected(config: &Config, stage: &Stage<'_>) -> Vec<Expected> {
    let mut sections = vec![Expected {
        name: stage.profile.clone(),
        rendered: profiles::profile_block(config, stage),
    }];
    if let Some(spec) = SessionSpec::of(config) {
        sections.push(Expected {
            name: SessionSpec::profile_name(&config.namespace),
            rendered: spec.profile_block(),
        });
    }
    if let Some(sso) = &config.sso {
        sections.push(Expected {
            name: format!("sso-session {}", Sso::session_name(&config.namespace)),
            rendered: profiles::sso_session_block(config, sso),
        });
        if stage.sso.is_none() {
            if let Some(root) = config.stage(&config.root_stage) {
                sections.push(Expected {
                    name: root.profile.clone(),
                    rendered: profiles::profile_block(config, &root),
                });
            }
        }
    }
    sections
}

/// The gate: `Ok` when every client reads the stage's sections as acct
/// renders them, else the refusal (exit 1), saying nothing was run.
pub fn check(config: &Config, stage: &Stage<'_>) -> Result<()> {
    // The files of the environment the stage will have: the one from
    // before the first stage (an outer stage's AWS_CONFIG_FILE is undone),
    // with the config's aws_config_file and aws_credentials_file.
    let before = environment::here().env;
    let (config_file, credentials) = file::files_of(
        config.aws_config_file.as_deref(),
        config.aws_credentials_file.as_deref(),
        |name| process_env::value_in(&before, name).map(OsStr::to_os_string),
    );
    let Some(config_file) = config_file else {
        return Err(Failure::other(
            "cannot tell where the AWS config file is: HOME is not set",
            "set HOME, or aws_config_file in the acct config",
        ));
    };
    verdict(
        &config_file,
        credentials.as_deref(),
        &config.namespace,
        &expected(config, stage),
    )
    .map_err(|mut failure| {
        failure.message.push_str(&format!(
            "; stage `{}` would not run as acct renders it, so nothing was run",
            stage.name
        ));
        failure
    })
}

/// The gate of the session's credential_process: the session profile the
/// SDK ran it from is acct's, in the files the SDK's environment names.
pub fn check_session(spec: &SessionSpec) -> Result<()> {
    let Some(config_file) = file::env_config_path() else {
        return Ok(());
    };
    let expected = [Expected {
        name: SessionSpec::profile_name(&spec.namespace),
        rendered: spec.profile_block(),
    }];
    let credentials = file::inherited_credentials_path();
    verdict(
        &config_file,
        credentials.as_deref(),
        &spec.namespace,
        &expected,
    )
    .map_err(|mut failure| {
        failure.message.push_str(
            "; the MFA session profile is not the one acct renders, so no credentials were served",
        );
        failure
    })
}

/// The verdict on two files for the sections `expected`.
pub fn verdict(
    config_file: &Path,
    credentials: Option<&Path>,
    namespace: &str,
    expected: &[Expected],
) -> Result<()> {
    let write = "run `acct aws-config --write`";
    let Some(text) = file::read(config_file)? else {
        return Err(Failure::other(
            format!(
                "{} does not exist, so no AWS client would find profile `{}`",
                config_file.display(),
                expected[0].name
            ),
            write,
        ));
    };
    let (begin_line, range) = match block::locate(&text, namespace) {
        Ok(Some(found)) => found,
        Ok(None) => {
            return Err(Failure::other(
                format!(
                    "{} has no `{}` block: the profiles there are not written by acct, so acct cannot vouch for what `{}` runs as",
                    config_file.display(),
                    block::begin_marker(namespace),
                    expected[0].name
                ),
                format!(
                    "{write} (or `acct aws-config --write --adopt` to move your own sections of acct's profiles into its block)"
                ),
            ));
        }
        Err(error) => return Err(file::merge_failure(config_file, error, namespace)),
    };
    check_config_text(&text, config_file, begin_line, range, expected)?;
    if let Some(path) = credentials {
        if let Some(text) = file::read(path)? {
            check_credentials(&text, path, expected)?;
        }
    }
    Ok(())
}

/// What one of the expected sections looks like inside acct's block.
struct Found<'t> {
    line: usize,
    lines: Vec<(usize, &'t str)>,
}

fn check_config_text(
    text: &str,
    path: &Path,
    begin_line: usize,
    range: std::ops::Range<usize>,
    expected: &[Expected],
) -> Result<()> {
    let file = path.display();
    let mut found: Vec<Vec<Found<'_>>> = expected.iter().map(|_| Vec::new()).collect();
    // The section the lines now belong to (which expected one, if any),
    // and whether it began inside the block.
    let mut current: Option<(Option<usize>, bool)> = None;
    each_line(text, path, |line, header| {
        let inside = range.contains(&line.offset);
        if header {
            let named = expected
                .iter()
                .position(|e| clients::names(line.text, File::Config, &e.name));
            current = Some((named, inside));
            match (named, inside) {
                (Some(i), true) => found[i].push(Found {
                    line: line.number,
                    lines: vec![(line.number, line.text)],
                }),
                (Some(i), false) => {
                    return Err(Failure::other(
                        format!(
                            "{file}:{}: `{}` outside acct's block is read as {} by some AWS clients (botocore, the Go SDK of Terraform, the JS SDK), which would use or merge it instead of acct's",
                            line.number,
                            ini::py_strip(line.text),
                            what(&expected[i].name)
                        ),
                        "delete that section (or move its keys into the acct config and run `acct aws-config --write --adopt`)",
                    ));
                }
                (None, _) => {}
            }
            return Ok(());
        }
        match current {
            Some((Some(i), true)) if inside => {
                if let Some(last) = found[i].last_mut() {
                    last.lines.push((line.number, line.text));
                }
            }
            // A key after the END line joins the block's last section: one
            // acct renders (and botocore refuses a key it already has).
            Some((_, true)) if !inside => {
                return Err(Failure::other(
                    format!(
                        "{file}:{}: `{}` after acct's block is read as part of the block's last section",
                        line.number,
                        ini::py_strip(line.text),
                    ),
                    "delete that line, or put it under a section header of its own",
                ));
            }
            _ => {}
        }
        Ok(())
    })?;
    for (want, found) in expected.iter().zip(&found) {
        let Some(section) = found.first() else {
            return Err(Failure::other(
                format!(
                    "{file}:{begin_line}: acct's block has no {}: it was written from another config or before the config changed",
                    what(&want.name)
                ),
                "run `acct aws-config --write`",
            ));
        };
        if let Some(second) = found.get(1) {
            return Err(Failure::other(
                format!(
                    "{file}:{}: acct's block has {} twice (first on line {})",
                    second.line,
                    what(&want.name),
                    section.line
                ),
                "run `acct aws-config --write`",
            ));
        }
        let rendered: Vec<&str> = want.rendered.lines().collect();
        for k in 0..section.lines.len().max(rendered.len()) {
            let have = section.lines.get(k).map(|(_, l)| *l);
            let renders = rendered.get(k).copied();
            if have == renders {
                continue;
            }
            let number = section
                .lines
                .get(k)
                .or(section.lines.last())
                .map_or(section.line, |l| l.0);
            let have = have.map_or("nothing".to_string(), |h| format!("`{h}`"));
            let renders = renders.map_or("nothing more".to_string(), |w| format!("`{w}`"));
            return Err(Failure::other(
                format!(
                    "{file}:{number}: {} in acct's block is not what acct renders now: the file has {have} where acct renders {renders}",
                    what(&want.name)
                ),
                "run `acct aws-config --write`",
            ));
        }
    }
    Ok(())
}

/// A key line before any section: botocore refuses the whole file (and
/// the other clients drop the line), so no client reads it as acct writes it.
fn before_any_header(path: &Path, line: &ini::Line<'_>) -> Failure {
    Failure::other(
        format!(
            "{}:{}: `{}` comes before any section header, and botocore (the AWS CLI) refuses a file with such a line",
            path.display(),
            line.number,
            ini::py_strip(line.text)
        ),
        "delete that line, or put it under a section header",
    )
}

/// Every line a client reads, with whether it is a section header (blank
/// and comment lines skipped). A key line before any header makes botocore
/// refuse the whole file: that refusal comes first, in either file.
fn each_line<'t>(
    text: &'t str,
    path: &Path,
    mut visit: impl FnMut(ini::Line<'t>, bool) -> Result<()>,
) -> Result<()> {
    let mut headed = false;
    for line in ini::lines(text) {
        let header = match clients::kind(line.text) {
            Kind::Quiet => continue,
            Kind::Header => true,
            Kind::Other => false,
        };
        if !header && !headed {
            return Err(before_any_header(path, &line));
        }
        headed = true;
        visit(line, header)?;
    }
    Ok(())
}

fn check_credentials(text: &str, path: &Path, expected: &[Expected]) -> Result<()> {
    each_line(text, path, |line, header| {
        if !header {
            return Ok(());
        }
        if let Some(want) = expected
            .iter()
            .find(|e| clients::names(line.text, File::Credentials, &e.name))
        {
            return Err(Failure::other(
                format!(
                    "{}:{}: the shared credentials file has `{}`, which botocore, the Go SDK (Terraform) and the JS SDK merge into {}",
                    path.display(),
                    line.number,
                    ini::py_strip(line.text),
                    what(&want.name)
                ),
                format!(
                    "delete that section from {} (long-lived keys belong under the source profile)",
                    path.display()
                ),
            ));
        }
        Ok(())
    })
}

fn what(name: &str) -> String {
    match name.strip_prefix("sso-session ") {
        Some(session) => format!("`[sso-session {session}]`"),
        None => format!("profile `{name}`"),
    }
}
