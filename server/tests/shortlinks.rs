//! M23 short links, over real HTTP against the real database: automatic and custom slugs,
//! refused addresses, the public redirect and its click counts (per link and per day),
//! statistics over a range, deletion, the plan limit, and the cross-workspace probe over
//! every server fn of the module.
//!
//! Every test runs its own server on its own database, with its own SMTP sink.

mod common;

use std::time::Duration;

use app::shortlinks::api::ENDPOINTS;
use app::shortlinks::{day_of_ms, day_string, is_auto_slug, ShortLink, ShortLinkStats};
use app::workspaces::WorkspaceDetail;
use app::AppError;
use common::eventually;
use common::probe::{self, Fixture, ModuleSpec};
use common::web::*;
use mongodb::bson::{doc, DateTime, Document};

const LINKS: &str = "short_links";
const DAYS: &str = "short_link_days";

// ---------------------------------------------------------------- helpers

/// A server with the default plans, and one person owning one workspace.
async fn owner(name: &str) -> (Env, Browser, String) {
    let env = start(name, &[]).await;
    env.load_default_plans().await;
    let b = person(&env, "Lina Links", "lina.links@example.com").await;
    let ws = workspace(&b, "Lina's Links").await;
    (env, b, ws)
}

async fn workspace(b: &Browser, name: &str) -> String {
    let w: WorkspaceDetail = b.ok("create_workspace", &[("name", name), ("kind", "other")]).await;
    w.id
}

async fn create(b: &Browser, ws: &str, url: &str, slug: &str) -> ShortLink {
    b.ok("create_short_link", &[("workspace", ws), ("url", url), ("slug", slug)]).await
}

async fn list(b: &Browser, ws: &str) -> Vec<ShortLink> {
    b.ok("list_short_links", &[("workspace", ws)]).await
}

async fn stats(b: &Browser, ws: &str, id: &str, days: u32) -> ShortLinkStats {
    b.ok("short_link_stats", &[("workspace", ws), ("id", id), ("days", &days.to_string())]).await
}

fn today() -> String {
    day_of_ms(DateTime::now().timestamp_millis())
}

fn today_index() -> i64 {
    DateTime::now().timestamp_millis().div_euclid(86_400_000)
}

/// Follows `/s/{slug}` without following the redirect.
async fn visit(env: &Env, slug: &str) -> reqwest::Response {
    common::client().get(env.srv.url(&format!("/s/{slug}"))).send().await.unwrap()
}

async fn day_clicks(env: &Env, link_id: &str, day: &str) -> i64 {
    let db = env.srv.db().await;
    match db.collection::<Document>(DAYS).find_one(doc! { "link_id": link_id, "day": day }).await.unwrap() {
        Some(d) => d.get_i64("clicks").or_else(|_| d.get_i32("clicks").map(i64::from)).unwrap(),
        None => 0,
    }
}

// ---------------------------------------------------------------- 1. creating

#[tokio::test]
async fn automatic_slugs_are_short_and_unambiguous_and_each_call_makes_a_new_link() {
    let (env, b, ws) = owner("sl_auto").await;
    let first = create(&b, &ws, "https://example.com/spring", "").await;
    let second = create(&b, &ws, "https://example.com/spring", "").await;
    for l in [&first, &second] {
        assert!(is_auto_slug(&l.slug), "{l:?}");
        assert_eq!(l.slug.len(), 7);
        assert!(l.slug.chars().all(|c| "23456789abcdefghjkmnpqrstuvwxyz".contains(c)), "{l:?}");
        assert_eq!((l.url.as_str(), l.clicks), ("https://example.com/spring", 0));
    }
    // The same address again is a new link with its own count (the bio builder relies on it).
    assert_ne!(first.slug, second.slug);
    assert_ne!(first.id, second.id);
    let all = list(&b, &ws).await;
    assert_eq!(all.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), vec![second.id.as_str(), first.id.as_str()], "newest first");
    assert_eq!(env.count(LINKS, doc! { "workspace_id": &ws }).await, 2);

    // mailto: and tel: are destinations too; surrounding spaces are trimmed.
    let mail = create(&b, &ws, "  mailto:hello@example.com ", "").await;
    assert_eq!(mail.url, "mailto:hello@example.com");
    create(&b, &ws, "tel:+15551234567", "").await;
}

#[tokio::test]
async fn custom_slugs_follow_the_rules_and_are_unique_across_the_platform() {
    let (env, b, ws) = owner("sl_custom").await;
    let long = "a".repeat(41);
    for bad in ["ab", "-sale", "sale-", "Summer", "a b", "a/b", "a?b", "a.b", "a%2f", "sälé", "a#b", &long] {
        let err = b.fails("create_short_link", &[("workspace", &ws), ("url", "https://example.com"), ("slug", bad)], 422).await;
        assert!(err.field_message("slug").is_some(), "{bad:?}: {err:?}");
    }
    assert_eq!(env.count(LINKS, doc! {}).await, 0, "a refused slug stored nothing");

    let forty = "b".repeat(40);
    for good in ["spring-sale_2025", "abc", forty.as_str()] {
        let l = create(&b, &ws, "https://example.com/sale", good).await;
        assert_eq!(l.slug, good);
    }
    // Taken: in the same workspace, and in someone else's.
    let err = b.fails("create_short_link", &[("workspace", &ws), ("url", "https://example.com/x"), ("slug", "spring-sale_2025")], 422).await;
    assert!(err.field_message("slug").is_some_and(|m| m.contains("That short link is taken")), "{err:?}");
    let other = person(&env, "Otto Other", "otto.other@example.com").await;
    let theirs = workspace(&other, "Otto's Place").await;
    let before = env.count(LINKS, doc! {}).await;
    let err = other.fails("create_short_link", &[("workspace", &theirs), ("url", "https://evil.example/"), ("slug", "spring-sale_2025")], 422).await;
    assert!(err.field_message("slug").is_some_and(|m| m.contains("That short link is taken")), "{err:?}");
    assert_eq!(env.count(LINKS, doc! {}).await, before, "nothing stored");
    assert_eq!(env.count(LINKS, doc! { "workspace_id": &theirs }).await, 0);
    // The original still leads where its owner said.
    let res = visit(&env, "spring-sale_2025").await;
    assert_eq!(res.headers()["location"], "https://example.com/sale");
}

#[tokio::test]
async fn script_and_data_addresses_are_refused_and_nothing_is_stored() {
    let (env, b, ws) = owner("sl_badurl").await;
    for bad in [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://example.com/file",
        "//evil.example/",
        "",
        "https://exa mple.com",
    ] {
        let err = b.fails("create_short_link", &[("workspace", &ws), ("url", bad), ("slug", "")], 422).await;
        assert!(err.field_message("url").is_some(), "{bad:?}: {err:?}");
        let err = b.fails("create_short_link", &[("workspace", &ws), ("url", bad), ("slug", "custom-one")], 422).await;
        assert!(err.field_message("url").is_some(), "{bad:?}: {err:?}");
    }
    assert_eq!(env.count(LINKS, doc! {}).await, 0);
    assert!(list(&b, &ws).await.is_empty());
}

// ---------------------------------------------------------------- 2. the redirect

#[tokio::test]
async fn a_short_link_redirects_with_302_to_the_exact_address_and_counts_every_click() {
    let (env, b, ws) = owner("sl_redirect").await;
    let url = "https://shop.example.com/a/b?utm_source=bio&x=1%202#top";
    let l = create(&b, &ws, url, "shop").await;
    for n in 1..=3 {
        let res = visit(&env, "shop").await;
        assert_eq!(res.status(), 302, "visit {n}");
        assert_eq!(res.headers()["location"], url);
        assert_eq!(res.headers()["cache-control"], "no-store");
    }
    let all = list(&b, &ws).await;
    assert_eq!(all[0].clicks, 3);
    let counted = eventually(Duration::from_secs(5), || async { day_clicks(&env, &l.id, &today()).await == 3 }).await;
    assert!(counted.is_some(), "the per-day aggregate reached {}", day_clicks(&env, &l.id, &today()).await);
    // One document per link and day, in the link's workspace.
    assert_eq!(env.count(DAYS, doc! { "link_id": &l.id, "workspace_id": &ws }).await, 1);

    let s = stats(&b, &ws, &l.id, 7).await;
    assert_eq!(s.days.len(), 7);
    assert_eq!(s.days.last().unwrap(), &(today(), 3));
    assert!(s.days[..6].iter().all(|(_, n)| *n == 0), "{s:?}");
    assert_eq!((s.total, s.link.as_ref().map(|l| l.clicks)), (3, Some(3)));

    // A non-ASCII address is stored percent-encoded, exactly as the header carries it.
    let l2 = create(&b, &ws, "https://example.com/café?q=ü", "").await;
    assert_eq!(l2.url, "https://example.com/caf%C3%A9?q=%C3%BC");
    let res = visit(&env, &l2.slug).await;
    assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().unwrap()), (302, l2.url.as_str()));
}

#[tokio::test]
async fn an_unknown_slug_is_a_plain_404_page_and_never_a_redirect() {
    let (env, b, ws) = owner("sl_unknown").await;
    create(&b, &ws, "https://example.com/", "known").await;
    for path in ["unknown", "kno", "KNOWN", "known-", "a%2Fb", "https:%2F%2Fevil.example", "%2F%2Fevil.example"] {
        let res = visit(&env, path).await;
        assert_eq!(res.status(), 404, "{path}");
        assert!(res.headers().get("location").is_none(), "{path}");
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        assert!(res.text().await.unwrap().contains("Short link not found"), "{path}");
    }
    // Nothing was counted anywhere.
    assert_eq!(env.count(DAYS, doc! {}).await, 0);
    assert_eq!(list(&b, &ws).await[0].clicks, 0);
}

#[tokio::test]
async fn the_404_page_and_the_messages_follow_the_language() {
    let (env, b, ws) = owner("sl_lang").await;
    // The public page: the visitor's Accept-Language (it is a public page).
    let res = common::client().get(env.srv.url("/s/nothing-here")).header("accept-language", "fr-FR,fr;q=0.9,en;q=0.5").send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-language"], "fr");
    assert!(res.headers()["vary"].to_str().unwrap().contains("Accept-Language"));
    let html = res.text().await.unwrap();
    assert!(html.contains("<html lang=\"fr\">") && html.contains("Lien court introuvable") && html.contains("n’existe pas"), "{html}");
    let res = common::client().get(env.srv.url("/s/nothing-here")).header("accept-language", "de-DE").send().await.unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">") && html.contains("Short link not found"), "{html}");
    // The app's messages: the request's language (the lang cookie the app sets).
    create(&b, &ws, "https://example.com/", "pris").await;
    b.set_cookie("lang=fr");
    let err = b.fails("create_short_link", &[("workspace", &ws), ("url", "https://example.com/"), ("slug", "pris")], 422).await;
    assert_eq!(err.field_message("slug").as_deref(), Some("Ce lien court est déjà pris. Choisissez-en un autre."), "{err:?}");
    let err = b.fails("create_short_link", &[("workspace", &ws), ("url", "https://example.com/"), ("slug", "ab")], 422).await;
    assert_eq!(err.field_message("slug").as_deref(), Some("Un lien court compte de 3 à 40 caractères."), "{err:?}");
    let err = b.fails("short_link_stats", &[("workspace", &ws), ("id", "nope"), ("days", "30")], 404).await;
    assert!(matches!(&err, AppError::NotFound { what } if what == "ce lien court"), "{err:?}");
}

// ---------------------------------------------------------------- 3. statistics

#[tokio::test]
async fn stats_give_one_entry_per_day_over_the_range_including_zero_days() {
    let (env, b, ws) = owner("sl_stats").await;
    let l = create(&b, &ws, "https://example.com/stats", "stats").await;
    let other = create(&b, &ws, "https://example.com/other", "other").await;
    // Earlier days, as the redirect would have left them (days cannot be waited for).
    let db = env.srv.db().await;
    let t = today_index();
    for (link, back, clicks) in [(&l.id, 2, 5_i64), (&l.id, 10, 7), (&l.id, 400, 11), (&other.id, 1, 100)] {
        let day = day_string(t - back);
        db.collection::<Document>(DAYS)
            .insert_one(doc! { "_id": format!("{link}:{day}"), "link_id": link, "workspace_id": &ws, "day": &day, "clicks": clicks })
            .await
            .unwrap();
    }
    visit(&env, "stats").await;
    assert!(eventually(Duration::from_secs(5), || async { day_clicks(&env, &l.id, &today()).await == 1 }).await.is_some());

    let week = stats(&b, &ws, &l.id, 7).await;
    assert_eq!(week.days.len(), 7);
    let expected: Vec<(String, u64)> = (0..7)
        .rev()
        .map(|back| {
            (
                day_string(t - back),
                match back {
                    0 => 1,
                    2 => 5,
                    _ => 0,
                },
            )
        })
        .collect();
    assert_eq!(week.days, expected);
    assert_eq!(week.total, 6);

    let month = stats(&b, &ws, &l.id, 30).await;
    assert_eq!((month.days.len(), month.total), (30, 13));
    assert_eq!(month.days[0].0, day_string(t - 29));
    assert_eq!(stats(&b, &ws, &l.id, 1).await.days, vec![(today(), 1)]);
    let year = stats(&b, &ws, &l.id, 365).await;
    assert_eq!((year.days.len(), year.total), (365, 13), "day 400 is outside the range");

    for bad in ["0", "366", "-1", "many"] {
        let (status, body) = b.call("short_link_stats", &[("workspace", &ws), ("id", &l.id), ("days", bad)]).await;
        assert_eq!(status, 422, "{bad}: {}", String::from_utf8_lossy(&body));
    }
    let err = b.fails("short_link_stats", &[("workspace", &ws), ("id", &l.id), ("days", "366")], 422).await;
    assert!(err.field_message("days").is_some(), "{err:?}");
    let err = b.fails("short_link_stats", &[("workspace", &ws), ("id", "no-such-link"), ("days", "7")], 404).await;
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
}

// ---------------------------------------------------------------- 4. deleting

#[tokio::test]
async fn deleting_a_link_makes_its_address_404_and_removes_its_statistics() {
    let (env, b, ws) = owner("sl_delete").await;
    let l = create(&b, &ws, "https://example.com/gone", "gone-soon").await;
    let keep = create(&b, &ws, "https://example.com/kept", "kept").await;
    assert_eq!(visit(&env, "gone-soon").await.status(), 302);
    assert!(eventually(Duration::from_secs(5), || async { day_clicks(&env, &l.id, &today()).await == 1 }).await.is_some());

    b.ok::<()>("delete_short_link", &[("workspace", &ws), ("id", &l.id)]).await;
    let res = visit(&env, "gone-soon").await;
    assert_eq!(res.status(), 404);
    assert!(res.headers().get("location").is_none());
    assert_eq!(env.count(DAYS, doc! { "link_id": &l.id }).await, 0);
    assert_eq!(list(&b, &ws).await.iter().map(|l| l.id.clone()).collect::<Vec<_>>(), vec![keep.id.clone()]);
    let err = b.fails("delete_short_link", &[("workspace", &ws), ("id", &l.id)], 404).await;
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    // The slug is free again.
    create(&b, &ws, "https://example.com/new", "gone-soon").await;
    assert_eq!(visit(&env, "gone-soon").await.headers()["location"], "https://example.com/new");
}

// ---------------------------------------------------------------- 5. the plan limit

#[tokio::test]
async fn the_plan_limit_on_short_links_is_enforced() {
    let env = start("sl_limit", &[]).await;
    let mut plans: serde_json::Value = serde_json::from_str(&plans_file()).unwrap();
    for p in plans["plans"].as_array_mut().unwrap() {
        if p["id"] == "free" {
            p["limits"]["short_links"] = serde_json::json!(2);
        }
    }
    env.load_plans(&plans.to_string()).await;
    let b = person(&env, "Lina Links", "lina.links@example.com").await;
    let ws = workspace(&b, "Lina's Links").await;
    create(&b, &ws, "https://example.com/1", "").await;
    create(&b, &ws, "https://example.com/2", "second").await;
    for slug in ["", "third"] {
        let err = b.fails("create_short_link", &[("workspace", &ws), ("url", "https://example.com/3"), ("slug", slug)], 402).await;
        match &err {
            AppError::LimitReached { limit, plan, upgrade_to } => {
                assert_eq!((limit.as_str(), plan.as_str(), upgrade_to.as_deref()), ("short links", "Free", Some("Pro")));
            }
            other => panic!("expected the limit, got {other:?}"),
        }
        assert!(err.to_string().contains("short links"), "{err}");
    }
    assert_eq!(env.count(LINKS, doc! { "workspace_id": &ws }).await, 2);
    // Deleting one frees a place.
    let first = list(&b, &ws).await.pop().unwrap();
    b.ok::<()>("delete_short_link", &[("workspace", &ws), ("id", &first.id)]).await;
    create(&b, &ws, "https://example.com/3", "third").await;
}

// ---------------------------------------------------------------- 6. the cross-workspace probe

#[tokio::test]
async fn no_short_link_fn_reaches_into_another_workspace_or_past_the_callers_role() {
    let env = start("sl_probe", &[]).await;
    let fx = probe::fixture(&env).await;
    let v = &fx.victim;
    // The victim has a link with clicks and statistics.
    let link = create(&v.owner, &v.workspace_id, "https://quillfeather.example/shop", "quill").await;
    assert_eq!(visit(&env, "quill").await.status(), 302);
    assert!(eventually(Duration::from_secs(5), || async { day_clicks(&env, &link.id, &today()).await == 1 }).await.is_some());
    // The viewer sees links and statistics, and cannot change them.
    assert_eq!(list(&v.viewer, &v.workspace_id).await.len(), 1);
    assert_eq!(stats(&v.viewer, &v.workspace_id, &link.id, 30).await.total, 1);

    let link_id = link.id.clone();
    let args = move |endpoint: &str, _fx: &Fixture| -> Option<Vec<(String, String)>> {
        let f = |pairs: &[(&str, &str)]| Some(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        match endpoint {
            "create_short_link" => f(&[("url", "https://attacker.example/"), ("slug", "probe-made")]),
            "list_short_links" => f(&[]),
            "delete_short_link" => f(&[("id", &link_id)]),
            "short_link_stats" => f(&[("id", &link_id), ("days", "30")]),
            _ => None,
        }
    };
    let spec = ModuleSpec {
        module: "shortlinks",
        endpoints: ENDPOINTS,
        view_only: &["list_short_links", "short_link_stats"],
        viewer_self_service: &[],
        routes: &[],
        args: &args,
    };
    probe::run(&env, &fx, &spec).await;

    // The victim's link is whole and still redirects where its owner said.
    let after = list(&v.owner, &v.workspace_id).await;
    assert_eq!(after.len(), 1);
    assert_eq!((after[0].id.as_str(), after[0].url.as_str()), (link.id.as_str(), "https://quillfeather.example/shop"));
    assert_eq!(visit(&env, "quill").await.headers()["location"], "https://quillfeather.example/shop");
    // The outsider's own list has nothing of the victim's.
    let theirs = list(&fx.outsider.browser, &fx.outsider.workspace_id).await;
    assert!(theirs.iter().all(|l| l.id != link.id), "{theirs:?}");
}
