//! The workspace-scoped storage layer on a real database (issue 13): every call stays inside
//! its workspace (finds, counts, paging, projections, upserts, conditional increments,
//! updates, deletes), an update may not move a record to another workspace, and a unique
//! index refusing a write is a typed duplicate, not an internal error.

mod common;

use app::platform::db::IndexSpec;
use app::platform::scoped::{Scoped, StoreError};
use app::platform::{Config, Db};
use mongodb::bson::{doc, Bson, Document};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
struct Note {
    #[serde(rename = "_id")]
    id: String,
    workspace_id: String,
    title: String,
    #[serde(default)]
    n: i64,
}

async fn db(name: &str) -> Db {
    let vars = [("MONGODB_URI", common::shared_db_uri()), ("MONGODB_DB", common::unique_db_name(name))];
    let config = Config::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())).unwrap();
    let db = Db::connect(&config).await.unwrap();
    db.ensure_indexes(&[IndexSpec::unique("notes", "title_per_workspace", doc! { "workspace_id": 1, "title": 1 })]).await.unwrap();
    db
}

fn note(i: usize, workspace: &str) -> Note {
    Note { id: format!("{i:04}"), workspace_id: workspace.into(), title: format!("note {i}"), n: 0 }
}

#[tokio::test]
async fn every_call_stays_inside_its_workspace() {
    let db = db("scoped_inside").await;
    let a = Scoped::<Note>::of_workspace(&db, "notes", "ws_a");
    let b = Scoped::<Note>::of_workspace(&db, "notes", "ws_b");
    for i in 0..25 {
        a.insert_one(&note(i, "anything: the layer sets it")).await.unwrap();
    }
    for i in 100..105 {
        b.insert_one(&note(i, "ws_a")).await.unwrap();
    }
    assert_eq!(a.count(doc! {}).await.unwrap(), 25);
    assert_eq!(b.count(doc! {}).await.unwrap(), 5, "a workspace id in the record is replaced by the layer's");
    // A filter naming the other workspace is narrowed back to this one.
    assert_eq!(a.count(doc! { "workspace_id": "ws_b" }).await.unwrap(), 25);
    assert!(b.find_one(doc! { "_id": "0001" }).await.unwrap().is_none(), "b cannot read a's note by id");

    // Paging newest first: stable, nothing twice, nothing skipped, nothing of b's.
    let mut seen = vec![];
    let mut after: Option<Bson> = None;
    loop {
        let page = a.page_newest_first(doc! {}, after.clone(), 10).await.unwrap();
        assert!(page.items.len() <= 10);
        seen.extend(page.items.iter().map(|n| n.id.clone()));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let expected: Vec<String> = (0..25).rev().map(|i| format!("{i:04}")).collect();
    assert_eq!(seen, expected);

    // Projections keep only what was asked for, still inside the workspace.
    let titles = a.find_projected(doc! {}, doc! { "title": 1 }, doc! { "_id": 1 }, 3).await.unwrap();
    assert_eq!(titles.len(), 3);
    assert!(titles.iter().all(|d| d.get_str("title").is_ok() && d.get("n").is_none()));

    // b's writes cannot touch a's records.
    assert_eq!(b.update_one(doc! { "_id": "0001" }, doc! { "$set": { "title": "taken over" } }).await.unwrap(), 0);
    assert_eq!(b.update_many(doc! {}, doc! { "$set": { "n": 9 } }).await.unwrap(), 5);
    assert_eq!(b.delete_one(doc! { "_id": "0002" }).await.unwrap(), 0);
    assert!(!b.inc_if(doc! { "_id": "0003" }, "n", 1, 10).await.unwrap());
    assert_eq!(a.find_one(doc! { "_id": "0001" }).await.unwrap().unwrap().title, "note 1");
    assert_eq!(a.count(doc! { "n": 9 }).await.unwrap(), 0);

    // An update may not move a record to another workspace.
    assert!(a.update_one(doc! { "_id": "0001" }, doc! { "$set": { "workspace_id": "ws_b" } }).await.is_err());
    assert!(a.upsert_one(doc! { "_id": "0001" }, doc! { "$rename": { "title": "workspace_id" } }).await.is_err());
    assert_eq!(b.count(doc! {}).await.unwrap(), 5);

    // A conditional increment stops at its maximum.
    let mut done = 0;
    for _ in 0..5 {
        if a.inc_if(doc! { "_id": "0004" }, "n", 1, 3).await.unwrap() {
            done += 1;
        }
    }
    assert_eq!(done, 3);
    assert_eq!(a.find_one(doc! { "_id": "0004" }).await.unwrap().unwrap().n, 3);

    // An upsert creates the record inside the workspace, then updates it.
    assert!(b.upsert_one(doc! { "_id": "fresh" }, doc! { "$set": { "title": "made by upsert" } }).await.unwrap());
    assert!(!b.upsert_one(doc! { "_id": "fresh" }, doc! { "$inc": { "n": 1_i64 } }).await.unwrap());
    let raw: Document = db.global::<Document>("notes").find_one(doc! { "_id": "fresh" }).await.unwrap().unwrap();
    assert_eq!(raw.get_str("workspace_id").unwrap(), "ws_b");
}

#[tokio::test]
async fn a_unique_index_refusal_is_a_typed_duplicate() {
    let db = db("scoped_duplicate").await;
    let a = Scoped::<Note>::of_workspace(&db, "notes", "ws_a");
    a.insert_one(&note(1, "")).await.unwrap();
    let mut again = note(2, "");
    again.title = "note 1".into();
    match a.insert_one(&again).await {
        Err(e @ StoreError::Duplicate { .. }) => assert!(e.is_duplicate_on("title_per_workspace"), "{e}"),
        other => panic!("expected a duplicate, got {other:?}"),
    }
    // The same title in another workspace is no duplicate.
    Scoped::<Note>::of_workspace(&db, "notes", "ws_b").insert_one(&again).await.unwrap();
    // Unmapped, it becomes a plain validation message, not an internal error.
    let e: app::AppError = a.insert_one(&again).await.unwrap_err().into();
    assert!(matches!(e, app::AppError::Validation { .. }), "{e:?}");
}
