//! Output of many commands on one terminal: each line of a stage's output
//! behind its `[stage] ` prefix, whole lines only, the bytes as they came
//! (binary output is not decoded). A line longer than [`PIECE`] is cut into
//! pieces of that size, each ending in a `\` continuation mark, so what acct
//! holds of a stream stays bounded whatever the command prints.

use std::io::{ErrorKind, Read, Write};

/// The longest piece of a line acct holds before writing it out.
pub const PIECE: usize = 64 * 1024;

/// Collects one stream's chunks and hands back complete, prefixed lines.
pub struct Lines {
    prefix: Vec<u8>,
    /// A line begun but not ended yet; never longer than `PIECE`.
    partial: Vec<u8>,
}

impl Lines {
    pub fn new(prefix: &[u8]) -> Self {
        Lines {
            prefix: prefix.to_vec(),
            partial: Vec::new(),
        }
    }

    /// The complete lines (or full pieces) `chunk` ends, each prefixed and
    /// ending in `\n`; a piece cut from a longer line ends in `\` and `\n`.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut rest = chunk;
        while let Some(&first) = rest.first() {
            if self.partial.len() == PIECE {
                out.extend_from_slice(&self.prefix);
                out.append(&mut self.partial);
                if first == b'\n' {
                    rest = &rest[1..];
                    out.push(b'\n');
                } else {
                    out.extend_from_slice(b"\\\n");
                }
                continue;
            }
            let window = &rest[..rest.len().min(PIECE - self.partial.len())];
            match window.iter().position(|b| *b == b'\n') {
                Some(end) => {
                    out.extend_from_slice(&self.prefix);
                    out.append(&mut self.partial);
                    out.extend_from_slice(&window[..=end]);
                    rest = &rest[end + 1..];
                }
                None => {
                    self.partial.extend_from_slice(window);
                    rest = &rest[window.len()..];
                }
            }
        }
        out
    }

    /// The last line when the stream ended without a newline, ended here.
    pub fn finish(&mut self) -> Vec<u8> {
        if self.partial.is_empty() {
            return Vec::new();
        }
        let mut out = self.prefix.clone();
        out.append(&mut self.partial);
        out.push(b'\n');
        out
    }
}

/// One of a stage's pipes (stdout or stderr), read without blocking into
/// acct's own stream of the same kind.
pub struct Stream<P> {
    pub pipe: P,
    lines: Lines,
    to_stderr: bool,
}

/// What one read gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Got {
    More,
    Ended,
}

impl<P: Read + std::os::fd::AsFd> Stream<P> {
    /// The pipe made nonblocking, so a read never waits.
    pub fn new(pipe: P, prefix: &[u8], to_stderr: bool) -> std::io::Result<Self> {
        use nix::fcntl::{FcntlArg, OFlag, fcntl};
        let flags = OFlag::from_bits_truncate(fcntl(pipe.as_fd(), FcntlArg::F_GETFL)?);
        fcntl(pipe.as_fd(), FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK))?;
        Ok(Stream {
            pipe,
            lines: Lines::new(prefix),
            to_stderr,
        })
    }

    /// One read of at most `buf.len()` bytes, its whole lines written out.
    pub fn read(&mut self, buf: &mut [u8]) -> Got {
        match self.pipe.read(buf) {
            Ok(0) => Got::Ended,
            Ok(n) => {
                let lines = self.lines.push(&buf[..n]);
                self.write(&lines);
                Got::More
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => {
                Got::More
            }
            Err(_) => Got::Ended,
        }
    }

    /// The unfinished last line, ended.
    pub fn finish(&mut self) {
        let last = self.lines.finish();
        self.write(&last);
    }

    fn write(&self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        // Whole lines under the lock: stages never interleave mid-line.
        let _ = if self.to_stderr {
            std::io::stderr().lock().write_all(bytes)
        } else {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes).and_then(|()| out.flush())
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_whole_and_prefixed_whatever_the_chunks() {
        let mut p = Lines::new(b"[prod] ");
        assert_eq!(p.push(b"one\ntw"), b"[prod] one\n");
        assert_eq!(p.push(b"o"), b"");
        assert_eq!(p.push(b"\n\nthree"), b"[prod] two\n[prod] \n");
        assert_eq!(p.finish(), b"[prod] three\n");
        assert_eq!(p.finish(), b"");
    }

    #[test]
    fn bytes_pass_through_undecoded() {
        let mut p = Lines::new(b"[a] ");
        assert_eq!(p.push(b"\xff\x00\xfe\n"), b"[a] \xff\x00\xfe\n");
    }

    #[test]
    fn a_long_line_comes_out_in_marked_pieces_and_nothing_more_is_held() {
        let mut p = Lines::new(b"[a] ");
        let mut out = Vec::new();
        // 2.5 pieces in chunks of odd sizes, then the end of the line.
        let line = vec![b'x'; PIECE * 5 / 2];
        for chunk in line.chunks(7001) {
            out.extend(p.push(chunk));
            assert!(p.partial.len() <= PIECE);
        }
        out.extend(p.push(b"\n"));
        let pieces: Vec<&[u8]> = out.split_inclusive(|b| *b == b'\n').collect();
        assert_eq!(pieces.len(), 3);
        for piece in &pieces[..2] {
            assert!(piece.starts_with(b"[a] xx") && piece.ends_with(b"x\\\n"));
            assert_eq!(piece.len(), 4 + PIECE + 2);
        }
        assert_eq!(pieces[2].len(), 4 + PIECE / 2 + 1);
        // A line of exactly one piece is not marked as continued.
        let mut p = Lines::new(b"");
        let mut exact = vec![b'y'; PIECE];
        exact.push(b'\n');
        assert_eq!(p.push(&exact), exact);
    }
}
