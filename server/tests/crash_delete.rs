//! Deletes that span collections are all or nothing (issue 13). Deleting a bio page removes
//! its domains, statistics, redirects and sign-ups, and gives back its room in the limit;
//! deleting a workspace removes every record of every module. Both run in one transaction,
//! so when the database is killed (SIGKILL, on a real storage directory) while deletes are
//! in flight, each page and each workspace is afterwards either whole or entirely gone.
//!
//! Counts are printed: `cargo test -p server --test crash_delete -- --nocapture`.

mod common;

use std::time::{Duration, Instant};

use common::web::{self, Browser};
use common::DbServer;
use mongodb::bson::{doc, DateTime, Document};
use tokio::task::JoinSet;

/// The collections that hold a page's records (besides the page itself), each keyed by `page_id`.
const PAGE_RECORDS: &[&str] = &["bio_domains", "bio_days", "bio_visitors", "bio_redirects", "bio_signups"];

/// Writes `n` records of each kind for `page` straight into the database.
async fn seed_page_records(db: &mongodb::Database, ws: &str, page: &str, n: usize) {
    for coll in PAGE_RECORDS {
        let docs: Vec<Document> = (0..n)
            .map(|i| {
                let id = format!("{page}-{coll}-{i}");
                doc! {
                    "_id": &id, "workspace_id": ws, "page_id": page, "domain": format!("{id}.example"), "handle": format!("{page}-old-{i}"),
                    "day": format!("day-{i}"), "email": format!("fan{i}@example.com"), "hash": &id, "at": DateTime::now(),
                }
            })
            .collect();
        db.collection::<Document>(coll).insert_many(docs).await.unwrap();
    }
}

/// Fires every request at once and kills the database as soon as the first one is answered
/// (or after a moment). Answers how many were acknowledged before the kill.
async fn kill_during(db: &mut DbServer, calls: Vec<(Browser, &'static str, Vec<(String, String)>)>) -> usize {
    let mut set = JoinSet::new();
    for (b, endpoint, form) in calls {
        set.spawn(async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let res = b.http.post(b.url(&format!("/api/{endpoint}"))).form(&pairs).timeout(Duration::from_secs(10)).send().await;
            res.map(|r| r.status().as_u16()).unwrap_or(0)
        });
    }
    let started = Instant::now();
    let first = tokio::time::timeout(Duration::from_secs(5), set.join_next()).await;
    db.kill();
    eprintln!("crash_delete: the database was killed {:?} after the deletes started", started.elapsed());
    let mut statuses = vec![];
    if let Ok(Some(r)) = first {
        statuses.push(r.unwrap());
    }
    while let Some(r) = set.join_next().await {
        statuses.push(r.unwrap());
    }
    eprintln!("crash_delete: answers {statuses:?}");
    statuses.iter().filter(|s| **s == 200).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_crash_in_the_middle_of_deletes_leaves_nothing_half_deleted() {
    let storage = std::env::temp_dir().join(format!("mewayz-crash-{}", uuid::Uuid::new_v4().simple()));
    let outcome = tokio::time::timeout(Duration::from_secs(150), scenario(storage.clone())).await;
    let _ = std::fs::remove_dir_all(&storage);
    outcome.unwrap_or_else(|_| panic!("the crash test did not finish in time"));
}

async fn scenario(storage: std::path::PathBuf) {
    let mut db = DbServer::start(common::free_port(), storage.display().to_string(), vec!["--sync-on-commit".into()]);
    let env = web::start_on(&db.uri(), "crash_delete", &[]).await;
    env.load_default_plans().await;
    let store = env.srv.db().await;

    // ---- bio pages: twelve, each with many records in five collections
    let (owner, ws) = web::owner_with_workspace(&env, "Cora Crash", "cora.crash@example.com").await;
    web::set_plan_in_db(&env, &ws, "enterprise").await;
    let mut pages = vec![];
    for i in 0..12 {
        let page: app::bio::BioPage = owner.ok("create_bio_page", &[("workspace", &ws), ("handle", &format!("cora_crash_{i}"))]).await;
        seed_page_records(&store, &ws, &page.id, 60).await;
        pages.push(page.id);
    }
    let calls =
        pages.iter().map(|p| (owner.clone(), "delete_bio_page", vec![("workspace".to_string(), ws.clone()), ("page".to_string(), p.clone())])).collect();
    let acked = kill_during(&mut db, calls).await;
    db.restart();
    let store = env.srv.db().await;
    let (mut whole, mut gone) = (0, 0);
    for p in &pages {
        let page_left = store.collection::<Document>("bio_pages").count_documents(doc! { "_id": p }).await.unwrap();
        for coll in PAGE_RECORDS {
            let left = store.collection::<Document>(coll).count_documents(doc! { "page_id": p }).await.unwrap();
            let expected = if page_left == 1 { 60 } else { 0 };
            assert_eq!(left, expected, "page {p}: {left} of 60 records left in {coll} while the page is {}", if page_left == 1 { "there" } else { "gone" });
        }
        if page_left == 1 {
            whole += 1
        } else {
            gone += 1
        }
    }
    eprintln!("crash_delete: pages: {acked} deletes acknowledged before the kill, {gone} gone, {whole} whole");
    assert!(gone >= acked, "every acknowledged delete stays done");
    // The page limit's counter matches the pages left.
    let usage = store.collection::<Document>("usage").find_one(doc! { "_id": &ws }).await.unwrap().unwrap();
    assert_eq!(usage.get_document("counts").unwrap().get_i64("bio_pages").unwrap(), whole as i64, "{usage:?}");

    // ---- workspaces: six owners, each workspace with pages, links and records
    let mut owners = vec![];
    for i in 0..6 {
        let (b, w) = web::owner_with_workspace(&env, &format!("Owner {i}"), &format!("owner{i}.crash@example.com")).await;
        store.collection::<Document>("workspaces").update_one(doc! { "_id": &w }, doc! { "$set": { "plan": "enterprise" } }).await.unwrap();
        owners.push((b, w));
    }
    // Each replica sees a change made elsewhere within a second.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for (i, (b, w)) in owners.iter().enumerate() {
        for j in 0..3 {
            let page: app::bio::BioPage = b.ok("create_bio_page", &[("workspace", w), ("handle", &format!("crash_ws{i}_{j}"))]).await;
            seed_page_records(&store, w, &page.id, 40).await;
        }
    }
    let calls = owners
        .iter()
        .enumerate()
        .map(|(i, (b, w))| {
            (b.clone(), "delete_workspace", vec![("workspace".to_string(), w.clone()), ("confirm_name".to_string(), format!("Owner {i}'s place"))])
        })
        .collect();
    let acked = kill_during(&mut db, calls).await;
    db.restart();
    let store = env.srv.db().await;
    let (mut whole, mut gone) = (0, 0);
    for (_, w) in &owners {
        let there = store.collection::<Document>("workspaces").count_documents(doc! { "_id": w }).await.unwrap() == 1;
        for coll in ["members", "bio_pages", "bio_days", "bio_signups", "bio_visitors", "usage"] {
            let left = store.collection::<Document>(coll).count_documents(doc! { "workspace_id": w }).await.unwrap();
            if there {
                assert!(left > 0, "workspace {w} is there but its {coll} are gone");
            } else {
                assert_eq!(left, 0, "workspace {w} is gone but {left} of its {coll} are left");
            }
        }
        let erase_jobs = store.collection::<Document>("jobs").count_documents(doc! { "kind": "workspaces.erase", "payload.workspace_id": w }).await.unwrap();
        assert_eq!(erase_jobs, u64::from(!there), "workspace {w}: the job that erases its files exists exactly when it is gone");
        if there {
            whole += 1
        } else {
            gone += 1
        }
    }
    eprintln!("crash_delete: workspaces: {acked} deletes acknowledged before the kill, {gone} gone, {whole} whole");
    assert!(gone >= acked, "every acknowledged delete stays done");
}
