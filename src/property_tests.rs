//! Bounded fuzzing of the config parser with proptest (cargo fuzz needs a
//! nightly toolchain; this runs in every `cargo test`): whatever the text,
//! parsing never panics, every problem points inside the file, and every
//! config that validates resolves and renders without panicking.

use std::path::Path;

use proptest::prelude::*;

use crate::aws::profiles;
use crate::config::parse;
use crate::stage::environment::StageEnv;

const VALID: &str = r#"namespace = "cpco"
region = "us-west-2"
topology = "member"
tenant = "core"
mfa_serial = "arn:aws:iam::323330167063:mfa/admin@example.com"
profile_format = "{namespace}-{tenant}-{stage}"
prompt_format = "[{namespace}:{stage}]"

[stages.root]
account_id = "323330167063"
role = "admin"

[stages.testing]

[stages.prod]
account_id = "012345678901"
role = "arn:aws:iam::012345678901:role/ops/deploy"
region = "eu-west-1"
protected = true

[stages.prod.env]
TF_VAR_owner = "platform"
"#;

fn check(text: &str) {
    match parse(
        Path::new("/fuzz/acct.toml"),
        text,
        Some(Path::new("/home/fuzz")),
    ) {
        Ok(config) => {
            for stage in config.stages() {
                let _ = StageEnv::new(&config, &stage);
            }
            let _ = profiles::render(&config);
        }
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty());
            for d in diagnostics {
                assert!(
                    d.span.start <= text.len() && d.span.end <= text.len(),
                    "{d:?}"
                );
                let _ = d.render(Path::new("/fuzz/acct.toml"), text);
            }
        }
    }
}

/// One edit of a config: insert TOML-significant text, or delete a range.
fn edit() -> impl Strategy<Value = (usize, usize, String)> {
    let pieces = prop::sample::select(vec![
        "\"",
        "'",
        "[",
        "]",
        "{",
        "}",
        "=",
        "\n",
        ".",
        ",",
        "#",
        "\\",
        "0",
        "-",
        "x",
        "é",
        "\u{1b}",
        "\0",
        " ",
        "[stages.a]\n",
        "account_id = 1\n",
        "role = \"\"\n",
        "{stage}",
        "\"\"\"",
        "[[stages]]\n",
        "true",
    ]);
    (any::<usize>(), 0usize..12, pieces.prop_map(str::to_string))
}

fn apply(text: &str, (at, delete, insert): &(usize, usize, String)) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let at = at % (chars.len() + 1);
    let end = (at + delete).min(chars.len());
    chars.splice(at..end, insert.chars());
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        check(&text);
    }

    #[test]
    fn edited_valid_configs_never_panic(edits in prop::collection::vec(edit(), 1..6)) {
        let text = edits.iter().fold(VALID.to_string(), |text, e| apply(&text, e));
        check(&text);
    }
}

#[test]
fn the_seed_config_is_valid() {
    assert!(parse(Path::new("/fuzz/acct.toml"), VALID, None).is_ok());
}
