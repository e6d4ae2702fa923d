//! A corpus of malformed configs (`tests/corpus/*.toml`, each opening with
//! `# expect-line: N`): every one exits 2 with a message that starts `acct: `
//! and names the file and the line, and none panics.

use crate::util::*;

fn expected_line(bytes: &[u8]) -> usize {
    let first = bytes.split(|b| *b == b'\n').next().unwrap();
    let text = String::from_utf8_lossy(first);
    text.trim_start_matches("# expect-line:")
        .trim()
        .parse()
        .expect("corpus file opens with # expect-line: N")
}

/// Run `acct list` on `bytes` as the user config; gives exit status and stderr.
fn check(bytes: &[u8]) -> (Option<i32>, String, String) {
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.user_config(), bytes).unwrap();
    let out = sandbox.run(&["list"]);
    (
        out.status.code(),
        stderr(&out),
        sandbox.user_config().display().to_string(),
    )
}

#[test]
fn every_malformed_config_exits_2_naming_file_and_line() {
    let dir = repo_file("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 40,
        "the corpus has only {} files",
        files.len()
    );
    let mut failures = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let line = expected_line(&bytes);
        let (code, err, path) = check(&bytes);
        let prefix = format!("acct: {path}:{line}:");
        if code != Some(2) || !err.starts_with(&prefix) || err.contains("panicked") {
            failures.push(format!(
                "{}: expected exit 2 and `{prefix}`, got {code:?}:\n{err}",
                file.display()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn an_empty_file_and_a_huge_file_are_config_errors() {
    let (code, err, path) = check(b"");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.starts_with(&format!("acct: {path}:1:")), "{err}");

    // 10 MB: refused by size before anything parses it.
    let huge = "# padding\n".repeat(1024 * 1024);
    let (code, err, path) = check(huge.as_bytes());
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.starts_with(&format!("acct: {path}: the file is 10485760 bytes")),
        "{err}"
    );
}
