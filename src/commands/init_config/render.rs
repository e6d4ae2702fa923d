//! A starter config as commented TOML, every value escaped by toml_writer.

use std::fmt::Write as _;

use toml_writer::{ToTomlKey, ToTomlValue, TomlKeyBuilder, TomlStringBuilder};

use super::{ROOT, Starter, StarterIam, StarterSso};
use crate::config::Topology;

fn string(value: &str) -> String {
    TomlStringBuilder::new(value).as_basic().to_toml_value()
}

fn key(name: &str) -> String {
    TomlKeyBuilder::new(name).as_default().to_toml_key()
}

/// How people sign in: IAM users (the source profile, the MFA device and
/// the session, as answered) or the `[sso]` table.
fn sign_in(
    namespace: &str,
    root_account: &str,
    iam: Option<&StarterIam>,
    sso: Option<&StarterSso>,
) -> String {
    match sso {
        None => {
            let iam = iam.cloned().unwrap_or_default();
            let mut out = String::from(
                "# The AWS profile that holds your long-lived credentials; default: the namespace.\n",
            );
            match &iam.source_profile {
                Some(profile) => out.push_str(&format!("source_profile = {}\n", string(profile))),
                None => out.push_str(&format!("# source_profile = {}\n", string(namespace))),
            }
            out.push_str("# Your MFA device (its ARN, or a hardware token's serial), written into every profile:\n");
            match &iam.mfa_serial {
                Some(device) => out.push_str(&format!("mfa_serial = {}\n", string(device))),
                None => out.push_str(&format!(
                    "# mfa_serial = {}\n",
                    string(&format!("arn:aws:iam::{root_account}:mfa/you@example.com"))
                )),
            }
            out.push_str(
                "# One MFA session for every stage and client, a code a day (needs mfa_serial):\n",
            );
            out.push_str(if iam.mfa_session {
                "mfa_session = true\n"
            } else {
                "# mfa_session = true\n"
            });
            out
        }
        Some(sso) => format!(
            "# Sign-in through IAM Identity Center: `acct login` runs `aws sso login`.\n\
             # A stage with an account_id signs in to it with the permission set `role`\n\
             # (or its own `sso_role = \"...\"`).\n\
             [sso]\n\
             start_url = {}\n\
             region = {}\n\
             role = {}\n",
            string(&sso.start_url),
            string(&sso.region),
            string(&sso.role),
        ),
    }
}

/// The starter config as commented TOML; every value quoted by the TOML
/// writer, so no answer can change the file's structure.
pub fn render(starter: &Starter) -> String {
    let (namespace, stages, sso) = (&starter.namespace, &starter.stages, &starter.sso);
    let root_account = stages[0].1.as_deref().unwrap_or_default();
    let layout = match starter.topology {
        Topology::Organization if sso.is_some() => {
            "one account per stage in an AWS Organization; a stage with its own\n\
             # account_id is signed in to with the Identity Center permission set below"
        }
        Topology::Organization => {
            "one account per stage in an AWS Organization; a stage with its own\n\
             # account_id is reached through OrganizationAccountAccessRole"
        }
        Topology::Member => {
            "member accounts without an Organization; `root` acts as the root and a\n\
             # stage with its own account_id assumes a role named like its profile there"
        }
        Topology::Single => {
            "one AWS account in total; every stage is virtual and assumes the\n\
             # root's role (named like the root's profile) in the root account"
        }
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "# acct config, written by `acct init`. Every key is described in acct's README;\n\
         # `acct list` shows what it resolves to, `acct aws-config` the AWS profiles.\n\
         \n\
         # The label that starts every profile name ({namespace}-STAGE-admin).\n\
         namespace = {}\n\
         # The region of every stage that does not set its own `region`.\n\
         region = {}\n\
         # {layout}.\n\
         topology = {}\n\
         \n\
         {}\
         \n\
         # Each stage: `account_id` (a quoted 12-digit string), and optionally `role`,\n\
         # `region`, `protected = true` (ask for the stage name before exec and shell)\n\
         # and a [stages.NAME.env] table of extra variables.\n",
        string(namespace),
        string(&starter.region),
        string(starter.topology.name()),
        sign_in(namespace, root_account, starter.iam.as_ref(), sso.as_ref()),
    );
    let virtual_note = match sso {
        Some(_) => {
            "# No account_id: a virtual stage; it signs in to the root account and assumes the root's role there.\n"
        }
        None => {
            "# No account_id: a virtual stage that assumes the root's role in the root account.\n"
        }
    };
    for (name, account) in stages {
        let _ = write!(out, "\n[stages.{}]\n", key(name));
        match account {
            Some(id) => {
                let _ = writeln!(out, "account_id = {}", string(id));
            }
            None => out.push_str(virtual_note),
        }
        if starter.protected.contains(name) {
            out.push_str("# acct asks for the stage name before exec, shell and console.\nprotected = true\n");
        } else if name != ROOT {
            out.push_str("# protected = true\n");
        }
    }
    out
}

/// A stage named like production starts protected: `prod`, `production`,
/// `prd`, also as a word of a longer name (`prod-eu`, `eu_prod`).
pub fn is_production(name: &str) -> bool {
    name.split(['-', '_', '.'])
        .any(|word| ["prod", "production", "prd"].contains(&word.to_ascii_lowercase().as_str()))
}
