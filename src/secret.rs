//! Key secrets. A secret is `ak_` + 22 random base62 characters (131 bits
//! from the OS CSPRNG) + 6 base62 characters of CRC-32 over the random part,
//! so a mistyped or truncated key is rejected before any store read and
//! secret scanners can recognise one. The store keeps only a SHA-256 digest.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// What every secret starts with.
pub const PREFIX: &str = "ak_";
const RANDOM_LEN: usize = 22;
const CHECK_LEN: usize = 6;
/// The length of every well-formed secret.
pub const SECRET_LEN: usize = PREFIX.len() + RANDOM_LEN + CHECK_LEN;

pub(crate) const BASE62: &[u8; 62] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A key secret that passed the format and checksum checks. Its `Debug` and
/// `Display` show only the hint, so it cannot leak through logs or errors.
pub struct Secret(String);

/// The SHA-256 digest of a secret: what the store keeps and looks keys up by.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyDigest(pub [u8; 32]);

/// Why a string is not a well-formed secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformed {
    /// Does not start with `ak_`.
    Prefix,
    /// Too short or too long.
    Length,
    /// A character outside base62.
    Alphabet,
    /// The checksum does not match: a typo.
    Checksum,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Malformed::Prefix => "it does not start with ak_",
            Malformed::Length => "it has the wrong length",
            Malformed::Alphabet => "it has a character that is not a letter or digit",
            Malformed::Checksum => "its checksum does not match (a typo?)",
        })
    }
}

impl Secret {
    /// A new secret from the OS CSPRNG.
    pub fn generate() -> Result<Secret> {
        let mut body = String::with_capacity(SECRET_LEN);
        body.push_str(PREFIX);
        random_base62(RANDOM_LEN, &mut body)?;
        let mut check = [0u8; CHECK_LEN];
        base62_fixed(
            u64::from(crc32(&body.as_bytes()[PREFIX.len()..])),
            &mut check,
        );
        body.extend(check.iter().map(|&b| char::from(b)));
        Ok(Secret(body))
    }

    /// Checks prefix, length, alphabet and checksum, in that order.
    pub fn parse(text: &str) -> std::result::Result<Secret, Malformed> {
        check(text)?;
        Ok(Secret(text.to_owned()))
    }

    /// The secret itself, for the one place it is printed.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The digest the store keeps.
    pub fn digest(&self) -> KeyDigest {
        digest_of(&self.0)
    }

    /// `ak_…` + the last 4 characters: enough to recognise, useless to attack.
    pub fn hint(&self) -> String {
        format!("{PREFIX}…{}", &self.0[SECRET_LEN - 4..])
    }
}

/// Whether `text` is the body of a secret without its `ak_` prefix: 28
/// base62 characters whose last 6 are the checksum of the first 22. Such a
/// string is as good as the secret (the prefix is constant), so it must
/// never be echoed nor kept as a name.
pub fn is_bare_body(text: &str) -> bool {
    text.len() == SECRET_LEN - PREFIX.len() && checksum_ok(text.as_bytes())
}

/// The digest of a presented key that passes [`Secret::parse`]'s checks,
/// without copying it: the verification path's way in.
pub fn digest_presented(text: &str) -> std::result::Result<KeyDigest, Malformed> {
    check(text)?;
    Ok(digest_of(text))
}

fn digest_of(text: &str) -> KeyDigest {
    KeyDigest(Sha256::digest(text.as_bytes()).into())
}

/// Prefix, length, alphabet, checksum (without allocating).
fn check(text: &str) -> std::result::Result<(), Malformed> {
    if !text.starts_with(PREFIX) {
        return Err(Malformed::Prefix);
    }
    if text.len() != SECRET_LEN {
        return Err(Malformed::Length);
    }
    let body = &text.as_bytes()[PREFIX.len()..];
    if !body.iter().all(u8::is_ascii_alphanumeric) {
        return Err(Malformed::Alphabet);
    }
    if !checksum_ok(body) {
        return Err(Malformed::Checksum);
    }
    Ok(())
}

/// Whether a 28-byte body is base62 and ends in the checksum of its first 22.
fn checksum_ok(body: &[u8]) -> bool {
    if body.len() != RANDOM_LEN + CHECK_LEN || !body.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (random, check) = body.split_at(RANDOM_LEN);
    let mut expected = [0u8; CHECK_LEN];
    base62_fixed(u64::from(crc32(random)), &mut expected);
    constant_time_eq(&expected, check)
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.hint())
    }
}

impl fmt::Debug for KeyDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyDigest(")?;
        for b in &self.0[..4] {
            write!(f, "{b:02x}")?;
        }
        write!(f, "…)")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // Overwrite the bytes before the allocation is freed; the volatile-free
        // version is good enough here because the buffer is read below.
        let mut bytes = std::mem::take(&mut self.0).into_bytes();
        bytes.fill(0);
        std::hint::black_box(&bytes);
    }
}

/// Appends `len` uniformly random base62 characters, by rejection sampling
/// bytes (values of 248 and above would bias the alphabet).
pub(crate) fn random_base62(len: usize, out: &mut String) -> Result<()> {
    let mut pool = [0u8; 64];
    let mut taken = 0;
    while taken < len {
        getrandom::fill(&mut pool).map_err(|e| Error::Store {
            path: "OS random source".into(),
            message: e.to_string(),
            source: Some(Box::new(e)),
        })?;
        for &b in &pool {
            if b < 248 && taken < len {
                out.push(char::from(BASE62[usize::from(b % 62)]));
                taken += 1;
            }
        }
    }
    Ok(())
}

/// Writes `value` as base62 into all of `out`, most significant digit first.
fn base62_fixed(mut value: u64, out: &mut [u8]) {
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(value % 62) as usize];
        value /= 62;
    }
}

/// Compares without an early exit, so timing does not reveal where two
/// byte strings first differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// CRC-32 (IEEE 802.3), the checksum GitHub's token format also uses.
fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    let mut crc = !0u32;
    for &b in data {
        crc = TABLE[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_bodies_are_known_by_their_checksum() {
        let secret = Secret::generate().unwrap();
        let body = &secret.expose()[PREFIX.len()..];
        assert!(is_bare_body(body));
        assert!(!is_bare_body(secret.expose()));
        assert!(!is_bare_body(&body[1..]));
        let flipped: String = body
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    if c == 'a' { 'b' } else { 'a' }
                } else {
                    c
                }
            })
            .collect();
        assert!(!is_bare_body(&flipped));
    }

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn generated_secrets_parse_and_differ() {
        let a = Secret::generate().unwrap();
        let b = Secret::generate().unwrap();
        assert_eq!(a.expose().len(), SECRET_LEN);
        assert!(a.expose().starts_with("ak_"));
        assert_ne!(a.expose(), b.expose());
        assert_eq!(Secret::parse(a.expose()).unwrap().digest(), a.digest());
    }

    #[test]
    fn every_single_character_typo_is_caught() {
        let s = Secret::generate().unwrap();
        let text = s.expose().to_owned();
        for i in PREFIX.len()..SECRET_LEN {
            for &c in BASE62 {
                if text.as_bytes()[i] == c {
                    continue;
                }
                let mut typo = text.clone().into_bytes();
                typo[i] = c;
                let typo = String::from_utf8(typo).unwrap();
                assert_eq!(Secret::parse(&typo).unwrap_err(), Malformed::Checksum);
            }
        }
    }

    #[test]
    fn malformed_reasons() {
        let s = Secret::generate().unwrap();
        let text = s.expose();
        assert_eq!(Secret::parse("xx_abc").unwrap_err(), Malformed::Prefix);
        assert_eq!(
            Secret::parse(&text[..SECRET_LEN - 1]).unwrap_err(),
            Malformed::Length
        );
        let mut bad = text.to_owned();
        bad.replace_range(5..6, "-");
        assert_eq!(Secret::parse(&bad).unwrap_err(), Malformed::Alphabet);
    }

    #[test]
    fn debug_and_hint_never_show_the_secret() {
        let s = Secret::generate().unwrap();
        let shown = format!("{s:?} {}", s.hint());
        assert!(!shown.contains(&s.expose()[3..10]));
        assert!(s.hint().ends_with(&s.expose()[SECRET_LEN - 4..]));
        assert_eq!(s.hint().chars().count(), 8);
    }

    #[test]
    fn random_base62_is_roughly_uniform() {
        let mut s = String::new();
        random_base62(62_000, &mut s).unwrap();
        let mut counts = [0u32; 62];
        for b in s.bytes() {
            counts[BASE62.iter().position(|&c| c == b).unwrap()] += 1;
        }
        // Expected 1000 each; 6 sigma is about 190.
        assert!(
            counts.iter().all(|&c| (800..1200).contains(&c)),
            "{counts:?}"
        );
    }
}
