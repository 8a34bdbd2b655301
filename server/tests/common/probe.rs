//! The cross-workspace probe: proves that a module's server fns keep workspaces apart and
//! follow the permission table, for every fn the module has, including ones added later.
//!
//! A module's test hands [`run`] its endpoint list (`ENDPOINTS`, name and [`Reach`]), which
//! of its workspace fns a viewer may call, its plain routes, and a function giving the form
//! fields of each fn. Against a [`Fixture`] (a victim workspace with an owner, a viewer, a
//! pending invitation, a logo and audit entries, and an outsider who owns another
//! workspace) the probe checks that:
//!
//! - (a) the list is complete and true: every `#[server]` fn declared under
//!   `app/src/<module>/` is listed, every listed fn is registered with the server, and every
//!   registered fn is declared somewhere in `app/src` (so no fn hides from the scan); and a
//!   fn is listed as `Reach::Workspace` exactly when it takes `workspace` first;
//! - signed out, every workspace fn answers 401 and changes nothing;
//! - (b) as the outsider, every workspace fn and route aimed at the victim answers 403 or 404
//!   and leaves the whole database (all but [`VOLATILE`] collections) byte-for-byte unchanged;
//! - (c) as the victim's viewer, every fn that needs more than view rights answers 403 and
//!   changes nothing, and every view-only fn succeeds and changes nothing;
//! - link fns (answering to whoever holds a link), called as the outsider with a link the
//!   outsider does not hold, are refused, reveal nothing and change nothing;
//! - the outsider, acting in their own workspace but naming the victim's records (member
//!   and invitation ids), changes nothing of the victim's and learns nothing about it;
//! - (d) person fns answer the outsider without the victim workspace's id, name or address,
//!   and change nothing of the victim's (its workspace records, and the records of its owner
//!   and viewer as people);
//! - (e) signed out, every person and platform fn answers 401 and every link fn a 4xx, and
//!   none changes anything; public fns, called signed out with the module's harmless
//!   arguments, answer without a 5xx, reveal nothing of the victim and change none of its
//!   records (they run last, as signing up and the like may add records of their own);
//! - the victim's owner and viewer are still signed in at the end.
//!
//! [`run`] prints how many fns it probed and how many calls it made, and returns both.
//!
//! Later modules seed the fixture's victim with their own records (through their own fns),
//! then call [`run`] with their `ENDPOINTS`.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use app::platform::Reach;
use app::workspaces::{WorkspaceDetail, WorkspaceSummary};
use app::AppError;
use leptos::server_fn::error::FromServerFnError;
use mongodb::bson::{doc, Document, RawDocumentBuf};

use super::server_fns::{app_src, declared_server_fns};
use super::web::{link_token, nth_mail, person, Browser, Env, PASSWORD};

/// Collections that change on every request, whoever makes it: session bookkeeping
/// (`last_seen`, token rotation) and rate-limit counters.
pub const VOLATILE: &[&str] = &["sessions", "rate_limits"];

/// A 1×1 PNG, as the browser's file reader would hand it over.
pub const PNG_DATA_URL: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==";

// ---------------------------------------------------------------- the fixture

/// The workspace under attack.
pub struct Victim {
    pub workspace_id: String,
    pub name: String,
    pub slug: String,
    pub owner: Browser,
    pub owner_id: String,
    pub viewer: Browser,
    pub viewer_id: String,
    pub viewer_email: String,
    /// A pending invitation (to an address with no account).
    pub invitation_id: String,
    pub invitation_email: String,
    /// The secret link of that invitation (as its e-mail carries it).
    pub invitation_token: String,
}

/// A verified person who owns a different workspace, and nothing else.
pub struct Outsider {
    pub browser: Browser,
    pub user_id: String,
    pub email: String,
    pub workspace_id: String,
    pub workspace_name: String,
}

pub struct Fixture {
    pub victim: Victim,
    pub outsider: Outsider,
}

/// Builds the victim workspace and the outsider through the app's own fns. Loads the plans
/// of `config/plans.json`; the victim is moved to Pro in the database (billing is not
/// built yet), because Free's two seats hold only the owner and the viewer.
pub async fn fixture(env: &Env) -> Fixture {
    env.load_default_plans().await;
    let owner = person(env, "Vera Victim", "vera.victim@example.com").await;
    let owner_id = owner.me().await.unwrap().id;
    let name = "Quillfeather Atelier".to_string();
    let w: WorkspaceDetail = owner.ok("create_workspace", &[("name", &name), ("kind", "shop")]).await;
    let ws = w.id.clone();
    env.srv.db().await.collection::<Document>("workspaces").update_one(doc! { "_id": &ws }, doc! { "$set": { "plan": "pro" } }).await.unwrap();
    owner.ok::<WorkspaceDetail>("setup_goals", &[("workspace", &ws), ("goals[0]", "online_store")]).await;

    // The viewer joins through an invitation.
    let viewer_email = "victor.viewer@example.com".to_string();
    owner.ok::<Vec<app::workspaces::PendingInvitation>>("invite_member", &[("workspace", &ws), ("email", &viewer_email), ("role", "viewer")]).await;
    let viewer = person(env, "Victor Viewer", &viewer_email).await;
    let token = link_token(&nth_mail(&env.sink, &viewer_email, "invited you to", 1).await);
    viewer.ok::<app::workspaces::Joined>("accept_invitation", &[("token", &token)]).await;
    let viewer_id = viewer.me().await.unwrap().id;

    // A pending invitation, a logo, a settings change: more records and audit entries.
    let invitation_email = "pending.person@example.com".to_string();
    let pending: Vec<app::workspaces::PendingInvitation> =
        owner.ok("invite_member", &[("workspace", &ws), ("email", &invitation_email), ("role", "editor")]).await;
    let invitation_id = pending.iter().find(|i| i.email == invitation_email).expect("the pending invitation").id.clone();
    let invitation_token = link_token(&nth_mail(&env.sink, &invitation_email, "invited you to", 1).await);
    let w: WorkspaceDetail = owner.ok("set_workspace_logo", &[("workspace", &ws), ("logo", PNG_DATA_URL)]).await;
    assert!(w.logo_url.is_some());
    let w: WorkspaceDetail = owner
        .ok(
            "update_workspace",
            &[
                ("workspace", &ws),
                ("name", &name),
                ("slug", "quillfeather-atelier"),
                ("brand_color", "#aa3311"),
                ("time_zone", "Europe/Lisbon"),
                ("currency", "EUR"),
                ("version", &w.version.to_string()),
            ],
        )
        .await;
    let audit: Vec<app::workspaces::AuditEntry> = owner.ok("workspace_audit_log", &[("workspace", &ws)]).await;
    assert!(audit.len() >= 5, "{audit:?}");

    let outsider = person(env, "Oscar Outsider", "oscar.outsider@example.com").await;
    let outsider_id = outsider.me().await.unwrap().id;
    let theirs: WorkspaceDetail = outsider.ok("create_workspace", &[("name", "Oscar's Own Place"), ("kind", "other")]).await;

    Fixture {
        victim: Victim {
            workspace_id: ws,
            name,
            slug: w.slug,
            owner,
            owner_id,
            viewer,
            viewer_id,
            viewer_email,
            invitation_id,
            invitation_email,
            invitation_token,
        },
        outsider: Outsider {
            browser: outsider,
            user_id: outsider_id,
            email: "oscar.outsider@example.com".into(),
            workspace_id: theirs.id,
            workspace_name: theirs.name,
        },
    }
}

// ---------------------------------------------------------------- what a module supplies

/// A plain GET route about one workspace; `{workspace}` in `path` is replaced by its id.
pub struct Route {
    pub path: &'static str,
    /// A viewer may use it (it must then succeed for the viewer and change nothing).
    pub view_only: bool,
}

/// The form fields of one fn, after `workspace` (which the probe adds for workspace fns).
/// `None` means the module's test forgot the fn: the probe stops and says so.
pub type Args<'a> = &'a dyn Fn(&str, &Fixture) -> Option<Vec<(String, String)>>;

pub struct ModuleSpec<'a> {
    /// The module's folder under `app/src` (e.g. `"workspaces"`).
    pub module: &'a str,
    /// The module's `ENDPOINTS`.
    pub endpoints: &'a [(&'a str, Reach)],
    /// Workspace fns a viewer may call that only read.
    pub view_only: &'a [&'a str],
    /// Workspace fns a viewer may call that act on the viewer alone (leaving); the probe
    /// does not call them as the viewer, the module's own tests cover them.
    pub viewer_self_service: &'a [&'a str],
    /// Plain routes about one workspace.
    pub routes: &'a [Route],
    /// Form fields for each fn. For link fns, give a link the outsider does not hold.
    pub args: Args<'a>,
}

// ---------------------------------------------------------------- snapshots

/// Every document of the compared collections, as raw BSON, by collection and `_id`.
#[derive(PartialEq, Eq)]
pub struct Snapshot(BTreeMap<String, Vec<(String, Vec<u8>)>>);

/// The whole database except [`VOLATILE`] collections.
pub async fn snapshot(env: &Env) -> Snapshot {
    take(env, None).await
}

/// The records of one workspace: its document and everything carrying its id.
pub async fn workspace_snapshot(env: &Env, workspace_id: &str) -> Snapshot {
    take(env, Some(workspace_id)).await
}

async fn take(env: &Env, workspace: Option<&str>) -> Snapshot {
    let filter = match workspace {
        Some(id) => doc! { "$or": [ { "_id": id }, { "workspace_id": id } ] },
        None => doc! {},
    };
    take_filtered(env, filter).await
}

/// The documents matching `filter`, by collection. With a filter, a collection without a
/// matching document is left out: another person's first record may create a collection,
/// which changes nothing of the victim's. The whole database's snapshot keeps every
/// collection, empty or not.
async fn take_filtered(env: &Env, filter: Document) -> Snapshot {
    let whole = filter.is_empty();
    let db = env.srv.db().await;
    let mut names = db.list_collection_names().await.unwrap();
    names.sort();
    let mut all = BTreeMap::new();
    for name in names.into_iter().filter(|n| !VOLATILE.contains(&n.as_str())) {
        let mut cursor = db.collection::<RawDocumentBuf>(&name).find(filter.clone()).sort(doc! { "_id": 1 }).await.unwrap();
        let mut docs = vec![];
        while cursor.advance().await.unwrap() {
            let raw = cursor.current();
            let id = raw.get("_id").ok().flatten().map(|v| format!("{v:?}")).unwrap_or_default();
            docs.push((id, raw.as_bytes().to_vec()));
        }
        if whole || !docs.is_empty() {
            all.insert(name, docs);
        }
    }
    Snapshot(all)
}

impl Snapshot {
    /// What differs from `before`, document by document, readably; empty when nothing.
    pub fn diff(&self, before: &Snapshot) -> String {
        let show = |bytes: &[u8]| {
            let d = Document::try_from(RawDocumentBuf::from_bytes(bytes.to_vec()).unwrap()).unwrap();
            mongodb::bson::Bson::Document(d).into_relaxed_extjson().to_string()
        };
        let mut out = String::new();
        let names: BTreeSet<&String> = self.0.keys().chain(before.0.keys()).collect();
        for name in names {
            let empty = vec![];
            let now: BTreeMap<_, _> = self.0.get(name).unwrap_or(&empty).iter().map(|(k, v)| (k, v)).collect();
            let was: BTreeMap<_, _> = before.0.get(name).unwrap_or(&empty).iter().map(|(k, v)| (k, v)).collect();
            for (id, bytes) in &was {
                match now.get(id) {
                    None => out.push_str(&format!("\n  {name}: removed {}", show(bytes))),
                    Some(b) if b != bytes => out.push_str(&format!("\n  {name}: changed\n    before {}\n    after  {}", show(bytes), show(b))),
                    _ => {}
                }
            }
            for (id, bytes) in &now {
                if !was.contains_key(id) {
                    out.push_str(&format!("\n  {name}: added {}", show(bytes)));
                }
            }
        }
        out
    }
}

/// The victim's records: its workspace's (as [`workspace_snapshot`]) and those of its owner
/// and viewer as people (their account, and everything carrying their user id).
pub async fn victim_snapshot(env: &Env, v: &Victim) -> Snapshot {
    let people = [v.owner_id.as_str(), v.viewer_id.as_str()];
    let filter = doc! { "$or": [
        { "_id": &v.workspace_id },
        { "workspace_id": &v.workspace_id },
        { "_id": { "$in": people.to_vec() } },
        { "user_id": { "$in": people.to_vec() } },
    ] };
    take_filtered(env, filter).await
}

/// Asserts the database is as in `before`, naming `what` did it otherwise.
pub fn assert_unchanged(after: &Snapshot, before: &Snapshot, what: &str) {
    if after != before {
        panic!("{what} changed the database:{}", after.diff(before));
    }
}

// ---------------------------------------------------------------- (a) the endpoint list

/// (a): the module's list, its source and the server's registered fns agree.
pub fn check_endpoint_list(spec: &ModuleSpec<'_>) {
    let listed: Vec<&str> = spec.endpoints.iter().map(|(n, _)| *n).collect();
    let unique: BTreeSet<&str> = listed.iter().copied().collect();
    assert_eq!(unique.len(), listed.len(), "{}: ENDPOINTS lists a fn twice: {listed:?}", spec.module);

    let registered: BTreeSet<String> = server::api::server_fn_paths().into_iter().filter(|(_, m)| *m == axum::http::Method::POST).map(|(p, _)| p).collect();
    for name in &listed {
        assert!(registered.contains(&format!("/api/{name}")), "{}: ENDPOINTS lists {name}, but the server has no POST /api/{name}", spec.module);
    }

    let in_module = declared_server_fns(&app_src().join(spec.module));
    for d in &in_module {
        assert!(
            unique.contains(d.endpoint.as_str()),
            "{}: the server fn {} ({}) is missing from ENDPOINTS, so the cross-workspace probe would not test it",
            spec.module,
            d.endpoint,
            d.file.display()
        );
    }
    for (name, reach) in spec.endpoints {
        let d = in_module
            .iter()
            .find(|d| d.endpoint == *name)
            .unwrap_or_else(|| panic!("{}: ENDPOINTS lists {name}, but no #[server] under app/src/{} declares it", spec.module, spec.module));
        // Workspace fns take the workspace first; a fn that does must be probed as one.
        let takes_workspace = d.first_arg() == "workspace";
        assert_eq!(
            takes_workspace,
            *reach == Reach::Workspace,
            "{}: {name} {} `workspace` as its first argument, but ENDPOINTS says Reach::{reach:?}",
            spec.module,
            if takes_workspace { "takes" } else { "does not take" }
        );
    }

    // The scan sees every registered fn, so none can escape it by living elsewhere.
    let everywhere: BTreeSet<String> = declared_server_fns(&app_src()).into_iter().map(|d| format!("/api/{}", d.endpoint)).collect();
    let all_registered: BTreeSet<String> = server::api::server_fn_paths().into_iter().map(|(p, _)| p).collect();
    let unseen: Vec<&String> = all_registered.difference(&everywhere).collect();
    assert!(unseen.is_empty(), "registered server fns the source scan did not find: {unseen:?}");

    for name in spec.view_only.iter().chain(spec.viewer_self_service) {
        assert!(
            spec.endpoints.iter().any(|(n, r)| n == name && *r == Reach::Workspace),
            "{}: {name} is listed as callable by a viewer but is not a workspace fn of ENDPOINTS",
            spec.module
        );
    }
}

// ---------------------------------------------------------------- calling

fn form_for(spec: &ModuleSpec<'_>, fx: &Fixture, endpoint: &str, workspace: Option<&str>) -> Vec<(String, String)> {
    let rest = (spec.args)(endpoint, fx)
        .unwrap_or_else(|| panic!("probe: no arguments for {endpoint} (module {}): add them to the module's probe arguments", spec.module));
    let mut form = vec![];
    if let Some(ws) = workspace {
        assert!(rest.iter().all(|(k, _)| k != "workspace"), "probe arguments for {endpoint}: leave out `workspace`, the probe sets it");
        form.push(("workspace".to_string(), ws.to_string()));
    }
    form.extend(rest);
    form
}

async fn call(b: &Browser, endpoint: &str, form: &[(String, String)]) -> (u16, String) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, body) = b.call(endpoint, &pairs).await;
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn decode(body: &str) -> AppError {
    AppError::de(body.to_string().into())
}

/// A refusal that says nothing about the workspace: 403, or 404 from the fn itself (not
/// "no such endpoint", which would mean the probe tested nothing).
fn assert_refused(status: u16, body: &str, what: &str) {
    assert!(status == 403 || status == 404, "{what}: expected 403 or 404, got {status}: {body}");
    match decode(body) {
        AppError::Forbidden => {}
        AppError::NotFound { what: thing } => assert_ne!(thing, "This API endpoint", "{what}: the endpoint does not exist"),
        other => panic!("{what}: expected Forbidden or NotFound, got {other:?}"),
    }
}

fn assert_no_leak(body: &str, v: &Victim, what: &str) {
    for (label, secret) in [("id", &v.workspace_id), ("name", &v.name), ("address", &v.slug)] {
        assert!(!body.contains(secret.as_str()), "{what}: the answer reveals the victim workspace's {label} ({secret}): {body}");
    }
}

// ---------------------------------------------------------------- the probe

/// What one [`run`] covered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Server fns probed (the module's whole `ENDPOINTS`).
    pub fns: usize,
    /// Calls the probe made to them (and to the module's routes).
    pub calls: usize,
}

/// Signs the outsider in again when a person fn ended their session (signing out, or out
/// everywhere), so the next fn is probed signed in.
async fn keep_signed_in(o: &Outsider) {
    if o.browser.me().await.is_none() {
        let outcome = o.browser.sign_in(&o.email, PASSWORD).await;
        assert!(super::web::is_verified_sign_in(&outcome, &o.email), "the outsider could not sign in again: {outcome:?}");
    }
}

/// Runs every check of the probe for one module. See the module documentation.
pub async fn run(env: &Env, fx: &Fixture, spec: &ModuleSpec<'_>) -> Tally {
    check_endpoint_list(spec);
    let v = &fx.victim;
    let o = &fx.outsider;
    let workspace_fns: Vec<&str> = spec.endpoints.iter().filter(|(_, r)| *r == Reach::Workspace).map(|(n, _)| *n).collect();
    let of_reach = |reach: Reach| spec.endpoints.iter().filter(move |(_, r)| *r == reach).map(|(n, _)| *n);
    let mut checked = 0;
    let mut calls = 0;

    env.jobs_settled().await;
    let start = snapshot(env).await;

    // Signed out: nobody. Workspace, person and platform fns ask for a sign-in; link fns
    // refuse a link nobody holds. Public fns come last (they may add records).
    let anon = env.browser();
    for name in &workspace_fns {
        let form = form_for(spec, fx, name, Some(&v.workspace_id));
        let (status, body) = call(&anon, name, &form).await;
        calls += 1;
        assert_eq!(status, 401, "{name} signed out: {body}");
        assert_eq!(decode(&body), AppError::Unauthenticated, "{name} signed out");
    }
    for name in of_reach(Reach::Person).chain(of_reach(Reach::Platform)) {
        let form = form_for(spec, fx, name, None);
        let (status, body) = call(&anon, name, &form).await;
        calls += 1;
        assert_eq!(status, 401, "{name} signed out: {body}");
        assert_eq!(decode(&body), AppError::Unauthenticated, "{name} signed out");
    }
    for name in of_reach(Reach::Link) {
        let form = form_for(spec, fx, name, None);
        let (status, body) = call(&anon, name, &form).await;
        calls += 1;
        let what = format!("{name} signed out, with a link nobody holds");
        assert!((400..500).contains(&status), "{what}: expected a refusal, got {status}: {body}");
        assert_no_leak(&body, v, &what);
    }
    assert_unchanged(&snapshot(env).await, &start, "a signed-out call");

    // (b) The outsider, aimed at the victim.
    for name in &workspace_fns {
        let form = form_for(spec, fx, name, Some(&v.workspace_id));
        let before = snapshot(env).await;
        let (status, body) = call(&o.browser, name, &form).await;
        calls += 1;
        let what = format!("{name} by an outsider against the victim");
        assert_refused(status, &body, &what);
        assert_no_leak(&body, v, &what);
        assert_unchanged(&snapshot(env).await, &before, &what);
        checked += 1;
    }
    for route in spec.routes {
        let path = route.path.replace("{workspace}", &v.workspace_id);
        let before = snapshot(env).await;
        let res = o.browser.get(&path).await;
        let status = res.status().as_u16();
        let body = res.text().await.unwrap();
        let what = format!("GET {} by an outsider against the victim", route.path);
        assert_refused(status, &body, &what);
        assert_no_leak(&body, v, &what);
        assert_unchanged(&snapshot(env).await, &before, &what);
        let res = anon.get(&path).await;
        calls += 2;
        assert_eq!(res.status(), 401, "GET {} signed out", route.path);
    }

    // (c) The victim's own viewer.
    for name in &workspace_fns {
        if spec.viewer_self_service.contains(name) {
            continue;
        }
        let form = form_for(spec, fx, name, Some(&v.workspace_id));
        let before = snapshot(env).await;
        let (status, body) = call(&v.viewer, name, &form).await;
        calls += 1;
        if spec.view_only.contains(name) {
            assert_eq!(status, 200, "{name} is view-only, so the viewer may call it: {body}");
            assert_unchanged(&snapshot(env).await, &before, &format!("{name} (view-only) by the viewer"));
        } else {
            assert_eq!(status, 403, "{name} needs more than view rights, yet the viewer got {status}: {body}");
            assert_eq!(decode(&body), AppError::Forbidden, "{name} by the viewer");
            assert_unchanged(&snapshot(env).await, &before, &format!("{name} (refused) by the viewer"));
        }
        checked += 1;
    }
    for route in spec.routes {
        let path = route.path.replace("{workspace}", &v.workspace_id);
        let before = snapshot(env).await;
        let res = v.viewer.get(&path).await;
        calls += 1;
        let status = res.status().as_u16();
        if route.view_only {
            assert_eq!(status, 200, "GET {} is view-only: the viewer may use it", route.path);
        } else {
            assert_eq!(status, 403, "GET {} by the viewer: {}", route.path, res.text().await.unwrap());
        }
        assert_unchanged(&snapshot(env).await, &before, &format!("GET {} by the viewer", route.path));
    }

    // Link fns, with a link the outsider does not hold.
    for name in of_reach(Reach::Link) {
        let form = form_for(spec, fx, name, None);
        let before = snapshot(env).await;
        let (status, body) = call(&o.browser, name, &form).await;
        calls += 1;
        let what = format!("{name} by an outsider with a link they do not hold");
        assert!((400..500).contains(&status), "{what}: expected a refusal, got {status}: {body}");
        assert_no_leak(&body, v, &what);
        assert_unchanged(&snapshot(env).await, &before, &what);
        checked += 1;
    }
    assert_unchanged(&snapshot(env).await, &start, "the probe's refused calls");

    // The outsider in their own workspace, naming the victim's records. Their own workspace
    // may change (that is theirs to change); the victim's records may not.
    let victim_before = workspace_snapshot(env, &v.workspace_id).await;
    for name in &workspace_fns {
        let form = form_for(spec, fx, name, Some(&o.workspace_id));
        let (status, body) = call(&o.browser, name, &form).await;
        calls += 1;
        let what = format!("{name} by the outsider in their own workspace, naming the victim's records");
        assert!(status != 500, "{what}: {body}");
        assert_no_leak(&body, v, &what);
        assert_unchanged(&workspace_snapshot(env, &v.workspace_id).await, &victim_before, &what);
    }

    // Platform fns: the outsider is no platform admin, so each is refused and changes nothing.
    for name in of_reach(Reach::Platform) {
        let form = form_for(spec, fx, name, None);
        let before = snapshot(env).await;
        let (status, body) = call(&o.browser, name, &form).await;
        calls += 1;
        let what = format!("{name} (platform admins only) by the outsider");
        assert_eq!(status, 403, "{what}: {body}");
        assert_eq!(decode(&body), AppError::Forbidden, "{what}");
        assert_unchanged(&snapshot(env).await, &before, &what);
        checked += 1;
    }

    // (d) Person fns: about the outsider alone. Nothing of the victim's changes: neither its
    // workspace nor its people.
    let people_before = victim_snapshot(env, v).await;
    for name in of_reach(Reach::Person) {
        let form = form_for(spec, fx, name, None);
        let (status, body) = call(&o.browser, name, &form).await;
        calls += 1;
        let what = format!("{name} by the outsider");
        assert!(status < 500, "{what}: {status} {body}");
        assert_no_leak(&body, v, &what);
        env.jobs_settled().await;
        assert_unchanged(&victim_snapshot(env, v).await, &people_before, &what);
        keep_signed_in(o).await;
        checked += 1;
    }

    // (e) Public fns, signed out, with harmless arguments.
    for name in of_reach(Reach::Public) {
        let form = form_for(spec, fx, name, None);
        let anon = env.browser();
        let (status, body) = call(&anon, name, &form).await;
        calls += 1;
        let what = format!("{name} (public) signed out");
        assert!(status < 500, "{what}: {status} {body}");
        assert_ne!(status, 404, "{what}: {body}");
        assert_no_leak(&body, v, &what);
        env.jobs_settled().await;
        assert_unchanged(&victim_snapshot(env, v).await, &people_before, &what);
        checked += 1;
    }

    // The victim's own people still have their access: the refusals above were about the
    // caller, not a broken workspace or a lost session.
    assert!(v.owner.me().await.is_some(), "the victim's owner was signed out by the probe");
    let theirs: Vec<WorkspaceSummary> = v.viewer.ok("list_workspaces", &[]).await;
    assert!(theirs.iter().any(|w| w.id == v.workspace_id), "the viewer lost the victim workspace: {theirs:?}");
    let mine: Vec<WorkspaceSummary> = o.browser.ok("list_workspaces", &[]).await;
    assert!(mine.iter().all(|w| w.id != v.workspace_id), "the outsider sees the victim workspace: {mine:?}");
    assert!(checked >= spec.endpoints.len(), "the probe checked {checked} calls for {} endpoints", spec.endpoints.len());
    let tally = Tally { fns: spec.endpoints.len(), calls };
    eprintln!("probe {}: {} server fns probed, {} probe calls", spec.module, tally.fns, tally.calls);
    tally
}
