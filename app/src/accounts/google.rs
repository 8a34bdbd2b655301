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
//! The protocol is the `openidconnect` crate's, with its `oauth2` base: the
//! authorization URL, PKCE, the code exchange (over the app's `reqwest`
//! client), and the ID token's signature and standard claims. This module
//! adds what the provider and the app ask beyond that: Google's `azp` and
//! `iat` rules, the key cache, and a clear reason for every refusal.
//!
//! Nothing here stores anything: there is no session or database coupling.
//! The only shared state is the [`JwksCache`], which should live as long as
//! the app (put one in the axum state next to a `reqwest::Client`).
//!
//! Errors ([`OidcError`]) never contain the client secret, the code, the
//! verifier or the token.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr as _;
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use oauth2::basic::{BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenType};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet, ExtraTokenFields, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, StandardRevocableToken, StandardTokenResponse, TokenUrl,
};
use openidconnect::core::{
    CoreIdToken, CoreIdTokenVerifier, CoreJsonWebKey, CoreJsonWebKeySet, CoreJsonWebKeyType, CoreJsonWebKeyUse, CoreJwsSigningAlgorithm,
};
use openidconnect::{ClaimsVerificationError, IssuerUrl, JsonWebKey as _, JsonWebKeyAlgorithm, Nonce, SignatureVerificationError};
use serde::{Deserialize, Serialize};
use tokio::sync::{Mutex, RwLock};

pub use crate::platform::config::{OidcConfig, CALLBACK_PATH, GOOGLE_AUTH_URL, GOOGLE_ISSUER, GOOGLE_ISSUER_NO_SCHEME, GOOGLE_JWKS_URL, GOOGLE_TOKEN_URL};

/// Scopes requested.
pub const SCOPES: &str = "openid email profile";

/// Allowed clock skew when checking `exp` and `iat`, in seconds.
const LEEWAY_SECS: u64 = 60;
/// An ID token fresh from a code exchange must have been issued within this
/// many seconds (plus leeway). Google's tokens live one hour.
const MAX_TOKEN_AGE_SECS: u64 = 3600;
/// Timeout for the token request.
const TOKEN_TIMEOUT: Duration = Duration::from_secs(10);

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

/// The OAuth 2.0 client for this configuration (`oauth2`, the base of `openidconnect`): the
/// client secret goes in the token request's form body, as Google accepts and the tests' provider
/// requires.
fn oauth_client(cfg: &OidcConfig) -> Result<OAuthClient, oauth2::url::ParseError> {
    Ok(oauth2::Client::new(ClientId::new(cfg.client_id.clone()))
        .set_client_secret(ClientSecret::new(cfg.client_secret.clone()))
        .set_auth_type(AuthType::RequestBody)
        .set_auth_uri(AuthUrl::new(cfg.authorization_endpoint.clone())?)
        .set_token_uri(TokenUrl::new(cfg.token_endpoint.clone())?)
        .set_redirect_uri(RedirectUrl::new(cfg.redirect_uri.clone())?))
}

type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    StandardTokenResponse<IdTokenField, BasicTokenType>,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The token response's `id_token`, kept as the provider sent it, so that every flaw in it is
/// reported by [`verify_id_token`] with its reason rather than as an unreadable response.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct IdTokenField {
    #[serde(default)]
    id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenField {}

/// PKCE S256 challenge: base64url(sha256(verifier)) without padding.
pub fn pkce_challenge(verifier: &str) -> String {
    PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier.to_owned())).as_str().to_owned()
}

/// Begins a login: fresh random `state` (32 bytes), `nonce` (32 bytes) and
/// PKCE verifier (64 bytes → 86 chars), and the authorization URL carrying
/// `response_type=code`, `scope`, `client_id`, `redirect_uri`, `state`,
/// `nonce`, `code_challenge` and `code_challenge_method=S256`.
pub fn start(cfg: &OidcConfig) -> AuthStart {
    let nonce = Nonce::new_random_len(32);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256_len(64);
    let (url, state) = match oauth_client(cfg) {
        Ok(client) => client
            .authorize_url(|| CsrfToken::new_random_len(32))
            .add_scopes(SCOPES.split(' ').map(|s| Scope::new(s.to_owned())))
            .add_extra_param("nonce", nonce.secret())
            .set_pkce_challenge(challenge)
            .url(),
        // Unreachable for a configuration from `from_lookup`, which checked every URL.
        Err(_) => (oauth2::url::Url::parse("about:blank").expect("a valid URL"), CsrfToken::new_random_len(32)),
    };
    // Form encoding writes a space as `+` (a real `+` is `%2B`); give it as `%20`, the form
    // every OAuth server reads, as this URL has always been written.
    let url = url.as_str().replace('+', "%20");
    AuthStart { url, state: state.secret().clone(), nonce: nonce.secret().clone(), pkce_verifier: verifier.secret().clone() }
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

/// The HTTP client `oauth2` sends the token request with: the app's `reqwest` client, with
/// [`TOKEN_TIMEOUT`], noting the response's status (a token error carries the provider's
/// error code but not the HTTP status, which [`OidcError::TokenExchange`] reports).
struct TokenHttp<'a> {
    http: &'a reqwest::Client,
    status: AtomicU16,
}

impl<'c> oauth2::AsyncHttpClient<'c> for TokenHttp<'_> {
    type Error = reqwest::Error;
    type Future = Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, reqwest::Error>> + Send + 'c>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let mut request = reqwest::Request::try_from(request)?;
            *request.timeout_mut() = Some(TOKEN_TIMEOUT);
            let response = self.http.execute(request).await?;
            self.status.store(response.status().as_u16(), Ordering::Relaxed);
            let (code, headers) = (response.status(), response.headers().clone());
            let mut out = oauth2::HttpResponse::new(response.bytes().await?.to_vec());
            *out.status_mut() = code;
            *out.headers_mut() = headers;
            Ok(out)
        })
    }
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
    let client = oauth_client(cfg).map_err(|_| OidcError::TokenRequest("invalid endpoint URL"))?;
    let token_http = TokenHttp { http, status: AtomicU16::new(0) };
    let exchanged = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
        .request_async(&token_http)
        .await;
    let status = token_http.status.load(Ordering::Relaxed);
    let token = match exchanged {
        Ok(token) => token,
        Err(RequestTokenError::Request(e)) => return Err(OidcError::TokenRequest(classify(&e))),
        // Keep only a short, well-formed OAuth error code; never echo the body.
        Err(RequestTokenError::ServerResponse(e)) => {
            let error = Some(e.error().as_ref().to_owned()).filter(|e| e.len() <= 64 && e.bytes().all(|c| c.is_ascii_graphic()));
            return Err(OidcError::TokenExchange { status, error });
        }
        Err(_) if status != 200 => return Err(OidcError::TokenExchange { status, error: None }),
        Err(_) => return Err(OidcError::TokenResponse),
    };
    let id_token = token.extra_fields().id_token.as_deref().ok_or_else(|| invalid("no id_token in token response"))?;
    verify_id_token(cfg, http, jwks, id_token, expected_nonce).await
}

/// The claims that decide which reason a refused token gets, read before its signature is
/// checked (nothing here is trusted: `openidconnect` verifies the token afterwards).
#[derive(Deserialize)]
struct UnverifiedClaims {
    #[serde(default)]
    iss: Option<serde_json::Value>,
    #[serde(default)]
    aud: Option<serde_json::Value>,
    #[serde(default)]
    sub: Option<serde_json::Value>,
    #[serde(default)]
    exp: Option<serde_json::Value>,
    #[serde(default)]
    iat: Option<serde_json::Value>,
}

/// The header's `alg` and `kid` and the payload's claims, read without trusting anything, so
/// that `none`, HS256, a missing claim or a foreign issuer are refused with a clear reason
/// before any key is looked up.
fn unverified_parts(token: &str) -> Result<(String, Option<String>, UnverifiedClaims), OidcError> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(invalid("not a JWS compact token"));
    };
    let header = URL_SAFE_NO_PAD.decode(header).map_err(|_| invalid("malformed header"))?;
    let header: serde_json::Value = serde_json::from_slice(&header).map_err(|_| invalid("malformed header"))?;
    let alg = header.get("alg").and_then(|a| a.as_str()).ok_or_else(|| invalid("header has no alg"))?.chars().take(16).collect();
    let kid = header.get("kid").and_then(|k| k.as_str()).map(str::to_owned);
    let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| invalid("malformed claims"))?;
    let claims = serde_json::from_slice(&payload).map_err(|_| invalid("malformed claims"))?;
    Ok((alg, kid, claims))
}

fn unix_secs(t: chrono::DateTime<chrono::Utc>) -> u64 {
    u64::try_from(t.timestamp()).unwrap_or(0)
}

fn now_secs() -> u64 {
    unix_secs(chrono::Utc::now())
}

/// Verifies an ID token and extracts the identity. Checks, in order: `alg`
/// is RS256 (nothing else), `exp`, `iat`, `iss`, `aud` and `sub` are present, `iss` is the
/// configured issuer (see [`OidcConfig::issuer`]), `kid` names a key of the JWKS (refetched
/// once if unknown); then `openidconnect` checks the signature, `iss`, that `aud` contains
/// `client_id`, `exp` not passed and `nonce` equals `expected_nonce`; then `azp` (if present
/// or if there are several audiences) equals `client_id`, `iat` is not in the future and not
/// older than an hour, `sub` and `email` are present. Clock leeway: 60 s.
pub async fn verify_id_token(
    cfg: &OidcConfig,
    http: &reqwest::Client,
    jwks: &JwksCache,
    id_token: &str,
    expected_nonce: &str,
) -> Result<GoogleIdentity, OidcError> {
    let (alg, kid, unverified) = unverified_parts(id_token)?;
    if alg != "RS256" {
        return Err(invalid(format!("alg {alg:?} not allowed (RS256 only)")));
    }
    let required = [("exp", &unverified.exp), ("iat", &unverified.iat), ("iss", &unverified.iss), ("aud", &unverified.aud), ("sub", &unverified.sub)];
    if let Some((name, _)) = required.iter().find(|(_, v)| v.as_ref().is_none_or(serde_json::Value::is_null)) {
        return Err(invalid(format!("missing {name} claim")));
    }
    let issuer = unverified.iss.as_ref().and_then(|i| i.as_str()).unwrap_or_default();
    if !cfg.accepted_issuers().contains(&issuer) {
        return Err(invalid("wrong issuer"));
    }
    let kid = kid.ok_or_else(|| invalid("header has no kid"))?;
    let key = jwks.key(http, &cfg.jwks_uri, &kid).await?;

    // `openidconnect` reads `iss` as a URL, so it cannot take Google's scheme-less form.
    let token = CoreIdToken::from_str(id_token)
        .map_err(|_| invalid(if issuer == GOOGLE_ISSUER_NO_SCHEME { "issuer without scheme not supported" } else { "malformed claims" }))?;
    let issuer = IssuerUrl::new(issuer.to_owned()).map_err(|_| invalid("wrong issuer"))?;
    let verifier = CoreIdTokenVerifier::new_public_client(ClientId::new(cfg.client_id.clone()), issuer, CoreJsonWebKeySet::new(vec![key]))
        // Other audiences are allowed when `azp` names us, checked below.
        .set_other_audience_verifier_fn(|_| true)
        // `exp` with the leeway: the verifier's clock runs that much behind.
        .set_time_fn(|| chrono::Utc::now() - chrono::Duration::seconds(LEEWAY_SECS as i64));
    let nonce_matches = |nonce: Option<&Nonce>| match nonce {
        Some(n) if constant_time_eq(n.secret(), expected_nonce) => Ok(()),
        _ => Err("nonce mismatch".to_owned()),
    };
    let claims = token.claims(&verifier, nonce_matches).map_err(|e| match e {
        ClaimsVerificationError::InvalidNonce(_) => OidcError::NonceMismatch,
        ClaimsVerificationError::Expired(_) => invalid("expired"),
        ClaimsVerificationError::InvalidIssuer(_) => invalid("wrong issuer"),
        ClaimsVerificationError::InvalidAudience(_) => invalid("wrong audience"),
        ClaimsVerificationError::SignatureVerification(SignatureVerificationError::CryptoError(_)) => invalid("bad signature"),
        ClaimsVerificationError::SignatureVerification(SignatureVerificationError::NoMatchingKey) => invalid("unknown signing key (kid)"),
        ClaimsVerificationError::SignatureVerification(_) => invalid("algorithm does not match the key"),
        _ => invalid("could not be decoded"),
    })?;

    // azp: required when there are several audiences, and must be us.
    match claims.authorized_party() {
        Some(azp) if azp.as_str() != cfg.client_id => return Err(invalid("wrong authorized party (azp)")),
        None if claims.audiences().len() > 1 => return Err(invalid("several audiences but no azp")),
        _ => {}
    }

    let (now, iat, exp) = (now_secs(), unix_secs(claims.issue_time()), unix_secs(claims.expiration()));
    if iat > now + LEEWAY_SECS {
        return Err(invalid("issued in the future (iat)"));
    }
    if iat + MAX_TOKEN_AGE_SECS + LEEWAY_SECS < now {
        return Err(invalid("issued too long ago (iat)"));
    }
    if exp < iat {
        return Err(invalid("expires before it was issued"));
    }

    let subject = claims.subject().as_str().to_owned();
    if subject.is_empty() || subject.len() > 255 {
        return Err(invalid("malformed sub claim"));
    }
    let email = claims.email().map(|e| e.as_str().to_owned()).filter(|e| !e.is_empty()).ok_or_else(|| invalid("missing email claim"))?;
    let name = claims.name().and_then(|n| n.get(None)).map(|n| n.as_str().to_owned()).filter(|n| !n.is_empty());
    let picture = claims.picture().and_then(|p| p.get(None)).map(|p| p.as_str().to_owned()).filter(|p| !p.is_empty());
    Ok(GoogleIdentity { subject, email, email_verified: claims.email_verified().unwrap_or(false), name, picture })
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
    keys: HashMap<String, CoreJsonWebKey>,
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
    pub async fn key(&self, http: &reqwest::Client, jwks_uri: &str, kid: &str) -> Result<CoreJsonWebKey, OidcError> {
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

    async fn fetch(&self, http: &reqwest::Client, jwks_uri: &str) -> Result<HashMap<String, CoreJsonWebKey>, OidcError> {
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
        // Keys of types `openidconnect` cannot read are skipped, not fatal.
        let set: CoreJsonWebKeySet = resp.json().await.map_err(|_| OidcError::Jwks("unreadable key set".into()))?;
        let usable = |k: &CoreJsonWebKey| {
            *k.key_type() == CoreJsonWebKeyType::RSA
                && k.key_use().is_none_or(|u| *u == CoreJsonWebKeyUse::Signature)
                && match k.signing_alg() {
                    JsonWebKeyAlgorithm::Algorithm(alg) => *alg == CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
                    JsonWebKeyAlgorithm::Unspecified => true,
                    JsonWebKeyAlgorithm::Unsupported => false,
                }
        };
        let keys: HashMap<String, CoreJsonWebKey> =
            set.keys().iter().filter(|k| usable(k)).filter_map(|k| Some((k.key_id()?.as_str().to_owned(), k.clone()))).collect();
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
