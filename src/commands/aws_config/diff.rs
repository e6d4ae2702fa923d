//! A unified line diff (`diff -u` form) for `acct aws-config --check`.
//!
//! The edit script is `similar`'s Myers diff: linear memory, and time that
//! grows with the size of the change, not with the square of the files (a
//! full LCS table of a 20,000-stage block would need 40 GB). A deadline
//! bounds the time on files that share almost nothing; past it the diff is
//! still correct, only not minimal.

use std::ops::Range;
use std::time::{Duration, Instant};

use similar::{Algorithm, DiffOp, DiffTag};

const CONTEXT: usize = 3;
const DEADLINE: Duration = Duration::from_secs(2);

/// Lines with their line ends (`\n`, `\r\n` or a lone `\r`), as Python and
/// acct's INI reader split them.
fn lines(text: &str) -> Vec<&str> {
    crate::aws::file::ini::lines(text)
        .map(|line| &text[line.offset..line.end])
        .collect()
}

/// `old` → `new` as unified diff text; empty when they are equal.
pub fn unified(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    let (a, b) = (lines(old), lines(new));
    let ops = similar::capture_diff_slices_deadline(
        Algorithm::Myers,
        &a,
        &b,
        Instant::now().checked_add(DEADLINE),
    );
    if ops.iter().all(|op| op.tag() == DiffTag::Equal) {
        return String::new();
    }
    let mut out = format!("--- {old_name}\n+++ {new_name}\n");
    for hunk in similar::group_diff_ops(ops, CONTEXT) {
        let (Some(first), Some(last)) = (hunk.first(), hunk.last()) else {
            continue;
        };
        let olds = first.old_range().start..last.old_range().end;
        let news = first.new_range().start..last.new_range().end;
        out.push_str(&format!("@@ -{} +{} @@\n", range(&olds), range(&news)));
        for op in &hunk {
            push_op(&mut out, op, &a, &b);
        }
    }
    out
}

fn push_op(out: &mut String, op: &DiffOp, a: &[&str], b: &[&str]) {
    let (tag, olds, news) = op.as_tag_tuple();
    match tag {
        DiffTag::Equal => olds.for_each(|i| push_line(out, ' ', a[i])),
        DiffTag::Delete => olds.for_each(|i| push_line(out, '-', a[i])),
        DiffTag::Insert => news.for_each(|j| push_line(out, '+', b[j])),
        DiffTag::Replace => {
            olds.for_each(|i| push_line(out, '-', a[i]));
            news.for_each(|j| push_line(out, '+', b[j]));
        }
    }
}

/// One line of the diff, its own line end replaced by `\n`.
fn push_line(out: &mut String, mark: char, line: &str) {
    out.push(mark);
    let text = line.trim_end_matches(['\n', '\r']);
    out.push_str(text);
    out.push('\n');
    if text.len() == line.len() {
        out.push_str("\\ No newline at end of file\n");
    }
}

/// `diff -u`'s `start,count`: a 1-based start, or the line before when empty.
fn range(lines: &Range<usize>) -> String {
    match lines.len() {
        0 => format!("{},0", lines.start),
        1 => format!("{}", lines.start + 1),
        len => format!("{},{len}", lines.start + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            unified("", "x\n", "a", "b"),
            "--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n"
        );
        assert_eq!(
            unified("x", "x\n", "a", "b"),
            "--- a\n+++ b\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+x\n"
        );
    }

    #[test]
    fn crlf_and_cr_line_ends_are_lines_shown_without_their_cr() {
        assert_eq!(
            unified("a\r\nb\r\n", "a\r\nc\r\n", "x", "y"),
            "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
        );
        assert_eq!(
            unified("a\rb\r", "a\rc\r", "x", "y"),
            "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
        );
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
