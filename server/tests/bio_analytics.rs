//! M05 cookie-free analytics, against the real database: views and clicks recorded in
//! memory and flushed as per-day `$inc` upserts, unique visitors through the daily salted
//! hash, referrers, devices and countries, the stats read over the server fn (every day of
//! the range, totals, click-through rate, clicks per link), bad input, a database outage,
//! the background flusher, and isolation between workspaces.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use app::bio::analytics::{self, Visit};
use app::bio::{BioContent, BioStats, Block, BlockKind};
use app::platform::{AppState, Config, Db};
use axum::http::HeaderMap;
use common::web::*;
use mongodb::bson::{doc, Document};

const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const IPAD: &str = "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15";

// ---------------------------------------------------------------- helpers

/// A page with two links, "Shop" and "Blog".
fn shop_and_blog() -> BioContent {
    BioContent { blocks: vec![link("b1", "Shop"), link("b2", "Blog")], ..Default::default() }
}

fn link(id: &str, title: &str) -> Block {
    Block {
        id: id.into(),
        kind: BlockKind::Link {
            title: title.into(),
            url: "https://example.com".into(),
            thumbnail: None,
            enabled: true,
            starts_at: None,
            ends_at: None,
            short_slug: None,
        },
    }
}

/// An application state of its own on the test's database, as another replica would have.
async fn replica(env: &Env, extra: &[(&str, &str)]) -> AppState {
    let mut vars: Vec<(String, String)> =
        vec![("MONGODB_URI".into(), env.srv.db_uri.clone()), ("MONGODB_DB".into(), env.srv.db_name.clone()), ("MONGODB_TIMEOUT_MS".into(), "800".into())];
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let config = Config::from_lookup(|k| vars.iter().rev().find(|(n, _)| n == k).map(|(_, v)| v.clone())).unwrap();
    let db = Db::connect(&config).await.unwrap();
    app::new_state(config, db)
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(*k, v.parse().unwrap());
    }
    h
}

fn peer(ip: &str) -> Option<SocketAddr> {
    Some(format!("{ip}:40000").parse().unwrap())
}

async fn stats(b: &Browser, ws: &str, page: &str, from: &str, to: &str) -> BioStats {
    b.ok("get_bio_stats", &[("workspace", ws), ("page", page), ("from", from), ("to", to)]).await
}

// ---------------------------------------------------------------- tests

#[tokio::test]
async fn views_clicks_uniques_and_breakdowns_add_up_over_several_days() {
    let env = start("bio_stats_days", &[("COUNTRY_HEADER", "CF-IPCountry")]).await;
    env.load_default_plans().await;
    let (olga, ws) = owner_with_workspace(&env, "Olga", "olga@example.com").await;
    let page = seed_bio_page(&env, &ws, "olga", shop_and_blog()).await;
    let state = replica(&env, &[("COUNTRY_HEADER", "cf-ipcountry")]).await;

    // Headers as a visitor's browser sends them, read the way the public route reads them.
    let from_instagram =
        |ua: &'static str| headers(&[("user-agent", ua), ("referer", "https://www.instagram.com/p/abc?x=1"), ("cf-ipcountry", "de"), ("host", "olga.example")]);
    let a_phone = analytics::visit_from_headers(&state, &from_instagram(IPHONE), peer("203.0.113.7"));
    assert_eq!(a_phone, Visit { ip: "203.0.113.7".into(), user_agent: IPHONE.into(), referrer: Some("www.instagram.com".into()), country: Some("DE".into()) });
    // Same person, another browser: another unique visitor. A referrer from the page's own host is no referrer.
    let a_desktop = analytics::visit_from_headers(
        &state,
        &headers(&[("user-agent", FIREFOX), ("referer", "https://olga.example/"), ("host", "olga.example"), ("cf-ipcountry", "DE")]),
        peer("203.0.113.7"),
    );
    assert_eq!(a_desktop.referrer, None);
    let b_tablet = analytics::visit_from_headers(&state, &headers(&[("user-agent", IPAD), ("cf-ipcountry", "fr")]), peer("198.51.100.2"));
    assert_eq!((b_tablet.referrer.clone(), b_tablet.country.clone()), (None, Some("FR".into())));

    let d1 = "2026-01-10";
    let d3 = "2026-01-12";
    for _ in 0..3 {
        analytics::record_view_on(&state, d1, &ws, &page, &a_phone);
    }
    analytics::record_view_on(&state, d1, &ws, &page, &a_desktop);
    analytics::record_view_on(&state, d1, &ws, &page, &b_tablet);
    analytics::record_click_on(&state, d1, &ws, &page, "b1", &a_phone);
    analytics::record_click_on(&state, d1, &ws, &page, "b1", &a_phone);
    analytics::record_click_on(&state, d1, &ws, &page, "b2", &b_tablet);
    analytics::record_click_on(&state, d1, &ws, &page, "gone.block", &b_tablet);
    analytics::flush(&state).await.unwrap();

    // The same visitor again after a flush, and through another replica (its own buffer and
    // salt cache): still one unique visitor that day.
    analytics::record_view_on(&state, d1, &ws, &page, &a_phone);
    analytics::flush(&state).await.unwrap();
    let other = replica(&env, &[("COUNTRY_HEADER", "cf-ipcountry")]).await;
    analytics::record_view_on(&other, d1, &ws, &page, &a_phone);
    analytics::flush(&other).await.unwrap();

    // Another day: the same visitor counts again, once.
    analytics::record_view_on(&state, d3, &ws, &page, &a_phone);
    analytics::record_view_on(&state, d3, &ws, &page, &a_phone);
    analytics::record_click_on(&state, d3, &ws, &page, "b1", &a_phone);
    analytics::flush(&state).await.unwrap();

    let s = stats(&olga, &ws, &page, "2026-01-09", "2026-01-13").await;
    let days: Vec<(&str, u64, u64, u64)> = s.days.iter().map(|d| (d.day.as_str(), d.views, d.unique_visitors, d.clicks)).collect();
    assert_eq!(days, vec![("2026-01-09", 0, 0, 0), ("2026-01-10", 7, 3, 4), ("2026-01-11", 0, 0, 0), ("2026-01-12", 2, 1, 1), ("2026-01-13", 0, 0, 0)]);
    assert_eq!((s.views, s.unique_visitors, s.clicks), (9, 4, 5));
    assert!((s.click_through_rate - 5.0 / 9.0).abs() < 1e-9, "{}", s.click_through_rate);
    assert_eq!(s.referrers, vec![("www.instagram.com".to_string(), 7), ("direct".to_string(), 2)]);
    assert_eq!(s.devices, vec![("mobile".to_string(), 7), ("desktop".to_string(), 1), ("tablet".to_string(), 1)]);
    assert_eq!(s.countries, vec![("DE".to_string(), 8), ("FR".to_string(), 1)]);
    assert_eq!(
        s.links,
        vec![("b1".to_string(), "Shop".to_string(), 3), ("b2".to_string(), "Blog".to_string(), 1), ("gone.block".to_string(), "(removed link)".to_string(), 1)]
    );

    // One day document per (page, day), keys safe for BSON, no raw IP anywhere.
    let db = env.srv.db().await;
    assert_eq!(db.collection::<Document>("bio_days").count_documents(doc! { "page_id": &page }).await.unwrap(), 2);
    assert_eq!(db.collection::<Document>("bio_visitors").count_documents(doc! { "page_id": &page }).await.unwrap(), 4);
    for day in [d1, d3] {
        // (The server's own flusher also keeps today's salt ready.)
        assert_eq!(db.collection::<Document>("analytics_salts").count_documents(doc! { "day": day }).await.unwrap(), 1, "one salt per day, shared by replicas");
    }
    for coll in ["bio_days", "bio_visitors", "analytics_salts"] {
        let all: Vec<Document> = {
            use futures_util::TryStreamExt;
            db.collection::<Document>(coll).find(doc! {}).await.unwrap().try_collect().await.unwrap()
        };
        for d in all {
            let text = d.to_string();
            assert!(!text.contains("203.0.113.7") && !text.contains("198.51.100.2"), "raw IP stored in {coll}: {text}");
            if coll == "bio_visitors" {
                assert!(d.get_datetime("expires_at").is_ok());
                assert_eq!(d.get_str("workspace_id").unwrap(), ws);
            }
        }
    }

    // An empty range: every day present, all zero.
    let empty = stats(&olga, &ws, &page, "2025-12-01", "2025-12-07").await;
    assert_eq!(empty.days.len(), 7);
    assert_eq!((empty.views, empty.clicks, empty.click_through_rate), (0, 0, 0.0));
    assert!(empty.referrers.is_empty() && empty.links.is_empty());
}

#[tokio::test]
async fn country_is_unknown_without_the_header_setting_and_views_are_visible_at_once() {
    let env = start("bio_stats_nocountry", &[]).await;
    env.load_default_plans().await;
    let (nora, ws) = owner_with_workspace(&env, "Nora", "nora@example.com").await;
    let page = seed_bio_page(&env, &ws, "nora", shop_and_blog()).await;
    let state = replica(&env, &[]).await;
    // The visitor's proxy sends a country header, but none is configured: it is not trusted.
    let v = analytics::visit_from_headers(
        &state,
        &headers(&[("user-agent", FIREFOX), ("cf-ipcountry", "DE"), ("x-forwarded-for", "192.0.2.1")]),
        peer("192.0.2.9"),
    );
    assert_eq!((v.country.clone(), v.ip.as_str()), (None, "192.0.2.9"));
    let today = analytics::today();
    analytics::record_view(&state, &ws, &page, &v);
    analytics::record_click(&state, &ws, &page, "b2", &v);
    analytics::flush(&state).await.unwrap();
    let s = stats(&nora, &ws, &page, &today, &today).await;
    assert_eq!((s.views, s.unique_visitors, s.clicks), (1, 1, 1));
    assert_eq!(s.countries, vec![("unknown".to_string(), 1)]);
    assert_eq!(s.devices, vec![("desktop".to_string(), 1)]);
    assert_eq!(s.referrers, vec![("direct".to_string(), 1)]);

    // With a client IP header configured, the first address of that header is the visitor.
    let proxied = replica(&env, &[("CLIENT_IP_HEADER", "X-Forwarded-For")]).await;
    let v = analytics::visit_from_headers(&proxied, &headers(&[("x-forwarded-for", "192.0.2.1, 10.0.0.1")]), peer("10.0.0.2"));
    assert_eq!(v.ip, "192.0.2.1");
    assert_eq!(app::bio::analytics::device_of(&v.user_agent), "bot");
}

#[tokio::test]
async fn bad_dates_are_field_errors() {
    let env = start("bio_stats_dates", &[]).await;
    env.load_default_plans().await;
    let (b, ws) = owner_with_workspace(&env, "Dora", "dora@example.com").await;
    let page = seed_bio_page(&env, &ws, "dora", shop_and_blog()).await;
    let call = |from: &'static str, to: &'static str| {
        let (b, ws, page) = (b.clone(), ws.clone(), page.clone());
        async move { b.fails("get_bio_stats", &[("workspace", &ws), ("page", &page), ("from", from), ("to", to)], 422).await }
    };
    let e = call("yesterday", "2026-01-10").await;
    assert!(e.field_message("from").is_some(), "{e:?}");
    let e = call("2026-01-01", "2026-02-30").await;
    assert!(e.field_message("to").is_some(), "{e:?}");
    let e = call("2026-13-01", "2026-1-1").await;
    assert!(e.field_message("from").is_some() && e.field_message("to").is_some(), "{e:?}");
    let e = call("2026-01-10", "2026-01-09").await;
    assert!(e.field_message("to").is_some(), "{e:?}");
    let e = call("2024-01-01", "2025-01-01").await;
    assert!(e.field_message("to").is_some(), "367 days: {e:?}");
    // 366 days is fine; an unknown page is not found.
    let s = stats(&b, &ws, &page, "2024-01-01", "2024-12-31").await;
    assert_eq!(s.days.len(), 366);
    b.fails("get_bio_stats", &[("workspace", &ws), ("page", "nope"), ("from", "2026-01-01"), ("to", "2026-01-02")], 404).await;
}

#[tokio::test]
async fn counts_survive_a_database_outage_and_the_flusher_writes_them() {
    let env = start("bio_stats_outage", &[]).await;
    env.load_default_plans().await;
    let (b, ws) = owner_with_workspace(&env, "Otto", "otto@example.com").await;
    let page = seed_bio_page(&env, &ws, "otto", shop_and_blog()).await;

    // A replica whose database is down: recording never blocks, flushing fails and keeps the counts.
    let dead_port = common::free_port().to_string();
    let dead_uri = format!("mongodb://127.0.0.1:{dead_port}/?retryWrites=false");
    let vars = [("MONGODB_URI", dead_uri.as_str()), ("MONGODB_DB", env.srv.db_name.as_str()), ("MONGODB_TIMEOUT_MS", "300")];
    let config = config_clone(&vars);
    let db = Db::connect(&config).await.unwrap();
    let down = app::new_state(config, db);
    let v = Visit { ip: "192.0.2.44".into(), user_agent: IPHONE.into(), referrer: Some("t.co".into()), country: None };
    let started = std::time::Instant::now();
    for _ in 0..1000 {
        analytics::record_view_on(&down, "2026-02-01", &ws, &page, &v);
    }
    analytics::record_click_on(&down, "2026-02-01", &ws, &page, "b1", &v);
    assert!(started.elapsed() < Duration::from_millis(500), "recording must not wait: {:?}", started.elapsed());
    assert!(analytics::flush(&down).await.is_err());
    assert!(analytics::flush(&down).await.is_err());

    // The database is back (same buffer, reachable database): nothing was lost.
    let reachable = replica(&env, &[]).await;
    let mut up = down.clone();
    (up.db, up.config) = (reachable.db.clone(), reachable.config.clone());
    analytics::flush(&up).await.unwrap();
    let s = stats(&b, &ws, &page, "2026-02-01", "2026-02-01").await;
    assert_eq!((s.views, s.unique_visitors, s.clicks), (1000, 1, 1));
    assert_eq!(s.referrers, vec![("t.co".to_string(), 1000)]);

    // The background flusher writes without being asked, and once more when told to stop.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    analytics::spawn_flusher(up.clone(), stop_rx);
    analytics::record_view_on(&up, "2026-02-02", &ws, &page, &v);
    let db = env.srv.db().await;
    let seen = common::eventually(Duration::from_secs(6), || {
        let db = db.clone();
        let page = page.clone();
        async move { db.collection::<Document>("bio_days").count_documents(doc! { "page_id": page, "day": "2026-02-02" }).await.unwrap() == 1 }
    })
    .await;
    assert!(seen.is_some(), "the flusher did not write within 6 s");
    analytics::record_view_on(&up, "2026-02-03", &ws, &page, &v);
    stop_tx.send(true).unwrap();
    let seen = common::eventually(Duration::from_secs(5), || {
        let db = db.clone();
        let page = page.clone();
        async move { db.collection::<Document>("bio_days").count_documents(doc! { "page_id": page, "day": "2026-02-03" }).await.unwrap() == 1 }
    })
    .await;
    assert!(seen.is_some(), "the last flush on stop did not happen");
}

fn config_clone(vars: &[(&str, &str)]) -> Config {
    Config::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())).unwrap()
}

#[tokio::test]
async fn an_outsider_cannot_read_another_workspaces_stats() {
    let env = start("bio_stats_isolation", &[]).await;
    env.load_default_plans().await;
    let (victim, vws) = owner_with_workspace(&env, "Vera", "vera@example.com").await;
    let page = seed_bio_page(&env, &vws, "vera", shop_and_blog()).await;
    let state = replica(&env, &[]).await;
    let v = Visit { ip: "192.0.2.1".into(), user_agent: FIREFOX.into(), referrer: None, country: None };
    analytics::record_view_on(&state, "2026-03-01", &vws, &page, &v);
    analytics::flush(&state).await.unwrap();
    let mine = stats(&victim, &vws, &page, "2026-03-01", "2026-03-01").await;
    assert_eq!(mine.views, 1);

    let (mallory, mws) = owner_with_workspace(&env, "Mallory", "mallory@example.com").await;
    let form = |ws: &str| {
        vec![
            ("workspace".to_string(), ws.to_string()),
            ("page".to_string(), page.clone()),
            ("from".to_string(), "2026-03-01".to_string()),
            ("to".to_string(), "2026-03-01".to_string()),
        ]
    };
    for ws in [&vws, &mws] {
        let f = form(ws);
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (status, body) = mallory.call("get_bio_stats", &pairs).await;
        assert!(status == 403 || status == 404, "{status}: {}", String::from_utf8_lossy(&body));
        assert!(!String::from_utf8_lossy(&body).contains("\"views\""));
    }
    // Signed out: 401.
    let f = form(&vws);
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    env.browser().fails("get_bio_stats", &pairs, 401).await;
}
