//! SPEC "Resolving a stage": which profile, account and role a stage is.

use super::rules::{self, RoleRef};
use super::{Config, Root, StageConfig, Topology};

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
    /// In an `[sso]` estate, a stage with an account signs in to it with a
    /// permission set; a virtual stage assumes `role_arn` from the root's profile.
    pub sso: Option<SsoSignIn>,
}

/// A stage's own Identity Center sign-in: account and permission set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSignIn {
    pub account_id: String,
    pub role_name: String,
}

/// The role AWS Organizations creates in every account it creates.
const ORGANIZATION_ROLE: &str = "OrganizationAccountAccessRole";

impl Config {
    /// Whether the stage's profile makes its SDK ask for an MFA code
    /// itself, at every assume: an IAM user's role with `mfa_serial`, no
    /// MFA session and no Identity Center.
    pub fn asks_per_role(&self, stage: &Stage<'_>) -> bool {
        self.mfa_serial.is_some()
            && self.mfa_session.is_none()
            && self.sso.is_none()
            && stage.sso.is_none()
    }

    pub fn stage(&self, name: &str) -> Option<Stage<'_>> {
        let root = self.root.as_ref()?;
        self.stage_config(name).map(|s| self.resolve(root, s))
    }

    pub fn stages(&self) -> impl Iterator<Item = Stage<'_>> {
        // Without a root there is no stage either (validation sees to it).
        self.root
            .iter()
            .flat_map(move |root| self.stages.iter().map(move |s| self.resolve(root, s)))
    }

    fn role_arn(&self, account: &str, role: &str) -> String {
        match rules::role(role) {
            Ok(RoleRef::Arn { .. }) => role.to_string(),
            _ => format!("arn:{}:iam::{account}:role/{role}", self.partition),
        }
    }

    fn root_role_arn(&self, root: &Root) -> String {
        let role = root
            .role
            .clone()
            .unwrap_or_else(|| self.profile_name(&self.root_stage));
        self.role_arn(&root.account_id, &role)
    }

    /// The account and role ARN of a stage that signs in as an IAM user:
    /// its own account's role, or (virtual, root) the root account's.
    fn iam_sign_in(
        &self,
        root: &Root,
        stage: &StageConfig,
        own_account: Option<&str>,
        profile: &str,
    ) -> (String, String) {
        let (account_id, role_arn) = match own_account {
            Some(account) => {
                let role = match (&stage.role, self.topology) {
                    (Some(role), _) => role.clone(),
                    (None, Topology::Member) => profile.to_string(),
                    (None, _) => ORGANIZATION_ROLE.to_string(),
                };
                (account.to_string(), self.role_arn(account, &role))
            }
            None => {
                let role_arn = match (&stage.role, stage.name == self.root_stage) {
                    (Some(role), false) => self.role_arn(&root.account_id, role),
                    _ => self.root_role_arn(root),
                };
                (root.account_id.clone(), role_arn)
            }
        };
        // A role ARN names its own account, which is where the credentials land.
        let account_id = arn_account(&role_arn).map_or(account_id, str::to_string);
        (account_id, role_arn)
    }

    fn resolve<'c>(&'c self, root: &Root, stage: &'c StageConfig) -> Stage<'c> {
        let is_root = stage.name == self.root_stage;
        // A stage of its own account; otherwise it lives in the root account.
        let own_account = match (is_root, self.topology) {
            (true, _) | (false, Topology::Single) => None,
            (false, _) => stage.account_id.as_deref(),
        };
        let is_virtual = !is_root && own_account.is_none();
        let profile = self.profile_name(&stage.name);
        let sign_in = self.sso.as_ref().filter(|_| !is_virtual).map(|sso| {
            let account = own_account.unwrap_or(&root.account_id).to_string();
            let role_name = stage.sso_role.clone().unwrap_or_else(|| sso.role.clone());
            SsoSignIn {
                account_id: account,
                role_name,
            }
        });
        let (account_id, role_arn) = match &sign_in {
            // The role Identity Center makes for a permission set has a
            // random suffix: the ARN names its pattern.
            Some(sign_in) => (
                sign_in.account_id.clone(),
                format!(
                    "arn:{}:iam::{}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_{}_*",
                    self.partition, sign_in.account_id, sign_in.role_name
                ),
            ),
            None => self.iam_sign_in(root, stage, own_account, &profile),
        };
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
            sso: sign_in,
        }
    }
}

fn arn_account(arn: &str) -> Option<&str> {
    super::arn::Arn::parse(arn).map(|arn| arn.account)
}
