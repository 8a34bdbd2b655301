//! The forms fault test (M07): the database server is killed with SIGKILL during a burst of
//! public form submissions, then started again.
//!
//! - While it is down, every post is answered within 2 s with 503 and a JSON error: never a
//!   hang, a 500 or a dropped connection.
//! - Every submission the server acknowledged before the kill is stored after the restart
//!   (it runs on a real storage directory with `--sync-on-commit`).
//! - The visitors' scripts then send again, with the same key, every submission that was
//!   not acknowledged (as `form.js` does). Afterwards each key is stored exactly once,
//!   complete, with its answers, and has exactly one follow-up job: none lost, none doubled.
//!
//! Figures are printed: `cargo test -p server --test forms_fault -- --nocapture`.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::forms::{FormDef, FormFull, FormSummary};
use common::web;
use common::{eventually, DbServer};
use mongodb::bson::{doc, Document};

/// The whole test, start to end.
const WHOLE_TEST: Duration = Duration::from_secs(120);
/// The longest any answer may take while the database is down.
const ANSWER_WITHIN: Duration = Duration::from_secs(2);
/// How long the visitors go on posting while the database is down.
const DOWN_FOR: Duration = Duration::from_secs(3);
/// Visitors posting at once, each from its own address.
const VISITORS: usize = 4;

/// One post: its key, the answer's status (0: none), its body, when and how long.
#[derive(Clone, Debug)]
struct Post {
    key: String,
    status: u16,
    body: String,
    started: Instant,
    took: Duration,
}

fn answers_of(key: &str) -> serde_json::Value {
    serde_json::json!({ "name": format!("Visitor {key}"), "email": format!("{key}@example.com") })
}

async fn submit(base: &str, slug: &str, visitor: usize, key: &str) -> Post {
    let started = Instant::now();
    let body = serde_json::json!({ "key": key, "t": "", "answers": answers_of(key) });
    let req = reqwest::Client::new()
        .post(format!("{base}/f/{slug}/submit"))
        .header("x-test-client", format!("10.9.0.{visitor}"))
        .json(&body)
        .timeout(Duration::from_secs(10))
        .send()
        .await;
    match req {
        Ok(r) => {
            let status = r.status().as_u16();
            let body = r.text().await.unwrap_or_default();
            Post { key: key.to_string(), status, body, started, took: started.elapsed() }
        }
        Err(e) => Post { key: key.to_string(), status: 0, body: format!("no answer: {e}"), started, took: started.elapsed() },
    }
}

fn done(p: &Post) -> bool {
    p.status == 200 && p.body.contains("\"done\"")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_the_database_during_a_burst_of_submissions_loses_and_doubles_none() {
    common::with_durable_db("forms-fault", WHOLE_TEST, scenario).await;
}

async fn scenario(mut db: DbServer) {
    let env = web::start_on(&db.uri(), "forms_fault", &[("FORMS_MIN_FILL_MS", "0"), ("CLIENT_IP_HEADER", "x-test-client")]).await;
    env.load_default_plans().await;
    let (owner, ws) = web::owner_with_workspace(&env, "Fern Fault", "fern.fault@example.com").await;
    web::set_plan_in_db(&env, &ws, "enterprise").await;
    let def = FormDef::starter("Burst");
    let f: FormFull = owner.ok("create_form", &[("workspace", &ws), ("title", "Burst")]).await;
    let json = serde_json::to_string(&def).unwrap();
    let f: FormFull = owner.ok("save_form", &[("workspace", &ws), ("form", &f.id), ("content", &json), ("version", &f.version.to_string())]).await;
    let f: FormFull = owner.ok("publish_form", &[("workspace", &ws), ("form", &f.id), ("version", &f.version.to_string())]).await;

    // ---------------------------------------------------------------- the burst
    let log: Arc<Mutex<Vec<Post>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut visitors = vec![];
    for v in 0..VISITORS {
        let (base, slug, log, stop) = (env.srv.base.clone(), f.slug.clone(), log.clone(), stop.clone());
        visitors.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let key = format!("fault-visitor{v}-{n:06}");
                let p = submit(&base, &slug, v, &key).await;
                log.lock().unwrap().push(p);
            }
        }));
    }
    let acked = |log: &Arc<Mutex<Vec<Post>>>| log.lock().unwrap().iter().filter(|p| done(p)).count();
    let enough = eventually(Duration::from_secs(30), || {
        let log = log.clone();
        async move { acked(&log) >= 20 }
    })
    .await;
    assert!(enough.is_some(), "only {} submissions were acknowledged in 30 s", acked(&log));

    // ---------------------------------------------------------------- SIGKILL
    let kill_at = Instant::now();
    tokio::task::block_in_place(|| db.kill());
    let dead_at = Instant::now();
    tokio::time::sleep(DOWN_FOR).await;
    stop.store(true, Ordering::Relaxed);
    for v in visitors {
        v.await.expect("a visitor task panicked");
    }
    let burst = log.lock().unwrap().clone();

    let mut slowest_down = Duration::ZERO;
    let mut sent_while_down = 0;
    for p in &burst {
        assert!(p.status == 200 || p.status == 503, "{}: {} {}", p.key, p.status, p.body);
        if p.status == 200 {
            assert!(done(p), "{}: {}", p.key, p.body);
        } else {
            let v: serde_json::Value = serde_json::from_str(&p.body).unwrap_or_else(|_| panic!("{}: not JSON: {}", p.key, p.body));
            assert_eq!(v["status"], "error", "{}: {}", p.key, p.body);
            assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{}: {}", p.key, p.body);
        }
        if p.started + p.took > kill_at {
            assert!(p.took < ANSWER_WITHIN, "{} took {:?} around the kill", p.key, p.took);
            slowest_down = slowest_down.max(p.took);
        }
        if p.started >= dead_at {
            assert_eq!(p.status, 503, "{} was sent after the kill: {}", p.key, p.body);
            sent_while_down += 1;
        }
    }
    assert!(sent_while_down >= 4, "only {sent_while_down} submissions were sent while the database was down");

    // ---------------------------------------------------------------- back
    tokio::task::block_in_place(|| db.restart());
    let anon = env.browser();
    let ready = eventually(Duration::from_secs(15), || async { anon.http.get(anon.url("/ready")).send().await.is_ok_and(|r| r.status() == 200) }).await;
    assert!(ready.is_some(), "/ready did not turn 200 within 15 s of the database coming back");

    // Every acknowledged submission survived the kill, before anything is sent again.
    let store = mongodb::Client::with_uri_str(db.uri()).await.unwrap().database(&env.srv.db_name);
    let subs = store.collection::<Document>("form_submissions");
    let acked_keys: Vec<&Post> = burst.iter().filter(|p| done(p)).collect();
    for p in &acked_keys {
        let n = subs.count_documents(doc! { "form_id": &f.id, "key": &p.key, "status": "complete" }).await.unwrap();
        assert_eq!(n, 1, "acknowledged submission {} is not stored once after the restart", p.key);
    }

    // The scripts send the others again, with the same keys, until each is acknowledged.
    let mut keys: Vec<String> = burst.iter().map(|p| p.key.clone()).collect();
    keys.sort();
    keys.dedup();
    let unacked: Vec<String> = keys.iter().filter(|k| !acked_keys.iter().any(|p| &&p.key == k)).cloned().collect();
    for key in &unacked {
        let v: usize = key["fault-visitor".len()..].split('-').next().unwrap().parse().unwrap();
        let sent = eventually(Duration::from_secs(15), || async { done(&submit(&env.srv.base, &f.slug, v, key).await) }).await;
        assert!(sent.is_some(), "{key} was not acknowledged when sent again after the restart");
    }
    // A retry of an acknowledged one too (its answer was lost on the way, say).
    let again = submit(&env.srv.base, &f.slug, 0, &acked_keys[0].key).await;
    assert!(done(&again), "{}", again.body);

    // ---------------------------------------------------------------- exactly once
    let jobs = store.collection::<Document>("jobs");
    for key in &keys {
        let stored: Vec<Document> = {
            let mut c = subs.find(doc! { "form_id": &f.id, "key": key }).await.unwrap();
            let mut out = vec![];
            while c.advance().await.unwrap() {
                out.push(c.deserialize_current().unwrap());
            }
            out
        };
        assert_eq!(stored.len(), 1, "{key} is stored {} times", stored.len());
        let d = &stored[0];
        assert_eq!(d.get_str("status").unwrap(), "complete", "{d}");
        let name = d.get_document("answers").unwrap().get_array("name").unwrap()[0].as_str().unwrap().to_string();
        assert_eq!(name, format!("Visitor {key}"), "{d}");
        let job_key = format!("forms.submitted:{}:{key}", f.id);
        assert_eq!(jobs.count_documents(doc! { "idempotency_key": &job_key }).await.unwrap(), 1, "{key}: one follow-up job");
    }
    let total = subs.count_documents(doc! { "form_id": &f.id }).await.unwrap();
    assert_eq!(total as usize, keys.len(), "{total} submissions stored for {} keys", keys.len());
    let list: Vec<FormSummary> = owner.ok("list_forms", &[("workspace", &ws)]).await;
    assert_eq!(list[0].submissions as usize, keys.len(), "the owner's count");

    eprintln!(
        "forms fault: {} posts in the burst, {} acknowledged before the SIGKILL (all present after the restart), {sent_while_down} sent while the \
         database was down (503 each), slowest answer around the kill {slowest_down:?} (limit {ANSWER_WITHIN:?}); {} sent again after the restart; \
         {} submissions stored, one per key, one follow-up job each",
        burst.len(),
        acked_keys.len(),
        unacked.len(),
        keys.len()
    );
}
