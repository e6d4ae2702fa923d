//! The environment of a stage (SPEC section 2), computed in this one place
//! for `exec`, `shell` and `env` alike, and for acct's own calls of the AWS
//! CLI. Pure: it says what to set and what to remove; applying it to a real
//! environment is `StageEnv::enter` (or `for_call`), and `stage::entry`
//! makes each environment a process gets from it.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::aws::credentials::Credentials;
use crate::config::env_names::{self, OWNED, STALE_CREDENTIALS};
use crate::config::{Config, Stage, process_env};
use crate::stage::expiry;
use crate::stage::record::{self, Environment, Record, Undone};

/// Between the segments of nested stage shells.
pub const NEST_SEPARATOR: &str = ">";

/// The variables that select a profile; `--export-credentials` removes them.
const PROFILE_VARIABLES: [&str; 2] = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"];

/// What entering a stage does to an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageEnv {
    /// In a stable order: SPEC's table, then the stage's `[env]` as written.
    /// Values are OS strings: a config path is exported byte for byte, even
    /// when it is not UTF-8, so a nested acct reads the very same file.
    pub set: Vec<(String, OsString)>,
    pub unset: Vec<String>,
    /// The config's `keep_env`: `AWS_*` names kept from the person's
    /// environment although acct does not know them (`env_names::KEPT`).
    pub keep_env: Vec<String>,
}

impl StageEnv {
    pub fn new(config: &Config, stage: &Stage<'_>) -> Self {
        let mut set: Vec<(String, OsString)> = Vec::with_capacity(24 + stage.env.len());
        let mut put = |name: &str, value: &OsStr| set.push((name.to_string(), value.to_owned()));
        put("AWS_PROFILE", stage.profile.as_ref());
        put("AWS_DEFAULT_PROFILE", stage.profile.as_ref());
        put("AWS_REGION", stage.region.as_ref());
        put("AWS_DEFAULT_REGION", stage.region.as_ref());
        put("AWS_SDK_LOAD_CONFIG", "1".as_ref());
        if let Some(file) = &config.aws_config_file {
            put("AWS_CONFIG_FILE", file.as_os_str());
        }
        if let Some(file) = &config.aws_credentials_file {
            put("AWS_SHARED_CREDENTIALS_FILE", file.as_os_str());
        }
        let labels = [
            (
                "NAMESPACE",
                "TF_VAR_namespace",
                Some(config.namespace.as_str()),
            ),
            ("STAGE", "TF_VAR_stage", Some(stage.name)),
            ("TENANT", "TF_VAR_tenant", config.tenant.as_deref()),
            (
                "ENVIRONMENT",
                "TF_VAR_environment",
                config.environment.as_deref(),
            ),
        ];
        for (plain, terraform, value) in labels {
            if let Some(value) = value {
                put(plain, value.as_ref());
                put(terraform, value.as_ref());
            }
        }
        put("ACCT_STAGE", stage.name.as_ref());
        put("ACCT_PROFILE", stage.profile.as_ref());
        put("ACCT_ACCOUNT_ID", stage.account_id.as_ref());
        put("ACCT_ROLE_ARN", stage.role_arn.as_ref());
        put("ACCT_CONFIG", config.path.as_os_str());
        // A nested acct must check a project config's allow record again,
        // also when it reaches it through the ACCT_CONFIG exported here.
        if config.project {
            put("ACCT_PROJECT_CONFIG", "1".as_ref());
        }
        if stage.protected {
            put("ACCT_PROTECTED", "1".as_ref());
        }
        put(
            "ACCT_PROMPT",
            config
                .render_format(&config.prompt_format, stage.name)
                .as_ref(),
        );
        for (name, value) in stage.env {
            put(name, value.as_ref());
        }
        let unset = STALE_CREDENTIALS
            .iter()
            .chain(OWNED.iter())
            .filter(|name| !set.iter().any(|(n, _)| n == *name))
            .map(|name| name.to_string())
            .collect();
        StageEnv {
            set,
            unset,
            keep_env: config.keep_env.clone(),
        }
    }

    /// What leaves a stage when there is no record of entering it (`acct
    /// env --unset` in a shell an older acct set up): every variable acct
    /// sets or removes goes.
    pub fn leaving() -> Self {
        StageEnv {
            set: Vec::new(),
            unset: STALE_CREDENTIALS
                .iter()
                .chain(OWNED.iter())
                .map(|name| name.to_string())
                .collect(),
            keep_env: Vec::new(),
        }
    }

    /// No stage: acct's own call of the AWS CLI outside any stage
    /// (`entry::outside_stage`). Nothing set but the AWS config file, when
    /// given; every credential variable and the profile removed; `keep_env`
    /// kept.
    pub fn outside(keep_env: &[String], aws_config_file: Option<&Path>) -> Self {
        StageEnv {
            set: aws_config_file
                .map(|file| ("AWS_CONFIG_FILE".to_string(), file.as_os_str().to_owned()))
                .into_iter()
                .collect(),
            unset: STALE_CREDENTIALS
                .iter()
                .chain(&PROFILE_VARIABLES)
                .map(|name| name.to_string())
                .collect(),
            keep_env: keep_env.to_vec(),
        }
    }

    /// `base` for one call of acct's own, as entering cleans it but with no
    /// record (nobody leaves this environment): the names this removes, and
    /// the `AWS_*` names it drops, go; this one's names are set. The other
    /// names acct owns stay: in a stage, its region is the call's.
    pub fn for_call(&self, base: Environment) -> Environment {
        let stays = |name: &OsStr| {
            let Some(name) = name.to_str() else {
                return true;
            };
            !self.unset.iter().any(|n| n == name)
                && !self.set.iter().any(|(n, _)| n == name)
                && (OWNED.contains(&name) || !self.drops(OsStr::new(name)))
        };
        let mut env: Environment = base.into_iter().filter(|(n, _)| stays(n)).collect();
        env.extend(self.set.iter().map(|(n, v)| (n.into(), v.clone())));
        env
    }

    /// `name` set to `value`, or removed (`None`), in place of whatever
    /// this environment did with it before: every later change of a name
    /// goes through here, so a name is never both set and removed.
    pub fn put(&mut self, name: &str, value: Option<OsString>) {
        self.unset.retain(|n| n != name);
        self.set.retain(|(n, _)| n != name);
        match value {
            Some(value) => self.set.push((name.to_string(), value)),
            None => self.unset.push(name.to_string()),
        }
    }

    /// The prompt's `{left}` reads the session's expiry from `file`
    /// (`stage::expiry`).
    pub fn expires_in(&mut self, file: OsString) {
        self.put(expiry::FILE, Some(file));
    }

    /// This environment with no profile selected: for running the AWS CLI
    /// with `--profile` (an `AWS_PROFILE` beside it would be one more source
    /// to reason about) and as the base of `with_credentials`.
    pub fn without_profile(mut self) -> Self {
        for name in PROFILE_VARIABLES {
            self.put(name, None);
        }
        self
    }

    /// SPEC section 3's `--export-credentials`: the temporary keys *instead
    /// of* the profile, so only one source of credentials is in the
    /// environment; `ACCT_PROFILE` still names the profile.
    pub fn with_credentials(self, credentials: &Credentials) -> Self {
        let mut env = self.without_profile();
        let mut put = |name: &str, value: Option<&str>| env.put(name, value.map(OsString::from));
        put("AWS_ACCESS_KEY_ID", Some(&credentials.access_key_id));
        put(
            "AWS_SECRET_ACCESS_KEY",
            Some(&credentials.secret_access_key),
        );
        put("AWS_SESSION_TOKEN", credentials.session_token.as_deref());
        put(
            "AWS_CREDENTIAL_EXPIRATION",
            credentials.expiration.as_deref(),
        );
        // The keys hold until their own expiry, whatever the session's.
        let fixed = credentials.expires_at().map(|at| at.to_string());
        put(expiry::FIXED, fixed.as_deref());
        put(expiry::FILE, None);
        env
    }

    /// `acct shell --nest` inside another stage: the segment shows the way
    /// in, outer stages first (`[cpco-testing]>[cpco-prod]`), so a nested
    /// shell is never mistaken for the outer one.
    pub fn nest_within(&mut self, outer_prompt: &str) {
        if outer_prompt.is_empty() {
            return;
        }
        if let Some((_, prompt)) = self.set.iter_mut().find(|(n, _)| n == "ACCT_PROMPT") {
            // The time left is the inner stage's: shown once.
            let outer = expiry::fill(outer_prompt, None);
            let mut chain = OsString::from(format!("{outer}{NEST_SEPARATOR}"));
            chain.push(&*prompt);
            *prompt = chain;
        }
    }

    /// Variables of a stage shell's start: the `__ACCT_*` plumbing its
    /// startup files read and keep from children, bash's hook globals
    /// handed over as they are (`__acct_*`, unexported at start), zsh's
    /// `ZDOTDIR`, and `SHELL` when the config names the shell.
    pub fn add_startup(&mut self, vars: impl IntoIterator<Item = (String, OsString)>) {
        for (name, value) in vars {
            debug_assert!(
                name.starts_with("__ACCT_")
                    || name.starts_with("__acct_")
                    || name == "ZDOTDIR"
                    || name == "SHELL"
            );
            self.set.push((name, value));
        }
    }

    /// What a stage shell's startup hook puts back after the user's own
    /// startup files, which run inside the stage and may export a stale key
    /// or another `AWS_PROFILE`: every variable of SPEC section 2 with the
    /// value acct gave it (`None`: acct removed it), removed names first.
    /// The same for every shell; `shell::guard` hands it to each.
    pub fn guard(&self) -> Vec<(&str, Option<&OsStr>)> {
        let guarded = |name: &str| {
            STALE_CREDENTIALS.contains(&name) || OWNED.contains(&name) || name == "AWS_CONFIG_FILE"
        };
        let removed = self.unset.iter().map(|n| (n.as_str(), None));
        let kept = self
            .set
            .iter()
            .map(|(n, v)| (n.as_str(), Some(v.as_os_str())));
        removed.chain(kept).filter(|(n, _)| guarded(n)).collect()
    }

    /// The inherited environment with this applied, for `execve`: the
    /// record of an earlier stage undone first (so the result is the same
    /// whether entered from a plain shell or from inside any stage), then
    /// this stage's names set and removed, and the record of what that
    /// changed in `ACCT_RESTORE`. Sorted by name, so the same entry gives
    /// the same bytes whatever order the inherited environment had.
    #[cfg(test)]
    pub fn apply(&self, inherited: impl Iterator<Item = (OsString, OsString)>) -> Environment {
        let base = record::undo(inherited.collect()).env;
        self.enter(base)
    }

    /// `apply` to acct's own environment, warning once on stderr about a
    /// record that is not believed (it is ignored: the stage still sets and
    /// removes its names).
    pub fn apply_here(&self) -> Environment {
        static SAID: std::sync::Once = std::sync::Once::new();
        let base = inherited();
        let endpoints = self.dropped_endpoints(&base);
        if !endpoints.is_empty() {
            SAID.call_once(|| eprintln!("{}", endpoints_removed(&endpoints)));
        }
        self.enter(base)
    }

    /// This stage entered from `base`, an environment with no record.
    pub fn enter(&self, base: Environment) -> Environment {
        let changed = |name: &OsStr| {
            let bytes = name.as_bytes();
            self.unset.iter().any(|n| n.as_bytes() == bytes)
                || self.set.iter().any(|(n, _)| n.as_bytes() == bytes)
                || self.drops(name)
                || name.to_str().is_some_and(env_names::is_in_force_variable)
        };
        let mut env: Environment = base.iter().filter(|(n, _)| !changed(n)).cloned().collect();
        env.extend(self.set.iter().map(|(n, v)| (n.into(), v.clone())));
        let in_force = in_force(&env);
        // What changes: every name set (the shells' startup plumbing aside,
        // which the startup files remove again) and every name removed that
        // was there; a name absent before and after changed nothing, and
        // leaving it out keeps the record short.
        let mut removed: Vec<String> = base
            .iter()
            .filter(|(n, _)| changed(n))
            .map(|(n, _)| n.to_string_lossy().into_owned())
            .collect();
        // In name order: the same entry makes the same record, whatever
        // order the inherited environment had.
        removed.sort();
        let recorded = self
            .set
            .iter()
            .chain(&in_force)
            .map(|(n, _)| n.as_str())
            .filter(|n| !n.starts_with("__ACCT_"))
            .chain(removed.iter().map(String::as_str));
        let record = Record::of(&base, recorded).encode();
        env.extend(in_force.into_iter().map(|(n, v)| (n.into(), v)));
        env.push((record::NAME.into(), record.into()));
        env.sort_by(|(a, _), (b, _)| a.as_bytes().cmp(b.as_bytes()));
        env
    }

    /// An inherited `AWS_*` name this stage removes because it is neither
    /// set by acct nor kept (`env_names::keeps`): the allow-list.
    pub fn drops(&self, name: &OsStr) -> bool {
        let Some(name) = name.to_str() else {
            return false;
        };
        !env_names::keeps(name, &self.keep_env)
            && !self.set.iter().any(|(n, _)| n == name)
            && !self.unset.iter().any(|n| n == name)
    }

    /// The endpoint overrides (`AWS_ENDPOINT_URL*`) in `base` that entering
    /// removes: said on stderr, since the person may have meant them.
    pub fn dropped_endpoints(&self, base: &Environment) -> Vec<String> {
        base.iter()
            .filter_map(|(n, _)| n.to_str())
            .filter(|n| env_names::is_endpoint_override(n) && self.drops(OsStr::new(n)))
            .map(str::to_string)
            .collect()
    }
}

/// What the prompt hooks compare at every prompt: `ACCT_IN_FORCE` names
/// the variables of `env_names::in_force`, each that the stage's
/// environment `env` has followed by `=` (kept: it must equal
/// `ACCT_IN_FORCE_<NAME>`, which holds its value there); any other must be
/// absent or empty. So the list alone says which are kept, and a check
/// need not look at a value variable for the others.
fn in_force(env: &Environment) -> Vec<(String, OsString)> {
    let mut vars = Vec::new();
    let mut names = Vec::new();
    for name in env_names::in_force() {
        match env.iter().find(|(n, _)| n.as_bytes() == name.as_bytes()) {
            Some((_, value)) => {
                vars.push((
                    format!("{}{name}", env_names::IN_FORCE_VALUE),
                    value.clone(),
                ));
                names.push(format!("{name}="));
            }
            None => names.push(name.to_string()),
        }
    }
    vars.push((env_names::IN_FORCE.to_string(), names.join(" ").into()));
    vars
}

/// The first variable of `ACCT_IN_FORCE` that is no longer as entering the
/// stage made it (a kept `NAME=` equal to `ACCT_IN_FORCE_NAME`, any other
/// empty), as the prompt hooks show it (`AWS_PROFILE=personal`,
/// `AWS_ACCESS_KEY_ID`, `AWS_PROFILE unset`); `None` while the stage is in
/// force. `get` reads the environment. The shells' hooks do the same with
/// builtins (shells/acct.*).
pub fn mismatch(get: impl Fn(&str) -> Option<OsString>) -> Option<String> {
    let list = get(env_names::IN_FORCE)?;
    let plain = |text: &str, extra: &str| {
        !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || extra.contains(c))
    };
    for word in list.to_str()?.split(' ') {
        let (name, kept) = word.strip_suffix('=').map_or((word, false), |n| (n, true));
        if !plain(name, "") {
            continue;
        }
        // Empty is unset, as for the SDKs (and fish's guard hides so).
        let get = |name: &str| get(name).filter(|v| !v.is_empty());
        let expected = kept
            .then(|| get(&format!("{}{name}", env_names::IN_FORCE_VALUE)))
            .flatten();
        let actual = get(name);
        if actual == expected {
            continue;
        }
        return Some(match actual {
            None => format!("{name} unset"),
            Some(value) => match value.to_str() {
                Some(value) if name.ends_with("PROFILE") && plain(value, ".@+-") => {
                    format!("{name}={value}")
                }
                _ => name.to_string(),
            },
        });
    }
    None
}

/// The prompt segment with what is not in force, `[cpco-testing ≠
/// AWS_PROFILE=personal]`.
pub fn segment_with_mismatch(segment: &str, mismatch: &str) -> String {
    match segment.strip_suffix(']') {
        Some(open) => format!("{open} ≠ {mismatch}]"),
        None => format!("{segment} ≠ {mismatch}"),
    }
}

/// The one line that says which endpoint overrides a stage removed.
pub fn endpoints_removed(names: &[String]) -> String {
    format!(
        "acct: removed {} from the stage: an endpoint override sends the stage's sign-in and credentials to another server; keep_env = [\"{}\"] in your own config keeps it",
        names.join(" "),
        names.join("\", \"")
    )
}

/// acct's own environment with the record of the stage it runs in undone
/// (the person's environment from before the first stage), and the record
/// found, or why it was not believed.
pub fn here() -> Undone {
    record::undo(process_env::all())
}

/// `here`'s environment; a record that does not parse is dropped with one
/// warning per process.
pub fn inherited() -> Environment {
    static WARNED: std::sync::Once = std::sync::Once::new();
    let undone = here();
    if let Some(corrupt) = &undone.corrupt {
        WARNED.call_once(|| eprintln!("{}", record::warning(corrupt)));
    }
    undone.env
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn testing_env() -> StageEnv {
        let text = "namespace = \"cpco\"\nregion = \"us-west-2\"\ntopology = \"single\"\n\
                    [stages.root]\naccount_id = \"323330167063\"\n[stages.testing]\n";
        let config = crate::config::parse(Path::new("/acct.toml"), text, None).expect("valid");
        StageEnv::new(&config, &config.stage("testing").expect("stage"))
    }

    fn value<'e>(env: &'e StageEnv, name: &str) -> Option<&'e str> {
        env.set
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.to_str())
    }

    fn environment(pairs: &[(&str, &str)]) -> Environment {
        pairs
            .iter()
            .map(|(n, v)| (OsString::from(n), OsString::from(v)))
            .collect()
    }

    fn stage(name: &str) -> StageEnv {
        let text = "namespace = \"cpco\"\nregion = \"us-west-2\"\ntopology = \"single\"\n\
                    [stages.root]\naccount_id = \"323330167063\"\n[stages.testing]\n\
                    [stages.prod]\nprotected = true\n\
                    [stages.prod.env]\nKUBECONFIG = \"/k/prod\"\nTF_WORKSPACE = \"prod\"\n";
        let config = crate::config::parse(Path::new("/acct.toml"), text, None).expect("valid");
        StageEnv::new(&config, &config.stage(name).expect("stage"))
    }

    #[test]
    fn a_stage_entered_from_inside_another_is_the_stage_entered_from_outside() {
        let person = environment(&[
            ("PATH", "/bin"),
            ("KUBECONFIG", "/k/mine"),
            ("AWS_PROFILE", "personal"),
            ("AWS_ACCESS_KEY_ID", "AKIAMINE"),
        ]);
        let direct = stage("testing").apply(person.clone().into_iter());
        let in_prod = stage("prod").apply(person.clone().into_iter());
        let from_prod = stage("testing").apply(in_prod.into_iter());
        assert_eq!(from_prod, direct);
        let get = |name: &str| {
            direct
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.to_str().unwrap())
        };
        assert_eq!(get("KUBECONFIG"), Some("/k/mine"));
        assert_eq!(get("TF_WORKSPACE"), None);
        assert_eq!(get("ACCT_PROTECTED"), None);
        assert_eq!(get("AWS_ACCESS_KEY_ID"), None);
        // Undoing the record gives the person's environment back exactly.
        let mut back = record::undo(direct).env;
        back.sort();
        let mut person = person;
        person.sort();
        assert_eq!(back, person);
    }

    #[test]
    fn the_prompt_names_the_first_variable_no_longer_as_entered() {
        let entered = stage("testing").apply(environment(&[("PATH", "/bin")]).into_iter());
        let check = |change: &dyn Fn(&mut Environment)| {
            let mut env = entered.clone();
            change(&mut env);
            mismatch(|name| env.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()))
        };
        assert_eq!(check(&|_| {}), None);
        let set = |name: &'static str, value: &'static str| {
            move |env: &mut Environment| {
                env.retain(|(n, _)| n != name);
                env.push((name.into(), value.into()));
            }
        };
        assert_eq!(
            check(&set("AWS_PROFILE", "personal")).as_deref(),
            Some("AWS_PROFILE=personal")
        );
        assert_eq!(
            check(&set("AWS_SECRET_ACCESS_KEY", "secret")).as_deref(),
            Some("AWS_SECRET_ACCESS_KEY")
        );
        assert_eq!(
            check(&set("AWS_PROFILE", "x\u{1b}[2J")).as_deref(),
            Some("AWS_PROFILE")
        );
        assert_eq!(
            check(&|env: &mut Environment| env.retain(|(n, _)| n != "AWS_DEFAULT_PROFILE"))
                .as_deref(),
            Some("AWS_DEFAULT_PROFILE unset")
        );
        // The list says which are kept: a value variable for any other
        // counts for nothing (the name must still be empty).
        let list = entered.iter().find(|(n, _)| n == "ACCT_IN_FORCE").unwrap();
        let list = list.1.to_str().unwrap();
        assert!(
            list.starts_with("AWS_PROFILE= AWS_DEFAULT_PROFILE= AWS_CONFIG_FILE "),
            "{list}"
        );
        assert_eq!(check(&set("ACCT_IN_FORCE_AWS_VAULT", "v")), None);
        let both = |env: &mut Environment| {
            set("ACCT_IN_FORCE_AWS_VAULT", "v")(env);
            set("AWS_VAULT", "v")(env);
        };
        assert_eq!(check(&both).as_deref(), Some("AWS_VAULT"));
        assert_eq!(
            segment_with_mismatch("[cpco-testing]", "AWS_PROFILE=personal"),
            "[cpco-testing ≠ AWS_PROFILE=personal]"
        );
    }

    #[test]
    fn a_record_never_brings_a_credential_variable_into_a_stage() {
        let forged = Record::of(
            &environment(&[("AWS_ACCESS_KEY_ID", "AKIAFORGED"), ("AWS_PROFILE", "evil")]),
            ["AWS_ACCESS_KEY_ID", "AWS_PROFILE"].into_iter(),
        );
        let inherited = environment(&[("ACCT_RESTORE", &forged.encode())]);
        let env = stage("testing").apply(inherited.into_iter());
        assert!(!env.iter().any(|(n, _)| n == "AWS_ACCESS_KEY_ID"));
        assert!(env.contains(&("AWS_PROFILE".into(), "cpco-testing-admin".into())));
    }

    #[test]
    fn a_call_outside_a_stage_gets_the_environment_cleaned_as_a_stages() {
        let inherited = environment(&[
            ("PATH", "/bin"),
            ("DISPLAY", ":0"),
            ("AWS_REGION", "eu-west-1"),
            ("AWS_PROFILE", "someone-else"),
            ("AWS_DEFAULT_PROFILE", "someone-else"),
            ("AWS_ACCESS_KEY_ID", "AKIASTALE"),
            ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9/"),
            ("AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:9/"),
            ("AWS_DATA_PATH", "/cli-v1/data"),
            ("AWS_CA_BUNDLE", "/ca.pem"),
            ("AWS_CONFIG_FILE", "/mine/config"),
        ]);
        let kept = vec!["AWS_ENDPOINT_URL_SSO".to_string()];
        let names = |env: &Environment| -> Vec<String> {
            let mut names: Vec<String> = env
                .iter()
                .map(|(n, v)| format!("{}={}", n.to_string_lossy(), v.to_string_lossy()))
                .collect();
            names.sort();
            names
        };
        let session = StageEnv::outside(&kept, None).for_call(inherited.clone());
        assert_eq!(
            names(&session),
            [
                "AWS_CA_BUNDLE=/ca.pem",
                "AWS_CONFIG_FILE=/mine/config",
                "AWS_ENDPOINT_URL_SSO=http://127.0.0.1:9/",
                "AWS_REGION=eu-west-1",
                "DISPLAY=:0",
                "PATH=/bin",
            ]
        );
        let login = StageEnv::outside(&[], Some(Path::new("/estate/config"))).for_call(inherited);
        assert_eq!(
            names(&login),
            [
                "AWS_CA_BUNDLE=/ca.pem",
                "AWS_CONFIG_FILE=/estate/config",
                "AWS_REGION=eu-west-1",
                "DISPLAY=:0",
                "PATH=/bin",
            ]
        );
    }

    #[test]
    fn credentials_replace_the_profile_and_keep_acct_profile() {
        let env = testing_env().with_credentials(&Credentials {
            access_key_id: "AKIA1".into(),
            secret_access_key: "secret".into(),
            session_token: Some("token".into()),
            expiration: None,
        });
        for name in [
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_CREDENTIAL_EXPIRATION",
            "ACCT_EXPIRES",
            "ACCT_EXPIRES_FILE",
        ] {
            assert_eq!(value(&env, name), None, "{name}");
            assert!(env.unset.iter().any(|n| n == name), "{name} is removed");
        }
        assert_eq!(value(&env, "AWS_ACCESS_KEY_ID"), Some("AKIA1"));
        assert_eq!(value(&env, "AWS_SESSION_TOKEN"), Some("token"));
        assert_eq!(value(&env, "ACCT_PROFILE"), Some("cpco-testing-admin"));
        for (name, _) in &env.set {
            assert!(!env.unset.contains(name), "{name} is both set and removed");
        }
    }

    /// In an MFA-session estate the stage points the prompt at the
    /// session's expiry file; exported keys hold until their own expiry, so
    /// the file goes and `ACCT_EXPIRES` alone says when.
    #[test]
    fn exported_keys_replace_the_sessions_expiry_file() {
        let mut env = testing_env();
        env.expires_in("/run/acct/session.expires".into());
        let env = env.with_credentials(&Credentials {
            access_key_id: "ASIA1".into(),
            secret_access_key: "secret".into(),
            session_token: Some("token".into()),
            expiration: Some("2026-12-07T12:00:00Z".into()),
        });
        assert_eq!(value(&env, "ACCT_EXPIRES_FILE"), None);
        assert!(env.unset.iter().any(|n| n == "ACCT_EXPIRES_FILE"));
        assert_eq!(value(&env, "ACCT_EXPIRES"), Some("1796644800"));
    }
}
