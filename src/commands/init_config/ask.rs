//! Asking for a starter config's answers on the terminal, again after an
//! invalid answer, with the same rules as the config parser.

use std::io::{BufRead, Write};

use super::{
    DEFAULT_PERMISSION_SET, ROOT, Starter, StarterIam, StarterSso, account_taken,
    default_protected, protected_names, stage_names,
};
use crate::config::rules::{self, Problem};
use crate::config::{Topology, regions};
use crate::error::{Failure, Result};

/// Ask each question on `output` and read answers from `input`, asking
/// again after an answer that would make an invalid config. `profiles`:
/// the profile names of the person's AWS files, offered as the source.
pub fn ask(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    profiles: &[String],
) -> Result<Starter> {
    let mut prompt = Prompt { input, output };
    let sign_in = "How do people sign in to AWS?\n  \
                   iam  as IAM users, with long-lived keys and an MFA device\n  \
                   sso  through IAM Identity Center (AWS SSO): `aws sso login`\n";
    prompt.say(sign_in)?;
    let sso = prompt.ask("Sign-in", Some("iam"), |answer| match answer {
        "iam" => Ok(false),
        "sso" => Ok(true),
        _ => Err((
            format!("{answer:?} is not a way to sign in"),
            "answer iam or sso".into(),
        )),
    })?;
    let layouts = "How are your AWS accounts laid out?\n  \
                   organization  one account per stage, in an AWS Organization you control\n  \
                   member        member accounts without an Organization; one of them acts as root\n  \
                   single        one AWS account in total; every stage is virtual\n";
    prompt.say(layouts)?;
    let topology = prompt.ask("Layout", Some("single"), |answer| {
        Topology::from_name(answer).ok_or_else(|| {
            (
                format!("{answer:?} is not a layout"),
                "answer organization, member or single".into(),
            )
        })
    })?;
    let namespace = prompt.ask(
        "Namespace (the label in every profile name, e.g. cpco)",
        None,
        |a| rules::label("namespace", a).map(|()| a.to_string()),
    )?;
    // The region list the config is checked with: a typo is asked again
    // here, with the region meant, not after the last answer.
    let region = prompt.ask("Default region", Some("us-east-1"), |a| {
        regions::check(a, "aws").map(|()| a.to_string())
    })?;
    let root_account = prompt.ask("Root account id (12 digits)", None, |a| {
        rules::account_id(a).map(|()| a.to_string())
    })?;
    let names = prompt.ask(
        "Stage names, comma separated (root is always one)",
        Some("root,dev,prod"),
        |a| stage_names(&a.split(',').map(str::to_string).collect::<Vec<_>>()),
    )?;
    let stages = ask_accounts(&mut prompt, topology, root_account, names)?;
    let sso = if sso {
        Some(ask_sso(&mut prompt, &region)?)
    } else {
        None
    };
    let iam = if sso.is_none() {
        Some(ask_iam(&mut prompt, &namespace, profiles)?)
    } else {
        None
    };
    let suggested = default_protected(&stages).join(",");
    let protected = prompt.ask(
        "Protected stages (acct asks for the name before entering), comma separated",
        Some(if suggested.is_empty() {
            "none"
        } else {
            &suggested
        }),
        |a| protected_names(a, &stages),
    )?;
    Ok(Starter {
        namespace,
        region,
        topology,
        stages,
        sso,
        iam,
        protected,
    })
}

/// The account of each stage after the root (none in `single`: every
/// stage there is virtual).
fn ask_accounts(
    prompt: &mut Prompt<'_>,
    topology: Topology,
    root_account: String,
    names: Vec<String>,
) -> Result<Vec<(String, Option<String>)>> {
    let mut stages = vec![(ROOT.to_string(), Some(root_account))];
    for name in names.into_iter().skip(1) {
        let account = if topology == Topology::Single {
            None
        } else {
            let question =
                format!("Account id of `{name}` (empty: a virtual stage in the root account)");
            prompt.ask(&question, Some(""), |a| {
                if a.is_empty() {
                    Ok(None)
                } else {
                    rules::account_id(a)?;
                    account_taken(&stages, a)?;
                    Ok(Some(a.to_string()))
                }
            })?
        };
        stages.push((name, account));
    }
    Ok(stages)
}

/// The access portal, its region and the permission set.
fn ask_sso(prompt: &mut Prompt<'_>, region: &str) -> Result<StarterSso> {
    let start_url = prompt.ask(
        "AWS access portal URL (e.g. https://d-1234567890.awsapps.com/start)",
        None,
        |a| rules::start_url(a).map(|()| a.to_string()),
    )?;
    let sso_region = prompt.ask("Identity Center region", Some(region), |a| {
        rules::region(a).map(|()| a.to_string())
    })?;
    let role = prompt.ask(
        "Permission set the stages sign in with",
        Some(DEFAULT_PERMISSION_SET),
        |a| rules::permission_set("permission set", a).map(|()| a.to_string()),
    )?;
    Ok(StarterSso {
        start_url,
        region: sso_region,
        role,
    })
}

/// The source profile (offering the person's own), the MFA device, and
/// the MFA session.
fn ask_iam(prompt: &mut Prompt<'_>, namespace: &str, profiles: &[String]) -> Result<StarterIam> {
    if !profiles.is_empty() {
        prompt.say(&format!(
            "Profiles in your AWS files: {}\n",
            profiles.join(", ")
        ))?;
    }
    let source_profile = prompt.ask(
        "Source profile (the one with your long-lived keys)",
        Some(namespace),
        |a| rules::source_profile(a).map(|()| a.to_string()),
    )?;
    let mfa_serial = prompt.ask(
        "MFA device: its ARN, or a hardware token's serial (empty: none)",
        Some(""),
        |a| {
            if a.is_empty() {
                Ok(None)
            } else {
                rules::mfa_serial(a).map(|()| Some(a.to_string()))
            }
        },
    )?;
    let mfa_session = match mfa_serial {
        Some(_) => prompt.ask(
            "One MFA session for every stage and client, a code a day (yes/no)",
            Some("yes"),
            |a| match a {
                "yes" | "y" => Ok(true),
                "no" | "n" => Ok(false),
                _ => Err((
                    format!("{a:?} is neither yes nor no"),
                    "answer yes or no".into(),
                )),
            },
        )?,
        None => false,
    };
    Ok(StarterIam {
        source_profile: (source_profile != namespace).then_some(source_profile),
        mfa_serial,
        mfa_session,
    })
}

struct Prompt<'a> {
    input: &'a mut dyn BufRead,
    output: &'a mut dyn Write,
}

impl Prompt<'_> {
    fn say(&mut self, text: &str) -> Result<()> {
        self.output
            .write_all(text.as_bytes())
            .and_then(|()| self.output.flush())
            .map_err(|e| {
                Failure::other(
                    format!("cannot write the question: {e}"),
                    "give every answer as an option (see `acct init --help`)",
                )
            })
    }

    fn ask<T>(
        &mut self,
        question: &str,
        default: Option<&str>,
        check: impl Fn(&str) -> std::result::Result<T, Problem>,
    ) -> Result<T> {
        loop {
            match default {
                Some(d) if !d.is_empty() => self.say(&format!("{question} [{d}]: "))?,
                _ => self.say(&format!("{question}: "))?,
            }
            let mut line = String::new();
            let read = self.input.read_line(&mut line).map_err(|e| {
                Failure::other(
                    format!("cannot read the answer: {e}"),
                    "give every answer as an option (see `acct init --help`)",
                )
            })?;
            if read == 0 {
                return Err(Failure::other(
                    "acct init stopped: no more answers; nothing was written",
                    "run `acct init` again, or give every answer as an option (see `acct init --help`)",
                ));
            }
            let answer = match line.trim() {
                "" => default.unwrap_or(""),
                given => given,
            };
            match check(answer) {
                Ok(value) => return Ok(value),
                Err((message, fix)) => self.say(&format!("  {message}: {fix}\n"))?,
            }
        }
    }
}
