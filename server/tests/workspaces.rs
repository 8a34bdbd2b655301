//! M02 Workspaces and teams and M03 the setup wizard, over real HTTP against the real
//! database: creating a workspace and the wizard, settings and the logo, invitations, roles,
//! plan limits, the audit log, export and deletion, and the cross-workspace probe over every
//! server fn of the module.
//!
//! Every test runs its own server on its own database, with its own SMTP sink.

mod common;

use app::workspaces::api::ENDPOINTS;
use app::workspaces::{
    AuditEntry, InvitationPreview, Joined, MemberInfo, PendingInvitation, PlanCatalog, StartChecklist, WorkspaceDetail, WorkspaceRole, WorkspaceSummary,
};
use app::AppError;
use base64::Engine as _;
use common::probe::{self, Fixture, ModuleSpec, Route, PNG_DATA_URL};
use common::web::*;
use mongodb::bson::{doc, DateTime, Document};

const INVITE_SUBJECT: &str = "invited you to";

// ---------------------------------------------------------------- helpers

/// A server with the plans of `config/plans.json` loaded.
async fn with_plans(name: &str) -> Env {
    let env = start(name, &[]).await;
    env.load_default_plans().await;
    env
}

async fn create(b: &Browser, name: &str, kind: &str) -> WorkspaceDetail {
    b.ok("create_workspace", &[("name", name), ("kind", kind)]).await
}

async fn get(b: &Browser, ws: &str) -> WorkspaceDetail {
    b.ok("get_workspace", &[("workspace", ws)]).await
}

async fn members(b: &Browser, ws: &str) -> Vec<MemberInfo> {
    b.ok("list_members", &[("workspace", ws)]).await
}

fn role_of(members: &[MemberInfo], user_id: &str) -> Option<WorkspaceRole> {
    members.iter().find(|m| m.user_id == user_id).map(|m| m.role)
}

async fn invitations(b: &Browser, ws: &str) -> Vec<PendingInvitation> {
    b.ok("list_invitations", &[("workspace", ws)]).await
}

async fn audit(b: &Browser, ws: &str) -> Vec<AuditEntry> {
    b.ok("workspace_audit_log", &[("workspace", ws)]).await
}

async fn invite(b: &Browser, ws: &str, email: &str, role: &str) -> Vec<PendingInvitation> {
    b.ok("invite_member", &[("workspace", ws), ("email", email), ("role", role)]).await
}

/// The form of `setup_goals`: a `Vec<String>` goes as `goals[0]=…&goals[1]=…`.
fn goals_form<'a>(ws: &'a str, goals: &'a [&'a str]) -> Vec<(String, String)> {
    let mut form = vec![("workspace".to_string(), ws.to_string())];
    form.extend(goals.iter().enumerate().map(|(i, g)| (format!("goals[{i}]"), g.to_string())));
    form
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// The settings form as the client sends it.
fn settings<'a>(ws: &'a str, name: &'a str, slug: &'a str, color: &'a str, tz: &'a str, currency: &'a str, version: &'a str) -> [(&'a str, &'a str); 7] {
    [("workspace", ws), ("name", name), ("slug", slug), ("brand_color", color), ("time_zone", tz), ("currency", currency), ("version", version)]
}

/// Invites `email` as `role`; the person signs up, confirms, signs in and accepts the
/// link from the e-mail. Returns their browser and user id.
async fn join(env: &Env, owner: &Browser, ws: &str, name: &str, email: &str, role: &str) -> (Browser, String) {
    let n = mails(&env.sink, email, INVITE_SUBJECT).len();
    invite(owner, ws, email, role).await;
    let b = person(env, name, email).await;
    let token = link_token(&nth_mail(&env.sink, email, INVITE_SUBJECT, n + 1).await);
    let joined: Joined = b.ok("accept_invitation", &[("token", &token)]).await;
    assert_eq!(joined.workspace.id, ws);
    assert_eq!(joined.workspace.role, WorkspaceRole::parse(role).unwrap());
    let id = b.me().await.unwrap().id;
    (b, id)
}

/// Moves a workspace to another plan in the database. Billing (M04) is not built, so no
/// server fn can; tests that need more than Free's two seats start here.
async fn set_plan(env: &Env, ws: &str, plan: &str) {
    set_plan_in_db(env, ws, plan).await;
}

async fn find(env: &Env, collection: &str, filter: Document) -> Option<Document> {
    env.srv.db().await.collection::<Document>(collection).find_one(filter).await.unwrap()
}

fn png_bytes() -> Vec<u8> {
    let b64 = PNG_DATA_URL.split_once(";base64,").unwrap().1;
    base64::engine::general_purpose::STANDARD.decode(b64).unwrap()
}

// ---------------------------------------------------------------- 1. create and the wizard

#[tokio::test]
async fn creating_a_workspace_and_the_setup_wizard_which_resumes_on_another_device() {
    let env = with_plans("ws_create_wizard").await;
    let email = "wanda@example.com";
    let wanda = person(&env, "Wanda Wizard", email).await;
    let other_device = signed_in(&env, email, PASSWORD).await;

    // Bad input names its field and stores nothing.
    let err = wanda.fails("create_workspace", &[("name", "   "), ("kind", "shop")], 422).await;
    assert!(err.field_message("name").is_some(), "{err:?}");
    assert_eq!(err.field_message("kind"), None, "{err:?}");
    let err = wanda.fails("create_workspace", &[("name", "Corner Bakery"), ("kind", "spaceship")], 422).await;
    assert_eq!(err.field_message("kind").as_deref(), Some("Choose what the workspace is for."));
    assert_eq!(err.field_message("name"), None, "{err:?}");
    let err = wanda.fails("create_workspace", &[("name", &"n".repeat(61)), ("kind", "")], 422).await;
    assert!(err.field_message("name").unwrap().contains("at most 60"), "{err:?}");
    assert!(err.field_message("kind").is_some(), "{err:?}");
    assert_eq!(env.count("workspaces", doc! {}).await, 0);
    env.browser().fails("create_workspace", &[("name", "Corner Bakery"), ("kind", "shop")], 401).await;

    // Created with its owner, an address from the name, on Free, at wizard step 2.
    let w = create(&wanda, "  Corner Bakery ", "shop").await;
    assert_eq!((w.name.as_str(), w.slug.as_str(), w.kind.as_str()), ("Corner Bakery", "corner-bakery", "shop"));
    assert_eq!((w.role, w.member_count, w.owner_name.as_str()), (WorkspaceRole::Owner, 1, "Wanda Wizard"));
    assert_eq!((w.plan.as_str(), w.plan_name.as_str()), ("free", "Free"));
    assert_eq!((w.setup.step, w.setup.reached, w.setup.completed), (2, 2, false));
    assert!(w.setup.goals.is_empty());
    // The same name again gets its own address.
    let twin = create(&wanda, "Corner Bakery", "services").await;
    assert_ne!(twin.id, w.id);
    assert_ne!(twin.slug, w.slug);
    assert!(twin.slug.starts_with("corner-bakery-"), "{}", twin.slug);
    let slugs: Vec<String> = {
        let db = env.srv.db().await;
        let mut c = db.collection::<Document>("workspaces").find(doc! {}).await.unwrap();
        let mut v = vec![];
        while c.advance().await.unwrap() {
            v.push(c.deserialize_current().unwrap().get_str("slug").unwrap().to_string());
        }
        v
    };
    assert_eq!(slugs.len(), 2);
    assert_ne!(slugs[0], slugs[1]);

    let list: Vec<WorkspaceSummary> = wanda.ok("list_workspaces", &[]).await;
    assert_eq!(list.len(), 2, "{list:?}");
    let mine = list.iter().find(|s| s.id == w.id).unwrap();
    assert_eq!((mine.name.as_str(), mine.slug.as_str(), mine.role, mine.setup_done), ("Corner Bakery", "corner-bakery", WorkspaceRole::Owner, false));
    assert!(list.iter().all(|s| s.role == WorkspaceRole::Owner));
    // Another person does not see them.
    let stranger = person(&env, "Sam Stranger", "sam@example.com").await;
    assert!(stranger.ok::<Vec<WorkspaceSummary>>("list_workspaces", &[]).await.is_empty());

    // Resuming: the other device sees exactly the step the first one saved.
    let resumes = |saved: WorkspaceDetail| {
        let other = other_device.clone();
        async move {
            let there = get(&other, &saved.id).await;
            assert_eq!(there.setup, saved.setup, "the other device sees another wizard state");
            saved
        }
    };
    resumes(w.clone()).await;

    // Step 2, goals: none, or one not on the list, is refused on `goals`.
    let ws = w.id.as_str();
    let err = wanda.fails("setup_goals", &pairs(&goals_form(ws, &[])), 422).await;
    assert!(err.field_message("goals").unwrap().contains("at least one"), "{err:?}");
    let err = wanda.fails("setup_goals", &pairs(&goals_form(ws, &["link_in_bio", "world_domination"])), 422).await;
    assert_eq!(err.field_message("goals").as_deref(), Some("Choose from the listed goals."));
    assert_eq!(get(&wanda, ws).await.setup, w.setup, "a refused step changed the wizard");
    // Forward past the furthest step reached is refused on `step`.
    let err = wanda.fails("setup_goto", &[("workspace", ws), ("step", "3")], 422).await;
    assert!(err.field_message("step").is_some(), "{err:?}");
    for step in ["0", "5"] {
        let err = wanda.fails("setup_goto", &[("workspace", ws), ("step", step)], 422).await;
        assert!(err.field_message("step").is_some(), "step {step}: {err:?}");
    }

    let w = resumes(wanda.ok("setup_goals", &pairs(&goals_form(ws, &["link_in_bio", " online_store ", "link_in_bio"]))).await).await;
    assert_eq!(w.setup.goals, ["link_in_bio", "online_store"]);
    assert_eq!((w.setup.step, w.setup.reached), (3, 3));
    let stored = find(&env, "workspaces", doc! { "_id": ws }).await.unwrap();
    let goals: Vec<&str> = stored.get_document("setup").unwrap().get_array("goals").unwrap().iter().map(|g| g.as_str().unwrap()).collect();
    assert_eq!(goals, ["link_in_bio", "online_store"]);

    // Back to step 1, then forward again to the furthest step reached.
    let w = resumes(wanda.ok("setup_goto", &[("workspace", ws), ("step", "1")]).await).await;
    assert_eq!((w.setup.step, w.setup.reached), (1, 3));
    let w = resumes(wanda.ok("setup_name", &[("workspace", ws), ("name", "Corner Bakery & Café"), ("kind", "shop")]).await).await;
    assert_eq!((w.name.as_str(), w.setup.step, w.setup.reached), ("Corner Bakery & Café", 2, 3));
    let w = resumes(wanda.ok("setup_goto", &[("workspace", ws), ("step", "3")]).await).await;
    assert_eq!(w.setup.step, 3);
    // The team step can be skipped: the plan step is reachable from it.
    let w = resumes(wanda.ok("setup_goto", &[("workspace", ws), ("step", "4")]).await).await;
    assert_eq!((w.setup.step, w.setup.reached), (4, 4));

    // Step 4: a paid plan cannot be bought without payment set up; the plan stays Free.
    let catalog: PlanCatalog = wanda.ok("list_plans", &[]).await;
    assert_eq!(catalog.plans.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["free", "pro", "enterprise"]);
    assert!(!catalog.payments_configured);
    let err = wanda.fails("setup_plan", &[("workspace", ws), ("plan", "pro"), ("interval", "yearly")], 422).await;
    assert!(err.field_message("plan").unwrap().contains("Payment is not set up"), "{err:?}");
    let err = wanda.fails("setup_plan", &[("workspace", ws), ("plan", "platinum"), ("interval", "monthly")], 422).await;
    assert!(err.field_message("plan").is_some(), "{err:?}");
    let err = wanda.fails("setup_plan", &[("workspace", ws), ("plan", "free"), ("interval", "weekly")], 422).await;
    assert!(err.field_message("interval").is_some(), "{err:?}");
    let now = resumes(get(&wanda, ws).await).await;
    assert_eq!((now.plan.as_str(), now.setup.completed), ("free", false));

    let w = resumes(wanda.ok("setup_plan", &[("workspace", ws), ("plan", "free"), ("interval", "monthly")]).await).await;
    assert!(w.setup.completed);
    assert_eq!((w.plan.as_str(), w.billing_interval.as_str()), ("free", "monthly"));
    let list: Vec<WorkspaceSummary> = other_device.ok("list_workspaces", &[]).await;
    assert!(list.iter().find(|s| s.id == ws).unwrap().setup_done);
    assert!(!list.iter().find(|s| s.id == twin.id).unwrap().setup_done);
}

#[tokio::test]
async fn without_plans_loaded_inviting_and_choosing_a_plan_say_so() {
    let env = start("ws_no_plans", &[]).await;
    let owner = person(&env, "Nora Noplans", "nora@example.com").await;
    let w = create(&owner, "Unplanned", "other").await;
    assert_eq!((w.plan.as_str(), w.plan_name.as_str()), ("free", "free"));
    let catalog: PlanCatalog = owner.ok("list_plans", &[]).await;
    assert!(catalog.plans.is_empty());

    let err = owner.fails("invite_member", &[("workspace", &w.id), ("email", "friend@example.com"), ("role", "editor")], 503).await;
    let AppError::Unavailable { message } = &err else { panic!("{err:?}") };
    assert!(message.contains("mewayz-server plans load"), "{message}");
    assert_eq!(env.count("invitations", doc! {}).await, 0);

    owner.ok::<WorkspaceDetail>("setup_goals", &pairs(&goals_form(&w.id, &["crm_email"]))).await;
    let err = owner.fails("setup_plan", &[("workspace", &w.id), ("plan", "free"), ("interval", "monthly")], 503).await;
    assert!(matches!(err, AppError::Unavailable { .. }), "{err:?}");
    assert!(!get(&owner, &w.id).await.setup.completed);

    // Once an administrator loads them, the same invitation goes through.
    env.load_default_plans().await;
    let pending = invite(&owner, &w.id, "friend@example.com", "editor").await;
    assert_eq!(pending.len(), 1);
    env.jobs_settled().await;
    assert!(mails(&env.sink, "friend@example.com", INVITE_SUBJECT).len() == 1);
}

// ---------------------------------------------------------------- 2. settings and the logo

#[tokio::test]
async fn settings_are_validated_versioned_and_the_logo_is_served() {
    let env = with_plans("ws_settings").await;
    let owner = person(&env, "Sofia Settings", "sofia@example.com").await;
    let w = create(&owner, "Blue Door", "services").await;
    let ws = w.id.as_str();
    let other = create(&owner, "Taken Address", "other").await;
    assert_eq!(other.slug, "taken-address");

    // A good save: values are normalised, the version moves on, and it is what is stored.
    let v = w.version.to_string();
    let saved: WorkspaceDetail =
        owner.ok("update_workspace", &settings(ws, " Blue Door Studio ", " Blue-Door ", "#12AB34", "America/New_York", "eur", &v)).await;
    assert_eq!(
        (saved.name.as_str(), saved.slug.as_str(), saved.brand_color.as_str(), saved.time_zone.as_str(), saved.currency.as_str()),
        ("Blue Door Studio", "blue-door", "#12ab34", "America/New_York", "EUR")
    );
    assert_eq!(saved.version, w.version + 1);
    assert_eq!(get(&owner, ws).await, saved);
    let stored = find(&env, "workspaces", doc! { "_id": ws }).await.unwrap();
    assert_eq!(stored.get_str("slug").unwrap(), "blue-door");
    assert_eq!(stored.get_i64("version").unwrap(), saved.version);

    // Each bad value is refused on its own field, and nothing changes.
    let v = saved.version.to_string();
    let cases: [([(&str, &str); 7], &str, &str); 7] = [
        (settings(ws, "Blue Door Studio", "taken-address", "#12ab34", "America/New_York", "EUR", &v), "slug", "already taken"),
        (settings(ws, "Blue Door Studio", "Bad Address!", "#12ab34", "America/New_York", "EUR", &v), "slug", "lowercase"),
        (settings(ws, "Blue Door Studio", "admin", "#12ab34", "America/New_York", "EUR", &v), "slug", "reserved"),
        (settings(ws, "Blue Door Studio", "blue-door", "red", "America/New_York", "EUR", &v), "brand_color", "#3149c9"),
        (settings(ws, "Blue Door Studio", "blue-door", "#12ab34", "Mars/Olympus", "EUR", &v), "time_zone", "time zone"),
        (settings(ws, "Blue Door Studio", "blue-door", "#12ab34", "America/New_York", "XXX", &v), "currency", "currencies"),
        (settings(ws, "", "blue-door", "#12ab34", "America/New_York", "EUR", &v), "name", "Enter"),
    ];
    for (form, field, says) in &cases {
        let err = owner.fails("update_workspace", form, 422).await;
        let msg = err.field_message(field).unwrap_or_else(|| panic!("no message on {field}: {err:?}"));
        assert!(msg.contains(says), "{field}: {msg}");
        assert_eq!(get(&owner, ws).await, saved, "a refused save on {field} changed the settings");
    }
    assert_eq!(get(&owner, &other.id).await.slug, "taken-address");

    // A save from a form loaded before the last save: refused with the server's copy.
    let stale = w.version.to_string();
    let err = owner.fails("update_workspace", &settings(ws, "Overwritten", "overwritten", "#000000", "UTC", "USD", &stale), 409).await;
    let AppError::Conflict { current } = err else { panic!("{err:?}") };
    let current: WorkspaceDetail = serde_json::from_value(current).unwrap();
    assert_eq!(current, saved);
    assert_eq!(get(&owner, ws).await, saved, "a conflicting save changed the settings");

    // The logo: a PNG is stored and served publicly as image/png at its versioned address.
    let with_logo: WorkspaceDetail = owner.ok("set_workspace_logo", &[("workspace", ws), ("logo", PNG_DATA_URL)]).await;
    let url = with_logo.logo_url.clone().expect("a logo address");
    assert!(url.starts_with(&format!("/logos/{ws}?v=")), "{url}");
    assert_eq!(with_logo.storage_used_bytes, png_bytes().len() as i64);
    assert_eq!(with_logo.version, saved.version + 1);
    let res = common::client().get(env.srv.url(&url)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await.unwrap().to_vec(), png_bytes());

    // SVG (it can carry script), a lying data URL and garbage are refused on `logo`.
    use base64::engine::general_purpose::STANDARD;
    let svg = format!("data:image/svg+xml;base64,{}", STANDARD.encode("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"));
    let fake_png = format!("data:image/png;base64,{}", STANDARD.encode("GIF? no: just text pretending"));
    for bad in [svg.as_str(), fake_png.as_str(), "not a data url at all", "data:image/png;base64,@@@@"] {
        let err = owner.fails("set_workspace_logo", &[("workspace", ws), ("logo", bad)], 422).await;
        assert!(err.field_message("logo").is_some(), "{bad}: {err:?}");
    }
    assert_eq!(get(&owner, ws).await, with_logo, "a refused logo changed the workspace");
    let res = common::client().get(env.srv.url(&format!("/logos/{ws}"))).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await.unwrap().to_vec(), png_bytes());

    let removed: WorkspaceDetail = owner.ok("remove_workspace_logo", &[("workspace", ws)]).await;
    assert_eq!((removed.logo_url.as_deref(), removed.storage_used_bytes), (None, 0));
    let res = common::client().get(env.srv.url(&format!("/logos/{ws}"))).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(env.count("workspace_logos", doc! {}).await, 0);

    let actions: Vec<String> = audit(&owner, ws).await.into_iter().rev().map(|e| e.action).collect();
    assert_eq!(actions, ["workspace_created", "settings_changed", "logo_changed", "logo_removed"]);
}

// ---------------------------------------------------------------- 3. invitations

#[tokio::test]
async fn an_invitation_is_mailed_and_only_the_invited_account_can_accept_it() {
    let env = with_plans("ws_invite_accept").await;
    let irene = person(&env, "Irene Inviter", "irene@example.com").await;
    let w = create(&irene, "Lantern Press", "creator").await;
    let ws = w.id.as_str();
    set_plan(&env, ws, "pro").await;

    // Refusals, each on its field, none stored.
    let err = irene.fails("invite_member", &[("workspace", ws), ("email", "not-an-address"), ("role", "editor")], 422).await;
    assert!(err.field_message("email").is_some(), "{err:?}");
    let err = irene.fails("invite_member", &[("workspace", ws), ("email", "jo@example.com"), ("role", "owner")], 422).await;
    assert!(err.field_message("role").unwrap().contains("Transfer ownership"), "{err:?}");
    let err = irene.fails("invite_member", &[("workspace", ws), ("email", "jo@example.com"), ("role", "superuser")], 422).await;
    assert!(err.field_message("role").is_some(), "{err:?}");
    let err = irene.fails("invite_member", &[("workspace", ws), ("email", " IRENE@example.com"), ("role", "editor")], 422).await;
    assert!(err.field_message("email").unwrap().contains("already a member"), "{err:?}");
    assert_eq!(env.count("invitations", doc! {}).await, 0);

    let pending = invite(&irene, ws, "Jo@Example.com", "editor").await;
    assert_eq!(pending.len(), 1);
    let p = &pending[0];
    assert_eq!((p.email.as_str(), p.role, p.invited_by.as_str(), p.expired), ("jo@example.com", WorkspaceRole::Editor, "Irene Inviter", false));
    let week = 7 * 24 * 3600 * 1000;
    assert!((p.expires_at_ms - p.sent_at_ms - week).abs() < 5_000, "{p:?}");
    let err = irene.fails("invite_member", &[("workspace", ws), ("email", "jo@example.com"), ("role", "viewer")], 422).await;
    assert!(err.field_message("email").unwrap().contains("pending invitation"), "{err:?}");
    assert_eq!(env.count("invitations", doc! {}).await, 1);

    let mail = nth_mail(&env.sink, "jo@example.com", INVITE_SUBJECT, 1).await;
    assert!(mail.subject().unwrap().contains("Lantern Press"), "{:?}", mail.subject());
    assert!(mail.links().iter().any(|l| l.contains("/invite?token=")), "{:?}", mail.links());
    // The role's description is a sentence of its own: no "…content.)." at its end.
    let text = mail.text_body();
    assert!(text.contains("on Mewayz. Your role: Editor. Can create and edit content.\n"), "{text}");
    assert!(!text.contains(".)") && !text.contains(".)."), "{text}");
    let token = link_token(&mail);
    let stored = find(&env, "invitations", doc! {}).await.unwrap();
    assert_ne!(stored.get_str("token_hash").unwrap(), token, "the link's secret is stored in clear");

    // Signed out, the link shows what it is about.
    let preview: InvitationPreview = env.browser().ok("preview_invitation", &[("token", &token)]).await;
    assert_eq!(
        (preview.workspace_name.as_str(), preview.invited_by.as_str(), preview.email.as_str(), preview.role, preview.can_accept),
        ("Lantern Press", "Irene Inviter", "jo@example.com", WorkspaceRole::Editor, false)
    );
    assert!(preview.blocker.unwrap().contains("jo@example.com"));

    // Someone else, signed in, cannot accept it; nothing changes.
    let mallory = person(&env, "Mallory Else", "mallory@example.com").await;
    let preview: InvitationPreview = mallory.ok("preview_invitation", &[("token", &token)]).await;
    assert!(!preview.can_accept);
    assert!(preview.blocker.unwrap().contains("mallory@example.com"));
    let before = probe::workspace_snapshot(&env, ws).await;
    let err = mallory.fails("accept_invitation", &[("token", &token)], 422).await;
    assert!(err.field_message("token").unwrap().contains("jo@example.com"), "{err:?}");
    probe::assert_unchanged(&probe::workspace_snapshot(&env, ws).await, &before, "accepting someone else's invitation");
    mallory.fails("get_workspace", &[("workspace", ws)], 404).await;
    env.browser().fails("accept_invitation", &[("token", &token)], 401).await;

    // The invited, confirmed account accepts and becomes an editor.
    let jo = person(&env, "Jo Joiner", "jo@example.com").await;
    let jo_id = jo.me().await.unwrap().id;
    let preview: InvitationPreview = jo.ok("preview_invitation", &[("token", &token)]).await;
    assert!(preview.can_accept);
    assert_eq!(preview.blocker, None);
    let joined: Joined = jo.ok("accept_invitation", &[("token", &token)]).await;
    assert_eq!((joined.workspace.id.as_str(), joined.workspace.role), (ws, WorkspaceRole::Editor));
    assert_eq!(role_of(&members(&irene, ws).await, &jo_id), Some(WorkspaceRole::Editor));
    assert_eq!(get(&jo, ws).await.role, WorkspaceRole::Editor);
    assert!(invitations(&irene, ws).await.is_empty());
    let mine: Vec<WorkspaceSummary> = jo.ok("list_workspaces", &[]).await;
    assert_eq!(mine.iter().map(|s| (s.id.as_str(), s.role)).collect::<Vec<_>>(), [(ws, WorkspaceRole::Editor)]);

    // The link is spent; a tampered one was never valid.
    let err = jo.fails("accept_invitation", &[("token", &token)], 422).await;
    assert!(err.field_message("token").unwrap().contains("already been accepted"), "{err:?}");
    let mut tampered = token.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let err = jo.fails("accept_invitation", &[("token", &tampered)], 422).await;
    assert!(err.field_message("token").unwrap().contains("not valid"), "{err:?}");
    let err = env.browser().fails("preview_invitation", &[("token", &tampered)], 422).await;
    assert!(err.field_message("token").unwrap().contains("not valid"), "{err:?}");
    assert_eq!(env.count("members", doc! { "workspace_id": ws }).await, 2);

    let actions: Vec<String> = audit(&irene, ws).await.into_iter().rev().map(|e| e.action).collect();
    assert_eq!(actions, ["workspace_created", "member_invited", "member_joined"]);
}

#[tokio::test]
async fn invitation_links_expire_are_replaced_by_resending_and_can_be_revoked_or_declined() {
    let env = with_plans("ws_invite_links").await;
    let owner = person(&env, "Otto Owner", "otto@example.com").await;
    let w = create(&owner, "Fern Gully Goods", "shop").await;
    let ws = w.id.as_str();
    set_plan(&env, ws, "pro").await;

    // Expired: the link says so, accepting fails the same way, the list marks it.
    invite(&owner, ws, "ada@example.com", "viewer").await;
    let first = link_token(&nth_mail(&env.sink, "ada@example.com", INVITE_SUBJECT, 1).await);
    let past = DateTime::from_millis(DateTime::now().timestamp_millis() - 60_000);
    let r = env
        .srv
        .db()
        .await
        .collection::<Document>("invitations")
        .update_one(doc! { "email": "ada@example.com" }, doc! { "$set": { "expires_at": past } })
        .await
        .unwrap();
    assert_eq!(r.modified_count, 1);
    let err = env.browser().fails("preview_invitation", &[("token", &first)], 422).await;
    assert!(err.field_message("token").unwrap().contains("expired"), "{err:?}");
    let ada = person(&env, "Ada Late", "ada@example.com").await;
    let err = ada.fails("accept_invitation", &[("token", &first)], 422).await;
    assert!(err.field_message("token").unwrap().contains("expired"), "{err:?}");
    let list = invitations(&owner, ws).await;
    assert_eq!(list.len(), 1);
    assert!(list[0].expired);
    ada.fails("get_workspace", &[("workspace", ws)], 404).await;

    // Resending mails a new link with a new week; the old link stops working.
    let list: Vec<PendingInvitation> = owner.ok("resend_invitation", &[("workspace", ws), ("invitation", &list[0].id)]).await;
    assert!(!list[0].expired);
    assert!(list[0].expires_at_ms > DateTime::now().timestamp_millis() + 6 * 24 * 3600 * 1000);
    let second = link_token(&nth_mail(&env.sink, "ada@example.com", INVITE_SUBJECT, 2).await);
    assert_ne!(second, first);
    let err = ada.fails("accept_invitation", &[("token", &first)], 422).await;
    assert!(err.field_message("token").unwrap().contains("not valid"), "{err:?}");
    let joined: Joined = ada.ok("accept_invitation", &[("token", &second)]).await;
    assert_eq!(joined.workspace.role, WorkspaceRole::Viewer);

    // Revoked: the link says it was withdrawn, and it cannot be resent.
    let list = invite(&owner, ws, "bo@example.com", "editor").await;
    let bo_inv = list.iter().find(|i| i.email == "bo@example.com").unwrap().id.clone();
    let bo_token = link_token(&nth_mail(&env.sink, "bo@example.com", INVITE_SUBJECT, 1).await);
    let after: Vec<PendingInvitation> = owner.ok("revoke_invitation", &[("workspace", ws), ("invitation", &bo_inv)]).await;
    assert!(after.iter().all(|i| i.email != "bo@example.com"), "{after:?}");
    let err = env.browser().fails("preview_invitation", &[("token", &bo_token)], 422).await;
    assert!(err.field_message("token").unwrap().contains("withdrawn"), "{err:?}");
    owner.fails("resend_invitation", &[("workspace", ws), ("invitation", &bo_inv)], 404).await;
    owner.fails("revoke_invitation", &[("workspace", ws), ("invitation", &bo_inv)], 404).await;

    // Declined, by whoever holds the link, without signing in.
    invite(&owner, ws, "cy@example.com", "viewer").await;
    let cy_token = link_token(&nth_mail(&env.sink, "cy@example.com", INVITE_SUBJECT, 1).await);
    env.browser().ok::<()>("decline_invitation", &[("token", &cy_token)]).await;
    let err = env.browser().fails("preview_invitation", &[("token", &cy_token)], 422).await;
    assert!(err.field_message("token").unwrap().contains("declined"), "{err:?}");
    env.browser().fails("decline_invitation", &[("token", &cy_token)], 422).await;
    assert_eq!(find(&env, "invitations", doc! { "email": "cy@example.com" }).await.unwrap().get_str("status").unwrap(), "declined");
    assert!(invitations(&owner, ws).await.is_empty());

    let actions: Vec<String> = audit(&owner, ws).await.into_iter().rev().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            "workspace_created",
            "member_invited",
            "invitation_resent",
            "member_joined",
            "member_invited",
            "invitation_revoked",
            "member_invited",
            "invitation_declined"
        ]
    );
}

// ---------------------------------------------------------------- 4. roles

#[tokio::test]
async fn roles_decide_who_may_manage_the_team_and_there_is_always_exactly_one_owner() {
    let env = with_plans("ws_roles").await;
    let olivia = person(&env, "Olivia Owner", "olivia@example.com").await;
    let olivia_id = olivia.me().await.unwrap().id;
    let w = create(&olivia, "Harbour Yoga", "coach").await;
    let ws = w.id.as_str();
    set_plan(&env, ws, "pro").await;
    let (adam, adam_id) = join(&env, &olivia, ws, "Adam Admin", "adam@example.com", "admin").await;
    let (eddie, eddie_id) = join(&env, &olivia, ws, "Eddie Editor", "eddie@example.com", "editor").await;
    let (vivian, vivian_id) = join(&env, &olivia, ws, "Vivian Viewer", "vivian@example.com", "viewer").await;
    let team = members(&olivia, ws).await;
    assert_eq!(
        team.iter().map(|m| (m.name.as_str(), m.role)).collect::<Vec<_>>(),
        [
            ("Olivia Owner", WorkspaceRole::Owner),
            ("Adam Admin", WorkspaceRole::Admin),
            ("Eddie Editor", WorkspaceRole::Editor),
            ("Vivian Viewer", WorkspaceRole::Viewer)
        ]
    );
    assert_eq!(team.iter().filter(|m| m.you).map(|m| m.user_id.as_str()).collect::<Vec<_>>(), [olivia_id.as_str()]);

    // An editor cannot invite, or make themself admin.
    let err = eddie.fails("invite_member", &[("workspace", ws), ("email", "friend@example.com"), ("role", "viewer")], 403).await;
    assert_eq!(err, AppError::Forbidden);
    assert_eq!(env.count("invitations", doc! { "status": "pending" }).await, 0);
    eddie.fails("change_member_role", &[("workspace", ws), ("member", &eddie_id), ("role", "admin")], 403).await;
    assert_eq!(role_of(&members(&olivia, ws).await, &eddie_id), Some(WorkspaceRole::Editor));
    // A viewer cannot edit the settings.
    let v = get(&vivian, ws).await;
    assert_eq!(v.role, WorkspaceRole::Viewer);
    vivian.fails("update_workspace", &settings(ws, "Viewer Was Here", "viewer-was-here", "#000000", "UTC", "USD", &v.version.to_string()), 403).await;
    assert_eq!(get(&olivia, ws).await.name, "Harbour Yoga");

    // An admin cannot demote or remove the owner, nor make anyone owner.
    let before = probe::workspace_snapshot(&env, ws).await;
    let err = adam.fails("change_member_role", &[("workspace", ws), ("member", &olivia_id), ("role", "admin")], 422).await;
    assert!(err.field_message("role").unwrap().contains("owner's role cannot be changed"), "{err:?}");
    let err = adam.fails("remove_member", &[("workspace", ws), ("member", &olivia_id)], 422).await;
    assert!(err.field_message("member").unwrap().contains("owner cannot be removed"), "{err:?}");
    let err = adam.fails("change_member_role", &[("workspace", ws), ("member", &eddie_id), ("role", "owner")], 422).await;
    assert!(err.field_message("role").unwrap().contains("exactly one owner"), "{err:?}");
    adam.fails("transfer_ownership", &[("workspace", ws), ("member", &adam_id)], 403).await;
    probe::assert_unchanged(&probe::workspace_snapshot(&env, ws).await, &before, "an admin's refused changes to the owner");

    // An admin manages the others.
    let team: Vec<MemberInfo> = adam.ok("change_member_role", &[("workspace", ws), ("member", &eddie_id), ("role", "admin")]).await;
    assert_eq!(role_of(&team, &eddie_id), Some(WorkspaceRole::Admin));
    let team: Vec<MemberInfo> = adam.ok("change_member_role", &[("workspace", ws), ("member", &eddie_id), ("role", "editor")]).await;
    assert_eq!(role_of(&team, &eddie_id), Some(WorkspaceRole::Editor));
    assert_eq!(get(&eddie, ws).await.role, WorkspaceRole::Editor);

    // The owner cannot leave; a member can.
    let err = olivia.fails("leave_workspace", &[("workspace", ws)], 422).await;
    assert!(err.field_message("member").unwrap().contains("Transfer ownership"), "{err:?}");
    assert_eq!(role_of(&members(&olivia, ws).await, &olivia_id), Some(WorkspaceRole::Owner));
    vivian.ok::<()>("leave_workspace", &[("workspace", ws)]).await;
    vivian.fails("get_workspace", &[("workspace", ws)], 404).await;
    assert!(vivian.ok::<Vec<WorkspaceSummary>>("list_workspaces", &[]).await.is_empty());
    assert_eq!(role_of(&members(&olivia, ws).await, &vivian_id), None);

    // Removing a member ends their access at once.
    let team: Vec<MemberInfo> = olivia.ok("remove_member", &[("workspace", ws), ("member", &eddie_id)]).await;
    assert_eq!(role_of(&team, &eddie_id), None);
    eddie.fails("get_workspace", &[("workspace", ws)], 404).await;
    let err = olivia.fails("remove_member", &[("workspace", ws), ("member", &olivia_id)], 422).await;
    assert!(err.field_message("member").is_some(), "{err:?}");

    // Ownership moves whole: exactly one owner afterwards, the former owner is an admin.
    let err = olivia.fails("transfer_ownership", &[("workspace", ws), ("member", &olivia_id)], 422).await;
    assert!(err.field_message("member").is_some(), "{err:?}");
    olivia.fails("transfer_ownership", &[("workspace", ws), ("member", &vivian_id)], 404).await;
    let team: Vec<MemberInfo> = olivia.ok("transfer_ownership", &[("workspace", ws), ("member", &adam_id)]).await;
    let owners: Vec<&str> = team.iter().filter(|m| m.role == WorkspaceRole::Owner).map(|m| m.user_id.as_str()).collect();
    assert_eq!(owners, [adam_id.as_str()]);
    assert_eq!(role_of(&team, &olivia_id), Some(WorkspaceRole::Admin));
    assert_eq!(env.count("members", doc! { "workspace_id": ws, "role": "owner" }).await, 1);
    assert_eq!(find(&env, "workspaces", doc! { "_id": ws }).await.unwrap().get_str("owner_id").unwrap(), adam_id);
    assert_eq!((get(&olivia, ws).await.role, get(&adam, ws).await.role), (WorkspaceRole::Admin, WorkspaceRole::Owner));
    assert_eq!(get(&olivia, ws).await.owner_name, "Adam Admin");
    // The former owner now has an admin's limits.
    olivia.fails("transfer_ownership", &[("workspace", ws), ("member", &olivia_id)], 403).await;
    olivia.fails("delete_workspace", &[("workspace", ws), ("confirm_name", "Harbour Yoga")], 403).await;
    let err = adam.fails("leave_workspace", &[("workspace", ws)], 422).await;
    assert!(err.field_message("member").is_some(), "{err:?}");
    olivia.ok::<()>("leave_workspace", &[("workspace", ws)]).await;
    assert_eq!(members(&adam, ws).await.len(), 1);
}

// ---------------------------------------------------------------- 5. plan limits

#[tokio::test]
async fn free_plan_seats_count_members_and_pending_invitations() {
    let env = with_plans("ws_limits").await;
    let owner = person(&env, "Lena Limits", "lena@example.com").await;
    let w = create(&owner, "Tiny Team", "services").await;
    let ws = w.id.as_str();
    assert_eq!(w.plan, "free");

    // The owner and one pending invitation fill Free's two seats.
    let pending = invite(&owner, ws, "first@example.com", "editor").await;
    let err = owner.fails("invite_member", &[("workspace", ws), ("email", "second@example.com"), ("role", "viewer")], 402).await;
    assert_eq!(err, AppError::LimitReached { limit: "team members".into(), plan: "Free".into(), upgrade_to: Some("Pro".into()) });
    assert_eq!(err.to_string(), "You have reached the team members limit of the Free plan. Upgrade to Pro to lift it.");
    assert_eq!(env.count("invitations", doc! { "email": "second@example.com" }).await, 0);
    env.jobs_settled().await;
    assert!(mails(&env.sink, "second@example.com", "").is_empty());
    assert_eq!(mails(&env.sink, "first@example.com", INVITE_SUBJECT).len(), 1);

    // Withdrawing the invitation frees its seat.
    owner.ok::<Vec<PendingInvitation>>("revoke_invitation", &[("workspace", ws), ("invitation", &pending[0].id)]).await;
    invite(&owner, ws, "second@example.com", "viewer").await;
    owner.fails("invite_member", &[("workspace", ws), ("email", "third@example.com"), ("role", "viewer")], 402).await;
    // So does an expired one.
    let past = DateTime::from_millis(DateTime::now().timestamp_millis() - 1_000);
    env.srv.db().await.collection::<Document>("invitations").update_many(doc! { "status": "pending" }, doc! { "$set": { "expires_at": past } }).await.unwrap();
    invite(&owner, ws, "third@example.com", "viewer").await;
    // Reviving an expired invitation takes a seat again, so it is refused while none is free.
    let expired = find(&env, "invitations", doc! { "email": "second@example.com" }).await.unwrap();
    let before = probe::workspace_snapshot(&env, ws).await;
    let err = owner.fails("resend_invitation", &[("workspace", ws), ("invitation", expired.get_str("_id").unwrap())], 402).await;
    assert!(matches!(err, AppError::LimitReached { ref limit, .. } if limit == "team members"), "{err:?}");
    probe::assert_unchanged(&probe::workspace_snapshot(&env, ws).await, &before, "a refused resend");
    env.jobs_settled().await;
    assert_eq!(mails(&env.sink, "second@example.com", INVITE_SUBJECT).len(), 1, "a refused resend sent a new link");
    // A member holds a seat as a pending invitation does.
    let third = person(&env, "Third Person", "third@example.com").await;
    let token = link_token(&nth_mail(&env.sink, "third@example.com", INVITE_SUBJECT, 1).await);
    third.ok::<Joined>("accept_invitation", &[("token", &token)]).await;
    let err = owner.fails("invite_member", &[("workspace", ws), ("email", "fourth@example.com"), ("role", "viewer")], 402).await;
    assert!(matches!(err, AppError::LimitReached { ref plan, .. } if plan == "Free"), "{err:?}");
}

// ---------------------------------------------------------------- 6. audit log

#[tokio::test]
async fn the_audit_log_records_team_and_settings_changes_for_owners_and_admins_only() {
    let env = with_plans("ws_audit").await;
    let owner = person(&env, "Aurora Owner", "aurora@example.com").await;
    let w = create(&owner, "Quiet Cove", "nonprofit").await;
    let ws = w.id.as_str();
    set_plan(&env, ws, "pro").await;
    let (admin, _) = join(&env, &owner, ws, "Abel Admin", "abel@example.com", "admin").await;
    let (editor, editor_id) = join(&env, &owner, ws, "Elsa Editor", "elsa@example.com", "editor").await;
    let (viewer, _) = join(&env, &owner, ws, "Vic Viewer", "vic@example.com", "viewer").await;

    let v = get(&owner, ws).await.version.to_string();
    owner.ok::<WorkspaceDetail>("update_workspace", &settings(ws, "Quiet Cove Trust", &w.slug, &w.brand_color, &w.time_zone, "GBP", &v)).await;
    admin.ok::<Vec<MemberInfo>>("change_member_role", &[("workspace", ws), ("member", &editor_id), ("role", "viewer")]).await;
    let list = invite(&admin, ws, "maybe@example.com", "editor").await;
    admin.ok::<Vec<PendingInvitation>>("revoke_invitation", &[("workspace", ws), ("invitation", &list[0].id)]).await;
    owner.ok::<Vec<MemberInfo>>("remove_member", &[("workspace", ws), ("member", &editor_id)]).await;

    let log = audit(&owner, ws).await;
    assert!(log.windows(2).all(|p| p[0].at_ms >= p[1].at_ms), "not newest first: {log:?}");
    let oldest_first: Vec<(&str, &str)> = log.iter().rev().map(|e| (e.action.as_str(), e.actor.as_str())).collect();
    assert_eq!(
        oldest_first,
        [
            ("workspace_created", "Aurora Owner"),
            ("member_invited", "Aurora Owner"),
            ("member_joined", "Abel Admin"),
            ("member_invited", "Aurora Owner"),
            ("member_joined", "Elsa Editor"),
            ("member_invited", "Aurora Owner"),
            ("member_joined", "Vic Viewer"),
            ("settings_changed", "Aurora Owner"),
            ("member_role_changed", "Abel Admin"),
            ("member_invited", "Abel Admin"),
            ("invitation_revoked", "Abel Admin"),
            ("member_removed", "Aurora Owner"),
        ]
    );
    let detail = |action: &str| log.iter().find(|e| e.action == action).unwrap().detail.clone();
    assert_eq!(detail("settings_changed"), "Changed the name “Quiet Cove” → “Quiet Cove Trust”, currency USD → GBP");
    assert_eq!(detail("member_role_changed"), "Changed Elsa Editor's role from Editor to Viewer");
    assert_eq!(detail("invitation_revoked"), "Revoked the invitation to maybe@example.com");
    assert_eq!(detail("member_removed"), "Removed Elsa Editor (Viewer)");

    assert_eq!(audit(&admin, ws).await, log);
    assert_eq!(viewer.fails("workspace_audit_log", &[("workspace", ws)], 403).await, AppError::Forbidden);
    editor.fails("workspace_audit_log", &[("workspace", ws)], 404).await; // removed above
    let (editor2, _) = join(&env, &owner, ws, "Ed Two", "ed2@example.com", "editor").await;
    assert_eq!(editor2.fails("workspace_audit_log", &[("workspace", ws)], 403).await, AppError::Forbidden);
}

// ---------------------------------------------------------------- getting started and languages

async fn steps(b: &Browser, ws: &str) -> StartChecklist {
    b.ok("getting_started", &[("workspace", ws)]).await
}

fn keys(list: &StartChecklist) -> Vec<(&str, bool)> {
    list.steps.iter().map(|s| (s.key.as_str(), s.done)).collect()
}

#[tokio::test]
async fn getting_started_follows_the_chosen_goals_and_the_workspace_records() {
    let env = with_plans("ws_getting_started").await;
    let owner = person(&env, "Gina Goals", "gina@example.com").await;
    let w = create(&owner, "Gina Makes", "creator").await;
    let ws = w.id.as_str();
    set_plan(&env, ws, "pro").await;

    // Before any goal: only the steps every workspace has.
    assert_eq!(keys(&steps(&owner, ws).await), [("goals", false), ("team", false), ("logo", false)]);

    // "Link in bio" brings the bio page steps; the online store, which Mewayz does not have
    // yet, brings none and is named as not available.
    owner.ok::<WorkspaceDetail>("setup_goals", &pairs(&goals_form(ws, &["online_store", "link_in_bio"]))).await;
    let list = steps(&owner, ws).await;
    assert_eq!(keys(&list), [("goals", true), ("bio_page", false), ("bio_publish", false), ("media", false), ("team", false), ("logo", false)]);
    assert_eq!(list.not_yet, ["online_store"]);
    let hrefs: Vec<&str> = list.steps.iter().map(|s| s.href.as_str()).collect();
    assert_eq!(hrefs, ["/setup", "/bio", "/bio", "/media", "/workspace/team", "/workspace/settings"]);

    // Each step is done from the records: a draft page, then publishing it, an image, an
    // invitation, a logo.
    let page: app::bio::BioPage = owner.ok("create_bio_page", &[("workspace", ws), ("handle", "gina.makes")]).await;
    assert_eq!(keys(&steps(&owner, ws).await)[1..3], [("bio_page", true), ("bio_publish", false)]);
    owner.ok::<app::bio::BioPage>("publish_bio_page", &[("workspace", ws), ("page", &page.id), ("version", &page.version.to_string())]).await;
    owner.ok::<serde_json::Value>("upload_media", &[("workspace", ws), ("name", "dot.png"), ("data", PNG_DATA_URL)]).await;
    invite(&owner, ws, "helper@example.com", "editor").await;
    owner.ok::<WorkspaceDetail>("set_workspace_logo", &[("workspace", ws), ("logo", PNG_DATA_URL)]).await;
    let list = steps(&owner, ws).await;
    assert!(list.steps.iter().all(|s| s.done), "{list:?}");

    // "Social growth" adds a short link; a step two goals share is listed once.
    owner.ok::<WorkspaceDetail>("setup_goals", &pairs(&goals_form(ws, &["link_in_bio", "social_growth"]))).await;
    let list = steps(&owner, ws).await;
    let names: Vec<&str> = list.steps.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(names, ["goals", "bio_page", "bio_publish", "media", "short_link", "team", "logo"]);
    assert!(list.not_yet.is_empty());
    assert_eq!(list.steps[4], app::workspaces::StartStep { key: "short_link".into(), href: "/links".into(), done: false });
    owner.ok::<serde_json::Value>("create_short_link", &[("workspace", ws), ("url", "https://example.com/shop"), ("slug", "gina-shop")]).await;
    assert!(steps(&owner, ws).await.steps.iter().all(|s| s.done));

    // Only goals Mewayz cannot serve yet: no invented step, and they are named.
    let other = create(&owner, "Gina Courses", "coach").await;
    owner.ok::<WorkspaceDetail>("setup_goals", &pairs(&goals_form(&other.id, &["crm_email", "courses_community"]))).await;
    let list = steps(&owner, &other.id).await;
    assert_eq!(keys(&list), [("goals", true), ("team", false), ("logo", false)]);
    assert_eq!(list.not_yet, ["crm_email", "courses_community"]);

    // Each person sees the steps their role can take: an editor the content steps, a viewer none.
    let (editor, _) = join(&env, &owner, ws, "Eddie Editor", "eddie@example.com", "editor").await;
    let names: Vec<String> = steps(&editor, ws).await.steps.into_iter().map(|s| s.key).collect();
    assert_eq!(names, ["bio_page", "bio_publish", "media", "short_link"]);
    let (viewer, _) = join(&env, &owner, ws, "Vera Viewer", "vera@example.com", "viewer").await;
    assert!(steps(&viewer, ws).await.steps.is_empty());
}

#[tokio::test]
async fn the_invitation_and_the_messages_are_in_the_inviters_language() {
    let env = with_plans("ws_french").await;
    let owner = person(&env, "Odile Owner", "odile@example.com").await;
    owner.set_cookie("lang=fr; Path=/");
    let w = create(&owner, "Atelier Odile", "shop").await;
    let ws = w.id.as_str();
    set_plan(&env, ws, "pro").await;

    let err = owner.fails("invite_member", &[("workspace", ws), ("email", "jo@example.com"), ("role", "owner")], 422).await;
    assert_eq!(
        err.field_message("role").as_deref(),
        Some("Il n’y a qu’un seul propriétaire. Pour céder ce rôle, utilisez « Nommer propriétaire » dans la liste des membres.")
    );
    let err = owner.fails("create_workspace", &[("name", "Atelier"), ("kind", "spaceship")], 422).await;
    assert_eq!(err.field_message("kind").as_deref(), Some("Choisissez à quoi sert l’espace de travail."));

    invite(&owner, ws, "jo@example.com", "viewer").await;
    let mail = nth_mail(&env.sink, "jo@example.com", "vous invite à rejoindre", 1).await;
    assert_eq!(mail.subject().unwrap(), "Odile Owner vous invite à rejoindre Atelier Odile sur Mewayz");
    let text = mail.text_body();
    assert!(
        text.contains(
            "Odile Owner vous invite à rejoindre l’espace de travail « Atelier Odile » sur Mewayz. Votre rôle : Lecteur. Peut tout voir, sans rien modifier.\n"
        ),
        "{text}"
    );
    assert!(text.contains("Le lien expire dans 7 jours."), "{text}");
    assert!(!text.contains(".)"), "{text}");

    // The audit log records it as the French-speaking owner did it.
    let log = audit(&owner, ws).await;
    assert_eq!(log[0].detail, "A invité jo@example.com en tant que Lecteur");
    assert_eq!(log[1].detail, "A créé l’espace de travail « Atelier Odile »");
}

// ---------------------------------------------------------------- 7. export and deletion

#[tokio::test]
async fn only_the_owner_deletes_a_workspace_after_typing_its_name_and_the_export_has_everything() {
    let env = with_plans("ws_delete").await;
    let owner = person(&env, "Dora Deleter", "dora@example.com").await;
    let w = create(&owner, "Short Lived Shop", "shop").await;
    let ws = w.id.as_str();
    set_plan(&env, ws, "pro").await;
    let (admin, admin_id) = join(&env, &owner, ws, "Ari Admin", "ari@example.com", "admin").await;
    invite(&owner, ws, "pending@example.com", "viewer").await;
    let pending_token = link_token(&nth_mail(&env.sink, "pending@example.com", INVITE_SUBJECT, 1).await);
    owner.ok::<WorkspaceDetail>("set_workspace_logo", &[("workspace", ws), ("logo", PNG_DATA_URL)]).await;
    // A bystander's workspace, which must come through untouched.
    let bystander = person(&env, "Bea Bystander", "bea@example.com").await;
    let theirs = create(&bystander, "Bystander Bakes", "shop").await;
    let theirs_before = probe::workspace_snapshot(&env, &theirs.id).await;
    let log = audit(&owner, ws).await;

    // The export: a download of every record, without the invitation secrets.
    let res = owner.get(&format!("/api/export/{ws}")).await;
    assert_eq!(res.status(), 200);
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.starts_with("attachment; filename=\"mewayz-short-lived-shop-"), "{disposition}");
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let text = res.text().await.unwrap();
    assert!(!text.contains("token_hash"), "the export carries invitation secrets");
    let export: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(export["format"], "mewayz-workspace-export");
    assert_eq!(export["workspace"]["name"], "Short Lived Shop");
    assert_eq!(export["workspace"]["_id"], ws);
    let c = &export["collections"];
    let mut member_ids: Vec<&str> = c["members"].as_array().unwrap().iter().map(|m| m["user_id"].as_str().unwrap()).collect();
    member_ids.sort();
    let mut expected = vec![owner.me().await.unwrap().id, admin_id.clone()];
    expected.sort();
    assert_eq!(member_ids, expected);
    assert!(c["members"].as_array().unwrap().iter().all(|m| m["workspace_id"] == ws));
    let exported_actions: Vec<&str> = c["audit_log"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for entry in &log {
        assert!(exported_actions.contains(&entry.action.as_str()), "{} missing from the export: {exported_actions:?}", entry.action);
    }
    assert_eq!(exported_actions.len(), log.len());
    let invited: Vec<&str> = c["invitations"].as_array().unwrap().iter().map(|i| i["email"].as_str().unwrap()).collect();
    assert!(invited.contains(&"pending@example.com"), "{invited:?}");
    let logo = c["workspace_logos"][0]["data"].as_str().unwrap();
    assert_eq!(base64::engine::general_purpose::STANDARD.decode(logo).unwrap(), png_bytes());
    assert!(!text.contains("Bystander Bakes"));
    // Only the owner exports; a client without the session gets nothing.
    assert_eq!(admin.get(&format!("/api/export/{ws}")).await.status(), 403);
    assert_eq!(common::client().get(env.srv.url(&format!("/api/export/{ws}"))).send().await.unwrap().status(), 401);
    // The export itself is in the log.
    assert_eq!(audit(&owner, ws).await[0].action, "workspace_exported");

    // An admin cannot delete; the owner must type the name exactly.
    let before = probe::workspace_snapshot(&env, ws).await;
    assert_eq!(admin.fails("delete_workspace", &[("workspace", ws), ("confirm_name", "Short Lived Shop")], 403).await, AppError::Forbidden);
    for wrong in ["short lived shop", "Short Lived", ""] {
        let err = owner.fails("delete_workspace", &[("workspace", ws), ("confirm_name", wrong)], 422).await;
        assert!(err.field_message("confirm_name").unwrap().contains("Short Lived Shop"), "{err:?}");
    }
    probe::assert_unchanged(&probe::workspace_snapshot(&env, ws).await, &before, "a refused deletion");

    owner.ok::<()>("delete_workspace", &[("workspace", ws), ("confirm_name", " Short Lived Shop ")]).await;
    assert_eq!(env.count("workspaces", doc! { "_id": ws }).await, 0);
    for collection in ["members", "invitations", "audit_log", "workspace_logos"] {
        assert_eq!(env.count(collection, doc! { "workspace_id": ws }).await, 0, "{collection} left behind");
    }
    assert!(matches!(owner.fails("get_workspace", &[("workspace", ws)], 404).await, AppError::NotFound { .. }));
    admin.fails("get_workspace", &[("workspace", ws)], 404).await;
    assert!(owner.ok::<Vec<WorkspaceSummary>>("list_workspaces", &[]).await.is_empty());
    assert_eq!(common::client().get(env.srv.url(&format!("/logos/{ws}"))).send().await.unwrap().status(), 404);
    assert_eq!(owner.get(&format!("/api/export/{ws}")).await.status(), 404);
    let err = env.browser().fails("preview_invitation", &[("token", &pending_token)], 422).await;
    assert!(err.field_message("token").is_some(), "{err:?}");
    probe::assert_unchanged(&probe::workspace_snapshot(&env, &theirs.id).await, &theirs_before, "deleting another workspace");
}

// ---------------------------------------------------------------- 8. the cross-workspace probe

/// The form fields of every fn of the module for the probe (after `workspace`).
fn probe_args(endpoint: &str, fx: &Fixture) -> Option<Vec<(String, String)>> {
    let v = &fx.victim;
    let f = |pairs: &[(&str, &str)]| Some(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
    // A link the outsider does not hold: the victim's, with its last character changed.
    let mut guessed = v.invitation_token.clone();
    let last = guessed.pop().unwrap();
    guessed.push(if last == 'x' { 'y' } else { 'x' });
    match endpoint {
        "list_workspaces"
        | "list_plans"
        | "get_workspace"
        | "getting_started"
        | "remove_workspace_logo"
        | "workspace_audit_log"
        | "list_members"
        | "list_invitations"
        | "leave_workspace" => f(&[]),
        "create_workspace" => f(&[("name", "Made By The Probe"), ("kind", "other")]),
        "update_workspace" => {
            f(&[("name", "Taken Over"), ("slug", "taken-over"), ("brand_color", "#000000"), ("time_zone", "UTC"), ("currency", "USD"), ("version", "1")])
        }
        "set_workspace_logo" => f(&[("logo", PNG_DATA_URL)]),
        "setup_name" => f(&[("name", "Taken Over"), ("kind", "other")]),
        "setup_goals" => f(&[("goals[0]", "crm_email")]),
        "setup_goto" => f(&[("step", "1")]),
        "setup_plan" => f(&[("plan", "free"), ("interval", "monthly")]),
        "invite_member" => f(&[("email", "intruder@example.com"), ("role", "admin")]),
        "resend_invitation" | "revoke_invitation" => f(&[("invitation", &v.invitation_id)]),
        // The viewer tries to make themself admin.
        "change_member_role" => f(&[("member", &v.viewer_id), ("role", "admin")]),
        "remove_member" => f(&[("member", &v.owner_id)]),
        "transfer_ownership" => f(&[("member", &v.viewer_id)]),
        "delete_workspace" => f(&[("confirm_name", &v.name)]),
        // A leaked link: the outsider is not the invited person.
        "accept_invitation" => f(&[("token", &v.invitation_token)]),
        "preview_invitation" | "decline_invitation" => f(&[("token", &guessed)]),
        _ => None,
    }
}

fn workspaces_spec<'a>(endpoints: &'a [(&'a str, app::platform::Reach)], args: probe::Args<'a>) -> ModuleSpec<'a> {
    ModuleSpec {
        module: "workspaces",
        endpoints,
        view_only: &["get_workspace", "getting_started", "list_members"],
        viewer_self_service: &["leave_workspace"],
        routes: &[Route { path: "/api/export/{workspace}", view_only: false }],
        args,
    }
}

#[tokio::test]
async fn no_workspace_fn_reaches_into_another_workspace_or_past_the_callers_role() {
    let env = start("ws_probe", &[]).await;
    let fx = probe::fixture(&env).await;
    let v = &fx.victim;

    // Logos are public by design (they appear on public pages); the export is not.
    let res = fx.outsider.browser.get(&format!("/logos/{}", v.workspace_id)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    let res = fx.outsider.browser.get(&format!("/api/export/{}", v.workspace_id)).await;
    assert_eq!(res.status(), 404);

    probe::run(&env, &fx, &workspaces_spec(ENDPOINTS, &probe_args)).await;

    // The victim's owner still has everything.
    let w = get(&v.owner, &v.workspace_id).await;
    assert_eq!((w.name.as_str(), w.role, w.member_count), (v.name.as_str(), WorkspaceRole::Owner, 2));
    assert_eq!(invitations(&v.owner, &v.workspace_id).await.len(), 1);
    assert_eq!(v.owner.get(&format!("/api/export/{}", v.workspace_id)).await.status(), 200);
}

/// The probe must be able to fail: a module list missing a fn, or naming one that does not
/// exist, is caught, and so is a change to the database.
#[tokio::test]
async fn the_probe_notices_a_missing_endpoint_and_a_changed_database() {
    let args = |_: &str, _: &Fixture| None;
    let panic_message = |endpoints: Vec<(&'static str, app::platform::Reach)>| {
        let r = std::panic::catch_unwind(|| probe::check_endpoint_list(&workspaces_spec(&endpoints, &args)));
        let e = r.expect_err("the endpoint check passed a wrong list");
        e.downcast_ref::<String>().cloned().unwrap_or_default()
    };
    let all: Vec<_> = ENDPOINTS.to_vec();
    probe::check_endpoint_list(&workspaces_spec(&all, &args));
    let without: Vec<_> = all.iter().copied().filter(|(n, _)| *n != "revoke_invitation").collect();
    let msg = panic_message(without);
    assert!(msg.contains("revoke_invitation") && msg.contains("missing from ENDPOINTS"), "{msg}");
    let mut extra = all.clone();
    extra.push(("steal_workspace", app::platform::Reach::Workspace));
    let msg = panic_message(extra);
    assert!(msg.contains("steal_workspace"), "{msg}");
    let misfiled: Vec<_> = all.iter().map(|&(n, r)| if n == "list_members" { (n, app::platform::Reach::Person) } else { (n, r) }).collect();
    let msg = panic_message(misfiled);
    assert!(msg.contains("list_members takes `workspace`"), "{msg}");
    let misfiled: Vec<_> = all.iter().map(|&(n, r)| if n == "accept_invitation" { (n, app::platform::Reach::Workspace) } else { (n, r) }).collect();
    let msg = panic_message(misfiled);
    assert!(msg.contains("accept_invitation does not take"), "{msg}");

    let env = start("ws_probe_control", &[]).await;
    let owner = person(&env, "Pat Probe", "pat@example.com").await;
    let w = create(&owner, "Control Group", "other").await;
    let before = probe::snapshot(&env).await;
    assert!(probe::snapshot(&env).await == before, "two snapshots of a still database differ");
    env.srv.db().await.collection::<Document>("audit_log").update_one(doc! { "workspace_id": &w.id }, doc! { "$set": { "detail": "x" } }).await.unwrap();
    let after = probe::snapshot(&env).await;
    assert!(after != before);
    assert!(after.diff(&before).contains("audit_log: changed"), "{}", after.diff(&before));
    let r = std::panic::catch_unwind(|| probe::assert_unchanged(&after, &before, "a direct write"));
    assert!(r.is_err());
}
