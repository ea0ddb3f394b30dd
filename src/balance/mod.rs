//! Balances: lookups remaining on a key, changed only through the ledger.

use crate::error::{Error, Result};

pub mod auto;
pub mod batches;
pub mod expiry;

pub use auto::AutoTopup;
pub use expiry::BatchExpiry;

/// The balance an account's first key starts with (rule 2).
pub const TEST_BALANCE: i64 = 100;
/// The largest single top-up.
pub const MAX_TOPUP: i64 = 1_000_000_000;

/// Parses a top-up amount: an integer from 1 to 1,000,000,000. Anything else
/// (0, negative, too large, not a number) is invalid input.
pub fn parse_amount(text: &str) -> Result<i64> {
    let bad = || {
        Error::invalid(format!(
            "invalid amount '{}': use a whole number from 1 to 1000000000",
            crate::text::quoted(text)
        ))
    };
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let amount: i64 = digits.parse().map_err(|_| bad())?;
    check_amount(amount).map_err(|_| bad())?;
    Ok(amount)
}

/// The store's own check of an amount, for callers of the library.
pub fn check_amount(amount: i64) -> Result<()> {
    if (1..=MAX_TOPUP).contains(&amount) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "invalid amount {amount}: use a whole number from 1 to 1000000000"
        )))
    }
}

/// The longest top-up ref.
pub const MAX_REF_CHARS: usize = 64;

/// Checks a top-up's ref (a payment or invoice id): 1 to 64 characters,
/// none of them a control character, and not blank.
pub fn parse_ref(text: &str) -> Result<String> {
    let count = text.chars().count();
    if text.trim().is_empty() || count > MAX_REF_CHARS || text.chars().any(char::is_control) {
        return Err(Error::invalid(format!(
            "invalid ref '{}': use 1 to {MAX_REF_CHARS} printable characters, such as the payment or invoice id",
            crate::text::quoted(text)
        )));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs() {
        assert_eq!(parse_ref("inv-2026-0042").unwrap(), "inv-2026-0042");
        assert!(parse_ref(&"r".repeat(64)).is_ok());
        assert!(parse_ref("pi_3Nq é").is_ok());
        for bad in [
            "",
            "   ",
            &"r".repeat(65),
            "a\nb",
            "tab\there",
            "\u{1b}[31m",
        ] {
            assert!(parse_ref(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("1").unwrap(), 1);
        assert_eq!(parse_amount("1000000000").unwrap(), MAX_TOPUP);
        for bad in [
            "0",
            "-5",
            "1000000001",
            "99999999999999999999999",
            "ten",
            "",
            "1.5",
            " 5",
            "0x10",
        ] {
            assert!(parse_amount(bad).is_err(), "{bad}");
        }
    }
}
