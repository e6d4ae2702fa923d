//! The endpoint's secret: 32 random bytes from the system's generator,
//! written as 64 hex digits, new for every run, never written to disk.
//! Anyone on the machine can connect to 127.0.0.1; only the command acct
//! started (and what it hands the token to) can show it.

use std::fs::File;
use std::io::Read;

pub struct Token(String);

impl Token {
    /// A fresh token from `/dev/urandom` (Linux and macOS alike; it does not
    /// block once the system has booted).
    pub fn new() -> std::io::Result<Self> {
        let mut bytes = [0u8; 32];
        File::open("/dev/urandom")?.read_exact(&mut bytes)?;
        Ok(Token(hex::encode(bytes)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `given` is the token. The time taken depends on the length
    /// only (public: always 64), never on how many leading bytes match, so
    /// a caller cannot find the token a byte at a time by timing answers.
    pub fn matches(&self, given: &[u8]) -> bool {
        let want = self.0.as_bytes();
        if given.len() != want.len() {
            return false;
        }
        let difference = want
            .iter()
            .zip(given)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        // black_box: the optimiser may not turn the fold into an early exit.
        std::hint::black_box(difference) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_64_hex_digits_and_new_each_time() {
        let one = Token::new().unwrap();
        let two = Token::new().unwrap();
        assert_eq!(one.as_str().len(), 64);
        assert!(one.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(one.as_str(), two.as_str());
    }

    #[test]
    fn only_the_whole_token_matches() {
        let token = Token::new().unwrap();
        let text = token.as_str().as_bytes();
        assert!(token.matches(text));
        assert!(!token.matches(&text[..63]), "a prefix");
        assert!(!token.matches(b""), "nothing");
        let mut longer = text.to_vec();
        longer.push(b'0');
        assert!(!token.matches(&longer), "the token and more");
        let mut last_changed = text.to_vec();
        last_changed[63] = if last_changed[63] == b'0' { b'1' } else { b'0' };
        assert!(!token.matches(&last_changed), "one digit off");
    }
}
