//! `/v1/auth` and `GET /v1/key`: what a gateway (nginx `auth_request`,
//! Traefik ForwardAuth, Envoy ext_authz) sends, read into a verify
//! request, and a verdict turned back into a status and headers it acts
//! on. No rule is decided here; the verifier decides.

use std::net::IpAddr;

use hyper::HeaderMap;
use hyper::http::request::Parts;

use super::client_ip::TrustedProxies;
use crate::account::AccountName;
use crate::error::Result;
use crate::verify::{self, Verdict, VerifyCode, VerifyRequest};

/// A gateway's request: the presented key (if any) and what it came with.
pub(crate) struct Presented {
    /// The key; `None` when the request carried none.
    pub key: Option<String>,
    /// Origin, client IP, scope and cost.
    pub request: VerifyRequest,
}

/// Reads the key and the request's context from a gateway's headers. An
/// unreadable `X-Apikey-Cost` is the gateway's mistake: an error.
pub(crate) fn read(
    parts: &Parts,
    peer: IpAddr,
    proxies: &TrustedProxies,
    account: Option<&AccountName>,
) -> Result<Presented> {
    let headers = &parts.headers;
    let cost = match header(headers, "x-apikey-cost") {
        Some(text) => verify::parse_cost(text.trim())?,
        None => 1,
    };
    Ok(Presented {
        key: presented_key(headers),
        request: VerifyRequest {
            origin: header(headers, "origin")
                .or_else(|| header(headers, "referer"))
                .map(str::to_owned),
            ip: proxies.client(peer, headers),
            scope: header(headers, "x-apikey-scope").map(str::to_owned),
            cost,
            dry_run: false,
            account: account.cloned(),
        },
    })
}

/// A header's value as text; `None` when absent. A value that is not
/// visible ASCII reads as empty, which no key, origin or scope matches.
fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|v| v.to_str().unwrap_or(""))
}

/// The key from `X-Api-Key`, else `Authorization: Bearer …`, else an
/// `api_key` query parameter of the original URI the gateway forwards.
fn presented_key(headers: &HeaderMap) -> Option<String> {
    if let Some(key) = header(headers, "x-api-key") {
        return Some(key.trim().to_owned());
    }
    if let Some(auth) = header(headers, "authorization") {
        let auth = auth.trim();
        if let Some((scheme, token)) = auth.split_once(' ')
            && scheme.eq_ignore_ascii_case("bearer")
        {
            return Some(token.trim().to_owned());
        }
    }
    let uri = header(headers, "x-original-uri").or_else(|| header(headers, "x-forwarded-uri"))?;
    let query = uri.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(name).as_deref() == Some("api_key"))
            .then(|| percent_decode(value).unwrap_or_default())
    })
}

/// A query component decoded (`%XX` and `+` for a space); `None` when it
/// is not valid percent-encoded UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.bytes();
    while let Some(b) = rest.next() {
        match b {
            b'%' => {
                let hi = char::from(rest.next()?).to_digit(16)?;
                let lo = char::from(rest.next()?).to_digit(16)?;
                bytes.push((hi * 16 + lo) as u8);
            }
            b'+' => bytes.push(b' '),
            b => bytes.push(b),
        }
    }
    String::from_utf8(bytes).ok()
}

/// The status a gateway acts on. nginx's `auth_request` passes only 2xx,
/// 401 and 403 (anything else becomes a 500 for the client), so by
/// default every denial is 401 (the key itself is no good) or 403 (this
/// request may not use it); `full_status` answers 402 for the balance and
/// 429 for a limit, for gateways that pass statuses through.
pub(crate) fn status(code: VerifyCode, full_status: bool) -> u16 {
    match code {
        VerifyCode::Valid => 200,
        VerifyCode::Malformed
        | VerifyCode::NotFound
        | VerifyCode::Revoked
        | VerifyCode::Expired => 401,
        VerifyCode::InsufficientBalance if full_status => 402,
        VerifyCode::DailyLimit
        | VerifyCode::MonthlyLimit
        | VerifyCode::IpDailyLimit
        | VerifyCode::RateLimited
            if full_status =>
        {
            429
        }
        VerifyCode::InsufficientBalance
        | VerifyCode::Suspended
        | VerifyCode::RateLimited
        | VerifyCode::DailyLimit
        | VerifyCode::MonthlyLimit
        | VerifyCode::IpDailyLimit
        | VerifyCode::ForbiddenOrigin
        | VerifyCode::ForbiddenIp
        | VerifyCode::ForbiddenScope => 403,
    }
}

/// Seconds until a limit the verdict hit has room again (a rate limit's
/// window, rounded up; UTC midnight; the first of next month), for
/// `Retry-After`; `None` for other codes.
pub(crate) fn retry_after(verdict: &Verdict, now: crate::clock::Timestamp) -> Option<u64> {
    if verdict.code == VerifyCode::RateLimited {
        return verdict.retry_after_ms.map(|ms| ms.div_ceil(1000).max(1));
    }
    let now = time::OffsetDateTime::from_unix_timestamp(now.unix()).ok()?;
    let today = now.date();
    let resets = match verdict.code {
        VerifyCode::DailyLimit | VerifyCode::IpDailyLimit => today.next_day()?,
        VerifyCode::MonthlyLimit => {
            let (year, month) = match today.month() {
                time::Month::December => (today.year() + 1, time::Month::January),
                m => (today.year(), m.next()),
            };
            time::Date::from_calendar_date(year, month, 1).ok()?
        }
        _ => return None,
    };
    let left = resets.midnight().assume_utc() - now;
    Some(left.whole_seconds().max(1) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(pairs: &[(&'static str, &str)]) -> Parts {
        let mut builder = hyper::Request::builder().uri("/v1/auth");
        for (name, value) in pairs {
            builder = builder.header(*name, *value);
        }
        builder.body(()).unwrap().into_parts().0
    }

    fn key_of(pairs: &[(&'static str, &str)]) -> Option<String> {
        presented_key(&parts(pairs).headers)
    }

    #[test]
    fn the_key_comes_from_the_header_then_bearer_then_the_original_uri() {
        assert_eq!(key_of(&[("x-api-key", " ak_a ")]).as_deref(), Some("ak_a"));
        assert_eq!(
            key_of(&[("authorization", "Bearer ak_b"), ("x-api-key", "ak_a")]).as_deref(),
            Some("ak_a")
        );
        assert_eq!(
            key_of(&[("authorization", "bearer  ak_b")]).as_deref(),
            Some("ak_b")
        );
        assert_eq!(key_of(&[("authorization", "Basic abc")]), None);
        assert_eq!(
            key_of(&[("x-original-uri", "/api/x?a=1&api_key=ak_c%5F&b")]).as_deref(),
            Some("ak_c_")
        );
        assert_eq!(
            key_of(&[("x-forwarded-uri", "/x?api%5Fkey=ak_d#frag")]).as_deref(),
            Some("ak_d")
        );
        assert_eq!(key_of(&[("x-original-uri", "/x?apikey=ak_e")]), None);
        assert_eq!(key_of(&[]), None);
    }

    #[test]
    fn context_and_cost_come_from_headers() {
        let p = parts(&[
            ("referer", "https://a.example/page"),
            ("x-apikey-scope", "read"),
            ("x-apikey-cost", "5"),
        ]);
        let read = read(
            &p,
            "192.0.2.1".parse().unwrap(),
            &TrustedProxies::default(),
            None,
        )
        .unwrap();
        assert_eq!(
            read.request.origin.as_deref(),
            Some("https://a.example/page")
        );
        assert_eq!(read.request.scope.as_deref(), Some("read"));
        assert_eq!(read.request.cost, 5);
        assert_eq!(read.request.ip, "192.0.2.1".parse().ok());
        let bad = parts(&[("x-apikey-cost", "0")]);
        let e = super::read(
            &bad,
            "192.0.2.1".parse().unwrap(),
            &TrustedProxies::default(),
            None,
        );
        assert_eq!(e.err().map(|e| e.exit_code()), Some(2));
    }

    #[test]
    fn statuses_fit_the_gateway() {
        assert_eq!(status(VerifyCode::Valid, false), 200);
        assert_eq!(status(VerifyCode::Revoked, true), 401);
        assert_eq!(status(VerifyCode::InsufficientBalance, false), 403);
        assert_eq!(status(VerifyCode::InsufficientBalance, true), 402);
        assert_eq!(status(VerifyCode::IpDailyLimit, false), 403);
        assert_eq!(status(VerifyCode::MonthlyLimit, true), 429);
        assert_eq!(status(VerifyCode::ForbiddenScope, true), 403);
        assert_eq!(status(VerifyCode::Suspended, true), 403);
        assert_eq!(status(VerifyCode::RateLimited, false), 403);
        assert_eq!(status(VerifyCode::RateLimited, true), 429);
    }

    #[test]
    fn limits_are_retried_when_they_start_over() {
        let at = |text: &str| crate::clock::parse_instant(text).unwrap();
        let retry_after = |code: VerifyCode, now| {
            let mut verdict = Verdict::unidentified(code, 1);
            verdict.retry_after_ms = Some(1_001);
            super::retry_after(&verdict, now)
        };
        let evening = at("2026-12-31T23:00:00Z");
        assert_eq!(retry_after(VerifyCode::DailyLimit, evening), Some(3600));
        assert_eq!(retry_after(VerifyCode::MonthlyLimit, evening), Some(3600));
        let mid_month = at("2026-02-10T00:00:00Z");
        assert_eq!(
            retry_after(VerifyCode::MonthlyLimit, mid_month),
            Some(19 * 86_400)
        );
        assert_eq!(retry_after(VerifyCode::InsufficientBalance, evening), None);
        // A rate limit's window has room again within seconds, rounded up.
        assert_eq!(retry_after(VerifyCode::RateLimited, evening), Some(2));
    }
}
