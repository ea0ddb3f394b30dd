//! One request in, one answer out: which endpoint a request is for, and
//! how each turns the verifier's answer into HTTP. Every answer is small
//! and complete (`Content-Length` set), so a keep-alive connection is
//! never closed for want of a length.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use super::{App, BODY_TIMEOUT, MAX_BODY, gateway, verify_json};
use crate::error::Error;
use crate::verify::{Verdict, VerifyCode};

/// The body type of every answer.
pub(crate) type Body = Full<Bytes>;

/// An answer on its way. Boxed: hyper keeps room for one request's
/// future on every open connection, busy or idle, so that room should be
/// a pointer, not the largest route's state (1.3 KiB: 13 MiB over 10,000
/// connections).
pub(crate) type Answering =
    Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

/// Answers one request.
pub(crate) fn handle(app: Arc<App>, peer: SocketAddr, request: Request<Incoming>) -> Answering {
    let path = request.uri().path();
    let method = request.method();
    let ready = |response| -> Answering { Box::pin(std::future::ready(Ok(response))) };
    match path {
        "/v1/auth" => Box::pin(async move { Ok(auth(&app, peer, request).await) }),
        p if p.starts_with("/v1/auth/") => {
            Box::pin(async move { Ok(auth(&app, peer, request).await) })
        }
        "/v1/verify" if method == Method::POST => {
            Box::pin(async move { Ok(verify(&app, request).await) })
        }
        "/v1/verify" => ready(not_allowed("POST")),
        "/v1/key" if method == Method::GET => {
            Box::pin(async move { Ok(key_view(&app, peer, request).await) })
        }
        "/healthz" if method == Method::GET || method == Method::HEAD => ready(health(&app)),
        "/metrics" if method == Method::GET => ready(metrics(&app)),
        "/v1/key" | "/healthz" | "/metrics" => ready(not_allowed("GET")),
        _ => ready(error(StatusCode::NOT_FOUND, "no such endpoint")),
    }
}

/// `/v1/auth`: the gateway's question, answered with a status and
/// headers only (an empty body keeps nginx's and Caddy's upstream
/// connection alive).
async fn auth(app: &App, peer: SocketAddr, request: Request<Incoming>) -> Response<Body> {
    let presented = match presented(app, peer, request) {
        Ok(presented) => presented,
        Err(answer) => return *answer,
    };
    let Some(key) = presented.key else {
        // No key at all: as a key that is no key, MALFORMED.
        app.metrics
            .verified(VerifyCode::Malformed, std::time::Duration::ZERO);
        return auth_answer(app, &Verdict::unidentified(VerifyCode::Malformed, 1));
    };
    let started = Instant::now();
    match app.verifier.verify_async(&key, presented.request).await {
        Ok(verdict) => {
            app.metrics.verified(verdict.code, started.elapsed());
            auth_answer(app, &verdict)
        }
        Err(e) => failed(app, &e),
    }
}

/// What a gateway's request presents; a 400 answer for a gateway's
/// mistake (an unreadable cost).
fn presented(
    app: &App,
    peer: SocketAddr,
    request: Request<Incoming>,
) -> Result<gateway::Presented, Box<Response<Body>>> {
    let (parts, _) = request.into_parts();
    gateway::read(
        &parts,
        peer.ip(),
        &app.options.trust_proxy,
        app.options.account.as_ref(),
    )
    .map_err(|e| Box::new(error(StatusCode::BAD_REQUEST, &e.to_string())))
}

/// A verdict as a gateway acts on it.
fn auth_answer(app: &App, verdict: &Verdict) -> Response<Body> {
    let status = gateway::status(verdict.code, app.options.full_status);
    let mut answer = empty(StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN));
    let headers = answer.headers_mut();
    headers.insert(
        "x-apikey-code",
        HeaderValue::from_static(verdict.code.as_str()),
    );
    if verdict.valid {
        if let Some(id) = &verdict.key_id {
            insert(headers, "x-apikey-key-id", &id.to_string());
        }
        if let Some(account) = &verdict.account {
            insert(headers, "x-apikey-account", account);
        }
        if let Some(balance) = verdict.balance {
            insert(headers, "x-apikey-balance", &balance.to_string());
        }
    }
    let now = crate::clock::Timestamp::now();
    if status == 429
        && let Some(seconds) = gateway::retry_after(verdict, now)
    {
        insert(headers, "retry-after", &seconds.to_string());
    }
    answer
}

/// `POST /v1/verify`: a JSON body in, the verdict's JSON out.
async fn verify(app: &App, request: Request<Incoming>) -> Response<Body> {
    let body = match read_body(request).await {
        Ok(body) => body,
        Err(answer) => return *answer,
    };
    let (key, request) = match verify_json::parse(&body, app.options.account.as_ref()) {
        Ok(read) => read,
        Err(message) => return error(StatusCode::BAD_REQUEST, &message),
    };
    let started = Instant::now();
    match app.verifier.verify_async(&key, request).await {
        Ok(verdict) => {
            app.metrics.verified(verdict.code, started.elapsed());
            json(StatusCode::OK, &verdict)
        }
        Err(e) => failed(app, &e),
    }
}

/// `GET /v1/key`: the key holder's own view; spends nothing.
async fn key_view(app: &App, peer: SocketAddr, request: Request<Incoming>) -> Response<Body> {
    let presented = match presented(app, peer, request) {
        Ok(presented) => presented,
        Err(answer) => return *answer,
    };
    let key = presented.key.unwrap_or_default();
    let mut request = presented.request;
    request.dry_run = true;
    match app.verifier.key_view_async(&key, request).await {
        Ok(view) => {
            let status = if gateway::status(view.code, false) == 401 {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::OK
            };
            let mut answer = json(status, &view);
            answer.headers_mut().insert(
                "x-apikey-code",
                HeaderValue::from_static(view.code.as_str()),
            );
            answer
        }
        Err(e) => failed(app, &e),
    }
}

/// `/healthz`: whether the store answered its last check.
fn health(app: &App) -> Response<Body> {
    if app.health.ok() {
        text(StatusCode::OK, "ok\n")
    } else {
        text(
            StatusCode::SERVICE_UNAVAILABLE,
            "the store does not answer\n",
        )
    }
}

/// `/metrics`: Prometheus's text format.
fn metrics(app: &App) -> Response<Body> {
    let body = app
        .metrics
        .render(app.connections(), &app.verifier.commit_stats());
    let mut answer = Response::new(Full::new(Bytes::from(body)));
    answer.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    answer
}

/// The verifier could not answer: 503, so that a client retries later.
/// A full queue says when; a failing store is logged (at most once a
/// second), never with the key.
fn failed(app: &App, e: &Error) -> Response<Body> {
    match e {
        Error::Overloaded { .. } => {
            app.metrics.overloaded();
            let mut answer = error(
                StatusCode::SERVICE_UNAVAILABLE,
                "over capacity: too many requests are waiting for the store",
            );
            answer
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            answer
        }
        Error::Invalid(message) => error(StatusCode::BAD_REQUEST, message),
        e => {
            app.metrics.store_error();
            app.store_errors
                .line(&format!("a verification failed: {e}"));
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the store failed; try again",
            )
        }
    }
}

/// Reads a request body of at most [`MAX_BODY`] bytes within
/// [`BODY_TIMEOUT`]; otherwise the answer to give (413, 408 or 400).
async fn read_body(request: Request<Incoming>) -> Result<Bytes, Box<Response<Body>>> {
    let too_large = || {
        Box::new(error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("the request body is larger than {} KiB", MAX_BODY / 1024),
        ))
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    let limited = Limited::new(request.into_body(), MAX_BODY);
    match tokio::time::timeout(BODY_TIMEOUT, limited.collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Ok(Err(_)) => Err(Box::new(error(
            StatusCode::BAD_REQUEST,
            "the request body could not be read",
        ))),
        Err(_) => Err(Box::new(error(
            StatusCode::REQUEST_TIMEOUT,
            "the request body took too long to arrive",
        ))),
    }
}

fn insert(headers: &mut hyper::HeaderMap, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

fn empty(status: StatusCode) -> Response<Body> {
    let mut answer = Response::new(Full::new(Bytes::new()));
    *answer.status_mut() = status;
    answer
}

fn text(status: StatusCode, body: &'static str) -> Response<Body> {
    let mut answer = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *answer.status_mut() = status;
    answer.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    answer
}

fn json(status: StatusCode, value: &impl serde::Serialize) -> Response<Body> {
    let mut body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    body.push(b'\n');
    let mut answer = Response::new(Full::new(Bytes::from(body)));
    *answer.status_mut() = status;
    answer.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    answer
}

/// `{"error": "…"}` with `status`.
fn error(status: StatusCode, message: &str) -> Response<Body> {
    json(status, &serde_json::json!({ "error": message }))
}

fn not_allowed(allow: &'static str) -> Response<Body> {
    let mut answer = error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    answer
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    answer
}
