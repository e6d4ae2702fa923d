//! `acct list` and `acct current`.

use crate::util::*;

#[test]
fn list_shows_resolved_stages_and_marks_the_active_one() {
    let sandbox = Sandbox::with_config(MEMBER);
    let out = sandbox
        .acct()
        .env("ACCT_STAGE", "testing")
        .env("ACCT_PROFILE", "cpco-testing-admin")
        .arg("list")
        .output()
        .unwrap();
    assert_status(&out, 0);
    let expected = r#"
  STAGE    PROFILE             ACCOUNT       ROLE                                               REGION     FLAGS
  root     cpco-root-admin     323330167063  arn:aws:iam::323330167063:role/cpco-root-admin     us-west-2  root
* testing  cpco-testing-admin  126450723953  arn:aws:iam::126450723953:role/cpco-testing-admin  us-west-2
  prod     cpco-prod-admin     010987654321  arn:aws:iam::010987654321:role/cpco-prod-admin     eu-west-1  protected
"#
    .trim_start_matches('\n');
    assert_text(expected, &stdout(&out));

    // `testing` of another estate (entered from another config): not ours.
    let out = sandbox
        .acct()
        .env("ACCT_STAGE", "testing")
        .env("ACCT_PROFILE", "acme-testing-admin")
        .arg("list")
        .output()
        .unwrap();
    assert_status(&out, 0);
    assert_lacks(&stdout(&out), "* ");
}

#[test]
fn list_json_has_every_field() {
    let sandbox = Sandbox::with_config(SINGLE);
    let out = sandbox
        .acct()
        .env("ACCT_STAGE", "root")
        .env("ACCT_PROFILE", "cpco-root-admin")
        .args(["list", "--json"])
        .output()
        .unwrap();
    assert_status(&out, 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json[0],
        serde_json::json!({
            "stage": "testing", "profile": "cpco-testing-admin", "account_id": "323330167063",
            "role_arn": "arn:aws:iam::323330167063:role/cpco-root-admin", "region": "us-west-2",
            "root": false, "virtual": true, "protected": false, "active": false
        })
    );
    assert_eq!(json[1]["root"], true);
    assert_eq!(json[1]["active"], true);
}

#[test]
fn current_prints_the_active_stage_or_exits_1() {
    let sandbox = Sandbox::staged(SINGLE);
    let out = sandbox.run(&["current"]);
    assert_status(&out, 1);
    assert!(stdout(&out).is_empty());
    let out = sandbox.run(&["exec", "testing", "--", ACCT, "current"]);
    assert_status(&out, 0);
    assert_text("testing\n", &stdout(&out));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    // Far more than a pipe buffer, so acct really writes into a closed pipe.
    let stages: String = (0..3000).map(|i| format!("[stages.s{i}]\n")).collect();
    let sandbox = Sandbox::with_config(&format!("{MEMBER}{stages}"));
    let out = sandbox
        .command("bash")
        .args([
            "-c",
            r#""$ACCT" list | head -c1 >/dev/null; echo "${PIPESTATUS[0]}""#,
        ])
        .env("ACCT", ACCT)
        .output()
        .unwrap();
    assert_text("0\n", &stdout(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}
