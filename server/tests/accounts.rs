//! M01 Accounts and security, over real HTTP: sign-up and e-mail verification, sign-in and
//! its rate limit, password reset and change, profile, sessions, TOTP, refresh-token
//! rotation and reuse detection, access-token checks, the Origin check, the security log,
//! Sign in with Google and `SUPER_ADMIN_EMAIL`.
//!
//! Every test runs its own server on its own database, with its own SMTP sink (the job
//! worker delivers mail to it) and, for Google, its own fake OpenID provider.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use app::accounts::{AuthOptions, PlatformRole, SecurityEvent, SessionUser, SignInOutcome, SignUpOutcome, TotpSetup};
use app::AppError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::fake_oidc::{self, FakeProvider, FakeUser};
use common::web::*;
use common::*;
use mongodb::bson::{doc, DateTime, Document};

// The harness (Env, Browser, mail helpers, sign-up flows, PASSWORD, VERIFY_SUBJECT) lives in
// common/web.rs, shared with the other modules' tests.
const NEW_PASSWORD: &str = "purple elephant skates";
const WRONG_CREDENTIALS: &str = "The e-mail address or password is incorrect.";

const EXISTS_SUBJECT: &str = "You already have a Mewayz account";
const RESET_SUBJECT: &str = "Reset your Mewayz password";
const CHANGED_SUBJECT: &str = "Your Mewayz password was changed";

// ---------------------------------------------------------------- helpers

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

// ---------------------------------------------------------------- 1. sign-up

#[tokio::test]
async fn sign_up_sends_a_link_and_only_a_verified_address_can_sign_in() {
    let env = start("signup_verify", &[]).await;
    let b = env.browser();
    let email = "ana@example.com";

    let out: SignUpOutcome = b.ok("sign_up", &[("name", "Ana Lima"), ("email", " Ana@Example.com "), ("password", PASSWORD)]).await;
    assert!(out.email_configured);
    let first = nth_mail(&env.sink, email, VERIFY_SUBJECT, 1).await;
    assert!(first.to_header().unwrap().contains(email), "{:?}", first.to_header());
    assert!(first.links().iter().any(|l| l.contains("/verify-email?token=")), "{:?}", first.links());
    assert!(!env.user_doc(email).await.get_bool("email_verified").unwrap());

    // Before verifying: refused on `email`, no session, and a fresh link is on its way.
    let err = b.fails("sign_in", &[("email", email), ("password", PASSWORD)], 422).await;
    let msg = err.field_message("email").expect("a message on email");
    assert!(msg.contains("Confirm your e-mail address"), "{msg}");
    assert_eq!(b.me().await, None);
    assert_eq!(b.cookie("mw_at", "/"), None);
    let second = nth_mail(&env.sink, email, VERIFY_SUBJECT, 2).await;
    assert_ne!(link_token(&first), link_token(&second), "the new mail carries a new link");
    // Asking for one more works the same way; an unknown address answers alike.
    b.ok::<()>("resend_verification", &[("email", email)]).await;
    b.ok::<()>("resend_verification", &[("email", "nobody@example.com")]).await;
    let third = nth_mail(&env.sink, email, VERIFY_SUBJECT, 3).await;
    assert_ne!(link_token(&third), link_token(&second));

    // A made-up token is refused on `token`.
    let err = b.fails("verify_email", &[("token", "not-a-real-token")], 422).await;
    assert!(err.field_message("token").unwrap().contains("not valid"), "{err:?}");

    b.ok::<()>("verify_email", &[("token", &link_token(&second))]).await;
    let err = b.fails("verify_email", &[("token", &link_token(&second))], 422).await;
    assert!(err.field_message("token").unwrap().contains("already been used"), "{err:?}");

    let outcome = b.sign_in(" ANA@example.com", PASSWORD).await;
    let SignInOutcome::SignedIn(user) = outcome else { panic!("{outcome:?}") };
    assert_eq!((user.email.as_str(), user.name.as_str(), user.email_verified), (email, "Ana Lima", true));
    assert_eq!(user.role, PlatformRole::User);
    assert_eq!(b.me().await, Some(user));
    assert_eq!(env.event_kinds(email).await, ["sign_up", "email_verified", "sign_in"]);

    // A verified address gets no more links.
    b.ok::<()>("resend_verification", &[("email", email)]).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(mails(&env.sink, email, VERIFY_SUBJECT).len(), 3);
    assert!(mails(&env.sink, "nobody@example.com", "").is_empty());
}

#[tokio::test]
async fn sign_up_refuses_bad_input_clearly_and_creates_no_user() {
    let env = start("signup_bad_input", &[]).await;
    let b = env.browser();
    let sign_up = |name: String, email: String, password: String| {
        let b = b.clone();
        async move { b.post("sign_up", &[("name", &name), ("email", &email), ("password", &password)]).await }
    };
    let refused = |res: reqwest::Response, what: &'static str| async move {
        let err = expect_error(res, 422, what).await;
        assert!(matches!(err, AppError::Validation { .. }), "{what}: {err:?}");
        assert!(!err.to_string().trim().is_empty(), "{what}: no message");
        err
    };
    let s = |v: &str| v.to_string();

    // Password rules.
    let err = refused(sign_up(s("Ana"), s("ana@example.com"), s("short1!")).await, "short password").await;
    assert_eq!(err.field_message("password").as_deref(), Some("Use at least 10 characters."));
    let err = refused(sign_up(s("Ana"), s("ana@example.com"), s("password123")).await, "common password").await;
    assert!(err.field_message("password").unwrap().contains("too common"), "{err:?}");
    let err = refused(sign_up(s("Ana"), s("anastasia@example.com"), s("anastasia-1990!")).await, "password with the address").await;
    assert!(err.field_message("password").unwrap().contains("e-mail address"), "{err:?}");

    // Malformed address, huge name.
    let err = refused(sign_up(s("Ana"), s("not-an-address"), s(PASSWORD)).await, "malformed e-mail").await;
    assert_eq!(err.field_message("email").as_deref(), Some("Enter an e-mail address like name@example.com."));
    let err = refused(sign_up("n".repeat(10_000), s("ana@example.com"), s(PASSWORD)).await, "10 000-character name").await;
    assert!(err.field_message("name").unwrap().contains("at most 80"), "{err:?}");

    // Unicode: a full-width at sign, a no-break space in the domain, a control character in the name.
    for bad in ["ana＠example.com", "ana@exa\u{a0}mple.com"] {
        let err = refused(sign_up(s("Ana"), s(bad), s(PASSWORD)).await, "unicode e-mail").await;
        assert!(err.field_message("email").is_some(), "{bad}: {err:?}");
    }
    let err = refused(sign_up(s("Ana\u{7}\u{202e}"), s("ana@example.com"), s(PASSWORD)).await, "control char").await;
    assert!(err.field_message("name").is_some(), "{err:?}");

    // Operator-shaped input: a `[$gt]` key, and an operator document as the value.
    let res = b.post("sign_up", &[("name", "Ana"), ("email[$gt]", ""), ("password", PASSWORD)]).await;
    refused(res, "email[$gt] key").await;
    let err = refused(sign_up(s("Ana"), s(r#"{"$gt": ""}"#), s(PASSWORD)).await, "operator value").await;
    assert!(err.field_message("email").is_some(), "{err:?}");
    let res = b.post("sign_up", &[("name", "Ana"), ("email", "ana@example.com"), ("password[$ne]", "")]).await;
    refused(res, "password[$ne] key").await;

    assert_eq!(env.users().await, 0, "a refused sign-up stored a user");
    assert!(env.sink.messages().is_empty());

    // Good unicode input is kept exactly.
    let out: SignUpOutcome = b.ok("sign_up", &[("name", "Zoë 李"), ("email", "zoe@example.com"), ("password", "ünïcødé pässwörd ✓")]).await;
    assert!(out.email_configured);
    assert_eq!(env.users().await, 1);
    assert_eq!(env.user_doc("zoe@example.com").await.get_str("name").unwrap(), "Zoë 李");
    let mail = nth_mail(&env.sink, "zoe@example.com", VERIFY_SUBJECT, 1).await;
    b.ok::<()>("verify_email", &[("token", &link_token(&mail))]).await;
    assert!(is_verified_sign_in(&b.sign_in("zoe@example.com", "ünïcødé pässwörd ✓").await, "zoe@example.com"));
}

// ---------------------------------------------------------------- 2. existing address

#[tokio::test]
async fn sign_up_with_a_taken_address_looks_the_same_and_mails_the_owner() {
    let env = start("signup_taken", &[]).await;
    let owner = "owner@example.com";
    create_verified(&env, owner, PASSWORD).await;
    let anon = env.browser();

    let fresh = anon.post("sign_up", &[("name", "Newcomer"), ("email", "newcomer@example.com"), ("password", NEW_PASSWORD)]).await;
    let (fresh_status, fresh_body) = (fresh.status(), fresh.bytes().await.unwrap());
    let taken = anon.post("sign_up", &[("name", "Intruder"), ("email", "Owner@Example.com"), ("password", NEW_PASSWORD)]).await;
    let (taken_status, taken_body) = (taken.status(), taken.bytes().await.unwrap());
    assert_eq!(fresh_status, 200);
    assert_eq!((taken_status, &taken_body), (fresh_status, &fresh_body), "the answers differ, so they reveal the account");

    // The owner is told by e-mail, with a sign-in link and no verification token.
    let notice = nth_mail(&env.sink, owner, EXISTS_SUBJECT, 1).await;
    assert!(notice.links().iter().any(|l| l.ends_with("/login")), "{:?}", notice.links());
    assert!(notice.links().iter().all(|l| !l.contains("token=")), "{:?}", notice.links());
    nth_mail(&env.sink, "newcomer@example.com", VERIFY_SUBJECT, 1).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(mails(&env.sink, owner, VERIFY_SUBJECT).len(), 1, "the owner got a second verification link");

    // Nothing about the account changed.
    assert_eq!(env.users().await, 2);
    let doc = env.user_doc(owner).await;
    assert_eq!(doc.get_str("name").unwrap(), "Test Person");
    anon.fails("sign_in", &[("email", owner), ("password", NEW_PASSWORD)], 422).await;
    assert!(is_verified_sign_in(&anon.sign_in(owner, PASSWORD).await, owner));
}

// ---------------------------------------------------------------- 3. sign-in and sign-out

#[tokio::test]
async fn sign_in_failures_are_generic_and_sign_out_ends_sessions() {
    let env = start("signin_signout", &[]).await;
    let email = "bruno@example.com";
    let b = sign_up_and_verify(&env, email, PASSWORD).await;
    let anon = env.browser();

    let wrong = anon.fails("sign_in", &[("email", email), ("password", "not my password at all")], 422).await;
    assert_eq!(wrong.field_message("password").as_deref(), Some(WRONG_CREDENTIALS));
    assert_eq!(wrong.field_message("email"), None, "the error must not point at the address");
    let unknown = anon.fails("sign_in", &[("email", "nobody@example.com"), ("password", PASSWORD)], 422).await;
    assert_eq!(unknown, wrong, "an unknown address answers exactly like a wrong password");
    let empty = anon.fails("sign_in", &[("email", email), ("password", "")], 422).await;
    assert!(empty.field_message("password").is_some());
    assert_eq!(anon.me().await, None);
    assert_eq!(env.event_kinds(email).await.iter().filter(|k| *k == "sign_in_failed").count(), 1);

    // Sign out: this browser is signed out, its session row is revoked.
    assert!(b.me().await.is_some());
    b.ok::<()>("sign_out", &[]).await;
    assert_eq!(b.me().await, None);
    assert_eq!(b.cookie("mw_at", "/"), None, "the access cookie was not cleared");
    assert_eq!(env.count("sessions", doc! { "revoked_at": null }).await, 0);

    // Sign out everywhere ends both browsers' sessions.
    let one = signed_in(&env, email, PASSWORD).await;
    let two = signed_in(&env, email, PASSWORD).await;
    let n: u64 = one.ok("sign_out_everywhere", &[]).await;
    assert_eq!(n, 2);
    assert_eq!(one.me().await, None);
    assert_eq!(two.me().await, None);
    two.fails("list_sessions", &[], 401).await;
    one.fails("sign_out_everywhere", &[], 401).await;
}

// ---------------------------------------------------------------- 4. rate limit

/// The header the throttling tests' servers take the client's address from.
const CLIENT_IP: &str = "x-test-client";

/// A browser whose requests come from `address` (through `CLIENT_IP_HEADER`).
fn browser_from(env: &Env, address: &str) -> Browser {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(CLIENT_IP, address.parse().unwrap());
    let http = reqwest::Client::builder().cookie_provider(jar.clone()).default_headers(headers).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Browser { http, jar, base: env.srv.base.clone() }
}

/// A sign-in refused by a limit: its `retry_after_secs`, checked against `Retry-After`.
async fn refused(b: &Browser, email: &str, password: &str, what: &str) -> u64 {
    let res = b.post("sign_in", &[("email", email), ("password", password)]).await;
    let header: Option<u64> = res.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    let err = expect_error(res, 429, what).await;
    let AppError::RateLimited { retry_after_secs } = err else { panic!("{what}: {err:?}") };
    assert_eq!(header, Some(retry_after_secs), "{what}: Retry-After");
    retry_after_secs
}

async fn wrong_password(b: &Browser, email: &str, what: &str) {
    let err = b.fails("sign_in", &[("email", email), ("password", "a wrong guess at it")], 422).await;
    assert_eq!(err.field_message("password").as_deref(), Some(WRONG_CREDENTIALS), "{what}");
}

/// Waits, when fewer than 60 s are left of the current fixed window of `window_secs`, for
/// the next one: attempts that straddle two windows would split their count.
async fn early_in_window(window_secs: u64) {
    let into = unix_now() % window_secs;
    if into > window_secs - 60 {
        tokio::time::sleep(Duration::from_secs(window_secs - into + 1)).await;
    }
}

#[tokio::test]
async fn wrong_passwords_from_one_address_slow_that_address_down_but_never_lock_the_owner_out() {
    let env = start("signin_throttle", &[("CLIENT_IP_HEADER", CLIENT_IP)]).await;
    let email = "carla@example.com";
    create_verified(&env, email, PASSWORD).await;
    let attacker = browser_from(&env, "198.51.100.7");
    let owner = browser_from(&env, "203.0.113.20");

    // Twelve wrong passwords from address A.
    let mut answers = vec![];
    for _ in 1..=12 {
        let res = attacker.post("sign_in", &[("email", email), ("password", "a wrong guess at it")]).await;
        let status = res.status().as_u16();
        answers.push((status, serde_json::from_slice::<AppError>(&res.bytes().await.unwrap()).unwrap()));
    }
    // The owner, from their own address, signs in at once.
    let res = owner.post("sign_in", &[("email", email), ("password", PASSWORD)]).await;
    let (status, body) = (res.status().as_u16(), res.bytes().await.unwrap());
    assert_eq!(status, 200, "the owner is locked out by another address's failures: {}", String::from_utf8_lossy(&body));
    let outcome: SignInOutcome = serde_json::from_slice(&body).unwrap();
    assert!(is_verified_sign_in(&outcome, email), "{outcome:?}");
    assert!(owner.me().await.is_some());

    // A: the first six wrong passwords are answered (typos happen), then A has to wait.
    for (i, (status, err)) in answers.iter().enumerate().take(6) {
        assert_eq!((*status, err.field_message("password").as_deref()), (422, Some(WRONG_CREDENTIALS)), "attempt {}", i + 1);
    }
    let first_waits: Vec<Option<u64>> = answers[6..]
        .iter()
        .map(|(status, err)| match (status, err) {
            (429, AppError::RateLimited { retry_after_secs }) => Some(*retry_after_secs),
            _ => None,
        })
        .collect();
    assert!(first_waits.iter().all(|w| *w == Some(1)), "after 6 failures A waits 1 s: {first_waits:?}");
    // While it waits, even the right password from A is refused (no oracle).
    refused(&attacker, email, PASSWORD, "the right password from A while it waits").await;
    // The same address in another spelling is the same account.
    refused(&attacker, " CARLA@example.com", PASSWORD, "another spelling").await;

    // A's wait doubles with every further failure: 1 s, 2 s, 4 s.
    let mut waits = vec![1];
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_secs(*waits.last().unwrap()) + Duration::from_millis(150)).await;
        wrong_password(&attacker, email, "after the wait").await;
        waits.push(refused(&attacker, email, "a wrong guess", "right after that failure").await);
    }
    assert_eq!(waits, [1, 2, 4], "the retry time grows");

    // Once the wait is over, the right password from A works and clears A's failures.
    tokio::time::sleep(Duration::from_secs(4) + Duration::from_millis(150)).await;
    assert!(is_verified_sign_in(&attacker.sign_in(email, PASSWORD).await, email));
    wrong_password(&attacker, email, "a typo after a good sign-in is answered at once").await;

    // An address with no account is throttled exactly alike, so the answers tell nothing.
    for i in 1..=6 {
        let err = attacker.fails("sign_in", &[("email", "nobody@example.com"), ("password", "a wrong guess at it")], 422).await;
        assert_eq!(err.field_message("password").as_deref(), Some(WRONG_CREDENTIALS), "unknown address, attempt {i}");
    }
    assert_eq!(refused(&attacker, "nobody@example.com", "a wrong guess at it", "unknown address, attempt 7").await, 1);
    assert_eq!(env.event_kinds(email).await.iter().filter(|k| *k == "sign_in_failed").count(), 9);
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_limited_across_them() {
    early_in_window(15 * 60).await;
    let env = start("signin_stuffing", &[("CLIENT_IP_HEADER", CLIENT_IP)]).await;
    create_verified(&env, "dora@example.com", PASSWORD).await;
    let stuffer = browser_from(&env, "198.51.100.66");
    // 30 attempts in 15 minutes from one address, at 30 different accounts, one guess each.
    for i in 1..=30 {
        wrong_password(&stuffer, &format!("person{i}@example.com"), &format!("account {i}")).await;
    }
    let wait = refused(&stuffer, "dora@example.com", PASSWORD, "the 31st attempt from that address").await;
    assert!(wait > 0 && wait <= 15 * 60, "{wait}");
    // Other addresses are not affected.
    signed_in(&env, "dora@example.com", PASSWORD).await;
}

#[tokio::test]
async fn many_addresses_guessing_one_account_hit_its_ceiling_but_its_usual_address_still_gets_in() {
    early_in_window(60 * 60).await;
    let env = start("signin_ceiling", &[("CLIENT_IP_HEADER", CLIENT_IP)]).await;
    let email = "elio@example.com";
    create_verified(&env, email, PASSWORD).await;
    // The owner has signed in from home before.
    let home = browser_from(&env, "203.0.113.5");
    assert!(is_verified_sign_in(&home.sign_in(email, PASSWORD).await, email));
    home.ok::<()>("sign_out", &[]).await;

    // 100 wrong passwords from 100 addresses (one each, so no pair and no address limit).
    for i in 0..100 {
        wrong_password(&browser_from(&env, &format!("192.0.2.{i}")), email, &format!("address {i}")).await;
    }
    // Now an address the account has never used is refused, even with the right password.
    let wait = refused(&browser_from(&env, "198.51.100.200"), email, PASSWORD, "a new address past the ceiling").await;
    assert!(wait > 0 && wait <= 60 * 60, "{wait}");
    // The owner at home still signs in.
    assert!(is_verified_sign_in(&home.sign_in(email, PASSWORD).await, email));
}

// ---------------------------------------------------------------- 5. password reset

#[tokio::test]
async fn password_reset_link_works_once_expires_and_revokes_every_session() {
    let env = start("password_reset", &[]).await;
    let email = "eva@example.com";
    let first = sign_up_and_verify(&env, email, PASSWORD).await;
    let second = signed_in(&env, email, PASSWORD).await;
    let anon = env.browser();

    // An unknown address answers the same, and nothing is sent.
    anon.ok::<()>("request_password_reset", &[("email", "nobody@example.com")]).await;
    anon.ok::<()>("request_password_reset", &[("email", email)]).await;
    let older = link_token(&nth_mail(&env.sink, email, RESET_SUBJECT, 1).await);
    anon.ok::<()>("request_password_reset", &[("email", email)]).await;
    let mail = nth_mail(&env.sink, email, RESET_SUBJECT, 2).await;
    assert!(mail.links().iter().any(|l| l.contains("/reset-password?token=")), "{:?}", mail.links());
    assert!(mails(&env.sink, "nobody@example.com", "").is_empty());
    let token = link_token(&mail);

    // A tampered token.
    let mut tampered = token.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let err = anon.fails("reset_password", &[("token", &tampered), ("password", NEW_PASSWORD)], 422).await;
    assert!(err.field_message("token").unwrap().contains("not valid"), "{err:?}");

    // A weak new password is refused without using up the link.
    let err = anon.fails("reset_password", &[("token", &token), ("password", "password123")], 422).await;
    assert!(err.field_message("password").is_some(), "{err:?}");

    anon.ok::<()>("reset_password", &[("token", &token), ("password", NEW_PASSWORD)]).await;
    let err = anon.fails("reset_password", &[("token", &token), ("password", "another fine passphrase")], 422).await;
    assert!(err.field_message("token").unwrap().contains("already been used"), "{err:?}");
    // The older link, still in the inbox, stopped working with the reset.
    let err = anon.fails("reset_password", &[("token", &older), ("password", "another fine passphrase")], 422).await;
    assert!(err.field_message("token").unwrap().contains("already been used"), "{err:?}");

    // Every earlier session is over; the old password fails, the new one works.
    assert_eq!(first.me().await, None);
    assert_eq!(second.me().await, None);
    let err = anon.fails("sign_in", &[("email", email), ("password", PASSWORD)], 422).await;
    assert_eq!(err.field_message("password").as_deref(), Some(WRONG_CREDENTIALS));
    signed_in(&env, email, NEW_PASSWORD).await;

    // An expired link.
    anon.ok::<()>("request_password_reset", &[("email", email)]).await;
    let expired = link_token(&nth_mail(&env.sink, email, RESET_SUBJECT, 3).await);
    let past = DateTime::from_millis(DateTime::now().timestamp_millis() - 60_000);
    let r = env
        .srv
        .db()
        .await
        .collection::<Document>("one_time_tokens")
        .update_many(doc! { "kind": "reset_password", "used_at": null }, doc! { "$set": { "expires_at": past } })
        .await
        .unwrap();
    assert_eq!(r.modified_count, 1);
    let err = anon.fails("reset_password", &[("token", &expired), ("password", "another fine passphrase")], 422).await;
    assert!(err.field_message("token").unwrap().contains("expired"), "{err:?}");
    signed_in(&env, email, NEW_PASSWORD).await;
    assert!(env.event_kinds(email).await.contains(&"password_reset".to_string()));
}

/// The password-reset jobs, oldest first.
async fn reset_jobs(env: &Env) -> Vec<Document> {
    let db = env.srv.db().await;
    let mut c = db.collection::<Document>("jobs").find(doc! { "kind": "accounts.password_reset" }).sort(doc! { "created_at": 1 }).await.unwrap();
    let mut out = vec![];
    while c.advance().await.unwrap() {
        out.push(c.deserialize_current().unwrap());
    }
    out
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::test]
async fn a_reset_request_answers_and_works_the_same_whether_or_not_the_address_has_an_account() {
    let env = start("reset_uniform", &[("CLIENT_IP_HEADER", CLIENT_IP)]).await;
    // 16 accounts, each signed up from an address of its own (sign-ups are limited per address).
    let emails: Vec<String> = (0..16).map(|i| format!("gil{i}@example.com")).collect();
    for (i, email) in emails.iter().enumerate() {
        let out: SignUpOutcome =
            browser_from(&env, &format!("203.0.113.{i}")).ok("sign_up", &[("name", "Gil Reset"), ("email", email), ("password", PASSWORD)]).await;
        assert!(out.email_configured);
    }
    let (mut with_account, mut without) = (vec![], vec![]);
    for (i, email) in emails.iter().enumerate() {
        let nobody = format!("nobody{i}@example.com");
        // Each request from its own address, so the limits are the same for both.
        let (known, unknown) = (browser_from(&env, &format!("198.51.100.{i}")), browser_from(&env, &format!("198.51.100.{}", 100 + i)));
        let jobs_before = reset_jobs(&env).await;
        let started = std::time::Instant::now();
        let a = known.call("request_password_reset", &[("email", email)]).await;
        with_account.push(started.elapsed());
        let jobs_between = reset_jobs(&env).await;
        let started = std::time::Instant::now();
        let b = unknown.call("request_password_reset", &[("email", &nobody)]).await;
        without.push(started.elapsed());
        let jobs_after = reset_jobs(&env).await;

        // The same answer, byte for byte.
        assert_eq!(a.0, 200, "{}", String::from_utf8_lossy(&a.1));
        assert_eq!(a, b, "the answers differ for an address with and without an account");
        // The same work on the request path: one job each, of the same shape.
        assert_eq!(jobs_between.len(), jobs_before.len() + 1, "the request for an account did not enqueue exactly one job");
        assert_eq!(jobs_after.len(), jobs_before.len() + 2, "the request for an unknown address did not enqueue exactly one job");
        let new_in = |jobs: &[Document], since: &[Document]| -> Document {
            let old: Vec<&str> = since.iter().map(|j| j.get_str("_id").unwrap()).collect();
            jobs.iter().find(|j| !old.contains(&j.get_str("_id").unwrap())).cloned().unwrap()
        };
        let (ja, jb) = (new_in(&jobs_between, &jobs_before), new_in(&jobs_after, &jobs_between));
        assert_eq!(ja.get_document("payload").unwrap().keys().collect::<Vec<_>>(), jb.get_document("payload").unwrap().keys().collect::<Vec<_>>());
        assert_eq!(ja.get_document("payload").unwrap().get_str("email").unwrap(), email);
        assert_eq!(jb.get_document("payload").unwrap().get_str("email").unwrap(), nobody);
    }
    eprintln!("request_password_reset, median of 16 pairs: with an account {:?}, without {:?}", median(with_account), median(without));

    // The jobs decide: a link for every account, nothing for the others.
    for email in &emails {
        let mail = nth_mail(&env.sink, email, RESET_SUBJECT, 1).await;
        assert!(mail.links().iter().any(|l| l.contains("/reset-password?token=")), "{:?}", mail.links());
    }
    env.jobs_settled().await;
    assert!(reset_jobs(&env).await.iter().all(|j| j.get_str("status").unwrap() == "done"), "{:?}", reset_jobs(&env).await);
    assert!(env.sink.messages().iter().all(|m| !m.recipients.iter().any(|r| r.starts_with("nobody"))), "a mail went to an address without an account");
    assert_eq!(env.count("one_time_tokens", doc! { "kind": "reset_password" }).await, 16);
}

// ---------------------------------------------------------------- 6. change password

#[tokio::test]
async fn change_password_needs_the_current_one_and_signs_out_other_devices() {
    let env = start("change_password", &[]).await;
    let email = "fabio@example.com";
    let here = sign_up_and_verify(&env, email, PASSWORD).await;
    let elsewhere = signed_in(&env, email, PASSWORD).await;

    let err = here.fails("change_password", &[("current_password", "not the password"), ("new_password", NEW_PASSWORD)], 422).await;
    assert!(err.field_message("current_password").is_some(), "{err:?}");
    let err = here.fails("change_password", &[("current_password", PASSWORD), ("new_password", "short")], 422).await;
    assert!(err.field_message("new_password").is_some(), "{err:?}");
    assert!(elsewhere.me().await.is_some(), "a refused change must not sign anyone out");
    env.browser().fails("change_password", &[("current_password", PASSWORD), ("new_password", NEW_PASSWORD)], 401).await;

    // A reset link asked for before the change...
    env.browser().ok::<()>("request_password_reset", &[("email", email)]).await;
    let reset = link_token(&nth_mail(&env.sink, email, RESET_SUBJECT, 1).await);

    here.ok::<()>("change_password", &[("current_password", PASSWORD), ("new_password", NEW_PASSWORD)]).await;
    assert!(here.me().await.is_some(), "this device stays signed in");
    // ...no longer works after it.
    let err = env.browser().fails("reset_password", &[("token", &reset), ("password", "another fine passphrase")], 422).await;
    assert!(err.field_message("token").is_some(), "{err:?}");
    assert_eq!(elsewhere.me().await, None, "other devices are signed out");
    assert_eq!(here.sessions().await.len(), 1);
    env.browser().fails("sign_in", &[("email", email), ("password", PASSWORD)], 422).await;
    signed_in(&env, email, NEW_PASSWORD).await;
    nth_mail(&env.sink, email, CHANGED_SUBJECT, 1).await;
}

// ---------------------------------------------------------------- 7. profile

#[tokio::test]
async fn profile_updates_persist_and_bad_values_name_their_field() {
    let env = start("profile", &[]).await;
    let email = "gina@example.com";
    let b = sign_up_and_verify(&env, email, PASSWORD).await;

    let u: SessionUser = b.ok("update_profile", &[("name", "  Gina Rossi "), ("locale", "fr"), ("time_zone", "Europe/Paris")]).await;
    assert_eq!((u.name.as_str(), u.locale.as_str(), u.time_zone.as_str()), ("Gina Rossi", "fr", "Europe/Paris"));
    assert_eq!(b.me().await, Some(u.clone()));
    let doc = env.user_doc(email).await;
    assert_eq!(doc.get_str("time_zone").unwrap(), "Europe/Paris");
    assert_eq!(doc.get_str("locale").unwrap(), "fr");

    for (form, field) in [
        ([("name", "Gina"), ("locale", "xx"), ("time_zone", "UTC")], "locale"),
        ([("name", "Gina"), ("locale", "en"), ("time_zone", "Mars/Olympus")], "time_zone"),
        ([("name", "   "), ("locale", "en"), ("time_zone", "UTC")], "name"),
    ] {
        let err = b.fails("update_profile", &form, 422).await;
        assert!(err.field_message(field).is_some(), "{field}: {err:?}");
        assert_eq!(b.me().await.as_ref(), Some(&u), "a refused update changed the profile");
    }
    env.browser().fails("update_profile", &[("name", "X"), ("locale", "en"), ("time_zone", "UTC")], 401).await;
}

#[tokio::test]
async fn a_profile_save_from_an_older_version_is_refused_with_the_current_profile() {
    let env = start("profile_version", &[]).await;
    let email = "hugo@example.com";
    let phone = sign_up_and_verify(&env, email, PASSWORD).await;
    let laptop = signed_in(&env, email, PASSWORD).await;
    let start_version = phone.me().await.unwrap().version;

    // Both devices loaded the same version; the phone saves first.
    let v = start_version.to_string();
    let saved: SessionUser = phone.ok("update_profile", &[("name", "Hugo on the phone"), ("locale", "en"), ("time_zone", "UTC"), ("version", &v)]).await;
    assert_eq!(saved.version, start_version + 1);

    // The laptop's save carries the old version: refused, with the phone's profile inside.
    let err = laptop.fails("update_profile", &[("name", "Hugo on the laptop"), ("locale", "fr"), ("time_zone", "UTC"), ("version", &v)], 409).await;
    let AppError::Conflict { current } = err else { panic!("expected a conflict, got {err:?}") };
    let current: SessionUser = serde_json::from_value(current).unwrap();
    assert_eq!(current.name, "Hugo on the phone");
    assert_eq!(current.version, start_version + 1);
    assert_eq!(env.user_doc(email).await.get_str("name").unwrap(), "Hugo on the phone", "nothing was overwritten");

    // Saving over the version it now knows works.
    let nv = current.version.to_string();
    let saved: SessionUser = laptop.ok("update_profile", &[("name", "Hugo on the laptop"), ("locale", "fr"), ("time_zone", "UTC"), ("version", &nv)]).await;
    assert_eq!((saved.name.as_str(), saved.version), ("Hugo on the laptop", start_version + 2));
}

// ---------------------------------------------------------------- 8. sessions

#[tokio::test]
async fn sessions_are_listed_and_can_be_revoked_but_only_ones_own() {
    let env = start("sessions", &[]).await;
    let a = sign_up_and_verify(&env, "hugo@example.com", PASSWORD).await;
    let b = signed_in(&env, "hugo@example.com", PASSWORD).await;

    let from_a = a.sessions().await;
    let from_b = b.sessions().await;
    assert_eq!(from_a.len(), 2);
    assert_eq!(from_a.iter().filter(|s| s.current).count(), 1);
    assert_eq!(from_b.iter().filter(|s| s.current).count(), 1);
    let a_sid = from_a.iter().find(|s| s.current).unwrap().id.clone();
    let b_sid = from_b.iter().find(|s| s.current).unwrap().id.clone();
    assert_ne!(a_sid, b_sid, "each browser sees its own session as current");
    assert!(from_a.iter().all(|s| s.ip == "127.0.0.1"), "{from_a:?}");

    // Someone else's session cannot be touched: 404, and it goes on.
    let other = sign_up_and_verify(&env, "iris@example.com", PASSWORD).await;
    let other_sid = other.sessions().await[0].id.clone();
    let err = a.fails("revoke_session", &[("session_id", &other_sid)], 404).await;
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    assert!(other.me().await.is_some());
    assert_eq!(other.sessions().await.len(), 1);
    assert_eq!(a.sessions().await.len(), 2);

    a.ok::<()>("revoke_session", &[("session_id", &b_sid)]).await;
    assert_eq!(b.me().await, None);
    assert!(a.me().await.is_some());
    let left = a.sessions().await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, a_sid);
    a.fails("revoke_session", &[("session_id", &b_sid)], 404).await;
    env.browser().fails("list_sessions", &[], 401).await;
}

// ---------------------------------------------------------------- 9. TOTP

/// Turns two-factor on for the signed-in browser: returns the secret and the recovery codes.
async fn enable_totp(env: &Env, b: &Browser) -> (String, Vec<String>) {
    let setup: TotpSetup = b.ok("totp_begin", &[]).await;
    assert!(setup.otpauth_url.starts_with("otpauth://totp/"), "{}", setup.otpauth_url);
    assert!(setup.qr_svg.contains("<svg"));
    let code = app::accounts::totp::code_at(&setup.secret, unix_now()).unwrap();
    let codes: Vec<String> = b.ok("totp_confirm", &[("code", &code)]).await;
    assert_eq!(codes.len(), 10);
    assert!(b.me().await.unwrap().totp_enabled);
    let doc = env.user_doc(&b.me().await.unwrap().email).await;
    assert!(doc.get_document("totp").is_ok());
    (setup.secret, codes)
}

/// The code the authenticator shows for the step after the last accepted one.
async fn next_code(env: &Env, email: &str, secret: &str) -> String {
    let last = env.user_doc(email).await.get_document("totp").unwrap().get_i64("last_step").unwrap();
    app::accounts::totp::code_at(secret, (last as u64 + 1) * 30).unwrap()
}

/// A six-digit code that matches none of the steps around now.
fn wrong_code(secret: &str) -> String {
    let now = unix_now();
    let near: Vec<String> = (0..6).map(|i| app::accounts::totp::code_at(secret, now + i * 30 - 60).unwrap()).collect();
    (0..10).map(|d| d.to_string().repeat(6)).find(|c| !near.contains(c)).unwrap()
}

async fn challenge(env: &Env, email: &str) -> (Browser, String) {
    let b = env.browser();
    match b.sign_in(email, PASSWORD).await {
        SignInOutcome::NeedsSecondFactor { challenge } => {
            assert_eq!(b.me().await, None, "no session before the second factor");
            (b, challenge)
        }
        other => panic!("expected a second-factor challenge, got {other:?}"),
    }
}

#[tokio::test]
async fn totp_sign_in_needs_the_current_code_and_never_accepts_it_twice() {
    let env = start("totp_sign_in", &[]).await;
    let email = "jana@example.com";
    let b = sign_up_and_verify(&env, email, PASSWORD).await;
    let (secret, _) = enable_totp(&env, &b).await;

    let (c, ch) = challenge(&env, email).await;
    let err = c.fails("sign_in_second_factor", &[("challenge", &ch), ("code", &wrong_code(&secret))], 422).await;
    assert!(err.field_message("code").is_some(), "{err:?}");
    assert_eq!(c.me().await, None);

    let code = next_code(&env, email, &secret).await;
    let user: SessionUser = c.ok("sign_in_second_factor", &[("challenge", &ch), ("code", &code)]).await;
    assert_eq!(user.email, email);
    assert!(user.totp_enabled);
    assert_eq!(c.me().await.map(|u| u.email), Some(email.to_string()));
    // The challenge is spent.
    c.fails("sign_in_second_factor", &[("challenge", &ch), ("code", &code)], 422).await;

    // Replay: the same code, on a new sign-in, is refused.
    let (d, ch2) = challenge(&env, email).await;
    let err = d.fails("sign_in_second_factor", &[("challenge", &ch2), ("code", &code)], 422).await;
    assert!(err.field_message("code").is_some(), "{err:?}");
    assert_eq!(d.me().await, None);
    let kinds = env.event_kinds(email).await;
    assert_eq!(kinds.iter().filter(|k| *k == "second_factor_failed").count(), 2, "{kinds:?}");
}

#[tokio::test]
async fn totp_recovery_codes_work_once() {
    let env = start("totp_recovery", &[]).await;
    let email = "kai@example.com";
    let b = sign_up_and_verify(&env, email, PASSWORD).await;
    let (_, codes) = enable_totp(&env, &b).await;

    let (c, ch) = challenge(&env, email).await;
    // Typed in capitals and with spaces, as people do.
    let typed = codes[3].to_uppercase().replace('-', " ");
    let user: SessionUser = c.ok("sign_in_second_factor", &[("challenge", &ch), ("code", &typed)]).await;
    assert_eq!(user.email, email);
    assert!(c.me().await.is_some());

    let (d, ch2) = challenge(&env, email).await;
    let err = d.fails("sign_in_second_factor", &[("challenge", &ch2), ("code", &codes[3])], 422).await;
    assert!(err.field_message("code").is_some(), "{err:?}");
    assert_eq!(d.me().await, None);
    let log: Vec<SecurityEvent> = c.ok("security_log", &[]).await;
    let newest: Vec<&str> = log.iter().take(3).map(|e| e.kind.as_str()).collect();
    assert_eq!(newest, ["second_factor_failed", "recovery_code_used", "sign_in"], "{log:?}");
}

#[tokio::test]
async fn totp_disable_needs_the_password_and_a_code() {
    let env = start("totp_disable", &[]).await;
    let email = "lea@example.com";
    let b = sign_up_and_verify(&env, email, PASSWORD).await;
    let (secret, _) = enable_totp(&env, &b).await;

    let code = next_code(&env, email, &secret).await;
    let err = b.fails("totp_disable", &[("password", "not the password"), ("code", &code)], 422).await;
    assert!(err.field_message("password").is_some(), "{err:?}");
    assert!(b.me().await.unwrap().totp_enabled, "still on after a refused disable");

    b.ok::<()>("totp_disable", &[("password", PASSWORD), ("code", &code)]).await;
    assert!(!b.me().await.unwrap().totp_enabled);
    // Signing in needs no second factor any more.
    signed_in(&env, email, PASSWORD).await;
    let kinds = env.event_kinds(email).await;
    assert!(kinds.contains(&"mfa_disabled".to_string()), "{kinds:?}");
}

// ---------------------------------------------------------------- 10. refresh tokens

#[tokio::test]
async fn expired_access_is_refreshed_with_rotation_and_a_replayed_refresh_token_ends_the_session() {
    let env = start("refresh", &[("ACCESS_TOKEN_TTL_SECS", "5"), ("REFRESH_REUSE_GRACE_SECS", "0")]).await;
    let email = "mia@example.com";
    let a = sign_up_and_verify(&env, email, PASSWORD).await;
    let rt_before = a.cookie("mw_rt", "/api/current_user").expect("refresh cookie on /api");
    assert!(a.cookie("mw_at", "/").is_some());
    assert_eq!(a.cookie("mw_rt", "/"), None, "the refresh cookie is only sent to /api");

    // Wait for the access token (and its cookie) to expire.
    tokio::time::sleep(Duration::from_millis(5_600)).await;
    assert_eq!(a.cookie("mw_at", "/"), None, "the access cookie should have expired");
    assert_eq!(a.me().await.map(|u| u.email), Some(email.to_string()), "refresh did not keep the session");
    let rt_after = a.cookie("mw_rt", "/api/current_user").unwrap();
    assert_ne!(rt_after, rt_before, "the refresh token was not rotated");
    assert!(a.cookie("mw_at", "/").is_some(), "a new access token was not set");

    // A thief replays the old refresh token: refused, and the whole session ends.
    let thief = env.browser();
    thief.set_cookie(&format!("mw_rt={rt_before}; Path=/api"));
    let err = thief.fails("list_sessions", &[], 401).await;
    assert_eq!(err, AppError::Unauthenticated);
    assert_eq!(a.me().await, None, "the rightful browser should be signed out too");
    a.fails("list_sessions", &[], 401).await;
    let kinds = env.event_kinds(email).await;
    assert_eq!(kinds.iter().filter(|k| *k == "refresh_reuse_detected").count(), 1, "{kinds:?}");
    assert_eq!(env.count("sessions", doc! { "revoked_at": null }).await, 0);
}

// ---------------------------------------------------------------- 11. access tokens

const JWT_SECRET: &str = "integration-test-secret-0123456789abcdef";

fn jwt(alg: jsonwebtoken::Algorithm, key: &str, claims: &serde_json::Value) -> String {
    jsonwebtoken::encode(&jsonwebtoken::Header::new(alg), claims, &jsonwebtoken::EncodingKey::from_secret(key.as_bytes())).unwrap()
}

async fn bearer_user(srv: &TestServer, token: &str) -> Option<SessionUser> {
    let res = client()
        .post(srv.url("/api/current_user"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn only_valid_access_tokens_signed_with_our_key_are_accepted() {
    use jsonwebtoken::Algorithm;
    let env = start("jwt", &[("JWT_SECRET", JWT_SECRET)]).await;
    let email = "nina@example.com";
    let b = sign_up_and_verify(&env, email, PASSWORD).await;
    let cookie = b.cookie("mw_at", "/").unwrap();

    // The real token works as a Bearer token from a client without cookies.
    assert_eq!(bearer_user(&env.srv, &cookie).await.map(|u| u.email), Some(email.to_string()));

    let real: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(cookie.split('.').nth(1).unwrap()).unwrap()).unwrap();
    let now = unix_now();
    let claims = |iat: u64, nbf: u64, exp: u64| serde_json::json!({ "sub": real["sub"], "sid": real["sid"], "role": real["role"], "iss": "mewayz", "iat": iat, "nbf": nbf, "exp": exp });
    // Control: a token we sign ourselves with the server's key and good times is accepted,
    // so each refusal below is for the one thing that differs.
    let good = claims(now, now, now + 600);
    assert!(bearer_user(&env.srv, &jwt(Algorithm::HS256, JWT_SECRET, &good)).await.is_some());

    let unsigned = format!("{}.{}.", URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#), URL_SAFE_NO_PAD.encode(serde_json::to_vec(&good).unwrap()));
    let cases = [
        ("alg none", unsigned),
        ("another key", jwt(Algorithm::HS256, "a-completely-different-secret-key-0123456789", &good)),
        ("HS512 with our key", jwt(Algorithm::HS512, JWT_SECRET, &good)),
        ("expired", jwt(Algorithm::HS256, JWT_SECRET, &claims(now - 600, now - 600, now - 60))),
        ("not yet valid", jwt(Algorithm::HS256, JWT_SECRET, &claims(now, now + 600, now + 1200))),
        (
            "another issuer",
            jwt(Algorithm::HS256, JWT_SECRET, &{
                let mut c = good.clone();
                c["iss"] = "someone-else".into();
                c
            }),
        ),
        ("garbage", "not.a.token".to_string()),
    ];
    for (what, token) in cases {
        assert_eq!(bearer_user(&env.srv, &token).await, None, "{what} was accepted");
    }
    // The real one still works (nothing above disturbed the session).
    assert!(bearer_user(&env.srv, &cookie).await.is_some());
}

// ---------------------------------------------------------------- 12. Origin

#[tokio::test]
async fn cross_origin_writes_are_refused_and_change_nothing() {
    let env = start("origin", &[]).await;
    let email = "olga@example.com";
    let b = sign_up_and_verify(&env, email, PASSWORD).await;
    let before = b.me().await.unwrap();

    let res = b
        .http
        .post(env.srv.url("/api/update_profile"))
        .header("origin", "https://evil.example")
        .form(&[("name", "Pwned"), ("locale", "fr"), ("time_zone", "Europe/Paris")])
        .send()
        .await
        .unwrap();
    assert_eq!(expect_error(res, 403, "cross-origin update").await, AppError::Forbidden);
    let res = b
        .http
        .post(env.srv.url("/api/sign_up"))
        .header("origin", "https://evil.example")
        .form(&[("name", "X"), ("email", "x@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = b.http.post(env.srv.url("/api/sign_out_everywhere")).header("origin", "https://evil.example").send().await.unwrap();
    assert_eq!(res.status(), 403);

    assert_eq!(b.me().await, Some(before), "a refused write changed the profile or ended the session");
    assert_eq!(env.users().await, 1);

    // The same write from our own origin goes through.
    let res = b
        .http
        .post(env.srv.url("/api/update_profile"))
        .header("origin", env.srv.base.clone())
        .form(&[("name", "Olga"), ("locale", "fr"), ("time_zone", "Europe/Paris")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

// ---------------------------------------------------------------- 13. security log

#[tokio::test]
async fn the_security_log_lists_the_accounts_events_newest_first() {
    let env = start("security_log", &[]).await;
    let email = "paula@example.com";
    let b = sign_up_and_verify(&env, email, PASSWORD).await;
    env.browser().fails("sign_in", &[("email", email), ("password", "a wrong password")], 422).await;
    enable_totp(&env, &b).await;
    b.ok::<()>("change_password", &[("current_password", PASSWORD), ("new_password", NEW_PASSWORD)]).await;
    // Someone else's events never show.
    let other = sign_up_and_verify(&env, "quinn@example.com", PASSWORD).await;

    let log: Vec<SecurityEvent> = b.ok("security_log", &[]).await;
    let oldest_first: Vec<&str> = log.iter().rev().map(|e| e.kind.as_str()).collect();
    assert_eq!(oldest_first, ["sign_up", "email_verified", "sign_in", "sign_in_failed", "mfa_enabled", "password_changed"], "{log:?}");
    assert!(log.windows(2).all(|w| w[0].at_ms >= w[1].at_ms), "not newest first: {log:?}");
    assert!(log.iter().all(|e| e.ip == "127.0.0.1"), "{log:?}");
    assert_eq!(log[0].describe(), "Password changed");

    let theirs: Vec<SecurityEvent> = other.ok("security_log", &[]).await;
    assert_eq!(theirs.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["sign_in", "email_verified", "sign_up"]);
    env.browser().fails("security_log", &[], 401).await;
}

// ---------------------------------------------------------------- 14. Google

/// A server configured for the fake provider, with a real public URL so the callback
/// address it registers is the one it serves.
async fn start_with_google(name: &str, extra: &[(&str, &str)]) -> (Env, FakeProvider) {
    let fake = fake_oidc::start().await;
    let port = free_port().to_string();
    let public = format!("http://127.0.0.1:{port}");
    fake.register_redirect_uri(&format!("{public}/auth/google/callback"));
    let google = fake.env_vars();
    let mut vars: Vec<(&str, &str)> = vec![("PORT", &port), ("PUBLIC_URL", &public)];
    vars.extend(google.iter().map(|(k, v)| (*k, v.as_str())));
    vars.extend_from_slice(extra);
    (start(name, &vars).await, fake)
}

fn location(res: &reqwest::Response) -> String {
    res.headers().get("location").expect("a Location header").to_str().unwrap().to_string()
}

fn sets_cookie(res: &reqwest::Response, name: &str) -> bool {
    res.headers().get_all("set-cookie").iter().any(|v| v.to_str().unwrap().starts_with(&format!("{name}=")) && !v.to_str().unwrap().contains("Max-Age=0"))
}

/// Starts at `/auth/google/start`, lets the provider log in, and returns the provider's
/// code and state (the browser now holds the state cookie).
async fn google_authorize(b: &Browser, fake: &FakeProvider) -> (String, String) {
    let res = b.http.get(b.url("/auth/google/start")).send().await.unwrap();
    assert_eq!(res.status(), 302);
    assert!(sets_cookie(&res, "mw_oauth"), "no state cookie: {:?}", res.headers());
    let to = location(&res);
    assert!(to.starts_with(&format!("{}/authorize?", fake.base_url)), "{to}");
    let back = fake.authorize(&to).await.unwrap();
    (back.code.expect("a code"), back.state.expect("a state"))
}

async fn google_callback(b: &Browser, code: &str, state: &str) -> reqwest::Response {
    b.http.get(b.url("/auth/google/callback")).query(&[("code", code), ("state", state)]).send().await.unwrap()
}

/// The whole round trip; returns where the callback sent the browser.
async fn google_round_trip(b: &Browser, fake: &FakeProvider) -> String {
    let (code, state) = google_authorize(b, fake).await;
    let res = google_callback(b, &code, &state).await;
    assert_eq!(res.status(), 302);
    location(&res)
}

#[tokio::test]
async fn google_sign_in_creates_a_verified_account_with_a_session() {
    let (env, fake) = start_with_google("google_new", &[]).await;
    let opts: AuthOptions = env.browser().ok("auth_options", &[]).await;
    assert!(opts.google && opts.email_configured);

    let b = env.browser();
    let (code, state) = google_authorize(&b, &fake).await;
    let res = google_callback(&b, &code, &state).await;
    assert_eq!(res.status(), 302);
    assert_eq!(location(&res), "/");
    assert!(sets_cookie(&res, "mw_at") && sets_cookie(&res, "mw_rt"), "{:?}", res.headers());

    let me = b.me().await.expect("signed in");
    assert_eq!((me.email.as_str(), me.email_verified, me.name.as_str()), ("alice@example.com", true, "Alice Example"));
    assert_eq!(env.users().await, 1);
    assert_eq!(env.user_doc("alice@example.com").await.get_str("google_sub").unwrap(), FakeUser::default().sub);

    // The same code cannot be replayed.
    let again = google_callback(&b, &code, &state).await;
    assert_eq!(location(&again), "/login?google_error=failed");

    // Signing in again finds the same account.
    let c = env.browser();
    assert_eq!(google_round_trip(&c, &fake).await, "/");
    assert_eq!(c.me().await.unwrap().id, me.id);
    assert_eq!(env.users().await, 1);
}

#[tokio::test]
async fn google_sign_in_links_an_existing_password_account() {
    let (env, fake) = start_with_google("google_link", &[]).await;
    let email = "rita@example.com";
    create_verified(&env, email, PASSWORD).await;
    fake.set_user(FakeUser { sub: "google-sub-rita".into(), email: "Rita@Example.com".into(), ..FakeUser::default() });

    let b = env.browser();
    assert_eq!(google_round_trip(&b, &fake).await, "/");
    let me = b.me().await.unwrap();
    assert_eq!(me.email, email);
    assert_eq!(env.users().await, 1, "the account was duplicated");
    let doc = env.user_doc(email).await;
    assert_eq!(doc.get_str("google_sub").unwrap(), "google-sub-rita");
    assert_eq!(doc.get_str("name").unwrap(), "Test Person");
    // The owner's password still works.
    signed_in(&env, email, PASSWORD).await;
    assert!(env.event_kinds(email).await.contains(&"google_linked".to_string()));
}

#[tokio::test]
async fn google_sign_in_takes_over_an_unverified_sign_up_without_its_password() {
    // Someone signs up with Sara's address and a password of their choosing, and never
    // confirms it. When Sara signs in with Google, the account becomes hers: the
    // squatter's password must not open it.
    let (env, fake) = start_with_google("google_presquat", &[]).await;
    let email = "sara@example.com";
    let squatter = env.browser();
    squatter.ok::<SignUpOutcome>("sign_up", &[("name", "Squatter"), ("email", email), ("password", PASSWORD)]).await;
    fake.set_user(FakeUser { sub: "google-sub-sara".into(), email: email.into(), ..FakeUser::default() });

    let sara = env.browser();
    assert_eq!(google_round_trip(&sara, &fake).await, "/");
    let me = sara.me().await.unwrap();
    assert!(me.email_verified);
    assert_eq!(me.name, "Alice Example", "the name chosen by whoever signed up first was kept");
    assert_eq!(env.users().await, 1);

    let err = squatter.fails("sign_in", &[("email", email), ("password", PASSWORD)], 422).await;
    assert_eq!(err.field_message("password").as_deref(), Some(WRONG_CREDENTIALS));
    assert_eq!(squatter.me().await, None);
}

#[tokio::test]
async fn google_sign_in_fails_safely() {
    let (env, fake) = start_with_google("google_failures", &[]).await;
    let failed = "/login?google_error=failed";

    // No state cookie: the callback is not bound to the browser that started.
    let starter = env.browser();
    let (code, state) = google_authorize(&starter, &fake).await;
    let stranger = env.browser();
    let res = google_callback(&stranger, &code, &state).await;
    assert_eq!(location(&res), failed);
    assert!(!sets_cookie(&res, "mw_at"));
    assert_eq!(stranger.me().await, None);

    // A mismatched state cookie.
    let (code, state) = google_authorize(&starter, &fake).await;
    let forger = env.browser();
    forger.set_cookie("mw_oauth=forged-state-value; Path=/auth/google");
    assert_eq!(location(&google_callback(&forger, &code, &state).await), failed);
    assert_eq!(forger.me().await, None);

    // An ID token signed with a key the provider does not publish.
    let b = env.browser();
    fake.sign_next_with_wrong_key();
    assert_eq!(google_round_trip(&b, &fake).await, failed);
    assert_eq!(b.me().await, None);

    // An unverified Google address.
    fake.set_user(FakeUser { sub: "google-sub-unverified".into(), email: "tom@example.com".into(), email_verified: false, ..FakeUser::default() });
    let c = env.browser();
    assert_eq!(google_round_trip(&c, &fake).await, failed);
    assert_eq!(c.me().await, None);

    assert_eq!(env.users().await, 0, "a failed Google sign-in created an account");
    assert_eq!(env.count("sessions", doc! {}).await, 0);
}

#[tokio::test]
async fn without_google_configuration_the_option_is_off_and_start_says_so() {
    let env = start("google_off", &[]).await;
    let b = env.browser();
    let opts: AuthOptions = b.ok("auth_options", &[]).await;
    assert!(!opts.google);
    assert!(opts.email_configured);
    let res = b.http.get(b.url("/auth/google/start")).send().await.unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(location(&res), "/login?google_error=not_configured");
    assert!(!sets_cookie(&res, "mw_oauth"));
}

// ---------------------------------------------------------------- 15. SUPER_ADMIN_EMAIL

#[tokio::test]
async fn super_admin_email_is_promoted_once_the_address_is_proven() {
    let env = start("super_admin", &[("SUPER_ADMIN_EMAIL", " Boss@Example.com ")]).await;
    let b = env.browser();
    b.ok::<SignUpOutcome>("sign_up", &[("name", "Boss"), ("email", "BOSS@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(env.user_doc("boss@example.com").await.get_str("role").unwrap(), "user", "promoted before verification");
    let mail = nth_mail(&env.sink, "boss@example.com", VERIFY_SUBJECT, 1).await;
    b.ok::<()>("verify_email", &[("token", &link_token(&mail))]).await;
    let boss = signed_in(&env, "boss@example.com", PASSWORD).await;
    assert_eq!(boss.me().await.unwrap().role, PlatformRole::SuperAdmin);

    let staff = sign_up_and_verify(&env, "staff@example.com", PASSWORD).await;
    assert_eq!(staff.me().await.unwrap().role, PlatformRole::User);
    assert_eq!(env.count("users", doc! { "role": "super_admin" }).await, 1);

    // A password-reset link also proves the address, and promotes it the same way.
    let env = start("super_admin_reset", &[("SUPER_ADMIN_EMAIL", "boss@example.com")]).await;
    let b = env.browser();
    b.ok::<SignUpOutcome>("sign_up", &[("name", "Boss"), ("email", "boss@example.com"), ("password", PASSWORD)]).await;
    b.ok::<()>("request_password_reset", &[("email", "boss@example.com")]).await;
    let reset = link_token(&nth_mail(&env.sink, "boss@example.com", RESET_SUBJECT, 1).await);
    b.ok::<()>("reset_password", &[("token", &reset), ("password", NEW_PASSWORD)]).await;
    let boss = signed_in(&env, "boss@example.com", NEW_PASSWORD).await;
    assert_eq!(boss.me().await.unwrap().role, PlatformRole::SuperAdmin);
}

// ---------------------------------------------------------------- the cross-workspace probe

/// Every accounts fn, through the probe: signed out, person fns answer 401 and link fns
/// refuse a token nobody holds; as the outsider, person fns touch and reveal nothing of the
/// victim (revoking the victim owner's session by its id ends nothing); public fns, signed
/// out, leave the victim's records alone.
#[tokio::test]
async fn no_accounts_fn_reaches_another_persons_account_or_workspace() {
    use common::probe::{self, Fixture, ModuleSpec};
    let env = start("acct_probe", &[]).await;
    let fx = probe::fixture(&env).await;
    let v = &fx.victim;
    let victim_sessions = v.owner.sessions().await;
    let victim_session = victim_sessions.iter().find(|s| s.current).expect("the owner's own session").id.clone();
    let args = move |endpoint: &str, _: &Fixture| -> Option<Vec<(String, String)>> {
        let f = |pairs: &[(&str, &str)]| Some(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        match endpoint {
            "auth_options" | "current_user" | "sign_out" | "list_sessions" | "security_log" | "sign_out_everywhere" | "totp_begin" => f(&[]),
            "sign_up" => f(&[("name", "Pat Public"), ("email", "pat.public@example.com"), ("password", PASSWORD)]),
            "sign_in" => f(&[("email", "nobody.here@example.com"), ("password", PASSWORD)]),
            "request_password_reset" | "resend_verification" => f(&[("email", "nobody.here@example.com")]),
            // Tokens nobody was given.
            "verify_email" => f(&[("token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]),
            "reset_password" => f(&[("token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), ("password", NEW_PASSWORD)]),
            "sign_in_second_factor" => f(&[("challenge", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), ("code", "123456")]),
            "change_password" => f(&[("current_password", "not the password"), ("new_password", NEW_PASSWORD)]),
            // The victim owner's session, by its id.
            "revoke_session" => f(&[("session_id", &victim_session)]),
            "totp_confirm" => f(&[("code", "123456")]),
            "totp_disable" => f(&[("password", PASSWORD), ("code", "123456")]),
            "update_profile" => f(&[("name", "Oscar Outsider"), ("locale", "en"), ("time_zone", "UTC")]),
            _ => None,
        }
    };
    let spec = ModuleSpec { module: "accounts", endpoints: app::accounts::api::ENDPOINTS, view_only: &[], viewer_self_service: &[], routes: &[], args: &args };
    probe::run(&env, &fx, &spec).await;

    // The victim's owner keeps every session, and their account is theirs.
    let after = v.owner.sessions().await;
    assert_eq!(after.iter().map(|s| &s.id).collect::<Vec<_>>(), victim_sessions.iter().map(|s| &s.id).collect::<Vec<_>>());
    assert!(is_verified_sign_in(&env.browser().sign_in("vera.victim@example.com", PASSWORD).await, "vera.victim@example.com"));
    // The sign-up the probe made is a new, unverified account of its own.
    let made = env.user_doc("pat.public@example.com").await;
    assert_ne!(made.get_str("_id").unwrap(), v.owner_id);
}
