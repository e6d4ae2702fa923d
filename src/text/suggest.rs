//! "Did you mean ...?" for unknown keys, stage names and regions.

/// The candidate closest to `word`, if it is close enough to be a plausible
/// typo (at most a third of the word's length, at least 1).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    closest_within(word, candidates, (word.chars().count() / 3).max(1))
}

/// The candidate closest to `word` at most `limit` edits away, ignoring
/// case. An edit is strsim's optimal string alignment: inserting, removing
/// or changing a character, or swapping two neighbours (`prdo` is one edit
/// from `prod`). The first of equally close candidates wins.
pub fn closest_within<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(&word, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_typos_and_nothing_for_strangers() {
        assert_eq!(closest("regoin", ["region", "role"]), Some("region"));
        assert_eq!(closest("prdo", ["prod", "testing"]), Some("prod"));
        assert_eq!(closest("PROD", ["prod", "testing"]), Some("prod"));
        assert_eq!(closest("zzzzzz", ["prod", "testing"]), None);
        assert_eq!(
            closest_within("us-wst", ["us-east", "us-west"], 1),
            Some("us-west")
        );
        assert_eq!(closest_within("eu-cntrl", ["eu-central"], 1), None);
    }
}
