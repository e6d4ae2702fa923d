//! An ARN split into its six parts, `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`,
//! in one place: the validators, the resolver, the console's switch-role
//! link, the CLI cache and STS's answers all read ARNs through it. It only
//! splits; what a valid IAM ARN is stays in `rules`.

/// The parts of an ARN; `resource` keeps its own colons and slashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// `None` unless the text starts with `arn:` and has all six parts.
    pub fn parse(text: &'a str) -> Option<Self> {
        let mut parts = text.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        Some(Arn {
            partition: parts.next()?,
            service: parts.next()?,
            region: parts.next()?,
            account: parts.next()?,
            resource: parts.next()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_six_parts_and_keeps_the_resource_whole() {
        let arn = Arn::parse("arn:aws-us-gov:sts::323330167063:assumed-role/admin/s:1").unwrap();
        assert_eq!(arn.partition, "aws-us-gov");
        assert_eq!(arn.service, "sts");
        assert_eq!(arn.region, "");
        assert_eq!(arn.account, "323330167063");
        assert_eq!(arn.resource, "assumed-role/admin/s:1");
    }

    #[test]
    fn refuses_what_is_not_an_arn() {
        assert_eq!(Arn::parse("GAHT12345678"), None);
        assert_eq!(Arn::parse("arn:aws:iam::323330167063"), None);
        assert_eq!(Arn::parse("urn:aws:iam::323330167063:role/x"), None);
    }
}
