//! `acct init` without a shell: write a starter config to the user config
//! path (or `--path`), from options or by asking on the terminal. What it
//! writes is checked by the same parser as every config before it is written,
//! and an existing file is never replaced without `--force`.

use std::fmt::Write as _;
use std::fs::OpenOptions;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use toml_writer::{ToTomlKey, ToTomlValue, TomlKeyBuilder, TomlStringBuilder};

use crate::cli::{InitArgs, TopologyArg};
use crate::config::discover::Search;
use crate::config::rules::{self, Problem};
use crate::config::{self, Topology};
use crate::error::{Failure, Result};

const ROOT: &str = "root";

/// The answers a starter config is made from.
#[derive(Debug, PartialEq)]
pub struct Starter {
    pub namespace: String,
    pub region: String,
    pub topology: Topology,
    /// In order; the root stage first. `None`: a virtual stage.
    pub stages: Vec<(String, Option<String>)>,
}

pub fn run(args: &InitArgs) -> Result<ExitCode> {
    let search = Search::from_process(None)?;
    let path = target(args, &search)?;
    if path.exists() && !args.force {
        return Err(Failure::other(format!(
            "{} already exists; nothing was written\n  \
             fix: edit it, pass --force to replace it, or --path PATH to write elsewhere",
            path.display()
        )));
    }
    let starter = if args.has_answers() || !std::io::stdin().is_terminal() {
        from_options(args)?
    } else {
        let stdin = std::io::stdin();
        ask(&mut stdin.lock(), &mut std::io::stderr())?
    };
    let text = render(&starter);
    // The file must be one acct accepts: a bug here must not hand the user a
    // config that fails on its first use.
    config::parse(&path, &text, search.home.as_deref()).map_err(|diagnostics| {
        let rendered: Vec<String> = diagnostics.iter().map(|d| d.render(&path, &text)).collect();
        Failure::usage(format!(
            "the starter config would be invalid; nothing was written\nacct: {}",
            rendered.join("\nacct: ")
        ))
    })?;
    write(&path, &text, args.force)?;
    eprintln!(
        "acct: wrote {}\n  next: `acct list` shows the stages; `acct aws-config` prints their AWS profiles \
         for ~/.aws/config; `acct exec STAGE -- CMD` runs a command in one",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `--path`, else the user config path of discovery.
fn target(args: &InitArgs, search: &Search) -> Result<PathBuf> {
    match &args.path {
        Some(path) => Ok(search.cwd.join(path)),
        None => search.user_config().ok_or_else(|| {
            Failure::usage(
                "cannot tell where the user config goes: neither XDG_CONFIG_HOME nor HOME is set\n  \
                 fix: pass --path PATH",
            )
        }),
    }
}

fn topology_of(arg: TopologyArg) -> Topology {
    let name = arg.to_possible_value().expect("no skipped variants");
    Topology::from_name(name.get_name()).expect("TopologyArg names the topologies")
}

fn topology_name(topology: Topology) -> &'static str {
    match topology {
        Topology::Organization => "organization",
        Topology::Member => "member",
        Topology::Single => "single",
    }
}

/// A usage error for an option's value, with the rule's fix.
fn bad_option(option: &str, (message, fix): Problem) -> Failure {
    Failure::usage(format!("{option}: {message}\n  fix: {fix}"))
}

/// The stage list with `root` first (added when missing), checked.
fn stage_names(names: &[String]) -> std::result::Result<Vec<String>, Problem> {
    let mut stages = vec![ROOT.to_string()];
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        rules::label("stage name", name)?;
        if name != ROOT && stages.iter().any(|s| s == name) {
            return Err((
                format!("stage `{name}` is listed twice"),
                "name each stage once".into(),
            ));
        }
        if name != ROOT {
            stages.push(name.to_string());
        }
    }
    Ok(stages)
}

fn from_options(args: &InitArgs) -> Result<Starter> {
    let missing: Vec<&str> = [
        ("--namespace", args.namespace.is_none()),
        ("--region", args.region.is_none()),
        ("--topology", args.topology.is_none()),
        ("--root-account", args.root_account.is_none()),
        ("--stages", args.stages.is_empty()),
    ]
    .into_iter()
    .filter_map(|(option, absent)| absent.then_some(option))
    .collect();
    if !missing.is_empty() {
        let why = if args.has_answers() {
            "with answers given as options, all are needed"
        } else {
            "stdin is not a terminal, so acct cannot ask"
        };
        return Err(Failure::usage(format!(
            "acct init needs {} ({why})\n  fix: e.g. acct init --namespace cpco --region us-west-2 \
             --topology single --root-account 323330167063 --stages root,testing",
            missing.join(", ")
        )));
    }
    let (namespace, region, root_account) = (
        args.namespace.clone().unwrap_or_default(),
        args.region.clone().unwrap_or_default(),
        args.root_account.clone().unwrap_or_default(),
    );
    let topology = topology_of(args.topology.unwrap_or(TopologyArg::Single));
    rules::label("namespace", &namespace).map_err(|p| bad_option("--namespace", p))?;
    rules::region(&region).map_err(|p| bad_option("--region", p))?;
    rules::account_id(&root_account).map_err(|p| bad_option("--root-account", p))?;
    let names = stage_names(&args.stages).map_err(|p| bad_option("--stages", p))?;
    let mut stages: Vec<(String, Option<String>)> =
        names.into_iter().map(|name| (name, None)).collect();
    stages[0].1 = Some(root_account);
    for given in &args.accounts {
        let (name, id) = given.split_once('=').ok_or_else(|| {
            Failure::usage(format!(
                "--account {given:?} is not STAGE=ID\n  fix: write e.g. --account prod=210987654321"
            ))
        })?;
        rules::account_id(id).map_err(|p| bad_option("--account", p))?;
        if topology == Topology::Single {
            return Err(Failure::usage(
                "--account: in the single layout every stage lives in the root account\n  \
                 fix: drop --account, or choose --topology organization or member",
            ));
        }
        let slot = stages
            .iter_mut()
            .find(|(stage, _)| stage == name)
            .ok_or_else(|| {
                Failure::usage(format!(
                    "--account names stage `{name}`, which is not in --stages\n  fix: add it to --stages"
                ))
            })?;
        if name == ROOT {
            return Err(Failure::usage(
                "--account root=...: the root's account is --root-account\n  fix: pass --root-account ID",
            ));
        }
        slot.1 = Some(id.to_string());
    }
    Ok(Starter {
        namespace,
        region,
        topology,
        stages,
    })
}

/// Ask each question on `output` and read answers from `input`, asking
/// again after an answer that would make an invalid config.
pub fn ask(input: &mut dyn BufRead, output: &mut dyn Write) -> Result<Starter> {
    let mut prompt = Prompt { input, output };
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
    let region = prompt.ask("Default region", Some("us-east-1"), |a| {
        rules::region(a).map(|()| a.to_string())
    })?;
    let root_account = prompt.ask("Root account id (12 digits)", None, |a| {
        rules::account_id(a).map(|()| a.to_string())
    })?;
    let names = prompt.ask(
        "Stage names, comma separated (root is always one)",
        Some("root,dev,prod"),
        |a| stage_names(&a.split(',').map(str::to_string).collect::<Vec<_>>()),
    )?;
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
                    rules::account_id(a).map(|()| Some(a.to_string()))
                }
            })?
        };
        stages.push((name, account));
    }
    Ok(Starter {
        namespace,
        region,
        topology,
        stages,
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
            .map_err(|e| Failure::other(format!(
                "cannot write the question: {e}\n  fix: give every answer as an option (see `acct init --help`)"
            )))
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
            let read = self
                .input
                .read_line(&mut line)
                .map_err(|e| Failure::other(format!(
                    "cannot read the answer: {e}\n  fix: give every answer as an option (see `acct init --help`)"
                )))?;
            if read == 0 {
                return Err(Failure::other(
                    "acct init stopped: no more answers; nothing was written\n  \
                     fix: run `acct init` again, or give every answer as an option (see `acct init --help`)",
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

fn string(value: &str) -> String {
    TomlStringBuilder::new(value).as_basic().to_toml_value()
}

fn key(name: &str) -> String {
    TomlKeyBuilder::new(name).as_default().to_toml_key()
}

/// The starter config as commented TOML; every value quoted by the TOML
/// writer, so no answer can change the file's structure.
pub fn render(starter: &Starter) -> String {
    let Starter {
        namespace,
        region,
        topology,
        stages,
    } = starter;
    let root_account = stages[0].1.as_deref().unwrap_or_default();
    let layout = match topology {
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
         # The AWS profile that holds your long-lived (or SSO) credentials; default: the namespace.\n\
         # source_profile = {}\n\
         # Your MFA device, written into every profile:\n\
         # mfa_serial = {}\n\
         \n\
         # Each stage: `account_id` (a quoted 12-digit string), and optionally `role`,\n\
         # `region`, `protected = true` (ask for the stage name before exec and shell)\n\
         # and a [stages.NAME.env] table of extra variables.\n",
        string(namespace),
        string(region),
        string(topology_name(*topology)),
        string(namespace),
        string(&format!("arn:aws:iam::{root_account}:mfa/you@example.com")),
    );
    for (name, account) in stages {
        let _ = write!(out, "\n[stages.{}]\n", key(name));
        match account {
            Some(id) => {
                let _ = writeln!(out, "account_id = {}", string(id));
            }
            None => out.push_str(
                "# No account_id: a virtual stage that assumes the root's role in the root account.\n",
            ),
        }
        if name != ROOT {
            out.push_str("# protected = true\n");
        }
    }
    out
}

/// Write the file; without `force`, never over a file that appeared meanwhile.
fn write(path: &Path, text: &str, force: bool) -> Result<()> {
    let cannot = |e: std::io::Error| {
        Failure::other(format!(
            "cannot write {}: {e}\n  fix: check the directory's permissions, or pass --path PATH",
            path.display()
        ))
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(cannot)?;
    }
    if force {
        // Replace through a rename so a failed write leaves the old file whole.
        let temp = path.with_extension("toml.acct-init");
        std::fs::write(&temp, text).map_err(cannot)?;
        return std::fs::rename(&temp, path).map_err(cannot);
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(cannot)?;
    file.write_all(text.as_bytes()).map_err(cannot)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parses(text: &str) -> config::Config {
        config::parse(Path::new("/x/config.toml"), text, None)
            .unwrap_or_else(|d| panic!("{d:?}\n{text}"))
    }

    #[test]
    fn every_layout_renders_a_config_that_validates() {
        for topology in [Topology::Organization, Topology::Member, Topology::Single] {
            let accounts = topology != Topology::Single;
            let starter = Starter {
                namespace: "cpco".into(),
                region: "us-west-2".into(),
                topology,
                stages: vec![
                    ("root".into(), Some("323330167063".into())),
                    ("dev".into(), accounts.then(|| "012345678901".into())),
                    ("prod".into(), None),
                ],
            };
            let config = parses(&render(&starter));
            assert_eq!(config.topology, topology);
            let names: Vec<&str> = config.stages.iter().map(|s| s.name.as_str()).collect();
            assert_eq!(names, ["root", "dev", "prod"]);
            assert_eq!(
                config.stage_config("dev").unwrap().account_id.is_some(),
                accounts
            );
        }
    }

    #[test]
    fn a_quote_in_a_value_cannot_change_the_files_structure() {
        let starter = Starter {
            namespace: "cpco".into(),
            region: "us\"\ntopology = \"x".into(),
            topology: Topology::Single,
            stages: vec![("root".into(), Some("323330167063".into()))],
        };
        let text = render(&starter);
        let table: toml::de::DeTable = toml::de::DeTable::parse(&text).unwrap().into_inner();
        assert_eq!(table.len(), 4, "{text}");
    }

    #[test]
    fn asking_repeats_invalid_answers_and_takes_defaults() {
        let answers = "organization\nCPCO\ncpco\n\nnot-an-id\n323330167063\nroot,dev,prod\n12\n012345678901\n\n";
        let mut output = Vec::new();
        let starter = ask(&mut answers.as_bytes(), &mut output).unwrap();
        let said = String::from_utf8(output).unwrap();
        assert!(said.contains("use \"cpco\""), "{said}");
        assert!(said.contains("is not 12 digits"), "{said}");
        assert_eq!(
            starter,
            Starter {
                namespace: "cpco".into(),
                region: "us-east-1".into(),
                topology: Topology::Organization,
                stages: vec![
                    ("root".into(), Some("323330167063".into())),
                    ("dev".into(), Some("012345678901".into())),
                    ("prod".into(), None),
                ],
            }
        );
    }

    #[test]
    fn running_out_of_answers_is_an_error() {
        let failure = ask(&mut "single\n".as_bytes(), &mut Vec::new()).unwrap_err();
        assert!(
            failure.message.contains("nothing was written"),
            "{}",
            failure.message
        );
    }
}
