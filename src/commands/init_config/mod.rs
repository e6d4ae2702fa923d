//! `acct init` without a shell: write a starter config to the user config
//! path (or `--path`), from options or by asking on the terminal. What it
//! writes is checked by the same parser as every config before it is written,
//! and an existing file is never replaced without `--force`.

use std::fs::OpenOptions;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::aws::file::{self, ini};
use crate::cli::InitArgs;
use crate::config::discover::Search;
use crate::config::rules::{self, Problem};
use crate::config::{self, Topology};
use crate::error::{Failure, Result};
use crate::files::atomic_write;

mod ask;
mod render;

pub use ask::ask;
pub use render::render;

const ROOT: &str = "root";

/// The answers a starter config is made from.
#[derive(Debug, PartialEq)]
pub struct Starter {
    pub namespace: String,
    pub region: String,
    pub topology: Topology,
    /// In order; the root stage first. `None`: a virtual stage.
    pub stages: Vec<(String, Option<String>)>,
    /// Sign-in through IAM Identity Center; `None`: IAM users (with MFA).
    pub sso: Option<StarterSso>,
    /// IAM users' answers (`None` with `[sso]`).
    pub iam: Option<StarterIam>,
    /// The stages written with `protected = true`.
    pub protected: Vec<String>,
}

/// How IAM users sign in: the profile with their keys, the MFA device, and
/// whether one MFA session serves every stage.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StarterIam {
    /// `None`: the default, the namespace.
    pub source_profile: Option<String>,
    pub mfa_serial: Option<String>,
    pub mfa_session: bool,
}

/// The stages a starter protects unless told otherwise: those named like
/// production.
fn default_protected(stages: &[(String, Option<String>)]) -> Vec<String> {
    stages
        .iter()
        .map(|(name, _)| name)
        .filter(|name| render::is_production(name))
        .cloned()
        .collect()
}

/// An account id given to a second stage: two stages in one account are
/// one stage twice (a virtual stage has no account_id of its own).
fn account_taken(
    stages: &[(String, Option<String>)],
    id: &str,
) -> std::result::Result<(), Problem> {
    match stages.iter().find(|(_, a)| a.as_deref() == Some(id)) {
        Some((other, _)) => Err((
            format!("account {id} is already stage `{other}`'s"),
            "give each stage its own account, or leave it empty for a virtual stage in the root account".into(),
        )),
        None => Ok(()),
    }
}

/// The protected stages of a comma-separated answer: names of `stages`;
/// `none` or nothing for none.
fn protected_names(
    answer: &str,
    stages: &[(String, Option<String>)],
) -> std::result::Result<Vec<String>, Problem> {
    let mut names = Vec::new();
    for name in answer
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty() && *n != "none")
    {
        if !stages.iter().any(|(s, _)| s == name) {
            let all: Vec<&str> = stages.iter().map(|(s, _)| s.as_str()).collect();
            return Err((
                format!("`{name}` is not one of the stages"),
                format!("name some of {}, or none", all.join(", ")),
            ));
        }
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    Ok(names)
}

/// The profile names of the person's AWS files (`AWS_CONFIG_FILE` or
/// `~/.aws/config`, and the credentials file), offered as source profiles.
/// Names only: no key or value is read out.
fn existing_profiles() -> Vec<String> {
    let config = file::env_config_path();
    let mut names: Vec<String> = Vec::new();
    let mut add = |name: String| {
        if !names.contains(&name) && name.chars().all(rules::is_profile_char) {
            names.push(name);
        }
    };
    if let Some(Ok(Some(text))) = config.map(|p| file::read(&p)) {
        for section in ini::sections(&text) {
            if let Some(name) = section.config_profile() {
                add(name.into_owned());
            }
        }
    }
    if let Some(Ok(Some(text))) = file::inherited_credentials_path().map(|p| file::read(&p)) {
        for section in ini::sections(&text) {
            add(section.header.trim().to_string());
        }
    }
    names
}

/// The `[sso]` answers.
#[derive(Debug, PartialEq)]
pub struct StarterSso {
    pub start_url: String,
    pub region: String,
    pub role: String,
}

/// The permission set a starter's stages sign in with unless told otherwise.
const DEFAULT_PERMISSION_SET: &str = "AdministratorAccess";

pub fn run(args: &InitArgs, config: Option<PathBuf>) -> Result<ExitCode> {
    let search = Search::from_process(None)?;
    let path = target(args, config.as_deref(), &search)?;
    if path.exists() && !args.force {
        return Err(Failure::other(
            format!("{} already exists; nothing was written", path.display()),
            "edit it, pass --force to replace it, or --path PATH to write elsewhere",
        ));
    }
    let starter = if args.has_answers() || !std::io::stdin().is_terminal() {
        from_options(args)?
    } else {
        let stdin = std::io::stdin();
        ask(
            &mut stdin.lock(),
            &mut std::io::stderr(),
            &existing_profiles(),
        )?
    };
    let text = render(&starter);
    // The file must be one acct accepts: a bug here must not hand the user a
    // config that fails on its first use.
    config::parse(&path, &text, search.home.as_deref()).map_err(|diagnostics| {
        let rendered: Vec<String> = diagnostics.iter().map(|d| d.render(&path, &text)).collect();
        Failure::diagnostics(format!(
            "the starter config would be invalid; nothing was written\nacct: {}",
            rendered.join("\nacct: ")
        ))
    })?;
    write(&path, &text, args.force)?;
    let sign_in = if starter.sso.is_some() {
        "; `acct aws-config --write` writes them and `acct login` signs in to Identity Center"
    } else {
        ""
    };
    // Another file than the one discovery finds: every next step names it.
    let config = if Some(&path) == search.user_config().as_ref() {
        String::new()
    } else {
        format!(" --config {}", crate::text::quote::posix(path.as_os_str()))
    };
    eprintln!(
        "acct: wrote {}\n  next: `acct{config} list` shows the stages; `acct{config} aws-config` prints their AWS profiles \
         for ~/.aws/config{sign_in}; `acct{config} exec STAGE -- CMD` runs a command in one",
        crate::text::printable::printable(&path.display().to_string(), false)
    );
    Ok(ExitCode::SUCCESS)
}

/// `--path`, else the global `--config` (the file to write, as every other
/// command reads it), else the user config path of discovery.
fn target(args: &InitArgs, config: Option<&Path>, search: &Search) -> Result<PathBuf> {
    match args.path.as_deref().or(config) {
        Some(path) => Ok(search.cwd.join(path)),
        None => search.user_config().ok_or_else(|| {
            Failure::usage(
                "cannot tell where the user config goes: neither XDG_CONFIG_HOME nor HOME is set",
                "pass --path PATH",
            )
        }),
    }
}

/// A usage error for an option's value, with the rule's fix.
fn bad_option(option: &str, (message, fix): Problem) -> Failure {
    Failure::usage(format!("{option}: {message}"), fix)
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
    all_options_given(args)?;
    let (namespace, region, root_account) = (
        args.namespace.clone().unwrap_or_default(),
        args.region.clone().unwrap_or_default(),
        args.root_account.clone().unwrap_or_default(),
    );
    let topology = args.topology.unwrap_or(Topology::Single);
    rules::label("namespace", &namespace).map_err(|p| bad_option("--namespace", p))?;
    config::regions::check(&region, "aws").map_err(|p| bad_option("--region", p))?;
    rules::account_id(&root_account).map_err(|p| bad_option("--root-account", p))?;
    let names = stage_names(&args.stages).map_err(|p| bad_option("--stages", p))?;
    let mut stages: Vec<(String, Option<String>)> =
        names.into_iter().map(|name| (name, None)).collect();
    stages[0].1 = Some(root_account);
    for given in &args.accounts {
        account_option(given, topology, &mut stages)?;
    }
    let sso = sso_options(args, &region)?;
    // Fields in the order the options are checked: IAM's only without
    // `--sso-start-url`, the protected stages against the stages.
    Ok(Starter {
        iam: match sso {
            Some(_) => None,
            None => Some(iam_options(args, &namespace)?),
        },
        sso,
        protected: match &args.protected {
            Some(names) => protected_names(&names.join(","), &stages)
                .map_err(|p| bad_option("--protected", p))?,
            None => default_protected(&stages),
        },
        namespace,
        region,
        topology,
        stages,
    })
}

/// Without a terminal to ask on, or with some answers given as options,
/// every required option must be there.
fn all_options_given(args: &InitArgs) -> Result<()> {
    let missing: Vec<&str> = [
        ("--namespace", args.namespace.is_none()),
        ("--region", args.region.is_none()),
        ("--topology", args.topology.is_none()),
        ("--root-account", args.root_account.is_none()),
        ("--stages", args.stages.is_empty()),
        (
            "--sso-start-url",
            args.sso_start_url.is_none() && (args.sso_region.is_some() || args.sso_role.is_some()),
        ),
    ]
    .into_iter()
    .filter_map(|(option, absent)| absent.then_some(option))
    .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let why = if args.has_answers() {
        "with answers given as options, all are needed"
    } else {
        "stdin is not a terminal, so acct cannot ask"
    };
    Err(Failure::usage(
        format!("acct init needs {} ({why})", missing.join(", ")),
        "e.g. acct init --namespace cpco --region us-west-2 \
         --topology single --root-account 323330167063 --stages root,testing",
    ))
}

/// One `--account STAGE=ID`, checked and set on its stage.
fn account_option(
    given: &str,
    topology: Topology,
    stages: &mut [(String, Option<String>)],
) -> Result<()> {
    let (name, id) = given.split_once('=').ok_or_else(|| {
        Failure::usage(
            format!("--account {given:?} is not STAGE=ID"),
            "write e.g. --account prod=210987654321",
        )
    })?;
    rules::account_id(id).map_err(|p| bad_option("--account", p))?;
    account_taken(stages, id).map_err(|p| bad_option("--account", p))?;
    if topology == Topology::Single {
        return Err(Failure::usage(
            "--account: in the single layout every stage lives in the root account",
            "drop --account, or choose --topology organization or member",
        ));
    }
    let slot = stages
        .iter_mut()
        .find(|(stage, _)| stage == name)
        .ok_or_else(|| {
            Failure::usage(
                format!("--account names stage `{name}`, which is not in --stages"),
                "add it to --stages",
            )
        })?;
    if name == ROOT {
        return Err(Failure::usage(
            "--account root=...: the root's account is --root-account",
            "pass --root-account ID",
        ));
    }
    slot.1 = Some(id.to_string());
    Ok(())
}

/// `--sso-start-url` with its region and permission set, when given.
fn sso_options(args: &InitArgs, region: &str) -> Result<Option<StarterSso>> {
    let Some(start_url) = &args.sso_start_url else {
        return Ok(None);
    };
    rules::start_url(start_url).map_err(|p| bad_option("--sso-start-url", p))?;
    let sso_region = args
        .sso_region
        .clone()
        .unwrap_or_else(|| region.to_string());
    rules::region(&sso_region).map_err(|p| bad_option("--sso-region", p))?;
    let role = args
        .sso_role
        .clone()
        .unwrap_or_else(|| DEFAULT_PERMISSION_SET.to_string());
    rules::permission_set("--sso-role", &role).map_err(|p| bad_option("--sso-role", p))?;
    Ok(Some(StarterSso {
        start_url: start_url.clone(),
        region: sso_region,
        role,
    }))
}

/// The IAM users' options: source profile, MFA device, MFA session.
fn iam_options(args: &InitArgs, namespace: &str) -> Result<StarterIam> {
    if let Some(profile) = &args.source_profile {
        rules::source_profile(profile).map_err(|p| bad_option("--source-profile", p))?;
    }
    if let Some(device) = &args.mfa_serial {
        rules::mfa_serial(device).map_err(|p| bad_option("--mfa-serial", p))?;
    }
    Ok(StarterIam {
        source_profile: args.source_profile.clone().filter(|p| p != namespace),
        mfa_serial: args.mfa_serial.clone(),
        mfa_session: args.mfa_serial.is_some() && !args.no_mfa_session,
    })
}

/// Write the file; without `force`, never over a file that appeared meanwhile.
fn write(path: &Path, text: &str, force: bool) -> Result<()> {
    let cannot = |e: std::io::Error| {
        Failure::other(
            format!("cannot write {}: {e}", path.display()),
            "check the directory's permissions, or pass --path PATH",
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(cannot)?;
    }
    if force {
        // Replace through a rename so a failed write leaves the old file whole.
        return atomic_write::write(path, text.as_bytes(), 0o644).map_err(cannot);
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

    /// A starter of `cpco` in us-west-2 with these stages, IAM users.
    fn starter(topology: Topology, stages: Vec<(String, Option<String>)>) -> Starter {
        Starter {
            namespace: "cpco".into(),
            region: "us-west-2".into(),
            topology,
            stages,
            sso: None,
            iam: None,
            protected: vec![],
        }
    }

    fn parses(text: &str) -> config::Config {
        config::parse(Path::new("/x/config.toml"), text, None)
            .unwrap_or_else(|d| panic!("{d:?}\n{text}"))
    }

    #[test]
    fn every_layout_renders_a_config_that_validates() {
        for topology in [Topology::Organization, Topology::Member, Topology::Single] {
            let accounts = topology != Topology::Single;
            let starter = starter(
                topology,
                vec![
                    ("root".into(), Some("323330167063".into())),
                    ("dev".into(), accounts.then(|| "012345678901".into())),
                    ("prod".into(), None),
                ],
            );
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
            sso: None,
            iam: None,
            protected: vec![],
        };
        let text = render(&starter);
        let table: toml::de::DeTable = toml::de::DeTable::parse(&text).unwrap().into_inner();
        assert_eq!(table.len(), 4, "{text}");
    }

    #[test]
    fn asking_repeats_invalid_answers_and_takes_defaults() {
        let answers = "\norganization\nCPCO\ncpco\nus-wst-2\n\nnot-an-id\n323330167063\nroot,dev,prod\n12\n323330167063\n012345678901\n\n\n\n\n";
        let mut output = Vec::new();
        let starter = ask(&mut answers.as_bytes(), &mut output, &[]).unwrap();
        let said = String::from_utf8(output).unwrap();
        assert!(said.contains("use \"cpco\""), "{said}");
        assert!(said.contains("is not 12 digits"), "{said}");
        // The region and a second stage in the root's account, asked again
        // at their own prompt.
        assert!(said.contains("us-west-2"), "{said}");
        assert!(
            said.contains("account 323330167063 is already stage `root`'s"),
            "{said}"
        );
        assert!(
            said.contains("Protected stages (acct asks for the name before entering), comma separated [prod]: "),
            "{said}"
        );
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
                sso: None,
                iam: Some(StarterIam::default()),
                protected: vec!["prod".into()],
            }
        );
    }

    #[test]
    fn an_identity_center_starter_validates_and_signs_in_with_sso() {
        for topology in [Topology::Organization, Topology::Member, Topology::Single] {
            let accounts = topology != Topology::Single;
            let starter = Starter {
                sso: Some(StarterSso {
                    start_url: "https://d-1234567890.awsapps.com/start".into(),
                    region: "us-east-1".into(),
                    role: "AdministratorAccess".into(),
                }),
                ..starter(
                    topology,
                    vec![
                        ("root".into(), Some("323330167063".into())),
                        ("dev".into(), accounts.then(|| "012345678901".into())),
                    ],
                )
            };
            let text = render(&starter);
            let config = parses(&text);
            let sso = config.sso.as_ref().expect("[sso]");
            assert_eq!(sso.region, "us-east-1");
            assert!(config.mfa_serial.is_none());
            assert!(!text.contains("mfa_serial"), "{text}");
        }
    }

    #[test]
    fn asking_for_identity_center_asks_its_url_region_and_permission_set() {
        let answers = "sso\nsingle\ncpco\nus-west-2\n323330167063\nroot,dev\nhttp://x\nhttps://d-1234567890.awsapps.com/start\n\nPowerUserAccess\n\n";
        let mut output = Vec::new();
        let starter = ask(&mut answers.as_bytes(), &mut output, &[]).unwrap();
        let said = String::from_utf8(output).unwrap();
        assert!(said.contains("is not an https URL"), "{said}");
        assert!(
            said.contains("Identity Center region [us-west-2]: "),
            "{said}"
        );
        assert_eq!(
            starter.sso,
            Some(StarterSso {
                start_url: "https://d-1234567890.awsapps.com/start".into(),
                region: "us-west-2".into(),
                role: "PowerUserAccess".into(),
            })
        );
    }

    #[test]
    fn the_mfa_answers_and_protected_stages_land_in_the_file() {
        let answers = "iam\nmember\ncpco\nus-west-2\n323330167063\nroot,dev,prod\n\n210987654321\n\
                       me\nGAHT1234\nGAHT12345678\nmaybe\n\nstaging\ndev,prod\n";
        let mut output = Vec::new();
        let profiles = ["me".to_string(), "default".to_string()];
        let starter = ask(&mut answers.as_bytes(), &mut output, &profiles).unwrap();
        let said = String::from_utf8(output).unwrap();
        assert!(
            said.contains("Profiles in your AWS files: me, default\n"),
            "{said}"
        );
        assert!(said.contains("neither an MFA device ARN"), "{said}");
        assert!(said.contains("\"maybe\" is neither yes nor no"), "{said}");
        assert!(
            said.contains("`staging` is not one of the stages"),
            "{said}"
        );
        let config = parses(&render(&starter));
        assert_eq!(config.source_profile, "me");
        assert_eq!(config.mfa_serial.as_deref(), Some("GAHT12345678"));
        assert!(config.mfa_session.is_some(), "a code a day by default");
        let protected: Vec<bool> = config.stages().map(|s| s.protected).collect();
        assert_eq!(protected, [false, true, true]);
    }

    #[test]
    fn running_out_of_answers_is_an_error() {
        let failure = ask(&mut "iam\nsingle\n".as_bytes(), &mut Vec::new(), &[]).unwrap_err();
        assert!(
            failure.message.contains("nothing was written"),
            "{}",
            failure.message
        );
    }
}
