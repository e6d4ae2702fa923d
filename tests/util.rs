//! The test sandbox: a temp HOME with its own AWS and XDG files, and a clean
//! environment for the built `acct`, so no test touches the user's real
//! `~/.aws` or `~/.config` or inherits stray `AWS_*`/`ACCT_*` variables.

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub const ACCT: &str = env!("CARGO_BIN_EXE_acct");

pub struct Sandbox {
    _dir: TempDir,
    pub root: PathBuf,
    pub home: PathBuf,
    /// The directory commands start in.
    pub work: PathBuf,
}

impl Sandbox {
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("acct-test-")
            .tempdir()
            .expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical temp dir");
        let home = root.join("home");
        let work = root.join("work");
        // fish's first interactive start in a HOME without this folder runs
        // `fish_update_completions` in the background: a python process
        // that reads every man page for minutes, outlives the test and
        // writes thousands of files into a sandbox already removed.
        let fish_completions = home.join(".local/share/fish/generated_completions");
        for d in [
            &home.join(".aws"),
            &home.join(".config/acct"),
            &fish_completions,
            &work,
        ] {
            std::fs::create_dir_all(d).expect("sandbox dirs");
        }
        Sandbox {
            _dir: dir,
            root,
            home,
            work,
        }
    }

    /// A sandbox whose user config (`$XDG_CONFIG_HOME/acct/config.toml`) is `config`.
    pub fn with_config(config: &str) -> Self {
        let sandbox = Sandbox::new();
        sandbox.write_user_config(config);
        sandbox
    }

    /// A sandbox whose user config is `config`, with the profiles acct
    /// renders for it written (`acct aws-config --write`): the stages pass
    /// the gate (issue 19) as they do for a person who followed the README.
    pub fn staged(config: &str) -> Self {
        let sandbox = Sandbox::with_config(config);
        sandbox.write_block();
        sandbox
    }

    /// `acct aws-config --write` for the config acct finds now (after a
    /// config changed, the block must follow, or the gate refuses).
    pub fn write_block(&self) {
        assert_status(&self.run(&["aws-config", "--write"]), 0);
    }

    /// The person's own AWS config file holds `own`; then `acct aws-config
    /// --write` on it.
    pub fn write_block_over(&self, own: impl AsRef<[u8]>) -> Output {
        std::fs::write(self.aws_config(), own).unwrap();
        self.run(&["aws-config", "--write"])
    }

    pub fn user_config(&self) -> PathBuf {
        self.home.join(".config/acct/config.toml")
    }

    pub fn write_user_config(&self, config: &str) {
        std::fs::write(self.user_config(), config).expect("write config");
    }

    pub fn aws_config(&self) -> PathBuf {
        self.home.join(".aws/config")
    }

    pub fn aws_credentials(&self) -> PathBuf {
        self.home.join(".aws/credentials")
    }

    /// The AWS side of a working setup: every stage's profile written by
    /// `acct aws-config --write`, and long-lived keys for the source profile.
    pub fn write_aws_files(&self) {
        self.write_block();
        std::fs::write(
            self.aws_credentials(),
            "[cpco]\naws_access_key_id = AKIAEXAMPLESOURCE001\naws_secret_access_key = source-secret\n",
        )
        .unwrap();
    }

    pub fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The sandbox's environment for any program (a shell, the AWS CLI).
    /// A test tool named bare (`"zsh"`) is located by tests/tools.rs.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        signals_at_default();
        let mut cmd = Command::new(crate::tools::program(program.as_ref()));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("AWS_CONFIG_FILE", self.aws_config())
            .env("AWS_SHARED_CREDENTIALS_FILE", self.aws_credentials())
            .env("LANG", "C.UTF-8")
            .current_dir(&self.work);
        cmd
    }

    /// The built acct in the sandbox's environment.
    pub fn acct(&self) -> Command {
        self.command(ACCT)
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.acct().args(args).output().expect("run acct")
    }
}

/// `acct aws-config --write` for SINGLE over a person's AWS config file
/// `own`, which already defines one of SINGLE's profiles: refused, exit 1.
#[track_caller]
pub fn conflict_over(own: &str) -> (Sandbox, Output) {
    let sandbox = Sandbox::with_config(SINGLE);
    let out = sandbox.write_block_over(own);
    assert_status(&out, 1);
    (sandbox, out)
}

/// `cmd` run with `input` on its stdin, its output captured.
pub fn output_with_input(cmd: &mut Command, input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Assert the exit status, printing both streams when it is not what we expected.
#[track_caller]
pub fn assert_status(output: &Output, expected: i32) {
    assert_eq!(
        output.status.code(),
        Some(expected),
        "\nexpected exit {expected}, got {:?}\n--- stdout\n{}--- stderr\n{}",
        output.status,
        stdout(output),
        stderr(output)
    );
}

/// Asserts that `text` holds `want`, showing `text` when it does not.
#[track_caller]
pub fn assert_contains(text: &str, want: &str) {
    assert!(text.contains(want), "want {want:?} in\n{text}");
}

/// Asserts that `text` does not hold `unwanted`, showing `text` when it does.
#[track_caller]
pub fn assert_lacks(text: &str, unwanted: &str) {
    assert!(!text.contains(unwanted), "{unwanted:?} in\n{text}");
}

#[track_caller]
pub fn assert_text(expected: &str, got: &str) {
    assert!(
        expected == got,
        "\n--- expected\n{expected}--- got\n{got}---"
    );
}

/// A profile acct renders for a role: `role_arn`, assumed with the
/// credentials of the profile `source`, the session named after the person.
pub fn role_profile(name: &str, region: &str, role_arn: &str, source: &str) -> String {
    format!(
        "[profile {name}]\nregion={region}\nrole_arn={role_arn}\nsource_profile={source}\nrole_session_name={}\n",
        session_name()
    )
}

/// The role session name acct renders by default in the sandbox (whose
/// environment has no `USER`): the login name of the effective user.
pub fn session_name() -> String {
    nix::unistd::User::from_uid(nix::unistd::geteuid())
        .unwrap()
        .expect("the test user is in the passwd database")
        .name
}

/// Profiles as acct writes them: one after the other, a blank line between.
pub fn profiles(each: &[String]) -> String {
    each.join("\n")
}

/// `NAME=value` lines (values may hold newlines: NUL separated) into pairs.
pub fn parse_env0(bytes: &[u8]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = bytes
        .split(|b| *b == 0)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let text = String::from_utf8_lossy(entry);
            let (name, value) = text.split_once('=').expect("NAME=value");
            (name.to_string(), value.to_string())
        })
        .collect();
    pairs.sort();
    pairs
}

/// `cmd` on a pseudo-terminal; each expectation waits at most `seconds`
/// (a hang guard: what is awaited comes long before).
pub fn pty(cmd: Command, seconds: u64) -> expectrl::session::OsSession {
    let mut session = expectrl::Session::spawn(cmd).expect("spawn on a pty");
    session.set_expect_timeout(Some(Duration::from_secs(seconds)));
    session
}

/// `script` run by bash (no startup files) on a pseudo-terminal, `$ACCT`
/// the acct under test; it reports `status=N` at the end.
pub fn bash_on_a_terminal(sandbox: &Sandbox, script: &str) -> expectrl::session::OsSession {
    let mut cmd = sandbox.command("bash");
    cmd.args([
        "--noprofile",
        "--norc",
        "-c",
        &format!("{script}; echo \"status=$?\""),
    ])
    .env("ACCT", ACCT)
    .env("TERM", "xterm");
    pty(cmd, 20)
}

/// `acct shell testing` in a single-account sandbox whose `program`
/// (bash, zsh or fish) has `rc` (a path under the sandbox, e.g.
/// `home/.bashrc`) holding `text`, on a pseudo-terminal; it reports
/// `status=N` when the stage shell ends.
pub fn stage_shell(program: &str, rc: &str, text: &str) -> (Sandbox, expectrl::session::OsSession) {
    let sandbox = Sandbox::with_config(SINGLE);
    sandbox.write_aws_files();
    sandbox.write(rc, text);
    let mut cmd = sandbox.command(crate::tools::by_name("sh"));
    cmd.args(["-c", "\"$ACCT\" shell testing; echo \"status=$?\""])
        .env("SHELL", crate::tools::by_name(program))
        .env("TERM", "dumb")
        .env("XDG_RUNTIME_DIR", &sandbox.root)
        .env("ACCT", ACCT);
    let session = pty(cmd, 30);
    (sandbox, session)
}

/// Waits for `needle` on the terminal; gives what came before it.
#[track_caller]
pub fn expect(session: &mut expectrl::session::OsSession, needle: &str) -> String {
    use expectrl::Expect;
    match session.expect(needle) {
        Ok(found) => String::from_utf8_lossy(found.before()).into_owned(),
        Err(e) => {
            // What the terminal still holds, for the failure message.
            let mut buf = vec![0; 8192];
            let n = session.try_read(&mut buf).unwrap_or(0);
            panic!(
                "waiting for {needle:?}: {e}\n--- seen\n{:?}",
                String::from_utf8_lossy(&buf[..n])
            )
        }
    }
}

/// Types `line` (and Enter) on the terminal, then waits for `needle`; gives
/// what came before it.
#[track_caller]
pub fn send_and_expect(
    session: &mut expectrl::session::OsSession,
    line: impl AsRef<str>,
    needle: &str,
) -> String {
    use expectrl::Expect;
    session.send_line(line.as_ref()).unwrap();
    expect(session, needle)
}

/// `acct ARGS` on a terminal prints each of `marks`' first text (colour
/// escapes in it) before `until`, and with `NO_COLOR=1` its second text and
/// no escape at all.
#[track_caller]
pub fn assert_coloured_unless_no_color(
    sandbox: &Sandbox,
    args: &[&str],
    until: &str,
    marks: &[(&str, &str)],
) {
    use expectrl::Expect;
    for no_color in [false, true] {
        let mut cmd = sandbox.acct();
        cmd.args(args);
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let mut session = pty(cmd, 20);
        let seen = expect(&mut session, until);
        session.expect(expectrl::Eof).unwrap();
        assert!(!no_color || !seen.contains('\x1b'), "NO_COLOR: {seen:?}");
        for (coloured, plain) in marks {
            let want = if no_color { plain } else { coloured };
            assert!(seen.contains(want), "{want:?} in {seen:?}");
        }
    }
}

/// `acct init`'s options for a `cpco` estate in us-west-2 whose root account
/// is 323330167063: its `topology` and its `stages` (comma separated).
pub fn init_options(topology: &'static str, stages: &'static str) -> Vec<&'static str> {
    vec![
        "init",
        "--namespace",
        "cpco",
        "--region",
        "us-west-2",
        "--topology",
        topology,
        "--root-account",
        "323330167063",
        "--stages",
        stages,
    ]
}

/// `acct init` on a terminal, each question (a part of it) given its
/// answer, until it says it wrote the config.
#[track_caller]
pub fn init_on_a_terminal(sandbox: &Sandbox, answers: &[(&str, &str)]) {
    use expectrl::Expect;
    let mut cmd = sandbox.acct();
    cmd.arg("init");
    let mut session = pty(cmd, 20);
    for (question, answer) in answers {
        expect(&mut session, question);
        session.send_line(answer).unwrap();
    }
    expect(&mut session, "wrote");
}

/// `cmd` started with stdin closed and its output piped.
pub fn start(cmd: &mut Command) -> Child {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Reads `child`'s stdout until it holds `text`; gives what it read.
#[track_caller]
pub fn read_until(child: &mut Child, text: &str) -> String {
    use std::io::Read;
    let stdout = child.stdout.as_mut().unwrap();
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !String::from_utf8_lossy(&seen).contains(text) {
        assert_eq!(stdout.read(&mut byte).unwrap(), 1, "ended before {text:?}");
        seen.push(byte[0]);
    }
    String::from_utf8_lossy(&seen).into_owned()
}

/// Polls `done` until it holds. The bound is a hang guard, not a window:
/// nothing a test checks depends on how soon `done` holds.
#[track_caller]
pub fn wait_until(what: &str, bound: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + bound;
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not in {bound:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until `path` exists (a command under test says it got there).
#[track_caller]
pub fn wait_for_file(path: &Path) {
    wait_until(
        &format!("{} never appeared", path.display()),
        Duration::from_secs(300),
        || path.exists(),
    );
}

/// `child`'s output (its stdout and stderr piped), read while it runs; it
/// is killed, and the test fails, when it runs longer than `bound`: a hang
/// guard, far longer than any correct run takes.
#[track_caller]
pub fn output_within(mut child: Child, bound: Duration) -> Output {
    use std::io::Read;
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + bound;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("hung: killed after {bound:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// `cmd` run with its output piped, under `output_within`'s hang guard.
#[track_caller]
pub fn run_within(cmd: &mut Command, bound: Duration) -> Output {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    output_within(child, bound)
}

/// SIGINT and SIGQUIT at their defaults in this process, so in every
/// program a test starts, whoever ran the suite: one started in the
/// background without job control (`cmd &` in a script) hands them on
/// ignored, and then a command's `kill -INT $$` would not end it, nor
/// would acct forward a SIGINT it was sent.
fn signals_at_default() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use nix::sys::signal::{SigHandler, Signal, signal};
        for sig in [Signal::SIGINT, Signal::SIGQUIT] {
            // SAFETY: the default disposition runs no code of ours.
            unsafe { signal(sig, SigHandler::SigDfl) }.unwrap();
        }
    });
}

/// No controlling terminal (a new session) and stdin closed: CI, or an SDK
/// started by a daemon. `/dev/tty` cannot be opened.
pub fn without_terminal(cmd: &mut Command) -> &mut Command {
    cmd.stdin(Stdio::null());
    // SAFETY: setsid is async-signal-safe; nothing else runs in the child.
    unsafe {
        cmd.pre_exec(|| {
            nix::unistd::setsid()
                .map(|_| ())
                .map_err(std::io::Error::from)
        });
    }
    cmd
}

/// Asserts that `path` is (still) a symlink: written through, not replaced.
#[track_caller]
pub fn assert_symlink(path: &Path) {
    let meta = path.symlink_metadata().unwrap();
    assert!(
        meta.is_symlink(),
        "{} is no longer a symlink",
        path.display()
    );
}

/// The names in a directory, sorted (none when it does not exist): what a
/// write or a run left behind.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Write `text` to `path` as a program (mode 0755): fake tools, wrappers.
pub fn executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A path to a repository file (examples, reference texts).
pub fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Every stage variable lives in a shell's `env -0` as raw bytes.
pub type Env = BTreeMap<Vec<u8>, Vec<u8>>;

/// `env -0` output, byte for byte (no lossy decoding: a byte that is not
/// UTF-8 must be seen as it is).
pub fn env0(bytes: &[u8]) -> Env {
    bytes
        .split(|b| *b == 0)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let at = entry.iter().position(|b| *b == b'=').expect("NAME=value");
            (entry[..at].to_vec(), entry[at + 1..].to_vec())
        })
        .collect()
}

pub fn get<'a>(env: &'a Env, name: &str) -> Option<&'a [u8]> {
    env.get(name.as_bytes()).map(Vec::as_slice)
}

/// How each shell runs a script without the user's startup files.
pub fn shell_args(shell: &str) -> &'static [&'static str] {
    match shell {
        "bash" => &["--noprofile", "--norc", "-c"],
        "zsh" => &["--no-rcs", "-c"],
        "fish" => &["--no-config", "-c"],
        _ => panic!("no arguments known for {shell}"),
    }
}

/// `script` run by `shell` in the sandbox, with `$ACCT` the acct under test.
pub fn in_shell(sandbox: &Sandbox, shell: &str, script: &str) -> Command {
    let mut cmd = sandbox.command(shell);
    cmd.args(shell_args(shell)).arg(script).env("ACCT", ACCT);
    cmd
}

/// The tests' local STS is moto_server, which the AWS CLI v1 and boto3
/// reach through endpoint overrides; a stage removes those unless the
/// person's own config keeps them, as a person with a local STS would.
pub const KEEP_LOCAL_ENDPOINTS: &str = "keep_env = [\"AWS_ENDPOINT_URL\", \"AWS_ENDPOINT_URL_STS\", \"AWS_ENDPOINT_URL_SSO\", \"AWS_ENDPOINT_URL_SSO_OIDC\"]\n";

/// The seed configs of the three layouts (`cpco` in us-west-2, root account
/// 323330167063), as a person's `config.toml` holds them: an organization
/// with an MFA device, a single account of virtual stages, and members
/// with a protected prod in its own region.
pub const ORGANIZATION: &str = include_str!("fixtures/organization.toml");
pub const SINGLE: &str = include_str!("fixtures/single.toml");
pub const MEMBER: &str = include_str!("fixtures/member.toml");

/// The AWS CLI's token cache file of the Identity Center session `cpco`
/// (SHA-1 of the name), below HOME.
pub const SSO_TOKEN_FILE: &str = ".aws/sso/cache/e58909f49cf4b3a78b09a68c105d50121de04818.json";

/// Now, in seconds since the epoch, as acct writes expiries.
pub fn epoch_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}
