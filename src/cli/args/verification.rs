//! The arguments of `verify` and `serve`, the commands an API server or a
//! gateway runs.

use clap::Args;

pub(super) const VERIFY_HELP: &str = "\
The key is read from stdin when KEY is - or absent, so it need not appear in `ps`
(and a presented value that looks like a flag is never read as one). verify exits 0
only for a valid key: this help exits 2.

With an account named (--account, APIKEY_ACCOUNT or the config), only its keys
verify: another account's key is NOT_FOUND. With none named, every account's do.

Results (exit code): VALID 0, MALFORMED 10, NOT_FOUND 11, REVOKED 12, EXPIRED 13,
INSUFFICIENT_BALANCE 14, DAILY_LIMIT 15, IP_DAILY_LIMIT 16, FORBIDDEN_ORIGIN 17,
FORBIDDEN_IP 18, FORBIDDEN_SCOPE 19, MONTHLY_LIMIT 20, SUSPENDED 21, RATE_LIMITED 22
(--json adds retry_after_ms). A denied verification spends nothing.

Example:
  printf '%s' \"$KEY\" | apikey verify --origin https://shop.example.com --ip 203.0.113.9 --json";

/// `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The presented key, or - to read it from stdin [default: stdin]
    #[arg(value_name = "KEY")]
    pub key: Option<String>,

    /// The request's Origin or Referer
    #[arg(long, value_name = "URL")]
    pub origin: Option<String>,

    /// The client's IP address
    #[arg(long, value_name = "ADDR")]
    pub ip: Option<String>,

    /// The scope the request needs
    #[arg(long, value_name = "S")]
    pub scope: Option<String>,

    /// Lookups this request spends
    #[arg(
        long,
        value_name = "N",
        default_value = "1",
        allow_hyphen_values = true
    )]
    pub cost: String,

    /// Check only: spend nothing, record nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub(super) const SERVE_HELP: &str = "\
Endpoints: POST /v1/verify (JSON, as `verify --json`), /v1/auth (for nginx
auth_request, Traefik ForwardAuth, Envoy ext_authz: the key from X-Api-Key,
Authorization: Bearer or an api_key query parameter of X-Original-URI), GET /v1/key
(the holder's own balance and limits), GET /healthz, GET /metrics.

Stops on SIGTERM or SIGINT: finishes the requests in flight, every VALID answered
has committed, exits 0. Logs one line per start, stop and error to stderr.

Example:
  apikey serve --listen 127.0.0.1:7878 --trust-proxy 10.0.0.0/8";

/// `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on; port 0 picks a free one [env: APIKEY_LISTEN] [default: `listen` in the config's [serve], else 127.0.0.1:7878]
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,

    /// Believe X-Forwarded-For and X-Real-IP from peers in this range (repeatable) [default: none]
    #[arg(long = "trust-proxy", value_name = "CIDR")]
    pub trust_proxy: Vec<String>,

    /// Answer balance denials 402 and limit denials 429 (with Retry-After), for gateways that pass statuses through
    #[arg(long)]
    pub full_status: bool,

    /// The most client connections open at once; more wait to be accepted [default: 10000]
    #[arg(long, value_name = "N")]
    pub max_connections: Option<String>,
}
