//! `POST /v1/verify`: the JSON twin of `apikey verify --json`, for API
//! servers in any language. The body names the key and the request's
//! context; the answer is the verdict, with the same fields and codes.

use std::net::IpAddr;

use serde::Deserialize;

use crate::account::AccountName;
use crate::verify::{MAX_COST, VerifyRequest};

/// The body's fields. Unknown fields are refused, so a misspelt
/// `dry_run` cannot turn a check into a spend.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    key: String,
    #[serde(default)]
    origin: Option<String>,
    #[serde(default)]
    ip: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    cost: Option<u64>,
    #[serde(default)]
    dry_run: Option<bool>,
}

/// Reads a body into the presented key and its request; `Err` is the
/// message of a 400 answer (never quoting the key).
pub(crate) fn parse(
    body: &[u8],
    account: Option<&AccountName>,
) -> std::result::Result<(String, VerifyRequest), String> {
    let body: Body = serde_json::from_slice(body).map_err(|e| {
        // serde's messages quote only field names and types, never values
        // of string fields, but a key could sit in an unknown field's
        // name; hide anything key-shaped all the same.
        let text = crate::text::hide_secrets(&e.to_string());
        format!("invalid request body: {text}")
    })?;
    let ip = body
        .ip
        .as_deref()
        .map(|text| {
            text.parse::<IpAddr>().map_err(|_| {
                format!(
                    "invalid ip '{}': use an IPv4 or IPv6 address",
                    crate::text::quoted(text)
                )
            })
        })
        .transpose()?;
    let cost = body.cost.unwrap_or(1);
    if !(1..=MAX_COST).contains(&cost) {
        return Err(format!(
            "invalid cost {cost}: use a whole number from 1 to {MAX_COST}"
        ));
    }
    Ok((
        body.key,
        VerifyRequest {
            origin: body.origin,
            ip: ip.map(|ip| ip.to_canonical()),
            scope: body.scope,
            cost,
            dry_run: body.dry_run.unwrap_or(false),
            account: account.cloned(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_read_strictly() {
        let (key, request) = parse(
            br#"{"key":"ak_x","ip":"192.0.2.1","cost":3,"dry_run":true,"scope":"s","origin":"https://a"}"#,
            None,
        )
        .unwrap();
        assert_eq!(key, "ak_x");
        assert_eq!((request.cost, request.dry_run), (3, true));
        assert_eq!(request.scope.as_deref(), Some("s"));
        for bad in [
            &br#"{"key":"ak_x","dryrun":true}"#[..],
            br#"{"ip":"1.2.3.4"}"#,
            br#"{"key":"ak_x","cost":0}"#,
            br#"{"key":"ak_x","cost":-1}"#,
            br#"{"key":"ak_x","ip":"nope"}"#,
            br#"{"key":5}"#,
            b"not json",
            b"",
        ] {
            assert!(
                parse(bad, None).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let secretish = parse(br#"{"ak_abcdefghijklmnop":1}"#, None).unwrap_err();
        assert!(!secretish.contains("abcdefghijklmnop"), "{secretish}");
    }
}
