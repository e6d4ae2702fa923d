//! The differential test of `aws_file::clients` (issue 19): a generated
//! corpus of AWS config / shared credentials file pairs (header spellings,
//! before, after and beside acct's block, in either file, duplicates) read
//! by the real parsers — botocore (one python process for the whole
//! corpus), the JS SDK v3's `@smithy/shared-ini-file-loader` (one node
//! process), and a sample by Terraform's Go SDK v2 through moto where
//! Terraform is installed — against acct's gate (`acct exec`). Whenever a
//! client resolves the stage's profile to anything but acct's rendering,
//! the gate must refuse; the untouched file and harmless neighbours must
//! pass.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::moto::Moto;
use crate::tools;
use crate::util::*;

const PROFILE: &str = "cpco-testing-admin";
const SOURCE_KEYS: &str =
    "[cpco]\naws_access_key_id = AKIAEXAMPLESOURCE001\naws_secret_access_key = source-secret\n";

/// One case: the two files, and whether it must pass (a control).
struct Case {
    name: String,
    config: String,
    credentials: String,
    control: bool,
}

/// What a client made of the profile: its keys, or the error it raised.
type Resolved = Result<BTreeMap<String, String>, String>;

const PYTHON: &str = r#"
import json, sys
import botocore.session
out = []
for case in json.load(sys.stdin):
    try:
        s = botocore.session.Session()
        s.set_config_variable("config_file", case["config"])
        s.set_config_variable("credentials_file", case["credentials"])
        profiles = s.full_config["profiles"]
        out.append({"ok": {k: v for k, v in profiles.get(case["profile"], {}).items() if isinstance(v, str)}})
    except Exception as e:
        out.append({"err": type(e).__name__})
print(json.dumps(out))
"#;

const NODE: &str = r#"
const { parseKnownFiles } = require("@smithy/shared-ini-file-loader");
let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", async () => {
  const out = [];
  for (const c of JSON.parse(input)) {
    try {
      const all = await parseKnownFiles({ filepath: c.credentials, configFilepath: c.config, ignoreCache: true });
      const p = all[c.profile] || {};
      const flat = {};
      for (const [k, v] of Object.entries(p)) if (typeof v === "string") flat[k] = v;
      out.push({ ok: flat });
    } catch (e) {
      out.push({ err: String(e) });
    }
  }
  console.log(JSON.stringify(out));
});
"#;

/// Feed every case to one process running `script`; one answer per case.
fn batch(mut cmd: Command, cases: &[(PathBuf, PathBuf)]) -> Vec<Resolved> {
    let input: Vec<serde_json::Value> = cases
        .iter()
        .map(|(config, credentials)| {
            serde_json::json!({"config": config, "credentials": credentials, "profile": PROFILE})
        })
        .collect();
    let out = output_with_input(&mut cmd, serde_json::to_string(&input).unwrap().as_bytes());
    assert_status(&out, 0);
    let answers: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answers.len(), cases.len());
    answers
        .into_iter()
        .map(|a| match a.get("ok") {
            Some(map) => Ok(map
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                .collect()),
            None => Err(a["err"].to_string()),
        })
        .collect()
}

/// Every header spelling a person (or a tool) might write.
fn spellings() -> Vec<String> {
    let p = PROFILE;
    let upper = PROFILE.to_uppercase();
    vec![
        format!("[profile {p}]"),
        format!("[ profile {p} ]"),
        format!("[profile {p} ]"),
        format!("[ profile {p}]"),
        format!("[profile  {p}]"),
        format!("[profile\t{p}]"),
        format!("[\tprofile {p}\t]"),
        format!("[profile \"{p}\"]"),
        format!("[profile '{p}']"),
        format!("[Profile {p}]"),
        format!("[PROFILE {p}]"),
        format!("[profilex {p}]"),
        format!("[profile {upper}]"),
        format!("[profile {p}] # note"),
        format!("[profile {p}] ; note"),
        format!("[profile {p}]# note"),
        format!("  [profile {p}]"),
        format!("\t[profile {p}]"),
        format!("[{p}]"),
        format!("[ {p} ]"),
        format!("[default]"),
        format!("[profile other]"),
        format!("# [profile {p}]"),
        format!("[profile {p}-2]"),
    ]
}

const BODIES: [&str; 3] = [
    "role_arn = arn:aws:iam::666666666666:role/x\n",
    "endpoint_url = http://127.0.0.1:9\n",
    "role_session_name = other\n",
];

fn corpus(block: &str) -> Vec<Case> {
    let mut cases = vec![
        Case {
            name: "untouched".into(),
            config: block.to_string(),
            credentials: SOURCE_KEYS.into(),
            control: true,
        },
        Case {
            name: "untouched, CRLF".into(),
            config: block.replace('\n', "\r\n"),
            credentials: SOURCE_KEYS.into(),
            control: true,
        },
        Case {
            name: "other profiles around the block".into(),
            config: format!(
                "[profile other]\nregion = x\n\n{block}\n[profile other2]\nregion = y\n"
            ),
            credentials: format!("{SOURCE_KEYS}\n[other]\naws_access_key_id = A\n"),
            control: true,
        },
        Case {
            name: "a key line right after the block".into(),
            config: format!("{block}endpoint_url = http://127.0.0.1:9\n"),
            credentials: SOURCE_KEYS.into(),
            control: false,
        },
    ];
    for spelling in spellings() {
        for body in BODIES {
            for context in ["", "[x]\nk = v\n"] {
                let section = format!("{context}{spelling}\n{body}");
                // Another profile's section, or (after a header) a comment:
                // without the header its keys join `[x]`.
                let harmless = spelling.contains("other")
                    || spelling.ends_with("-2]")
                    || (spelling.starts_with('#') && !context.is_empty());
                cases.push(Case {
                    name: format!("before: {section:?}"),
                    config: format!("{section}\n{block}"),
                    credentials: SOURCE_KEYS.into(),
                    control: harmless,
                });
                cases.push(Case {
                    name: format!("after: {section:?}"),
                    config: format!("{block}\n{section}"),
                    credentials: SOURCE_KEYS.into(),
                    control: harmless,
                });
                cases.push(Case {
                    name: format!("credentials: {section:?}"),
                    config: block.to_string(),
                    credentials: format!("{SOURCE_KEYS}\n{section}"),
                    control: harmless,
                });
            }
        }
    }
    cases
}

/// The keys acct renders for the profile.
fn rendered(block: &str) -> BTreeMap<String, String> {
    let mut keys = BTreeMap::new();
    let mut inside = false;
    for line in block.lines() {
        if line.starts_with('[') {
            inside = line == format!("[profile {PROFILE}]");
        } else if inside {
            if let Some((k, v)) = line.split_once('=') {
                keys.insert(k.to_string(), v.to_string());
            }
        }
    }
    keys
}

#[test]
fn every_case_a_client_resolves_otherwise_is_refused() {
    let sandbox = Sandbox::with_config(MEMBER);
    sandbox.write_aws_files();
    let block = std::fs::read_to_string(sandbox.aws_config()).unwrap();
    let expected = rendered(&block);
    assert_eq!(expected.len(), 4, "{block}");
    let cases = corpus(&block);
    let files: Vec<(PathBuf, PathBuf)> = cases
        .iter()
        .enumerate()
        .map(|(i, case)| {
            (
                sandbox.write(&format!("corpus/{i}/config"), &case.config),
                sandbox.write(&format!("corpus/{i}/credentials"), &case.credentials),
            )
        })
        .collect();

    let mut python = Command::new(tools::python());
    python.args(["-c", PYTHON]).env("HOME", &sandbox.home);
    let botocore = batch(python, &files);
    let (node, dir) = tools::js_ini_loader();
    let mut js = Command::new(node);
    js.args(["-e", NODE])
        .current_dir(&dir)
        .env("HOME", &sandbox.home);
    let javascript = batch(js, &files);

    let (mut deviating, mut refused_needlessly, mut failures) = (0, 0, Vec::new());
    for (i, case) in cases.iter().enumerate() {
        let (config, credentials) = &files[i];
        let out = sandbox
            .acct()
            .env("AWS_CONFIG_FILE", config)
            .env("AWS_SHARED_CREDENTIALS_FILE", credentials)
            .args(["exec", "--yes", "testing", "--", "true"])
            .output()
            .unwrap();
        let refused = match out.status.code() {
            Some(0) => false,
            Some(1) => true,
            _ => panic!("{}: {}", case.name, stderr(&out)),
        };
        let wrong: Vec<&str> = [("botocore", &botocore[i]), ("JS SDK v3", &javascript[i])]
            .into_iter()
            .filter(|(_, got)| got.as_ref() != Ok(&expected))
            .map(|(client, _)| client)
            .collect();
        if !wrong.is_empty() {
            deviating += 1;
            if !refused {
                failures.push(format!(
                    "{}: {} resolve{} otherwise (botocore {:?}, JS {:?}) and acct let the stage in",
                    case.name,
                    wrong.join(", "),
                    if wrong.len() == 1 { "s" } else { "" },
                    botocore[i],
                    javascript[i]
                ));
            }
        } else if refused {
            refused_needlessly += 1;
            if case.control {
                failures.push(format!(
                    "{}: every client reads acct's profile, yet acct refused: {}",
                    case.name,
                    stderr(&out)
                ));
            }
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "client model: {} cases; {deviating} where botocore or the JS SDK resolve another profile, all refused; {refused_needlessly} refused where both read acct's (Go SDK spellings, or stricter than needed)",
        cases.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(deviating > 50, "the corpus lost its shadowing cases");
}

/// Terraform's Go SDK v2 on a sample of the corpus (moto's STS tells the
/// account of the role it assumed): a spelling only the Go SDK reads moves
/// Terraform to another account, and the gate refuses it; the untouched
/// file lands in the stage's account.
#[test]
fn terraform_sample_agrees_with_the_model() {
    let Some((terraform, plugins)) =
        tools::terraform_with_plugins_or_skip("terraform_sample_agrees_with_the_model")
    else {
        return;
    };
    let sandbox = Sandbox::with_config(&format!("{KEEP_LOCAL_ENDPOINTS}{MEMBER}"));
    sandbox.write_aws_files();
    let block = std::fs::read_to_string(sandbox.aws_config()).unwrap();
    let moto = Moto::shared_proxy();
    let shadow = "role_arn = arn:aws:iam::666666666666:role/x\n";
    for (after, account) in [
        (String::new(), "126450723953"),
        (format!("[ profile {PROFILE} ]\n{shadow}"), "666666666666"),
        (format!("[profile\t{PROFILE}]\n{shadow}"), "666666666666"),
        (format!("[profile \"{PROFILE}\"]\n{shadow}"), "126450723953"),
    ] {
        std::fs::write(sandbox.aws_config(), format!("{block}\n{after}")).unwrap();
        let arn = terraform_arn(&sandbox, &terraform, &plugins, &moto);
        assert!(
            arn.starts_with(&format!("arn:aws:sts::{account}:")),
            "{after:?}: Terraform ran as {arn}"
        );
        let gate = sandbox.run(&["exec", "--yes", "testing", "--", "true"]);
        let moved = account != "126450723953";
        if moved || !after.is_empty() {
            assert_status(&gate, 1);
        } else {
            assert_status(&gate, 0);
        }
    }
}

/// Who Terraform's AWS provider runs as with the sandbox's files and the
/// stage's profile picked by hand (no acct), against moto.
pub fn terraform_arn(sandbox: &Sandbox, terraform: &Path, plugins: &Path, moto: &Moto) -> String {
    let dir = sandbox.root.join("tf");
    let data = sandbox.root.join("tf-data");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("main.tf"), tools::TERRAFORM_CONFIG).unwrap();
    std::fs::write(sandbox.root.join("terraformrc"), "").unwrap();
    let run = |args: &[&str]| {
        let mut cmd = sandbox.command(terraform);
        cmd.current_dir(&dir)
            .env("TF_CLI_CONFIG_FILE", sandbox.root.join("terraformrc"))
            .env("TF_DATA_DIR", &data)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("NO_PROXY", "")
            .env("AWS_PROFILE", PROFILE)
            .env("AWS_REGION", "us-west-2")
            .env("AWS_SDK_LOAD_CONFIG", "1")
            .args(args)
            .stdin(Stdio::null());
        moto.configure(&mut cmd);
        let out = cmd.output().unwrap();
        assert_status(&out, 0);
        stdout(&out)
    };
    if !data.is_dir() {
        run(&[
            "init",
            &format!("-plugin-dir={}", plugins.display()),
            "-input=false",
            "-no-color",
        ]);
    }
    let _ = std::fs::remove_file(dir.join("terraform.tfstate"));
    run(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    run(&["output", "-raw", "-no-color", "arn"])
}
