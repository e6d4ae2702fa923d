//! Starting the stages' commands and watching them, all in one poll loop on
//! acct's main thread: every stage's stdout and stderr (nonblocking, read
//! 64 KiB at most at a time) and acct's own signals.
//!
//! A stage is done when its command exits: what is already in its pipes is
//! read for at most `DRAIN`, then acct moves on, saying when a background
//! process of the stage still holds the output open. SIGINT, SIGTERM or
//! SIGHUP, at any moment, is forwarded to every running stage's process
//! group and starts nothing more; whatever still runs `GRACE` later gets
//! SIGKILL (at once on a second signal).

use std::ffi::OsString;
use std::io::Write;
use std::os::fd::{AsFd, RawFd};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ChildStderr, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, poll};
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use super::guard;
use super::output::{Got, PIECE, Stream};
use super::signals::Signals;
use super::summary::{Cut, Outcome, Row};
use crate::commands::process;
use crate::error::{Failure, Result};
use crate::stage::environment::StageEnv;
use crate::text::printable::printable;

/// How long a stopped command may take to end before SIGKILL.
pub const GRACE: Duration = Duration::from_secs(3);
/// How long acct still reads a stage's output after its command exited.
pub const DRAIN: Duration = Duration::from_secs(1);
/// The longest the loop sleeps without a reason to wake.
const TICK: Duration = Duration::from_millis(200);

/// What to run, stage by stage.
pub struct Plan<'a> {
    pub command: &'a [OsString],
    pub names: &'a [&'a str],
    pub envs: &'a [StageEnv],
    pub prefixes: &'a [Vec<u8>],
    pub parallel: usize,
    pub fail_fast: bool,
}

struct Running {
    index: usize,
    child: Child,
    started: Instant,
    /// When the command exited, and how.
    exited: Option<(ExitStatus, Instant)>,
    out: Option<Stream<ChildStdout>>,
    err: Option<Stream<ChildStderr>>,
}

impl Running {
    fn group(&self) -> Pid {
        Pid::from_raw(self.child.id() as i32)
    }

    fn open(&self) -> bool {
        self.out.is_some() || self.err.is_some()
    }
}

/// Run every stage; one row per stage, in the order given, and why the run
/// ended early if it did.
pub fn run(plan: &Plan<'_>, signals: &Signals) -> (Vec<Row>, Option<Cut>) {
    let mut rows: Vec<Row> = plan
        .names
        .iter()
        .map(|name| Row {
            stage: (*name).to_string(),
            outcome: Outcome::NotStarted,
            duration: None,
            output_held: false,
        })
        .collect();
    let mut running: Vec<Running> = Vec::new();
    let mut next = 0;
    let mut cut: Option<Cut> = None;
    let mut stop_since: Option<Instant> = None;
    let mut killed = false;
    let mut buf = vec![0u8; PIECE];
    let mut watch = guard::Watch::start();
    loop {
        while cut.is_none() && running.len() < plan.parallel && next < plan.envs.len() {
            match start(
                plan.command,
                &plan.envs[next],
                &plan.prefixes[next],
                watch.pipe(),
            ) {
                Ok(r) => {
                    watch.add(r.child.id());
                    running.push(Running { index: next, ..r });
                }
                Err(failure) => {
                    say(&plan.prefixes[next], &failure.message);
                    rows[next].outcome = Outcome::CannotStart(failure.code);
                    if plan.fail_fast {
                        cut = Some(Cut::FailFast(next));
                    }
                }
            }
            next += 1;
        }
        if running.is_empty() && (cut.is_some() || next >= plan.envs.len()) {
            break;
        }

        wait_for_something(&running, signals, stop_since);

        for sig in signals.take() {
            let again = matches!(cut, Some(Cut::Interrupted(_)));
            if !again {
                cut = Some(Cut::Interrupted(sig));
                stop_since = Some(Instant::now());
            }
            // A second signal does not wait for the grace.
            let forward = if again { Signal::SIGKILL } else { sig };
            killed |= again;
            for r in &running {
                let _ = killpg(r.group(), forward);
            }
        }
        if !killed && stop_since.is_some_and(|since| since.elapsed() >= GRACE) {
            killed = true;
            for r in &running {
                let _ = killpg(r.group(), Signal::SIGKILL);
            }
        }

        for r in &mut running {
            read_some(&mut r.out, &mut buf);
            read_some(&mut r.err, &mut buf);
            // try_wait, not wait-timeout: this loop also waits for pipes and
            // signals, and SIGCHLD on the signal pipe wakes it.
            if r.exited.is_none() {
                if let Ok(Some(status)) = r.child.try_wait() {
                    r.exited = Some((status, Instant::now()));
                }
            }
        }

        let mut still = Vec::new();
        for mut r in running {
            let Some((status, at)) = r.exited else {
                still.push(r);
                continue;
            };
            if r.open() && at.elapsed() < DRAIN {
                still.push(r);
                continue;
            }
            watch.forget(r.child.id());
            let index = r.index;
            let row = &mut rows[index];
            settle(
                &mut r,
                status,
                at,
                row,
                &plan.prefixes[index],
                stop_since.is_some(),
            );
            if plan.fail_fast && row.outcome.failed() && cut.is_none() {
                cut = Some(Cut::FailFast(r.index));
            }
        }
        running = still;
    }
    watch.done();
    (rows, cut)
}

/// A stage whose command exited: its row's outcome and time, and its pipes
/// closed (or left, when a background process still holds them).
fn settle(
    r: &mut Running,
    status: ExitStatus,
    at: Instant,
    row: &mut Row,
    prefix: &[u8],
    stopping: bool,
) {
    row.output_held = r.open();
    if row.output_held {
        say(
            prefix,
            "the command exited, but a background process it started still holds its output open; acct moves on without it",
        );
    }
    if let Some(s) = r.out.as_mut() {
        s.finish();
    }
    if let Some(s) = r.err.as_mut() {
        s.finish();
    }
    row.duration = Some(at - r.started);
    row.outcome = match (status.code(), status.signal()) {
        (_, Some(sig)) if stopping => Outcome::Stopped(sig),
        (Some(code), _) => Outcome::Exited(code),
        (None, Some(sig)) => Outcome::Signalled(sig),
        (None, None) => Outcome::Exited(1),
    };
}

/// One read of a stream if it is open; closed at its end.
fn read_some<P: std::io::Read + AsFd>(stream: &mut Option<Stream<P>>, buf: &mut [u8]) {
    if let Some(s) = stream {
        if s.read(buf) == Got::Ended {
            s.finish();
            *stream = None;
        }
    }
}

/// Until a pipe has something, a signal comes (SIGCHLD included), or the
/// next deadline (a drain, the grace) is near.
fn wait_for_something(running: &[Running], signals: &Signals, stop_since: Option<Instant>) {
    let mut fds = vec![PollFd::new(signals.fd(), PollFlags::POLLIN)];
    for r in running {
        if let Some(s) = &r.out {
            fds.push(PollFd::new(s.pipe.as_fd(), PollFlags::POLLIN));
        }
        if let Some(s) = &r.err {
            fds.push(PollFd::new(s.pipe.as_fd(), PollFlags::POLLIN));
        }
    }
    let mut timeout = TICK;
    for r in running {
        if let Some((_, at)) = r.exited {
            timeout = timeout.min(DRAIN.saturating_sub(at.elapsed()));
        }
    }
    if let Some(since) = stop_since {
        timeout = timeout.min(GRACE.saturating_sub(since.elapsed()));
    }
    let ms = u16::try_from(timeout.as_millis()).unwrap_or(u16::MAX);
    // EINTR (a signal) is a reason to look around, as is anything else.
    let _ = poll(&mut fds, ms);
}

/// `[stage] acct: MESSAGE` on stderr.
fn say(prefix: &[u8], message: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(prefix);
    let _ = writeln!(err, "acct: {message}");
}

/// Spawn CMD with the stage's environment, in a session of its own listed
/// with the watcher (`watch`), stdin from /dev/null, its stdout and stderr
/// on pipes.
fn start(
    command: &[OsString],
    env: &StageEnv,
    prefix: &[u8],
    watch: Option<RawFd>,
) -> Result<Running> {
    let (program, args) = command.split_first().ok_or_else(|| {
        Failure::usage(
            "no command given after `--`",
            "write it after `--`, e.g. acct exec --all -- aws sts get-caller-identity",
        )
    })?;
    let applied = env.apply_here();
    // With `PATH` in the child's environment, std looks the program up in
    // it, as `env PATH=... cmd` does.
    #[allow(
        clippy::disallowed_methods,
        reason = "the person's command, once per stage, in the stage's environment"
    )]
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env_clear()
        .envs(applied)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    guard::stage_command(&mut cmd, watch);
    let mut child = cmd.spawn().map_err(|e| {
        // Printed on the terminal: a control character in the name is shown, not obeyed.
        let lossy = program.to_string_lossy();
        let error = e
            .raw_os_error()
            .map_or(Errno::UnknownErrno, Errno::from_raw);
        let stage_path = env.set.iter().any(|(n, _)| n == "PATH");
        process::cannot_start(&printable(&lossy, false), error, &e.to_string(), stage_path)
    })?;
    let streams = (child.stdout.take(), child.stderr.take());
    let (Some(out), Some(err)) = streams else {
        unreachable!("both pipes were asked for");
    };
    let streams =
        Stream::new(out, prefix, false).and_then(|out| Ok((out, Stream::new(err, prefix, true)?)));
    let (out, err) = match streams {
        Ok(streams) => streams,
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Failure::other(
                format!("cannot read the command's output: {e}"),
                "report this as a bug in acct",
            ));
        }
    };
    Ok(Running {
        index: 0,
        child,
        started: Instant::now(),
        exited: None,
        out: Some(out),
        err: Some(err),
    })
}
