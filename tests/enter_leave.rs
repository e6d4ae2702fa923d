//! Entering, switching and leaving a stage restore the environment exactly
//! (the record `ACCT_RESTORE`): in bash, zsh and fish, from inside another
//! stage by every path that enters one, with values of any bytes, and with
//! a record that was cut, edited or forged.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::util::*;

/// prod's own `[env]`: what must never follow the person into testing.
const CONFIG: &str = include_str!("fixtures/enter_leave.toml");

/// prod's values, each of which would act on prod if it stayed.
const PROD_ONLY: [(&str, &str); 4] = [
    ("KUBECONFIG", "/home/me/.kube/prod-admin"),
    ("TF_WORKSPACE", "prod"),
    ("TF_VAR_environment_tier", "production"),
    ("ACCT_PROTECTED", "1"),
];

/// The person's own KUBECONFIG: a newline, quotes, `$`, backticks and bytes
/// that are not UTF-8, which must all come back as they were.
const MY_KUBECONFIG: &[u8] = b"/home/me/.kube/config\n'it''s' \"q\" $HOME `id` \xff\xfe;%41";

fn sandbox() -> Sandbox {
    let sandbox = Sandbox::with_config(CONFIG);
    sandbox.write_aws_files();
    sandbox
}

/// The person's shell before any stage: their own KUBECONFIG and
/// AWS_PROFILE, and a stale key of theirs.
fn as_the_person(cmd: &mut Command) -> &mut Command {
    cmd.env("KUBECONFIG", OsStr::from_bytes(MY_KUBECONFIG))
        .env("AWS_PROFILE", "personal")
        .env("AWS_ACCESS_KEY_ID", "AKIAPERSONAL00000001")
}

fn read_env(path: &Path) -> Env {
    env0(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// The names whose values differ, readable.
fn differences(before: &Env, after: &Env) -> String {
    let lossy = |v: Option<&Vec<u8>>| v.map(|v| String::from_utf8_lossy(v).into_owned());
    before
        .keys()
        .chain(after.keys())
        .filter(|name| before.get(*name) != after.get(*name))
        .map(|name| {
            format!(
                "{}: {:?} became {:?}",
                String::from_utf8_lossy(name),
                lossy(before.get(name)),
                lossy(after.get(name))
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[track_caller]
fn assert_in_testing(env: &Env, how: &str) {
    for (name, value) in PROD_ONLY {
        assert_ne!(
            get(env, name),
            Some(value.as_bytes()),
            "{how}: prod's {name} followed into testing"
        );
    }
    assert_eq!(get(env, "ACCT_STAGE"), Some(&b"testing"[..]), "{how}");
    assert_eq!(get(env, "ACCT_PROTECTED"), None, "{how}");
    assert_eq!(get(env, "TF_WORKSPACE"), None, "{how}");
    assert_eq!(get(env, "TF_VAR_environment_tier"), None, "{how}");
    assert_eq!(
        get(env, "AWS_PROFILE"),
        Some(&b"cpco-testing-admin"[..]),
        "{how}"
    );
    assert_eq!(get(env, "AWS_ACCESS_KEY_ID"), None, "{how}");
}

/// The script that enters prod, switches to testing, then (after `between`
/// ran: the config edited or deleted) leaves, dumping `env -0` at each step
/// into $OUT. (`; true` last: zsh runs a last command in its own process,
/// one SHLVL lower.)
fn switch_and_leave(shell: &str, between: &str) -> String {
    let (prod, testing, unset) = match shell {
        "fish" => (
            r#""$ACCT" env --yes prod | source"#,
            r#""$ACCT" env testing | source"#,
            r#""$ACCT" env --unset | source"#,
        ),
        _ => (
            r#"eval "$("$ACCT" env --yes prod)""#,
            r#"eval "$("$ACCT" env testing)""#,
            r#"eval "$("$ACCT" env --unset)""#,
        ),
    };
    format!(
        r#"env -0 > "$OUT/before"; {prod}; env -0 > "$OUT/prod"; {testing}; env -0 > "$OUT/testing"; {between}; {unset}; env -0 > "$OUT/after"; true"#
    )
}

#[test]
fn switching_and_leaving_give_back_the_persons_environment_in_bash_zsh_and_fish() {
    for (case, between) in [
        ("config deleted", r#"rm "$CONFIG""#),
        (
            "config edited",
            r#"printf 'namespace = "other"\n' > "$CONFIG""#,
        ),
    ] {
        for shell in ["bash", "zsh", "fish"] {
            let sandbox = sandbox();
            let out_dir = sandbox.root.join("dumps");
            std::fs::create_dir(&out_dir).unwrap();
            let out = as_the_person(&mut in_shell(
                &sandbox,
                shell,
                &switch_and_leave(shell, between),
            ))
            .env("OUT", &out_dir)
            .env("CONFIG", sandbox.user_config())
            .env("SHELL", crate::tools::by_name(shell))
            .output()
            .unwrap();
            let how = format!("{shell}, {case}");
            assert!(out.status.success(), "{how}: {}", stderr(&out));
            let prod = read_env(&out_dir.join("prod"));
            assert_eq!(
                get(&prod, "KUBECONFIG"),
                Some(&b"/home/me/.kube/prod-admin"[..]),
                "{how}: prod was not entered: {}",
                stderr(&out)
            );
            let testing = read_env(&out_dir.join("testing"));
            assert_in_testing(&testing, &how);
            assert_eq!(get(&testing, "KUBECONFIG"), Some(MY_KUBECONFIG), "{how}");
            let before = read_env(&out_dir.join("before"));
            let after = read_env(&out_dir.join("after"));
            assert!(
                after == before,
                "{how}: --unset did not give back the environment from before: {}; stderr: {}",
                differences(&before, &after),
                stderr(&out)
            );
        }
    }
}

/// `acct exec ... -- env -0` into `out`, run as the person.
fn exec_env(sandbox: &Sandbox, args: &[&str]) -> Output {
    let out = as_the_person(&mut sandbox.acct())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    out
}

#[test]
fn exec_from_inside_prod_is_exec_from_the_plain_shell_byte_for_byte() {
    let sandbox = sandbox();
    let direct = exec_env(&sandbox, &["exec", "testing", "--", "env", "-0"]);
    let nested = exec_env(
        &sandbox,
        &[
            "exec", "--yes", "prod", "--", ACCT, "exec", "testing", "--", "env", "-0",
        ],
    );
    assert_in_testing(&env0(&direct.stdout), "direct");
    assert!(
        nested.stdout == direct.stdout,
        "the environments differ:\n{}\n---\n{}",
        String::from_utf8_lossy(&nested.stdout).replace('\0', "\n"),
        String::from_utf8_lossy(&direct.stdout).replace('\0', "\n")
    );
    assert_text("", &stderr(&nested));
}

#[test]
fn exec_each_from_inside_prod_is_exec_each_from_the_plain_shell() {
    let sandbox = sandbox();
    let dump = |dir: &str| {
        let dir = sandbox.root.join(dir);
        std::fs::create_dir(&dir).unwrap();
        format!("env -0 > '{}'/\"$ACCT_STAGE\"", dir.display())
    };
    let direct = dump("direct");
    exec_env(
        &sandbox,
        &["exec", "--each", "testing,root", "--", "sh", "-c", &direct],
    );
    let nested = dump("nested");
    exec_env(
        &sandbox,
        &[
            "exec",
            "--yes",
            "prod",
            "--",
            ACCT,
            "exec",
            "--each",
            "testing,root",
            "--",
            "sh",
            "-c",
            &nested,
        ],
    );
    for stage in ["testing", "root"] {
        let direct = read_env(&sandbox.root.join("direct").join(stage));
        let nested = read_env(&sandbox.root.join("nested").join(stage));
        assert_eq!(nested, direct, "{stage}");
    }
    assert_in_testing(
        &read_env(&sandbox.root.join("nested/testing")),
        "exec --each",
    );
}

/// A "shell" that enters testing from inside prod with `acct shell --nest`,
/// and inside testing writes its environment to `out`.
fn nesting_shell(sandbox: &Sandbox, out: &Path) -> PathBuf {
    let path = sandbox.root.join("nesting-shell");
    executable(
        &path,
        &format!(
            "#!/bin/sh\nif [ \"$ACCT_STAGE\" = prod ]; then exec '{ACCT}' shell --nest testing; fi\nenv -0 > '{}'\n",
            out.display()
        ),
    );
    path
}

#[test]
fn shell_nest_from_inside_prod_is_the_shell_from_the_plain_shell_but_for_its_chain() {
    let sandbox = sandbox();
    let nested_out = sandbox.root.join("nested");
    let direct_out = sandbox.root.join("direct");
    let run = |shell: &Path, args: &[&str]| {
        let out = as_the_person(&mut sandbox.acct())
            .env("SHELL", shell)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    };
    run(
        &nesting_shell(&sandbox, &nested_out),
        &["shell", "--yes", "prod"],
    );
    run(&nesting_shell(&sandbox, &direct_out), &["shell", "testing"]);
    let mut nested = read_env(&nested_out);
    let mut direct = read_env(&direct_out);
    assert_eq!(
        get(&nested, "ACCT_PROMPT"),
        Some(&b"[cpco-prod]>[cpco-testing]"[..]),
        "the nested shell keeps its chain"
    );
    assert_in_testing(&nested, "shell --nest");
    for env in [&mut nested, &mut direct] {
        env.remove(&b"ACCT_PROMPT"[..]);
        env.remove(&b"SHELL"[..]);
    }
    assert_eq!(nested, direct);
}

/// The record a real `acct env` wrote for a person whose environment held
/// `pairs`: a valid record, as a forger could copy one.
fn record_of(sandbox: &Sandbox, pairs: &[(&str, &str)]) -> String {
    let out = sandbox
        .acct()
        .envs(pairs.iter().copied())
        .args(["env", "testing", "--shell", "json"])
        .output()
        .unwrap();
    assert_status(&out, 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["set"]["ACCT_RESTORE"].as_str().unwrap().to_string()
}

#[test]
fn a_corrupt_record_is_ignored_with_one_warning_and_never_sets_a_credential() {
    let sandbox = sandbox();
    let valid = record_of(&sandbox, &[("AWS_ACCESS_KEY_ID", "AKIAFORGED0000000001")]);
    let cut = &valid[..valid.len() - 3];
    let edited = valid.replace("AKIAFORGED", "AKIAEDITED");
    for bad in ["garbage", "v1:", cut, &edited, "v1:0000000000000000:%%%"] {
        let out = sandbox
            .acct()
            .env("ACCT_RESTORE", bad)
            .args(["exec", "root", "--", "env", "-0"])
            .output()
            .unwrap();
        assert_status(&out, 0);
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{bad}: {err}");
        assert!(err.contains("warning: ACCT_RESTORE"), "{bad}: {err}");
        let env = env0(&out.stdout);
        assert_eq!(get(&env, "AWS_ACCESS_KEY_ID"), None, "{bad}");
        assert_eq!(get(&env, "ACCT_STAGE"), Some(&b"root"[..]), "{bad}");
        assert_ne!(get(&env, "ACCT_RESTORE"), Some(bad.as_bytes()), "{bad}");

        // Leaving with it: the same warning, and every name acct owns goes.
        let out = sandbox
            .acct()
            .env("ACCT_RESTORE", bad)
            .args(["env", "--unset", "--shell", "json"])
            .output()
            .unwrap();
        assert_status(&out, 0);
        assert!(stderr(&out).contains("warning: ACCT_RESTORE"), "{bad}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["set"], serde_json::json!({}), "{bad}");
        let unset = json["unset"].as_array().unwrap();
        for name in ["AWS_ACCESS_KEY_ID", "AWS_PROFILE", "ACCT_RESTORE"] {
            assert!(unset.contains(&name.into()), "{bad}: {name}");
        }
    }
}

#[test]
fn a_valid_record_that_holds_keys_still_never_brings_them_into_a_stage() {
    let sandbox = sandbox();
    let forged = record_of(
        &sandbox,
        &[
            ("AWS_ACCESS_KEY_ID", "AKIAFORGED0000000001"),
            ("AWS_SECRET_ACCESS_KEY", "forged"),
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/x"),
        ],
    );
    let out = sandbox
        .acct()
        .env("ACCT_RESTORE", &forged)
        .args(["exec", "root", "--", "env", "-0"])
        .output()
        .unwrap();
    assert_status(&out, 0);
    assert_text("", &stderr(&out));
    let env = env0(&out.stdout);
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ] {
        assert_eq!(get(&env, name), None, "{name} came back from the record");
    }
}

/// An `aws_cli` that writes the environment it was given to $CLI_ENVS and
/// answers as the v2 does: its version, keys for export-credentials, an
/// identity for get-caller-identity.
fn recording_cli(sandbox: &Sandbox) -> PathBuf {
    let path = sandbox.root.join("recording-aws");
    executable(
        &path,
        "#!/bin/sh\n\
         case \"$1\" in\n\
         --version) echo 'aws-cli/2.15.0 Python/3.11.8 Linux/6 exe/x86_64'; exit 0;;\n\
         esac\n\
         env -0 > \"$CLI_ENVS/$1-$$\"\n\
         case \"$1\" in\n\
         configure) printf '%s' '{\"Version\":1,\"AccessKeyId\":\"ASIARECORDING0000001\",\"SecretAccessKey\":\"s\",\"SessionToken\":\"t\",\"Expiration\":\"2099-01-01T00:00:00+00:00\"}';;\n\
         sts) printf '%s' '{\"UserId\":\"X:y\",\"Account\":\"126450723953\",\"Arn\":\"arn:aws:sts::126450723953:assumed-role/OrganizationAccountAccessRole/y\"}';;\n\
         esac\n",
    );
    path
}

/// Every path by which a command enters testing from inside prod, and the
/// environments it gives out: none may carry prod's `[env]` or its flags.
#[test]
fn no_path_carries_a_stages_env_into_another() {
    let sandbox = Sandbox::new();
    let cli = recording_cli(&sandbox);
    sandbox.write_user_config(&format!("aws_cli = \"{}\"\n{CONFIG}", cli.display()));
    sandbox.write_aws_files();
    let dumps = sandbox.root.join("dumps");
    let cli_envs = sandbox.root.join("cli-envs");
    let shell_out = dumps.join("shell");
    let nesting = nesting_shell(&sandbox, &shell_out);
    let each = format!("env -0 > '{}/each'", dumps.display());
    // What runs inside prod: acct entering testing, or the person's shell
    // switching with `acct env`.
    let paths: [(&str, Vec<&str>); 7] = [
        (
            "exec",
            vec![
                ACCT,
                "exec",
                "testing",
                "--",
                "sh",
                "-c",
                "env -0 > \"$DUMPS/exec\"",
            ],
        ),
        (
            "env in a shell",
            vec![
                "bash",
                "--norc",
                "-c",
                r#"eval "$("$ACCT" env testing)"; env -0 > "$DUMPS/env""#,
            ],
        ),
        (
            "exec --each",
            vec![ACCT, "exec", "--each", "testing", "--", "sh", "-c", &each],
        ),
        ("shell --nest", vec![ACCT, "shell", "--nest", "testing"]),
        (
            "exec --export-credentials",
            vec![
                ACCT,
                "exec",
                "--export-credentials",
                "testing",
                "--",
                "sh",
                "-c",
                "env -0 > \"$DUMPS/export\"",
            ],
        ),
        (
            "console --federate",
            vec![ACCT, "console", "--federate", "testing"],
        ),
        ("doctor --sts", vec![ACCT, "doctor", "--sts", "testing"]),
    ];
    for (how, inner) in paths {
        for dir in [&dumps, &cli_envs] {
            let _ = std::fs::remove_dir_all(dir);
            std::fs::create_dir(dir).unwrap();
        }
        let out = as_the_person(&mut sandbox.acct())
            .args(["exec", "--yes", "prod", "--"])
            .args(&inner)
            .env("ACCT", ACCT)
            .env("DUMPS", &dumps)
            .env("CLI_ENVS", &cli_envs)
            .env("SHELL", &nesting)
            .env("ACCT_FEDERATION_URL", "http://127.0.0.1:9/federation")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let mut seen: Vec<(String, Env)> = Vec::new();
        for dir in [&dumps, &cli_envs] {
            for name in entries(dir) {
                seen.push((format!("{how}: {name}"), read_env(&dir.join(&name))));
            }
        }
        assert!(
            !seen.is_empty(),
            "{how}: nothing ran in testing; stderr: {}",
            stderr(&out)
        );
        for (what, env) in &seen {
            for (name, value) in PROD_ONLY {
                assert_ne!(
                    get(env, name),
                    Some(value.as_bytes()),
                    "{what}: prod's {name} followed into testing"
                );
            }
            assert_eq!(get(env, "KUBECONFIG"), Some(MY_KUBECONFIG), "{what}");
        }
    }
}
