//! "Sign in with Google": an OpenID Connect relying party (client).
//!
//! Authorization code flow with PKCE (S256), `state` and `nonce`:
//!
//! 1. [`start`] builds the URL to send the browser to, and returns the
//!    `state`, `nonce` and PKCE verifier. The caller keeps those three
//!    server-side (or in an encrypted, HttpOnly cookie) until the callback.
//! 2. The provider redirects back to `redirect_uri` with `code` and `state`.
//!    The caller checks `state` against the stored one (use
//!    [`constant_time_eq`]), then calls [`finish`].
//! 3. [`finish`] exchanges the code at the token endpoint and verifies the
//!    returned `id_token` (RS256 only, key from the provider's JWKS, `iss`,
//!    `aud`, `azp`, `exp`, `iat`, `nonce`) and returns a [`GoogleIdentity`].
//!
//! Nothing here stores anything: there is no session or database coupling.
//! The only shared state is the [`JwksCache`], which should live as long as
//! the app (put one in the axum state next to a `reqwest::Client`).
//!
//! Errors ([`OidcError`]) never contain the client secret, the code, the
//! verifier or the token.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rand::RngCore as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use tokio::sync::{Mutex, RwLock};

/// Google's issuer identifier (the value of `iss` in its ID tokens).
pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";
/// Google also issues tokens whose `iss` is this scheme-less form.
pub const GOOGLE_ISSUER_NO_SCHEME: &str = "accounts.google.com";
/// Google's authorization endpoint.
pub const GOOGLE_AUTH_URL: &str = "https://accounts.google.com/o/oauth2/v2/auth";
/// Google's token endpoint.
pub const GOOGLE_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";
/// Google's signing keys (JWKS).
pub const GOOGLE_JWKS_URL: &str = "https://www.googleapis.com/oauth2/v3/certs";
/// Path of the callback route, appended to the public URL to form `redirect_uri`.
pub const CALLBACK_PATH: &str = "/auth/google/callback";
/// Scopes requested.
pub const SCOPES: &str = "openid email profile";

/// Allowed clock skew when checking `exp` and `iat`, in seconds.
const LEEWAY_SECS: u64 = 60;
/// An ID token fresh from a code exchange must have been issued within this
/// many seconds (plus leeway). Google's tokens live one hour.
const MAX_TOKEN_AGE_SECS: u64 = 3600;
/// Timeout for the token request.
const TOKEN_TIMEOUT: Duration = Duration::from_secs(10);

/// Settings of the OpenID provider and of this app as its client.
///
/// Built from the environment by [`OidcConfig::from_lookup`]; tests build it
/// directly (see `fake_provider::FakeProvider::oidc_config`).
#[derive(Clone, PartialEq, Eq)]
pub struct OidcConfig {
    /// OAuth client id (`GOOGLE_CLIENT_ID`).
    pub client_id: String,
    /// OAuth client secret (`GOOGLE_CLIENT_SECRET`). Never logged: `Debug` redacts it.
    pub client_secret: String,
    /// Expected `iss` of ID tokens (`GOOGLE_ISSUER`).
    pub issuer: String,
    /// Where the browser is sent to log in (`GOOGLE_AUTH_URL`).
    pub authorization_endpoint: String,
    /// Where the code is exchanged (`GOOGLE_TOKEN_URL`).
    pub token_endpoint: String,
    /// Where the signing keys are published (`GOOGLE_JWKS_URL`).
    pub jwks_uri: String,
    /// This app's callback URL: public URL + [`CALLBACK_PATH`].
    pub redirect_uri: String,
}

impl fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("issuer", &self.issuer)
            .field("authorization_endpoint", &self.authorization_endpoint)
            .field("token_endpoint", &self.token_endpoint)
            .field("jwks_uri", &self.jwks_uri)
            .field("redirect_uri", &self.redirect_uri)
            .finish()
    }
}

impl OidcConfig {
    /// Reads the configuration through `get` (e.g. `|k| std::env::var(k).ok()`).
    ///
    /// * `Ok(None)`: neither `GOOGLE_CLIENT_ID` nor `GOOGLE_CLIENT_SECRET` is
    ///   set (or both are empty): Google sign-in is off.
    /// * `Err(msg)`: half-configured (one of the two is missing) or a URL is
    ///   invalid; `msg` names the variable and never contains the secret.
    /// * `Ok(Some(cfg))`: otherwise. `GOOGLE_ISSUER`, `GOOGLE_AUTH_URL`,
    ///   `GOOGLE_TOKEN_URL`, `GOOGLE_JWKS_URL` default to Google's endpoints.
    ///   `redirect_uri` is `public_url` (trailing `/` removed) + [`CALLBACK_PATH`].
    ///
    /// URLs must be `https`, except on loopback hosts (`127.0.0.1`, `[::1]`,
    /// `localhost`) so that local tests and development can use plain http.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>, public_url: &str) -> Result<Option<OidcConfig>, String> {
        let var = |name: &str| get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let client_id = var("GOOGLE_CLIENT_ID");
        let client_secret = var("GOOGLE_CLIENT_SECRET");
        let (client_id, client_secret) = match (client_id, client_secret) {
            (None, None) => return Ok(None),
            (Some(_), None) => return Err("GOOGLE_CLIENT_ID is set but GOOGLE_CLIENT_SECRET is missing".into()),
            (None, Some(_)) => return Err("GOOGLE_CLIENT_SECRET is set but GOOGLE_CLIENT_ID is missing".into()),
            (Some(id), Some(secret)) => (id, secret),
        };
        let url_var = |name: &str, default: &str| -> Result<String, String> {
            let value = var(name).unwrap_or_else(|| default.to_owned());
            check_url(&value).map_err(|why| format!("{name} is not a valid URL: {why}"))?;
            Ok(value)
        };
        let issuer = var("GOOGLE_ISSUER").unwrap_or_else(|| GOOGLE_ISSUER.to_owned());
        if issuer != GOOGLE_ISSUER {
            check_url(&issuer).map_err(|why| format!("GOOGLE_ISSUER is not a valid URL: {why}"))?;
        }
        let authorization_endpoint = url_var("GOOGLE_AUTH_URL", GOOGLE_AUTH_URL)?;
        let token_endpoint = url_var("GOOGLE_TOKEN_URL", GOOGLE_TOKEN_URL)?;
        let jwks_uri = url_var("GOOGLE_JWKS_URL", GOOGLE_JWKS_URL)?;
        let base = public_url.trim().trim_end_matches('/');
        let redirect_uri = format!("{base}{CALLBACK_PATH}");
        check_url(&redirect_uri).map_err(|why| format!("public URL is not a valid URL: {why}"))?;
        Ok(Some(OidcConfig { client_id, client_secret, issuer, authorization_endpoint, token_endpoint, jwks_uri, redirect_uri }))
    }

    /// The `iss` values accepted: the configured issuer, plus the
    /// scheme-less `accounts.google.com` when the issuer is Google's.
    fn accepted_issuers(&self) -> Vec<&str> {
        let mut issuers = vec![self.issuer.as_str()];
        if self.issuer == GOOGLE_ISSUER {
            issuers.push(GOOGLE_ISSUER_NO_SCHEME);
        }
        issuers
    }
}

/// Checks an absolute http(s) URL without query or fragment; plain http only
/// for loopback hosts.
fn check_url(value: &str) -> Result<(), String> {
    let url = reqwest::Url::parse(value).map_err(|e| e.to_string())?;
    if url.fragment().is_some() {
        return Err("must not have a fragment".into());
    }
    let loopback = matches!(url.host_str(), Some("127.0.0.1") | Some("[::1]") | Some("localhost"));
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err("must use https (plain http only for loopback hosts)".into()),
        other => Err(format!("unsupported scheme {other:?}")),
    }
}

/// What [`start`] returns: where to send the browser, and the three values
/// to keep until the callback.
#[derive(Clone)]
pub struct AuthStart {
    /// The authorization URL (302 the browser here).
    pub url: String,
    /// Opaque anti-CSRF value; the callback's `state` must equal it.
    pub state: String,
    /// Opaque value the ID token's `nonce` must equal; pass to [`finish`].
    pub nonce: String,
    /// PKCE code verifier (86 unreserved chars); pass to [`finish`]. Secret.
    pub pkce_verifier: String,
}

impl fmt::Debug for AuthStart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthStart")
            .field("url", &self.url)
            .field("state", &self.state)
            .field("nonce", &self.nonce)
            .field("pkce_verifier", &"<redacted>")
            .finish()
    }
}

/// `n` random bytes from the OS, base64url without padding (only
/// unreserved characters: `A-Z a-z 0-9 - _`).
fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// PKCE S256 challenge: base64url(sha256(verifier)) without padding.
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Begins a login: fresh random `state` (32 bytes), `nonce` (32 bytes) and
/// PKCE verifier (64 bytes → 86 chars), and the authorization URL carrying
/// `response_type=code`, `scope`, `client_id`, `redirect_uri`, `state`,
/// `nonce`, `code_challenge` and `code_challenge_method=S256`.
pub fn start(cfg: &OidcConfig) -> AuthStart {
    let state = random_token(32);
    let nonce = random_token(32);
    let pkce_verifier = random_token(64);
    let challenge = pkce_challenge(&pkce_verifier);
    let params: [(&str, &str); 8] = [
        ("response_type", "code"),
        ("client_id", &cfg.client_id),
        ("redirect_uri", &cfg.redirect_uri),
        ("scope", SCOPES),
        ("state", &state),
        ("nonce", &nonce),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ];
    let query = params.iter().map(|(k, v)| format!("{k}={}", percent_encode(v))).collect::<Vec<_>>().join("&");
    let sep = if cfg.authorization_endpoint.contains('?') { '&' } else { '?' };
    let url = format!("{}{sep}{query}", cfg.authorization_endpoint);
    AuthStart { url, state, nonce, pkce_verifier }
}

/// Compares two strings in time independent of where they differ (use it
/// for the callback's `state`).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    crate::platform::crypto::ct_eq(a.as_bytes(), b.as_bytes())
}

/// The verified identity from the ID token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoogleIdentity {
    /// Stable, unique account id at the provider (`sub`). Key accounts on this, not on email.
    pub subject: String,
    /// Email address (`email`).
    pub email: String,
    /// Whether the provider verified the address (`email_verified`).
    pub email_verified: bool,
    /// Display name (`name`), if shared.
    pub name: Option<String>,
    /// Avatar URL (`picture`), if shared.
    pub picture: Option<String>,
}

/// Why a login could not be finished. Messages are safe to log: they hold
/// no secret, code, verifier or token.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The token endpoint could not be reached or did not answer in time.
    #[error("token endpoint request failed ({0})")]
    TokenRequest(&'static str),
    /// The token endpoint answered with an error status.
    #[error("token exchange failed: HTTP {status}{}", .error.as_deref().map(|e| format!(" ({e})")).unwrap_or_default())]
    TokenExchange {
        /// HTTP status.
        status: u16,
        /// OAuth `error` code from the body (e.g. `invalid_grant`), if any.
        error: Option<String>,
    },
    /// The token endpoint's successful answer was not the expected JSON.
    #[error("token endpoint returned an unreadable response")]
    TokenResponse,
    /// The signing keys could not be fetched or read.
    #[error("could not fetch the provider's signing keys ({0})")]
    Jwks(String),
    /// The ID token failed verification; the reason says which check.
    #[error("invalid id token: {0}")]
    InvalidIdToken(String),
    /// The ID token's `nonce` is missing or not the one of this login attempt.
    #[error("id token nonce does not match this login attempt")]
    NonceMismatch,
}

fn invalid(reason: impl Into<String>) -> OidcError {
    OidcError::InvalidIdToken(reason.into())
}

fn classify(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_decode() || e.is_body() {
        "bad response body"
    } else {
        "request error"
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
}

#[derive(Deserialize)]
struct TokenErrorResponse {
    error: Option<String>,
}

/// Finishes a login: exchanges `code` at the token endpoint (with the
/// client secret and `pkce_verifier`), then verifies the returned ID token
/// with [`verify_id_token`].
///
/// The caller must already have checked the callback's `state`.
pub async fn finish(
    cfg: &OidcConfig,
    http: &reqwest::Client,
    jwks: &JwksCache,
    code: &str,
    pkce_verifier: &str,
    expected_nonce: &str,
) -> Result<GoogleIdentity, OidcError> {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", &cfg.redirect_uri),
        ("client_id", &cfg.client_id),
        ("client_secret", &cfg.client_secret),
        ("code_verifier", pkce_verifier),
    ];
    let resp = http
        .post(&cfg.token_endpoint)
        .header(reqwest::header::ACCEPT, "application/json")
        .form(&form)
        .timeout(TOKEN_TIMEOUT)
        .send()
        .await
        .map_err(|e| OidcError::TokenRequest(classify(&e)))?;
    let status = resp.status();
    let body = resp.bytes().await.map_err(|e| OidcError::TokenRequest(classify(&e)))?;
    if !status.is_success() {
        // Keep only a short, well-formed OAuth error code; never echo the body.
        let error =
            serde_json::from_slice::<TokenErrorResponse>(&body).ok().and_then(|b| b.error).filter(|e| e.len() <= 64 && e.bytes().all(|c| c.is_ascii_graphic()));
        return Err(OidcError::TokenExchange { status: status.as_u16(), error });
    }
    let token: TokenResponse = serde_json::from_slice(&body).map_err(|_| OidcError::TokenResponse)?;
    let id_token = token.id_token.ok_or_else(|| invalid("no id_token in token response"))?;
    verify_id_token(cfg, http, jwks, &id_token, expected_nonce).await
}

/// Claims read from the ID token (`exp`, `iss` and `aud` are checked by
/// jsonwebtoken; the rest here).
#[derive(Deserialize)]
struct IdClaims {
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    email: Option<String>,
    /// Google sends a bool; some providers send "true"/"false".
    #[serde(default)]
    email_verified: Option<serde_json::Value>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    picture: Option<String>,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    iat: Option<u64>,
    #[serde(default)]
    exp: Option<u64>,
    #[serde(default)]
    azp: Option<String>,
    #[serde(default)]
    aud: serde_json::Value,
}

/// The header's `alg`, read without trusting anything else in the token, so
/// that `none`, HS256 etc. are refused with a clear reason before any key
/// is looked up.
fn header_alg(token: &str) -> Result<String, OidcError> {
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(invalid("not a JWS compact token"));
    };
    let bytes = URL_SAFE_NO_PAD.decode(header).map_err(|_| invalid("malformed header"))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| invalid("malformed header"))?;
    match value.get("alg").and_then(|a| a.as_str()) {
        Some(alg) => Ok(alg.chars().take(16).collect()),
        None => Err(invalid("header has no alg")),
    }
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Verifies an ID token and extracts the identity. Checks, in order: `alg`
/// is RS256 (nothing else), `kid` names a key of the JWKS (refetched once if
/// unknown), the signature, `iss` (see [`OidcConfig::issuer`]), `aud`
/// contains `client_id` (and `azp`, if present or if there are several
/// audiences, equals it), `exp` not passed, `iat` present, not in the
/// future and not older than an hour, `nonce` equals `expected_nonce`,
/// `sub` and `email` present. Clock leeway: 60 s.
pub async fn verify_id_token(
    cfg: &OidcConfig,
    http: &reqwest::Client,
    jwks: &JwksCache,
    id_token: &str,
    expected_nonce: &str,
) -> Result<GoogleIdentity, OidcError> {
    let alg = header_alg(id_token)?;
    if alg != "RS256" {
        return Err(invalid(format!("alg {alg:?} not allowed (RS256 only)")));
    }
    let header = jsonwebtoken::decode_header(id_token).map_err(|_| invalid("malformed header"))?;
    let kid = header.kid.ok_or_else(|| invalid("header has no kid"))?;
    let key = jwks.key(http, &cfg.jwks_uri, &kid).await?;

    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[&cfg.client_id]);
    validation.set_issuer(&cfg.accepted_issuers());
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = LEEWAY_SECS;
    validation.validate_exp = true;

    let data = jsonwebtoken::decode::<IdClaims>(id_token, &key, &validation).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind as K;
        invalid(match e.kind() {
            K::InvalidSignature => "bad signature".to_owned(),
            K::ExpiredSignature => "expired".to_owned(),
            K::InvalidIssuer => "wrong issuer".to_owned(),
            K::InvalidAudience => "wrong audience".to_owned(),
            K::InvalidAlgorithm => "algorithm does not match the key".to_owned(),
            K::MissingRequiredClaim(c) => format!("missing {c} claim"),
            K::InvalidClaimFormat(c) => format!("malformed {c} claim"),
            K::Json(_) => "malformed claims".to_owned(),
            _ => "could not be decoded".to_owned(),
        })
    })?;
    let claims = data.claims;

    // azp: required when there are several audiences, and must be us.
    let several_audiences = claims.aud.as_array().is_some_and(|a| a.len() > 1);
    match claims.azp.as_deref() {
        Some(azp) if azp != cfg.client_id => return Err(invalid("wrong authorized party (azp)")),
        None if several_audiences => return Err(invalid("several audiences but no azp")),
        _ => {}
    }

    let now = now_secs();
    let iat = claims.iat.ok_or_else(|| invalid("missing iat claim"))?;
    if iat > now + LEEWAY_SECS {
        return Err(invalid("issued in the future (iat)"));
    }
    if iat + MAX_TOKEN_AGE_SECS + LEEWAY_SECS < now {
        return Err(invalid("issued too long ago (iat)"));
    }
    if claims.exp.is_some_and(|exp| exp < iat) {
        return Err(invalid("expires before it was issued"));
    }

    match claims.nonce.as_deref() {
        Some(n) if constant_time_eq(n, expected_nonce) => {}
        _ => return Err(OidcError::NonceMismatch),
    }

    let subject = claims.sub.unwrap_or_default();
    if subject.is_empty() || subject.len() > 255 {
        return Err(invalid("malformed sub claim"));
    }
    let email = claims.email.filter(|e| !e.is_empty()).ok_or_else(|| invalid("missing email claim"))?;
    let email_verified = match claims.email_verified {
        Some(serde_json::Value::Bool(b)) => b,
        Some(serde_json::Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    };
    Ok(GoogleIdentity { subject, email, email_verified, name: claims.name.filter(|n| !n.is_empty()), picture: claims.picture.filter(|p| !p.is_empty()) })
}

/// Cached signing keys of one provider, shared by all requests.
///
/// Keys are fetched on first use, kept for [`JwksCache::DEFAULT_TTL`]
/// (Google rotates keys over days and publishes new ones in advance), and
/// refetched once when a token names an unknown `kid`. Concurrent misses
/// share one fetch. Only RSA keys usable for RS256 signatures are kept.
pub struct JwksCache {
    state: RwLock<JwksState>,
    /// Serializes fetches so that concurrent misses cause one request.
    fetch_lock: Mutex<()>,
    fetch_timeout: Duration,
    ttl: Duration,
    fetches: AtomicU64,
}

#[derive(Default)]
struct JwksState {
    uri: String,
    keys: HashMap<String, DecodingKey>,
    fetched_at: Option<Instant>,
    /// Bumped on every successful fetch.
    generation: u64,
}

impl Default for JwksCache {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for JwksCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwksCache")
            .field("fetch_timeout", &self.fetch_timeout)
            .field("ttl", &self.ttl)
            .field("fetches", &self.fetch_count())
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct JwkSetLoose {
    keys: Vec<serde_json::Value>,
}

impl JwksCache {
    /// How long fetched keys are trusted before a refetch.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(3600);
    /// Timeout of one JWKS fetch.
    pub const DEFAULT_FETCH_TIMEOUT: Duration = Duration::from_secs(10);

    /// An empty cache with the default TTL and fetch timeout.
    pub fn new() -> Self {
        Self::with_settings(Self::DEFAULT_TTL, Self::DEFAULT_FETCH_TIMEOUT)
    }

    /// An empty cache with the given TTL and fetch timeout.
    pub fn with_settings(ttl: Duration, fetch_timeout: Duration) -> Self {
        JwksCache { state: RwLock::new(JwksState::default()), fetch_lock: Mutex::new(()), fetch_timeout, ttl, fetches: AtomicU64::new(0) }
    }

    /// How many JWKS fetches were attempted so far (for metrics and tests).
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// The key named `kid` from `jwks_uri`, fetching when the cache is
    /// empty, stale, for another URI, or lacks `kid` (at most one fetch per
    /// call for the last case).
    pub async fn key(&self, http: &reqwest::Client, jwks_uri: &str, kid: &str) -> Result<DecodingKey, OidcError> {
        let seen_generation = {
            let state = self.state.read().await;
            let fresh = state.uri == jwks_uri && state.fetched_at.is_some_and(|t| t.elapsed() < self.ttl);
            if fresh {
                if let Some(key) = state.keys.get(kid) {
                    return Ok(key.clone());
                }
            }
            state.generation
        };

        let _guard = self.fetch_lock.lock().await;
        // Another task may have fetched while we waited for the lock.
        {
            let state = self.state.read().await;
            if state.uri == jwks_uri && state.generation != seen_generation && state.fetched_at.is_some_and(|t| t.elapsed() < self.ttl) {
                return state.keys.get(kid).cloned().ok_or_else(|| invalid("unknown signing key (kid)"));
            }
        }
        let keys = match self.fetch(http, jwks_uri).await {
            Ok(keys) => keys,
            Err(e) => {
                // Provider unreachable: a known key, even past its TTL, is
                // better than refusing every login.
                let state = self.state.read().await;
                if state.uri == jwks_uri {
                    if let Some(key) = state.keys.get(kid) {
                        return Ok(key.clone());
                    }
                }
                return Err(e);
            }
        };
        let found = keys.get(kid).cloned();
        {
            let mut state = self.state.write().await;
            state.uri = jwks_uri.to_owned();
            state.keys = keys;
            state.fetched_at = Some(Instant::now());
            state.generation += 1;
        }
        found.ok_or_else(|| invalid("unknown signing key (kid)"))
    }

    async fn fetch(&self, http: &reqwest::Client, jwks_uri: &str) -> Result<HashMap<String, DecodingKey>, OidcError> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let resp = http
            .get(jwks_uri)
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(self.fetch_timeout)
            .send()
            .await
            .map_err(|e| OidcError::Jwks(classify(&e).into()))?;
        if !resp.status().is_success() {
            return Err(OidcError::Jwks(format!("HTTP {}", resp.status().as_u16())));
        }
        let set: JwkSetLoose = resp.json().await.map_err(|_| OidcError::Jwks("unreadable key set".into()))?;
        let mut keys = HashMap::new();
        for raw in set.keys {
            // Keys of types this crate cannot parse are skipped, not fatal.
            let Ok(jwk) = serde_json::from_value::<Jwk>(raw) else {
                continue;
            };
            let AlgorithmParameters::RSA(_) = jwk.algorithm else {
                continue;
            };
            if jwk.common.public_key_use.as_ref().is_some_and(|u| *u != PublicKeyUse::Signature) {
                continue;
            }
            if jwk.common.key_algorithm.as_ref().is_some_and(|a| *a != KeyAlgorithm::RS256) {
                continue;
            }
            let Some(kid) = jwk.common.key_id.clone() else {
                continue;
            };
            if let Ok(key) = DecodingKey::from_jwk(&jwk) {
                keys.insert(kid, key);
            }
        }
        if keys.is_empty() {
            return Err(OidcError::Jwks("no usable RS256 keys".into()));
        }
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn config_off_when_unset() {
        assert_eq!(OidcConfig::from_lookup(env(&[]), "https://x.test").unwrap(), None);
        assert_eq!(OidcConfig::from_lookup(env(&[("GOOGLE_CLIENT_ID", " ")]), "https://x.test").unwrap(), None);
    }

    #[test]
    fn config_half_configured_names_variable() {
        let e = OidcConfig::from_lookup(env(&[("GOOGLE_CLIENT_ID", "id")]), "https://x.test").unwrap_err();
        assert!(e.contains("GOOGLE_CLIENT_SECRET"), "{e}");
        let e = OidcConfig::from_lookup(env(&[("GOOGLE_CLIENT_SECRET", "s3cr3t")]), "https://x.test").unwrap_err();
        assert!(e.contains("GOOGLE_CLIENT_ID") && !e.contains("s3cr3t"), "{e}");
        let e = OidcConfig::from_lookup(
            env(&[("GOOGLE_CLIENT_ID", "id"), ("GOOGLE_CLIENT_SECRET", "s"), ("GOOGLE_TOKEN_URL", "http://evil.example/token")]),
            "https://x.test",
        )
        .unwrap_err();
        assert!(e.contains("GOOGLE_TOKEN_URL"), "{e}");
    }

    #[test]
    fn config_defaults_and_redirect() {
        let cfg = OidcConfig::from_lookup(env(&[("GOOGLE_CLIENT_ID", "id"), ("GOOGLE_CLIENT_SECRET", "s")]), "https://app.example.com/").unwrap().unwrap();
        assert_eq!(cfg.issuer, GOOGLE_ISSUER);
        assert_eq!(cfg.token_endpoint, GOOGLE_TOKEN_URL);
        assert_eq!(cfg.redirect_uri, "https://app.example.com/auth/google/callback");
        assert!(!format!("{cfg:?}").contains("\"s\""));
        assert_eq!(cfg.accepted_issuers(), vec![GOOGLE_ISSUER, GOOGLE_ISSUER_NO_SCHEME]);
    }

    #[test]
    fn pkce_known_vector() {
        // Expected value computed independently (Python hashlib + base64).
        assert_eq!(pkce_challenge("mewayz-pkce-test-verifier-0123456789-abcdefghijklmnop"), "PAnFIh5ydkG5ZVY_YzC4Oso7QEbiBmEApVuCq7WkzVQ");
    }

    #[test]
    fn start_builds_encoded_url() {
        let cfg = OidcConfig {
            client_id: "id with space".into(),
            client_secret: "s".into(),
            issuer: GOOGLE_ISSUER.into(),
            authorization_endpoint: GOOGLE_AUTH_URL.into(),
            token_endpoint: GOOGLE_TOKEN_URL.into(),
            jwks_uri: GOOGLE_JWKS_URL.into(),
            redirect_uri: "https://app.example.com/auth/google/callback".into(),
        };
        let s = start(&cfg);
        assert!((43..=128).contains(&s.pkce_verifier.len()));
        assert!(s.pkce_verifier.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)));
        let url = reqwest::Url::parse(&s.url).unwrap();
        let q: HashMap<String, String> = url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["scope"], "openid email profile");
        assert_eq!(q["client_id"], "id with space");
        assert_eq!(q["redirect_uri"], cfg.redirect_uri);
        assert_eq!(q["state"], s.state);
        assert_eq!(q["nonce"], s.nonce);
        assert_eq!(q["code_challenge"], pkce_challenge(&s.pkce_verifier));
        assert_eq!(q["code_challenge_method"], "S256");
        assert!(s.url.contains("redirect_uri=https%3A%2F%2Fapp.example.com%2Fauth%2Fgoogle%2Fcallback"));
        assert!(s.url.contains("scope=openid%20email%20profile"));
        let other = start(&cfg);
        assert_ne!(s.state, other.state);
        assert_ne!(s.nonce, other.nonce);
        assert_ne!(s.pkce_verifier, other.pkce_verifier);
    }

    #[test]
    fn constant_time_eq_works() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
