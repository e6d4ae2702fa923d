//! A unified line diff (`diff -u` form) for `acct aws-config --check`:
//! `similar`'s own unified diff of the two texts' lines.
//!
//! Its Myers diff takes linear memory and time that grows with the size of
//! the change, not with the square of the files (a full LCS table of a
//! 20,000-stage block would need 40 GB); on files that share almost nothing
//! its bounded search (a limit by size, not by the clock) keeps the time
//! down, so the same files always give the same diff.

use similar::{Algorithm, TextDiff};

const CONTEXT: usize = 3;

/// `old` → `new` as unified diff text; empty when they are equal. Lines end
/// at `\n`, `\r\n` or a lone `\r`, as Python and acct's INI reader split them,
/// and each is shown ending in `\n`.
pub fn unified(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .diff_lines(old, new);
    let hunks = diff.unified_diff().context_radius(CONTEXT).to_string();
    if hunks.is_empty() {
        return String::new();
    }
    // similar keeps each line's own end. Every line of a hunk starts with a
    // mark, so a `\r` there can only be (part of) a line end. The names are
    // left as they are, hence the header written here rather than by header().
    let hunks = hunks.replace("\r\n", "\n").replace('\r', "\n");
    format!("--- {old_name}\n+++ {new_name}\n{hunks}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn equal_texts_give_nothing() {
        assert_eq!(unified("a\nb\n", "a\nb\n", "x", "y"), "");
    }

    #[test]
    fn one_changed_line_with_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n";
        assert_eq!(
            unified(old, new, "a", "b"),
            "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn distant_changes_make_two_hunks_and_an_empty_file_starts_at_zero() {
        let old: String = (1..=20).map(|n| format!("{n}\n")).collect();
        let new: String = (1..=20)
            .map(|n| match n {
                2 => "two\n".to_string(),
                19 => "nineteen\n".to_string(),
                n => format!("{n}\n"),
            })
            .collect();
        let diff = unified(&old, &new, "a", "b");
        assert_eq!(diff.matches("@@ -").count(), 2, "{diff}");
        for (old, new, diff) in [
            ("", "x\n", "--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n"),
            (
                "x",
                "x\n",
                "--- a\n+++ b\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+x\n",
            ),
        ] {
            assert_eq!(unified(old, new, "a", "b"), diff, "{old:?} to {new:?}");
        }
    }

    #[test]
    fn crlf_and_cr_line_ends_are_lines_shown_without_their_cr() {
        for (old, new) in [("a\r\nb\r\n", "a\r\nc\r\n"), ("a\rb\r", "a\rc\r")] {
            assert_eq!(
                unified(old, new, "x", "y"),
                "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n",
                "{old:?}"
            );
        }
    }

    /// 20,000 stages' profiles, every region changed: one region of 100,000
    /// changed lines, which the LCS table this replaced could not hold.
    #[test]
    fn a_large_change_is_diffed_in_linear_memory() {
        let block = |region: &str| -> String {
            (0..20_000)
                .map(|i| format!("[profile cpco-s{i}-admin]\nregion={region}\nrole_arn=arn:aws:iam::323330167063:role/cpco-root-admin\nsource_profile=cpco\n\n"))
                .collect()
        };
        let (old, new) = (block("us-west-2"), block("us-east-1"));
        let started = Instant::now();
        let diff = unified(&old, &new, "a", "b");
        assert!(started.elapsed() < Duration::from_secs(30));
        assert_eq!(diff.matches("\n-region=us-west-2\n").count(), 20_000);
        assert_eq!(diff.matches("\n+region=us-east-1\n").count(), 20_000);
    }
}
