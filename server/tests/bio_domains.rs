//! M05 custom domains, against the real database and a local DNS-over-HTTPS resolver (a
//! tiny axum app answering in Cloudflare's JSON format): connecting a domain gives a token,
//! the check fails with a missing or wrong TXT record and succeeds with the right one, a
//! domain is connected to one page only, bad domains are refused, a resolver that is down
//! is a 503, host routing serves only verified domains, and another workspace can do none
//! of this to the victim's page.

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use app::bio::domains;
use app::bio::{BioContent, BioPage};
use app::platform::{AppState, Config, Db};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use common::web::*;
use mongodb::bson::{doc, Document};

// ---------------------------------------------------------------- a local resolver

#[derive(Clone, Default)]
struct Zone {
    /// name → TXT values (as the resolver shows them, quoted).
    txt: Arc<Mutex<HashMap<String, Vec<String>>>>,
    asked: Arc<Mutex<Vec<String>>>,
}

impl Zone {
    fn set(&self, name: &str, values: &[&str]) {
        self.txt.lock().unwrap().insert(name.to_string(), values.iter().map(|v| v.to_string()).collect());
    }
}

async fn doh(State(zone): State<Zone>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> axum::response::Response {
    if headers.get("accept").and_then(|v| v.to_str().ok()) != Some("application/dns-json") {
        return (StatusCode::BAD_REQUEST, "accept application/dns-json").into_response();
    }
    let name = q.get("name").cloned().unwrap_or_default();
    assert_eq!(q.get("type").map(String::as_str), Some("TXT"));
    zone.asked.lock().unwrap().push(name.clone());
    let values = zone.txt.lock().unwrap().get(&name).cloned();
    match values {
        None => Json(serde_json::json!({ "Status": 3, "Answer": [] })).into_response(),
        Some(v) => {
            let answer: Vec<_> = v.iter().map(|d| serde_json::json!({ "name": format!("{name}."), "type": 16, "TTL": 300, "data": d })).collect();
            Json(serde_json::json!({ "Status": 0, "TC": false, "Answer": answer })).into_response()
        }
    }
}

/// Starts the resolver; returns its URL and a switch that stops it.
async fn resolver(zone: Zone) -> (String, tokio::sync::oneshot::Sender<()>) {
    let app = axum::Router::new().route("/dns-query", axum::routing::get(doh)).with_state(zone);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await
            .unwrap();
    });
    (format!("http://{addr}/dns-query"), tx)
}

// ---------------------------------------------------------------- helpers

async fn replica(env: &Env) -> AppState {
    let vars = [("MONGODB_URI", env.srv.db_uri.clone()), ("MONGODB_DB", env.srv.db_name.clone())];
    let config = Config::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())).unwrap();
    let db = Db::connect(&config).await.unwrap();
    app::new_state(config, db)
}

fn form<'a>(ws: &'a str, page: &'a str, domain: &'a str) -> [(&'a str, &'a str); 3] {
    [("workspace", ws), ("page", page), ("domain", domain)]
}

async fn snapshot(env: &Env, coll: &str) -> Vec<Document> {
    use futures_util::TryStreamExt;
    env.srv.db().await.collection::<Document>(coll).find(doc! {}).sort(doc! { "_id": 1 }).await.unwrap().try_collect().await.unwrap()
}

// ---------------------------------------------------------------- tests

#[tokio::test]
async fn a_domain_is_verified_by_its_txt_record_and_only_then_routes_to_the_page() {
    let zone = Zone::default();
    let (dns_url, dns_stop) = resolver(zone.clone()).await;
    let env = start("bio_domains_verify", &[("DNS_RESOLVER_URL", &dns_url)]).await;
    env.load_default_plans().await;
    let (olga, ws) = owner_with_workspace(&env, "Olga", "olga@example.com").await;
    // Pro: this workspace holds two pages (on Free the second would be read-only).
    set_plan_in_db(&env, &ws, "pro").await;
    let page = seed_bio_page(&env, &ws, "olga", BioContent::default()).await;
    let state = replica(&env).await;

    // Connect: normalised, a token to publish, not verified.
    let p: BioPage = olga.ok("add_bio_domain", &form(&ws, &page, "  Links.Example.COM. ")).await;
    assert_eq!(p.id, page);
    assert_eq!(p.domains.len(), 1);
    let d = p.domains[0].clone();
    assert_eq!(d.domain, "links.example.com");
    assert!(!d.verified && d.verified_at.is_none());
    assert!(d.token.starts_with("mewayz-verify=") && d.token.len() == "mewayz-verify=".len() + 32, "{}", d.token);
    assert_eq!(domains::page_for_host(&state, "links.example.com").await.unwrap(), None, "not verified yet");

    // No record yet.
    let p: BioPage = olga.ok("verify_bio_domain", &form(&ws, &page, "links.example.com")).await;
    assert!(!p.domains[0].verified);
    assert_eq!(p.domains[0].last_error.as_deref(), Some("No TXT record at _mewayz.links.example.com yet. DNS changes can take up to an hour."));
    assert_eq!(zone.asked.lock().unwrap().last().map(String::as_str), Some("_mewayz.links.example.com"));

    // A record, but the wrong one.
    zone.set("_mewayz.links.example.com", &["\"mewayz-verify=0000\"", "\"v=spf1 -all\""]);
    let p: BioPage = olga.ok("verify_bio_domain", &form(&ws, &page, "links.example.com")).await;
    assert!(!p.domains[0].verified);
    assert!(p.domains[0].last_error.as_deref().unwrap_or("").starts_with("Found a TXT record"), "{:?}", p.domains[0].last_error);
    assert_eq!(domains::page_for_host(&state, "links.example.com").await.unwrap(), None);

    // The right one, split into two strings as some DNS providers do.
    let (head, tail) = d.token.split_at(10);
    zone.set("_mewayz.links.example.com", &["\"v=spf1 -all\"", &format!("\"{head}\" \"{tail}\"")]);
    let p: BioPage = olga.ok("verify_bio_domain", &form(&ws, &page, "LINKS.example.com")).await;
    assert!(p.domains[0].verified, "{:?}", p.domains[0]);
    assert!(p.domains[0].verified_at.is_some() && p.domains[0].last_error.is_none());
    // Host routing (the cached "no" from before was dropped by the check on this server).
    assert_eq!(domains::page_for_host(&state, "Links.Example.com:443").await.unwrap(), Some(page.clone()));
    assert_eq!(domains::page_for_host(&state, "links.example.com.").await.unwrap(), Some(page.clone()));
    assert_eq!(domains::page_for_host(&state, "other.example.com").await.unwrap(), None);
    // The page lists its domains.
    let again: BioPage = olga.ok("get_bio_page", &[("workspace", ws.as_str()), ("page", page.as_str())]).await;
    assert_eq!(again.domains, p.domains);

    // The same domain cannot go on another page, in this workspace or another.
    let page2 = seed_bio_page(&env, &ws, "olga2", BioContent::default()).await;
    let e = olga.fails("add_bio_domain", &form(&ws, &page2, "links.example.com"), 422).await;
    assert_eq!(e.field_message("domain").as_deref(), Some("That domain is already connected to a page."));
    let (bob, bws) = owner_with_workspace(&env, "Bob", "bob@example.com").await;
    let bpage = seed_bio_page(&env, &bws, "bob", BioContent::default()).await;
    let e = bob.fails("add_bio_domain", &form(&bws, &bpage, "LINKS.EXAMPLE.COM"), 422).await;
    assert_eq!(e.field_message("domain").as_deref(), Some("That domain is already connected to a page."));

    // Invalid domains.
    for bad in
        ["https://shop.example.com", "shop.example.com/links", "192.0.2.1", "localhost", "example", "-bad.example.com", "a..b.com", "shop.example.com:8080", ""]
    {
        let e = olga.fails("add_bio_domain", &form(&ws, &page2, bad), 422).await;
        assert!(e.field_message("domain").is_some(), "{bad}: {e:?}");
    }
    // The app's own host (the rule is shared; the test server's own host is an IP, refused above).
    assert!(domains::check_domain("app.mewayz.example", "app.mewayz.example").is_err());
    assert_eq!(env.count("bio_domains", doc! {}).await, 1);

    // The resolver fails: the check says so, and nothing changes.
    zone.set("_mewayz.shop.example.com", &[]);
    let p2: BioPage = olga.ok("add_bio_domain", &form(&ws, &page2, "shop.example.com")).await;
    assert_eq!(p2.domains.len(), 1);
    let before = snapshot(&env, "bio_domains").await;
    dns_stop.send(()).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let e = olga.fails("verify_bio_domain", &form(&ws, &page2, "shop.example.com"), 503).await;
    assert!(e.to_string().contains("DNS resolver could not be reached"), "{e}");
    assert_eq!(snapshot(&env, "bio_domains").await, before);

    // Removing: the domain stops routing at once on this server.
    let p: BioPage = olga.ok("remove_bio_domain", &form(&ws, &page, "links.example.com")).await;
    assert!(p.domains.is_empty());
    assert_eq!(domains::page_for_host(&state, "links.example.com").await.unwrap(), None);
    olga.fails("remove_bio_domain", &form(&ws, &page, "links.example.com"), 404).await;
    // Now free for another page.
    let p: BioPage = bob.ok("add_bio_domain", &form(&bws, &bpage, "links.example.com")).await;
    assert_eq!(p.domains[0].domain, "links.example.com");
}

#[tokio::test]
async fn another_workspace_cannot_touch_the_victims_domains() {
    let zone = Zone::default();
    let (dns_url, _dns) = resolver(zone.clone()).await;
    let env = start("bio_domains_isolation", &[("DNS_RESOLVER_URL", &dns_url)]).await;
    env.load_default_plans().await;
    let (victim, vws) = owner_with_workspace(&env, "Vera", "vera@example.com").await;
    let page = seed_bio_page(&env, &vws, "vera", BioContent::default()).await;
    let p: BioPage = victim.ok("add_bio_domain", &form(&vws, &page, "vera.example.com")).await;
    let token = p.domains[0].token.clone();
    let (mallory, mws) = owner_with_workspace(&env, "Mallory", "mallory@example.com").await;
    // Mallory even publishes the victim's token: it must not let her verify the victim's domain.
    zone.set("_mewayz.vera.example.com", &[&format!("\"{token}\"")]);

    let before = snapshot(&env, "bio_domains").await;
    for ws in [vws.as_str(), mws.as_str()] {
        for (endpoint, domain) in [
            ("add_bio_domain", "evil.example.com"),
            ("verify_bio_domain", "vera.example.com"),
            ("remove_bio_domain", "vera.example.com"),
            ("add_bio_domain", "vera.example.com"),
        ] {
            let (status, body) = mallory.call(endpoint, &form(ws, &page, domain)).await;
            assert!(status == 403 || status == 404, "{endpoint} in {ws}: {status} {}", String::from_utf8_lossy(&body));
            assert!(!String::from_utf8_lossy(&body).contains(&token), "{endpoint} leaked the token");
        }
    }
    assert_eq!(snapshot(&env, "bio_domains").await, before, "the outsider changed the victim's domains");
    // Signed out: 401.
    env.browser().fails("add_bio_domain", &form(&vws, &page, "x.example.com"), 401).await;
    assert_eq!(snapshot(&env, "bio_domains").await, before);
    // The owner still can.
    let p: BioPage = victim.ok("verify_bio_domain", &form(&vws, &page, "vera.example.com")).await;
    assert!(p.domains[0].verified);
}

// ---------------------------------------------------------------- claims by several workspaces

/// Sets the `_mewayz.` TXT record of `domain` to the tokens of every claim given.
fn publish(zone: &Zone, domain: &str, claims: &[&BioPage]) {
    let tokens: Vec<String> = claims.iter().flat_map(|p| p.domains.iter().filter(|d| d.domain == domain).map(|d| format!("\"{}\"", d.token))).collect();
    zone.set(&format!("_mewayz.{domain}"), &tokens.iter().map(String::as_str).collect::<Vec<_>>());
}

const TAKEN: &str = "This domain was verified by another workspace first, so it cannot be connected here. Remove it from this page.";

#[tokio::test]
async fn an_unverified_claim_blocks_nobody_and_the_first_to_verify_wins() {
    let zone = Zone::default();
    let (dns_url, _dns) = resolver(zone.clone()).await;
    let env = start("bio_domains_claims", &[("DNS_RESOLVER_URL", &dns_url)]).await;
    env.load_default_plans().await;
    let (ann, aws) = owner_with_workspace(&env, "Ann", "ann@example.com").await;
    let (ben, bws) = owner_with_workspace(&env, "Ben", "ben@example.com").await;
    let apage = seed_bio_page(&env, &aws, "ann", BioContent::default()).await;
    let bpage = seed_bio_page(&env, &bws, "ben", BioContent::default()).await;
    let state = replica(&env).await;
    // A database of an earlier version still has the index that let only one workspace claim
    // a domain at all: it is retired on the way.
    let legacy = mongodb::IndexModel::builder()
        .keys(doc! { "domain": 1 })
        .options(mongodb::options::IndexOptions::builder().name("domain_unique".to_string()).unique(true).build())
        .build();
    env.srv.db().await.collection::<Document>("bio_domains").create_index(legacy).await.unwrap();

    // Ann claims the domain and never verifies it: Ben can still claim it.
    let a: BioPage = ann.ok("add_bio_domain", &form(&aws, &apage, "shop.example.com")).await;
    let b: BioPage = ben.ok("add_bio_domain", &form(&bws, &bpage, "shop.example.com")).await;
    assert_eq!(b.domains.len(), 1);
    assert_ne!(a.domains[0].token, b.domains[0].token, "each claim has its own token");
    let indexes = env.srv.db().await.collection::<Document>("bio_domains").list_index_names().await.unwrap();
    assert!(!indexes.iter().any(|n| n == "domain_unique") && indexes.iter().any(|n| n == "verified_domain_unique"), "{indexes:?}");
    // An unverified claim shows when it expires (7 days after it was made).
    let now = mongodb::bson::DateTime::now().timestamp_millis();
    let expires = b.domains[0].expires_at.expect("an unverified claim expires");
    assert!((expires - now - 7 * 24 * 3600 * 1000).abs() < 60_000, "expires in 7 days: {expires} vs {now}");
    // Not twice in one workspace, though (Pro: the second page is not read-only).
    set_plan_in_db(&env, &aws, "pro").await;
    let apage2 = seed_bio_page(&env, &aws, "ann2", BioContent::default()).await;
    let e = ann.fails("add_bio_domain", &form(&aws, &apage2, "shop.example.com"), 422).await;
    assert_eq!(e.field_message("domain").as_deref(), Some("That domain is already connected to a page."));

    // Both publish their record; Ben checks first and wins.
    publish(&zone, "shop.example.com", &[&a, &b]);
    let b: BioPage = ben.ok("verify_bio_domain", &form(&bws, &bpage, "shop.example.com")).await;
    assert!(b.domains[0].verified, "{:?}", b.domains[0]);
    assert_eq!(b.domains[0].expires_at, None, "a verified domain does not expire");
    assert_eq!(domains::page_for_host(&state, "shop.example.com").await.unwrap(), Some(bpage.clone()));
    // Ann's check is refused with a clear message, and changes nothing.
    let e = ann.fails("verify_bio_domain", &form(&aws, &apage, "shop.example.com"), 422).await;
    assert_eq!(e.field_message("domain").as_deref(), Some(TAKEN), "{e:?}");
    assert_eq!(domains::page_for_host(&state, "shop.example.com").await.unwrap(), Some(bpage.clone()));
    assert_eq!(env.count("bio_domains", doc! { "domain": "shop.example.com", "verified": true }).await, 1);
    // Her list shows the domain as taken.
    let a: BioPage = ann.ok("get_bio_page", &[("workspace", aws.as_str()), ("page", apage.as_str())]).await;
    assert!(!a.domains[0].verified && a.domains[0].taken, "{:?}", a.domains[0]);
    assert_eq!(a.domains[0].last_error.as_deref(), Some(TAKEN));
    // Nobody can claim a verified domain any more.
    let (cat, cws) = owner_with_workspace(&env, "Cat", "cat@example.com").await;
    let cpage = seed_bio_page(&env, &cws, "cat", BioContent::default()).await;
    let e = cat.fails("add_bio_domain", &form(&cws, &cpage, "shop.example.com"), 422).await;
    assert_eq!(e.field_message("domain").as_deref(), Some("That domain is already connected to a page."));
    // In French for a French-speaking owner.
    ann.set_cookie("lang=fr");
    let e = ann.fails("verify_bio_domain", &form(&aws, &apage, "shop.example.com"), 422).await;
    assert_eq!(
        e.field_message("domain").as_deref(),
        Some("Ce domaine a d’abord été vérifié par un autre espace de travail : il ne peut pas être relié ici. Retirez-le de cette page.")
    );
    ann.set_cookie("lang=en");

    // Ben removes it: Ann's claim can verify now.
    ben.ok::<BioPage>("remove_bio_domain", &form(&bws, &bpage, "shop.example.com")).await;
    let a: BioPage = ann.ok("verify_bio_domain", &form(&aws, &apage, "shop.example.com")).await;
    assert!(a.domains[0].verified && !a.domains[0].taken, "{:?}", a.domains[0]);
    assert_eq!(domains::page_for_host(&state, "shop.example.com").await.unwrap(), Some(apage.clone()));
}

#[tokio::test]
async fn two_workspaces_verifying_at_the_same_moment_give_exactly_one_winner() {
    let zone = Zone::default();
    let (dns_url, _dns) = resolver(zone.clone()).await;
    let env = start("bio_domains_race", &[("DNS_RESOLVER_URL", &dns_url)]).await;
    env.load_default_plans().await;
    let mut owners = vec![];
    for (i, name) in ["Dan", "Eve", "Fay", "Gus"].iter().enumerate() {
        let (b, ws) = owner_with_workspace(&env, name, &format!("{}@example.com", name.to_lowercase())).await;
        let page = seed_bio_page(&env, &ws, &format!("racer{i}"), BioContent::default()).await;
        let p: BioPage = b.ok("add_bio_domain", &form(&ws, &page, "race.example.com")).await;
        owners.push((b, ws, page, p));
    }
    publish(&zone, "race.example.com", &owners.iter().map(|o| &o.3).collect::<Vec<_>>());
    let verify = |i: usize| {
        let (b, ws, page, _) = &owners[i];
        async move { b.call("verify_bio_domain", &form(ws, page, "race.example.com")).await }
    };
    let (r0, r1, r2, r3) = tokio::join!(verify(0), verify(1), verify(2), verify(3));
    let results = [r0, r1, r2, r3];
    let won: Vec<_> = results.iter().filter(|(status, _)| *status == 200).collect();
    let lost: Vec<_> = results.iter().filter(|(status, _)| *status == 422).collect();
    assert_eq!(won.len(), 1, "{results:?}");
    assert_eq!(lost.len(), owners.len() - 1, "{results:?}");
    for (_, body) in lost {
        let e: app::AppError = serde_json::from_slice(body).unwrap();
        assert_eq!(e.field_message("domain").as_deref(), Some(TAKEN));
    }
    assert_eq!(env.count("bio_domains", doc! { "domain": "race.example.com", "verified": true }).await, 1);
}

#[tokio::test]
async fn a_stale_unverified_claim_expires() {
    let zone = Zone::default();
    let (dns_url, _dns) = resolver(zone.clone()).await;
    let env = start("bio_domains_stale", &[("DNS_RESOLVER_URL", &dns_url)]).await;
    env.load_default_plans().await;
    let (hal, hws) = owner_with_workspace(&env, "Hal", "hal@example.com").await;
    let page = seed_bio_page(&env, &hws, "hal", BioContent::default()).await;
    let p: BioPage = hal.ok("add_bio_domain", &form(&hws, &page, "old.example.com")).await;
    publish(&zone, "old.example.com", &[&p]);
    // The claim is stored with its expiry, which a TTL index enforces...
    let db = env.srv.db().await;
    let stored = db.collection::<Document>("bio_domains").find_one(doc! { "domain": "old.example.com" }).await.unwrap().unwrap();
    assert!(stored.get_datetime("expires_at").is_ok(), "{stored:?}");
    let indexes = db.collection::<Document>("bio_domains").list_index_names().await.unwrap();
    assert!(indexes.iter().any(|n| n == "claim_expiry"), "{indexes:?}");
    // ...and that every read checks, whenever the TTL monitor runs: eight days later it is gone.
    let past = mongodb::bson::DateTime::from_millis(mongodb::bson::DateTime::now().timestamp_millis() - 24 * 3600 * 1000);
    db.collection::<Document>("bio_domains").update_one(doc! { "_id": stored.get_str("_id").unwrap() }, doc! { "$set": { "expires_at": past } }).await.unwrap();
    let listed: BioPage = hal.ok("get_bio_page", &[("workspace", hws.as_str()), ("page", page.as_str())]).await;
    assert!(listed.domains.is_empty(), "{:?}", listed.domains);
    let e = hal.fails("verify_bio_domain", &form(&hws, &page, "old.example.com"), 404).await;
    assert!(matches!(e, app::AppError::NotFound { .. }), "{e:?}");
    // The name is free again: a new claim gets a new token, and verifies.
    let again: BioPage = hal.ok("add_bio_domain", &form(&hws, &page, "old.example.com")).await;
    assert_eq!(again.domains.len(), 1);
    assert_ne!(again.domains[0].token, p.domains[0].token);
    assert_eq!(env.count("bio_domains", doc! { "domain": "old.example.com" }).await, 1);
    publish(&zone, "old.example.com", &[&again]);
    let v: BioPage = hal.ok("verify_bio_domain", &form(&hws, &page, "old.example.com")).await;
    assert!(v.domains[0].verified);
}
