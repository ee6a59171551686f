//! Opaque random tokens: shown once, stored as SHA-256 hashes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Prefix of visitor tokens.
pub const VISITOR_PREFIX: &str = "nv_";
/// Prefix of API keys.
pub const API_KEY_PREFIX: &str = "nk_";
/// Prefix of refresh tokens.
pub const REFRESH_PREFIX: &str = "nr_";

/// A new random token: `prefix` + 256 random bits.
pub fn generate(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Compares two secrets in a time that doesn't depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The stored form of a token.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_hash_stably() {
        let a = generate(VISITOR_PREFIX);
        let b = generate(VISITOR_PREFIX);
        assert_ne!(a, b);
        assert!(a.starts_with(VISITOR_PREFIX) && a.len() > 40);
        assert_eq!(hash(&a), hash(&a));
        assert_ne!(hash(&a), hash(&b));
    }
}
