//! A key's security settings: where it may be used from, how much, for what,
//! and how long usage rows keep the caller's IP.

use serde::Serialize;

/// How many days usage rows keep the client IP unless a key says otherwise.
pub const DEFAULT_REDACT_DAYS: u16 = 28;

/// The settings a verification is checked against. Empty lists mean "any".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SecuritySettings {
    /// Origins or URL prefixes a request may come from.
    pub allowed_urls: Vec<String>,
    /// Addresses or CIDR blocks a request may come from.
    pub allowed_ips: Vec<String>,
    /// Successful lookups per UTC day.
    pub daily_limit: Option<u64>,
    /// Successful lookups per UTC calendar month.
    pub monthly_limit: Option<u64>,
    /// Successful lookups per UTC day per client IP.
    pub ip_daily_limit: Option<u64>,
    /// Scopes a request may ask for.
    pub scopes: Vec<String>,
    /// Days a usage row keeps its client IP before it is redacted.
    pub redact_days: u16,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        SecuritySettings {
            allowed_urls: Vec::new(),
            allowed_ips: Vec::new(),
            daily_limit: None,
            monthly_limit: None,
            ip_daily_limit: None,
            scopes: Vec::new(),
            redact_days: DEFAULT_REDACT_DAYS,
        }
    }
}
