//! Test harness: a real MongoDB wire server (secantusd) per test, on a free port, killed when
//! the test ends, and a fresh database name for every test.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The secantusd launcher: `SECANTUSD`, or the main repo's venv.
pub fn secantusd() -> PathBuf {
    std::env::var_os("SECANTUSD")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools/venv/bin/secantusd-py"))
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_port(port: u16, within: Duration) -> bool {
    let end = Instant::now() + within;
    while Instant::now() < end {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// An in-memory database server owned by one test; killed on drop.
pub struct DbServer {
    pub port: u16,
    child: Child,
}

impl DbServer {
    pub fn start() -> DbServer {
        let exe = secantusd();
        assert!(exe.exists(), "secantusd not found at {} (set SECANTUSD)", exe.display());
        let port = free_port();
        let child = Command::new(&exe)
            .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--storage-path", ":memory:"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start secantusd");
        let mut server = DbServer { port, child };
        if !wait_port(port, Duration::from_secs(30)) {
            let _ = server.child.kill();
            panic!("secantusd did not open port {port}");
        }
        server
    }

    pub fn uri(&self) -> String {
        format!("mongodb://127.0.0.1:{}/?retryWrites=false", self.port)
    }

    /// A database with a name no other test uses, with the job indexes in place.
    pub async fn fresh_db(&self, test: &str) -> mongodb::Database {
        let client = mongodb::Client::with_uri_str(self.uri()).await.expect("client");
        let name = format!("t_{test}_{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
        let db = client.database(&name);
        app::platform::jobs::ensure_indexes(&db).await.expect("indexes");
        db
    }
}

impl Drop for DbServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
