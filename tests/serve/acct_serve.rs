//! `acct serve`: the two variables for each shell, served until a signal.

use super::*;

/// What `acct serve --shell SHELL` printed, once it is whole (two lines,
/// or a JSON value); acct is killed, and the test fails, when that does not
/// come within the bound. The rest of stdout is read away.
fn printed(acct: &mut Child, shell: &str) -> String {
    use std::io::Read;
    let mut stdout = acct.stdout.take().unwrap();
    let json = shell == "json";
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (mut seen, mut byte) = (Vec::new(), [0u8; 1]);
        let mut sent = false;
        while stdout.read(&mut byte).unwrap_or(0) == 1 {
            seen.push(byte[0]);
            let whole = if json {
                byte[0] == b'}' && serde_json::from_slice::<serde_json::Value>(&seen).is_ok()
            } else {
                seen.iter().filter(|b| **b == b'\n').count() == 2
            };
            if whole && !sent {
                sent = sender
                    .send(String::from_utf8_lossy(&seen).into_owned())
                    .is_ok();
            }
        }
    });
    receiver.recv_timeout(BOUND).unwrap_or_else(|_| {
        let _ = acct.kill();
        panic!("acct serve --shell {shell} did not print its variables")
    })
}

/// The URI and token in `text`, as `shell` takes them: two lines that set
/// the two variables, which the shell itself reads (quoted as it likes).
#[track_caller]
fn values_printed(sandbox: &Sandbox, text: &str, shell: &str) -> (String, String) {
    if shell == "json" {
        let json: serde_json::Value =
            serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:?}"));
        let object = json.as_object().expect("one JSON object");
        assert_eq!(object.len(), 2, "{text}");
        let value = |name: &str| {
            object[name]
                .as_str()
                .unwrap_or_else(|| panic!("{name} in {text}"))
                .to_string()
        };
        return (
            value("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
            value("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
        );
    }
    let set = if shell == "fish" { "set -gx" } else { "export" };
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.len() == 2
            && lines[0].starts_with(&format!("{set} AWS_CONTAINER_CREDENTIALS_FULL_URI"))
            && lines[1].starts_with(&format!("{set} AWS_CONTAINER_AUTHORIZATION_TOKEN")),
        "{shell}: {text:?}"
    );
    let print = "printf '%s\\n' \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\" \"$AWS_CONTAINER_AUTHORIZATION_TOKEN\"";
    let out = run_within(
        &mut in_shell(sandbox, shell, &format!("{text}{print}")),
        BOUND,
    );
    assert_status(&out, 0);
    let values = stdout(&out);
    let (uri, token) = values.trim_end().split_once('\n').unwrap();
    (uri.to_string(), token.to_string())
}

/// `acct serve` for each shell, with no terminal: the two variables on
/// stdout, which that shell takes as they are (and under bash, a container
/// lands in the stage's role); served until the signal, then exit 0 and
/// the port refuses.
#[test]
fn acct_serve_prints_the_variables_for_each_shell_and_serves_until_a_signal() {
    let served = Served::new(MEMBER);
    let mut tokens = Vec::new();
    for (shell, signal) in [
        ("bash", Signal::SIGTERM),
        ("zsh", Signal::SIGINT),
        ("fish", Signal::SIGHUP),
        ("json", Signal::SIGTERM),
    ] {
        let mut cmd = served.acct();
        cmd.args(["serve", "--shell", shell, "testing"]);
        let mut acct = start(without_terminal(&mut cmd));
        let text = printed(&mut acct, shell);
        let (uri, token) = values_printed(&served.sandbox, &text, shell);
        let port = endpoint_port(&uri, &token);
        if shell == "bash" {
            let container = in_a_container(
                &served.sandbox.root,
                &served.moto,
                &Client::CliV2.script(&served.sandbox),
            );
            let out = run_within(
                &mut in_shell(&served.sandbox, shell, &format!("{text}{container}")),
                BOUND,
            );
            assert_status(&out, 0);
            assert_lands(&stdout(&out), MEMBER_TESTING, "the AWS CLI v2 (acct serve)");
        } else {
            credentials(port, &token);
        }
        kill(Pid::from_raw(acct.id() as i32), signal).unwrap();
        let out = output_within(acct, BOUND);
        assert_status(&out, 0);
        assert_contains(&stderr(&out), "Ctrl-C");
        assert_refuses(port);
        tokens.push(token);
    }
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens.len(), 4, "a fresh token every run");
}

/// A protected stage is not served unconfirmed: with no terminal to ask
/// on, refused, and nothing printed (`exec --serve`: tests/serve_process.rs).
#[test]
fn acct_serve_refuses_a_protected_stage_without_yes() {
    let served = Served::new(MEMBER);
    let mut cmd = served.acct();
    cmd.args(["serve", "prod"]);
    let out = run_within(without_terminal(&mut cmd), BOUND);
    assert_status(&out, 1);
    assert_contains(&stderr(&out), "protected");
    assert_contains(&stderr(&out), "--yes");
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
}
