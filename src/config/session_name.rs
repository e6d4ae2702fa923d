//! `role_session_name`: the name every stage profile that assumes a role
//! gives its role session, so that CloudTrail (and `aws sts
//! get-caller-identity`, `assumed-role/ROLE/SESSION`) names the person
//! rather than `botocore-session-1796323324`. botocore, the Go SDK v2 and
//! the JS SDK v3 all read `role_session_name` from the profile.
//!
//! The format's placeholders are filled, then the result is made into a
//! name STS takes (README, "Who did it"): 2 to 64 characters of
//! `[A-Za-z0-9_+=,.@-]`; any other character becomes `-`, a longer name is
//! cut at 64, and a shorter one gets `-acct` appended (`acct` when empty).

use std::sync::OnceLock;

use super::{Config, process_env};

/// The format when the config does not set one: the person's login name.
pub const DEFAULT: &str = "{user}";

/// The placeholders `role_session_name` may hold.
pub const PLACEHOLDERS: [&str; 4] = ["user", "stage", "host", "namespace"];

/// STS's longest session name.
const MAX: usize = 64;

/// What a name shorter than STS's two characters is padded with.
const PAD: &str = "-acct";

/// A character STS allows in a session name (`[\w+=,.@-]`, `\w` ASCII).
pub fn is_sts_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | '-')
}

/// `name` as STS takes it: other characters replaced by `-`, cut at 64
/// characters, padded to 2.
pub fn sanitise(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if is_sts_char(c) { c } else { '-' })
        .take(MAX)
        .collect();
    match out.len() {
        0 => PAD[1..].to_string(),
        1 => {
            out.push_str(PAD);
            out
        }
        _ => out,
    }
}

/// `format` with each placeholder replaced by `value(placeholder)`, then
/// sanitised. Validation guarantees every placeholder is known.
pub fn expand(format: &str, value: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    for piece in super::format_pieces(format) {
        match piece {
            super::FormatPiece::Text(text) => out.push_str(text),
            super::FormatPiece::Token(token) => out.push_str(&value(token)),
        }
    }
    sanitise(&out)
}

/// The login name: the effective user's entry in the passwd database, else
/// `$USER`, else `acct`.
pub fn login_name_of(passwd: Option<String>, user: Option<String>) -> String {
    passwd
        .filter(|name| !name.is_empty())
        .or(user)
        .unwrap_or_else(|| "acct".to_string())
}

/// The person running acct, asked once per process.
fn login_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let passwd = nix::unistd::User::from_uid(nix::unistd::geteuid())
            .ok()
            .flatten()
            .map(|user| user.name);
        login_name_of(passwd, process_env::text("USER"))
    })
}

/// The host name up to its first dot; empty when it cannot be read.
fn short_host() -> &'static str {
    static HOST: OnceLock<String> = OnceLock::new();
    HOST.get_or_init(|| {
        nix::unistd::gethostname()
            .ok()
            .and_then(|name| name.into_string().ok())
            .map(|name| name.split('.').next().unwrap_or_default().to_string())
            .unwrap_or_default()
    })
}

impl Config {
    /// The `role_session_name` of `stage`'s profile; `None` when the config
    /// says `role_session_name = ""` (no name rendered: each client picks its own).
    pub fn role_session_name(&self, stage: &str) -> Option<String> {
        let format = self.role_session_name.as_deref()?;
        Some(expand(format, |placeholder| match placeholder {
            "user" => login_name().to_string(),
            "host" => short_host().to_string(),
            "namespace" => self.namespace.clone(),
            "stage" => stage.to_string(),
            _ => String::new(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitising_keeps_what_sts_allows_and_replaces_the_rest() {
        assert_eq!(sanitise("alice"), "alice");
        assert_eq!(sanitise("a_b+c=d,e.f@g-h"), "a_b+c=d,e.f@g-h");
        assert_eq!(sanitise("Jöhn Doe/x"), "J-hn-Doe-x");
        assert_eq!(sanitise("DOMAIN\\bob"), "DOMAIN-bob");
    }

    #[test]
    fn sanitising_cuts_at_64_and_pads_to_2() {
        let long = "x".repeat(70);
        assert_eq!(sanitise(&long), "x".repeat(64));
        assert_eq!(sanitise(&"é".repeat(70)), "-".repeat(64));
        assert_eq!(sanitise("a"), "a-acct");
        assert_eq!(sanitise(""), "acct");
        assert_eq!(sanitise("ab"), "ab");
    }

    #[test]
    fn placeholders_are_filled_then_sanitised() {
        let value = |p: &str| match p {
            "user" => "bob smith".to_string(),
            "host" => "laptop".to_string(),
            "stage" => "prod".to_string(),
            "namespace" => "cpco".to_string(),
            _ => unreachable!(),
        };
        assert_eq!(expand("{user}", value), "bob-smith");
        assert_eq!(
            expand("{user}@{host}.{namespace}-{stage}", value),
            "bob-smith@laptop.cpco-prod"
        );
        assert_eq!(expand("ci", value), "ci");
        assert_eq!(expand("{user}", |_| String::new()), "acct");
    }

    #[test]
    fn the_login_name_falls_back_to_user_then_acct() {
        let some = |s: &str| Some(s.to_string());
        assert_eq!(login_name_of(some("alice"), some("bob")), "alice");
        assert_eq!(login_name_of(None, some("bob")), "bob");
        assert_eq!(login_name_of(some(""), some("bob")), "bob");
        assert_eq!(login_name_of(None, None), "acct");
    }

    #[test]
    fn every_placeholder_has_a_value() {
        let config = crate::config::parse::parse(
            std::path::Path::new("/c.toml"),
            "namespace = \"cpco\"\nregion = \"us-west-2\"\ntopology = \"single\"\nrole_session_name = \"{namespace}.{stage}.{user}.{host}\"\n[stages.root]\naccount_id = \"111111111111\"\n",
            None,
        )
        .unwrap();
        let name = config.role_session_name("root").unwrap();
        assert!(name.starts_with("cpco.root."), "{name}");
        assert!(name.chars().all(is_sts_char) && (2..=64).contains(&name.len()));
    }
}
