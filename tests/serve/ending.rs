//! The endpoint ends with the command; acct ends as the command did.

use super::*;

/// A client that gives up on a slow fetch (the SDKs wait a few seconds),
/// and a command that ends: the AWS CLI acct started for the fetch ends
/// with acct. Left running, it writes "[Errno 32] Broken pipe" on the
/// terminal later, or keeps asking a role's MFA code there, under the
/// shell acct returned to.
#[test]
fn a_fetch_still_running_when_the_command_ends_ends_with_acct() {
    use std::io::Write;
    let served = Served::new(MEMBER);
    served.set("slow", true);
    let mut held = served.hold(&["testing"], "");
    let mut client = std::net::TcpStream::connect(("127.0.0.1", held.port)).unwrap();
    write!(
        client,
        "GET /credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\n\r\n",
        held.token
    )
    .unwrap();
    let pid_file = served.sandbox.root.join("slow.pid");
    wait_for_file(&pid_file);
    drop(client);
    // acct's end, not its pipes' (a process left behind holds them).
    std::fs::write(&held.done, "0").unwrap();
    assert_eq!(held.ended().code(), Some(0));
    let text = std::fs::read_to_string(&pid_file).unwrap();
    let fetch: i32 = text.trim().parse().unwrap();
    let deadline = Instant::now() + SIGNALLED;
    while runs(fetch) {
        if Instant::now() > deadline {
            let _ = kill(Pid::from_raw(fetch), Signal::SIGKILL);
            panic!("the fetch's AWS CLI (pid {fetch}) still runs after acct ended");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn acct_ends_with_the_commands_status_and_the_endpoint_with_it() {
    let served = Served::new(MEMBER);
    let held = served.hold(&["testing"], "");
    let port = held.port;
    assert_eq!(request(port, "GET", "/credentials", None).0, 401, "serving");
    let out = held.finish("7");
    assert_status(&out, 7);
    assert_refuses(port);

    for (signal, number) in [("INT", 2), ("KILL", 9)] {
        let out = served.exec("testing", &format!("kill -{signal} $$"));
        assert_eq!(
            out.status.signal(),
            Some(number),
            "a command killed by SIG{signal}: acct got {:?}\n{}",
            out.status,
            stderr(&out)
        );
    }
}

/// SIGTERM to acct goes to the command: one that traps it ends as it
/// chooses, and acct with it; one that does not dies of it, and acct dies
/// of SIGTERM too. Either way the endpoint is gone.
#[test]
fn sigterm_to_acct_reaches_the_command_and_the_endpoint_ends() {
    let served = Served::new(MEMBER);
    let trapped = served.sandbox.root.join("trapped");
    let mut held = served.hold(
        &["testing"],
        &format!("trap \"echo TERM > {}; exit 3\" TERM", quote(&trapped)),
    );
    held.signal(Signal::SIGTERM);
    let status = held.ended();
    assert_eq!(status.code(), Some(3), "{status:?}");
    assert_eq!(
        std::fs::read_to_string(&trapped).unwrap_or_default(),
        "TERM\n",
        "the command got SIGTERM"
    );
    assert_refuses(held.port);
    drop(held);

    let mut held = served.hold(&["testing"], "");
    held.signal(Signal::SIGTERM);
    let status = held.ended();
    assert_eq!(status.signal(), Some(15), "{status:?}");
    wait_until("the command to end", SIGNALLED, || !runs(held.pid));
    assert_refuses(held.port);
}

/// SIGKILL cannot be forwarded, yet the endpoint goes with acct: nothing
/// else holds its socket, not even the command.
#[test]
fn after_sigkill_to_acct_the_port_refuses() {
    let served = Served::new(MEMBER);
    let mut held = served.hold(&["testing"], "");
    held.signal(Signal::SIGKILL);
    assert_eq!(held.ended().signal(), Some(9));
    assert_refuses(held.port);
}
