//! End-to-end tests of `app::accounts::google` against the test provider, all on 127.0.0.1.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

mod common;

use app::accounts::google::{self, AuthStart, GoogleIdentity, JwksCache, OidcConfig, OidcError};
use common::fake_oidc::{self as fake_provider, FakeProvider, FakeUser};
use serde_json::json;

/// The app's callback; never contacted, the tests read the redirect instead.
const REDIRECT: &str = "http://127.0.0.1:9/auth/google/callback";

struct Env {
    fake: FakeProvider,
    cfg: OidcConfig,
    http: reqwest::Client,
    jwks: JwksCache,
}

async fn setup() -> Env {
    let t = Instant::now();
    let fake = fake_provider::start().await;
    eprintln!("fake provider started in {:?}", t.elapsed());
    let cfg = fake.oidc_config(REDIRECT);
    Env { fake, cfg, http: reqwest::Client::new(), jwks: JwksCache::new() }
}

impl Env {
    /// start → /authorize → (auth start, code).
    async fn login(&self) -> (AuthStart, String) {
        let auth = google::start(&self.cfg);
        let redirect = self.fake.authorize(&auth.url).await.expect("authorize redirect");
        assert_eq!(redirect.state.as_deref(), Some(auth.state.as_str()));
        (auth, redirect.code.expect("code"))
    }

    async fn finish(&self, auth: &AuthStart, code: &str) -> Result<GoogleIdentity, OidcError> {
        google::finish(&self.cfg, &self.http, &self.jwks, code, &auth.pkce_verifier, &auth.nonce).await
    }

    /// A full login expected to fail after the fake was bent by a knob.
    async fn login_err(&self) -> OidcError {
        let (auth, code) = self.login().await;
        let err = self.finish(&auth, &code).await.expect_err("login should fail");
        let msg = err.to_string();
        for secret in [&self.cfg.client_secret, &code, &auth.pkce_verifier] {
            assert!(!msg.contains(secret.as_str()), "error leaks a secret: {msg}");
        }
        err
    }
}

fn reason(err: &OidcError) -> &str {
    match err {
        OidcError::InvalidIdToken(r) => r,
        other => panic!("expected InvalidIdToken, got {other:?}"),
    }
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

#[tokio::test]
async fn happy_path() {
    let env = setup().await;
    let user = FakeUser {
        sub: "1122334455".into(),
        email: "bob@example.org".into(),
        email_verified: true,
        name: Some("Bob Builder".into()),
        picture: Some("https://example.org/bob.png".into()),
    };
    env.fake.set_user(user.clone());

    let auth = google::start(&env.cfg);
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let resp = no_redirects.get(&auth.url).send().await.unwrap();
    assert_eq!(resp.status(), reqwest::StatusCode::FOUND);
    let location = resp.headers()[reqwest::header::LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with(REDIRECT), "{location}");
    let url = reqwest::Url::parse(&location).unwrap();
    let param = |k: &str| url.query_pairs().find(|(n, _)| n == k).map(|(_, v)| v.into_owned());
    let state = param("state").expect("state");
    let code = param("code").expect("code");
    assert!(google::constant_time_eq(&state, &auth.state));

    let id = google::finish(&env.cfg, &env.http, &env.jwks, &code, &auth.pkce_verifier, &auth.nonce).await.expect("login succeeds");
    assert_eq!(id, GoogleIdentity { subject: user.sub, email: user.email, email_verified: true, name: user.name, picture: user.picture });
    assert_eq!(env.fake.jwks_hits(), 1);

    // A second login reuses the cached keys.
    env.fake.set_user(FakeUser { email_verified: false, name: None, ..FakeUser::default() });
    let (auth, code) = env.login().await;
    let id = env.finish(&auth, &code).await.unwrap();
    assert!(!id.email_verified);
    assert_eq!(id.name, None);
    assert_eq!(env.fake.jwks_hits(), 1);
    assert_eq!(env.jwks.fetch_count(), 1);
}

#[tokio::test]
async fn wrong_pkce_verifier_refused() {
    let env = setup().await;
    let (auth, code) = env.login().await;
    let other = google::start(&env.cfg);
    let err = google::finish(&env.cfg, &env.http, &env.jwks, &code, &other.pkce_verifier, &auth.nonce).await.unwrap_err();
    assert!(matches!(&err, OidcError::TokenExchange { status: 400, error: Some(e) } if e == "invalid_grant"), "{err:?}");
    assert_eq!(err.to_string(), "token exchange failed: HTTP 400 (invalid_grant)");
}

#[tokio::test]
async fn reused_code_refused() {
    let env = setup().await;
    let (auth, code) = env.login().await;
    env.finish(&auth, &code).await.expect("first use succeeds");
    let err = env.finish(&auth, &code).await.unwrap_err();
    assert!(matches!(&err, OidcError::TokenExchange { status: 400, .. }), "{err:?}");
}

#[tokio::test]
async fn code_for_other_redirect_uri_refused() {
    let env = setup().await;
    let (auth, code) = env.login().await;
    let mut cfg = env.cfg.clone();
    cfg.redirect_uri = "http://127.0.0.1:9/elsewhere".into();
    let err = google::finish(&cfg, &env.http, &env.jwks, &code, &auth.pkce_verifier, &auth.nonce).await.unwrap_err();
    assert!(matches!(&err, OidcError::TokenExchange { status: 400, .. }), "{err:?}");
}

#[tokio::test]
async fn wrong_nonce_refused() {
    let env = setup().await;
    // The client expects another nonce than the one it sent.
    let (auth, code) = env.login().await;
    let err = google::finish(&env.cfg, &env.http, &env.jwks, &code, &auth.pkce_verifier, "other-nonce").await.unwrap_err();
    assert!(matches!(err, OidcError::NonceMismatch), "{err:?}");
    // The provider puts another nonce in the token.
    env.fake.next_nonce_override("attacker-nonce");
    assert!(matches!(env.login_err().await, OidcError::NonceMismatch));
    // No nonce at all.
    env.fake.next_extra_claims(json!({ "nonce": null }));
    assert!(matches!(env.login_err().await, OidcError::NonceMismatch));
}

#[tokio::test]
async fn token_signed_with_other_key_refused() {
    let env = setup().await;
    env.fake.sign_next_with_wrong_key();
    let err = env.login_err().await;
    assert_eq!(reason(&err), "bad signature");
}

#[tokio::test]
async fn alg_none_and_hs256_refused() {
    let env = setup().await;
    env.fake.next_alg_none();
    let err = env.login_err().await;
    assert!(reason(&err).contains("\"none\" not allowed"), "{err}");

    env.fake.next_alg_hs256();
    let err = env.login_err().await;
    assert!(reason(&err).contains("\"HS256\" not allowed"), "{err}");
    // Refused before any key lookup.
    assert_eq!(env.fake.jwks_hits(), 0);
}

#[tokio::test]
async fn wrong_audience_refused() {
    let env = setup().await;
    env.fake.next_audience(json!("someone-else.apps.test"));
    assert_eq!(reason(&env.login_err().await), "wrong audience");

    // Several audiences including us, azp = us: accepted.
    env.fake.next_audience(json!([env.cfg.client_id, "someone-else"]));
    let (auth, code) = env.login().await;
    env.finish(&auth, &code).await.expect("multi-audience with azp accepted");

    // Several audiences but no azp.
    env.fake.next_audience(json!([env.cfg.client_id, "someone-else"]));
    env.fake.next_extra_claims(json!({ "azp": null }));
    assert_eq!(reason(&env.login_err().await), "several audiences but no azp");

    // azp names another client.
    env.fake.next_extra_claims(json!({ "azp": "someone-else" }));
    assert_eq!(reason(&env.login_err().await), "wrong authorized party (azp)");
}

#[tokio::test]
async fn wrong_issuer_refused() {
    let env = setup().await;
    env.fake.next_issuer("https://evil.example");
    assert_eq!(reason(&env.login_err().await), "wrong issuer");
    // The scheme-less Google form is only accepted when the issuer is Google's.
    env.fake.next_issuer("accounts.google.com");
    assert_eq!(reason(&env.login_err().await), "wrong issuer");
}

#[tokio::test]
async fn expired_or_odd_times_refused() {
    let env = setup().await;
    env.fake.next_expired();
    assert_eq!(reason(&env.login_err().await), "expired");

    env.fake.next_extra_claims(json!({ "iat": now() + 3600, "exp": now() + 7200 }));
    assert_eq!(reason(&env.login_err().await), "issued in the future (iat)");

    env.fake.next_extra_claims(json!({ "iat": now() - 3 * 3600 }));
    assert_eq!(reason(&env.login_err().await), "issued too long ago (iat)");

    env.fake.next_extra_claims(json!({ "iat": null }));
    assert_eq!(reason(&env.login_err().await), "missing iat claim");

    env.fake.next_extra_claims(json!({ "exp": null }));
    assert_eq!(reason(&env.login_err().await), "missing exp claim");
}

#[tokio::test]
async fn missing_claims_refused() {
    let env = setup().await;
    env.fake.next_extra_claims(json!({ "email": null }));
    assert_eq!(reason(&env.login_err().await), "missing email claim");
    env.fake.next_extra_claims(json!({ "sub": null }));
    assert_eq!(reason(&env.login_err().await), "missing sub claim");
    env.fake.next_omit_id_token();
    assert_eq!(reason(&env.login_err().await), "no id_token in token response");
}

#[tokio::test]
async fn unknown_kid_triggers_one_refetch() {
    let env = setup().await;
    let (auth, code) = env.login().await;
    env.finish(&auth, &code).await.unwrap();
    assert_eq!(env.fake.jwks_hits(), 1);

    // A kid the provider never published: exactly one refetch, then refused.
    env.fake.next_kid("no-such-kid");
    assert_eq!(reason(&env.login_err().await), "unknown signing key (kid)");
    assert_eq!(env.fake.jwks_hits(), 2);

    // Key rotation: the new kid is unknown to the cache, one refetch finds it.
    let old_kid = env.fake.current_kid();
    env.fake.rotate_key().await;
    assert_ne!(env.fake.current_kid(), old_kid);
    let (auth, code) = env.login().await;
    env.finish(&auth, &code).await.expect("login with rotated key");
    assert_eq!(env.fake.jwks_hits(), 3);

    // Cached again afterwards.
    let (auth, code) = env.login().await;
    env.finish(&auth, &code).await.unwrap();
    assert_eq!(env.fake.jwks_hits(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_logins_share_one_jwks_fetch() {
    let env = setup().await;
    let (a1, c1) = env.login().await;
    let (a2, c2) = env.login().await;
    let (a3, c3) = env.login().await;
    let (r1, r2, r3) = tokio::join!(env.finish(&a1, &c1), env.finish(&a2, &c2), env.finish(&a3, &c3));
    r1.unwrap();
    r2.unwrap();
    r3.unwrap();
    assert_eq!(env.fake.jwks_hits(), 1);
}

#[tokio::test]
async fn token_endpoint_failures() {
    let env = setup().await;
    env.fake.fail_next_token(503, "temporarily_unavailable");
    let err = env.login_err().await;
    assert!(matches!(&err, OidcError::TokenExchange { status: 503, error: Some(e) } if e == "temporarily_unavailable"), "{err:?}");

    // Wrong client secret.
    let (auth, code) = env.login().await;
    let mut cfg = env.cfg.clone();
    cfg.client_secret = "not-the-secret".into();
    let err = google::finish(&cfg, &env.http, &env.jwks, &code, &auth.pkce_verifier, &auth.nonce).await.unwrap_err();
    assert!(matches!(&err, OidcError::TokenExchange { status: 401, .. }), "{err:?}");
    assert!(!err.to_string().contains("not-the-secret"));

    // Nothing listening.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let (auth, code) = env.login().await;
    let mut cfg = env.cfg.clone();
    cfg.token_endpoint = format!("http://{addr}/token");
    let err = google::finish(&cfg, &env.http, &env.jwks, &code, &auth.pkce_verifier, &auth.nonce).await.unwrap_err();
    assert!(matches!(err, OidcError::TokenRequest(_)), "{err:?}");
}

#[tokio::test]
async fn jwks_unreachable_is_reported() {
    let env = setup().await;
    let mut cfg = env.cfg.clone();
    cfg.jwks_uri = format!("{}/no-such-path", env.fake.base_url);
    let (auth, code) = env.login().await;
    let err = google::finish(&cfg, &env.http, &env.jwks, &code, &auth.pkce_verifier, &auth.nonce).await.unwrap_err();
    assert!(matches!(&err, OidcError::Jwks(m) if m == "HTTP 404"), "{err:?}");
}

#[tokio::test]
async fn authorize_validates_request() {
    let env = setup().await;
    let auth = google::start(&env.cfg);

    let bad_client = auth.url.replace("client_id=fake-client-id.apps.test", "client_id=other");
    assert!(env.fake.authorize(&bad_client).await.unwrap_err().contains("400"));

    let mut cfg = env.cfg.clone();
    cfg.redirect_uri = "http://127.0.0.1:9/not-registered".into();
    let unregistered = google::start(&cfg);
    assert!(env.fake.authorize(&unregistered.url).await.unwrap_err().contains("400"));

    let plain = auth.url.replace("code_challenge_method=S256", "code_challenge_method=plain");
    let r = env.fake.authorize(&plain).await.unwrap();
    assert_eq!(r.error.as_deref(), Some("invalid_request"));
    assert_eq!(r.code, None);
    assert_eq!(r.state.as_deref(), Some(auth.state.as_str()));

    env.fake.next_authorize_error("access_denied");
    let r = env.fake.authorize(&auth.url).await.unwrap();
    assert_eq!(r.error.as_deref(), Some("access_denied"));
}

#[tokio::test]
async fn config_from_env_vars_points_at_fake() {
    let env = setup().await;
    let vars = env.fake.env_vars();
    let cfg = OidcConfig::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()), "http://127.0.0.1:9/").unwrap().expect("configured");
    assert_eq!(cfg.redirect_uri, REDIRECT);
    assert_eq!(cfg, env.cfg);

    let discovery: serde_json::Value =
        env.http.get(format!("{}/.well-known/openid-configuration", env.fake.base_url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(discovery["issuer"], env.fake.issuer);
    assert_eq!(discovery["token_endpoint"], cfg.token_endpoint);
    assert_eq!(discovery["jwks_uri"], cfg.jwks_uri);
}
