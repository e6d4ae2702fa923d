//! FNV-1a, 64 bits: a hash stable across builds, platforms and upgrades
//! (std's hasher is none of these), for names on disk that must stay the
//! same: the MFA session's cache file, the stage shells' startup files.

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

pub fn hash(text: &str) -> u64 {
    hash_from(OFFSET, text)
}

/// Continue `hash` over `text`: several pieces hashed as one.
pub fn hash_from(hash: u64, text: &str) -> u64 {
    text.bytes().fold(hash, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published FNV-1a 64 test vectors: a change here would rename
    /// every cached session and startup file on upgrade.
    #[test]
    fn the_reference_values() {
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash("foobar"), 0x8594_4171_f739_67e8);
        assert_eq!(hash_from(hash("foo"), "bar"), hash("foobar"));
    }
}
