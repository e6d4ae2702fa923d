//! Output of many commands on one terminal: each line of a stage's output
//! behind its `[stage] ` prefix, whole lines only, the bytes as they came
//! (binary output is not decoded). Pure: it turns chunks into lines; the
//! caller writes them.

/// Collects one stream's chunks and hands back complete, prefixed lines.
pub struct Prefixer {
    prefix: Vec<u8>,
    /// A line begun but not ended yet.
    partial: Vec<u8>,
}

impl Prefixer {
    pub fn new(prefix: &[u8]) -> Self {
        Prefixer {
            prefix: prefix.to_vec(),
            partial: Vec::new(),
        }
    }

    /// The complete lines `chunk` ends, each prefixed and ending in `\n`.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut rest = chunk;
        while let Some(end) = rest.iter().position(|b| *b == b'\n') {
            out.extend_from_slice(&self.prefix);
            out.append(&mut self.partial);
            out.extend_from_slice(&rest[..=end]);
            rest = &rest[end + 1..];
        }
        self.partial.extend_from_slice(rest);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_whole_and_prefixed_whatever_the_chunks() {
        let mut p = Prefixer::new(b"[prod] ");
        assert_eq!(p.push(b"one\ntw"), b"[prod] one\n");
        assert_eq!(p.push(b"o"), b"");
        assert_eq!(p.push(b"\n\nthree"), b"[prod] two\n[prod] \n");
        assert_eq!(p.finish(), b"[prod] three\n");
        assert_eq!(p.finish(), b"");
    }

    #[test]
    fn bytes_pass_through_undecoded() {
        let mut p = Prefixer::new(b"[a] ");
        assert_eq!(p.push(b"\xff\x00\xfe\n"), b"[a] \xff\x00\xfe\n");
    }
}
