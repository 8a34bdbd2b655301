//! The fault test: the database server is killed with SIGKILL while writes are in flight.
//!
//! - While it is down, every request is answered within 2 s: server fns with 503 and the
//!   shared error, `/ready` with 503, public pages with a clear 503 page (or, for a bio page
//!   already rendered, 200 from the in-memory cache); never a hang, a 500 or a dropped
//!   connection.
//! - Once it accepts connections again, `/ready` is 200 within 5 s, in the same server
//!   process, and writes work again (the job worker too).
//! - Every write the server acknowledged before the kill is in the database afterwards (it
//!   runs on a real storage directory with `--sync-on-commit`), and visible through the API;
//!   a write that failed is either whole or absent.
//!
//! Timings are printed: `cargo test -p server --test fault -- --nocapture`.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::AppError;
use common::web::{self, Browser};
use common::{eventually, DbServer};
use leptos::server_fn::error::FromServerFnError;
use mongodb::bson::{doc, Document};

/// The whole test, start to end.
const WHOLE_TEST: Duration = Duration::from_secs(90);
/// The longest any answer may take while the database is down.
const ANSWER_WITHIN: Duration = Duration::from_secs(2);
/// From the database accepting connections to `/ready` answering 200.
const READY_WITHIN: Duration = Duration::from_secs(5);
/// How long requests are sent while the database is down.
const DOWN_FOR: Duration = Duration::from_secs(4);

/// One answer: status (0 when there was none: refused, reset or timed out), body, time.
#[derive(Clone, Debug)]
struct Answer {
    status: u16,
    body: String,
    started: Instant,
    took: Duration,
}

impl Answer {
    fn ended(&self) -> Instant {
        self.started + self.took
    }
}

async fn send(req: reqwest::RequestBuilder) -> Answer {
    let started = Instant::now();
    // A hang shows as a missing answer after 10 s, not as a stuck test.
    match req.timeout(Duration::from_secs(10)).send().await {
        Ok(res) => {
            let status = res.status().as_u16();
            let body = res.text().await.unwrap_or_else(|e| format!("<body not read: {e}>"));
            Answer { status, body, started, took: started.elapsed() }
        }
        Err(e) => Answer { status: 0, body: format!("no answer: {e}"), started, took: started.elapsed() },
    }
}

async fn post(b: &Browser, endpoint: &str, form: &[(&str, &str)]) -> Answer {
    send(b.http.post(b.url(&format!("/api/{endpoint}"))).form(form)).await
}

async fn get(b: &Browser, path: &str) -> Answer {
    send(b.http.get(b.url(path))).await
}

/// One write a writer attempted.
#[derive(Clone, Debug)]
struct Attempt {
    writer: &'static str,
    /// What was written: a short link's slug, a draft's title, a preference's value.
    payload: String,
    answer: Answer,
}

type Log = Arc<Mutex<Vec<Attempt>>>;

fn record(log: &Log, writer: &'static str, payload: String, answer: Answer) -> bool {
    let ok = answer.status == 200;
    log.lock().unwrap().push(Attempt { writer, payload, answer });
    ok
}

fn acked(log: &Log, writer: &str) -> Vec<Attempt> {
    log.lock().unwrap().iter().filter(|a| a.writer == writer && a.answer.status == 200).cloned().collect()
}

fn assert_unavailable(a: &Answer, what: &str) {
    assert_eq!(a.status, 503, "{what} while the database is down: {}", a.body);
    let e = AppError::de(a.body.clone().into());
    assert!(matches!(e, AppError::Unavailable { .. }), "{what}: not the shared Unavailable error: {}", a.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_the_database_under_writes_loses_no_acknowledged_write_and_nothing_hangs() {
    common::with_durable_db("fault", WHOLE_TEST, scenario).await;
}

async fn scenario(mut db: DbServer) {
    let env = web::start_on(&db.uri(), "fault", &[]).await;
    let server_started = Instant::now();
    env.load_default_plans().await;

    // A verified owner with a workspace on a plan without limits, two published bio pages
    // and a short link to follow.
    let owner_email = "fay.fault@example.com";
    let (owner, ws) = web::owner_with_workspace(&env, "Fay Fault", owner_email).await;
    let store = env.srv.db().await;
    web::set_plan_in_db(&env, &ws, "enterprise").await;
    let mut warm = app::bio::BioContent::default();
    warm.seo.title = "Warm page".into();
    let warm_page = web::seed_bio_page(&env, &ws, "faultwarm", warm).await;
    let mut cold = app::bio::BioContent::default();
    cold.seo.title = "Cold page".into();
    web::seed_bio_page(&env, &ws, "faultcold", cold).await;
    let followed: app::shortlinks::ShortLink =
        owner.ok("create_short_link", &[("workspace", &ws), ("url", "https://example.com/followed"), ("slug", "fault-followed")]).await;
    owner.ok::<app::shortlinks::ShortLink>("create_short_link", &[("workspace", &ws), ("url", "https://example.com/cold"), ("slug", "fault-cold")]).await;
    let anon = env.browser();
    // Rendered once, so the page cache may hold it.
    assert_eq!(get(&anon, "/faultwarm").await.status, 200);
    assert_eq!(get(&anon, "/s/fault-followed").await.status, 302);
    let first_version = store.collection::<Document>("bio_pages").find_one(doc! { "_id": &warm_page }).await.unwrap().unwrap().get_i64("version").unwrap();

    // ---------------------------------------------------------------- writers
    let log: Log = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = vec![];
    for name in ["links_a", "links_b"] {
        let (b, ws, log, stop) = (owner.clone(), ws.clone(), log.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let slug = format!("{}-{n}", name.replace('_', "-"));
                let url = format!("https://example.com/{name}/{n}");
                let a = post(&b, "create_short_link", &[("workspace", &ws), ("url", &url), ("slug", &slug)]).await;
                record(&log, name, slug, a);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }));
    }
    {
        // Saves the draft again and again; each acknowledged save bumps the version.
        let (b, ws, page, log, stop) = (owner.clone(), ws.clone(), warm_page.clone(), log.clone(), stop.clone());
        let mut version = first_version;
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let mut content = app::bio::BioContent::default();
                content.seo.title = format!("Draft {n}");
                let json = serde_json::to_string(&content).unwrap();
                let a = post(&b, "save_bio_draft", &[("workspace", &ws), ("page", &page), ("content", &json), ("version", &version.to_string())]).await;
                if a.status == 200 {
                    version = serde_json::from_str::<app::bio::BioPage>(&a.body).unwrap().version;
                }
                record(&log, "draft", format!("Draft {n}"), a);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }));
    }
    {
        // Turns one push preference on and off.
        let (b, log, stop) = (owner.clone(), log.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let push = if n % 2 == 0 { "true" } else { "false" };
                let a = post(&b, "set_notification_preference", &[("kind", "new_sign_in"), ("push", push)]).await;
                record(&log, "preference", push.to_string(), a);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }));
    }
    let writer_names = ["links_a", "links_b", "draft", "preference"];

    // Some acknowledged writes of every kind first.
    let enough = eventually(Duration::from_secs(30), || {
        let log = log.clone();
        async move { writer_names.iter().all(|w| acked(&log, w).len() >= 5) }
    })
    .await;
    assert!(enough.is_some(), "the writers did not get 5 writes each acknowledged: {:?}", writer_names.map(|w| acked(&log, w).len()));

    // ---------------------------------------------------------------- SIGKILL
    let kill_at = Instant::now();
    tokio::task::block_in_place(|| db.kill());
    let dead_at = Instant::now();

    // While it is down: the writers go on; the other routes are asked in turn.
    let mut probes: Vec<(&'static str, Answer)> = vec![];
    while dead_at.elapsed() < DOWN_FOR {
        probes.push(("GET /ready", get(&anon, "/ready").await));
        probes.push(("GET /health", get(&anon, "/health").await));
        probes.push(("list_short_links", post(&owner, "list_short_links", &[("workspace", &ws)]).await));
        probes.push(("current_user", post(&owner, "current_user", &[]).await));
        probes.push(("sign_in", post(&anon, "sign_in", &[("email", owner_email), ("password", web::PASSWORD)]).await));
        probes.push(("status", post(&anon, "status", &[]).await));
        probes.push(("GET /faultwarm", get(&anon, "/faultwarm").await));
        probes.push(("GET /faultcold", get(&anon, "/faultcold").await));
        probes.push(("GET /s/fault-followed", get(&anon, "/s/fault-followed").await));
        probes.push(("GET /s/fault-cold", get(&anon, "/s/fault-cold").await));
    }
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.expect("a writer task panicked");
    }
    let attempts = log.lock().unwrap().clone();

    // ---------------------------------------------------------------- while down
    let mut max_down = Duration::ZERO;
    let mut down_answers = 0;
    for (what, a) in &probes {
        assert_ne!(a.status, 0, "{what}: {}", a.body);
        assert!(a.took < ANSWER_WITHIN, "{what} took {:?} while the database was down", a.took);
        max_down = max_down.max(a.took);
        down_answers += 1;
        match *what {
            "GET /health" => assert_eq!(a.status, 200, "{what}: {}", a.body),
            "status" => {
                assert_eq!(a.status, 200, "{what}: {}", a.body);
                let s: app::status::SystemStatus = serde_json::from_str(&a.body).unwrap();
                assert!(!s.database_ready, "{what} says the database is ready while it is down");
            }
            // A page already rendered may come from the cache; otherwise a clear 503 page.
            "GET /faultwarm" => {
                assert!(a.status == 200 || a.status == 503, "{what}: {} {}", a.status, a.body);
                if a.status == 200 {
                    assert!(a.body.contains("Warm page"), "{what}: {}", a.body);
                } else {
                    assert!(a.body.contains("Temporarily unavailable"), "{what}: {}", a.body);
                }
            }
            "GET /faultcold" => {
                assert_eq!(a.status, 503, "{what}: {}", a.body);
                assert!(a.body.contains("Temporarily unavailable") && !a.body.contains("Cold page"), "{what}: {}", a.body);
            }
            // A link followed just before may still be known in memory: it redirects, and
            // its click is counted once the database is back (checked below).
            "GET /s/fault-followed" => {
                assert!(a.status == 302 || a.status == 503, "{what}: {} {}", a.status, a.body);
                if a.status == 503 {
                    assert!(a.body.contains("cannot be opened right now"), "{what}: {}", a.body);
                }
            }
            "GET /s/fault-cold" => {
                assert_eq!(a.status, 503, "{what}: {}", a.body);
                assert!(a.body.contains("cannot be opened right now"), "{what}: {}", a.body);
            }
            _ => assert_unavailable(a, what),
        }
    }
    let mut during = 0;
    for at in &attempts {
        let a = &at.answer;
        let what = format!("{} ({})", at.writer, at.payload);
        assert!(a.status == 200 || a.status == 503, "{what}: {} {}", a.status, a.body);
        if a.status == 503 {
            assert_unavailable(a, &what);
        }
        if a.ended() > kill_at {
            // In flight at the kill, or sent after it.
            assert!(a.took < ANSWER_WITHIN, "{what} took {:?} around the kill", a.took);
            max_down = max_down.max(a.took);
            down_answers += 1;
        }
        if a.started >= dead_at {
            assert_unavailable(a, &format!("{what}, sent after the kill"));
            during += 1;
        }
    }
    for w in writer_names {
        let sent_while_down = attempts.iter().filter(|a| a.writer == w && a.answer.started >= dead_at).count();
        assert!(sent_while_down >= 1, "{w} sent nothing while the database was down");
    }
    assert!(during >= 8, "only {during} writes were sent while the database was down");

    // ---------------------------------------------------------------- back
    tokio::task::block_in_place(|| db.restart());
    let back_at = Instant::now();
    let ready_in = eventually(Duration::from_secs(10), || async { get(&anon, "/ready").await.status == 200 }).await;
    let ready_in = ready_in.expect("/ready did not turn 200 within 10 s of the database coming back");
    assert!(back_at.elapsed() >= ready_in);
    assert!(ready_in <= READY_WITHIN, "/ready took {ready_in:?} to turn 200 after the database came back");
    // The same server process: its uptime counts from before the kill.
    let s: app::status::SystemStatus = anon.ok("status", &[]).await;
    assert!(s.database_ready);
    assert!(s.uptime_secs + 1 >= server_started.elapsed().as_secs(), "the server restarted: uptime {} s", s.uptime_secs);

    // ---------------------------------------------------------------- nothing lost
    let store = mongodb::Client::with_uri_str(db.uri()).await.unwrap().database(&env.srv.db_name);
    let links = store.collection::<Document>("short_links");
    let mut acked_links = 0;
    for w in ["links_a", "links_b"] {
        for at in acked(&log, w) {
            let link: app::shortlinks::ShortLink = serde_json::from_str(&at.answer.body).unwrap();
            let stored = links.find_one(doc! { "_id": &link.id }).await.unwrap();
            let stored = stored.unwrap_or_else(|| panic!("acknowledged short link {} ({}) is gone after the restart", link.slug, link.id));
            assert_eq!(stored.get_str("slug").unwrap(), at.payload);
            assert_eq!(stored.get_str("url").unwrap(), link.url);
            assert_eq!(stored.get_str("workspace_id").unwrap(), ws);
            acked_links += 1;
        }
    }
    // Every stored link is one that was asked for, whole (a failed write is whole or absent).
    let mut cursor = links.find(doc! { "workspace_id": &ws }).await.unwrap();
    let mut stored_links = 0;
    while cursor.advance().await.unwrap() {
        let d: Document = cursor.deserialize_current().unwrap();
        let slug = d.get_str("slug").unwrap().to_string();
        stored_links += 1;
        if slug == "fault-followed" || slug == "fault-cold" {
            continue;
        }
        let at = attempts.iter().find(|a| a.writer.starts_with("links") && a.payload == slug).unwrap_or_else(|| panic!("a short link nobody asked for: {d}"));
        let (writer, n) = slug.rsplit_once('-').unwrap();
        assert_eq!(d.get_str("url").unwrap(), format!("https://example.com/{}/{n}", writer.replace('-', "_")), "{d}");
        assert!(d.get_str("_id").is_ok() && d.get_str("workspace_id").unwrap() == ws && d.get_datetime("created_at").is_ok(), "a partial short link: {d}");
        if at.answer.status != 200 {
            eprintln!("fault: the short link {slug} was written although its answer was {} (in flight at the kill)", at.answer.status);
        }
    }
    assert!(stored_links > acked_links, "{stored_links} links stored, {acked_links} acknowledged");

    // The draft: the last acknowledged save, or the one in flight at the kill after it.
    let drafts = acked(&log, "draft");
    let last = drafts.last().unwrap();
    let last_page: app::bio::BioPage = serde_json::from_str(&last.answer.body).unwrap();
    let page = store.collection::<Document>("bio_pages").find_one(doc! { "_id": &warm_page }).await.unwrap().unwrap();
    let stored_version = page.get_i64("version").unwrap();
    let stored_title = page.get_document("draft").unwrap().get_document("seo").unwrap().get_str("title").unwrap().to_string();
    assert_eq!(last_page.version, first_version + drafts.len() as i64, "each acknowledged save bumped the version once");
    if stored_version == last_page.version {
        assert_eq!(stored_title, last.payload, "the stored draft is not the last acknowledged one");
    } else {
        assert_eq!(stored_version, last_page.version + 1, "the draft's version is {stored_version}, the last acknowledged {}", last_page.version);
        let next = attempts.iter().filter(|a| a.writer == "draft").skip_while(|a| a.payload != last.payload).nth(1).unwrap();
        assert_eq!(stored_title, next.payload, "a save in flight at the kill was stored, but not whole");
    }

    // The preference: the last acknowledged value, or the one in flight after it.
    let prefs: Vec<Attempt> = attempts.iter().filter(|a| a.writer == "preference").cloned().collect();
    let last_ok = prefs.iter().rposition(|a| a.answer.status == 200).unwrap();
    let allowed: Vec<bool> = prefs[last_ok..prefs.len().min(last_ok + 2)].iter().map(|a| a.payload == "true").collect();
    let owner_id = owner.me().await.unwrap().id;
    let pref = store.collection::<Document>("notification_preferences").find_one(doc! { "_id": &owner_id }).await.unwrap().unwrap();
    let stored_pref = pref.get_document("push").unwrap().get_bool("new_sign_in").unwrap();
    assert!(allowed.contains(&stored_pref), "the stored preference {stored_pref} is neither the last acknowledged nor the next: {allowed:?}");

    // And through the API, as their owner sees it.
    let listed: Vec<app::shortlinks::ShortLink> = owner.ok("list_short_links", &[("workspace", &ws)]).await;
    for w in ["links_a", "links_b"] {
        for at in acked(&log, w) {
            assert!(listed.iter().any(|l| l.slug == at.payload), "{} is not listed after the restart", at.payload);
        }
    }
    let seen: app::bio::BioPage = owner.ok("get_bio_page", &[("workspace", &ws), ("page", &warm_page)]).await;
    assert_eq!((seen.version, seen.draft.seo.title.as_str()), (stored_version, stored_title.as_str()));
    let settings: app::notifications::PushSettings = owner.ok("get_push_settings", &[]).await;
    assert_eq!(settings.kinds.iter().find(|k| k.kind == "new_sign_in").unwrap().push, stored_pref);

    // Writes work again, and so does the job worker (the mail goes out).
    let after: app::shortlinks::ShortLink =
        owner.ok("create_short_link", &[("workspace", &ws), ("url", "https://example.com/after"), ("slug", "fault-after")]).await;
    assert_eq!(links.count_documents(doc! { "_id": &after.id }).await.unwrap(), 1);
    assert_eq!(get(&anon, "/s/fault-followed").await.status, 302);
    assert_eq!(get(&anon, "/faultcold").await.status, 200);
    // Every redirect answered is counted: the one before the kill, those answered from
    // memory during the outage, and the one just now.
    let redirected_while_down = probes.iter().filter(|(n, a)| *n == "GET /s/fault-followed" && a.status == 302).count() as u64;
    let listed: Vec<app::shortlinks::ShortLink> = owner.ok("list_short_links", &[("workspace", &ws)]).await;
    let clicks = listed.iter().find(|l| l.slug == "fault-followed").unwrap().clicks;
    assert_eq!(clicks, 2 + redirected_while_down, "clicks of the followed link after the outage");
    eprintln!("fault: the followed short link redirected {redirected_while_down} times from memory while the database was down; all counted afterwards");
    anon.ok::<()>("request_password_reset", &[("email", owner_email)]).await;
    web::nth_mail(&env.sink, owner_email, "Reset your Mewayz password", 1).await;
    let _ = followed;

    let acked_total: usize = writer_names.iter().map(|w| acked(&log, w).len()).sum();
    eprintln!(
        "fault: {} writes sent, {acked_total} acknowledged before the SIGKILL (all present after the restart), {during} sent while the database was down; \
         {down_answers} answers around and during the outage, slowest {max_down:?} (limit {ANSWER_WITHIN:?}); \
         /ready 200 {ready_in:?} after the database accepted connections again (limit {READY_WITHIN:?}); kill took {:?}",
        attempts.len(),
        dead_at - kill_at
    );
}
