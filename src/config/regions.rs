//! The regions of each partition, as data (`regions.txt`, botocore's list):
//! a region a typo away from a known one (`us-wst-2`) is refused with the
//! region meant, while a well-formed region the list does not have yet (one
//! AWS opened after this acct was built) passes, and `acct doctor` warns.

use super::rules::Problem;
use super::{Config, PARTITIONS};
use crate::text::suggest;

const LIST: &str = include_str!("regions.txt");

/// Every `(partition, region)` of the list, split once per process: a
/// config checks a region per stage, and a thousand stages re-reading the
/// list were a tenth of `acct exec`'s start.
fn known() -> impl Iterator<Item = (&'static str, &'static str)> {
    static KNOWN: std::sync::OnceLock<Vec<(&'static str, &'static str)>> =
        std::sync::OnceLock::new();
    KNOWN
        .get_or_init(|| {
            LIST.lines()
                .filter(|line| !line.is_empty() && !line.starts_with('#'))
                .filter_map(|line| line.split_once(' '))
                .collect()
        })
        .iter()
        .copied()
}

/// The known regions of one partition.
fn of(partition: &str) -> impl Iterator<Item = &'static str> + '_ {
    known()
        .filter(move |(p, _)| *p == partition)
        .map(|(_, r)| r)
}

pub fn is_known(region: &str, partition: &str) -> bool {
    of(partition).any(|r| r == region)
}

/// A region's name without its number: `us-west` of `us-west-2`.
fn place(region: &str) -> &str {
    region.rsplit_once('-').map_or(region, |(place, _)| place)
}

/// Check a region whose shape `rules::region` accepted against the regions
/// of `partition`. Passes a known region, a known place with another number
/// (`us-west-3`) and a new combination of known words (`ap-central-1`);
/// refuses a region of another partition and a place one typo away from a
/// known one, naming the region meant.
pub fn check(region: &str, partition: &str) -> Result<(), Problem> {
    if is_known(region, partition) {
        return Ok(());
    }
    if let Some((other, _)) = known().find(|(_, r)| *r == region) {
        return Err(other_partition(region, other, partition));
    }
    let mut places: Vec<&str> = of(partition).map(place).collect();
    places.sort_unstable();
    places.dedup();
    let written = place(region);
    let words = || places.iter().flat_map(|p| p.split('-'));
    if places.contains(&written) || written.split('-').all(|w| words().any(|k| k == w)) {
        return Ok(());
    }
    let limit = (written.len() / 4).max(1);
    let Some(meant) = suggest::closest_within(written, places.iter().copied(), limit) else {
        return Ok(());
    };
    let same_number = format!("{meant}{}", &region[written.len()..]);
    let regions: Vec<String> = if is_known(&same_number, partition) {
        vec![format!("{same_number:?}")]
    } else {
        of(partition)
            .filter(|r| place(r) == meant)
            .map(|r| format!("{r:?}"))
            .collect()
    };
    Err((
        format!("region {region:?} is not an AWS region"),
        format!("did you mean {}?", regions.join(" or ")),
    ))
}

fn other_partition(region: &str, other: &str, partition: &str) -> Problem {
    let example = of(partition)
        .find(|r| r.starts_with("us-") || r.starts_with("cn-"))
        .unwrap_or("us-east-1");
    let fix = if PARTITIONS.contains(&other) {
        format!(
            "set partition = \"{other}\" at the top of the file, or use a region of {partition:?} such as {example:?}"
        )
    } else {
        format!(
            "use a region of {partition:?} such as {example:?}; acct works with the partitions {}",
            PARTITIONS.join(", ")
        )
    };
    (
        format!("region {region:?} is in the partition {other:?}, not in {partition:?}"),
        fix,
    )
}

/// `acct doctor`'s warning about the config's regions that are not on the
/// list (accepted, being well-formed): the detail and its fix.
pub fn unknown(config: &Config) -> Option<(String, String)> {
    let stages = config
        .stages
        .iter()
        .filter_map(|s| Some((s.region.as_deref()?, format!(" (stage {})", s.name))));
    let unknown: Vec<String> = std::iter::once((config.region.as_str(), String::new()))
        .chain(stages)
        .filter(|(region, _)| !is_known(region, &config.partition))
        .map(|(region, whose)| format!("{region}{whose}"))
        .collect();
    if unknown.is_empty() {
        return None;
    }
    let (verb, noun) = match unknown.len() {
        1 => ("is", "a region"),
        _ => ("are", "regions"),
    };
    Some((
        format!(
            "{} {verb} not {noun} acct knows in the partition {}",
            unknown.join(", "),
            config.partition
        ),
        "check the spelling; a region AWS opened after this acct was built is fine".to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_partition_of_acct_has_regions() {
        for partition in PARTITIONS {
            assert!(of(partition).count() >= 2, "{partition}");
        }
        assert!(is_known("us-west-2", "aws"));
        assert!(!is_known("us-west-2", "aws-cn"));
    }

    #[test]
    fn typos_are_refused_with_the_region_meant() {
        for (typo, fix) in [
            ("us-wst-2", "did you mean \"us-west-2\"?"),
            ("us-esat-1", "did you mean \"us-east-1\"?"),
            ("eu-cental-1", "did you mean \"eu-central-1\"?"),
            ("ap-southeats-2", "did you mean \"ap-southeast-2\"?"),
            ("us-wst-9", "did you mean \"us-west-1\" or \"us-west-2\"?"),
        ] {
            let (message, got) = check(typo, "aws").unwrap_err();
            assert_eq!(message, format!("region {typo:?} is not an AWS region"));
            assert_eq!(got, fix, "{typo}");
        }
        let (_, fix) = check("us-gov-wst-1", "aws-us-gov").unwrap_err();
        assert_eq!(fix, "did you mean \"us-gov-west-1\"?");
    }

    #[test]
    fn newer_regions_pass() {
        for region in [
            "us-west-3",
            "eu-central-3",
            "ap-central-1",
            "eu-southeast-1",
        ] {
            assert_eq!(check(region, "aws"), Ok(()), "{region}");
        }
        assert_eq!(check("xy-lunar-1", "aws"), Ok(()));
    }

    #[test]
    fn a_region_of_another_partition_names_it() {
        let (message, fix) = check("cn-north-1", "aws").unwrap_err();
        assert_eq!(
            message,
            "region \"cn-north-1\" is in the partition \"aws-cn\", not in \"aws\""
        );
        assert!(fix.starts_with("set partition = \"aws-cn\""), "{fix}");
        assert!(check("us-west-2", "aws-us-gov").is_err());
        let (_, fix) = check("us-iso-east-1", "aws").unwrap_err();
        assert!(fix.contains("acct works with the partitions"), "{fix}");
    }
}
