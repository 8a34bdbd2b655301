//! M05 link-in-bio over real HTTP against the real database: handles and their redirects,
//! drafts and publishing (with conflicts), the public page (escaping, CSP, no script, cache
//! invalidated on publish), the on/off toggle and the schedule, the click redirect (never
//! open), e-mail sign-ups, the QR code, plan limits, and the cross-workspace probe.

mod common;

use app::bio::api::ENDPOINTS;
use app::bio::{BioContent, BioPage, BioPageList, BioSignup, Block, BlockKind, SocialLink};
use app::AppError;
use common::probe::{self, Fixture, ModuleSpec};
use common::web::*;
use mongodb::bson::{doc, DateTime, Document};

async fn create(b: &Browser, ws: &str, handle: &str) -> BioPage {
    b.ok("create_bio_page", &[("workspace", ws), ("handle", handle)]).await
}

async fn save(b: &Browser, ws: &str, page: &BioPage, content: &BioContent) -> BioPage {
    let json = serde_json::to_string(content).unwrap();
    b.ok("save_bio_draft", &[("workspace", ws), ("page", &page.id), ("content", &json), ("version", &page.version.to_string())]).await
}

async fn publish(b: &Browser, ws: &str, page: &BioPage) -> BioPage {
    b.ok("publish_bio_page", &[("workspace", ws), ("page", &page.id), ("version", &page.version.to_string())]).await
}

fn link(id: &str, title: &str, url: &str) -> Block {
    Block {
        id: id.into(),
        kind: BlockKind::Link { title: title.into(), url: url.into(), thumbnail: None, enabled: true, starts_at: None, ends_at: None, short_slug: None },
    }
}

async fn text_of(res: reqwest::Response) -> (u16, String) {
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

// ---------------------------------------------------------------- handles

#[tokio::test]
async fn handles_are_validated_unique_and_leave_a_redirect_when_changed() {
    let env = start("bio_handles", &[]).await;
    env.load_default_plans().await;
    let (ana, ws) = owner_with_workspace(&env, "Ana", "ana@example.com").await;
    // A reserved word or a path of the app itself: either way, "choose another".
    for (bad, why) in [
        ("api", "Choose another"),
        ("login", "Choose another"),
        ("Ana", "lowercase"),
        ("a-b-c", "lowercase letters"),
        ("ab", "3 to 30"),
        (".ana", "dot"),
        ("", "Choose a handle"),
    ] {
        let e = ana.fails("create_bio_page", &[("workspace", &ws), ("handle", bad)], 422).await;
        let msg = e.field_message("handle").unwrap_or_else(|| panic!("{bad:?}: {e:?}"));
        assert!(msg.contains(why), "{bad:?}: {msg}");
    }
    assert_eq!(env.count("bio_pages", doc! {}).await, 0, "nothing stored for bad handles");

    // The list says how many pages the plan allows, so the client can say so instead of
    // offering a form the server would refuse.
    let list: BioPageList = ana.ok("list_bio_pages", &[("workspace", &ws)]).await;
    assert_eq!((list.limit, list.used, list.plan.as_str(), list.at_limit()), (Some(1), 0, "Free", false));
    let page = create(&ana, &ws, "ana.makes").await;
    assert_eq!(page.handle, "ana.makes");
    let list: BioPageList = ana.ok("list_bio_pages", &[("workspace", &ws)]).await;
    assert_eq!((list.limit, list.used, list.upgrade_to.as_deref(), list.at_limit()), (Some(1), 1, Some("Pro"), true));
    // Unique across the platform.
    let (ben, ben_ws) = owner_with_workspace(&env, "Ben", "ben@example.com").await;
    let e = ben.fails("create_bio_page", &[("workspace", &ben_ws), ("handle", "ana.makes")], 422).await;
    assert!(e.field_message("handle").unwrap().contains("taken"));
    // The Free plan holds one page, and the error names the plan that lifts it.
    let e = ana.fails("create_bio_page", &[("workspace", &ws), ("handle", "second_page")], 402).await;
    assert!(matches!(&e, AppError::LimitReached { plan, upgrade_to: Some(up), .. } if plan == "Free" && up == "Pro"), "{e:?}");

    let mut content = BioContent::default();
    content.blocks.push(link("l1", "My shop", "https://shop.example.com"));
    let page = save(&ana, &ws, &page, &content).await;
    let page = publish(&ana, &ws, &page).await;
    let anon = env.browser();
    assert_eq!(anon.get("/ana.makes").await.status(), 200);

    // Change the handle: the old one redirects to the new one, and nobody can take it.
    let moved: BioPage = ana.ok("change_bio_handle", &[("workspace", &ws), ("page", &page.id), ("handle", "ana_studio")]).await;
    assert_eq!(moved.handle, "ana_studio");
    let res = anon.get("/ana.makes?ref=ig").await;
    assert_eq!(res.status(), 301);
    assert_eq!(res.headers()["location"], "/ana_studio?ref=ig");
    let (status, html) = text_of(anon.get("/ana_studio").await).await;
    assert_eq!(status, 200);
    assert!(html.contains("My shop"));
    let e = ben.fails("create_bio_page", &[("workspace", &ben_ws), ("handle", "ana.makes")], 422).await;
    assert!(e.field_message("handle").unwrap().contains("taken"));
    let redirect = env.srv.db().await.collection::<Document>("bio_redirects").find_one(doc! { "handle": "ana.makes" }).await.unwrap().unwrap();
    let days = (redirect.get_datetime("expires_at").unwrap().timestamp_millis() - DateTime::now().timestamp_millis()) / 86_400_000;
    assert!((29..=30).contains(&days), "redirect kept {days} days");
    // After 30 days the redirect is gone: the old handle is free again.
    env.srv
        .db()
        .await
        .collection::<Document>("bio_redirects")
        .update_one(doc! { "handle": "ana.makes" }, doc! { "$set": { "expires_at": DateTime::from_millis(DateTime::now().timestamp_millis() - 1000) } })
        .await
        .unwrap();
    let bens = create(&ben, &ben_ws, "ana.makes").await;
    assert_eq!(bens.handle, "ana.makes");
    let mut theirs = BioContent::default();
    theirs.blocks.push(link("b1", "Ben's thing", "https://ben.example.com"));
    let bens = save(&ben, &ben_ws, &bens, &theirs).await;
    publish(&ben, &ben_ws, &bens).await;
    let (status, html) = text_of(anon.get("/ana.makes").await).await;
    assert_eq!(status, 200);
    assert!(html.contains("Ben&#39;s thing"), "the new owner's page is served, not the old redirect");
    // The owner can take back their own old handle while it still redirects.
    let back: BioPage = ana.ok("change_bio_handle", &[("workspace", &ws), ("page", &page.id), ("handle", "ana_again")]).await;
    let back: BioPage = ana.ok("change_bio_handle", &[("workspace", &ws), ("page", &back.id), ("handle", "ana_studio")]).await;
    assert_eq!(back.handle, "ana_studio");
    assert_eq!(anon.get("/ana_studio").await.status(), 200);
}

// ---------------------------------------------------------------- drafts, publishing, the public page

#[tokio::test]
async fn drafts_publish_to_a_script_free_page_whose_cache_is_invalidated_on_publish() {
    let env = start("bio_publish", &[]).await;
    env.load_default_plans().await;
    let (ana, ws) = owner_with_workspace(&env, "Ana", "ana@example.com").await;
    let page = create(&ana, &ws, "ana").await;
    let anon = env.browser();
    // Not published yet: no public page (the request goes on to the app shell).
    assert!(!text_of(anon.get("/ana").await).await.1.contains("/ana/qr.svg"));

    let mut content = BioContent::default();
    content.seo.title = "Ana Makes Things".into();
    content.seo.description = "Ceramics and prints".into();
    content.blocks = vec![
        Block { id: "h".into(), kind: BlockKind::Header { text: "Hello".into() } },
        link("l1", "Shop", "https://shop.example.com"),
        Block { id: "t".into(), kind: BlockKind::Text { text: "**New** prints [here](https://prints.example.com)".into() } },
        Block { id: "v".into(), kind: BlockKind::Video { url: "https://youtu.be/dQw4w9WgXcQ".into() } },
        Block { id: "s".into(), kind: BlockKind::Social { links: vec![SocialLink { network: "instagram".into(), url: "https://instagram.com/ana".into() }] } },
        Block { id: "e".into(), kind: BlockKind::EmailCapture { heading: "News".into(), button: "Join".into(), consent: "I agree to e-mails.".into() } },
        Block { id: "d".into(), kind: BlockKind::Divider },
    ];
    let page = save(&ana, &ws, &page, &content).await;
    assert_eq!(page.draft, content);
    assert!(page.published.is_none());
    let page = publish(&ana, &ws, &page).await;
    assert_eq!(page.published.as_ref(), Some(&content));

    let res = anon.get("/ana").await;
    assert_eq!(res.status(), 200);
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("default-src 'none'") && !csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let html = res.text().await.unwrap();
    assert!(!html.contains("<script"), "no script on the public page");
    assert!(html.contains("<title>Ana Makes Things</title>"));
    assert!(html.contains("<meta name=\"description\" content=\"Ceramics and prints\">"));
    assert!(html.contains("property=\"og:title\" content=\"Ana Makes Things\""));
    assert!(html.contains("<h2>Hello</h2>"));
    assert!(html.contains(&format!("href=\"/l/{}/l1\"", page.id)), "links go through the click counter");
    assert!(html.contains("<strong>New</strong>"));
    assert!(html.contains("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"));
    assert!(html.contains("action=\"/ana/subscribe\""));
    assert!(html.contains("/ana/qr.svg"));
    assert!(html.len() < 15_000, "page is {} bytes", html.len());
    // A conditional request is answered without the body.
    let res = anon.http.get(anon.url("/ana")).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(res.status(), 304);
    // Compressed once when rendered: brotli or gzip as the browser accepts, same document.
    for (enc, expect) in [("br", Some("br")), ("gzip, deflate", Some("gzip")), ("br;q=0, gzip", Some("gzip")), ("identity", None)] {
        let res = anon.http.get(anon.url("/ana")).header("accept-encoding", enc).send().await.unwrap();
        assert_eq!(res.headers().get("content-encoding").map(|v| v.to_str().unwrap()), expect, "{enc}");
        assert_eq!(res.headers()["vary"], "accept-encoding, accept-language");
        let body = res.bytes().await.unwrap().to_vec();
        let plain = match expect {
            Some("br") => {
                let mut out = Vec::new();
                brotli::BrotliDecompress(&mut &body[..], &mut out).unwrap();
                out
            }
            Some(_) => {
                use std::io::Read as _;
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut out).unwrap();
                out
            }
            None => body.clone(),
        };
        assert_eq!(String::from_utf8(plain).unwrap(), html, "{enc}");
        if expect.is_some() {
            assert!(body.len() < html.len() / 2, "{enc}: {} of {} bytes", body.len(), html.len());
        }
    }

    // A new draft does not change the public page until it is published.
    let mut changed = content.clone();
    changed.blocks.insert(0, link("l2", "Brand new link", "https://new.example.com"));
    let page = save(&ana, &ws, &page, &changed).await;
    let (_, html) = text_of(anon.get("/ana").await).await;
    assert!(!html.contains("Brand new link"));
    // Publishing shows it at once: the cached page was dropped.
    let page = publish(&ana, &ws, &page).await;
    let (_, html) = text_of(anon.get("/ana").await).await;
    assert!(html.contains("Brand new link"));

    // A stale version is a conflict carrying the server's page; nothing is written.
    let stale = BioPage { version: page.version - 1, ..page.clone() };
    let json = serde_json::to_string(&content).unwrap();
    let e = ana.fails("save_bio_draft", &[("workspace", &ws), ("page", &page.id), ("content", &json), ("version", &stale.version.to_string())], 409).await;
    let AppError::Conflict { current } = e else { panic!("{e:?}") };
    let current: BioPage = serde_json::from_value(current).unwrap();
    assert_eq!(current.draft, changed);
    let e = ana.fails("publish_bio_page", &[("workspace", &ws), ("page", &page.id), ("version", &stale.version.to_string())], 409).await;
    assert!(matches!(e, AppError::Conflict { .. }));

    // Unsafe values are refused with a field error and nothing is stored; unfinished blocks
    // may be saved, but not published.
    let mut bad = changed.clone();
    bad.blocks.push(link("x", "Click", "javascript:alert(1)"));
    let json = serde_json::to_string(&bad).unwrap();
    let e = ana.fails("save_bio_draft", &[("workspace", &ws), ("page", &page.id), ("content", &json), ("version", &page.version.to_string())], 422).await;
    assert!(e.field_message(&format!("blocks.{}.url", bad.blocks.len() - 1)).unwrap().contains("Only web"), "{e:?}");
    let e = ana.fails("save_bio_draft", &[("workspace", &ws), ("page", &page.id), ("content", "{not json"), ("version", &page.version.to_string())], 422).await;
    assert!(e.field_message("content").is_some());
    let mut unfinished = changed.clone();
    unfinished.blocks.push(Block { id: "u".into(), kind: BlockKind::new_of("link").unwrap() });
    let page = save(&ana, &ws, &page, &unfinished).await;
    let e = ana.fails("publish_bio_page", &[("workspace", &ws), ("page", &page.id), ("version", &page.version.to_string())], 422).await;
    assert!(e.field_message(&format!("blocks.{}.title", unfinished.blocks.len() - 1)).is_some(), "{e:?}");
    let stored: BioPage = ana.ok("get_bio_page", &[("workspace", &ws), ("page", &page.id)]).await;
    assert_eq!(stored.published.as_ref(), Some(&changed), "the refused publish changed nothing");

    // The list shows unpublished changes.
    let list: BioPageList = ana.ok("list_bio_pages", &[("workspace", &ws)]).await;
    assert_eq!(list.pages.len(), 1);
    assert!(list.pages[0].published && list.pages[0].unpublished_changes);

    // The QR code encodes the page's address.
    let res = anon.get("/ana/qr.svg").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    assert!(res.text().await.unwrap().starts_with("<?xml"));

    // Unpublishing takes the page offline at once.
    let _: BioPage = ana.ok("unpublish_bio_page", &[("workspace", &ws), ("page", &page.id)]).await;
    assert!(!text_of(anon.get("/ana").await).await.1.contains("/ana/qr.svg"));
}

#[tokio::test]
async fn hostile_values_are_escaped_on_the_public_page() {
    let env = start("bio_xss", &[]).await;
    env.load_default_plans().await;
    let (ana, ws) = owner_with_workspace(&env, "Ana", "ana@example.com").await;
    let page = create(&ana, &ws, "ana").await;
    let x = "\"><script>alert(1)</script><img src=x onerror=alert(1)><svg onload=alert(1)>";
    let mut content = BioContent::default();
    content.seo.title = x.into();
    content.seo.description = x.into();
    content.blocks = vec![
        link("a", x, "https://example.com/?q=\"><script>alert(1)</script>"),
        Block { id: "b".into(), kind: BlockKind::Header { text: x.into() } },
        Block { id: "c".into(), kind: BlockKind::Text { text: format!("{x} [{x}](https://a.example) [y](javascript:alert(1))") } },
        Block { id: "e".into(), kind: BlockKind::EmailCapture { heading: x.into(), button: "<script>alert(1)</script>".into(), consent: x.into() } },
    ];
    let page = save(&ana, &ws, &page, &content).await;
    publish(&ana, &ws, &page).await;
    let (status, html) = text_of(env.browser().get("/ana").await).await;
    assert_eq!(status, 200);
    for bad in ["<script", "<img src=x", "<svg", "javascript:", "onerror=alert(1)>"] {
        assert!(!html.contains(bad), "{bad} reached the page");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

/// The owner's content is served as written; what the page says around it follows the
/// visitor's Accept-Language (not the app's `lang` cookie), one cached rendering per language.
#[tokio::test]
async fn the_public_page_chrome_follows_the_visitors_language() {
    let env = start("bio_lang", &[]).await;
    env.load_default_plans().await;
    let (ana, ws) = owner_with_workspace(&env, "Ana", "ana@example.com").await;
    let page = create(&ana, &ws, "ana").await;
    let mut content = BioContent::default();
    content.seo.title = "Ana Makes Things".into();
    content.blocks = vec![
        link("l1", "My shop", "https://shop.example.com"),
        Block { id: "s".into(), kind: BlockKind::Social { links: vec![SocialLink { network: "website".into(), url: "https://ana.example.com".into() }] } },
        Block { id: "e".into(), kind: BlockKind::EmailCapture { heading: "News".into(), button: "Join".into(), consent: "I agree to e-mails.".into() } },
    ];
    let page = save(&ana, &ws, &page, &content).await;
    publish(&ana, &ws, &page).await;
    let anon = env.browser();
    let fetch = |accept: &'static str, cookie: Option<&'static str>| {
        let anon = anon.clone();
        async move {
            let mut req = anon.http.get(anon.url("/ana")).header("accept-language", accept);
            if let Some(c) = cookie {
                req = req.header("cookie", c);
            }
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), 200);
            let vary = res.headers()["vary"].to_str().unwrap().to_ascii_lowercase();
            assert!(vary.contains("accept-language") && vary.contains("accept-encoding"), "vary: {vary}");
            let etag = res.headers()["etag"].to_str().unwrap().to_string();
            (etag, res.text().await.unwrap())
        }
    };
    // Twice each way round, so the second answer of each language comes from the cache.
    for _ in 0..2 {
        let (fr_tag, fr) = fetch("fr-FR,fr;q=0.9,en;q=0.5", Some("lang=en")).await;
        assert!(fr.starts_with("<!doctype html><html lang=\"fr\">"), "{}", &fr[..80]);
        for french in ["Adresse e-mail", "Code QR de cette page", "Site web", "aria-label=\"Réseaux sociaux\""] {
            assert!(fr.contains(french), "{french} missing from the French page");
        }
        for english in ["E-mail address", "QR code for this page", ">Website<"] {
            assert!(!fr.contains(english), "{english} on the French page");
        }
        let (en_tag, en) = fetch("en-GB,en;q=0.9", None).await;
        assert!(en.starts_with("<!doctype html><html lang=\"en\">"), "{}", &en[..80]);
        for english in ["E-mail address", "QR code for this page", ">Website<", "aria-label=\"Social links\""] {
            assert!(en.contains(english), "{english} missing from the English page");
        }
        assert!(!en.contains("Adresse e-mail") && !en.contains("Code QR"));
        // The owner's content is the same in both.
        for own in ["<title>Ana Makes Things</title>", "My shop", "<h2>News</h2>", "I agree to e-mails.", ">Join</button>"] {
            assert!(fr.contains(own) && en.contains(own), "{own}");
        }
        assert_ne!(fr_tag, en_tag, "each language has its own ETag");
    }
    // A language the app does not have gets English.
    let (_, de) = fetch("de-DE,de;q=0.9", None).await;
    assert!(de.contains("<html lang=\"en\">"));
    // The answer to a sign-up is in the visitor's language too.
    let res = anon
        .http
        .post(anon.url("/ana/subscribe"))
        .header("accept-language", "fr")
        .form(&[("block", "e"), ("email", "fan@example.com"), ("consent", "yes")])
        .send()
        .await
        .unwrap();
    let (status, body) = text_of(res).await;
    assert_eq!(status, 200);
    assert!(body.contains("<html lang=\"fr\">") && body.contains("Votre adresse a été enregistrée") && body.contains("Retour à la page"), "{body}");
    let res =
        anon.http.post(anon.url("/ana/subscribe")).header("accept-language", "fr").form(&[("block", "e"), ("email", "fan@example.com")]).send().await.unwrap();
    let (status, body) = text_of(res).await;
    assert_eq!(status, 422);
    assert!(body.contains("Cochez la case"), "{body}");
    // A missing link's page too.
    let (status, body) = text_of(anon.http.get(anon.url("/l/nothing/here")).header("accept-language", "fr").send().await.unwrap()).await;
    assert_eq!(status, 404);
    assert!(body.contains("<html lang=\"fr\">") && body.contains("Lien introuvable"), "{body}");
}

// ---------------------------------------------------------------- toggle, schedule, clicks

#[tokio::test]
async fn toggle_and_schedule_decide_what_is_shown_and_clicks_only_go_to_stored_links() {
    let env = start("bio_schedule", &[]).await;
    env.load_default_plans().await;
    let (ana, ws) = owner_with_workspace(&env, "Ana", "ana@example.com").await;
    let page = create(&ana, &ws, "ana").await;
    let now = DateTime::now().timestamp_millis();
    let hour = 3_600_000;
    // Long enough for the save, publish and first visit below on a busy machine.
    const SOON_MS: i64 = 6_000;
    let mut content = BioContent::default();
    let mk = |id: &str, title: &str, enabled: bool, starts: Option<i64>, ends: Option<i64>| Block {
        id: id.into(),
        kind: BlockKind::Link {
            title: title.into(),
            url: format!("https://{id}.example.com/"),
            thumbnail: None,
            enabled,
            starts_at: starts,
            ends_at: ends,
            short_slug: None,
        },
    };
    content.blocks = vec![
        mk("on", "Always on", true, None, None),
        mk("off", "Switched off", false, None, None),
        mk("future", "Starts later", true, Some(now + hour), None),
        mk("past", "Already ended", true, None, Some(now - hour)),
        mk("window", "In its window", true, Some(now - hour), Some(now + hour)),
        // Starts in a few seconds: the cached page must not outlive the start.
        mk("soon", "Starting soon", true, Some(now + SOON_MS), None),
    ];
    let page = save(&ana, &ws, &page, &content).await;
    let page = publish(&ana, &ws, &page).await;
    let anon = env.browser();
    let (_, html) = text_of(anon.get("/ana").await).await;
    assert!(html.contains("Always on") && html.contains("In its window"));
    for hidden in ["Switched off", "Starts later", "Already ended", "Starting soon"] {
        assert!(!html.contains(hidden), "{hidden} shown");
    }
    // Until just after the start, however long the calls above took.
    let wait = (now + SOON_MS + 500 - DateTime::now().timestamp_millis()).max(0) as u64;
    tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
    let (_, html) = text_of(anon.get("/ana").await).await;
    assert!(html.contains("Starting soon"), "the schedule took effect when it started");

    // A click on a shown link redirects to its stored address.
    let res = anon.get(&format!("/l/{}/on", page.id)).await;
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "https://on.example.com/");
    // Hidden links, unknown blocks and made-up pages lead nowhere: no open redirect.
    for path in [
        format!("/l/{}/off", page.id),
        format!("/l/{}/future", page.id),
        format!("/l/{}/nope", page.id),
        "/l/nothing/on".to_string(),
        format!("/l/{}/on?to=https://evil.example", "x"),
    ] {
        let res = anon.get(&path).await;
        assert_eq!(res.status(), 404, "{path}");
        assert!(res.headers().get("location").is_none());
    }
}

#[tokio::test]
async fn the_email_capture_form_stores_a_contact_with_consent_and_works_without_script() {
    let env = start("bio_signup", &[]).await;
    env.load_default_plans().await;
    let (ana, ws) = owner_with_workspace(&env, "Ana", "ana@example.com").await;
    let page = create(&ana, &ws, "ana").await;
    let content = BioContent {
        blocks: vec![Block {
            id: "e1".into(),
            kind: BlockKind::EmailCapture { heading: "News".into(), button: "Join".into(), consent: "I agree to monthly e-mails.".into() },
        }],
        ..Default::default()
    };
    let page = save(&ana, &ws, &page, &content).await;
    publish(&ana, &ws, &page).await;
    let anon = env.browser();
    let post = |form: Vec<(&'static str, &'static str)>| {
        let anon = anon.clone();
        async move { anon.http.post(anon.url("/ana/subscribe")).form(&form).send().await.unwrap() }
    };
    let (status, body) = text_of(post(vec![("block", "e1"), ("email", "not-an-address"), ("consent", "yes")]).await).await;
    assert_eq!(status, 422);
    assert!(body.contains("e-mail address"), "{body}");
    let (status, body) = text_of(post(vec![("block", "e1"), ("email", "fan@example.com")]).await).await;
    assert_eq!(status, 422);
    assert!(body.contains("agree"));
    assert_eq!(env.count("bio_signups", doc! {}).await, 0);
    let (status, body) = text_of(post(vec![("block", "e1"), ("email", "Fan@Example.com"), ("consent", "yes")]).await).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = text_of(post(vec![("block", "e1"), ("email", "fan@example.com"), ("consent", "yes")]).await).await;
    assert_eq!(status, 200);
    let (status, _) = text_of(post(vec![("block", "nope"), ("email", "x@example.com"), ("consent", "yes")]).await).await;
    assert_eq!(status, 404);
    let signups: Vec<BioSignup> = ana.ok("list_bio_signups", &[("workspace", &ws), ("page", &page.id)]).await;
    assert_eq!(signups.len(), 1, "one record per address");
    assert_eq!(signups[0].email, "fan@example.com");
    assert_eq!(signups[0].consent_text, "I agree to monthly e-mails.");
    assert!(DateTime::now().timestamp_millis() - signups[0].consented_at < 60_000);
}

// ---------------------------------------------------------------- the Form block (M07)

async fn form_of(b: &Browser, ws: &str, title: &str, publish: bool) -> app::forms::FormFull {
    let f: app::forms::FormFull = b.ok("create_form", &[("workspace", ws), ("title", title)]).await;
    if !publish {
        return f;
    }
    b.ok("publish_form", &[("workspace", ws), ("form", &f.id), ("version", &f.version.to_string())]).await
}

#[tokio::test]
async fn a_form_block_embeds_only_a_published_form_of_the_same_workspace() {
    let env = start("bio_form_block", &[]).await;
    env.load_default_plans().await;
    let (ana, ws) = owner_with_workspace(&env, "Ana", "ana@example.com").await;
    let (ben, ben_ws) = owner_with_workspace(&env, "Ben", "ben@example.com").await;
    let live = form_of(&ana, &ws, "Enquiry", true).await;
    let draft = form_of(&ana, &ws, "Not yet", false).await;
    let others = form_of(&ben, &ben_ws, "Ben's", true).await;
    let page = create(&ana, &ws, "ana").await;
    let with_form = |url: String| BioContent { blocks: vec![Block { id: "f1".into(), kind: BlockKind::Form { url } }], ..Default::default() };
    let try_save = |content: BioContent, version: i64| {
        let (ana, ws, page) = (ana.clone(), ws.clone(), page.id.clone());
        async move {
            let json = serde_json::to_string(&content).unwrap();
            ana.fails("save_bio_draft", &[("workspace", &ws), ("page", &page), ("content", &json), ("version", &version.to_string())], 422).await
        }
    };

    // Not a form's link: refused next to the field, nothing saved.
    let e = try_save(with_form("https://example.com/contact".into()), page.version).await;
    assert!(e.field_message("blocks.0.url").unwrap().contains("link of a form"), "{e:?}");
    let e = try_save(with_form(format!("{}/f/<script>", env.srv.base)), page.version).await;
    assert!(e.field_message("blocks.0.url").is_some(), "{e:?}");

    // A draft form, or another workspace's form: saved as a draft, but never published.
    let mut page = page;
    for (url, what) in
        [(format!("{}/f/{}", env.srv.base, draft.slug), "an unpublished form"), (format!("{}/f/{}", env.srv.base, others.slug), "another workspace's form")]
    {
        page = save(&ana, &ws, &page, &with_form(url)).await;
        let e = ana.fails("publish_bio_page", &[("workspace", &ws), ("page", &page.id), ("version", &page.version.to_string())], 422).await;
        assert!(e.field_message("blocks.0.url").unwrap().contains("No published form"), "{what}: {e:?}");
        let stored: BioPage = ana.ok("get_bio_page", &[("workspace", &ws), ("page", &page.id)]).await;
        assert!(stored.published.is_none(), "{what} was published");
    }

    // Its own published form, by the link the Share tab gives (a query is fine).
    let page = save(&ana, &ws, &page, &with_form(format!("{}/f/{}?utm=bio", env.srv.base, live.slug))).await;
    publish(&ana, &ws, &page).await;
    let res = env.browser().get("/ana").await;
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
    let (status, body) = text_of(res).await;
    assert_eq!(status, 200);
    assert!(body.contains(&format!("<iframe class=\"fm\" src=\"/f/{}?embed=1\"", live.slug)) && body.contains("data-mewayz-form"), "{body}");
    assert!(body.contains(&format!("<script src=\"{}\" async></script>", app::forms::EMBED_SCRIPT_PATH)), "{body}");
    assert!(!body.contains(&others.slug) && !body.contains(&draft.slug));
    // The policy lets in this server's own frame and script, and nothing more.
    assert!(csp.contains("script-src 'self';") && csp.contains("player.vimeo.com 'self';") && csp.contains("frame-ancestors 'none'"), "{csp}");
    // The framed form may be framed; the page around it may not.
    let res = env.browser().get(&format!("/f/{}?embed=1", live.slug)).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors *"));
}

// ---------------------------------------------------------------- isolation

#[tokio::test]
async fn no_bio_fn_reaches_into_another_workspace_or_past_the_callers_role() {
    let env = start("bio_probe", &[("DNS_RESOLVER_URL", "http://127.0.0.1:9/dns-query")]).await;
    let fx = probe::fixture(&env).await;
    let v = &fx.victim;
    let page = create(&v.owner, &v.workspace_id, "quillfeather").await;
    let mut content = BioContent::default();
    content.blocks.push(link("l1", "Shop", "https://quill.example.com"));
    let page = save(&v.owner, &v.workspace_id, &page, &content).await;
    let page = publish(&v.owner, &v.workspace_id, &page).await;
    let _: BioPage = v.owner.ok("add_bio_domain", &[("workspace", &v.workspace_id), ("page", &page.id), ("domain", "links.quill.example")]).await;
    // The viewer can read the page.
    let seen: BioPage = v.viewer.ok("get_bio_page", &[("workspace", &v.workspace_id), ("page", &page.id)]).await;
    assert_eq!(seen.id, page.id);

    let page_id = page.id.clone();
    let version = page.version.to_string();
    let json = serde_json::to_string(&BioContent::default()).unwrap();
    let args = move |endpoint: &str, _fx: &Fixture| -> Option<Vec<(String, String)>> {
        let f = |pairs: &[(&str, &str)]| Some(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        match endpoint {
            "list_bio_pages" => f(&[]),
            "create_bio_page" => f(&[("handle", "probe_made")]),
            "get_bio_page" | "unpublish_bio_page" | "delete_bio_page" | "list_bio_signups" => f(&[("page", &page_id)]),
            "save_bio_draft" => f(&[("page", &page_id), ("content", &json), ("version", &version)]),
            "publish_bio_page" => f(&[("page", &page_id), ("version", &version)]),
            "change_bio_handle" => f(&[("page", &page_id), ("handle", "probe_handle")]),
            "get_bio_stats" => f(&[("page", &page_id), ("from", "2026-01-01"), ("to", "2026-01-31")]),
            "add_bio_domain" => f(&[("page", &page_id), ("domain", "probe.example")]),
            "verify_bio_domain" | "remove_bio_domain" => f(&[("page", &page_id), ("domain", "links.quill.example")]),
            _ => None,
        }
    };
    let spec = ModuleSpec {
        module: "bio",
        endpoints: ENDPOINTS,
        view_only: &["list_bio_pages", "get_bio_page", "list_bio_signups", "get_bio_stats"],
        viewer_self_service: &[],
        routes: &[],
        args: &args,
    };
    probe::run(&env, &fx, &spec).await;

    // The victim's page is whole and still public.
    let after: BioPage = v.owner.ok("get_bio_page", &[("workspace", &v.workspace_id), ("page", &page.id)]).await;
    assert_eq!((after.handle.as_str(), after.version, after.published.as_ref()), ("quillfeather", page.version, Some(&content)));
    assert_eq!(env.browser().get("/quillfeather").await.status(), 200);
    // The outsider's own page list has nothing of the victim's.
    let theirs: BioPageList = fx.outsider.browser.ok("list_bio_pages", &[("workspace", &fx.outsider.workspace_id)]).await;
    assert!(theirs.pages.iter().all(|p| p.handle != "quillfeather"));
}

// ---------------------------------------------------------------- custom domains over HTTP

#[tokio::test]
async fn requests_for_a_verified_custom_domain_are_served_the_page() {
    let env = start("bio_host", &[]).await;
    env.load_default_plans().await;
    let (ana, ws) = owner_with_workspace(&env, "Ana", "ana@example.com").await;
    let page = create(&ana, &ws, "ana").await;
    let mut content = BioContent::default();
    content.blocks.push(link("l1", "Shop on my own domain", "https://shop.example.com"));
    let page = save(&ana, &ws, &page, &content).await;
    let page = publish(&ana, &ws, &page).await;
    let added: BioPage = ana.ok("add_bio_domain", &[("workspace", &ws), ("page", &page.id), ("domain", "links.ana.example")]).await;
    assert!(!added.domains[0].verified);
    let _: BioPage = ana.ok("add_bio_domain", &[("workspace", &ws), ("page", &page.id), ("domain", "wait.ana.example")]).await;
    let anon = env.browser();
    let get = |host: &'static str, path: &'static str| {
        let anon = anon.clone();
        async move { anon.http.get(anon.url(path)).header("host", host).send().await.unwrap() }
    };
    // A domain whose DNS proof was not seen: no page on that host.
    let (status, html) = text_of(get("wait.ana.example", "/").await).await;
    assert_eq!(status, 404);
    assert!(!html.contains("Shop on my own domain"));
    // Verified (as the DNS check records it): the host serves the page at its root.
    let db = env.srv.db().await;
    db.collection::<Document>("bio_domains")
        .update_one(doc! { "domain": "links.ana.example" }, doc! { "$set": { "verified": true, "verified_at": DateTime::now() } })
        .await
        .unwrap();
    let res = get("links.ana.example:443", "/").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    let html = res.text().await.unwrap();
    assert!(html.contains("Shop on my own domain"));
    assert!(html.contains(&format!("href=\"/l/{}/l1\"", page.id)));
    // Other paths on that host are not the app.
    assert_eq!(get("links.ana.example", "/login").await.status(), 404);
    // An unknown host gets no page and no app.
    let (status, html) = text_of(get("unknown.example", "/").await).await;
    assert_eq!(status, 404);
    assert!(!html.contains("Shop on my own domain"));
    // Clicks on the custom domain go through the same counter.
    let res = anon.http.get(anon.url(&format!("/l/{}/l1", page.id))).header("host", "links.ana.example").send().await.unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "https://shop.example.com");
}
