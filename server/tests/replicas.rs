//! Every call pays only for its own work, and the server keeps nothing that another replica
//! could contradict (issue 14):
//! - a signed-in call resolves the caller, the workspace, the role and the plan from memory
//!   once warm, so a workspace read costs its own round trip and an autosave of a bio draft
//!   costs at most three in all (counted by the driver's command events, per request);
//! - a revoked session, a removed member or a lowered role takes effect at once on the
//!   replica that made the change;
//! - two replicas on one database: a session revoked through one is refused by the other
//!   within a second, a page published through one is served fresh by the other within a
//!   second, and the job queue they share runs each job once.

mod common;

use std::time::{Duration, Instant};

use app::bio::{BioContent, BioPage, Block, BlockKind};
use common::web::*;
use common::TestServer;
use mongodb::bson::doc;

const COUNT: (&str, &str) = ("DB_ROUND_TRIPS_HEADER", "1");

/// Calls `endpoint` and answers (status, round trips the server counted for it).
async fn trips(b: &Browser, endpoint: &str, form: &[(&str, &str)]) -> (u16, u32) {
    let res = b.post(endpoint, form).await;
    let status = res.status().as_u16();
    let n = res.headers().get("x-db-round-trips").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).expect("the round-trip header");
    (status, n)
}

/// Repeats a call until it costs at most `max` round trips (the caches are warm and the
/// change stream is open), or fails after 10 s with the last figure.
async fn settles_at(b: &Browser, endpoint: &str, form: &[(&str, &str)], max: u32) -> u32 {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, n) = trips(b, endpoint, form).await;
        assert_eq!(status, 200, "{endpoint}");
        if n <= max {
            return n;
        }
        assert!(Instant::now() < end, "{endpoint} still costs {n} round trips (at most {max} expected)");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn text_block(id: &str, text: &str) -> Block {
    Block { id: id.into(), kind: BlockKind::Text { text: text.into() } }
}

async fn save(b: &Browser, ws: &str, page: &BioPage, content: &BioContent) -> (u16, u32, Option<BioPage>) {
    let json = serde_json::to_string(content).unwrap();
    let res = b.post("save_bio_draft", &[("workspace", ws), ("page", &page.id), ("content", &json), ("version", &page.version.to_string())]).await;
    let status = res.status().as_u16();
    let n = res.headers().get("x-db-round-trips").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(u32::MAX);
    let page = if status == 200 { serde_json::from_slice(&res.bytes().await.unwrap()).ok() } else { None };
    (status, n, page)
}

#[tokio::test]
async fn a_warm_signed_in_call_pays_only_for_its_own_work() {
    let env = start("trips_own_work", &[COUNT]).await;
    env.load_default_plans().await;
    let (ana, ws) = owner_with_workspace(&env, "Ana", "ana@example.com").await;

    // A workspace read: its own query, nothing else (session, membership, workspace and plan
    // come from memory once warm).
    let n = settles_at(&ana, "list_short_links", &[("workspace", &ws)], 1).await;
    assert_eq!(n, 1, "the list of short links is one find");
    // The person's own profile needs no workspace: one read of the account.
    settles_at(&ana, "current_user", &[], 1).await;
    // A write of the person's own profile: the write (answering with the account) and its
    // security event.
    settles_at(&ana, "update_profile", &[("name", "Ana Trips"), ("locale", "en"), ("time_zone", "Europe/Paris")], 2).await;
    assert_eq!(ana.me().await.unwrap().name, "Ana Trips");

    // An autosave of a bio draft: at most three round trips in all.
    let mut page: BioPage = ana.ok("create_bio_page", &[("workspace", &ws), ("handle", "ana.trips")]).await;
    let mut worst = 0;
    for i in 0..5 {
        let mut content = page.draft.clone();
        content.blocks = vec![text_block("t", &format!("Draft number {i}"))];
        let (status, n, saved) = save(&ana, &ws, &page, &content).await;
        assert_eq!(status, 200);
        page = saved.unwrap();
        if i > 0 {
            worst = worst.max(n);
        }
    }
    assert!(worst <= 3, "an autosave costs {worst} round trips");
    assert_eq!(page.version, 6);
}

#[tokio::test]
async fn revocation_and_role_changes_take_effect_at_once_on_the_same_replica() {
    let env = start("trips_revoke", &[COUNT]).await;
    env.load_default_plans().await;
    let (ana, ws) = owner_with_workspace(&env, "Ana", "ana@example.com").await;
    // A second session of Ana's, warm in memory, then revoked from the first.
    let laptop = signed_in(&env, "ana@example.com", PASSWORD).await;
    settles_at(&laptop, "list_short_links", &[("workspace", &ws)], 1).await;
    let sessions = ana.sessions().await;
    let other = sessions.iter().find(|s| !s.current).expect("the laptop's session");
    ana.ok::<()>("revoke_session", &[("session_id", &other.id)]).await;
    // Its access token is still valid as a token: the session is what was revoked. Its
    // refresh cookie is dropped, so a refused access token is not silently renewed.
    let bare = Browser::new(&env.srv);
    bare.set_cookie(&format!("mw_at={}; Path=/", laptop.cookie("mw_at", "/").expect("access cookie")));
    let (status, _) = trips(&bare, "list_short_links", &[("workspace", &ws)]).await;
    assert_eq!(status, 401, "a revoked session is refused at once");

    // Ben, an editor warm in memory, is lowered to viewer: his next write is refused.
    let ben = person(&env, "Ben", "ben@example.com").await;
    let ben_id = env.user_doc("ben@example.com").await.get_str("_id").unwrap().to_string();
    env.srv
        .db()
        .await
        .collection::<mongodb::bson::Document>("members")
        .insert_one(doc! { "_id": "m-ben", "workspace_id": &ws, "user_id": &ben_id, "role": "editor", "joined_at": mongodb::bson::DateTime::now() })
        .await
        .unwrap();
    settles_at(&ben, "list_short_links", &[("workspace", &ws)], 1).await;
    let made = ben.post("create_short_link", &[("workspace", &ws), ("url", "https://example.com/a"), ("slug", "")]).await;
    assert_eq!(made.status().as_u16(), 200, "an editor creates links");
    ana.ok::<serde_json::Value>("change_member_role", &[("workspace", &ws), ("member", &ben_id), ("role", "viewer")]).await;
    let refused = ben.post("create_short_link", &[("workspace", &ws), ("url", "https://example.com/b"), ("slug", "")]).await;
    assert_eq!(refused.status().as_u16(), 403, "a viewer cannot, at once");
    // Removed: the workspace is gone for him at once.
    ana.ok::<serde_json::Value>("remove_member", &[("workspace", &ws), ("member", &ben_id)]).await;
    let gone = ben.post("list_short_links", &[("workspace", &ws)]).await;
    assert_eq!(gone.status().as_u16(), 404);
}

#[tokio::test]
async fn a_change_through_one_replica_is_seen_by_the_other_within_a_second() {
    // Replicas share the database and the signing key, nothing else.
    const KEY: (&str, &str) = ("JWT_SECRET", "replicas-share-this-signing-key-of-forty-eight-chars");
    let a = start("replicas", &[COUNT, KEY]).await;
    a.load_default_plans().await;
    let smtp = a.sink.url();
    let b_srv = TestServer::start_on_database(&a.srv.db_uri, &a.srv.db_name, &[COUNT, KEY, ("SMTP_URL", &smtp)]).await;

    let (ana_a, ws) = owner_with_workspace(&a, "Ana", "ana@example.com").await;
    let ana_b = ana_a.via(&b_srv);
    // Both replicas serve Ana from memory once warm.
    settles_at(&ana_a, "list_short_links", &[("workspace", &ws)], 1).await;
    settles_at(&ana_b, "list_short_links", &[("workspace", &ws)], 1).await;

    // A page published through A, then read on B (now in B's memory).
    let page: BioPage = ana_a.ok("create_bio_page", &[("workspace", &ws), ("handle", "ana.replica")]).await;
    let mut content = page.draft.clone();
    content.blocks = vec![text_block("t", "First edition")];
    let (_, _, page) = save(&ana_a, &ws, &page, &content).await;
    let page: BioPage = ana_a.ok("publish_bio_page", &[("workspace", &ws), ("page", &page.unwrap().id), ("version", "2")]).await;
    let on_b = |b: Browser| async move { b.get("/ana.replica").await.text().await.unwrap() };
    assert!(on_b(ana_b.clone()).await.contains("First edition"));
    assert!(on_b(ana_b.clone()).await.contains("First edition"), "served from B's memory");
    // Republished through A: B serves the new edition within a second.
    content.blocks = vec![text_block("t", "Second edition")];
    let (_, _, page) = save(&ana_a, &ws, &page, &content).await;
    let page = page.unwrap();
    ana_a.ok::<BioPage>("publish_bio_page", &[("workspace", &ws), ("page", &page.id), ("version", &page.version.to_string())]).await;
    let published = Instant::now();
    let took = common::eventually(Duration::from_secs(5), || {
        let b = ana_b.clone();
        async move { on_b(b).await.contains("Second edition") }
    })
    .await
    .expect("B serves the new edition");
    assert!(published.elapsed() < Duration::from_secs(5));
    assert!(took < Duration::from_secs(1), "B served the old page for {took:?}");

    // A session revoked through A is refused by B within a second.
    let phone_a = signed_in(&a, "ana@example.com", PASSWORD).await;
    let phone_b = phone_a.via(&b_srv);
    settles_at(&phone_b, "list_short_links", &[("workspace", &ws)], 1).await;
    let newest = phone_a.sessions().await.into_iter().find(|s| s.current).expect("the phone's session").id;
    let bare_b = Browser::new(&b_srv);
    bare_b.set_cookie(&format!("mw_at={}; Path=/", phone_a.cookie("mw_at", "/").unwrap()));
    assert_eq!(trips(&bare_b, "list_short_links", &[("workspace", &ws)]).await.0, 200, "B accepts the phone");
    ana_a.ok::<()>("revoke_session", &[("session_id", &newest)]).await;
    let revoked = Instant::now();
    let took = common::eventually(Duration::from_secs(5), || {
        let b = bare_b.clone();
        let ws = ws.clone();
        async move { trips(&b, "list_short_links", &[("workspace", &ws)]).await.0 == 401 }
    })
    .await
    .expect("B refuses the revoked session");
    assert!(took < Duration::from_secs(1), "B accepted a revoked session for {took:?} ({:?} since the revocation)", revoked.elapsed());

    // The job queue both replicas work on runs each job once: 40 e-mails queued at once,
    // each delivered exactly once.
    let db = a.srv.db().await;
    for i in 0..40 {
        let email = app::platform::mail::action_email(&format!("queue{i}@example.com"), "Queued once", "Hello", "Open", "https://example.com", "Bye");
        let payload = mongodb::bson::to_document(&email).unwrap();
        app::platform::jobs::enqueue(&db, app::platform::mail::JOB_KIND, payload, &format!("replica-test:{i}")).await.unwrap();
    }
    let delivered = common::eventually(Duration::from_secs(30), || {
        let all = (0..40).all(|i| !mails(&a.sink, &format!("queue{i}@example.com"), "Queued once").is_empty());
        async move { all }
    })
    .await;
    assert!(delivered.is_some(), "every queued e-mail went out");
    tokio::time::sleep(Duration::from_millis(1500)).await; // a duplicate would arrive meanwhile
    for i in 0..40 {
        assert_eq!(mails(&a.sink, &format!("queue{i}@example.com"), "Queued once").len(), 1, "queue{i} got one message");
    }
    let done = db
        .collection::<mongodb::bson::Document>("jobs")
        .count_documents(doc! { "idempotency_key": { "$regex": "^replica-test:" }, "status": "done" })
        .await
        .unwrap();
    assert_eq!(done, 40, "every job is done");
}
