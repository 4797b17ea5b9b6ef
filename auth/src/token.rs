//! Bearer secrets: `jpt_<id>_<secret>`, where the id (16 hex digits) names
//! the token (`tokens/<id>`) and the secret is 32 random bytes in hex.
//!
//! Only SHA-256 of the secret is stored. The secret is high-entropy random,
//! so a fast hash is enough (no password stretching needed: nothing to
//! guess), and the stored hash is compared in constant time so a caller
//! cannot learn it byte by byte from response times.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const PREFIX: &str = "jpt_";
const ID_BYTES: usize = 8;
const SECRET_BYTES: usize = 32;

/// A token as issued: shown once to whoever asked for it.
#[derive(Clone, PartialEq, Eq)]
pub struct Issued {
    pub id: String,
    pub secret_sha256: Vec<u8>,
    /// The whole bearer string.
    pub bearer: String,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret by accident.
        f.debug_struct("Issued").field("id", &self.id).finish()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], getrandom::Error> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes)?;
    Ok(bytes)
}

/// `n` random bytes as hex, for session ids and one-time codes.
pub fn random_hex<const N: usize>() -> Result<String, getrandom::Error> {
    Ok(hex(&random_bytes::<N>()?))
}

/// A fresh token.
pub fn issue() -> Result<Issued, getrandom::Error> {
    let id = hex(&random_bytes::<ID_BYTES>()?);
    let secret = hex(&random_bytes::<SECRET_BYTES>()?);
    Ok(Issued {
        secret_sha256: sha256(&secret),
        bearer: format!("{PREFIX}{id}_{secret}"),
        id,
    })
}

pub fn sha256(text: &str) -> Vec<u8> {
    Sha256::digest(text.as_bytes()).to_vec()
}

/// A bearer string split into its id and secret, if it has the shape of one.
pub fn parse(bearer: &str) -> Option<(&str, &str)> {
    let rest = bearer.strip_prefix(PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let hex_of = |text: &str, bytes: usize| {
        text.len() == 2 * bytes && text.bytes().all(|b| b.is_ascii_hexdigit())
    };
    (hex_of(id, ID_BYTES) && hex_of(secret, SECRET_BYTES)).then_some((id, secret))
}

/// Whether `secret` hashes to `stored`, in time independent of where they differ.
pub fn matches(secret: &str, stored: &[u8]) -> bool {
    sha256(secret).ct_eq(stored).into()
}

/// Whether two strings are equal, in time independent of where they differ
/// (for secrets such as CSRF tokens).
pub fn same_secret(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Whether `name` is a token name, `tokens/<16 hex digits>`; its id if so.
pub fn id_of_name(name: &str) -> Option<&str> {
    let id = name.strip_prefix("tokens/")?;
    (id.len() == 2 * ID_BYTES && id.bytes().all(|b| b.is_ascii_hexdigit())).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_parse_and_match_only_their_own_hash() {
        let token = issue().unwrap();
        let (id, secret) = parse(&token.bearer).expect("the shape of a token");
        assert_eq!(id, token.id);
        assert!(matches(secret, &token.secret_sha256));
        let other = issue().unwrap();
        assert!(!matches(secret, &other.secret_sha256));
        assert_ne!(token.id, other.id);
        assert!(!format!("{token:?}").contains(secret));
    }

    #[test]
    fn malformed_bearers_are_refused_before_any_lookup() {
        for bad in [
            "",
            "jpt_",
            "jpt_0123456789abcdef",
            "jpt_0123456789abcdef_",
            "jpt_0123456789abcdeg_00000000000000000000000000000000000000000000000000000000000000",
            "xyz_0123456789abcdef_0000000000000000000000000000000000000000000000000000000000000000",
            "jpt_0123456789abcdef_0000000000000000000000000000000000000000000000000000000000000000\0",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        assert_eq!(
            id_of_name("tokens/0123456789abcdef"),
            Some("0123456789abcdef")
        );
        assert_eq!(id_of_name("tokens/../x"), None);
    }
}
