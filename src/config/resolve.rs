//! SPEC "Resolving a stage": which profile, account and role a stage is.

use super::rules::{self, RoleRef};
use super::{Config, StageConfig, Topology};

/// A stage with everything derived: what `list`, `aws-config` and the
/// environment are made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage<'c> {
    pub name: &'c str,
    pub profile: String,
    /// The account the stage's credentials land in (the root's for a virtual stage).
    pub account_id: String,
    pub role_arn: String,
    pub region: &'c str,
    pub is_root: bool,
    /// No account of its own: it assumes a role in the root account.
    pub is_virtual: bool,
    pub protected: bool,
    pub export_credentials: bool,
    pub env: &'c [(String, String)],
}

/// The role AWS Organizations creates in every account it creates.
const ORGANIZATION_ROLE: &str = "OrganizationAccountAccessRole";

impl Config {
    pub fn stage(&self, name: &str) -> Option<Stage<'_>> {
        self.stage_config(name).map(|s| self.resolve(s))
    }

    pub fn stages(&self) -> impl Iterator<Item = Stage<'_>> {
        self.stages.iter().map(|s| self.resolve(s))
    }

    fn role_arn(&self, account: &str, role: &str) -> String {
        match rules::role(role) {
            Ok(RoleRef::Arn { .. }) => role.to_string(),
            _ => format!("arn:{}:iam::{account}:role/{role}", self.partition),
        }
    }

    fn root_role_arn(&self) -> String {
        let root = self.root();
        let role = root
            .role
            .clone()
            .unwrap_or_else(|| self.profile_name(&root.name));
        self.role_arn(self.root_account(), &role)
    }

    fn root_account(&self) -> &str {
        self.root()
            .account_id
            .as_deref()
            .expect("validation guarantees the root has an account")
    }

    fn resolve<'c>(&'c self, stage: &'c StageConfig) -> Stage<'c> {
        let is_root = stage.name == self.root_stage;
        let is_virtual =
            !is_root && (stage.account_id.is_none() || self.topology == Topology::Single);
        let profile = self.profile_name(&stage.name);
        let (account_id, role_arn) = if is_root {
            (self.root_account().to_string(), self.root_role_arn())
        } else if is_virtual {
            let role_arn = match &stage.role {
                Some(role) => self.role_arn(self.root_account(), role),
                None => self.root_role_arn(),
            };
            (self.root_account().to_string(), role_arn)
        } else {
            let account = stage
                .account_id
                .clone()
                .expect("not virtual, so it has an account");
            let role = match (&stage.role, self.topology) {
                (Some(role), _) => role.clone(),
                (None, Topology::Member) => profile.clone(),
                (None, _) => ORGANIZATION_ROLE.to_string(),
            };
            let role_arn = self.role_arn(&account, &role);
            (account, role_arn)
        };
        // A role ARN names its own account, which is where the credentials land.
        let account_id = arn_account(&role_arn).map_or(account_id, str::to_string);
        Stage {
            name: &stage.name,
            profile,
            account_id,
            role_arn,
            region: stage.region.as_deref().unwrap_or(&self.region),
            is_root,
            is_virtual,
            protected: stage.protected,
            export_credentials: stage.export_credentials,
            env: &stage.env,
        }
    }
}

fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4)
}
