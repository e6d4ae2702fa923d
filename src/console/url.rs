//! The URLs of `acct console`, built from plain values with no I/O: the
//! console's home page of a region, the switch-role link, and the two
//! requests of the federation endpoint.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// The sign-in and console hosts of an AWS partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hosts {
    pub signin: &'static str,
    pub console: &'static str,
}

/// The hosts of `partition` (validated: `aws`, `aws-us-gov` or `aws-cn`).
pub fn hosts(partition: &str) -> Hosts {
    match partition {
        "aws-us-gov" => Hosts {
            signin: "signin.amazonaws-us-gov.com",
            console: "console.amazonaws-us-gov.com",
        },
        "aws-cn" => Hosts {
            signin: "signin.amazonaws.cn",
            console: "console.amazonaws.cn",
        },
        _ => Hosts {
            signin: "signin.aws.amazon.com",
            console: "console.aws.amazon.com",
        },
    }
}

/// The console's home page in `region`: the partition's console host, which
/// opens the region named (and forwards to the region's own host itself).
pub fn console_home(hosts: Hosts, region: &str) -> String {
    format!(
        "https://{}/console/home?region={}",
        hosts.console,
        encode(region)
    )
}

/// The colours the switch-role page offers (it takes no others), in its
/// order: red, orange, yellow, green, blue.
pub const COLORS: [&str; 5] = ["F2B0A9", "FBBF93", "FAD791", "B7CA9D", "99BCE3"];
/// Red: protected stages, and only they.
pub const PROTECTED_COLOR: &str = COLORS[0];

/// A stage's colour in the console: red when protected, else one of the
/// other four, chosen by its name (FNV-1a), so it stays the same.
pub fn color(stage: &str, protected: bool) -> &'static str {
    if protected {
        return PROTECTED_COLOR;
    }
    let hash = stage.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    let others = &COLORS[1..];
    others[(hash % others.len() as u32) as usize]
}

/// The console shows at most this many characters of a display name.
pub const DISPLAY_NAME_MAX: usize = 64;

/// The display name of a stage from its rendered `prompt_format`: one pair
/// of enclosing brackets (`[cpco-testing]`) is dropped, since the console
/// draws its own badge, and so is surrounding space; at most 64 characters.
/// An empty result falls back to `fallback` (the stage's profile name).
pub fn display_name(prompt: &str, fallback: &str) -> String {
    let trimmed = prompt.trim();
    let inner = [('[', ']'), ('(', ')'), ('{', '}'), ('<', '>')]
        .iter()
        .find_map(|&(open, close)| {
            trimmed
                .strip_prefix(open)
                .and_then(|rest| rest.strip_suffix(close))
        })
        .unwrap_or(trimmed)
        .trim();
    let name = if inner.is_empty() { fallback } else { inner };
    name.chars().take(DISPLAY_NAME_MAX).collect()
}

/// The role name of a role ARN as the switch-role page wants it: everything
/// after `role/`, so a role with a path keeps it (`team/ops/admin`).
pub fn role_name(role_arn: &str) -> Option<&str> {
    crate::config::arn::Arn::parse(role_arn)?
        .resource
        .strip_prefix("role/")
        .filter(|name| !name.is_empty())
}

/// What the switch-role link of a stage is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwitchRole<'a> {
    pub role_name: &'a str,
    pub account: &'a str,
    pub display_name: &'a str,
    pub color: &'a str,
    /// Where the console goes once switched (`console_home`).
    pub redirect: &'a str,
}

/// The console's own switch-role link: it needs no credentials, the person
/// signed in as an IAM user confirms it on the page.
pub fn switch_role(hosts: Hosts, link: &SwitchRole<'_>) -> String {
    format!(
        "https://{}/switchrole?roleName={}&account={}&displayName={}&color={}&redirect_uri={}",
        hosts.signin,
        encode(link.role_name),
        encode(link.account),
        encode(link.display_name),
        encode(link.color),
        encode(link.redirect)
    )
}

/// The federation endpoint of a partition.
pub fn federation_endpoint(hosts: Hosts) -> String {
    format!("https://{}/federation", hosts.signin)
}

/// `getSigninToken`: `session` is the JSON of the temporary credentials.
pub fn signin_token_request(endpoint: &str, session: &str) -> String {
    format!(
        "{endpoint}{}Action=getSigninToken&Session={}",
        separator(endpoint),
        encode(session)
    )
}

/// `login`: the one-time sign-in URL that opens `destination`.
pub fn login(endpoint: &str, destination: &str, token: &str) -> String {
    format!(
        "{endpoint}{}Action=login&Issuer=acct&Destination={}&SigninToken={}",
        separator(endpoint),
        encode(destination),
        encode(token)
    )
}

fn separator(endpoint: &str) -> char {
    if endpoint.contains('?') { '&' } else { '?' }
}

/// The AWS access portal's shortcut link into an account with a
/// permission set: `START_URL/#/console?account_id=..&role_name=..&destination=..`
/// (the portal signs in if needed, then opens `destination`).
pub fn portal(start_url: &str, account: &str, role_name: &str, destination: &str) -> String {
    let base = start_url
        .split('#')
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    format!(
        "{base}/#/console?account_id={}&role_name={}&destination={}",
        encode(account),
        encode(role_name),
        encode(destination)
    )
}

/// Every byte but RFC 3986's unreserved characters (`A-Za-z0-9-_.~`).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encoding of a query value: every byte but RFC 3986's unreserved
/// characters, so `+`, `/`, `=`, `&` and `%` in a key or a path stay data.
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_every_partition() {
        assert_eq!(
            federation_endpoint(hosts("aws")),
            "https://signin.aws.amazon.com/federation"
        );
        assert_eq!(
            federation_endpoint(hosts("aws-us-gov")),
            "https://signin.amazonaws-us-gov.com/federation"
        );
        assert_eq!(
            federation_endpoint(hosts("aws-cn")),
            "https://signin.amazonaws.cn/federation"
        );
        assert_eq!(
            console_home(hosts("aws-cn"), "cn-northwest-1"),
            "https://console.amazonaws.cn/console/home?region=cn-northwest-1"
        );
        assert_eq!(
            console_home(hosts("aws-us-gov"), "us-gov-east-1"),
            "https://console.amazonaws-us-gov.com/console/home?region=us-gov-east-1"
        );
    }

    #[test]
    fn encoding_keeps_only_unreserved_characters() {
        assert_eq!(encode("aZ09-_.~"), "aZ09-_.~");
        assert_eq!(encode("a+b/c=d&e f%"), "a%2Bb%2Fc%3Dd%26e%20f%25");
        assert_eq!(encode("é"), "%C3%A9");
        assert_eq!(
            encode(r#"{"sessionId":"A"}"#),
            "%7B%22sessionId%22%3A%22A%22%7D"
        );
    }

    #[test]
    fn role_names_keep_their_path() {
        assert_eq!(
            role_name("arn:aws:iam::323330167063:role/cpco-root-admin"),
            Some("cpco-root-admin")
        );
        assert_eq!(
            role_name("arn:aws-us-gov:iam::323330167063:role/team/ops/admin"),
            Some("team/ops/admin")
        );
        assert_eq!(role_name("arn:aws:iam::323330167063:user/admin"), None);
        assert_eq!(role_name("arn:aws:iam::323330167063:role/"), None);
        assert_eq!(role_name("cpco-root-admin"), None);
    }

    #[test]
    fn display_names_drop_one_pair_of_brackets() {
        assert_eq!(display_name("[cpco-testing]", "p"), "cpco-testing");
        assert_eq!(display_name(" (cpco prod) ", "p"), "cpco prod");
        assert_eq!(display_name("aws:testing", "p"), "aws:testing");
        assert_eq!(display_name("[cpco]-[testing]", "p"), "cpco]-[testing");
        assert_eq!(
            display_name("[]", "cpco-testing-admin"),
            "cpco-testing-admin"
        );
        assert_eq!(display_name(&"x".repeat(80), "p"), "x".repeat(64));
        assert_eq!(display_name(&"é".repeat(80), "p").chars().count(), 64);
    }

    #[test]
    fn red_is_for_protected_stages_only() {
        assert_eq!(color("testing", true), "F2B0A9");
        for stage in ["root", "testing", "prod", "dev", "staging", "a", ""] {
            assert_ne!(color(stage, false), "F2B0A9", "{stage}");
            assert_eq!(color(stage, false), color(stage, false));
            assert!(COLORS.contains(&color(stage, false)));
        }
        // Stable across releases: the tests of the URLs pin these.
        assert_eq!(color("root", false), "FAD791");
        assert_eq!(color("testing", false), "99BCE3");
    }

    #[test]
    fn switch_role_link() {
        let aws = hosts("aws");
        let redirect = console_home(aws, "us-west-2");
        let link = switch_role(
            aws,
            &SwitchRole {
                role_name: "team/admin",
                account: "126450723953",
                display_name: "cpco testing",
                color: "B7CA9D",
                redirect: &redirect,
            },
        );
        assert_eq!(
            link,
            "https://signin.aws.amazon.com/switchrole?roleName=team%2Fadmin&account=126450723953\
             &displayName=cpco%20testing&color=B7CA9D&redirect_uri=https%3A%2F%2Fconsole.aws.amazon.com\
             %2Fconsole%2Fhome%3Fregion%3Dus-west-2"
        );
    }

    #[test]
    fn federation_requests() {
        let endpoint = "https://signin.aws.amazon.com/federation";
        assert_eq!(
            signin_token_request(endpoint, r#"{"a":"b+c"}"#),
            "https://signin.aws.amazon.com/federation?Action=getSigninToken&Session=%7B%22a%22%3A%22b%2Bc%22%7D"
        );
        assert_eq!(
            login(endpoint, "https://console.aws.amazon.com/", "t/k+n"),
            "https://signin.aws.amazon.com/federation?Action=login&Issuer=acct\
             &Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=t%2Fk%2Bn"
        );
        // An endpoint that already has a query (a proxy's) keeps it.
        assert_eq!(
            login("http://127.0.0.1:8/f?x=1", "d", "t"),
            "http://127.0.0.1:8/f?x=1&Action=login&Issuer=acct&Destination=d&SigninToken=t"
        );
    }
}
