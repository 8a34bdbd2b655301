//! Plan limits that hold under concurrency (issue 13): each limit is reserved by one guarded
//! update before its record is written, so twenty creates at once against a limit of three
//! make exactly three; a delete gives its room back; the plan file is checked against the
//! modules' limits in the registry.
//!
//! Every test runs its own server on its own database.

mod common;

use app::workspaces::WorkspaceDetail;
use app::AppError;
use common::web::*;
use mongodb::bson::{doc, Document};
use tokio::task::JoinSet;

/// The default plans with the Free plan's limits of short links, bio pages and team members
/// lowered to three.
fn three_of_each() -> String {
    let mut plans: serde_json::Value = serde_json::from_str(&plans_file()).unwrap();
    for p in plans["plans"].as_array_mut().unwrap() {
        if p["id"] == "free" {
            for key in ["short_links", "bio_pages", "members"] {
                p["limits"][key] = serde_json::json!(3);
            }
        }
    }
    plans.to_string()
}

async fn owner(name: &str) -> (Env, Browser, String) {
    let env = start(name, &[]).await;
    env.load_plans(&three_of_each()).await;
    let b = person(&env, "Nora Limits", &format!("nora.{name}@example.com")).await;
    let w: WorkspaceDetail = b.ok("create_workspace", &[("name", "Nora's"), ("kind", "other")]).await;
    (env, b, w.id)
}

/// Fires `n` calls of `endpoint` at once, the i-th with `form(i)`; answers the statuses.
async fn at_once(b: &Browser, n: usize, endpoint: &'static str, form: impl Fn(usize) -> Vec<(String, String)>) -> Vec<u16> {
    let mut set = JoinSet::new();
    for i in 0..n {
        let (b, f) = (b.clone(), form(i));
        set.spawn(async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let (status, body) = b.call(endpoint, &pairs).await;
            if status != 200 {
                let e: AppError = serde_json::from_slice(&body).unwrap_or_else(|_| panic!("{endpoint}: {status} {}", String::from_utf8_lossy(&body)));
                assert!(matches!(e, AppError::LimitReached { .. }), "{endpoint}: only the limit may refuse: {e:?}");
            }
            status
        });
    }
    let mut out = vec![];
    while let Some(r) = set.join_next().await {
        out.push(r.unwrap());
    }
    out
}

async fn counter(env: &Env, ws: &str, key: &str) -> i64 {
    let d = env.srv.db().await.collection::<Document>("usage").find_one(doc! { "_id": ws }).await.unwrap().unwrap();
    d.get_document("counts").unwrap().get_i64(key).unwrap()
}

#[tokio::test]
async fn twenty_short_links_at_once_against_a_limit_of_three_make_exactly_three() {
    let (env, b, ws) = owner("lim_links").await;
    let statuses = at_once(&b, 20, "create_short_link", |i| {
        vec![("workspace".into(), ws.clone()), ("url".into(), format!("https://example.com/{i}")), ("slug".into(), String::new())]
    })
    .await;
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 3, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 402).count(), 17, "{statuses:?}");
    assert_eq!(env.count("short_links", doc! { "workspace_id": &ws }).await, 3);
    assert_eq!(counter(&env, &ws, "short_links").await, 3);

    // A delete gives its room back, exactly once.
    let links: Vec<app::shortlinks::ShortLink> = b.ok("list_short_links", &[("workspace", &ws)]).await;
    let _: () = b.ok("delete_short_link", &[("workspace", &ws), ("id", &links[0].id)]).await;
    assert_eq!(counter(&env, &ws, "short_links").await, 2);
    b.fails("delete_short_link", &[("workspace", &ws), ("id", &links[0].id)], 404).await;
    assert_eq!(counter(&env, &ws, "short_links").await, 2, "a second delete of the same link gives nothing back");
    let again = at_once(&b, 5, "create_short_link", |i| {
        vec![("workspace".into(), ws.clone()), ("url".into(), format!("https://example.com/again/{i}")), ("slug".into(), String::new())]
    })
    .await;
    assert_eq!(again.iter().filter(|s| **s == 200).count(), 1, "{again:?}");
    assert_eq!(env.count("short_links", doc! { "workspace_id": &ws }).await, 3);
}

#[tokio::test]
async fn twenty_bio_pages_at_once_against_a_limit_of_three_make_exactly_three() {
    let (env, b, ws) = owner("lim_pages").await;
    let statuses = at_once(&b, 20, "create_bio_page", |i| vec![("workspace".into(), ws.clone()), ("handle".into(), format!("nora_limit_{i}"))]).await;
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 3, "{statuses:?}");
    assert_eq!(env.count("bio_pages", doc! { "workspace_id": &ws }).await, 3);
    assert_eq!(counter(&env, &ws, "bio_pages").await, 3);
    // A refused create for a taken handle gives its room back (nothing is left reserved).
    let pages: app::bio::BioPageList = b.ok("list_bio_pages", &[("workspace", &ws)]).await;
    let first = pages.pages[0].clone();
    let _: () = b.ok("delete_bio_page", &[("workspace", &ws), ("page", &first.id)]).await;
    assert_eq!(counter(&env, &ws, "bio_pages").await, 2);
    let taken = pages.pages[1].handle.clone();
    b.fails("create_bio_page", &[("workspace", &ws), ("handle", &taken)], 422).await;
    assert_eq!(counter(&env, &ws, "bio_pages").await, 2, "a refused create holds no room");
    let _: app::bio::BioPage = b.ok("create_bio_page", &[("workspace", &ws), ("handle", "nora_after_delete")]).await;
    assert_eq!(counter(&env, &ws, "bio_pages").await, 3);
}

#[tokio::test]
async fn twenty_invitations_at_once_against_three_seats_make_exactly_two() {
    let (env, b, ws) = owner("lim_seats").await;
    // The owner holds one of the three seats.
    let statuses = at_once(&b, 20, "invite_member", |i| {
        vec![("workspace".into(), ws.clone()), ("email".into(), format!("guest{i}@example.com")), ("role".into(), "editor".into())]
    })
    .await;
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 2, "{statuses:?}");
    assert_eq!(env.count("invitations", doc! { "workspace_id": &ws, "status": "pending" }).await, 2);
    assert_eq!(counter(&env, &ws, "members").await, 3);

    // Revoking one gives its seat back; an invitation that expired gives its seat back when
    // the limit is reached, once.
    let pending: Vec<app::workspaces::PendingInvitation> = b.ok("list_invitations", &[("workspace", &ws)]).await;
    let _: Vec<app::workspaces::PendingInvitation> = b.ok("revoke_invitation", &[("workspace", &ws), ("invitation", &pending[0].id)]).await;
    assert_eq!(counter(&env, &ws, "members").await, 2);
    let db = env.srv.db().await;
    db.collection::<Document>("invitations")
        .update_one(doc! { "_id": &pending[1].id }, doc! { "$set": { "expires_at": mongodb::bson::DateTime::from_millis(0) } })
        .await
        .unwrap();
    let _: Vec<app::workspaces::PendingInvitation> = b.ok("invite_member", &[("workspace", &ws), ("email", "late1@example.com"), ("role", "viewer")]).await;
    assert_eq!(counter(&env, &ws, "members").await, 3);
    let _: Vec<app::workspaces::PendingInvitation> = b.ok("invite_member", &[("workspace", &ws), ("email", "late2@example.com"), ("role", "viewer")]).await;
    assert_eq!(counter(&env, &ws, "members").await, 3, "the expired invitation's seat went to the new one");
    let refused = b.fails("invite_member", &[("workspace", &ws), ("email", "late3@example.com"), ("role", "viewer")], 402).await;
    assert!(matches!(refused, AppError::LimitReached { .. }), "{refused:?}");
    assert_eq!(counter(&env, &ws, "members").await, 3);
}

#[tokio::test]
async fn counters_start_from_the_records_a_workspace_already_has() {
    let (env, b, ws) = owner("lim_start").await;
    // Pages written before the counters existed (as in a database from an older version).
    for h in ["older_one", "older_two"] {
        seed_bio_page(&env, &ws, h, Default::default()).await;
    }
    let _: app::bio::BioPage = b.ok("create_bio_page", &[("workspace", &ws), ("handle", "nora_third")]).await;
    assert_eq!(counter(&env, &ws, "bio_pages").await, 3);
    let e = b.fails("create_bio_page", &[("workspace", &ws), ("handle", "nora_fourth")], 402).await;
    assert!(e.to_string().contains("link-in-bio pages"), "{e}");
}
