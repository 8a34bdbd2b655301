//! A local, in-process OpenID Connect provider for tests.
//!
//! [`start`] serves, on `127.0.0.1:<random port>`:
//!
//! * `GET /.well-known/openid-configuration`: the discovery document;
//! * `GET /jwks`: the public signing keys (RSA, RS256, `use: sig`);
//! * `GET /authorize`: checks `client_id`, `redirect_uri` (must be
//!   registered), `response_type=code`, `scope` has `openid`,
//!   `code_challenge` + `code_challenge_method=S256`, then logs in the
//!   configured [`FakeUser`] at once: 302 to `redirect_uri?code=…&state=…`;
//! * `POST /token` (form): checks the code was issued here, is unused and
//!   less than 5 minutes old, the client id and secret (form body), the
//!   `redirect_uri`, and that `base64url(sha256(code_verifier))` equals the
//!   stored challenge; answers with `access_token`, `token_type`,
//!   `expires_in` and an RS256 `id_token` (`iss` = [`FakeProvider::issuer`],
//!   `aud`/`azp` = client id, `sub`, `email`, `email_verified`, `name`,
//!   `picture`, `nonce` from `/authorize`, `iat`, `exp` = `iat` + 1 h).
//!
//! One-shot knobs (`sign_next_with_wrong_key`, `next_alg_none`,
//! `next_nonce_override`, `fail_next_token`, …) bend the next token
//! response for failure tests. The server stops when the [`FakeProvider`]
//! is dropped.
//!
//! Keys: RSA 2048 keys are generated on first use and pooled for the whole
//! process (index 0 is every provider's first signing key, 1 is the "wrong"
//! key, 2.. are rotation keys), so a test binary pays for each key once.
//! Generation runs on a blocking thread. In debug builds it is slow unless
//! the big-number crates are optimized; the crate's `Cargo.toml` has
//! `[profile.dev.package.num-bigint-dig] opt-level = 3` and the same for
//! `rsa`, which brings one key to well under a second (profile settings
//! only take effect in the workspace root's `Cargo.toml`).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{Form, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rand::RngCore as _;
use rsa::pkcs1::EncodeRsaPrivateKey as _;
use rsa::traits::PublicKeyParts as _;
use serde_json::{json, Map, Value};
use sha2::{Digest as _, Sha256};

use app::accounts::google::{pkce_challenge, OidcConfig};

/// Client id the fake provider accepts.
pub const FAKE_CLIENT_ID: &str = "fake-client-id.apps.test";
/// Client secret the fake provider accepts.
pub const FAKE_CLIENT_SECRET: &str = "fake-client-secret";

/// How long an authorization code may wait before being exchanged.
const CODE_LIFETIME: Duration = Duration::from_secs(300);

/// The account the fake provider "logs in" at `/authorize`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeUser {
    /// `sub` claim.
    pub sub: String,
    /// `email` claim.
    pub email: String,
    /// `email_verified` claim.
    pub email_verified: bool,
    /// `name` claim (omitted when `None`).
    pub name: Option<String>,
    /// `picture` claim (omitted when `None`).
    pub picture: Option<String>,
}

impl Default for FakeUser {
    fn default() -> Self {
        FakeUser {
            sub: "104857600000000000001".into(),
            email: "alice@example.com".into(),
            email_verified: true,
            name: Some("Alice Example".into()),
            picture: None,
        }
    }
}

/// Where `/authorize` sent the browser, as parsed by [`FakeProvider::authorize`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizeRedirect {
    /// The full `Location` header.
    pub location: String,
    /// `code` query parameter, if any.
    pub code: Option<String>,
    /// `state` query parameter, if any.
    pub state: Option<String>,
    /// `error` query parameter, if any (e.g. `access_denied`).
    pub error: Option<String>,
}

/// A running fake provider. Dropping it stops the server.
pub struct FakeProvider {
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub base_url: String,
    /// The `iss` of its tokens (equal to `base_url`).
    pub issuer: String,
    /// Client id it accepts ([`FAKE_CLIENT_ID`]).
    pub client_id: String,
    /// Client secret it accepts ([`FAKE_CLIENT_SECRET`]).
    pub client_secret: String,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeProvider {
    fn drop(&mut self) {
        self.server.abort();
    }
}

struct Shared {
    issuer: String,
    client_id: String,
    client_secret: String,
    jwks_hits: AtomicU64,
    inner: Mutex<Inner>,
}

struct Inner {
    user: FakeUser,
    redirect_uris: HashSet<String>,
    codes: HashMap<String, IssuedCode>,
    /// Published keys; the last one signs.
    keys: Vec<Arc<KeyPair>>,
    /// Pool index of the next rotation key.
    next_rotation: usize,
    authorize_error: Option<String>,
    next: NextToken,
}

/// One-shot changes to the next token response.
#[derive(Default)]
struct NextToken {
    fail: Option<(u16, String)>,
    omit_id_token: bool,
    wrong_key: bool,
    alg: Option<BadAlg>,
    kid: Option<String>,
    nonce: Option<String>,
    audience: Option<Value>,
    issuer: Option<String>,
    expired: bool,
    extra: Map<String, Value>,
}

#[derive(Clone, Copy)]
enum BadAlg {
    None,
    Hs256,
}

struct IssuedCode {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    nonce: Option<String>,
    user: FakeUser,
    issued: Instant,
    used: bool,
}

/// An RSA key pair ready for signing and for publishing as a JWK.
struct KeyPair {
    kid: String,
    encoding: EncodingKey,
    n: String,
    e: String,
}

impl KeyPair {
    fn generate() -> KeyPair {
        let private = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).expect("RSA key generation failed");
        let der = private.to_pkcs1_der().expect("PKCS#1 encoding failed");
        let n_bytes = private.n().to_bytes_be();
        let kid = URL_SAFE_NO_PAD.encode(&Sha256::digest(&n_bytes)[..12]);
        KeyPair {
            kid,
            encoding: EncodingKey::from_rsa_der(der.as_bytes()),
            n: URL_SAFE_NO_PAD.encode(&n_bytes),
            e: URL_SAFE_NO_PAD.encode(private.e().to_bytes_be()),
        }
    }

    fn jwk(&self) -> Value {
        json!({ "kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid, "n": self.n, "e": self.e })
    }
}

/// Process-wide pool of generated keys (see the module docs). Blocking:
/// call from a blocking thread.
fn pooled_key(index: usize) -> Arc<KeyPair> {
    static POOL: OnceLock<Mutex<Vec<Arc<KeyPair>>>> = OnceLock::new();
    let mut pool = POOL.get_or_init(|| Mutex::new(Vec::new())).lock().unwrap_or_else(|p| p.into_inner());
    while pool.len() <= index {
        pool.push(Arc::new(KeyPair::generate()));
    }
    pool[index].clone()
}

async fn pooled_key_async(index: usize) -> Arc<KeyPair> {
    tokio::task::spawn_blocking(move || pooled_key(index)).await.expect("key generation panicked")
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn random_code() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Starts a fake provider on `127.0.0.1:0` with the default [`FakeUser`]
/// and client [`FAKE_CLIENT_ID`] / [`FAKE_CLIENT_SECRET`].
///
/// Panics if the port cannot be bound (tests only).
pub async fn start() -> FakeProvider {
    let key = pooled_key_async(0).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    let base_url = format!("http://{addr}");
    let shared = Arc::new(Shared {
        issuer: base_url.clone(),
        client_id: FAKE_CLIENT_ID.into(),
        client_secret: FAKE_CLIENT_SECRET.into(),
        jwks_hits: AtomicU64::new(0),
        inner: Mutex::new(Inner {
            user: FakeUser::default(),
            redirect_uris: HashSet::new(),
            codes: HashMap::new(),
            keys: vec![key],
            next_rotation: 2,
            authorize_error: None,
            next: NextToken::default(),
        }),
    });
    let app = Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .with_state(shared.clone());
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    FakeProvider { issuer: base_url.clone(), base_url, client_id: FAKE_CLIENT_ID.into(), client_secret: FAKE_CLIENT_SECRET.into(), shared, server }
}

impl FakeProvider {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.shared.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// An [`OidcConfig`] pointing at this provider, with `redirect_uri`
    /// (which is also registered, see [`Self::register_redirect_uri`]).
    pub fn oidc_config(&self, redirect_uri: &str) -> OidcConfig {
        self.register_redirect_uri(redirect_uri);
        OidcConfig {
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            issuer: self.issuer.clone(),
            authorization_endpoint: format!("{}/authorize", self.base_url),
            token_endpoint: format!("{}/token", self.base_url),
            jwks_uri: format!("{}/jwks", self.base_url),
            redirect_uri: redirect_uri.to_owned(),
        }
    }

    /// The `GOOGLE_*` variables that make `OidcConfig::from_lookup` point
    /// at this provider. Register the app's callback URL too
    /// ([`Self::register_redirect_uri`]).
    pub fn env_vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("GOOGLE_CLIENT_ID", self.client_id.clone()),
            ("GOOGLE_CLIENT_SECRET", self.client_secret.clone()),
            ("GOOGLE_ISSUER", self.issuer.clone()),
            ("GOOGLE_AUTH_URL", format!("{}/authorize", self.base_url)),
            ("GOOGLE_TOKEN_URL", format!("{}/token", self.base_url)),
            ("GOOGLE_JWKS_URL", format!("{}/jwks", self.base_url)),
        ]
    }

    /// Allows `/authorize` and `/token` to use `redirect_uri`.
    pub fn register_redirect_uri(&self, redirect_uri: &str) {
        self.inner().redirect_uris.insert(redirect_uri.to_owned());
    }

    /// The account logged in by later `/authorize` requests.
    pub fn set_user(&self, user: FakeUser) {
        self.inner().user = user;
    }

    /// How many times `/jwks` was requested.
    pub fn jwks_hits(&self) -> u64 {
        self.shared.jwks_hits.load(Ordering::SeqCst)
    }

    /// The `kid` of the key that currently signs.
    pub fn current_kid(&self) -> String {
        self.inner().keys.last().expect("a key").kid.clone()
    }

    /// Switches signing to a new key (published alongside the old ones).
    /// May generate a key (blocking thread) the first time in the process.
    pub async fn rotate_key(&self) {
        let index = {
            let mut inner = self.inner();
            inner.next_rotation += 1;
            inner.next_rotation - 1
        };
        let key = pooled_key_async(index).await;
        self.inner().keys.push(key);
    }

    /// Next `/authorize` redirects with `error=<error>` (e.g. `access_denied`) instead of a code.
    pub fn next_authorize_error(&self, error: &str) {
        self.inner().authorize_error = Some(error.to_owned());
    }

    /// Next `/token` answers `status` with `{"error": error}`.
    pub fn fail_next_token(&self, status: u16, error: &str) {
        self.inner().next.fail = Some((status, error.to_owned()));
    }

    /// Next token response has no `id_token`.
    pub fn next_omit_id_token(&self) {
        self.inner().next.omit_id_token = true;
    }

    /// Next ID token is signed with a key that is not published, but
    /// carries the published key's `kid` (signature check must fail).
    pub fn sign_next_with_wrong_key(&self) {
        self.inner().next.wrong_key = true;
    }

    /// Next ID token is unsigned: `alg: none`, empty signature.
    pub fn next_alg_none(&self) {
        self.inner().next.alg = Some(BadAlg::None);
    }

    /// Next ID token is HS256, keyed with the client secret (the classic
    /// algorithm-confusion attack).
    pub fn next_alg_hs256(&self) {
        self.inner().next.alg = Some(BadAlg::Hs256);
    }

    /// Next ID token's header names this `kid` (signed with the current key).
    pub fn next_kid(&self, kid: &str) {
        self.inner().next.kid = Some(kid.to_owned());
    }

    /// Next ID token carries this `nonce` instead of the one from `/authorize`.
    pub fn next_nonce_override(&self, nonce: &str) {
        self.inner().next.nonce = Some(nonce.to_owned());
    }

    /// Next ID token's `aud` (string or array). `azp` is left as the client id.
    pub fn next_audience(&self, aud: Value) {
        self.inner().next.audience = Some(aud);
    }

    /// Next ID token's `iss`.
    pub fn next_issuer(&self, iss: &str) {
        self.inner().next.issuer = Some(iss.to_owned());
    }

    /// Next ID token was issued 2 h ago and expired 1 h ago.
    pub fn next_expired(&self) {
        self.inner().next.expired = true;
    }

    /// Merges these claims (a JSON object) into the next ID token, last;
    /// a `null` value removes the claim.
    pub fn next_extra_claims(&self, claims: Value) {
        if let Value::Object(map) = claims {
            self.inner().next.extra.extend(map);
        }
    }

    /// Requests `auth_url` (from `google::start`) without following the
    /// redirect and parses the `Location`. `Err` if the answer is not a redirect.
    pub async fn authorize(&self, auth_url: &str) -> Result<AuthorizeRedirect, String> {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().map_err(|e| e.to_string())?;
        let resp = http.get(auth_url).send().await.map_err(|e| e.to_string())?;
        let status = resp.status();
        let Some(location) = resp.headers().get(header::LOCATION) else {
            let body = resp.text().await.unwrap_or_default();
            return Err(format!("HTTP {status}: {body}"));
        };
        let location = location.to_str().map_err(|e| e.to_string())?.to_owned();
        let url = reqwest::Url::parse(&location).map_err(|e| e.to_string())?;
        let param = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
        Ok(AuthorizeRedirect { code: param("code"), state: param("state"), error: param("error"), location })
    }
}

// ---------------------------------------------------------------- handlers

type Shr = State<Arc<Shared>>;

async fn discovery(State(s): Shr) -> Json<Value> {
    let base = &s.issuer;
    Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "jwks_uri": format!("{base}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "grant_types_supported": ["authorization_code"],
        "claims_supported": ["aud", "email", "email_verified", "exp", "iat", "iss", "name", "nonce", "picture", "sub"],
    }))
}

async fn jwks(State(s): Shr) -> Response {
    s.jwks_hits.fetch_add(1, Ordering::SeqCst);
    let keys: Vec<Value> = {
        let inner = s.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.keys.iter().map(|k| k.jwk()).collect()
    };
    ([(header::CACHE_CONTROL, "public, max-age=3600")], Json(json!({ "keys": keys }))).into_response()
}

fn bad_request(msg: &str) -> Response {
    (StatusCode::BAD_REQUEST, msg.to_owned()).into_response()
}

fn redirect_to(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    let mut url = match reqwest::Url::parse(redirect_uri) {
        Ok(u) => u,
        Err(_) => return bad_request("invalid redirect_uri"),
    };
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
    }
    (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
}

async fn authorize(State(s): Shr, Query(q): Query<HashMap<String, String>>) -> Response {
    let p = |k: &str| q.get(k).map(String::as_str);
    if p("client_id") != Some(s.client_id.as_str()) {
        return bad_request("invalid_client: unknown client_id");
    }
    let Some(redirect_uri) = p("redirect_uri") else {
        return bad_request("invalid_request: missing redirect_uri");
    };
    let mut inner = s.inner.lock().unwrap_or_else(|p| p.into_inner());
    if !inner.redirect_uris.contains(redirect_uri) {
        return bad_request("redirect_uri_mismatch");
    }
    let state = p("state").unwrap_or("");
    let fail = |error: &str| redirect_to(redirect_uri, &[("error", error), ("state", state)]);
    if let Some(error) = inner.authorize_error.take() {
        return fail(&error);
    }
    if p("response_type") != Some("code") {
        return fail("unsupported_response_type");
    }
    if !p("scope").is_some_and(|s| s.split(' ').any(|x| x == "openid")) {
        return fail("invalid_scope");
    }
    if p("code_challenge_method") != Some("S256") {
        return fail("invalid_request");
    }
    let challenge = match p("code_challenge") {
        Some(c) if c.len() == 43 => c.to_owned(),
        _ => return fail("invalid_request"),
    };
    let code = random_code();
    let issued = IssuedCode {
        client_id: s.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        challenge,
        nonce: p("nonce").map(str::to_owned),
        user: inner.user.clone(),
        issued: Instant::now(),
        used: false,
    };
    inner.codes.insert(code.clone(), issued);
    drop(inner);
    redirect_to(redirect_uri, &[("code", &code), ("state", state)])
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, Json(json!({ "error": error }))).into_response()
}

fn verifier_ok(v: &str) -> bool {
    (43..=128).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

async fn token(State(s): Shr, Form(f): Form<HashMap<String, String>>) -> Response {
    let p = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    // Check everything under the lock, then sign outside it.
    let (code, next, signing_key) = {
        let mut inner = s.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((status, error)) = inner.next.fail.take() {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            return oauth_error(status, &error);
        }
        if p("grant_type") != "authorization_code" {
            return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
        }
        if p("client_id") != s.client_id || p("client_secret") != s.client_secret {
            return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
        }
        let Some(code) = inner.codes.get_mut(p("code")) else {
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
        };
        // Any presentation uses the code up, successful or not.
        let already_used = std::mem::replace(&mut code.used, true);
        if already_used
            || code.issued.elapsed() > CODE_LIFETIME
            || code.client_id != p("client_id")
            || code.redirect_uri != p("redirect_uri")
            || !verifier_ok(p("code_verifier"))
            || pkce_challenge(p("code_verifier")) != code.challenge
        {
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
        }
        let code = (code.user.clone(), code.nonce.clone());
        let next = std::mem::take(&mut inner.next);
        let key = inner.keys.last().expect("a key").clone();
        (code, next, key)
    };
    let (user, nonce) = code;

    let mut body = json!({
        "access_token": random_code(),
        "token_type": "Bearer",
        "expires_in": 3599,
        "scope": "openid email profile",
    });
    if !next.omit_id_token {
        let id_token = mint_id_token(&s, &user, nonce, next, &signing_key).await;
        body["id_token"] = Value::String(id_token);
    }
    ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

async fn mint_id_token(s: &Shared, user: &FakeUser, nonce: Option<String>, next: NextToken, signing_key: &KeyPair) -> String {
    let now = now_secs();
    let (iat, exp) = if next.expired { (now - 7200, now - 3600) } else { (now, now + 3600) };
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(next.issuer.unwrap_or_else(|| s.issuer.clone())));
    claims.insert("azp".into(), json!(s.client_id));
    claims.insert("aud".into(), next.audience.unwrap_or_else(|| json!(s.client_id)));
    claims.insert("sub".into(), json!(user.sub));
    claims.insert("email".into(), json!(user.email));
    claims.insert("email_verified".into(), json!(user.email_verified));
    if let Some(name) = &user.name {
        claims.insert("name".into(), json!(name));
    }
    if let Some(picture) = &user.picture {
        claims.insert("picture".into(), json!(picture));
    }
    if let Some(nonce) = next.nonce.or(nonce) {
        claims.insert("nonce".into(), json!(nonce));
    }
    claims.insert("iat".into(), json!(iat));
    claims.insert("exp".into(), json!(exp));
    for (k, v) in next.extra {
        if v.is_null() {
            claims.remove(&k);
        } else {
            claims.insert(k, v);
        }
    }
    let claims = Value::Object(claims);
    let kid = next.kid.unwrap_or_else(|| signing_key.kid.clone());

    match next.alg {
        Some(BadAlg::None) => {
            let header = json!({ "alg": "none", "typ": "JWT", "kid": kid });
            format!("{}.{}.", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()))
        }
        Some(BadAlg::Hs256) => {
            let mut header = Header::new(Algorithm::HS256);
            header.kid = Some(kid);
            let key = EncodingKey::from_secret(s.client_secret.as_bytes());
            jsonwebtoken::encode(&header, &claims, &key).expect("HS256 signing")
        }
        None => {
            let wrong;
            let key = if next.wrong_key {
                wrong = pooled_key_async(1).await;
                &wrong.encoding
            } else {
                &signing_key.encoding
            };
            let mut header = Header::new(Algorithm::RS256);
            header.kid = Some(kid);
            jsonwebtoken::encode(&header, &claims, key).expect("RS256 signing")
        }
    }
}
