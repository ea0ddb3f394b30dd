//! The minimal HTTP verifier `serve` is measured against: hyper on tokio
//! (one worker per core, as `serve`), `/healthz` answering at once, and
//! `/v1/auth` handing the `X-Api-Key` to one store thread that spends it
//! with the floor's statements (`support::Floor`) under `synchronous =
//! FULL`, `batch` requests per transaction, answering each after COMMIT.
//! No policy, no limits, no events, no metrics: only what a durable,
//! exact spend over HTTP must cost.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use apikey::Timestamp;
use http_body_util::Empty;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;

use crate::support::Floor;

/// A spend asked of the store thread, and where its answer goes.
type Job = (String, oneshot::Sender<bool>);

/// A running minimal server; it runs until the process ends.
pub struct Minimal {
    pub addr: SocketAddr,
}

impl Minimal {
    /// Starts the server on a free loopback port over the store at `path`,
    /// with at most `batch` spends per transaction (1: one transaction per
    /// request).
    pub fn start(path: &Path, batch: usize) -> Minimal {
        let (jobs, queue) = mpsc::channel::<Job>();
        let path: PathBuf = path.to_owned();
        std::thread::spawn(move || store_thread(&path, &queue, batch));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(std::thread::available_parallelism().map_or(2, usize::from))
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || runtime.block_on(accept(listener, jobs)));
        Minimal { addr }
    }
}

/// The store thread: take what is queued (up to `batch`), spend it in one
/// transaction, answer after the commit.
fn store_thread(path: &Path, queue: &mpsc::Receiver<Job>, batch: usize) {
    let floor = Floor::open_with(path, true);
    let mut taken: Vec<Job> = Vec::with_capacity(batch);
    while let Ok(job) = queue.recv() {
        taken.push(job);
        while taken.len() < batch {
            match queue.try_recv() {
                Ok(job) => taken.push(job),
                Err(_) => break,
            }
        }
        let balances = floor.spend_batch(taken.iter().map(|(s, _)| s.as_str()), Timestamp::now());
        for ((_, answer), balance) in taken.drain(..).zip(balances) {
            let _ = answer.send(balance >= 0);
        }
    }
}

async fn accept(listener: tokio::net::TcpListener, jobs: mpsc::Sender<Job>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let jobs = jobs.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| answer(request, jobs.clone()));
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(
    request: Request<Incoming>,
    jobs: mpsc::Sender<Job>,
) -> Result<Response<Empty<Bytes>>, Infallible> {
    let status = match request.uri().path() {
        "/healthz" => StatusCode::OK,
        "/v1/auth" => match request.headers().get("x-api-key").map(|v| v.to_str()) {
            Some(Ok(secret)) => {
                let (tx, rx) = oneshot::channel();
                jobs.send((secret.to_owned(), tx)).unwrap();
                if rx.await.unwrap_or(false) {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                }
            }
            _ => StatusCode::UNAUTHORIZED,
        },
        _ => StatusCode::NOT_FOUND,
    };
    let mut response = Response::new(Empty::new());
    *response.status_mut() = status;
    Ok(response)
}
