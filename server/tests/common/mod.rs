//! Test harness: real MongoDB wire servers (secantusd), real HTTP servers on free ports,
//! and a fresh database name for every test. No mocks of the database.
#![allow(dead_code)]

pub mod fake_oidc;
pub mod probe;
pub mod server_fns;
pub mod web;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use app::platform::Config;

/// Path of the secantusd launcher: `SECANTUSD`, or the project's venv.
pub fn secantusd() -> PathBuf {
    if let Ok(p) = std::env::var("SECANTUSD") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/venv/bin/secantusd-py")
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn wait_port(port: u16, within: Duration) -> bool {
    let end = Instant::now() + within;
    while Instant::now() < end {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// A database server owned by one test (for tests that stop and restart it).
pub struct DbServer {
    pub port: u16,
    storage: String,
    extra: Vec<String>,
    child: Option<Child>,
}

impl DbServer {
    pub fn start_in_memory() -> DbServer {
        Self::start(free_port(), ":memory:".into(), vec![])
    }

    pub fn start(port: u16, storage: String, extra: Vec<String>) -> DbServer {
        let mut s = DbServer { port, storage, extra, child: None };
        s.launch();
        s
    }

    fn launch(&mut self) {
        let exe = secantusd();
        assert!(exe.exists(), "secantusd not found at {} (run scripts/test.sh, which installs it)", exe.display());
        let child = Command::new(&exe)
            .args(["--host", "127.0.0.1", "--port", &self.port.to_string(), "--storage-path", &self.storage])
            .args(&self.extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start secantusd");
        self.child = Some(child);
        assert!(wait_port(self.port, Duration::from_secs(30)), "secantusd did not open port {}", self.port);
    }

    pub fn uri(&self) -> String {
        format!("mongodb://127.0.0.1:{}/?retryWrites=false", self.port)
    }

    /// SIGKILL: the process gets no chance to clean up.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn restart(&mut self) {
        self.kill();
        self.launch();
    }
}

impl Drop for DbServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs a fault scenario on its own database server, durable (a fresh storage directory,
/// `--sync-on-commit`) so that a killed server keeps what it acknowledged. The scenario must
/// end within `limit` (else something hangs and the test fails); the directory is removed
/// afterwards either way.
pub async fn with_durable_db<F, Fut>(what: &str, limit: Duration, scenario: F)
where
    F: FnOnce(DbServer) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let storage = std::env::temp_dir().join(format!("mewayz-{what}-{}", uuid::Uuid::new_v4().simple()));
    let db = DbServer::start(free_port(), storage.display().to_string(), vec!["--sync-on-commit".into()]);
    let outcome = tokio::time::timeout(limit, scenario(db)).await;
    let _ = std::fs::remove_dir_all(&storage);
    outcome.unwrap_or_else(|_| panic!("the {what} test did not finish within {limit:?}: something hangs"));
}

/// The database server shared by the tests of this process: the one the test script
/// started (`MEWAYZ_TEST_MONGODB_URI`), or one started here on first use.
pub fn shared_db_uri() -> String {
    static URI: OnceLock<String> = OnceLock::new();
    URI.get_or_init(|| {
        // Set and non-empty: use it. Unset or empty (`MEWAYZ_TEST_MONGODB_URI= cargo test`):
        // start one here.
        if let Some(uri) = std::env::var("MEWAYZ_TEST_MONGODB_URI").ok().filter(|u| !u.trim().is_empty()) {
            return uri;
        }
        // Started through a shell that stops it when this test process ends.
        let port = free_port();
        let script = format!(
            "'{exe}' --host 127.0.0.1 --port {port} --storage-path :memory: >/dev/null 2>&1 & db=$!; \
             while kill -0 {parent} 2>/dev/null; do sleep 1; done; kill $db",
            exe = secantusd().display(),
            parent = std::process::id()
        );
        // The shell outlives this call on purpose (it watches this process and then stops the
        // database), so it is not waited for here.
        #[allow(clippy::zombie_processes)]
        Command::new("sh").arg("-c").arg(script).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("sh");
        assert!(wait_port(port, Duration::from_secs(30)), "could not start a test database server");
        format!("mongodb://127.0.0.1:{port}/?retryWrites=false")
    })
    .clone()
}

/// A database name no other test uses.
pub fn unique_db_name(prefix: &str) -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let clean: String = prefix.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(40).collect();
    format!("t_{clean}_{}", &id[..10])
}

/// A throw-away dist/ folder: a shell with an inline loader script and one hashed asset.
pub fn fixture_dist() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mewayz-dist-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><html><head><script type=\"module\">import init from '/frontend-0123456789abcdef.js'; init();</script></head><body></body></html>",
    )
    .unwrap();
    std::fs::write(dir.join("frontend-0123456789abcdef.js"), "export default function init() {}\n".repeat(40)).unwrap();
    std::fs::write(dir.join("sw.js"), "self.addEventListener('fetch', () => {});").unwrap();
    dir
}

/// Creates the declared collections and indexes of a fresh test database before its server
/// starts. The server does the same in the background, but its job worker polls `jobs` at
/// once; secantusd can deadlock (100% CPU, every connection stuck) when a findAndModify
/// creates a collection while another connection creates one, which happens when many test
/// servers start together. With the collections in place first, that never happens.
/// Best effort: a database that is not reachable is left to the server to handle.
async fn prepare_database(db_uri: &str, db_name: &str) {
    let work = async {
        let db = mongodb::Client::with_uri_str(db_uri).await?.database(db_name);
        for spec in app::platform::declared_indexes(&app::REGISTRY) {
            db.collection::<mongodb::bson::Document>(spec.collection).create_index(spec.model).await?;
        }
        Ok::<(), mongodb::error::Error>(())
    };
    match tokio::time::timeout(Duration::from_secs(10), work).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => eprintln!("test database {db_name}: indexes not created up front: {e}"),
        Err(_) => eprintln!("test database {db_name}: indexes not created up front: timed out"),
    }
}

pub struct TestServer {
    pub base: String,
    pub db_name: String,
    pub db_uri: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestServer {
    pub async fn start(db_uri: &str, test_name: &str) -> TestServer {
        Self::start_with(db_uri, test_name, &[]).await
    }

    pub async fn start_with(db_uri: &str, test_name: &str, extra: &[(&str, &str)]) -> TestServer {
        Self::start_on_database(db_uri, &unique_db_name(test_name), extra).await
    }

    /// A server on database `db_name` as it is (another replica of a server started before).
    pub async fn start_on_database(db_uri: &str, db_name: &str, extra: &[(&str, &str)]) -> TestServer {
        let db_name = db_name.to_string();
        let dist = fixture_dist();
        let mut vars: Vec<(String, String)> = vec![
            ("HOST".into(), "127.0.0.1".into()),
            ("PORT".into(), "0".into()),
            ("MONGODB_URI".into(), db_uri.into()),
            ("MONGODB_DB".into(), db_name.clone()),
            ("MONGODB_TIMEOUT_MS".into(), "800".into()),
            ("DIST_DIR".into(), dist.display().to_string()),
        ];
        vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        prepare_database(db_uri, &db_name).await;
        let config = Config::from_lookup(|k| vars.iter().rev().find(|(n, _)| n == k).map(|(_, v)| v.clone())).unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let running = server::start(config, async move {
            let _ = rx.await;
        })
        .await
        .expect("server starts");
        let base = format!("http://{}", running.addr);
        tokio::spawn(running.wait());
        TestServer { base, db_name, db_uri: db_uri.to_string(), shutdown: Some(tx) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A direct handle on this test's database, for asserting what was stored.
    pub async fn db(&self) -> mongodb::Database {
        mongodb::Client::with_uri_str(&self.db_uri).await.unwrap().database(&self.db_name)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Polls `f` until it returns true or `within` passes. Returns the time it took.
pub async fn eventually<F, Fut>(within: Duration, mut f: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while start.elapsed() < within {
        if f().await {
            return Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}
