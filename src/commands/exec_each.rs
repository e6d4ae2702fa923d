//! `acct exec --each STAGES|--all [--parallel N] -- CMD`: CMD once per
//! stage, each with exactly the environment `acct exec` gives it, every
//! output line behind its `[stage] ` prefix, then a summary. acct's status is
//! the first failing stage's (in the order given), 0 when all succeeded.
//!
//! Protected stages are confirmed once, together, and every environment is
//! made (the MFA session, exported credentials) before anything runs. stdin
//! is not shared: each command reads from /dev/null, in a process group of
//! its own. Ctrl-C (or SIGTERM) stops every running command's group, starts
//! no more, and says which stages did not finish.

use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nix::sys::signal::{self, SigHandler, Signal};

use crate::cli::ExecArgs;
use crate::config::{Stage, discover};
use crate::confirm;
use crate::error::{Failure, Result};
use crate::export_credentials;
use crate::prefix::Prefixer;
use crate::process;
use crate::stage_env::StageEnv;

/// Set by SIGINT, SIGTERM or SIGHUP: stop everything, start nothing more.
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: nix::libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// How long a stopped command may take to end before SIGKILL.
const GRACE: Duration = Duration::from_secs(3);

/// Prefix colours, one per stage in turn; red is kept for protected stages.
const COLOURS: [&str; 5] = ["36", "32", "33", "35", "34"];

/// How one stage ended.
enum Outcome {
    Exited(i32),
    Signalled(i32),
    /// Could not be started (not found: 127, not executable: 126).
    Failed(u8),
    Stopped,
    NotStarted,
}

struct Running {
    index: usize,
    child: Child,
    started: Instant,
    readers: [JoinHandle<()>; 2],
}

pub fn run(args: &ExecArgs, config: Option<PathBuf>) -> Result<ExitCode> {
    let config = discover::load(config)?;
    let stages: Vec<Stage<'_>> = if args.all {
        config.stages().collect()
    } else {
        let mut stages: Vec<Stage<'_>> = Vec::new();
        for name in &args.each {
            let stage = super::find_stage(&config, name.trim())?;
            if !stages.iter().any(|s| s.name == stage.name) {
                stages.push(stage);
            }
        }
        stages
    };
    if stages.is_empty() {
        return Err(Failure::usage(
            "--each names no stage",
            "name them, e.g. --each testing,prod, or use --all",
        ));
    }
    confirm::together(&stages, args.yes)?;
    // Every stage through the gate before anyone is asked for an MFA code.
    for stage in &stages {
        crate::gate::check(&config, stage)?;
    }
    // Commands run in process groups of their own, so none of them can ask
    // on the terminal: the MFA session (one code) is made before they start.
    if let Some(spec) = crate::mfa_session::SessionSpec::of(&config) {
        crate::mfa_session::credentials(&spec, crate::mfa_session::Start::IfNeeded)?;
    }
    let envs: Vec<StageEnv> = stages
        .iter()
        .map(|stage| export_credentials::stage_env(&config, stage, args.export_credentials))
        .collect::<Result<_>>()?;
    for sig in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        // SAFETY: the handler only stores to an atomic.
        let _ = unsafe { signal::signal(sig, SigHandler::Handler(on_signal)) };
    }
    if args.parallel > 1 {
        // The commands are often the AWS CLI, which races on its own cache.
        crate::aws_cli_cache::prepare_parallel_runs();
    }
    let names: Vec<&str> = stages.iter().map(|s| s.name).collect();
    let prefixes = prefixes(&stages);
    let (outcomes, times) = run_all(args, &envs, &prefixes, usize::from(args.parallel));
    summary(&names, &outcomes, &times);
    Ok(exit_code(&outcomes))
}

/// `[name] `, padded to the longest name, coloured on a terminal.
fn prefixes(stages: &[Stage<'_>]) -> Vec<Vec<u8>> {
    let width = stages.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let colour = std::io::IsTerminal::is_terminal(&std::io::stdout())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    stages
        .iter()
        .enumerate()
        .map(|(i, stage)| {
            let text = format!(
                "[{}]{:pad$} ",
                stage.name,
                "",
                pad = width - stage.name.len()
            );
            let code = if stage.protected {
                "31"
            } else {
                COLOURS[i % COLOURS.len()]
            };
            match colour {
                true => format!("\x1b[{code}m{text}\x1b[0m").into_bytes(),
                false => text.into_bytes(),
            }
        })
        .collect()
}

fn run_all(
    args: &ExecArgs,
    envs: &[StageEnv],
    prefixes: &[Vec<u8>],
    width: usize,
) -> (Vec<Outcome>, Vec<Option<Duration>>) {
    let mut outcomes: Vec<Outcome> = (0..envs.len()).map(|_| Outcome::NotStarted).collect();
    let mut elapsed = vec![None; envs.len()];
    let mut running: Vec<Running> = Vec::new();
    let mut next = 0;
    let mut stop_since: Option<Instant> = None;
    loop {
        let stopping = STOP.load(Ordering::SeqCst);
        while !stopping && running.len() < width && next < envs.len() {
            match start(&args.command, &envs[next], &prefixes[next]) {
                Ok((child, readers)) => running.push(Running {
                    index: next,
                    child,
                    started: Instant::now(),
                    readers,
                }),
                Err(failure) => {
                    let mut err = std::io::stderr().lock();
                    let _ = err.write_all(&prefixes[next]);
                    let _ = writeln!(err, "acct: {}", failure.message);
                    outcomes[next] = Outcome::Failed(failure.code);
                }
            }
            next += 1;
        }
        if running.is_empty() && (stopping || next >= envs.len()) {
            break;
        }
        if stopping {
            // Each command leads a process group of its own: the whole group
            // goes, so a grandchild cannot keep the output open; SIGKILL
            // after a grace period for one that ignores SIGTERM.
            let since = *stop_since.get_or_insert_with(Instant::now);
            let sig = if since.elapsed() < GRACE {
                Signal::SIGTERM
            } else {
                Signal::SIGKILL
            };
            for r in &running {
                let group = nix::unistd::Pid::from_raw(r.child.id() as i32);
                let _ = signal::killpg(group, sig);
            }
        }
        let mut still = Vec::new();
        for mut r in running {
            match r.child.try_wait() {
                Ok(Some(status)) => {
                    for reader in r.readers {
                        let _ = reader.join();
                    }
                    elapsed[r.index] = Some(r.started.elapsed());
                    outcomes[r.index] = match (status.code(), status.signal()) {
                        (_, Some(_)) if stopping => Outcome::Stopped,
                        (Some(code), _) => Outcome::Exited(code),
                        (None, Some(sig)) => Outcome::Signalled(sig),
                        (None, None) => Outcome::Stopped,
                    };
                }
                _ => still.push(r),
            }
        }
        running = still;
        std::thread::sleep(Duration::from_millis(10));
    }
    (outcomes, elapsed)
}

/// Spawn CMD with the stage's environment; its stdout and stderr go through
/// the prefixer to ours, a thread each.
fn start(
    command: &[std::ffi::OsString],
    env: &StageEnv,
    prefix: &[u8],
) -> Result<(Child, [JoinHandle<()>; 2])> {
    let (program, args) = command.split_first().ok_or_else(|| {
        Failure::usage(
            "no command given after `--`",
            "write it after `--`, e.g. acct exec --all -- aws sts get-caller-identity",
        )
    })?;
    let applied = env.apply_here();
    // With `PATH` in the child's environment, std looks the program up in
    // it, as `env PATH=... cmd` does.
    let mut child = Command::new(program)
        .args(args)
        .env_clear()
        .envs(applied)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| cannot_start(program, &e))?;
    let out = child.stdout.take().map(|p| copy(p, prefix, false));
    let err = child.stderr.take().map(|p| copy(p, prefix, true));
    match (out, err) {
        (Some(out), Some(err)) => Ok((child, [out, err])),
        _ => unreachable!("both pipes were asked for"),
    }
}

/// As a shell reports it: 127 not found, 126 found but not runnable.
fn cannot_start(program: &std::ffi::OsStr, e: &std::io::Error) -> Failure {
    let name = program.to_string_lossy();
    match e.kind() {
        std::io::ErrorKind::NotFound => Failure::with_code(
            process::EXIT_NOT_FOUND,
            format!("{name}: command not found"),
            "check the name; acct looks it up in PATH, as a shell does",
        ),
        _ => Failure::with_code(
            process::EXIT_NOT_EXECUTABLE,
            format!("{name}: cannot run it: {e}"),
            "check that it is an executable file (chmod +x) with a valid #! line",
        ),
    }
}

fn copy(mut pipe: impl Read + Send + 'static, prefix: &[u8], to_stderr: bool) -> JoinHandle<()> {
    let mut prefixer = Prefixer::new(prefix);
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        let write = |bytes: &[u8]| {
            if bytes.is_empty() {
                return;
            }
            // Whole lines under the lock: stages never interleave mid-line.
            let _ = if to_stderr {
                std::io::stderr().lock().write_all(bytes)
            } else {
                std::io::stdout().lock().write_all(bytes)
            };
        };
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => write(&prefixer.push(&buf[..n])),
            }
        }
        write(&prefixer.finish());
    })
}

fn summary(names: &[&str], outcomes: &[Outcome], times: &[Option<Duration>]) {
    let width = names.iter().map(|n| n.len()).max().unwrap_or(5).max(5);
    let mut text = format!("acct: {:width$}  status  time\n", "stage");
    let mut unfinished = Vec::new();
    for ((name, outcome), time) in names.iter().zip(outcomes).zip(times) {
        let status = match outcome {
            Outcome::Exited(code) => code.to_string(),
            Outcome::Signalled(sig) => format!("signal {sig}"),
            Outcome::Failed(code) => code.to_string(),
            Outcome::Stopped => {
                unfinished.push(*name);
                "stopped".to_string()
            }
            Outcome::NotStarted => {
                unfinished.push(*name);
                "not started".to_string()
            }
        };
        let time = time.map_or_else(|| "-".to_string(), |t| format!("{:.1}s", t.as_secs_f64()));
        text.push_str(&format!("      {name:width$}  {status:6}  {time}\n"));
    }
    if !unfinished.is_empty() {
        text.push_str(&format!(
            "acct: interrupted; did not finish: {}\n",
            unfinished.join(", ")
        ));
    }
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// 0 when every stage succeeded; else the first failing stage's status
/// (128 + signal, as a shell reports it); 130 when interrupted.
fn exit_code(outcomes: &[Outcome]) -> ExitCode {
    for outcome in outcomes {
        let code = match outcome {
            Outcome::Exited(0) => continue,
            Outcome::Exited(code) => u8::try_from(*code).unwrap_or(1),
            Outcome::Signalled(sig) => u8::try_from(128 + sig).unwrap_or(1),
            Outcome::Failed(code) => *code,
            Outcome::Stopped | Outcome::NotStarted => 130,
        };
        return ExitCode::from(code);
    }
    ExitCode::SUCCESS
}
