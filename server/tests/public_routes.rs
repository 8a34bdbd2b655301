//! The public routes of the site root: what answers `/{anything}`. Files of the client build
//! come first, then the server's own routes, then the client's routes (the app shell), then
//! bio handles; anything else is a small server-rendered 404 page in the visitor's language,
//! with no WebAssembly. `/robots.txt` lets crawlers see public pages and keeps them out of
//! the app, and a handle can never take a path the server or the client build owns.

mod common;

use app::bio::{BioContent, BioPage};
use common::web::*;
use common::*;

/// A client-route pattern (`/bio/:id`) with its parameters filled in (`/bio/x1`).
fn example_of(pattern: &str) -> String {
    pattern.split('/').map(|seg| if seg.starts_with(':') || seg.starts_with('*') { "x1" } else { seg }).collect::<Vec<_>>().join("/")
}

async fn get_with_language(srv: &TestServer, path: &str, accept_language: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let res = client().get(srv.url(path)).header("accept-language", accept_language).send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.text().await.unwrap())
}

#[tokio::test]
async fn an_unknown_address_is_a_small_translated_404_page_and_client_routes_get_the_shell() {
    let env = start("public_404", &[]).await;
    let srv = &env.srv;

    for path in ["/no_such_handle", "/no/such/page", "/ana/", "/bio/1/extra", "/missing-file.js"] {
        for (lang, title) in [("en-GB,en;q=0.9", "Page not found"), ("fr-FR,fr;q=0.9,en;q=0.5", "Page introuvable")] {
            let (status, headers, html) = get_with_language(srv, path, lang).await;
            assert_eq!(status, 404, "{path} ({lang})");
            assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
            assert!(html.len() < 5 * 1024, "{path}: {} bytes", html.len());
            assert!(!html.contains("<script"), "{path}: a script in the 404 page");
            assert!(!html.contains(".wasm") && !html.contains("frontend-"), "{path}: the app in the 404 page");
            assert!(html.contains(title), "{path} ({lang}): {html}");
            assert!(html.contains("href=\"/\""), "{path}: no link home");
            assert!(html.contains("prefers-color-scheme: dark"), "{path}: not readable in dark mode");
            assert!(html.contains(if lang.starts_with("fr") { "lang=\"fr\"" } else { "lang=\"en\"" }), "{path}");
        }
    }
    // Without Accept-Language: English.
    let (status, _, html) = get_with_language(srv, "/nobody_here", "").await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"), "{html}");
    // HEAD: the status, no body.
    let res = client().head(srv.url("/nobody_here")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.bytes().await.unwrap().is_empty());

    // Every client route (and the shell itself) is the app, with 200.
    let mut paths: Vec<String> = app::shell::routes::CLIENT_ROUTES.iter().map(|p| example_of(p)).collect();
    paths.extend(["/index.html", "/login?next=%2Fbio", "/bio/123", "/workspace/team"].map(String::from));
    for path in &paths {
        let res = client().get(srv.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert!(res.text().await.unwrap().contains("<script type=\"module\">"), "{path}: not the app shell");
    }
}

/// RFC 9309 matching: the longest matching rule of the `*` group wins, Allow on a tie;
/// `*` matches any characters and a final `$` anchors the end.
fn robots_allows(robots: &str, path: &str) -> bool {
    fn matches(pattern: &str, path: &str) -> bool {
        match pattern.chars().next() {
            None => true,
            Some('$') if pattern.len() == 1 => path.is_empty(),
            Some('*') => (0..=path.len()).filter(|i| path.is_char_boundary(*i)).any(|i| matches(&pattern[1..], &path[i..])),
            Some(c) => path.starts_with(c) && matches(&pattern[c.len_utf8()..], &path[c.len_utf8()..]),
        }
    }
    let mut in_star_group = false;
    let mut best: Option<(usize, bool)> = None;
    for line in robots.lines() {
        let line = line.split('#').next().unwrap().trim();
        let Some((key, value)) = line.split_once(':') else { continue };
        let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
        match key.as_str() {
            "user-agent" => in_star_group = value == "*",
            "allow" | "disallow" if in_star_group && !value.is_empty() && matches(value, path) => {
                let allow = key == "allow";
                let better = match best {
                    None => true,
                    Some((len, was_allow)) => value.len() > len || (value.len() == len && allow && !was_allow),
                };
                if better {
                    best = Some((value.len(), allow));
                }
            }
            _ => {}
        }
    }
    best.is_none_or(|(_, allow)| allow)
}

#[tokio::test]
async fn robots_txt_lets_crawlers_see_public_pages_and_keeps_them_out_of_the_app() {
    let env = start("public_robots", &[]).await;
    let res = client().get(env.srv.url("/robots.txt")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let robots = res.text().await.unwrap();
    assert!(robots.contains("User-agent: *"), "{robots}");
    // There is no sitemap yet, so no Sitemap line.
    assert!(!robots.to_ascii_lowercase().contains("sitemap"), "{robots}");
    for public in ["/", "/ana", "/ana.makes", "/biology", "/logins_by_ana", "/ana/qr.svg", "/files/abc/original"] {
        assert!(robots_allows(&robots, public), "{public} should be open to crawlers:\n{robots}");
    }
    let mut private: Vec<String> = app::shell::routes::CLIENT_ROUTES.iter().filter(|p| **p != "/").map(|p| example_of(p)).collect();
    private.extend(
        ["/login?next=%2Fbio", "/bio/123", "/api/status", "/auth/google/start", "/l/page/block", "/s/abc", "/webhooks/stripe", "/metrics", "/health", "/ready"]
            .map(String::from),
    );
    for path in &private {
        assert!(!robots_allows(&robots, path), "{path} should be closed to crawlers:\n{robots}");
    }
    // HEAD works too.
    assert_eq!(client().head(env.srv.url("/robots.txt")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_handle_cannot_take_a_path_of_the_server_or_the_client_build() {
    let dist = fixture_dist();
    std::fs::write(dist.join("precache.txt"), "version test\nfiles 3\n").unwrap();
    // A file a later build adds, which no list of reserved names knows yet.
    std::fs::write(dist.join("news.txt"), "from the build\n").unwrap();
    let dist = dist.display().to_string();
    let env = start("public_reserved", &[("DIST_DIR", &dist)]).await;
    env.load_default_plans().await;
    let (ana, ws) = owner_with_workspace(&env, "Ana", "ana@example.com").await;

    // Files of the build, the server's own routes and the client's routes are all refused,
    // on create and on change.
    let reserved = [
        "precache.txt",
        "robots.txt",
        "sw.js",
        "offline.html",
        "outbox.js",
        "manifest.webmanifest",
        "index.html",
        "favicon.ico",
        "icons",
        "snippets",
        "health",
        "ready",
        "metrics",
        "api",
        "auth",
        "files",
        "logos",
        "webhooks",
        "status",
        "login",
        "signup",
        "account",
        "setup",
        "invite",
        "workspace",
        "notifications",
        "bio",
        "media",
        "links",
        "billing",
        "admin",
    ];
    const MESSAGE: &str = "That address belongs to the app itself. Choose another handle.";
    for h in reserved {
        let e = ana.fails("create_bio_page", &[("workspace", ws.as_str()), ("handle", h)], 422).await;
        assert_eq!(e.field_message("handle").as_deref(), Some(MESSAGE), "{h}: {e:?}");
    }
    let page: BioPage = ana.ok("create_bio_page", &[("workspace", ws.as_str()), ("handle", "ana")]).await;
    for h in ["precache.txt", "webhooks", "login"] {
        let e = ana.fails("change_bio_handle", &[("workspace", ws.as_str()), ("page", page.id.as_str()), ("handle", h)], 422).await;
        assert_eq!(e.field_message("handle").as_deref(), Some(MESSAGE), "{h}: {e:?}");
    }
    // In French for a French-speaking person.
    ana.set_cookie("lang=fr");
    let e = ana.fails("create_bio_page", &[("workspace", ws.as_str()), ("handle", "precache.txt")], 422).await;
    assert_eq!(e.field_message("handle").as_deref(), Some("Cette adresse appartient à l’application elle-même. Choisissez un autre identifiant."), "{e:?}");
    assert_eq!(env.count("bio_pages", mongodb::bson::doc! {}).await, 1);

    // Even a page that somehow holds a file's name does not shadow the file.
    seed_bio_page(&env, &ws, "precache.txt", BioContent::default()).await;
    let res = client().get(env.srv.url("/precache.txt")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/plain"), "{:?}", res.headers());
    assert_eq!(res.text().await.unwrap(), "version test\nfiles 3\n");
    // Files are matched before handles, so this holds for any file of the build.
    seed_bio_page(&env, &ws, "news.txt", BioContent::default()).await;
    let res = client().get(env.srv.url("/news.txt")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "from the build\n");
    // Nor the shell of the client.
    seed_bio_page(&env, &ws, "setup", BioContent::default()).await;
    let res = client().get(env.srv.url("/setup")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("<script type=\"module\">"));
}
