//! nginx (Debian's package) for the gateway figures: one server serving a
//! small static file with no auth, and the README's block (the one
//! tests/e2e/nginx.rs runs) asking `serve` before serving the same file.
//! Its "your API" upstream is that file, served by the same nginx, so the
//! two differ only by the `auth_request`.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const NGINX: &str = "/usr/sbin/nginx";

/// A running nginx, stopped when dropped.
pub struct Nginx {
    child: Child,
    /// Serves the file with no auth.
    pub open: SocketAddr,
    /// Asks `serve` first.
    pub guarded: SocketAddr,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Nginx {
    /// Starts nginx (a worker per core) under `prefix`, in front of
    /// `serve` at `apikey`.
    pub fn start(prefix: &Path, apikey: SocketAddr) -> Nginx {
        assert!(
            Path::new(NGINX).exists(),
            "{NGINX} is missing: install Debian's nginx (apt-get install nginx-light)"
        );
        let _ = std::fs::remove_dir_all(prefix);
        let root: PathBuf = prefix.join("www");
        std::fs::create_dir_all(prefix.join("logs")).unwrap();
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("index.html"), "hello from the API\n").unwrap();
        let (open, guarded) = (free_port(), free_port());
        let block = crate::readme_block::readme_block("nginx.rs", "nginx")
            .replace("127.0.0.1:7878", &apikey.to_string())
            .replace("listen 8080;", &format!("listen 127.0.0.1:{guarded};"))
            .replace(
                "proxy_pass http://127.0.0.1:8000;  # your API",
                &format!("root {};", root.display()),
            );
        assert!(
            block.contains(&format!("root {}", root.display())),
            "{block}"
        );
        let p = prefix.display();
        let user = if rustix::process::geteuid().is_root() {
            "user root root;\n"
        } else {
            ""
        };
        let conf = format!(
            "daemon off;\n{user}worker_processes auto;\nerror_log {p}/logs/error.log warn;\npid {p}/nginx.pid;\n\
             events {{ worker_connections 4096; }}\n\
             http {{\n access_log off;\n client_body_temp_path {p}/body;\n proxy_temp_path {p}/proxy;\n\
             fastcgi_temp_path {p}/fastcgi;\n uwsgi_temp_path {p}/uwsgi;\n scgi_temp_path {p}/scgi;\n\
             server {{ listen 127.0.0.1:{open}; location / {{ root {}; }} }}\n\
             {block}\n}}\n",
            root.display()
        );
        let conf_path = prefix.join("nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let mut child = Command::new(NGINX)
            .arg("-p")
            .arg(prefix)
            .arg("-c")
            .arg(&conf_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start nginx");
        let addr = |port: u16| SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && child.try_wait().unwrap().is_none() {
            if TcpStream::connect(addr(open)).is_ok() && TcpStream::connect(addr(guarded)).is_ok() {
                return Nginx {
                    child,
                    open: addr(open),
                    guarded: addr(guarded),
                };
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("nginx did not start: see {p}/logs/error.log");
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGQUIT: nginx's graceful stop, so its workers go too.
        let _ = Command::new("kill")
            .args(["-QUIT", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}
