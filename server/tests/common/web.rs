//! Driving the app the way its client does, over real HTTP: a server with an SMTP sink
//! ([`Env`]), browsers with their own cookie jars ([`Browser`]), the mail they receive, and
//! the account flows every module's tests start from (sign up, confirm, sign in).
//!
//! Shared by the integration tests of every module (`use common::web::*`).
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use app::AppError;
use devtools::smtp_sink::{self, CapturedMessage, SinkHandle};
use leptos::server_fn::error::FromServerFnError;
use mongodb::bson::{doc, Document};
use reqwest::cookie::{CookieStore as _, Jar};
use reqwest::Url;
use serde::de::DeserializeOwned;

use super::{eventually, shared_db_uri, TestServer};

/// The password the flows below give every account.
pub const PASSWORD: &str = "correct horse battery";
/// Subject of the mail that carries the e-mail verification link.
pub const VERIFY_SUBJECT: &str = "Confirm your e-mail address";

// ---------------------------------------------------------------- the server

/// A server with an SMTP sink wired in through `SMTP_URL`.
pub struct Env {
    pub srv: TestServer,
    pub sink: SinkHandle,
}

/// Starts a server on its own database, with its own SMTP sink.
pub async fn start(name: &str, extra: &[(&str, &str)]) -> Env {
    start_on(&shared_db_uri(), name, extra).await
}

/// [`start`], on the database server at `db_uri` (for tests that own theirs, e.g. to kill it).
pub async fn start_on(db_uri: &str, name: &str, extra: &[(&str, &str)]) -> Env {
    let sink = smtp_sink::start("127.0.0.1:0".parse().unwrap(), None).await.unwrap();
    let smtp = sink.url();
    let mut vars: Vec<(&str, &str)> = vec![("SMTP_URL", &smtp)];
    vars.extend_from_slice(extra);
    let srv = TestServer::start_with(db_uri, name, &vars).await;
    Env { srv, sink }
}

/// The plan file the administrator loads in production (`config/plans.json`).
pub fn plans_file() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/plans.json");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

impl Env {
    pub fn browser(&self) -> Browser {
        Browser::new(&self.srv)
    }

    pub async fn count(&self, collection: &str, filter: Document) -> u64 {
        self.srv.db().await.collection::<Document>(collection).count_documents(filter).await.unwrap()
    }

    pub async fn users(&self) -> u64 {
        self.count("users", doc! {}).await
    }

    pub async fn user_doc(&self, email: &str) -> Document {
        self.srv.db().await.collection::<Document>("users").find_one(doc! { "email": email }).await.unwrap().unwrap_or_else(|| panic!("no user {email}"))
    }

    /// The kinds of the security events stored for `email`'s account, oldest first.
    pub async fn event_kinds(&self, email: &str) -> Vec<String> {
        let id = self.user_doc(email).await.get_str("_id").unwrap().to_string();
        let db = self.srv.db().await;
        let mut cursor = db.collection::<Document>("security_events").find(doc! { "user_id": id }).sort(doc! { "at": 1 }).await.unwrap();
        let mut kinds = vec![];
        while cursor.advance().await.unwrap() {
            kinds.push(cursor.deserialize_current().unwrap().get_str("kind").unwrap().to_string());
        }
        kinds
    }

    /// Loads plans into this server's database exactly as `mewayz-server plans load FILE`
    /// does (same function, same checks).
    pub async fn load_plans(&self, json: &str) -> Vec<app::workspaces::plans::PlanDoc> {
        let vars = [("MONGODB_URI", self.srv.db_uri.clone()), ("MONGODB_DB", self.srv.db_name.clone())];
        let config = app::platform::Config::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())).unwrap();
        let db = app::platform::Db::connect(&config).await.unwrap();
        app::workspaces::plans::load_from_json(&db, &app::REGISTRY, json).await.unwrap_or_else(|e| panic!("plans load: {e}"))
    }

    /// Loads `config/plans.json`.
    pub async fn load_default_plans(&self) {
        let plans = self.load_plans(&plans_file()).await;
        assert!(plans.iter().any(|p| p.id == "free"), "{plans:?}");
    }

    /// Waits until the job queue has nothing queued or running (mail delivered), so a
    /// snapshot of the database taken now stays still.
    pub async fn jobs_settled(&self) {
        let db = self.srv.db().await;
        let settled = eventually(Duration::from_secs(20), || {
            let db = db.clone();
            async move { db.collection::<Document>("jobs").count_documents(doc! { "status": { "$in": ["queued", "running"] } }).await.unwrap() == 0 }
        })
        .await;
        assert!(settled.is_some(), "the job queue did not settle within 20 s");
    }
}

// ---------------------------------------------------------------- browsers

/// One browser: its own cookie jar, no redirect following, no `Origin` header.
#[derive(Clone)]
pub struct Browser {
    pub http: reqwest::Client,
    pub jar: Arc<Jar>,
    pub base: String,
}

impl Browser {
    pub fn new(srv: &TestServer) -> Browser {
        let jar = Arc::new(Jar::default());
        let http = reqwest::Client::builder().cookie_provider(jar.clone()).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { http, jar, base: srv.base.clone() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The same browser (the same cookies) talking to another server: a load balancer
    /// sending the next request to another replica.
    pub fn via(&self, srv: &TestServer) -> Browser {
        let http = reqwest::Client::builder().cookie_provider(self.jar.clone()).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { http, jar: self.jar.clone(), base: srv.base.clone() }
    }

    /// POSTs a server fn, form-encoded, exactly as the client does.
    pub async fn post(&self, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http.post(self.url(&format!("/api/{endpoint}"))).form(form).send().await.unwrap()
    }

    /// POSTs a server fn and returns the status and the body, whatever they are.
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> (u16, Vec<u8>) {
        let res = self.post(endpoint, form).await;
        let status = res.status().as_u16();
        (status, res.bytes().await.unwrap().to_vec())
    }

    /// GETs a plain route with this browser's cookies.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    /// Calls a server fn that must succeed, and decodes its answer.
    pub async fn ok<T: DeserializeOwned>(&self, endpoint: &str, form: &[(&str, &str)]) -> T {
        let res = self.post(endpoint, form).await;
        let status = res.status();
        let body = res.bytes().await.unwrap();
        assert_eq!(status, 200, "{endpoint} failed: {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{endpoint}: {e}: {}", String::from_utf8_lossy(&body)))
    }

    /// Calls a server fn that must fail with `status`, and decodes the shared error.
    pub async fn fails(&self, endpoint: &str, form: &[(&str, &str)], status: u16) -> AppError {
        let res = self.post(endpoint, form).await;
        expect_error(res, status, endpoint).await
    }

    pub async fn me(&self) -> Option<app::accounts::SessionUser> {
        self.ok("current_user", &[]).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> app::accounts::SignInOutcome {
        self.ok("sign_in", &[("email", email), ("password", password)]).await
    }

    pub async fn sessions(&self) -> Vec<app::accounts::SessionInfo> {
        self.ok("list_sessions", &[]).await
    }

    /// The value of cookie `name` as this browser would send it to `path`.
    pub fn cookie(&self, name: &str, path: &str) -> Option<String> {
        let header = self.jar.cookies(&Url::parse(&self.url(path)).unwrap())?;
        header.to_str().unwrap().split("; ").filter_map(|kv| kv.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    pub fn set_cookie(&self, cookie: &str) {
        self.jar.add_cookie_str(cookie, &Url::parse(&self.base).unwrap());
    }
}

/// Asserts the response has `status` and decodes the shared error from its body.
pub async fn expect_error(res: reqwest::Response, status: u16, what: &str) -> AppError {
    let got = res.status().as_u16();
    let body = res.bytes().await.unwrap();
    assert_eq!(got, status, "{what}: {}", String::from_utf8_lossy(&body));
    AppError::de(body)
}

pub fn is_verified_sign_in(o: &app::accounts::SignInOutcome, email: &str) -> bool {
    matches!(o, app::accounts::SignInOutcome::SignedIn(u) if u.email == email && u.email_verified)
}

// ---------------------------------------------------------------- mail

pub fn is_mail(m: &CapturedMessage, to: &str, subject: &str) -> bool {
    m.recipients.iter().any(|r| r.eq_ignore_ascii_case(to)) && m.subject().unwrap_or_default().contains(subject)
}

pub fn mails(sink: &SinkHandle, to: &str, subject: &str) -> Vec<CapturedMessage> {
    sink.messages().into_iter().filter(|m| is_mail(m, to, subject)).collect()
}

/// Waits for the `n`-th (from 1) message to `to` whose subject contains `subject`.
pub async fn nth_mail(sink: &SinkHandle, to: &str, subject: &str, n: usize) -> CapturedMessage {
    let found = eventually(Duration::from_secs(15), || async move { mails(sink, to, subject).len() >= n }).await;
    assert!(
        found.is_some(),
        "mail #{n} to {to} about {subject:?} never arrived; got {:?}",
        sink.messages().iter().map(|m| (m.recipients.clone(), m.subject())).collect::<Vec<_>>()
    );
    mails(sink, to, subject).swap_remove(n - 1)
}

/// The `token` query parameter of the mail's link.
pub fn link_token(m: &CapturedMessage) -> String {
    m.links()
        .iter()
        .filter_map(|l| Url::parse(l).ok())
        .find_map(|u| u.query_pairs().find(|(k, _)| k == "token").map(|(_, v)| v.into_owned()))
        .unwrap_or_else(|| panic!("no token link in {:?}", m.links()))
}

// ---------------------------------------------------------------- flows

/// Signs up as `name`, and follows the verification link, without signing in.
pub async fn create_verified_named(env: &Env, name: &str, email: &str, password: &str) {
    let b = env.browser();
    let before = mails(&env.sink, email, VERIFY_SUBJECT).len();
    let out: app::accounts::SignUpOutcome = b.ok("sign_up", &[("name", name), ("email", email), ("password", password)]).await;
    assert!(out.email_configured);
    let mail = nth_mail(&env.sink, email, VERIFY_SUBJECT, before + 1).await;
    b.ok::<()>("verify_email", &[("token", &link_token(&mail))]).await;
}

/// Signs up (as "Test Person") and follows the verification link, without signing in.
pub async fn create_verified(env: &Env, email: &str, password: &str) {
    create_verified_named(env, "Test Person", email, password).await
}

/// A new browser, signed in with e-mail and password.
pub async fn signed_in(env: &Env, email: &str, password: &str) -> Browser {
    let b = env.browser();
    let outcome = b.sign_in(email, password).await;
    assert!(is_verified_sign_in(&outcome, email), "{outcome:?}");
    b
}

/// Signs up, verifies the address from the e-mail, signs in: a browser with a session.
pub async fn sign_up_and_verify(env: &Env, email: &str, password: &str) -> Browser {
    create_verified(env, email, password).await;
    signed_in(env, email, password).await
}

/// [`sign_up_and_verify`] with a chosen display name.
pub async fn person(env: &Env, name: &str, email: &str) -> Browser {
    create_verified_named(env, name, email, PASSWORD).await;
    signed_in(env, email, PASSWORD).await
}

/// A person with a confirmed account and a workspace of their own ("{name}'s place").
pub async fn owner_with_workspace(env: &Env, name: &str, email: &str) -> (Browser, String) {
    let b = person(env, name, email).await;
    let w: app::workspaces::WorkspaceDetail = b.ok("create_workspace", &[("name", &format!("{name}'s place")), ("kind", "creator")]).await;
    (b, w.id)
}

/// Moves workspace `ws` to `plan` straight in the database (as billing would), then waits
/// out the second within which every replica is promised to see a change made elsewhere
/// (see `app::platform::cache`): the server keeps the plan in memory.
pub async fn set_plan_in_db(env: &Env, ws: &str, plan: &str) {
    let r = env.srv.db().await.collection::<Document>("workspaces").update_one(doc! { "_id": ws }, doc! { "$set": { "plan": plan } }).await.unwrap();
    assert_eq!(r.matched_count, 1, "no workspace {ws}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
}

/// Writes a published bio page straight into the database, for tests whose subject is not
/// the page fns. Returns the page id.
pub async fn seed_bio_page(env: &Env, workspace_id: &str, handle: &str, content: app::bio::BioContent) -> String {
    use mongodb::bson::DateTime;
    let id = uuid::Uuid::new_v4().simple().to_string();
    let doc = app::bio::store::PageDoc {
        id: id.clone(),
        workspace_id: workspace_id.into(),
        handle: handle.into(),
        draft: content.clone(),
        published: Some(content),
        published_at: Some(DateTime::now()),
        version: 1,
        created_at: DateTime::now(),
        updated_at: DateTime::now(),
    };
    env.srv.db().await.collection::<app::bio::store::PageDoc>("bio_pages").insert_one(&doc).await.unwrap();
    id
}
