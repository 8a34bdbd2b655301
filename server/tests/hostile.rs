//! Hostile input, sent to every server fn and every public form and route, over real HTTP
//! against the real database.
//!
//! The server fns are enumerated from the source (`common::server_fns`), checked against the
//! server's registry, so a fn added later is covered without touching this file. Each fn gets
//! a plausible form built from its arguments' names and types; then every argument in turn
//! is replaced by every value of the corpus (XSS, 1 MB strings, deeply nested JSON, invalid
//! UTF-8, MongoDB operators as form structure and as text, negative, huge and non-finite
//! numbers, path traversal and NUL bytes), and the whole body is replaced by hostile bodies
//! (empty, garbage, JSON, raw bytes that are not UTF-8, one over the size limit).
//!
//! Every answer must be below 500, arrive within the time limit (no hang, no panic: a
//! panicking handler drops the connection), and a refusal must be the shared error
//! (`AppError` as JSON) with a human message that does not leak parser or database
//! internals. `/health` must answer after every fn. The counts are printed at the end.
//!
//! The caller is a verified owner of a Pro workspace (so calls pass authentication and reach
//! validation); the platform-admin fns are called by a platform admin on the admin's own
//! workspace. A smaller pass runs signed out. Fns that could end the caller's session or
//! workspace are given values that cannot succeed (`delete_workspace` a wrong confirmation
//! name, `transfer_ownership`/`remove_member`/`change_member_role` a member id that does not
//! exist, `change_password`/`totp_disable` a wrong password, `leave_workspace` is refused to
//! an owner), and `sign_out`/`sign_out_everywhere` run last, with a session of their own.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use app::bio::{BioContent, BioPage, Block, BlockKind};
use app::media::MediaFile;
use app::shortlinks::ShortLink;
use app::workspaces::WorkspaceDetail;
use app::AppError;
use common::probe::PNG_DATA_URL;
use common::server_fns::{all_declared, Arg, Declared};
use common::web::*;
use devtools::fake_stripe::{event_json, subscription_json, FakeStripe};
use mongodb::bson::{doc, Bson, Document};
use serde_json::json;

const SECRET: &str = "whsec_test_hostile_secret";
/// `MAX_BODY_BYTES`' default: 2 MiB.
const MAX_BODY: usize = 2 * 1024 * 1024;
const MB: usize = 1024 * 1024;
/// `MAX_UPLOAD_BYTES`' default: 40 MiB, for `upload_media`.
const UPLOAD_LIMIT: usize = 40 * MB;
const PER_REQUEST: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------- the corpus

/// One hostile value for one argument.
#[derive(Clone)]
enum Hostile {
    /// Text, form-encoded as the browser would.
    Text(String),
    /// Bytes put into the body as they are (already percent-encoded, possibly invalid UTF-8).
    Raw(&'static str),
    /// Form structure under the argument's name: `arg[$gt]=` and the like (suffix, value).
    Structure(Vec<(&'static str, &'static str)>),
}

struct Case {
    category: &'static str,
    name: String,
    value: Hostile,
}

fn corpus() -> Vec<Case> {
    let mut c = vec![];
    let mut text = |category: &'static str, name: &str, v: String| c.push(Case { category, name: name.into(), value: Hostile::Text(v) });
    text("xss", "script tag", "<script>window.__pwned=1;alert(1)</script>".into());
    text("xss", "attribute break-out", "\"><img src=x onerror=alert(1)>".into());
    text("xss", "javascript: URL", "javascript:alert(1)".into());
    text("xss", "svg onload", "<svg/onload=alert(1)>".into());
    text("xss", "single-quote break-out", "';alert(1);//".into());
    text("size", "1 MB string", "a".repeat(MB));
    text("nesting", "10 000 nested arrays", format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)));
    text("nesting", "5 000 nested objects", format!("{}1{}", r#"{"a":"#.repeat(5_000), "}".repeat(5_000)));
    text("injection", "$gt as JSON text", r#"{"$gt": ""}"#.into());
    text("injection", "$where as JSON text", r#"{"$where": "sleep(1000)"}"#.into());
    text("injection", "bare operator", "$gt".into());
    text("injection", "dotted key", "a.b.$c".into());
    text("number", "-1", "-1".into());
    text("number", "0", "0".into());
    text("number", "i64 max", i64::MAX.to_string());
    text("number", "i64 min", i64::MIN.to_string());
    text("number", "below i64 min", "-9223372036854775809".into());
    text("number", "1e309", "1e309".into());
    text("number", "NaN", "NaN".into());
    text("number", "Infinity", "Infinity".into());
    text("number", "-Infinity", "-Infinity".into());
    text("number", "20 digits", "99999999999999999999".into());
    text("number", "fraction", "1.5".into());
    text("traversal", "../../etc/passwd", "../../etc/passwd".into());
    text("traversal", "literal ..%2F", "..%2F..%2Fetc%2Fpasswd".into());
    text("traversal", "windows path", "C:\\windows\\system32".into());
    text("traversal", "NUL in name", "photo.png\0.html".into());
    text("traversal", "NUL alone", "\0".into());
    text("text", "empty", String::new());
    text("text", "spaces", "   ".into());
    text("text", "bidi override and zero-width", "\u{202E}gnp.exe\u{200B}".into());
    let mut raw = |category: &'static str, name: &str, v: &'static str| c.push(Case { category, name: name.into(), value: Hostile::Raw(v) });
    raw("utf8", "%FF%FE", "%FF%FE");
    raw("utf8", "overlong %C0%AF", "%C0%AF");
    raw("utf8", "surrogate %ED%A0%80", "%ED%A0%80");
    raw("utf8", "truncated %E2%82", "abc%E2%82");
    raw("traversal", "..%2F..%2F (decoded by the form)", "..%2F..%2Fetc%2Fpasswd");
    raw("traversal", "%00 in name", "a%00b.png");
    let mut structure =
        |name: &str, v: Vec<(&'static str, &'static str)>| c.push(Case { category: "injection", name: name.into(), value: Hostile::Structure(v) });
    structure("arg[$gt]=", vec![("[$gt]", "")]);
    structure("arg[$where]=sleep(1000)", vec![("[$where]", "sleep(1000)")]);
    structure("arg[$ne]=x&arg[$regex]=.*", vec![("[$ne]", "x"), ("[$regex]", ".*")]);
    structure("arg[0]=a&arg[1]=b (a list)", vec![("[0]", "a"), ("[1]", "b")]);
    structure("arg[a][b][c][d][e][f]=deep", vec![("[a][b][c][d][e][f]", "deep")]);
    c
}

/// Hostile bodies that replace the whole form.
fn whole_bodies() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    vec![
        ("empty body", "application/x-www-form-urlencoded", vec![]),
        ("garbage body", "application/x-www-form-urlencoded", b"%%%&&==;;[[]]=&=%zz%".to_vec()),
        ("JSON body with a form content-type", "application/x-www-form-urlencoded", br#"{"workspace": {"$gt": ""}, "name": "x"}"#.to_vec()),
        ("JSON body as application/json", "application/json", br#"{"workspace": {"$gt": ""}, "name": "x"}"#.to_vec()),
        ("raw bytes that are not UTF-8", "application/x-www-form-urlencoded", vec![0xff, 0xfe, b'=', 0xc0, 0xaf, b'&', 0x80]),
        ("no content-type", "", b"a=b".to_vec()),
    ]
}

// ---------------------------------------------------------------- forms

/// `application/x-www-form-urlencoded` encoding of one key or value.
fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The first key in `value` (at any depth) that starts with `$`, as a path.
fn operator_key(value: &Bson, at: &str) -> Option<String> {
    match value {
        Bson::Document(d) => d.iter().find_map(|(k, v)| if k.starts_with('$') { Some(format!("{at}.{k}")) } else { operator_key(v, &format!("{at}.{k}")) }),
        Bson::Array(a) => a.iter().enumerate().find_map(|(i, v)| operator_key(v, &format!("{at}[{i}]"))),
        _ => None,
    }
}

/// A form body: pairs of an encoded key and an encoded value.
#[derive(Clone, Default)]
struct Form(Vec<(String, String)>);

impl Form {
    fn push(&mut self, key: &str, value: &str) {
        self.0.push((enc(key), enc(value)));
    }
    fn body(&self) -> Vec<u8> {
        self.0.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&").into_bytes()
    }
    fn len(&self) -> usize {
        self.0.iter().map(|(k, v)| k.len() + v.len() + 2).sum()
    }
}

/// What the baseline form needs to know about the world.
struct World {
    workspace: String,
    admin_workspace: String,
    page: String,
    content: String,
    link: String,
    media: String,
}

fn is_vec(ty: &str) -> bool {
    ty.starts_with("Vec<")
}

fn is_option(ty: &str) -> bool {
    ty.starts_with("Option<")
}

fn inner(ty: &str) -> &str {
    ty.split_once('<').map(|(_, t)| t.trim_end_matches('>')).unwrap_or(ty)
}

/// A plausible value for `arg` of `endpoint`: by name where the name says what it is, else
/// by type. Returns the value and whether it was a guess by type only.
fn plausible(endpoint: &str, arg: &Arg, w: &World) -> (String, bool) {
    let ty = if is_vec(&arg.ty) || is_option(&arg.ty) { inner(&arg.ty) } else { arg.ty.as_str() };
    let by_name = match (endpoint, arg.name.as_str()) {
        (e, "workspace_id") if e.starts_with("admin_") => Some(w.admin_workspace.clone()),
        (_, "workspace") => Some(w.workspace.clone()),
        (_, "page") => Some(w.page.clone()),
        (_, "content") => Some(w.content.clone()),
        ("delete_short_link" | "short_link_stats", "id") => Some(w.link.clone()),
        ("delete_media", "id") => Some(w.media.clone()),
        ("admin_save_plan", "id") => Some("hostile".into()),
        (_, "id") => Some("no-such-id".into()),
        (_, "email") => Some("nobody.here@example.com".into()),
        (_, "password" | "current_password") => Some("not the password 123".into()),
        (_, "new_password") => Some("another long password 456".into()),
        (_, "name") => Some("Plain Name".into()),
        (_, "confirm_name") => Some("not the workspace name".into()),
        (_, "kind") if endpoint == "set_notification_preference" => Some("member_joined".into()),
        (_, "kind") => Some("creator".into()),
        (_, "role") => Some("editor".into()),
        (_, "handle") => Some("plainhandle".into()),
        (_, "slug") => Some("plainslug".into()),
        (_, "url") => Some("https://example.com/".into()),
        (_, "domain") => Some("links.example.com".into()),
        (_, "token" | "challenge") => Some("not-a-token-0123456789".into()),
        (_, "member") => Some("no-such-member".into()),
        (_, "invitation") => Some("no-such-invitation".into()),
        (_, "session_id") => Some("no-such-session".into()),
        (_, "notification") => Some("no-such-notification".into()),
        (_, "logo" | "data") => Some(PNG_DATA_URL.into()),
        (_, "from") => Some("2024-01-01".into()),
        (_, "to") => Some("2024-01-31".into()),
        (_, "plan") => Some("pro".into()),
        (_, "interval") => Some("monthly".into()),
        (_, "coupon" | "until" | "stripe_price_monthly" | "stripe_price_yearly") => Some(String::new()),
        (_, "query") => Some("nobody".into()),
        (_, "key") => Some("bio_pages".into()),
        (_, "value") => Some("5".into()),
        ("admin_create_coupon", "code") => Some("HOSTILE10".into()),
        (_, "code") => Some("123456".into()),
        (_, "endpoint") => Some("https://127.0.0.1/push/abc".into()),
        (_, "p256dh") => Some("BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM".into()),
        (_, "auth") => Some("tBHItJI5svbpez7KI4CCXg".into()),
        (_, "locale") => Some("en".into()),
        (_, "time_zone") => Some("Europe/Berlin".into()),
        (_, "brand_color") => Some("#336699".into()),
        (_, "currency") => Some("USD".into()),
        (_, "limits") => Some("{}".into()),
        (_, "goals") => Some("link_in_bio".into()),
        (_, "step") => Some("1".into()),
        (_, "days") => Some("7".into()),
        (_, "percent_off") => Some("10".into()),
        (_, "duration_months") => Some("1".into()),
        (_, "monthly_price" | "yearly_price") => Some("100".into()),
        _ => None,
    };
    if let Some(v) = by_name {
        return (v, false);
    }
    let v = match ty {
        "bool" => "false",
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" => "1",
        "f32" | "f64" => "1.0",
        _ => "plain value",
    };
    (v.to_string(), true)
}

/// Puts `value` into the form under `arg`, as the client would (a list gets `arg[0]`).
fn put(form: &mut Form, arg: &Arg, value: &str) {
    if is_vec(&arg.ty) {
        form.push(&format!("{}[0]", arg.name), value);
    } else {
        form.push(&arg.name, value);
    }
}

/// Puts a hostile value in place of `arg`.
fn put_hostile(form: &mut Form, arg: &Arg, h: &Hostile) {
    let key = if is_vec(&arg.ty) { format!("{}[0]", arg.name) } else { arg.name.clone() };
    match h {
        Hostile::Text(v) => form.push(&key, v),
        Hostile::Raw(v) => form.0.push((enc(&key), v.to_string())),
        Hostile::Structure(parts) => {
            for (suffix, v) in parts {
                form.0.push((enc(&format!("{}{suffix}", arg.name)), enc(v)));
            }
        }
    }
}

// ---------------------------------------------------------------- outcomes

#[derive(Default)]
struct Tally {
    requests: u64,
    by_outcome: BTreeMap<String, u64>,
    /// Refusals of an argument's value that named that argument, and ones that did not.
    named_field: u64,
    other_field: u64,
    findings: Vec<String>,
    guessed: BTreeSet<String>,
}

/// Words that belong to parsers, drivers and stack traces, not to a message for a person.
const INTERNALS: &[&str] = &[
    "serde",
    "invalid type",
    "invalid digit",
    "at line",
    "column",
    "Error(",
    "Error {",
    "panicked",
    "mongodb",
    "bson",
    "Kind",
    "Utf8",
    "utf-8",
    "ParseInt",
    "unwrap",
    "called `",
    "src/",
    ".rs:",
    "E11000",
    "$where",
    "stack",
];

/// "422 validation" and the like: the status and the error's kind as it travels.
fn outcome_kind(status: u16, e: &AppError) -> String {
    let kind = serde_json::to_value(e).ok().and_then(|v| v["kind"].as_str().map(str::to_string)).unwrap_or_default();
    format!("{status} {kind}")
}

impl Tally {
    fn count(&mut self, outcome: impl Into<String>) {
        *self.by_outcome.entry(outcome.into()).or_default() += 1;
    }

    /// Checks one answer of a server fn. `arg` is the argument the hostile value went into.
    fn check_fn_answer(&mut self, what: &str, arg: Option<&str>, res: Result<(u16, Vec<u8>), String>) {
        self.requests += 1;
        let (status, body) = match res {
            Ok(r) => r,
            Err(e) => {
                self.count("no answer");
                self.findings.push(format!("{what}: no answer (hang, panic or dropped connection): {e}"));
                return;
            }
        };
        let snippet = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
        if status >= 500 {
            self.count(format!("{status}"));
            self.findings.push(format!("{what}: {status}: {snippet}"));
            return;
        }
        if (200..300).contains(&status) {
            self.count("2xx accepted");
            return;
        }
        let err: AppError = match serde_json::from_slice(&body) {
            Ok(e) => e,
            Err(_) => {
                self.count(format!("{status} not the shared error"));
                self.findings.push(format!("{what}: {status} without the shared error: {snippet}"));
                return;
            }
        };
        let kind = outcome_kind(status, &err);
        self.count(kind);
        if status != err.status_code() && status != 413 {
            self.findings.push(format!("{what}: status {status} but the error is {err:?}"));
        }
        let message = err.to_string();
        let mut messages = vec![message.clone()];
        if let AppError::Validation { fields, .. } = &err {
            messages.extend(fields.iter().map(|f| f.message.clone()));
            if let Some(arg) = arg {
                if !fields.is_empty() {
                    if fields.iter().any(|f| f.field == arg || f.field.starts_with(&format!("{arg}.")) || f.field.starts_with(&format!("{arg}["))) {
                        self.named_field += 1;
                    } else {
                        self.other_field += 1;
                    }
                }
            }
        }
        for m in &messages {
            if m.trim().is_empty() {
                self.findings.push(format!("{what}: an empty message in {err:?}"));
            }
            if m.len() > 400 {
                self.findings.push(format!("{what}: a {}-character message (echoes the input?)", m.len()));
            }
            if let Some(word) = INTERNALS.iter().find(|w| m.contains(*w)) {
                self.findings.push(format!("{what}: the message shows internals ({word:?}): {m}"));
            }
            if m.contains("<script") || m.contains("onerror=") {
                self.findings.push(format!("{what}: the message echoes markup: {m}"));
            }
        }
    }
}

async fn send(b: &Browser, path: &str, content_type: &str, body: Vec<u8>) -> Result<(u16, Vec<u8>), String> {
    let mut req = b.http.post(b.url(path)).timeout(PER_REQUEST).body(body);
    if !content_type.is_empty() {
        req = req.header("content-type", content_type);
    }
    let res = req.send().await.map_err(|e| format!("{e:?}"))?;
    let status = res.status().as_u16();
    let bytes = res.bytes().await.map_err(|e| format!("{e:?}"))?;
    Ok((status, bytes.to_vec()))
}

/// A POST over plain TCP whose body is larger than `limit`: declared by `Content-Length`
/// (and not sent: the server must refuse on the header alone), or sent in chunks without a
/// length (the server must stop reading at the limit). Returns the status and the body.
async fn over_limit(b: &Browser, path: &str, limit: usize, chunked: bool) -> Result<(u16, Vec<u8>), String> {
    use reqwest::cookie::CookieStore as _;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let url = reqwest::Url::parse(&b.url(path)).unwrap();
    let cookie = b.jar.cookies(&url).map(|h| h.to_str().unwrap().to_string()).unwrap_or_default();
    let mut stream = tokio::net::TcpStream::connect((url.host_str().unwrap(), url.port().unwrap())).await.map_err(|e| e.to_string())?;
    let length = if chunked { "Transfer-Encoding: chunked".to_string() } else { format!("Content-Length: {}", limit + 1) };
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nCookie: {cookie}\r\n{length}\r\nConnection: close\r\n\r\n",
        url.authority()
    );
    stream.write_all(head.as_bytes()).await.map_err(|e| e.to_string())?;
    if chunked {
        let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "b".repeat(64 * 1024));
        // Writing stops when the server has answered and closed.
        for _ in 0..(limit / (64 * 1024) + 2) {
            if stream.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n").await;
    }
    let mut answer = vec![];
    let read = tokio::time::timeout(PER_REQUEST, stream.read_to_end(&mut answer)).await;
    if read.is_err() {
        return Err("no answer within the time limit".into());
    }
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status: u16 = text.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| format!("not an HTTP answer: {text:.200}"))?;
    let (headers, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let body = if headers.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        // One chunk is enough for a short error.
        body.split_once("\r\n")
            .map(|(_, rest)| rest.rsplit_once("\r\n0\r\n").map(|(b, _)| b).unwrap_or(rest))
            .unwrap_or(body)
            .trim_end_matches("\r\n")
            .to_string()
    } else {
        body.to_string()
    };
    Ok((status, body.into_bytes()))
}

/// The same browser (same cookies) on a client that opens a new connection for every
/// request: a server that answers 413 before reading the body closes the connection, and a
/// pooled client would then fail its next request on it.
fn unpooled(b: &Browser) -> Browser {
    let http = reqwest::Client::builder().cookie_provider(b.jar.clone()).redirect(reqwest::redirect::Policy::none()).pool_max_idle_per_host(0).build().unwrap();
    Browser { http, jar: b.jar.clone(), base: b.base.clone() }
}

async fn alive(b: &Browser, tally: &mut Tally, after: &str) {
    let res = unpooled(b).http.get(b.url("/health")).timeout(Duration::from_secs(10)).send().await;
    match res {
        Ok(r) if r.status() == 200 => {}
        Ok(r) => tally.findings.push(format!("/health answered {} after {after}", r.status())),
        Err(e) => panic!("the server is gone after {after}: {e:?}\nfindings so far:\n{}", tally.findings.join("\n")),
    }
}

// ---------------------------------------------------------------- the world

async fn set_up() -> (Env, FakeStripe, World, Browser, Browser, Browser) {
    let dns = empty_resolver().await;
    let fake = FakeStripe::start(SECRET).await;
    let env = start(
        "hostile",
        &[
            ("STRIPE_SECRET_KEY", "sk_test_hostile"),
            ("STRIPE_WEBHOOK_SECRET", SECRET),
            ("STRIPE_API_BASE", &fake.base),
            ("PUSH_ALLOWED_HOSTS", "127.0.0.1"),
            ("DNS_RESOLVER_URL", &dns),
        ],
    )
    .await;
    env.load_default_plans().await;
    let db = env.srv.db().await;
    db.collection::<Document>("plans")
        .update_one(doc! { "_id": "pro" }, doc! { "$set": { "stripe_price_monthly": "price_pro_m", "stripe_price_yearly": "price_pro_y" } })
        .await
        .unwrap();
    fake.set_webhook_url(&env.srv.url("/webhooks/stripe"));

    let (owner, ws) = owner_with_workspace(&env, "Hana Hostile", "hana@example.com").await;
    owner.ok::<WorkspaceDetail>("setup_goals", &[("workspace", &ws), ("goals[0]", "link_in_bio")]).await;
    // Pro, through a signed webhook, as Stripe Checkout would.
    fake.set_subscription(subscription_json("sub_hostile", "cus_hostile", "active", "price_pro_m", &ws, false));
    let ev = event_json(
        "evt_hostile_created",
        "customer.subscription.created",
        json!({ "id": "sub_hostile", "object": "subscription", "metadata": { "workspace_id": ws } }),
    );
    assert_eq!(deliver(&env, &ev).await, 200);
    let w: WorkspaceDetail = owner.ok("get_workspace", &[("workspace", &ws)]).await;
    assert_eq!(w.plan, "pro", "the caller's workspace is on Pro");

    // A published bio page with a link and an e-mail sign-up, a short link, a media file.
    let (page, content) = published_page(&owner, &ws, "hana").await;
    let link: ShortLink = owner.ok("create_short_link", &[("workspace", &ws), ("url", "https://example.com/a"), ("slug", "plain-link")]).await;
    let media: MediaFile = owner.ok("upload_media", &[("workspace", &ws), ("name", "dot.png"), ("data", PNG_DATA_URL)]).await;

    // A platform admin with a workspace of their own, for the admin fns.
    let (admin, admin_ws) = owner_with_workspace(&env, "Root Admin", "root@example.com").await;
    db.collection::<Document>("users").update_one(doc! { "email": "root@example.com" }, doc! { "$set": { "role": "admin" } }).await.unwrap();
    // A second session of the owner, for the fns that end sessions.
    let spare = signed_in(&env, "hana@example.com", PASSWORD).await;

    let world = World { workspace: ws, admin_workspace: admin_ws, page: page.id, content, link: link.id, media: media.id };
    (env, fake, world, owner, admin, spare)
}

async fn deliver(env: &Env, event: &serde_json::Value) -> u16 {
    let body = serde_json::to_vec(event).unwrap();
    deliver_raw(env, &body, true).await.0
}

async fn deliver_raw(env: &Env, body: &[u8], signed: bool) -> (u16, Vec<u8>) {
    let t = mongodb::bson::DateTime::now().timestamp_millis() / 1000;
    let mut req = common::client().post(env.srv.url("/webhooks/stripe")).timeout(PER_REQUEST).body(body.to_vec());
    if signed {
        req = req.header("stripe-signature", app::billing::webhook::signature_header(SECRET, t, body));
    } else {
        req = req.header("stripe-signature", format!("t={t},v1=00"));
    }
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.bytes().await.unwrap().to_vec())
}

/// The current version of what a `version` argument guards, so the baseline is not a
/// conflict and the hostile value of another argument reaches validation.
async fn current_version(b: &Browser, endpoint: &str, w: &World) -> String {
    match endpoint {
        "save_bio_draft" | "publish_bio_page" => {
            let p: BioPage = b.ok("get_bio_page", &[("workspace", &w.workspace), ("page", &w.page)]).await;
            p.version.to_string()
        }
        "update_workspace" => {
            let d: WorkspaceDetail = b.ok("get_workspace", &[("workspace", &w.workspace)]).await;
            d.version.to_string()
        }
        _ => "1".into(),
    }
}

/// The baseline form, without `skip`.
async fn baseline(b: &Browser, d: &Declared, w: &World, skip: Option<&str>, tally: &mut Tally) -> Form {
    let mut form = Form::default();
    for arg in &d.args {
        if Some(arg.name.as_str()) == skip || is_option(&arg.ty) {
            continue;
        }
        let value = if arg.name == "version" {
            current_version(b, &d.endpoint, w).await
        } else {
            let (v, guessed) = plausible(&d.endpoint, arg, w);
            if guessed {
                tally.guessed.insert(format!("{}.{}", d.endpoint, arg.name));
            }
            v
        };
        put(&mut form, arg, &value);
    }
    form
}

/// Fns that delete or take away what their arguments name.
fn destructive(endpoint: &str) -> bool {
    ["delete_", "remove_", "revoke_", "unpublish_"].iter().any(|p| endpoint.starts_with(p))
}

/// Fns that can end the caller's session run last, as the spare session.
const SESSION_ENDERS: &[&str] = &["sign_out", "sign_out_everywhere"];

// ---------------------------------------------------------------- the tests

#[test]
fn the_scan_finds_every_registered_fn_with_its_arguments() {
    let declared = all_declared();
    let names: BTreeSet<String> = declared.iter().map(|d| d.path()).collect();
    assert_eq!(names.len(), declared.len(), "an endpoint is declared twice");
    let registered: BTreeSet<String> = server::api::server_fn_paths().into_iter().map(|(p, _)| p).collect();
    let missing: Vec<&String> = registered.difference(&names).collect();
    assert!(missing.is_empty(), "registered server fns the source scan did not find: {missing:?}");
    let extra: Vec<&String> = names.difference(&registered).collect();
    assert!(extra.is_empty(), "declared server fns the server does not register: {extra:?}");
    // The scan reads attributes, generics and multi-line signatures.
    let profile = declared.iter().find(|d| d.endpoint == "update_profile").expect("update_profile");
    let version = profile.args.iter().find(|a| a.name == "version").expect("update_profile's version");
    assert_eq!((version.ty.as_str(), version.has_default()), ("Option<i64>", true));
    let goals = declared.iter().find(|d| d.endpoint == "setup_goals").expect("setup_goals");
    assert_eq!(goals.args.iter().map(|a| (a.name.as_str(), a.ty.as_str())).collect::<Vec<_>>(), [("workspace", "String"), ("goals", "Vec<String>")]);
    assert!(declared.iter().all(|d| d.args.iter().all(|a| !a.name.is_empty() && !a.ty.is_empty() && !a.name.contains(' '))), "{declared:?}");
}

/// A bio page published through the fns, with a link block (`l1`) and an e-mail sign-up
/// block (`e1`), and its content as the JSON the fns take.
async fn published_page(owner: &Browser, ws: &str, handle: &str) -> (BioPage, String) {
    let page: BioPage = owner.ok("create_bio_page", &[("workspace", ws), ("handle", handle)]).await;
    let content = BioContent {
        blocks: vec![
            Block {
                id: "l1".into(),
                kind: BlockKind::Link {
                    title: "Shop".into(),
                    url: "https://example.com/shop".into(),
                    thumbnail: None,
                    enabled: true,
                    starts_at: None,
                    ends_at: None,
                    short_slug: None,
                },
            },
            Block { id: "e1".into(), kind: BlockKind::EmailCapture { heading: "News".into(), button: "Join".into(), consent: "I agree.".into() } },
        ],
        ..Default::default()
    };
    let content = serde_json::to_string(&content).unwrap();
    let saved: BioPage =
        owner.ok("save_bio_draft", &[("workspace", ws), ("page", &page.id), ("content", &content), ("version", &page.version.to_string())]).await;
    let _: BioPage = owner.ok("publish_bio_page", &[("workspace", ws), ("page", &page.id), ("version", &saved.version.to_string())]).await;
    (page, content)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_fn_refuses_hostile_input_clearly_and_never_fails() {
    let started = Instant::now();
    let (env, _fake, world, owner, admin, spare) = set_up().await;
    let declared = all_declared();
    let registered: BTreeSet<String> = server::api::server_fn_paths().into_iter().map(|(p, _)| p).collect();
    let names: BTreeSet<String> = declared.iter().map(|d| d.path()).collect();
    assert_eq!(names, registered, "the scan and the registry disagree: every registered fn must be covered");
    // Every fn belongs to a module of the registry (`app::MODULES`), which lists it once.
    let listed: BTreeSet<String> = app::MODULES.iter().flat_map(|m| m.endpoints.iter().map(|(f, _)| format!("/api/{f}"))).collect();
    assert_eq!(names, listed, "the module registry lists exactly the server fns the server registers");

    let corpus = corpus();
    let bodies = whole_bodies();
    let mut tally = Tally::default();

    let mut order: Vec<&Declared> = declared.iter().filter(|d| !SESSION_ENDERS.contains(&d.endpoint.as_str())).collect();
    order.extend(declared.iter().filter(|d| SESSION_ENDERS.contains(&d.endpoint.as_str())));
    for d in &order {
        let caller = if d.endpoint.starts_with("admin_") {
            &admin
        } else if SESSION_ENDERS.contains(&d.endpoint.as_str()) {
            &spare
        } else {
            &owner
        };
        let path = d.path();
        for arg in &d.args {
            for case in &corpus {
                let mut form = baseline(caller, d, &world, Some(&arg.name), &mut tally).await;
                put_hostile(&mut form, arg, &case.value);
                assert!(form.len() < MAX_BODY, "{path}: the form must stay under the body limit");
                let what = format!("{path} {}={} ({})", arg.name, case.name, case.category);
                let res = send(caller, &path, "application/x-www-form-urlencoded", form.body()).await;
                tally.check_fn_answer(&what, Some(&arg.name), res);
            }
        }
        for (name, content_type, body) in &bodies {
            let res = send(caller, &path, content_type, body.clone()).await;
            tally.check_fn_answer(&format!("{path} ({name})"), None, res);
        }
        // Operator structure in fields the fn does not have, next to a good form (for a fn
        // that deletes, one naming a record that does not exist, so the fixture stays).
        let mut form = baseline(caller, d, &world, None, &mut tally).await;
        if destructive(&d.endpoint) {
            for (k, v) in form.0.iter_mut() {
                if ["page", "id", "member", "invitation", "domain"].contains(&k.as_str()) {
                    *v = "no-such-record".into();
                }
            }
        }
        form.0.push((enc("$where"), enc("sleep(1000)")));
        form.0.push((enc("extra[$gt]"), String::new()));
        let res = send(caller, &path, "application/x-www-form-urlencoded", form.body()).await;
        tally.check_fn_answer(&format!("{path} (extra operator fields)"), None, res);
        // Over the body limit, announced by Content-Length and sent without it (chunked):
        // 413 with the shared error either way.
        let limit = if d.endpoint == "upload_media" { UPLOAD_LIMIT } else { MAX_BODY };
        for chunked in [false, true] {
            let res = over_limit(caller, &path, limit, chunked).await;
            if let Ok((status, _)) = &res {
                if *status != 413 {
                    tally
                        .findings
                        .push(format!("{path}: a body over the limit ({}) answered {status}, not 413", if chunked { "chunked" } else { "Content-Length" }));
                }
            }
            tally.check_fn_answer(&format!("{path} (body over the limit, {})", if chunked { "chunked" } else { "Content-Length" }), None, res);
        }
        alive(&owner, &mut tally, &path).await;
    }
    let signed_in_requests = tally.requests;

    // Signed out: the fns must refuse (or validate) just as clearly.
    let anon = env.browser();
    let anon_cases: Vec<&Case> =
        corpus.iter().filter(|c| matches!(c.name.as_str(), "script tag" | "arg[$gt]=" | "%FF%FE" | "i64 min" | "../../etc/passwd")).collect();
    for d in &declared {
        let path = d.path();
        for arg in d.args.iter().take(2) {
            for case in &anon_cases {
                let mut form = baseline(&owner, d, &world, Some(&arg.name), &mut tally).await;
                put_hostile(&mut form, arg, &case.value);
                let res = send(&anon, &path, "application/x-www-form-urlencoded", form.body()).await;
                tally.check_fn_answer(&format!("anonymous {path} {}={}", arg.name, case.name), Some(&arg.name), res);
            }
        }
        let res = send(&anon, &path, "application/x-www-form-urlencoded", b"%%%&&==".to_vec()).await;
        tally.check_fn_answer(&format!("anonymous {path} (garbage body)"), None, res);
    }
    alive(&owner, &mut tally, "the anonymous pass").await;

    // The owner's workspace and session survived everything above (none of the
    // destructive fns could succeed).
    let w: WorkspaceDetail = owner.ok("get_workspace", &[("workspace", &world.workspace)]).await;
    assert_eq!(w.plan, "pro");
    assert!(owner.me().await.is_some(), "the owner's own session must survive (only the spare session signs out)");
    // Nothing stored anywhere has a key that is a MongoDB operator.
    let db = env.srv.db().await;
    for name in db.list_collection_names().await.unwrap() {
        let mut cursor = db.collection::<Document>(&name).find(doc! {}).await.unwrap();
        while cursor.advance().await.unwrap() {
            let d: Document = cursor.deserialize_current().unwrap();
            if let Some(key) = operator_key(&Bson::Document(d), &name) {
                tally.findings.push(format!("a stored document has an operator as a key: {key}"));
            }
        }
    }

    // The corpus, the whole bodies, the extra operator fields, and the two over-limit bodies.
    let total_cases = corpus.len() + bodies.len() + 3;
    eprintln!("\n==== hostile input: server fns ====");
    eprintln!("server fns: {} (all registered fns; the scan found every one)", declared.len());
    eprintln!("arguments: {}", declared.iter().map(|d| d.args.len()).sum::<usize>());
    eprintln!(
        "corpus values per argument: {}; whole-body cases per fn: {} (+ extra operator fields, + over the limit with and without Content-Length)",
        corpus.len(),
        bodies.len()
    );
    eprintln!("corpus cases in all: {total_cases}");
    eprintln!("requests: {} ({} signed in, {} anonymous)", tally.requests, signed_in_requests, tally.requests - signed_in_requests);
    for (k, v) in &tally.by_outcome {
        eprintln!("  {k}: {v}");
    }
    eprintln!("validation errors naming the argument that was wrong: {}; naming another field: {}", tally.named_field, tally.other_field);
    if !tally.guessed.is_empty() {
        eprintln!("arguments given a value by type only (name not known): {:?}", tally.guessed);
    }
    eprintln!("time: {:.0?}", started.elapsed());
    assert!(tally.findings.is_empty(), "{} findings:\n{}", tally.findings.len(), tally.findings.join("\n"));
    assert!(tally.by_outcome.get("2xx accepted").copied().unwrap_or(0) > 0, "nothing was ever accepted: the baseline forms are wrong");
    assert!(tally.by_outcome.get("422 validation").copied().unwrap_or(0) > 100, "too few validation errors: {:?}", tally.by_outcome);
}

// ---------------------------------------------------------------- public forms and routes

/// A DNS-over-HTTPS resolver that knows no records, so domain checks answer at once
/// without the network.
async fn empty_resolver() -> String {
    let app = axum::Router::new().route("/dns-query", axum::routing::get(|| async { axum::Json(json!({ "Status": 0, "Answer": [] })) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/dns-query")
}

/// Checks an answer of a public route: below 500, and hostile markup never comes back
/// unescaped, nor a protocol-relative link.
fn check_public(tally: &mut Tally, what: &str, res: Result<(u16, Vec<u8>), String>) {
    tally.requests += 1;
    match res {
        Err(e) => {
            tally.count("no answer");
            tally.findings.push(format!("{what}: no answer: {e}"));
        }
        Ok((status, body)) => {
            let text = String::from_utf8_lossy(&body);
            tally.count(match status {
                200..=299 => "2xx".to_string(),
                300..=399 => "3xx redirect".to_string(),
                s => format!("{s}"),
            });
            if status >= 500 {
                tally.findings.push(format!("{what}: {status}: {:.300}", text));
            }
            for bad in ["<script>alert", "<img src=x onerror", "<svg/onload", "href=\"//", "href=\"javascript:"] {
                if text.contains(bad) {
                    tally.findings.push(format!("{what}: the answer carries {bad:?} unescaped"));
                }
            }
        }
    }
}

async fn get(b: &Browser, path: &str) -> Result<(u16, Vec<u8>), String> {
    let res = b.http.get(b.url(path)).timeout(PER_REQUEST).send().await.map_err(|e| format!("{e:?}"))?;
    let status = res.status().as_u16();
    Ok((status, res.bytes().await.map_err(|e| format!("{e:?}"))?.to_vec()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_forms_and_routes_refuse_hostile_input_and_never_fail() {
    let dns = empty_resolver().await;
    let fake = FakeStripe::start(SECRET).await;
    let env = start(
        "hostile_public",
        &[("STRIPE_SECRET_KEY", "sk_test_hostile"), ("STRIPE_WEBHOOK_SECRET", SECRET), ("STRIPE_API_BASE", &fake.base), ("DNS_RESOLVER_URL", &dns)],
    )
    .await;
    env.load_default_plans().await;
    let (owner, ws) = owner_with_workspace(&env, "Pia Public", "pia@example.com").await;
    let (page, _) = published_page(&owner, &ws, "pia").await;
    let link: ShortLink = owner.ok("create_short_link", &[("workspace", &ws), ("url", "https://example.com/a"), ("slug", "pia-link")]).await;
    let media: MediaFile = owner.ok("upload_media", &[("workspace", &ws), ("name", "dot.png"), ("data", PNG_DATA_URL)]).await;
    let anon = env.browser();
    let mut tally = Tally::default();

    // Path segments, already percent-encoded for the URL.
    let long = "a".repeat(10_000);
    let segments: Vec<&str> = vec![
        "..%2F..%2Fetc%2Fpasswd",
        "..",
        "%2e%2e",
        "%252e%252e%252f",
        "%00",
        "a%00b",
        "%FF%FE",
        "%C0%AF",
        "%ED%A0%80",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
        "%7B%22%24gt%22%3A%22%22%7D",
        "$where",
        "$gt",
        "C:%5Cwindows%5Csystem32",
        "-1",
        "NaN",
        "99999999999999999999",
        &long,
        "%20",
        "~",
        ".env",
    ];
    for seg in &segments {
        let paths = [
            format!("/s/{seg}"),
            format!("/{seg}"),
            format!("/{seg}/qr.svg"),
            format!("/files/{seg}/original"),
            format!("/files/{}/{seg}", media.id),
            format!("/l/{}/{seg}", page.id),
            format!("/l/{seg}/l1"),
            format!("/logos/{seg}"),
            format!("/api/export/{seg}"),
            format!("/pia?ref={seg}"),
            format!("/s/{}?x={seg}", link.slug),
        ];
        for p in &paths {
            let who = if p.starts_with("/api/export") { &owner } else { &anon };
            let res = get(who, p).await;
            check_public(&mut tally, &format!("GET {p:.120}"), res);
        }
        // The sign-up form at a hostile handle, with a form that cannot be read (the
        // answer links back to the handle).
        for body in [b"email=a%40example.com&block=e1&consent=on".to_vec(), vec![0xff, 0xfe, b'=', 0xc0]] {
            let res = send(&anon, &format!("/{seg}/subscribe"), "application/x-www-form-urlencoded", body).await;
            check_public(&mut tally, &format!("POST /{seg:.60}/subscribe"), res);
        }
    }

    // The sign-up form at the real page, with the corpus in each of its fields. Sign-ups
    // are limited to 20 an hour per address, so most answers are 429: still no 5xx.
    let fields = ["email", "block", "consent"];
    for field in fields {
        for case in corpus() {
            let mut form = Form::default();
            for f in fields {
                if f != field {
                    form.push(
                        f,
                        match f {
                            "email" => "fan@example.com",
                            "block" => "e1",
                            _ => "on",
                        },
                    );
                }
            }
            let arg = Arg { name: field.into(), ty: "String".into(), attrs: vec![] };
            put_hostile(&mut form, &arg, &case.value);
            let res = send(&anon, "/pia/subscribe", "application/x-www-form-urlencoded", form.body()).await;
            check_public(&mut tally, &format!("POST /pia/subscribe {field}={}", case.name), res);
        }
    }
    for (name, content_type, body) in whole_bodies() {
        let res = send(&anon, "/pia/subscribe", content_type, body).await;
        check_public(&mut tally, &format!("POST /pia/subscribe ({name})"), res);
    }
    for chunked in [false, true] {
        let res = over_limit(&anon, "/pia/subscribe", MAX_BODY, chunked).await;
        if let Ok((status, _)) = &res {
            // Announced: refused on the header (413). Chunked: the form stops reading at the
            // limit and answers that it could not be read (422).
            assert_eq!(*status, if chunked { 422 } else { 413 }, "a sign-up over the body limit");
        }
        check_public(&mut tally, "POST /pia/subscribe (over the limit)", res);
    }
    // Nothing hostile was stored as a sign-up: every stored address is a plain address.
    let db = env.srv.db().await;
    let mut cursor = db.collection::<Document>("bio_signups").find(doc! {}).await.unwrap();
    while cursor.advance().await.unwrap() {
        let d: Document = cursor.deserialize_current().unwrap();
        let email = d.get_str("email").unwrap_or_default().to_string();
        assert!(email.len() < 255 && !email.contains('<') && !email.contains('\0') && email.contains('@'), "a stored sign-up address: {email:.100}");
    }

    // Stripe webhooks: unsigned or badly signed hostile bodies are refused with 400; signed
    // ones with hostile shapes are refused (400) or ignored (200), never a 5xx.
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let hostile_events: Vec<Vec<u8>> = vec![
        vec![],
        b"garbage".to_vec(),
        vec![0xff, 0xfe, 0x00],
        nested.clone().into_bytes(),
        format!(r#"{{"id":"evt_n","type":"invoice.paid","data":{{"object":{}}}}}"#, nested).into_bytes(),
        "x".repeat(MB).into_bytes(),
        br#"{"id":{"$gt":""},"type":"customer.subscription.created"}"#.to_vec(),
        br#"{"id":"evt_h1","type":{"$where":"sleep(1000)"}}"#.to_vec(),
        br#"{"id":"evt_h2","type":"checkout.session.completed","data":{"object":{"client_reference_id":{"$gt":""},"customer":{"$ne":null}}}}"#.to_vec(),
        br#"{"id":"evt_h3","type":"customer.subscription.updated","data":{"object":{"metadata":{"workspace_id":{"$gt":""}}}}}"#.to_vec(),
        br#"{"id":"evt_h4","type":"<script>alert(1)</script>","data":{"object":"../../etc/passwd"}}"#.to_vec(),
        br#"{"id":"evt_h5\u0000","type":"invoice.paid","data":{"object":{"subscription":null,"amount_paid":-1e309}}}"#.to_vec(),
        br#"{"id":"evt_h6","type":"invoice.paid","data":[]}"#.to_vec(),
    ];
    for body in &hostile_events {
        for signed in [false, true] {
            tally.requests += 1;
            let (status, answer) = deliver_raw(&env, body, signed).await;
            tally.count(format!("webhook {status}"));
            let ok = if signed { status == 200 || status == 400 } else { status == 400 };
            if !ok {
                tally.findings.push(format!(
                    "webhook ({}signed) {:.80}: {status}: {}",
                    if signed { "" } else { "un" },
                    String::from_utf8_lossy(body),
                    String::from_utf8_lossy(&answer)
                ));
            }
        }
    }
    let res = get(&anon, "/health").await;
    assert_eq!(res.map(|r| r.0), Ok(200), "the server is alive");

    eprintln!("\n==== hostile input: public forms and routes ====");
    eprintln!(
        "hostile path segments: {}; sign-up form corpus: {} x {} fields; webhook bodies: {}",
        segments.len(),
        corpus().len(),
        fields.len(),
        hostile_events.len()
    );
    eprintln!("requests: {}", tally.requests);
    for (k, v) in &tally.by_outcome {
        eprintln!("  {k}: {v}");
    }
    assert!(tally.findings.is_empty(), "{} findings:\n{}", tally.findings.len(), tally.findings.join("\n"));
}
