//! A real nginx (Debian's package) in front of `apikey serve`, configured
//! with the README's snippet: every request nginx lets through is exactly
//! one spend, and denials reach the client as 401 and 403.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::http::{Conn, Server};
use crate::util::Env;

const NGINX: &str = "/usr/sbin/nginx";

/// The README's nginx block, the one it says this test runs.
fn readme_snippet() -> String {
    crate::readme_block::readme_block("nginx.rs", "nginx")
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// nginx in the foreground with its own prefix, killed when dropped.
struct Nginx {
    child: Child,
    addr: SocketAddr,
}

impl Nginx {
    /// Starts nginx with the README's block (pointed at `apikey` and at
    /// a static upstream it serves itself from `root`).
    fn start(env: &Env, apikey: SocketAddr, root: &Path) -> Nginx {
        let prefix = env.path("nginx");
        std::fs::create_dir_all(prefix.join("logs")).unwrap();
        for _attempt in 0..5 {
            let (port, upstream) = (free_port(), free_port());
            let snippet = readme_snippet()
                .replace("127.0.0.1:7878", &apikey.to_string())
                .replace("listen 8080;", &format!("listen 127.0.0.1:{port};"))
                .replace("127.0.0.1:8000", &format!("127.0.0.1:{upstream}"));
            assert!(snippet.contains(&apikey.to_string()), "{snippet}");
            let p = prefix.display();
            let conf = format!(
                "daemon off;\nmaster_process off;\nerror_log {p}/logs/error.log warn;\npid {p}/nginx.pid;\n\
                 events {{ worker_connections 1024; }}\n\
                 http {{\n access_log off;\n client_body_temp_path {p}/body;\n proxy_temp_path {p}/proxy;\n\
                 fastcgi_temp_path {p}/fastcgi;\n uwsgi_temp_path {p}/uwsgi;\n scgi_temp_path {p}/scgi;\n\
                 {snippet}\n\
                 server {{ listen 127.0.0.1:{upstream}; root {}; }}\n}}\n",
                root.display()
            );
            let conf_path = prefix.join("nginx.conf");
            std::fs::write(&conf_path, conf).unwrap();
            let mut child = Command::new(NGINX)
                .arg("-p")
                .arg(&prefix)
                .arg("-c")
                .arg(&conf_path)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start nginx");
            let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                if TcpStream::connect(addr).is_ok()
                    && TcpStream::connect(("127.0.0.1", upstream)).is_ok()
                {
                    return Nginx { child, addr };
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            // A port taken meanwhile: try others.
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            eprintln!(
                "nginx did not start: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        panic!("nginx did not start five times");
    }

    /// `GET path` through nginx with `headers`.
    fn get(&self, path: &str, headers: &[(&str, &str)]) -> crate::http::Reply {
        let mut conn = Conn::open(self.addr);
        conn.send("GET", path, headers, "", true);
        conn.reply().expect("an answer from nginx")
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn nginx_lets_through_exactly_what_was_spent() {
    crate::tools::require(NGINX);
    let env = Env::new();
    let (id, key) = env.create(&["--name", "web"]);
    let (pricey, pricey_key) = env.create(&["--name", "pricey"]);
    let (shop, shop_key) = env.create(&["--name", "shop"]);
    env.ok(&["topup", &pricey, "50"]);
    env.ok(&["topup", &shop, "10"]);
    env.ok(&["security", &shop, "--allow-url", "https://shop.example.com"]);
    let (gone, gone_key) = env.create(&["--name", "gone"]);
    env.ok(&["revoke", &gone, "--yes"]);
    let root = env.path("www");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("data.txt"), "the API's answer\n").unwrap();
    let server = Server::start(&env, &["--trust-proxy", "127.0.0.1"]);
    let nginx = Nginx::start(&env, server.addr, &root);

    for n in 1..=10 {
        let reply = nginx.get("/data.txt", &[("X-Api-Key", &key)]);
        assert_eq!(reply.status, 200, "{reply:?}");
        assert_eq!(reply.body, "the API's answer\n");
        let left = (100 - n).to_string();
        assert_eq!(reply.header("x-apikey-balance"), Some(left.as_str()));
    }
    let query = nginx.get(&format!("/data.txt?api_key={key}"), &[]);
    assert_eq!(query.status, 200);
    assert_eq!(nginx.get("/data.txt", &[]).status, 401);
    assert_eq!(
        nginx.get("/data.txt", &[("X-Api-Key", "ak_nope")]).status,
        401
    );
    assert_eq!(
        nginx.get("/data.txt", &[("X-Api-Key", &gone_key)]).status,
        401
    );
    let elsewhere = nginx.get(
        "/data.txt",
        &[
            ("X-Api-Key", &shop_key),
            ("Origin", "https://evil.example.com"),
        ],
    );
    assert_eq!(elsewhere.status, 403);
    let from_shop = nginx.get(
        "/data.txt",
        &[
            ("X-Api-Key", &shop_key),
            ("Origin", "https://shop.example.com"),
        ],
    );
    assert_eq!(from_shop.status, 200);
    assert_eq!(env.show(&id)["balance"], 89);

    // Racing clients through nginx on a balance of 50: exactly 50 through.
    let through = AtomicUsize::new(0);
    let refused = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..6 {
            let (through, refused, nginx, pricey_key) = (&through, &refused, &nginx, &pricey_key);
            s.spawn(move || {
                for _ in 0..20 {
                    let mut conn = Conn::open(nginx.addr);
                    conn.send("GET", "/data.txt", &[("X-Api-Key", pricey_key)], "", true);
                    let reply = conn.reply().expect("an answer from nginx");
                    match reply.status {
                        200 => through.fetch_add(1, Ordering::Relaxed),
                        403 => refused.fetch_add(1, Ordering::Relaxed),
                        other => panic!("unexpected status {other}: {reply:?}"),
                    };
                }
            });
        }
    });
    assert_eq!(through.into_inner(), 50);
    assert_eq!(refused.into_inner(), 70);
    assert_eq!(env.show(&pricey)["balance"], 0);
    env.assert_ledgers_balance();
    // The spends nginx caused, and nothing else, are in the ledger.
    let spends: i64 = env
        .sql()
        .query_row(
            "SELECT SUM(spends) FROM ledger WHERE reason = 'spend'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(spends, 11 + 1 + 50);

    // nginx kept its connections to `serve` alive (the block's upstream
    // `keepalive`): well over a hundred requests came over a handful.
    let metrics = server.get("/metrics", &[]).body;
    let count = |name: &str| -> u64 {
        metrics
            .lines()
            .filter(|l| l.starts_with(name))
            .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
            .sum()
    };
    let (answered, accepted) = (
        count("apikey_verifications_total{"),
        count("apikey_connections_accepted_total"),
    );
    // Every request nginx asked about but the keyless one (answered 401 by
    // nginx's subrequest all the same, without a verification).
    assert!(answered >= 130, "{metrics}");
    // 6 clients at most at once, and this test's own /metrics request.
    assert!(
        accepted <= 8,
        "{accepted} connections for {answered} requests"
    );
}
