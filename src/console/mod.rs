//! `acct console`: the AWS console of a stage, in its account, role and
//! region. Which way in a stage takes is decided here, from the config
//! alone; `url` builds the links, `federation` asks the endpoint for a
//! sign-in token (through the system's curl: `curl`), `browser` opens the
//! result.
//!
//! The ways in, by what the estate signs in with:
//! - an IAM user (every estate acct knows today): the console's switch-role
//!   link, which needs no credentials; or federation, with the stage's
//!   temporary credentials, when asked (`--federate`) or when the
//!   switch-role link cannot serve the stage (see [`way`]);
//! - IAM Identity Center (`[sso]`): the access portal's shortcut link to a
//!   stage's account and permission set, for every stage that signs in with
//!   one (a virtual stage assumes a role, so it takes one of the other two).
//!
//! May import: `config`, `aws` (credentials), `text`, `error`.

pub mod browser;
pub mod curl;
pub mod federation;
pub mod url;

use crate::config::{Config, Stage};

/// How acct opens the console of a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Way {
    /// The switch-role link (complete: nothing to ask anyone).
    SwitchRole(String),
    /// Sign in through the federation endpoint with the stage's own
    /// temporary credentials.
    Federation(Federation),
    /// The Identity Center access portal's shortcut link (complete too).
    Portal(String),
}

/// Why a stage signs in through federation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Federation {
    /// `--federate`.
    Asked,
    /// The stage has the very role (account and role ARN) of this other
    /// stage, which owns the switch-role link of that role.
    SharedRole { owner: String },
    /// The role ARN has no role name a switch-role link could carry.
    NoRoleName,
}

/// The way into `stage`'s console.
///
/// The switch-role link cannot serve a stage whose role is another stage's:
/// the console knows a switched role only by account and role name, so the
/// link would open that other stage's entry of its role history, under the
/// other stage's name and colour, with nothing of this stage in it. That is
/// every virtual stage of `single` (they assume the root's role), and any
/// stage that names another's role. One stage owns each role's link: the
/// root stage when the role is its, else the first stage in the file with
/// the role. The others sign in through federation with their own
/// credentials.
pub fn way(config: &Config, stage: &Stage<'_>, federate: bool) -> Way {
    if federate {
        return Way::Federation(Federation::Asked);
    }
    if let (Some(sso), Some(signin)) = (&config.sso, &stage.sso) {
        return Way::Portal(url::portal(
            &sso.start_url,
            &signin.account_id,
            &signin.role_name,
            &destination(config, stage),
        ));
    }
    if let Some(owner) = role_owner(config, &stage.role_arn)
        && owner != stage.name
    {
        return Way::Federation(Federation::SharedRole {
            owner: owner.to_string(),
        });
    }
    match url::role_name(&stage.role_arn) {
        Some(role_name) => Way::SwitchRole(switch_role_link(config, stage, role_name)),
        // Validation allows only role ARNs; should another kind get in, only
        // the stage's own credentials can say where they land.
        None => Way::Federation(Federation::NoRoleName),
    }
}

/// The stage whose switch-role link `role_arn` is.
fn role_owner<'c>(config: &'c Config, role_arn: &str) -> Option<&'c str> {
    let mut with_role = config.stages().filter(|s| s.role_arn == role_arn);
    let first = with_role.next()?;
    if first.is_root {
        return Some(first.name);
    }
    Some(with_role.find(|s| s.is_root).unwrap_or(first).name)
}

fn switch_role_link(config: &Config, stage: &Stage<'_>, role_name: &str) -> String {
    let hosts = url::hosts(&config.partition);
    let prompt =
        crate::config::without_left(&config.render_format(&config.prompt_format, stage.name));
    url::switch_role(
        hosts,
        &url::SwitchRole {
            role_name,
            account: &stage.account_id,
            display_name: &url::display_name(&prompt, &stage.profile),
            color: url::color(stage.name, stage.protected),
            redirect: &destination(config, stage),
        },
    )
}

/// The console page a stage opens on: its region's home.
pub fn destination(config: &Config, stage: &Stage<'_>) -> String {
    url::console_home(url::hosts(&config.partition), stage.region)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(text: &str) -> Config {
        crate::config::parse(Path::new("/c.toml"), text, None).expect("valid config")
    }

    const SINGLE: &str = r#"
namespace = "cpco"
region = "us-west-2"
topology = "single"

[stages.testing]

[stages.root]
account_id = "323330167063"

[stages.sandbox]
role = "sandbox-admin"

[stages.sandbox2]
role = "sandbox-admin"
"#;

    fn way_of(config: &Config, name: &str) -> Way {
        way(config, &config.stage(name).unwrap(), false)
    }

    #[test]
    fn a_shared_role_belongs_to_the_root_else_to_the_first_stage() {
        let config = config(SINGLE);
        assert!(matches!(way_of(&config, "root"), Way::SwitchRole(_)));
        assert_eq!(
            way_of(&config, "testing"),
            Way::Federation(Federation::SharedRole {
                owner: "root".into()
            })
        );
        assert!(matches!(way_of(&config, "sandbox"), Way::SwitchRole(_)));
        assert_eq!(
            way_of(&config, "sandbox2"),
            Way::Federation(Federation::SharedRole {
                owner: "sandbox".into()
            })
        );
        assert_eq!(
            way(&config, &config.stage("root").unwrap(), true),
            Way::Federation(Federation::Asked)
        );
    }

    #[test]
    fn an_sso_stage_opens_the_portals_shortcut_link() {
        let text = SINGLE.replace(
            "topology = \"single\"\n",
            "topology = \"single\"\n[sso]\nstart_url = \"https://d-1234567890.awsapps.com/start/\"\nrole = \"AdministratorAccess\"\n",
        );
        let config = config(&text);
        assert_eq!(
            way_of(&config, "root"),
            Way::Portal("https://d-1234567890.awsapps.com/start/#/console?account_id=323330167063&role_name=AdministratorAccess&destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Dus-west-2".into())
        );
        // A virtual stage assumes a role: not a permission set of the portal.
        assert!(!matches!(way_of(&config, "testing"), Way::Portal(_)));
        assert_eq!(
            way(&config, &config.stage("root").unwrap(), true),
            Way::Federation(Federation::Asked)
        );
    }
}
