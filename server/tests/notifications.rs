//! M22 (push and in-app parts): the notification centre, web push and preferences, over real
//! HTTP against the real database, with a push service of our own on 127.0.0.1.
//!
//! The push service records what it is sent; the tests decrypt each push themselves
//! (RFC 8291 with RFC 8188, written here from the RFCs with p256, hkdf and aes-gcm, not the
//! sending library) and check the VAPID signature (RFC 8292) with p256's ECDSA.
//!
//! Every test runs its own server on its own database, with its own SMTP sink.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use app::notifications::api::ENDPOINTS;
use app::notifications::{NotificationList, PushSettings, KINDS};
use app::AppError;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use common::eventually;
use common::web::*;
use leptos::server_fn::error::FromServerFnError;
use mongodb::bson::{doc, Document, RawDocumentBuf};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use serde_json::Value;

/// The VAPID contact the push tests configure.
const SUBJECT: &str = "mailto:ops@example.com";

/// A server that may push to 127.0.0.1 (plain http is allowed there, loopback only).
async fn push_env(name: &str) -> Env {
    start(name, &[("PUSH_ALLOWED_HOSTS", "127.0.0.1"), ("VAPID_SUBJECT", SUBJECT)]).await
}

// ---------------------------------------------------------------- a push service of our own

#[derive(Clone, Debug)]
struct Hit {
    method: String,
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Hit {
    fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).map(|v| v.to_str().unwrap().to_string())
    }
}

#[derive(Clone, Debug)]
enum Answer {
    Status(u16),
    Redirect(String),
}

/// An HTTP server on 127.0.0.1 that records every request and answers 201 Created (as push
/// services do), or what [`PushService::answer`] set for a path.
#[derive(Clone)]
struct PushService {
    base: String,
    port: u16,
    hits: Arc<Mutex<Vec<Hit>>>,
    answers: Arc<Mutex<HashMap<String, Answer>>>,
}

async fn record(axum::extract::State(svc): axum::extract::State<PushService>, req: axum::extract::Request) -> axum::response::Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20).await.map(|b| b.to_vec()).unwrap_or_default();
    let path = parts.uri.path().to_string();
    svc.hits.lock().unwrap().push(Hit { method: parts.method.to_string(), path: path.clone(), headers: parts.headers, body });
    let answer = svc.answers.lock().unwrap().get(&path).cloned().unwrap_or(Answer::Status(201));
    match answer {
        Answer::Status(code) => StatusCode::from_u16(code).unwrap().into_response(),
        Answer::Redirect(to) => (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, to)]).into_response(),
    }
}

impl PushService {
    async fn start() -> PushService {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let svc = PushService { base: format!("http://127.0.0.1:{port}"), port, hits: Arc::default(), answers: Arc::default() };
        let app = axum::Router::new().fallback(record).with_state(svc.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        svc
    }

    fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn answer(&self, path: &str, answer: Answer) {
        self.answers.lock().unwrap().insert(path.to_string(), answer);
    }

    fn all(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    fn hits(&self, path: &str) -> Vec<Hit> {
        self.all().into_iter().filter(|h| h.path == path).collect()
    }

    /// Waits for at least `n` requests to `path`.
    async fn wait_hits(&self, path: &str, n: usize) -> Vec<Hit> {
        let arrived = eventually(Duration::from_secs(20), || async move { self.hits(path).len() >= n }).await;
        assert!(arrived.is_some(), "{n} push(es) to {path} never arrived; got {:?}", self.all().iter().map(|h| &h.path).collect::<Vec<_>>());
        self.hits(path)
    }
}

// ---------------------------------------------------------------- a browser's push keys

/// What a browser's `pushManager.subscribe` holds: a P-256 key pair and a 16-byte auth secret.
#[derive(Clone)]
struct Device {
    secret: p256::SecretKey,
    auth: [u8; 16],
}

impl Device {
    fn new() -> Device {
        let mut auth = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut auth);
        Device { secret: p256::SecretKey::random(&mut rand::rngs::OsRng), auth }
    }

    /// The uncompressed public point, as the browser reports it.
    fn public_point(&self) -> Vec<u8> {
        self.secret.public_key().to_encoded_point(false).as_bytes().to_vec()
    }

    fn p256dh(&self) -> String {
        B64.encode(self.public_point())
    }

    fn auth_b64(&self) -> String {
        B64.encode(self.auth)
    }

    /// Decrypts one push message body, as a browser does: RFC 8291 §3.3–3.4 for the keys,
    /// RFC 8188 §2 for the `aes128gcm` content coding. Written from the RFCs, independently of
    /// the sending library.
    fn open(&self, body: &[u8]) -> Result<Value, String> {
        use aes_gcm::aead::{Aead, KeyInit};
        use hkdf::Hkdf;
        use sha2::Sha256;

        // RFC 8188 §2.1: salt (16) | rs (uint32) | idlen (1) | keyid (idlen) | records.
        if body.len() < 21 {
            return Err(format!("too short for the aes128gcm header: {} bytes", body.len()));
        }
        let salt = &body[..16];
        let rs = u32::from_be_bytes(body[16..20].try_into().unwrap()) as usize;
        let idlen = body[20] as usize;
        if body.len() < 21 + idlen {
            return Err("keyid runs past the end".into());
        }
        let keyid = &body[21..21 + idlen];
        let records = &body[21 + idlen..];
        // RFC 8291 §4: keyid is the sender's uncompressed point, 65 octets from 0x04.
        if idlen != 65 || keyid[0] != 4 {
            return Err(format!("keyid is not an uncompressed P-256 point ({idlen} octets)"));
        }
        // RFC 8188 §2: rs is at least 18; RFC 8291 §4: exactly one record, which fits in rs.
        if rs < 18 {
            return Err(format!("record size {rs} below 18"));
        }
        if records.len() > rs {
            return Err(format!("more than one record: {} octets of records, rs {rs}", records.len()));
        }
        if records.len() < 17 {
            return Err("record shorter than tag and delimiter".into());
        }
        let as_public = p256::PublicKey::from_sec1_bytes(keyid).map_err(|e| format!("keyid not on the curve: {e}"))?;

        // RFC 8291 §3.3: ecdh_secret = ECDH(ua_private, as_public).
        let shared = p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), as_public.as_affine());
        // §3.4: PRK_key = HMAC(auth_secret, ecdh_secret);
        // IKM = HMAC(PRK_key, "WebPush: info" || 0x00 || ua_public || as_public || 0x01).
        let mut key_info = b"WebPush: info\0".to_vec();
        key_info.extend_from_slice(&self.public_point());
        key_info.extend_from_slice(keyid);
        let mut ikm = [0u8; 32];
        Hkdf::<Sha256>::new(Some(&self.auth), shared.raw_secret_bytes()).expand(&key_info, &mut ikm).map_err(|e| e.to_string())?;
        // RFC 8188 §2.2–2.3: PRK = HMAC(salt, IKM); CEK and NONCE from their info strings.
        let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
        let mut cek = [0u8; 16];
        prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek).map_err(|e| e.to_string())?;
        let mut nonce = [0u8; 12];
        prk.expand(b"Content-Encoding: nonce\0", &mut nonce).map_err(|e| e.to_string())?;
        // The first (and only) record: sequence number 0, so the nonce is used as it is.
        let plain = aes_gcm::Aes128Gcm::new_from_slice(&cek)
            .unwrap()
            .decrypt(aes_gcm::Nonce::from_slice(&nonce), records)
            .map_err(|_| "AES-GCM authentication failed".to_string())?;
        // §2: plaintext || delimiter || zero padding; 0x02 marks the last record.
        let end = plain.iter().rposition(|&b| b != 0).ok_or("no padding delimiter")?;
        if plain[end] != 2 {
            return Err(format!("padding delimiter {:#04x}, not 0x02 (last record)", plain[end]));
        }
        serde_json::from_slice(&plain[..end]).map_err(|e| format!("payload is not JSON: {e}"))
    }
}

// ---------------------------------------------------------------- VAPID (RFC 8292)

struct Vapid {
    /// The `k` parameter: the signer's public key (base64url).
    k: String,
    claims: Value,
}

/// Parses `vapid t=<JWT>, k=<key>` and verifies the JWT's ES256 signature with `k`.
fn verify_vapid(authorization: &str) -> Result<Vapid, String> {
    use p256::ecdsa::signature::Verifier;
    let rest = authorization.strip_prefix("vapid ").ok_or_else(|| format!("not the vapid scheme: {authorization}"))?;
    let (mut t, mut k) = (None, None);
    for part in rest.split(',').map(str::trim) {
        if let Some(v) = part.strip_prefix("t=") {
            t = Some(v);
        } else if let Some(v) = part.strip_prefix("k=") {
            k = Some(v);
        } else {
            return Err(format!("unexpected parameter {part:?}"));
        }
    }
    let (t, k) = (t.ok_or("no t=")?, k.ok_or("no k=")?);
    let pieces: Vec<&str> = t.split('.').collect();
    let [h, p, s] = pieces[..] else { return Err(format!("a JWT has three parts, this one {}", pieces.len())) };
    let head: Value = serde_json::from_slice(&B64.decode(h).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    if head["alg"] != "ES256" {
        return Err(format!("alg is not ES256: {head}"));
    }
    let key = B64.decode(k).map_err(|e| format!("k: {e}"))?;
    if key.len() != 65 || key[0] != 4 {
        return Err("k is not an uncompressed P-256 point".into());
    }
    let verifier = p256::ecdsa::VerifyingKey::from_sec1_bytes(&key).map_err(|e| format!("k: {e}"))?;
    // JWS ES256: the signature is r || s, 64 octets, over "header.payload" with SHA-256.
    let sig = p256::ecdsa::Signature::from_slice(&B64.decode(s).map_err(|e| e.to_string())?).map_err(|e| format!("signature: {e}"))?;
    verifier.verify(format!("{h}.{p}").as_bytes(), &sig).map_err(|_| "the signature does not verify with k".to_string())?;
    let claims: Value = serde_json::from_slice(&B64.decode(p).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    Ok(Vapid { k: k.to_string(), claims })
}

fn now_secs() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Checks a push request the way a push service does (RFC 8030, 8291, 8292) and returns its
/// decrypted payload and the VAPID key that signed it.
fn check_push(hit: &Hit, svc: &PushService, dev: &Device) -> (Value, String) {
    assert_eq!(hit.method, "POST");
    assert_eq!(hit.header("content-encoding").as_deref(), Some("aes128gcm"), "{:?}", hit.headers);
    let ttl: u64 = hit.header("ttl").expect("a TTL header").parse().expect("TTL is a number of seconds");
    assert!(ttl > 0 && ttl <= 24 * 3600, "TTL {ttl}");
    let authorization = hit.header("authorization").expect("an Authorization header");
    let vapid = verify_vapid(&authorization).unwrap_or_else(|e| panic!("VAPID: {e}: {authorization}"));
    // RFC 8292 §2: aud is the origin of the push resource, port included.
    assert_eq!(vapid.claims["aud"], format!("http://127.0.0.1:{}", svc.port), "{}", vapid.claims);
    assert_eq!(vapid.claims["sub"], SUBJECT, "{}", vapid.claims);
    let exp = vapid.claims["exp"].as_i64().expect("exp");
    let now = now_secs();
    assert!(exp > now, "exp {exp} is not in the future (now {now})");
    assert!(exp <= now + 24 * 3600, "exp {exp} is more than 24 h away (now {now})");
    let data = dev.open(&hit.body).unwrap_or_else(|e| panic!("the push does not decrypt: {e}"));
    (data, vapid.k)
}

// ---------------------------------------------------------------- helpers

async fn list(b: &Browser) -> NotificationList {
    b.ok("list_notifications", &[]).await
}

async fn settings(b: &Browser) -> PushSettings {
    b.ok("get_push_settings", &[]).await
}

async fn subscribe(b: &Browser, endpoint: &str, dev: &Device) -> PushSettings {
    b.ok("push_subscribe", &[("endpoint", endpoint), ("p256dh", &dev.p256dh()), ("auth", &dev.auth_b64())]).await
}

async fn set_push(b: &Browser, kind: &str, on: bool) -> PushSettings {
    b.ok("set_notification_preference", &[("kind", kind), ("push", if on { "true" } else { "false" })]).await
}

fn push_of(s: &PushSettings, kind: &str) -> bool {
    s.kinds.iter().find(|k| k.kind == kind).unwrap_or_else(|| panic!("no kind {kind} in {s:?}")).push
}

async fn user_id(b: &Browser) -> String {
    b.me().await.expect("signed in").id
}

async fn docs(env: &Env, collection: &str, filter: Document) -> Vec<Document> {
    let db = env.srv.db().await;
    let mut c = db.collection::<Document>(collection).find(filter).sort(doc! { "_id": 1 }).await.unwrap();
    let mut out = vec![];
    while c.advance().await.unwrap() {
        out.push(c.deserialize_current().unwrap());
    }
    out
}

async fn push_jobs(env: &Env) -> Vec<Document> {
    docs(env, "jobs", doc! { "kind": "push.send" }).await
}

/// Everything stored about one person's notifications, byte for byte.
async fn person_records(env: &Env, user_id: &str) -> Vec<(String, Vec<u8>)> {
    let db = env.srv.db().await;
    let mut out = vec![];
    for (coll, filter) in [
        ("notifications", doc! { "user_id": user_id }),
        ("push_subscriptions", doc! { "user_id": user_id }),
        ("notification_preferences", doc! { "_id": user_id }),
    ] {
        let mut c = db.collection::<RawDocumentBuf>(coll).find(filter).sort(doc! { "_id": 1 }).await.unwrap();
        while c.advance().await.unwrap() {
            out.push((coll.to_string(), c.current().as_bytes().to_vec()));
        }
    }
    out
}

/// Creates a workspace (plans must be loaded) and moves it to Pro, for seats.
async fn workspace(env: &Env, owner: &Browser, name: &str) -> String {
    let w: app::workspaces::WorkspaceDetail = owner.ok("create_workspace", &[("name", name), ("kind", "shop")]).await;
    set_plan_in_db(env, &w.id, "pro").await;
    w.id
}

async fn invite(owner: &Browser, ws: &str, email: &str) {
    owner.ok::<Vec<app::workspaces::PendingInvitation>>("invite_member", &[("workspace", ws), ("email", email), ("role", "editor")]).await;
}

/// A second server on an existing database (another replica, or the same server restarted).
struct Replica {
    base: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn replica(db_name: &str, extra: &[(&str, &str)]) -> Replica {
    let dist = common::fixture_dist();
    let mut vars: Vec<(String, String)> = vec![
        ("HOST".into(), "127.0.0.1".into()),
        ("PORT".into(), "0".into()),
        ("MONGODB_URI".into(), common::shared_db_uri()),
        ("MONGODB_DB".into(), db_name.into()),
        ("MONGODB_TIMEOUT_MS".into(), "800".into()),
        ("DIST_DIR".into(), dist.display().to_string()),
    ];
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let config = app::platform::Config::from_lookup(|k| vars.iter().rev().find(|(n, _)| n == k).map(|(_, v)| v.clone())).unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let running = server::start(config, async move {
        let _ = rx.await;
    })
    .await
    .expect("replica starts");
    let base = format!("http://{}", running.addr);
    tokio::spawn(running.wait());
    Replica { base, _stop: tx }
}

fn browser_at(base: &str) -> Browser {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let http = reqwest::Client::builder().cookie_provider(jar.clone()).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Browser { http, jar, base: base.to_string() }
}

async fn sign_in_at(base: &str, email: &str) -> Browser {
    let b = browser_at(base);
    let outcome = b.sign_in(email, PASSWORD).await;
    assert!(is_verified_sign_in(&outcome, email), "{outcome:?}");
    b
}

// ---------------------------------------------------------------- 1. push end to end

#[tokio::test]
async fn a_push_reaches_the_device_encrypted_for_its_keys_and_signed_with_vapid() {
    let svc = PushService::start().await;
    let env = push_env("notif_push_e2e").await;
    let email = "ada@example.com";
    let ada = person(&env, "Ada Lovelace", email).await;
    let ada_id = user_id(&ada).await;

    let before = settings(&ada).await;
    assert_eq!(before.devices, 0);
    let server_key = B64.decode(&before.vapid_public_key).expect("the VAPID key is base64url");
    assert!(server_key.len() == 65 && server_key[0] == 4, "not an uncompressed P-256 point: {}", before.vapid_public_key);

    let dev = Device::new();
    let endpoint = svc.endpoint("/push/abc");
    let after = subscribe(&ada, &endpoint, &dev).await;
    assert_eq!((after.devices, after.vapid_public_key.as_str()), (1, before.vapid_public_key.as_str()));
    let stored = docs(&env, "push_subscriptions", doc! {}).await;
    assert_eq!(stored.len(), 1);
    let s = &stored[0];
    assert_eq!(
        (s.get_str("user_id").unwrap(), s.get_str("endpoint").unwrap(), s.get_str("p256dh").unwrap(), s.get_str("auth").unwrap()),
        (ada_id.as_str(), endpoint.as_str(), dev.p256dh().as_str(), dev.auth_b64().as_str())
    );
    assert!(svc.all().is_empty(), "subscribing sent something");

    // A sign-in from a new device: a notification, and its push.
    let _laptop = signed_in(&env, email, PASSWORD).await;
    let centre = list(&ada).await;
    assert_eq!((centre.items.len(), centre.unread), (1, 1), "{centre:?}");
    let n = &centre.items[0];
    assert_eq!(n.kind, "new_sign_in");

    let hits = svc.wait_hits("/push/abc", 1).await;
    let hit = &hits[0];
    assert!(!String::from_utf8_lossy(&hit.body).contains("New sign-in"), "the payload went out in clear");
    let (data, k) = check_push(hit, &svc, &dev);
    assert!(data["title"].as_str().unwrap().contains("New sign-in"), "{data}");
    assert_eq!(data["url"], "/account", "{data}");
    assert_eq!(data["kind"], "new_sign_in", "{data}");
    assert_eq!(data["id"], n.id.as_str(), "{data}");
    assert_eq!((data["title"].as_str().unwrap(), data["body"].as_str().unwrap()), (n.title.as_str(), n.body.as_str()));
    assert_eq!(k, before.vapid_public_key, "the push is signed with another key than the one browsers subscribe with");

    // The checks above can fail: other keys do not open the push, a changed token does not verify.
    let other = Device::new();
    assert!(other.open(&hit.body).is_err(), "another device's keys opened the push");
    let wrong_auth = Device { secret: dev.secret.clone(), auth: other.auth };
    assert!(wrong_auth.open(&hit.body).is_err(), "the push opened without its auth secret");
    let mut flipped = hit.body.clone();
    *flipped.last_mut().unwrap() ^= 1;
    assert!(dev.open(&flipped).is_err(), "a changed ciphertext was accepted");
    let authorization = hit.header("authorization").unwrap();
    let (t, rest) = authorization.split_once(", k=").unwrap();
    let parts: Vec<&str> = t.trim_start_matches("vapid t=").split('.').collect();
    let mut claims: Value = serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap();
    claims["sub"] = "mailto:mallory@example.com".into();
    let forged = format!("vapid t={}.{}.{}, k={rest}", parts[0], B64.encode(claims.to_string()), parts[2]);
    assert!(verify_vapid(&forged).is_err(), "a changed VAPID token verified");

    // One job, done; exactly one request.
    let jobs_done = eventually(Duration::from_secs(10), || async {
        let jobs = push_jobs(&env).await;
        jobs.len() == 1 && jobs[0].get_str("status").unwrap() == "done"
    })
    .await;
    assert!(jobs_done.is_some(), "{:?}", push_jobs(&env).await);
    assert_eq!(svc.all().len(), 1);
}

// ---------------------------------------------------------------- 2. what the push service answers

#[tokio::test]
async fn gone_subscriptions_are_removed_failed_pushes_retried_and_redirects_not_followed() {
    let svc = PushService::start().await;
    let env = push_env("notif_push_answers").await;
    let email = "grace@example.com";
    let grace = person(&env, "Grace Hopper", email).await;

    svc.answer("/push/gone-410", Answer::Status(410));
    svc.answer("/push/gone-404", Answer::Status(404));
    svc.answer("/push/broken", Answer::Status(500));
    // A redirect to a host that is not allowed (`localhost`, only 127.0.0.1 is): following it
    // would let a push service send the server anywhere.
    svc.answer("/push/moved", Answer::Redirect(format!("http://localhost:{}/stolen", svc.port)));
    let paths = ["/push/ok", "/push/gone-410", "/push/gone-404", "/push/broken", "/push/moved"];
    let devices: Vec<Device> = paths.iter().map(|_| Device::new()).collect();
    for (path, dev) in paths.iter().zip(&devices) {
        subscribe(&grace, &svc.endpoint(path), dev).await;
    }
    assert_eq!(settings(&grace).await.devices, 5);

    let _phone = signed_in(&env, email, PASSWORD).await;
    let (data, _) = check_push(&svc.wait_hits("/push/ok", 1).await[0], &svc, &devices[0]);
    assert_eq!(data["kind"], "new_sign_in");

    // 404 and 410: the subscription is gone, so it is removed.
    let removed = eventually(Duration::from_secs(15), || async {
        env.count("push_subscriptions", doc! { "endpoint": { "$in": [svc.endpoint("/push/gone-410"), svc.endpoint("/push/gone-404")] } }).await == 0
    })
    .await;
    assert!(removed.is_some(), "404/410 subscriptions were kept: {:?}", docs(&env, "push_subscriptions", doc! {}).await);
    assert_eq!(svc.hits("/push/gone-410").len(), 1);
    assert_eq!(svc.hits("/push/gone-404").len(), 1);

    // 500: kept, and tried again (the first retry is about 2 s later).
    let broken = svc.wait_hits("/push/broken", 2).await;
    let (first, _) = check_push(&broken[0], &svc, &devices[3]);
    let (again, _) = check_push(&broken[1], &svc, &devices[3]);
    assert_eq!(first["id"], again["id"], "the retry is another notification");
    assert_eq!(env.count("push_subscriptions", doc! { "endpoint": svc.endpoint("/push/broken") }).await, 1);

    // A redirect is a failure, never followed.
    svc.wait_hits("/push/moved", 1).await;
    assert_eq!(env.count("push_subscriptions", doc! { "endpoint": svc.endpoint("/push/moved") }).await, 1);
    let sub_of = |path: &str| {
        let env = &env;
        let endpoint = svc.endpoint(path);
        async move { docs(env, "push_subscriptions", doc! { "endpoint": endpoint }).await[0].get_str("_id").unwrap().to_string() }
    };
    let (broken_sub, moved_sub) = (sub_of("/push/broken").await, sub_of("/push/moved").await);
    let jobs = push_jobs(&env).await;
    let job_of = |sub: &str| jobs.iter().find(|j| j.get_document("payload").unwrap().get_str("subscription").unwrap() == sub).unwrap().clone();
    let (bj, mj) = (job_of(&broken_sub), job_of(&moved_sub));
    assert_ne!(bj.get_str("status").unwrap(), "done", "{bj:?}");
    assert!(bj.get_str("last_error").unwrap().contains("500"), "{bj:?}");
    assert_ne!(mj.get_str("status").unwrap(), "done", "{mj:?}");
    assert!(mj.get_str("last_error").unwrap().contains("307"), "{mj:?}");
    assert_eq!(settings(&grace).await.devices, 3);

    // The next notification goes to the devices still subscribed, not to the removed ones.
    let _tablet = signed_in(&env, email, PASSWORD).await;
    svc.wait_hits("/push/ok", 2).await;
    assert_eq!(svc.hits("/push/gone-410").len() + svc.hits("/push/gone-404").len(), 2);
    assert!(svc.hits("/stolen").is_empty(), "the server followed a push service's redirect");
}

// ---------------------------------------------------------------- 3. preferences

#[tokio::test]
async fn with_push_off_for_a_kind_it_stays_in_the_centre_and_no_push_is_sent() {
    let svc = PushService::start().await;
    let env = push_env("notif_prefs").await;
    env.load_default_plans().await;
    let email = "hedy@example.com";
    let hedy = person(&env, "Hedy Lamarr", email).await;
    let hedy_id = user_id(&hedy).await;
    let dev = Device::new();
    subscribe(&hedy, &svc.endpoint("/push/hedy"), &dev).await;

    // Everything is pushed until said otherwise; the settings name every kind.
    let s = settings(&hedy).await;
    assert_eq!(
        s.kinds.iter().map(|k| (k.kind.as_str(), k.label.as_str(), k.push)).collect::<Vec<_>>(),
        KINDS.iter().map(|(k, l)| (*k, *l, true)).collect::<Vec<_>>()
    );

    let s = set_push(&hedy, "new_sign_in", false).await;
    assert!(!push_of(&s, "new_sign_in"));
    assert!(push_of(&s, "invitation"));
    assert_eq!(settings(&hedy).await, s);
    let before = person_records(&env, &hedy_id).await;

    // Unknown kinds are refused on `kind`, and nothing changes.
    for kind in ["marketing", "", "New_Sign_In", "push.new_sign_in"] {
        let err = hedy.fails("set_notification_preference", &[("kind", kind), ("push", "false")], 422).await;
        assert!(err.field_message("kind").is_some(), "{kind:?}: {err:?}");
    }
    assert!(person_records(&env, &hedy_id).await == before, "a refused preference changed something");

    // A new-device sign-in: in the centre, but no push is queued.
    let _second = signed_in(&env, email, PASSWORD).await;
    let centre = list(&hedy).await;
    assert_eq!((centre.unread, centre.items[0].kind.as_str()), (1, "new_sign_in"));
    assert!(push_jobs(&env).await.is_empty(), "a push was queued for a kind with push off");

    // An invitation still is pushed; it is the only push the device gets.
    let otto = person(&env, "Otto Owner", "otto@example.com").await;
    let ws = workspace(&env, &otto, "Signal Garden").await;
    invite(&otto, &ws, email).await;
    let (data, _) = check_push(&svc.wait_hits("/push/hedy", 1).await[0], &svc, &dev);
    assert_eq!(data["kind"], "invitation");
    env.jobs_settled().await;
    assert_eq!(svc.all().len(), 1, "the sign-in was pushed although push is off for it");

    // Back on: pushed again.
    assert!(push_of(&set_push(&hedy, "new_sign_in", true).await, "new_sign_in"));
    let _third = signed_in(&env, email, PASSWORD).await;
    let (data, _) = check_push(&svc.wait_hits("/push/hedy", 2).await[1], &svc, &dev);
    assert_eq!(data["kind"], "new_sign_in");
    assert_eq!(list(&hedy).await.unread, 3);
}

// ---------------------------------------------------------------- 4. which subscriptions are taken

#[tokio::test]
async fn only_subscriptions_to_allowed_push_services_with_well_formed_keys_are_stored() {
    let env = push_env("notif_subscribe_rules").await;
    let ada = person(&env, "Ada Lovelace", "ada@example.com").await;
    let dev = Device::new();
    let (key, auth) = (dev.p256dh(), dev.auth_b64());

    let refused_endpoint = |endpoint: String| {
        let (ada, key, auth) = (&ada, &key, &auth);
        async move {
            let err = ada.fails("push_subscribe", &[("endpoint", &endpoint), ("p256dh", key), ("auth", auth)], 422).await;
            assert!(err.field_message("endpoint").is_some(), "{endpoint}: {err:?}");
        }
    };
    for endpoint in [
        "http://example.com/push/1".to_string(),
        "https://example.com/push/1".into(),
        "https://fcm.googleapis.com/fcm/send/1".into(), // allowed by default, not here
        "http://localhost:9/push/1".into(),             // loopback, but not an allowed host
        "http://x127.0.0.1/push/1".into(),
        "https://127.0.0.1.evil.example/push/1".into(),
        "ftp://127.0.0.1/push/1".into(),
        "127.0.0.1/push/1".into(),
        "not a url".into(),
        "".into(),
        format!("http://127.0.0.1:9/{}", "a".repeat(2000)),
    ] {
        refused_endpoint(endpoint).await;
    }

    // Keys that are not a P-256 point and a 16-byte secret.
    let endpoint = "http://127.0.0.1:9/push/keys";
    let mut off_curve = vec![4u8];
    off_curve.extend([1u8; 64]);
    let compressed = B64.encode(p256::PublicKey::from_sec1_bytes(&dev.public_point()).unwrap().to_encoded_point(true).as_bytes());
    for (p256dh, secret) in [
        ("", auth.as_str()),
        ("not base64!", auth.as_str()),
        (&B64.encode([4u8; 64]) as &str, auth.as_str()),
        (&compressed, auth.as_str()),
        (&B64.encode(&off_curve), auth.as_str()),
        (key.as_str(), ""),
        (key.as_str(), &B64.encode([7u8; 15])),
        (key.as_str(), &B64.encode([7u8; 17])),
        (key.as_str(), "%%%%"),
    ] {
        let err = ada.fails("push_subscribe", &[("endpoint", endpoint), ("p256dh", p256dh), ("auth", secret)], 422).await;
        assert!(err.field_message("endpoint").is_some(), "p256dh {p256dh:?} auth {secret:?}: {err:?}");
    }
    assert_eq!(env.count("push_subscriptions", doc! {}).await, 0, "a refused subscription was stored");
    assert_eq!(settings(&ada).await.devices, 0);

    // Allowed: http to loopback on an allowed host, with the endpoint trimmed.
    let s: PushSettings = ada.ok("push_subscribe", &[("endpoint", "  http://127.0.0.1:9/push/ok  "), ("p256dh", &key), ("auth", &auth)]).await;
    assert_eq!(s.devices, 1);
    assert_eq!(docs(&env, "push_subscriptions", doc! {}).await[0].get_str("endpoint").unwrap(), "http://127.0.0.1:9/push/ok");
    // Subscribing again is the same device, not a second one.
    assert_eq!(subscribe(&ada, "http://127.0.0.1:9/push/ok", &dev).await.devices, 1);
    assert_eq!(env.count("push_subscriptions", doc! {}).await, 1);
    env.browser().fails("push_subscribe", &[("endpoint", "http://127.0.0.1:9/push/x"), ("p256dh", &key), ("auth", &auth)], 401).await;

    // By default: the browsers' push services over https, nothing else. No notification is
    // made on this server, so nothing is ever sent to them.
    let env2 = start("notif_subscribe_defaults", &[]).await;
    let bob = person(&env2, "Bob Default", "bob@example.com").await;
    for endpoint in [
        "http://127.0.0.1:9/push/1",
        "http://fcm.googleapis.com/fcm/send/1",
        "https://fcm.googleapis.com.evil.example/fcm/send/1",
        "https://evilfcm.googleapis.com/fcm/send/1",
        "https://googleapis.com/fcm/send/1",
    ] {
        let err = bob.fails("push_subscribe", &[("endpoint", endpoint), ("p256dh", &key), ("auth", &auth)], 422).await;
        assert!(err.field_message("endpoint").is_some(), "{endpoint}: {err:?}");
    }
    let real = [
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://web.push.apple.com/abc",
        "https://wns2-par02p.notify.windows.com/w/?token=abc",
    ];
    for (i, endpoint) in real.iter().enumerate() {
        assert_eq!(subscribe(&bob, endpoint, &Device::new()).await.devices, i as u32 + 1, "{endpoint}");
    }
    for endpoint in real {
        bob.ok::<PushSettings>("push_unsubscribe", &[("endpoint", endpoint)]).await;
    }
    assert_eq!(env2.count("push_subscriptions", doc! {}).await, 0);
    assert_eq!(env2.count("jobs", doc! { "kind": "push.send" }).await, 0);
}

#[tokio::test]
async fn an_endpoint_moves_to_another_account_only_with_its_keys() {
    let env = push_env("notif_endpoint_takeover").await;
    let ada = person(&env, "Ada Lovelace", "ada@example.com").await;
    let eve = person(&env, "Eve Intruder", "eve@example.com").await;
    let (ada_id, eve_id) = (user_id(&ada).await, user_id(&eve).await);
    let ada_dev = Device::new();
    let endpoint = "http://127.0.0.1:9/push/adas-phone";
    assert_eq!(subscribe(&ada, endpoint, &ada_dev).await.devices, 1);
    let stored = || async { docs(&env, "push_subscriptions", doc! { "endpoint": endpoint }).await };
    let before = stored().await;
    assert_eq!(before.len(), 1);

    // Eve knows the endpoint URL, but not the keys the browser holds: refused, clearly, on
    // the endpoint, and Ada's subscription stays exactly as it was.
    let eve_dev = Device::new();
    for (what, p256dh, auth) in [
        ("her own keys", eve_dev.p256dh(), eve_dev.auth_b64()),
        ("Ada's public key with another secret", ada_dev.p256dh(), eve_dev.auth_b64()),
        ("Ada's secret with another public key", eve_dev.p256dh(), ada_dev.auth_b64()),
    ] {
        let err = eve.fails("push_subscribe", &[("endpoint", endpoint), ("p256dh", &p256dh), ("auth", &auth)], 422).await;
        let msg = err.field_message("endpoint").unwrap_or_else(|| panic!("{what}: no message on endpoint: {err:?}"));
        assert!(msg.contains("another account"), "{what}: {msg}");
        assert_eq!(stored().await, before, "{what}: Ada's subscription changed");
    }
    assert_eq!(settings(&eve).await.devices, 0);
    assert_eq!(settings(&ada).await.devices, 1);
    assert_eq!(before[0].get_str("user_id").unwrap(), ada_id);

    // Ada renewing her own subscription with new keys is hers to do.
    let renewed = Device::new();
    assert_eq!(subscribe(&ada, endpoint, &renewed).await.devices, 1);
    let now = stored().await;
    assert_eq!((now[0].get_str("user_id").unwrap(), now[0].get_str("p256dh").unwrap()), (ada_id.as_str(), renewed.p256dh().as_str()));

    // The same browser (the same keys), signed in as another account, takes it over.
    assert_eq!(subscribe(&eve, endpoint, &renewed).await.devices, 1);
    let moved = stored().await;
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].get_str("user_id").unwrap(), eve_id);
    assert_eq!(settings(&ada).await.devices, 0);
}

// ---------------------------------------------------------------- 5. the VAPID key

#[tokio::test]
async fn the_vapid_key_is_made_once_for_every_replica_and_a_configured_key_is_used() {
    let env = push_env("notif_vapid_stored").await;
    let email = "ada@example.com";
    let ada = person(&env, "Ada Lovelace", email).await;
    assert_eq!(env.count("platform_keys", doc! {}).await, 0);

    // Two replicas on the same database ask at once: one key.
    let other = replica(&env.srv.db_name, &[]).await;
    let ada_there = sign_in_at(&other.base, email).await;
    let (here, there) = tokio::join!(settings(&ada), settings(&ada_there));
    assert_eq!(here.vapid_public_key, there.vapid_public_key);
    assert_eq!(settings(&ada).await.vapid_public_key, here.vapid_public_key);
    assert_eq!(env.count("platform_keys", doc! {}).await, 1);
    let stored = docs(&env, "platform_keys", doc! {}).await.remove(0);
    let private = B64.decode(stored.get_str("private_key").unwrap()).unwrap();
    let derived = p256::SecretKey::from_slice(&private).unwrap().public_key().to_encoded_point(false);
    assert_eq!(B64.encode(derived.as_bytes()), here.vapid_public_key, "the public key is not the stored key's");

    // Restarted on the same database: the same key.
    drop(ada_there);
    drop(other);
    let restarted = replica(&env.srv.db_name, &[]).await;
    let ada_again = sign_in_at(&restarted.base, email).await;
    assert_eq!(settings(&ada_again).await.vapid_public_key, here.vapid_public_key);
    assert_eq!(env.count("platform_keys", doc! {}).await, 1);

    // Configured: that key, nothing stored, and the pushes are signed with it.
    let svc = PushService::start().await;
    let secret = p256::SecretKey::random(&mut rand::rngs::OsRng);
    let public = B64.encode(secret.public_key().to_encoded_point(false).as_bytes());
    let private = B64.encode(secret.to_bytes());
    let env = start("notif_vapid_configured", &[("PUSH_ALLOWED_HOSTS", "127.0.0.1"), ("VAPID_SUBJECT", SUBJECT), ("VAPID_PRIVATE_KEY", &private)]).await;
    let grace = person(&env, "Grace Hopper", "grace@example.com").await;
    assert_eq!(settings(&grace).await.vapid_public_key, public);
    let dev = Device::new();
    subscribe(&grace, &svc.endpoint("/push/grace"), &dev).await;
    let _other_device = signed_in(&env, "grace@example.com", PASSWORD).await;
    let (_, k) = check_push(&svc.wait_hits("/push/grace", 1).await[0], &svc, &dev);
    assert_eq!(k, public);
    assert_eq!(env.count("platform_keys", doc! {}).await, 0, "a key was stored although one is configured");

    // A configured key that is not one stops the server at start, naming the variable,
    // rather than failing at the first push or being replaced by a made-up key.
    for bad in ["not-a-key", "AAAA"] {
        let vars = [("VAPID_PRIVATE_KEY", bad)];
        let err = app::platform::Config::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())).unwrap_err();
        assert_eq!(err.var, "VAPID_PRIVATE_KEY", "{err}");
    }
}

// ---------------------------------------------------------------- 6. the centre

#[tokio::test]
async fn the_centre_lists_counts_and_marks_read_and_sign_ins_and_invitations_notify() {
    let env = start("notif_centre", &[]).await;
    env.load_default_plans().await;
    let email = "ada@example.com";
    let ada = person(&env, "Ada Lovelace", email).await;
    let ada_id = user_id(&ada).await;

    // The very first sign-in is no news.
    let empty = list(&ada).await;
    assert_eq!((empty.items.len(), empty.unread), (0, 0));
    assert_eq!(env.count("notifications", doc! {}).await, 0);
    let device = ada.cookie("mw_dev", "/").expect("the device cookie");
    assert!(device.len() == 32 && device.chars().all(|c| c.is_ascii_hexdigit()), "{device}");

    // Again from the same browser: a known device, still nothing.
    assert!(is_verified_sign_in(&ada.sign_in(email, PASSWORD).await, email));
    assert_eq!(ada.cookie("mw_dev", "/").as_deref(), Some(device.as_str()), "the device got a new id");
    assert_eq!(list(&ada).await.unread, 0);
    // A cookie that is not a device id is no known device either.
    let forged = env.browser();
    forged.set_cookie("mw_dev=not-a-device-id; Path=/");
    assert!(is_verified_sign_in(&forged.sign_in(email, PASSWORD).await, email));
    assert_ne!(forged.cookie("mw_dev", "/").as_deref(), Some("not-a-device-id"));

    // New devices are.
    let _phone = signed_in(&env, email, PASSWORD).await;
    let centre = list(&ada).await;
    assert_eq!((centre.items.len(), centre.unread), (2, 2), "{centre:?}");
    for n in &centre.items {
        assert_eq!((n.kind.as_str(), n.url.as_str(), n.read), ("new_sign_in", "/account", false));
        assert!(n.title.starts_with("New sign-in on "), "{n:?}");
    }
    assert!(centre.items[0].at_ms >= centre.items[1].at_ms && centre.items[0].id > centre.items[1].id, "not newest first: {centre:?}");
    assert_eq!(env.count("notifications", doc! { "user_id": &ada_id, "kind": "new_sign_in" }).await, 2);

    // Mark one read.
    let (newest, oldest) = (centre.items[0].id.clone(), centre.items[1].id.clone());
    let after: NotificationList = ada.ok("mark_notification_read", &[("notification", &oldest)]).await;
    assert_eq!(after.unread, 1);
    assert!(after.items.iter().find(|n| n.id == oldest).unwrap().read);
    assert!(!after.items.iter().find(|n| n.id == newest).unwrap().read);
    assert_eq!(list(&ada).await, after);
    let stored = docs(&env, "notifications", doc! { "_id": &oldest }).await.remove(0);
    assert!(stored.get_datetime("read_at").is_ok(), "{stored:?}");
    // Again: still read.
    assert_eq!(ada.ok::<NotificationList>("mark_notification_read", &[("notification", &oldest)]).await.unread, 1);
    for missing in ["", "nope", &format!("{oldest}x")] {
        let err = ada.fails("mark_notification_read", &[("notification", missing)], 404).await;
        assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    }

    // An invitation to an existing account is in its centre, and its link works.
    let otto = person(&env, "Otto Owner", "otto@example.com").await;
    let ws = workspace(&env, &otto, "Lantern Press").await;
    invite(&otto, &ws, "  ADA@example.com ").await;
    invite(&otto, &ws, "nobody.yet@example.com").await;
    let centre = list(&ada).await;
    assert_eq!(centre.unread, 2);
    let inv = &centre.items[0];
    assert_eq!((inv.kind.as_str(), inv.read), ("invitation", false), "{centre:?}");
    assert!(inv.title.contains("Otto Owner") && inv.title.contains("Lantern Press"), "{inv:?}");
    assert!(inv.url.starts_with("/invite?token="), "{inv:?}");
    assert_eq!(env.count("notifications", doc! { "kind": "invitation" }).await, 1, "someone without an account was notified");
    let token = reqwest::Url::parse(&format!("http://x{}", inv.url)).unwrap().query_pairs().find(|(k, _)| k == "token").unwrap().1.into_owned();
    let preview: app::workspaces::InvitationPreview = ada.ok("preview_invitation", &[("token", &token)]).await;
    assert_eq!((preview.workspace_name.as_str(), preview.email.as_str(), preview.can_accept), ("Lantern Press", "ada@example.com", true));
    let joined: app::workspaces::Joined = ada.ok("accept_invitation", &[("token", &token)]).await;
    assert_eq!(joined.workspace.id, ws);

    // Mark all read.
    let all: NotificationList = ada.ok("mark_all_notifications_read", &[]).await;
    assert_eq!((all.items.len(), all.unread), (3, 0));
    assert!(all.items.iter().all(|n| n.read));
    assert_eq!(env.count("notifications", doc! { "user_id": &ada_id, "read_at": null }).await, 0);
    assert_eq!(ada.ok::<NotificationList>("mark_all_notifications_read", &[]).await.unread, 0);

    // Signed out: every fn of the module answers 401 and changes nothing.
    let before = person_records(&env, &ada_id).await;
    let anon = env.browser();
    for (name, _) in ENDPOINTS {
        let form: Vec<(&str, &str)> = match *name {
            "list_notifications" | "mark_all_notifications_read" | "get_push_settings" => vec![],
            "mark_notification_read" => vec![("notification", &newest)],
            "set_notification_preference" => vec![("kind", "new_sign_in"), ("push", "false")],
            "push_subscribe" => vec![("endpoint", "http://127.0.0.1:9/p"), ("p256dh", "x"), ("auth", "y")],
            "push_unsubscribe" => vec![("endpoint", "http://127.0.0.1:9/p")],
            other => panic!("no signed-out form for {other}: add one"),
        };
        let err = anon.fails(name, &form, 401).await;
        assert_eq!(err, AppError::Unauthenticated, "{name}");
    }
    assert!(person_records(&env, &ada_id).await == before, "a signed-out call changed something");
}

// ---------------------------------------------------------------- 7. one person's, not another's

#[tokio::test]
async fn no_one_reads_or_changes_another_persons_notifications_devices_or_preferences() {
    let svc = PushService::start().await;
    let env = push_env("notif_isolation").await;
    let (ada_email, bob_email) = ("ada@example.com", "bob@example.com");
    let ada = person(&env, "Ada Lovelace", ada_email).await;
    let bob = person(&env, "Bob Other", bob_email).await;
    let (ada_id, bob_id) = (user_id(&ada).await, user_id(&bob).await);

    let ada_dev = Device::new();
    let ada_endpoint = svc.endpoint("/push/ada");
    subscribe(&ada, &ada_endpoint, &ada_dev).await;
    set_push(&ada, "invitation", false).await;
    let _ada_phone = signed_in(&env, ada_email, PASSWORD).await;
    let _bob_phone = signed_in(&env, bob_email, PASSWORD).await;
    svc.wait_hits("/push/ada", 1).await;
    env.jobs_settled().await;
    let ada_items = list(&ada).await.items;
    assert_eq!(ada_items.len(), 1);
    let ada_n = ada_items[0].id.clone();

    let before = person_records(&env, &ada_id).await;
    assert_eq!(before.len(), 3, "a notification, a subscription and preferences");

    // Bob's list is Bob's.
    let theirs = list(&bob).await;
    assert_eq!(theirs.items.len(), 1);
    assert!(theirs.items.iter().all(|n| n.id != ada_n));
    assert_eq!(env.count("notifications", doc! { "_id": &theirs.items[0].id, "user_id": &bob_id }).await, 1);

    // Bob cannot mark Ada's read, one or all.
    let err = bob.fails("mark_notification_read", &[("notification", &ada_n)], 404).await;
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    assert_eq!(bob.ok::<NotificationList>("mark_all_notifications_read", &[]).await.unread, 0);
    // Nor remove her device, nor change her preferences.
    let s: PushSettings = bob.ok("push_unsubscribe", &[("endpoint", &ada_endpoint)]).await;
    assert_eq!(s.devices, 0);
    let s = set_push(&bob, "new_sign_in", false).await;
    assert!(push_of(&s, "invitation"), "Bob sees Ada's preferences: {s:?}");
    assert!(person_records(&env, &ada_id).await == before, "Bob's calls changed Ada's records");
    assert_eq!(list(&ada).await.unread, 1);
    assert_eq!(settings(&ada).await.devices, 1);

    // One endpoint is one browser profile: subscribing it again, with the keys that browser
    // holds, hands it to whoever is signed in there now. Ada's notifications then stop going
    // to it, and nothing of hers reaches it. (Without the keys it stays Ada's: see
    // `an_endpoint_moves_to_another_account_only_with_its_keys`.)
    let bob_dev = ada_dev.clone();
    svc.answer("/push/shared", Answer::Status(500));
    let shared = svc.endpoint("/push/shared");
    subscribe(&ada, &shared, &ada_dev).await;
    set_push(&ada, "invitation", true).await;
    let _ada_tablet = signed_in(&env, ada_email, PASSWORD).await;
    // Ada's push to the shared endpoint fails for now; it will be retried.
    let first = svc.wait_hits("/push/shared", 1).await;
    let (pending, _) = check_push(&first[0], &svc, &ada_dev);
    assert_eq!(pending["kind"], "new_sign_in");
    let s = subscribe(&bob, &shared, &bob_dev).await;
    assert_eq!(s.devices, 1);
    svc.answer("/push/shared", Answer::Status(201));
    assert_eq!(settings(&ada).await.devices, 1, "Ada keeps only her own endpoint");
    let moved = docs(&env, "push_subscriptions", doc! { "endpoint": &shared }).await;
    assert_eq!(moved.len(), 1);
    assert_eq!((moved[0].get_str("user_id").unwrap(), moved[0].get_str("p256dh").unwrap()), (bob_id.as_str(), bob_dev.p256dh().as_str()));

    // Ada's retried push must not go out to Bob's subscription.
    let retried =
        eventually(Duration::from_secs(15), || async { push_jobs(&env).await.iter().all(|j| matches!(j.get_str("status").unwrap(), "done" | "failed")) }).await;
    assert!(retried.is_some(), "{:?}", push_jobs(&env).await);
    let adas: Vec<String> = list(&ada).await.items.into_iter().map(|n| n.id).collect();
    for hit in svc.hits("/push/shared").iter().skip(1) {
        if let Ok(data) = bob_dev.open(&hit.body) {
            assert!(!adas.iter().any(|id| data["id"].as_str() == Some(id.as_str())), "Ada's notification was pushed to Bob's subscription: {data}");
        }
    }

    // From now on Ada's notifications go to her own endpoint only, Bob's to the shared one.
    let ada_pushes = svc.hits("/push/ada").len();
    let _ada_laptop = signed_in(&env, ada_email, PASSWORD).await;
    svc.wait_hits("/push/ada", ada_pushes + 1).await;
    set_push(&bob, "new_sign_in", true).await;
    let before_bob = svc.hits("/push/shared").len();
    let _bob_laptop = signed_in(&env, bob_email, PASSWORD).await;
    let shared_hits = svc.wait_hits("/push/shared", before_bob + 1).await;
    let bobs = &shared_hits[before_bob];
    let (data, _) = check_push(bobs, &svc, &bob_dev);
    assert!(list(&bob).await.items.iter().any(|n| n.id == data["id"].as_str().unwrap()), "{data}");
    env.jobs_settled().await;
    assert_eq!(svc.hits("/push/shared").len(), before_bob + 1, "more went to the shared endpoint than Bob's notification");
}

// ---------------------------------------------------------------- 8. the live stream

/// A Server-Sent Events stream being read.
struct Events {
    res: reqwest::Response,
    buf: String,
}

enum Sse {
    Changed(u32),
    Comment,
}

impl Events {
    async fn open(b: &Browser) -> Events {
        let res = b.get("/api/notifications/stream").await;
        assert_eq!(res.status(), 200);
        let ct = res.headers().get(header::CONTENT_TYPE).unwrap().to_str().unwrap().to_string();
        assert!(ct.starts_with("text/event-stream"), "{ct}");
        assert_eq!(res.headers().get(header::CACHE_CONTROL).unwrap(), "no-store");
        Events { res, buf: String::new() }
    }

    /// The next event or comment, if one comes before `deadline`.
    async fn next(&mut self, deadline: Instant) -> Option<Sse> {
        loop {
            if let Some(at) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..at + 2).collect();
                let (mut event, mut data) = (None, None);
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        event = Some(v.trim().to_string());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data = Some(v.trim().to_string());
                    }
                }
                return Some(match event.as_deref() {
                    Some("changed") => {
                        let v: Value = serde_json::from_str(&data.expect("changed without data")).unwrap();
                        Sse::Changed(v["unread"].as_u64().expect("unread") as u32)
                    }
                    Some(other) => panic!("unexpected event {other}: {block}"),
                    None => Sse::Comment,
                });
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            match tokio::time::timeout(left, self.res.chunk()).await {
                Ok(Ok(Some(bytes))) => self.buf.push_str(&String::from_utf8_lossy(&bytes).replace("\r\n", "\n")),
                Ok(Ok(None)) => panic!("the stream ended"),
                Ok(Err(e)) => panic!("the stream broke: {e}"),
                Err(_) => return None,
            }
        }
    }

    /// The next `changed` within `within`.
    async fn changed(&mut self, within: Duration) -> Option<u32> {
        let deadline = Instant::now() + within;
        loop {
            match self.next(deadline).await? {
                Sse::Changed(n) => return Some(n),
                Sse::Comment => {}
            }
        }
    }

    /// Everything that arrives during `window`: (`changed` counts, number of comments).
    async fn during(&mut self, window: Duration) -> (Vec<u32>, usize) {
        let deadline = Instant::now() + window;
        let (mut changed, mut comments) = (vec![], 0);
        while let Some(e) = self.next(deadline).await {
            match e {
                Sse::Changed(n) => changed.push(n),
                Sse::Comment => comments += 1,
            }
        }
        (changed, comments)
    }
}

#[tokio::test]
async fn the_live_stream_tells_the_unread_count_when_it_changes() {
    let env = start("notif_stream", &[]).await;
    let (ada_email, bob_email) = ("ada@example.com", "bob@example.com");
    let ada = person(&env, "Ada Lovelace", ada_email).await;
    let _bob = person(&env, "Bob Other", bob_email).await;
    let _ada_phone = signed_in(&env, ada_email, PASSWORD).await;
    assert_eq!(list(&ada).await.unread, 1);

    let mut events = Events::open(&ada).await;
    assert_eq!(events.changed(Duration::from_secs(5)).await, Some(1), "the stream does not start with the count");

    // Nothing of Ada's changes (Bob's centre does): no `changed`, only keep-alive comments.
    let _bob_phone = signed_in(&env, bob_email, PASSWORD).await;
    let (changed, comments) = events.during(Duration::from_millis(4500)).await;
    assert!(changed.is_empty(), "`changed` without a change of Ada's: {changed:?}");
    assert!(comments >= 1, "the stream went silent");

    // A new notification: told within a few seconds.
    let _ada_tablet = signed_in(&env, ada_email, PASSWORD).await;
    assert_eq!(events.changed(Duration::from_secs(6)).await, Some(2));
    // Reading them all: told too.
    ada.ok::<NotificationList>("mark_all_notifications_read", &[]).await;
    assert_eq!(events.changed(Duration::from_secs(6)).await, Some(0));
    drop(events);

    // Signed out, or with a forged token: refused.
    let res = env.browser().get("/api/notifications/stream").await;
    assert_eq!(res.status(), 401);
    assert_eq!(AppError::de(res.bytes().await.unwrap()), AppError::Unauthenticated);
    let forged = env.browser();
    let token = ada.cookie(app::accounts::session::ACCESS_COOKIE, "/api/notifications/stream").expect("the access token cookie");
    forged.set_cookie(&format!("{}={token}x; Path=/", app::accounts::session::ACCESS_COOKIE));
    assert_eq!(forged.get("/api/notifications/stream").await.status(), 401);
}

// ---------------------------------------------------------------- 8. the cross-workspace probe

/// Every notifications fn, through the probe: signed out, 401; as the outsider (naming the
/// victim owner's notification and device), nothing of the victim's is read or changed.
#[tokio::test]
async fn no_notifications_fn_reaches_another_person_through_the_probe() {
    use common::probe::{self, Fixture, ModuleSpec};
    let svc = PushService::start().await;
    let env = push_env("notif_probe").await;
    let fx = probe::fixture(&env).await;
    let v = &fx.victim;
    // The victim's owner has a device and a notification (a sign-in elsewhere).
    let dev = Device::new();
    let endpoint = svc.endpoint("/push/victim");
    subscribe(&v.owner, &endpoint, &dev).await;
    let _phone = signed_in(&env, "vera.victim@example.com", PASSWORD).await;
    env.jobs_settled().await;
    let theirs = list(&v.owner).await;
    let notification = theirs.items.first().expect("a notification for the victim's owner").id.clone();
    let args = move |endpoint_name: &str, _: &Fixture| -> Option<Vec<(String, String)>> {
        let f = |pairs: &[(&str, &str)]| Some(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        match endpoint_name {
            "list_notifications" | "mark_all_notifications_read" | "get_push_settings" => f(&[]),
            "mark_notification_read" => f(&[("notification", &notification)]),
            "set_notification_preference" => f(&[("kind", "new_sign_in"), ("push", "false")]),
            "push_subscribe" => f(&[("endpoint", &endpoint), ("p256dh", "x"), ("auth", "y")]),
            "push_unsubscribe" => f(&[("endpoint", &endpoint)]),
            _ => None,
        }
    };
    let spec = ModuleSpec { module: "notifications", endpoints: ENDPOINTS, view_only: &[], viewer_self_service: &[], routes: &[], args: &args };
    probe::run(&env, &fx, &spec).await;

    // The victim's owner still has the device and the unread notification.
    assert_eq!(settings(&v.owner).await.devices, 1);
    let after = list(&v.owner).await;
    assert_eq!(after.unread, theirs.unread);
    assert!(after.items.iter().any(|n| n.id == theirs.items[0].id && !n.read));
}
