//! The shapes of config values (README, "The config file"). Each check
//! returns the problem and its fix, and the walker attaches the location.

use super::PARTITIONS;
use super::arn::Arn;

/// (message, fix)
pub type Problem = (String, String);

pub fn label(what: &str, value: &str) -> Result<(), Problem> {
    if !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Ok(());
    }
    let lowered = value.to_lowercase();
    let fix = if !lowered.is_empty()
        && lowered
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        format!("use \"{lowered}\"")
    } else {
        "use lower-case letters and digits only (the label pattern: ^[a-z0-9]+$)".to_string()
    };
    Err((format!("{what} {value:?} is not a valid label value"), fix))
}

/// The AWS access portal URL of `[sso]`: `https://HOST...`, on one line.
pub fn start_url(value: &str) -> Result<(), Problem> {
    let fix = "write the AWS access portal URL, e.g. start_url = \"https://d-1234567890.awsapps.com/start\"";
    if let Some(c) = value
        .chars()
        .find(|c| c.is_whitespace() || crate::text::printable::is_hidden(*c))
    {
        return Err((
            format!(
                "sso start_url holds the character U+{:04X}, which hides or reorders text in the console links and the AWS config file acct writes",
                u32::from(c)
            ),
            fix.into(),
        ));
    }
    let Some(rest) = value.strip_prefix("https://") else {
        return Err((
            format!("sso start_url {value:?} is not an https URL"),
            fix.into(),
        ));
    };
    let host = rest.split('/').next().unwrap_or_default();
    let bad = if host.is_empty() {
        Some("has no host")
    } else if host.contains('@') {
        Some(
            "has a user name before the host (`user@host`): the link would lead to the host after the `@`",
        )
    } else if host.contains(':') {
        Some("has a port: the AWS access portal has none")
    } else if rest.contains('?') || rest.contains('#') {
        Some("has a query or a fragment: the AWS access portal URL has neither")
    } else if !host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        Some("has a host that is not a DNS name (letters, digits, - and .)")
    } else {
        None
    };
    match bad {
        Some(why) => Err((format!("sso start_url {value:?} {why}"), fix.into())),
        None => Ok(()),
    }
}

/// A permission set name: 1 to 32 of letters, digits and `+=,.@-_`.
pub fn permission_set(what: &str, value: &str) -> Result<(), Problem> {
    if (1..=32).contains(&value.len()) && value.chars().all(is_iam_name_char) {
        return Ok(());
    }
    Err((
        format!("{what} {value:?} is not a permission set name"),
        "use the permission set's name, 1 to 32 letters, digits or +=,.@_-, e.g. \"AdministratorAccess\"".into(),
    ))
}

pub fn account_id(value: &str) -> Result<(), Problem> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    Err((
        format!("account_id {value:?} is not 12 digits"),
        "write the 12-digit AWS account id in quotes, leading zeros included, e.g. account_id = \"012345678901\"".into(),
    ))
}

fn is_iam_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)
}

pub fn is_role_name(value: &str) -> bool {
    (1..=64).contains(&value.len()) && value.chars().all(is_iam_name_char)
}

/// An IAM ARN `arn:PARTITION:iam::ACCOUNT:KIND/PATH...`; gives (partition, account, rest after `KIND/`).
fn iam_arn<'a>(value: &'a str, kind: &str) -> Option<(&'a str, &'a str, &'a str)> {
    let Arn {
        partition,
        service,
        region,
        account,
        resource,
    } = Arn::parse(value)?;
    let rest = resource.strip_prefix(kind)?.strip_prefix('/')?;
    let ok = PARTITIONS.contains(&partition)
        && service == "iam"
        && region.is_empty()
        && account_id(account).is_ok()
        && !rest.is_empty()
        && !rest.ends_with('/')
        && rest
            .split('/')
            .all(|seg| !seg.is_empty() && seg.chars().all(is_iam_name_char));
    ok.then_some((partition, account, rest))
}

/// A role as written: a name, or a role ARN (gives its partition and account).
pub enum RoleRef<'a> {
    Name,
    Arn {
        partition: &'a str,
        account: &'a str,
    },
}

/// A role ARN's partition, account and role name (the last segment of its
/// path); `None` when `value` is no role ARN.
pub fn role_arn_parts(value: &str) -> Option<(&str, &str, &str)> {
    let (partition, account, rest) = iam_arn(value, "role")?;
    let name = rest.rsplit('/').next()?;
    is_role_name(name).then_some((partition, account, name))
}

pub fn role(value: &str) -> Result<RoleRef<'_>, Problem> {
    if is_role_name(value) {
        return Ok(RoleRef::Name);
    }
    if let Some((partition, account, _)) = role_arn_parts(value) {
        return Ok(RoleRef::Arn { partition, account });
    }
    Err((
        format!("role {value:?} is neither an IAM role name nor a role ARN"),
        "write a role name (letters, digits and +=,.@_-, at most 64) such as \"cpco-prod-admin\", \
         or a whole ARN such as \"arn:aws:iam::210987654321:role/cpco-prod-admin\""
            .into(),
    ))
}

/// A profile name acct can write and every client reads alike.
pub fn source_profile(value: &str) -> Result<(), Problem> {
    if value.is_empty() || !value.chars().all(is_profile_char) {
        return Err((
            format!("source_profile {value:?} is not a usable profile name"),
            "use letters, digits and _.@+=,- only".into(),
        ));
    }
    Ok(())
}

/// An MFA device as STS's `SerialNumber` takes it: a virtual or passkey
/// device's ARN, or a hardware token's serial number (9 to 256 characters
/// of `[\w+=/:,.@-]`, e.g. `GAHT12345678`).
pub fn mfa_serial(value: &str) -> Result<(), Problem> {
    if iam_arn(value, "mfa").is_some() || is_hardware_serial(value) {
        return Ok(());
    }
    Err((
        format!("mfa_serial {value:?} is neither an MFA device ARN nor a hardware token's serial number"),
        "copy the device's ARN from the IAM console, e.g. \"arn:aws:iam::323330167063:mfa/admin@example.com\", \
         or a hardware token's serial number (9 to 256 letters, digits and _+=/:,.@-), e.g. \"GAHT12345678\""
            .into(),
    ))
}

/// A hardware MFA token's serial number, as AWS accepts it in place of an
/// ARN; never something that starts like an ARN (that must be a whole one).
pub fn is_hardware_serial(value: &str) -> bool {
    (9..=256).contains(&value.len())
        && !value.starts_with("arn:")
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=/:,.@-".contains(&b))
}

/// The shape of an AWS region name: `us-west-2`, `us-gov-east-1`, `cn-north-1`.
pub fn region(value: &str) -> Result<(), Problem> {
    let lower_word = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase());
    let ok = value.rsplit_once('-').is_some_and(|(words, number)| {
        !number.is_empty()
            && number.bytes().all(|b| b.is_ascii_digit())
            && words.split_once('-').is_some_and(|(area, rest)| {
                area.len() == 2 && lower_word(area) && rest.split('-').all(lower_word)
            })
    });
    if ok {
        return Ok(());
    }
    Err((
        format!("region {value:?} is not an AWS region name"),
        "write a region such as \"us-west-2\" or \"eu-central-1\"".into(),
    ))
}

pub fn env_name(name: &str) -> Result<(), Problem> {
    let mut chars = name.chars();
    let ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        return Ok(());
    }
    Err((
        format!("{name:?} is not a valid environment variable name"),
        "use letters, digits and underscores, not starting with a digit".into(),
    ))
}

/// Characters an AWS profile name may safely hold in an INI section header.
pub fn is_profile_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_.@+=,-".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_suggest_lower_case() {
        assert!(label("namespace", "cpco1").is_ok());
        let (_, fix) = label("namespace", "CPCO").unwrap_err();
        assert_eq!(fix, "use \"cpco\"");
        assert!(label("stage", "").is_err());
        assert!(label("stage", "dev-1").is_err());
    }

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(account_id("012345678901").is_ok());
        assert!(account_id("12345678901").is_err());
        assert!(account_id("01234567890a").is_err());
    }

    #[test]
    fn roles_are_names_or_role_arns() {
        assert!(matches!(role("cpco-prod-admin"), Ok(RoleRef::Name)));
        assert!(matches!(
            role("arn:aws-us-gov:iam::012345678901:role/ops/admin"),
            Ok(RoleRef::Arn {
                partition: "aws-us-gov",
                account: "012345678901"
            })
        ));
        assert!(role("arn:aws:iam::012345678901:user/admin").is_err());
        assert!(role("arn:aws:iam::0123:role/admin").is_err());
        assert!(role("has space").is_err());
        assert!(role(&"x".repeat(65)).is_err());
    }

    #[test]
    fn regions_and_mfa_serials() {
        for ok in ["us-west-2", "us-gov-east-1", "cn-north-1", "ap-southeast-4"] {
            assert!(region(ok).is_ok(), "{ok}");
        }
        for bad in ["us-west", "uswest2", "US-WEST-2", "us--2", ""] {
            assert!(region(bad).is_err(), "{bad}");
        }
        assert!(mfa_serial("arn:aws:iam::323330167063:mfa/admin@example.com").is_ok());
        assert!(mfa_serial("arn:aws:iam::323330167063:role/admin").is_err());
        assert!(mfa_serial("GAHT12345678").is_ok());
        assert!(mfa_serial("GAHT1234").is_err(), "8 characters");
        assert!(mfa_serial(&"A".repeat(257)).is_err());
        assert!(mfa_serial("GAHT 12345678").is_err());
        assert!(mfa_serial("arn:aws:iam::1:mfaX").is_err(), "half an ARN");
    }

    #[test]
    fn env_names() {
        assert!(env_name("TF_VAR_owner").is_ok());
        assert!(env_name("_x1").is_ok());
        assert!(env_name("1X").is_err());
        assert!(env_name("A-B").is_err());
        assert!(env_name("").is_err());
    }
}
