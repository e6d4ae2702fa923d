//! Input that is valid but wrong, completion, and the shape of the source
//! (issue 12, points 7, 9 and 10): regions are checked against botocore's
//! list of the partition, `prompt_format` needs `{stage}`, `[env]` may not
//! set what acct owns nor `ZDOTDIR`, and its `PATH` finds the command;
//! `-c ~/x.toml` completes stages, bash completion never runs code from
//! acct's own path; no import cycle runs through the command line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::util::*;

const HEAD: &str = "namespace = \"cpco\"\ntopology = \"organization\"\n";
const ROOT: &str = "[stages.root]\naccount_id = \"323330167063\"\n";

fn config(region: &str, extra: &str) -> String {
    format!("{HEAD}region = \"{region}\"\n{extra}{ROOT}")
}

#[test]
fn a_region_a_typo_away_from_a_known_one_is_refused_with_the_one_meant() {
    for (region, extra, fix) in [
        ("us-wst-2", "", "did you mean \"us-west-2\"?"),
        ("eu-cental-1", "", "did you mean \"eu-central-1\"?"),
        (
            "us-gov-wst-1",
            "partition = \"aws-us-gov\"\n",
            "did you mean \"us-gov-west-1\"?",
        ),
        (
            "cn-north-1",
            "",
            "set partition = \"aws-cn\" at the top of the file, or use a region of \"aws\" such as \"us-east-1\"",
        ),
    ] {
        let sandbox = Sandbox::with_config(&config(region, extra));
        let out = sandbox.run(&["list"]);
        assert_status(&out, 2);
        let err = stderr(&out);
        let location = format!(
            "acct: {}:3:10: region \"{region}\" ",
            sandbox.user_config().display()
        );
        assert!(err.starts_with(&location), "{region}: {err}");
        assert!(
            err.contains(&format!("\n  fix: {fix}\n")),
            "{region}: {err}"
        );
    }
    // A stage's region too.
    let sandbox = Sandbox::with_config(&format!(
        "{}region = \"ap-southeats-2\"\n",
        config("us-west-2", "")
    ));
    let out = sandbox.run(&["list"]);
    assert_status(&out, 2);
    assert!(
        stderr(&out).ends_with(":6:10: region \"ap-southeats-2\" is not an AWS region\n  fix: did you mean \"ap-southeast-2\"?\n"),
        "{}",
        stderr(&out)
    );
}

/// `acct doctor`'s `region` lines, each with its fix.
fn region_lines(sandbox: &Sandbox) -> Vec<String> {
    let out = sandbox.run(&["doctor"]);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.split_whitespace().nth(1) == Some("region:") {
            found.push(line.to_string());
            found.extend(lines.get(i + 1).map(|l| l.to_string()));
        }
    }
    found
}

#[test]
fn a_well_formed_region_acct_does_not_know_passes_and_doctor_warns() {
    let sandbox = Sandbox::with_config(&format!(
        "{}[stages.prod]\naccount_id = \"210987654321\"\nregion = \"eu-southeast-1\"\n",
        config("us-west-3", "")
    ));
    let out = sandbox.run(&["list"]);
    assert_status(&out, 0);
    assert_contains(&stdout(&out), "us-west-3");
    assert_eq!(
        region_lines(&sandbox),
        [
            "warn  region: us-west-3, eu-southeast-1 (stage prod) are not regions acct knows in the partition aws",
            "      fix: check the spelling; a region AWS opened after this acct was built is fine",
        ]
    );
    // Known regions: no such line.
    let sandbox = Sandbox::with_config(MEMBER);
    assert_eq!(region_lines(&sandbox), Vec::<String>::new());
}

/// The list is data: exactly what the botocore of tests/requirements.txt ships.
#[test]
fn the_region_list_is_botocores() {
    let python = crate::tools::aws_v1().with_file_name("python3");
    let out = std::process::Command::new(python)
        .args([
            "-c",
            "import botocore.loaders as l; [print(p['partition'], r) for p in l.Loader().load_data('endpoints')['partitions'] for r in sorted(p['regions'])]",
        ])
        .output()
        .unwrap();
    assert_status(&out, 0);
    let ours = std::fs::read_to_string(repo_file("src/config/regions.txt")).unwrap();
    let ours: String = ours
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_text(&stdout(&out), &ours);
}

#[test]
fn prompt_format_without_stage_is_refused() {
    let sandbox = Sandbox::with_config(&config("us-west-2", "prompt_format = \"[{namespace}]\"\n"));
    let out = sandbox.run(&["list"]);
    assert_status(&out, 2);
    assert_text(
        &format!(
            "acct: {}:4:17: `prompt_format` \"[{{namespace}}]\" has no {{stage}}, so the prompt would not show which stage you are in\n  fix: include {{stage}}, e.g. \"[{{namespace}}-{{stage}}]\"\n",
            sandbox.user_config().display()
        ),
        &stderr(&out),
    );
}

#[test]
fn env_may_not_set_what_acct_owns_nor_zdotdir() {
    // Section 2's names, as tests/exec.rs lists them, and ZDOTDIR.
    let owned: Vec<&str> = crate::exec::OWNED
        .iter()
        .chain(crate::exec::CREDENTIAL_SOURCES.iter())
        .copied()
        .chain(["ZDOTDIR"])
        .collect();
    let lines: String = owned.iter().map(|n| format!("{n} = \"x\"\n")).collect();
    let sandbox = Sandbox::with_config(&format!(
        "{}[stages.root.env]\n{lines}",
        config("us-west-2", "")
    ));
    let out = sandbox.run(&["list"]);
    assert_status(&out, 2);
    let err = stderr(&out);
    for name in &owned {
        assert!(
            err.contains(&format!(": {name} in [stages.root].env ")),
            "{name}: {err}"
        );
    }
    assert_contains(
        &err,
        "ZDOTDIR in [stages.root].env would replace the one acct shell gives zsh to load the stage's prompt segment\n  fix: remove it; acct shell still runs your .zshenv and .zshrc from the ZDOTDIR you start it with (else HOME)\n",
    );
}

#[test]
fn env_path_is_where_the_command_is_looked_up() {
    let sandbox = Sandbox::new();
    let tool = sandbox.write(
        "stage-bin/acct-stage-tool",
        "#!/bin/sh\necho \"tool in $STAGE\"\n",
    );
    std::fs::set_permissions(&tool, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    // No `#!`: run by /bin/sh, as execvp and env(1) do.
    let script = sandbox.write("stage-bin/acct-stage-script", "echo \"script in $STAGE\"\n");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let bin = tool.parent().unwrap().display().to_string();
    sandbox.write_user_config(&format!(
        "{}[stages.root.env]\nPATH = \"{bin}:/usr/bin:/bin\"\n[stages.bare]\naccount_id = \"210987654321\"\n[stages.bare.env]\nPATH = \"{bin}\"\n",
        config("us-west-2", "")
    ));
    sandbox.write_block();
    let out = sandbox.run(&["exec", "root", "--", "acct-stage-tool"]);
    assert_status(&out, 0);
    assert_text("tool in root\n", &stdout(&out));
    let out = sandbox.run(&["exec", "root", "--", "acct-stage-script"]);
    assert_status(&out, 0);
    assert_text("script in root\n", &stdout(&out));

    // As `env PATH=STAGE-BIN true`: a command only on acct's own PATH is
    // not found, and the fix says which PATH was searched.
    let out = sandbox.run(&["exec", "bare", "--", "true"]);
    assert_status(&out, 127);
    assert_text(
        "acct: true: command not found\n  fix: check the name; acct looks it up in the PATH of the stage's [env], as `env PATH=... CMD` does\n",
        &stderr(&out),
    );
    // A name with a `/` is run as it is, and gets the stage's PATH.
    let out = sandbox.run(&["exec", "bare", "--", "/bin/sh", "-c", "echo $PATH"]);
    assert_text(&format!("{bin}\n"), &stdout(&out));
}

#[test]
fn a_config_option_with_a_tilde_completes_its_stages() {
    let sandbox = Sandbox::new();
    sandbox.write("home/member.toml", MEMBER);
    for option in [&["-c", "~/member.toml"][..], &["--config=~/member.toml"]] {
        let out = sandbox
            .acct()
            .env("ACCT_COMPLETE", "fish")
            .args(["--", "acct"])
            .args(option)
            .args(["exec", ""])
            .output()
            .unwrap();
        assert_status(&out, 0);
        let offered: Vec<String> = stdout(&out)
            .lines()
            .map(|l| l.split('\t').next().unwrap_or_default().to_string())
            .filter(|v| !v.starts_with('-'))
            .collect();
        assert_eq!(offered, ["root", "testing", "prod"], "{option:?}");
    }
}

/// clap's bash script quoted acct's path inside double quotes, so a `$(...)`
/// in the directory acct is installed in ran at every TAB.
#[test]
fn bash_completion_never_runs_code_from_acct_s_own_path() {
    let sandbox = Sandbox::with_config(SINGLE);
    let dir = sandbox.root.join("bin $(touch pwned) `touch tick`");
    std::fs::create_dir(&dir).unwrap();
    let acct = dir.join("acct");
    std::fs::copy(ACCT, &acct).unwrap();
    let out = sandbox
        .command(&acct)
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert_status(&out, 0);
    let script = sandbox.write("acct.bash", &stdout(&out));
    let out = sandbox
        .command("bash")
        .args(["--noprofile", "--norc", "-c"])
        .arg(format!(
            "source '{}'; COMP_WORDS=(acct exec te); COMP_CWORD=2; _clap_complete_acct acct te exec; echo \"offered: ${{COMPREPLY[*]}}\"",
            script.display()
        ))
        .output()
        .unwrap();
    assert_status(&out, 0);
    for marker in ["pwned", "tick"] {
        assert!(
            !sandbox.work.join(marker).exists(),
            "the script ran `touch {marker}`"
        );
    }
    assert_text("offered: testing\n", &stdout(&out));
}

/// `crate::NAME` uses of each top-level module of `src/`.
fn module_imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).unwrap();
            let first = relative
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy();
            let module = first.trim_end_matches(".rs").to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            let uses = graph.entry(module.clone()).or_default();
            let ident = |s: &str| -> String {
                s.trim_start()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect()
            };
            for (at, _) in text.match_indices("crate::") {
                let rest = &text[at + 7..];
                // `crate::{a, b::C}` names several modules.
                let names: Vec<String> = match rest.strip_prefix('{') {
                    Some(group) => group[..group.find('}').unwrap_or(group.len())]
                        .split(',')
                        .map(ident)
                        .collect(),
                    None => vec![ident(rest)],
                };
                for name in names {
                    if name != module && !name.is_empty() {
                        uses.insert(name);
                    }
                }
            }
        }
    }
    graph
}

/// The layers of `src/` as docs/ARCHITECTURE.md draws them: each module
/// and the modules it may name (only ones listed before it; `commands` and
/// `main`, the top, may name any). A `use crate::stage` in `aws/` compiles,
/// so only this keeps the layers apart.
const LAYERS: &[(&str, &[&str])] = &[
    ("text", &[]),
    ("error", &["text"]),
    ("files", &["error", "text"]),
    ("config", &["error", "files", "text"]),
    ("terminal", &["config", "error", "text"]),
    ("aws", &["config", "error", "files", "terminal", "text"]),
    ("stage", &["aws", "config", "error", "files", "text"]),
    ("shell", &["config", "error", "files", "text"]),
    ("console", &["aws", "config", "error", "text"]),
    ("serve", &["aws", "error", "text"]),
    ("cli", &["config", "error", "shell", "text"]),
];

#[test]
fn each_module_of_src_imports_only_the_layers_below_it() {
    let graph = module_imports(&repo_file("src"));
    let mut wrong = Vec::new();
    for (module, uses) in &graph {
        if ["commands", "main", "property_tests"].contains(&module.as_str()) {
            continue;
        }
        let Some((_, allowed)) = LAYERS.iter().find(|(name, _)| name == module) else {
            wrong.push(format!("{module}: not in LAYERS (tests/rules.rs)"));
            continue;
        };
        for used in uses {
            if !allowed.contains(&used.as_str()) {
                wrong.push(format!("{module} imports {used}"));
            }
        }
    }
    assert!(wrong.is_empty(), "against the layering: {wrong:#?}");
}

/// `src/` reads as the architecture: a handful of files at its root, and
/// every folder's `mod.rs` says what it holds and what it may import.
#[test]
fn src_is_folders_that_say_what_they_may_import() {
    let src = repo_file("src");
    let mut root_files = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_dir() {
            root_files.push(path.file_name().unwrap().to_string_lossy().into_owned());
            continue;
        }
        let text = std::fs::read_to_string(path.join("mod.rs")).unwrap();
        let doc: Vec<&str> = text.lines().take_while(|l| l.starts_with("//!")).collect();
        let doc = doc.join(" ");
        assert!(
            ["May import", "Imports nothing", "may import every"]
                .iter()
                .any(|says| doc.contains(says)),
            "{}/mod.rs does not say what it may import: {doc:?}",
            path.display()
        );
    }
    root_files.sort();
    assert!(
        root_files.len() <= 4,
        "files at the root of src/: {root_files:?}"
    );
}

/// Whether `to` can be reached from `from`.
fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_string()];
    while let Some(module) = todo.pop() {
        for next in graph.get(&module).into_iter().flatten() {
            if next == to {
                return true;
            }
            if seen.insert(next.clone()) {
                todo.push(next.clone());
            }
        }
    }
    false
}

/// No module of `src/` imports one that imports it back. `cli` and
/// `completion` once did; `config` and `stage_env` too, until the names of a
/// stage's environment moved to `env_names`, which both read.
#[test]
fn no_module_of_src_is_in_an_import_cycle() {
    let graph = module_imports(&repo_file("src"));
    assert!(graph.contains_key("cli") && graph.contains_key("config"));
    let cyclic: Vec<&String> = graph.keys().filter(|m| reaches(&graph, m, m)).collect();
    assert!(
        cyclic.is_empty(),
        "modules in an import cycle: {cyclic:?}\n{graph:#?}"
    );
}
