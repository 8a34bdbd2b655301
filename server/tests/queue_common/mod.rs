//! Test harness: a real MongoDB wire server (secantusd) per test, on a free port, killed when
//! the test ends, and a fresh database name for every test.
#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::time::Duration;

// The shared harness's helpers (secantusd path, free ports, waiting for a port).
#[path = "../common/mod.rs"]
mod base;
pub use base::{free_port, secantusd, wait_port};

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
