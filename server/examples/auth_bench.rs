//! Measures the cost of a password hash and sign-in latency, on a release build against a
//! real local database (durable writes), through HTTP like a browser.
//! Run with `bench/auth.sh`. Not part of the test command: it prints figures, it asserts none.

use std::time::{Duration, Instant};

use app::platform::Config;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

#[tokio::main]
async fn main() {
    let secantusd = std::env::var("SECANTUSD").unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../.tools/venv/bin/secantusd-py").into());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = std::env::temp_dir().join(format!("mewayz-bench-{port}"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut db = std::process::Command::new(&secantusd)
        .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--storage-path", dir.to_str().unwrap(), "--sync-on-commit"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start secantusd");
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(30), "database did not start");
        std::thread::sleep(Duration::from_millis(50));
    }

    // 1. argon2id cost with the production parameters.
    let mut hashes = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        app::accounts::password::hash("correct horse battery staple".into()).await.unwrap();
        hashes.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    hashes.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "argon2id m={} KiB t={} p={}: mean {:.1} ms, min {:.1} ms, max {:.1} ms over {} hashes",
        app::accounts::password::M_COST_KIB,
        app::accounts::password::T_COST,
        app::accounts::password::P_COST,
        hashes.iter().sum::<f64>() / hashes.len() as f64,
        hashes[0],
        hashes[hashes.len() - 1],
        hashes.len()
    );

    // 2. A server with a mail sink, trusting X-Forwarded-For so each request can come from
    //    its own address (the per-IP sign-in limit is 30 per 15 minutes).
    let sink = devtools::smtp_sink::start("127.0.0.1:0".parse().unwrap(), None).await.unwrap();
    let vars = [
        ("HOST", "127.0.0.1".to_string()),
        ("PORT", "0".to_string()),
        ("MONGODB_URI", format!("mongodb://127.0.0.1:{port}/?retryWrites=false")),
        ("MONGODB_DB", "bench".to_string()),
        ("SMTP_URL", sink.url()),
        ("CLIENT_IP_HEADER", "x-forwarded-for".to_string()),
        ("DIST_DIR", "/nonexistent".to_string()),
        ("RUST_LOG", "warn".to_string()),
    ];
    let config = Config::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())).unwrap();
    let running = server::start(config, std::future::pending()).await.unwrap();
    let base = format!("http://{}", running.addr);
    tokio::spawn(running.wait());
    let http = reqwest::Client::new();

    // 20 verified accounts; 10 sign-ins each stays within the per-account limit.
    let accounts = 20;
    for i in 0..accounts {
        let email = format!("bench{i}@example.com");
        let r = http
            .post(format!("{base}/api/sign_up"))
            .header("x-forwarded-for", format!("10.1.0.{i}"))
            .form(&[("name", "Bench"), ("email", email.as_str()), ("password", "velvet orchard lantern 42")])
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "sign-up failed: {}", r.status());
        let msg = sink.wait_for(|m| m.recipients.iter().any(|r| r == &email), Duration::from_secs(20)).await.expect("verification e-mail");
        let link = msg.links().into_iter().find(|l| l.contains("/verify-email?token=")).unwrap();
        let token = link.split("token=").nth(1).unwrap().to_string();
        let r = http.post(format!("{base}/api/verify_email")).form(&[("token", token)]).send().await.unwrap();
        assert!(r.status().is_success());
    }

    let mut lat = Vec::new();
    for i in 0..200 {
        let email = format!("bench{}@example.com", i % accounts);
        let t = Instant::now();
        let r = http
            .post(format!("{base}/api/sign_in"))
            .header("x-forwarded-for", format!("10.2.{}.{}", i / 200, i % 200))
            .form(&[("email", email.as_str()), ("password", "velvet orchard lantern 42")])
            .send()
            .await
            .unwrap();
        let ok = r.status().is_success();
        let _ = r.bytes().await;
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(ok, "sign-in {i} failed");
    }
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "sign-in over HTTP, 200 sequential: p50 {:.1} ms, p99 {:.1} ms, mean {:.1} ms, max {:.1} ms",
        percentile(&lat, 0.50),
        percentile(&lat, 0.99),
        lat.iter().sum::<f64>() / lat.len() as f64,
        lat[lat.len() - 1]
    );
    let _ = db.kill();
    let _ = db.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
