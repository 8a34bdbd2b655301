//! M04 billing, end to end over HTTP against the real database wire server, with a local
//! fake of Stripe's API (`devtools::fake_stripe`). Webhooks are signed exactly as Stripe
//! signs them.

mod common;

use std::time::Duration;

use app::billing::api::ENDPOINTS;
use app::billing::{AdminPlan, AdminWorkspaceBilling, BillingOverview, Coupon};
use app::bio::BioPage;
use app::workspaces::{PendingInvitation, WorkspaceDetail};
use app::AppError;
use common::probe::{self, Fixture, ModuleSpec};
use common::web::*;
use devtools::fake_stripe::{event_json, subscription_json, FakeStripe};
use mongodb::bson::{doc, DateTime, Document};
use serde_json::{json, Value};

const SECRET: &str = "whsec_test_billing_secret";

async fn setup(name: &str) -> (Env, FakeStripe) {
    let fake = FakeStripe::start(SECRET).await;
    let env = start(
        name,
        &[("STRIPE_SECRET_KEY", "sk_test_mewayz"), ("STRIPE_WEBHOOK_SECRET", SECRET), ("STRIPE_API_BASE", &fake.base), ("BILLING_GRACE_DAYS", "7")],
    )
    .await;
    env.load_default_plans().await;
    let db = env.srv.db().await;
    let plans = db.collection::<Document>("plans");
    plans.update_one(doc! { "_id": "pro" }, doc! { "$set": { "stripe_price_monthly": "price_pro_m", "stripe_price_yearly": "price_pro_y" } }).await.unwrap();
    plans.update_one(doc! { "_id": "enterprise" }, doc! { "$set": { "stripe_price_monthly": "price_ent_m" } }).await.unwrap();
    fake.set_webhook_url(&env.srv.url("/webhooks/stripe"));
    (env, fake)
}

async fn owner_workspace(env: &Env, name: &str, email: &str) -> (Browser, String) {
    let owner = person(env, name, email).await;
    let w: WorkspaceDetail = owner.ok("create_workspace", &[("name", &format!("{name} Studio")), ("kind", "creator")]).await;
    owner.ok::<WorkspaceDetail>("setup_goals", &[("workspace", &w.id), ("goals[0]", "link_in_bio")]).await;
    (owner, w.id)
}

fn now_secs() -> i64 {
    DateTime::now().timestamp_millis() / 1000
}

/// Posts `event` to the webhook endpoint, signed with `secret` at `t`.
async fn deliver_signed(env: &Env, event: &Value, secret: &str, t: i64) -> u16 {
    let body = serde_json::to_vec(event).unwrap();
    let sig = app::billing::webhook::signature_header(secret, t, &body);
    common::client().post(env.srv.url("/webhooks/stripe")).header("stripe-signature", sig).body(body).send().await.unwrap().status().as_u16()
}

async fn deliver(env: &Env, event: &Value) -> u16 {
    deliver_signed(env, event, SECRET, now_secs()).await
}

async fn billing(b: &Browser, ws: &str) -> BillingOverview {
    b.ok("get_billing", &[("workspace", ws)]).await
}

async fn plan_of(env: &Env, ws: &str) -> String {
    env.srv.db().await.collection::<Document>("workspaces").find_one(doc! { "_id": ws }).await.unwrap().unwrap().get_str("plan").unwrap().to_string()
}

/// Puts `ws` on a live Pro subscription through the webhook (as Checkout would).
async fn subscribe(env: &Env, fake: &FakeStripe, ws: &str, sub: &str) {
    fake.set_subscription(subscription_json(sub, "cus_x", "active", "price_pro_m", ws, false));
    let ev = event_json(
        &format!("evt_created_{sub}"),
        "customer.subscription.created",
        json!({ "id": sub, "object": "subscription", "metadata": { "workspace_id": ws } }),
    );
    assert_eq!(deliver(env, &ev).await, 200);
    assert_eq!(plan_of(env, ws).await, "pro");
}

#[tokio::test]
async fn checkout_then_webhooks_make_the_workspace_pro_exactly_once() {
    let (env, fake) = setup("bill_checkout").await;
    let (owner, ws) = owner_workspace(&env, "Olga Owner", "olga@example.com").await;

    let b = billing(&owner, &ws).await;
    assert_eq!((b.status.as_str(), b.plan.as_str(), b.payments_configured), ("free", "free", true));
    assert!(b.usage.iter().any(|u| u.key == "bio_pages" && u.limit == Some(1) && u.used == 0), "{:?}", b.usage);

    // The wizard's plan step with a paid plan ends the wizard; Checkout follows.
    let w: WorkspaceDetail = owner.ok("setup_plan", &[("workspace", &ws), ("plan", "pro"), ("interval", "monthly")]).await;
    assert!(w.setup.completed);
    assert_eq!(w.plan, "free", "the plan changes only when Stripe confirms the payment");
    let url: String = owner.ok("start_checkout", &[("workspace", &ws), ("plan", "pro"), ("interval", "monthly"), ("coupon", "")]).await;
    assert!(url.starts_with(&format!("{}/checkout/cs_test_", fake.base)), "{url}");
    let reqs = fake.requests();
    let customer = reqs.iter().find(|r| r.path == "/v1/customers").expect("a customer was created");
    assert_eq!(customer.form.get("metadata[workspace_id]"), Some(&ws));
    assert_eq!(customer.authorization, "Bearer sk_test_mewayz");
    let session = reqs.iter().find(|r| r.path == "/v1/checkout/sessions").unwrap();
    assert_eq!(session.form.get("mode").map(String::as_str), Some("subscription"));
    assert_eq!(session.form.get("client_reference_id"), Some(&ws));
    assert_eq!(session.form.get("line_items[0][price]").map(String::as_str), Some("price_pro_m"));
    assert_eq!(session.form.get("subscription_data[metadata][workspace_id]"), Some(&ws));
    assert!(session.form.get("success_url").unwrap().ends_with("/billing?checkout=success"));
    assert!(session.form.get("cancel_url").unwrap().ends_with("/billing?checkout=cancel"));

    // A second Checkout reuses the stored customer.
    let _: String = owner.ok("start_checkout", &[("workspace", &ws), ("plan", "pro"), ("interval", "yearly"), ("coupon", "")]).await;
    assert_eq!(fake.count("POST", "/v1/customers"), 1, "one Stripe customer per workspace");

    // The fake Checkout page's Pay button: subscription + signed webhooks → Pro.
    let session_id = url.rsplit('/').next().unwrap().to_string();
    let page = common::client().get(&url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Pay"));
    let res = common::client().post(format!("{url}/pay")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303, "{session_id}");
    assert!(res.headers()["location"].to_str().unwrap().ends_with("/billing?checkout=success"));
    let b = billing(&owner, &ws).await;
    assert_eq!((b.status.as_str(), b.plan.as_str(), b.plan_name.as_str()), ("active", "pro", "Pro"));
    assert!(b.renews_at_ms.unwrap() > DateTime::now().timestamp_millis());
    assert!(b.has_customer);
    assert_eq!(b.invoices.len(), 1, "{:?}", b.invoices_error);
    assert_eq!((b.invoices[0].amount, b.invoices[0].currency.as_str(), b.invoices[0].status.as_str()), (1900, "USD", "paid"));
    let portal: String = owner.ok("open_billing_portal", &[("workspace", &ws)]).await;
    assert!(portal.starts_with(&format!("{}/portal/", fake.base)));
    let again = owner.fails("start_checkout", &[("workspace", &ws), ("plan", "enterprise"), ("interval", "monthly"), ("coupon", "")], 422).await;
    assert!(again.to_string().contains("already has a subscription"), "{again}");

    // The same signed event ten times: one state change.
    let sub_id = env
        .srv
        .db()
        .await
        .collection::<Document>("billing_accounts")
        .find_one(doc! { "_id": &ws })
        .await
        .unwrap()
        .unwrap()
        .get_str("subscription_id")
        .unwrap()
        .to_string();
    let mut sub = subscription_json(&sub_id, "cus_x", "active", "price_ent_m", &ws, false);
    fake.set_subscription(sub.clone());
    let fetches = fake.count("GET", &format!("/v1/subscriptions/{sub_id}"));
    let audit_before = env.count("audit_log", doc! { "workspace_id": &ws, "action": "plan_changed" }).await;
    let ev = event_json("evt_replayed", "customer.subscription.updated", sub.clone());
    for _ in 0..10 {
        assert_eq!(deliver(&env, &ev).await, 200);
    }
    assert_eq!(fake.count("GET", &format!("/v1/subscriptions/{sub_id}")), fetches + 1, "the event was applied once");
    assert_eq!(env.count("billing_events", doc! { "_id": "evt_replayed" }).await, 1);
    assert_eq!(env.count("audit_log", doc! { "workspace_id": &ws, "action": "plan_changed" }).await, audit_before + 1);
    assert_eq!(plan_of(&env, &ws).await, "enterprise");

    // Bad, stale or missing signatures: 400 and nothing stored.
    sub["status"] = json!("canceled");
    fake.set_subscription(sub.clone());
    let events_before = env.count("billing_events", doc! {}).await;
    let bad = event_json("evt_forged", "customer.subscription.deleted", sub.clone());
    assert_eq!(deliver_signed(&env, &bad, "whsec_wrong", now_secs()).await, 400);
    assert_eq!(deliver_signed(&env, &bad, SECRET, now_secs() - 600).await, 400, "stale");
    assert_eq!(deliver_signed(&env, &bad, SECRET, now_secs() + 600).await, 400, "from the future");
    let no_sig = common::client().post(env.srv.url("/webhooks/stripe")).body(serde_json::to_vec(&bad).unwrap()).send().await.unwrap();
    assert_eq!(no_sig.status().as_u16(), 400);
    // A valid signature over another body does not carry over.
    let body = serde_json::to_vec(&bad).unwrap();
    let other = app::billing::webhook::signature_header(SECRET, now_secs(), b"{}");
    let res = common::client().post(env.srv.url("/webhooks/stripe")).header("stripe-signature", other).body(body).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 400);
    assert_eq!(env.count("billing_events", doc! {}).await, events_before);
    assert_eq!(plan_of(&env, &ws).await, "enterprise", "nothing applied");
}

#[tokio::test]
async fn events_in_any_order_end_in_stripes_current_state() {
    let (env, fake) = setup("bill_order").await;
    let (owner, ws) = owner_workspace(&env, "Otto Order", "otto@example.com").await;
    // "deleted" arrives first, but Stripe says the subscription is active: Pro.
    fake.set_subscription(subscription_json("sub_order", "cus_o", "active", "price_pro_m", &ws, false));
    let stale_deleted = event_json("evt_o1", "customer.subscription.deleted", subscription_json("sub_order", "cus_o", "canceled", "price_pro_m", &ws, false));
    assert_eq!(deliver(&env, &stale_deleted).await, 200);
    assert_eq!(plan_of(&env, &ws).await, "pro");
    assert_eq!(billing(&owner, &ws).await.status, "active");

    // Now it is cancelled, and an old "created" (saying active) arrives late: Free.
    fake.set_subscription(subscription_json("sub_order", "cus_o", "canceled", "price_pro_m", &ws, false));
    let late_created = event_json("evt_o2", "customer.subscription.created", subscription_json("sub_order", "cus_o", "active", "price_pro_m", &ws, false));
    assert_eq!(deliver(&env, &late_created).await, 200);
    assert_eq!(plan_of(&env, &ws).await, "free");
    assert_eq!(billing(&owner, &ws).await.status, "canceled");

    // Back on Free after the downgrade, the server enforces Free's limits whatever the UI does.
    let _: app::bio::BioPage = owner.ok("create_bio_page", &[("workspace", &ws), ("handle", "otto_one")]).await;
    let e = owner.fails("create_bio_page", &[("workspace", &ws), ("handle", "otto_two")], 402).await;
    assert!(matches!(e, AppError::LimitReached { .. }), "{e:?}");

    // An old subscription's late events never undo a newer one.
    subscribe(&env, &fake, &ws, "sub_new").await;
    let old = event_json("evt_o3", "customer.subscription.updated", json!({ "id": "sub_order", "metadata": { "workspace_id": &ws } }));
    assert_eq!(deliver(&env, &old).await, 200);
    assert_eq!(plan_of(&env, &ws).await, "pro");
}

#[tokio::test]
async fn downgrades_are_checked_payment_failure_starts_grace_and_then_free_limits_apply() {
    let (env, fake) = setup("bill_grace").await;
    let (owner, ws) = owner_workspace(&env, "Greta Grace", "greta@example.com").await;
    subscribe(&env, &fake, &ws, "sub_g").await;
    for h in ["greta_a", "greta_b", "greta_c"] {
        let _: app::bio::BioPage = owner.ok("create_bio_page", &[("workspace", &ws), ("handle", h)]).await;
    }
    for e in ["m1@example.com", "m2@example.com", "m3@example.com"] {
        let _: Vec<PendingInvitation> = owner.ok("invite_member", &[("workspace", &ws), ("email", e), ("role", "editor")]).await;
    }
    let e = owner.fails("change_plan", &[("workspace", &ws), ("plan", "free"), ("interval", "monthly")], 422).await;
    match &e {
        AppError::Validation { message, .. } => assert_eq!(message, "Team members: 4 of 2; Link-in-bio pages: 3 of 1"),
        other => panic!("{other:?}"),
    }
    assert_eq!(plan_of(&env, &ws).await, "pro");

    // A payment fails: e-mail, notification, grace period; Pro's limits still apply.
    fake.set_subscription(subscription_json("sub_g", "cus_x", "past_due", "price_pro_m", &ws, false));
    let failed = event_json("evt_fail", "invoice.payment_failed", json!({ "id": "in_1", "object": "invoice", "subscription": "sub_g", "customer": "cus_x" }));
    assert_eq!(deliver(&env, &failed).await, 200);
    let b = billing(&owner, &ws).await;
    assert_eq!(b.status, "grace");
    let grace = b.grace_ends_at_ms.unwrap() - DateTime::now().timestamp_millis();
    assert!((6 * 86_400_000..=7 * 86_400_000 + 1000).contains(&grace), "{grace}");
    assert_eq!(env.count("notifications", doc! { "kind": "billing" }).await, 1);
    nth_mail(&env.sink, "greta@example.com", "Payment failed", 1).await;
    let _: app::bio::BioPage = owner.ok("create_bio_page", &[("workspace", &ws), ("handle", "greta_d")]).await;

    // The grace period ends (the clock moved): Free's limits, nothing deleted.
    let past = DateTime::from_millis(DateTime::now().timestamp_millis() - 1000);
    env.srv.db().await.collection::<Document>("billing_accounts").update_one(doc! { "_id": &ws }, doc! { "$set": { "grace_ends_at": past } }).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await; // every replica sees it within a second
    let b = billing(&owner, &ws).await;
    assert_eq!((b.status.as_str(), b.effective_plan.as_str(), b.plan.as_str()), ("past_due", "free", "pro"));
    let e = owner.fails("create_bio_page", &[("workspace", &ws), ("handle", "greta_e")], 402).await;
    assert!(matches!(&e, AppError::LimitReached { plan, .. } if plan == "Free"), "{e:?}");
    let e = owner.fails("invite_member", &[("workspace", &ws), ("email", "m4@example.com"), ("role", "viewer")], 402).await;
    assert!(matches!(e, AppError::LimitReached { .. }), "{e:?}");
    assert_eq!(env.count("bio_pages", doc! { "workspace_id": &ws }).await, 4, "no data lost");
    assert_eq!(env.count("invitations", doc! { "workspace_id": &ws, "status": "pending" }).await, 3);

    // Paid again: Pro's limits are back.
    fake.set_subscription(subscription_json("sub_g", "cus_x", "active", "price_pro_m", &ws, false));
    let paid =
        event_json("evt_paid", "invoice.paid", json!({ "id": "in_2", "object": "invoice", "parent": { "subscription_details": { "subscription": "sub_g" } } }));
    assert_eq!(deliver(&env, &paid).await, 200);
    assert_eq!(billing(&owner, &ws).await.status, "active");
    let _: app::bio::BioPage = owner.ok("create_bio_page", &[("workspace", &ws), ("handle", "greta_e")]).await;

    // A prorated change between paid plans, then a cancellation to Free at period end.
    let b: BillingOverview = owner.ok("change_plan", &[("workspace", &ws), ("plan", "enterprise"), ("interval", "monthly")]).await;
    assert_eq!(b.plan, "enterprise");
    let upd = fake.requests().into_iter().rfind(|r| r.method == "POST" && r.path == "/v1/subscriptions/sub_g").unwrap();
    assert_eq!(upd.form.get("proration_behavior").map(String::as_str), Some("create_prorations"));
    assert_eq!(upd.form.get("items[0][price]").map(String::as_str), Some("price_ent_m"));
}

#[tokio::test]
async fn messages_and_the_payment_failed_notice_are_in_the_persons_language() {
    let (env, fake) = setup("bill_lang").await;
    let (owner, ws) = owner_workspace(&env, "Fanny Franc", "fanny@example.com").await;
    subscribe(&env, &fake, &ws, "sub_fr").await;

    // A webhook carries nobody's language: the owner is told in the profile's, French here.
    env.srv.db().await.collection::<Document>("users").update_one(doc! { "email": "fanny@example.com" }, doc! { "$set": { "locale": "fr" } }).await.unwrap();
    fake.set_subscription(subscription_json("sub_fr", "cus_x", "past_due", "price_pro_m", &ws, false));
    let failed =
        event_json("evt_fail_fr", "invoice.payment_failed", json!({ "id": "in_fr", "object": "invoice", "subscription": "sub_fr", "customer": "cus_x" }));
    assert_eq!(deliver(&env, &failed).await, 200);
    let mail = nth_mail(&env.sink, "fanny@example.com", "Échec du paiement pour Fanny Franc Studio", 1).await;
    assert!(mail.text_body().contains("Mettez à jour le moyen de paiement sous 7 jours"), "{}", mail.text_body());
    let note = env.srv.db().await.collection::<Document>("notifications").find_one(doc! { "kind": "billing" }).await.unwrap().unwrap();
    assert_eq!(note.get_str("title").unwrap(), "Échec du paiement pour Fanny Franc Studio");
    let entry =
        env.srv.db().await.collection::<Document>("audit_log").find_one(doc! { "workspace_id": &ws, "action": "payment_failed" }).await.unwrap().unwrap();
    assert_eq!(entry.get_str("detail").unwrap(), "Un paiement a échoué ; le délai de grâce de 7 jours a commencé");

    // A request's messages are in its language (the lang cookie the app sets).
    owner.set_cookie("lang=fr");
    let again = owner.fails("start_checkout", &[("workspace", &ws), ("plan", "enterprise"), ("interval", "monthly"), ("coupon", "")], 422).await;
    assert_eq!(again.field_message("plan").as_deref(), Some("Cet espace de travail a déjà un abonnement. Changez plutôt son offre."));
    let e = owner.fails("change_plan", &[("workspace", &ws), ("plan", "pro"), ("interval", "weekly")], 422).await;
    assert_eq!(e.field_message("interval").as_deref(), Some("Choisissez une facturation mensuelle ou annuelle."));
    for h in ["fanny_a", "fanny_b"] {
        let _: app::bio::BioPage = owner.ok("create_bio_page", &[("workspace", &ws), ("handle", h)]).await;
    }
    let e = owner.fails("change_plan", &[("workspace", &ws), ("plan", "free"), ("interval", "monthly")], 422).await;
    assert!(e.field_message("plan").is_some_and(|m| m.ends_with(" : 2 sur 1")), "{e:?}");
}

// ---------------------------------------------------------------- read-only beyond the limits

const INVITE_SUBJECT: &str = "invited you to";

/// Invites `email` as `role`, signs them up and accepts: a member.
async fn join(env: &Env, owner: &Browser, ws: &str, name: &str, email: &str, role: &str) -> Browser {
    let n = mails(&env.sink, email, INVITE_SUBJECT).len();
    let _: Vec<PendingInvitation> = owner.ok("invite_member", &[("workspace", ws), ("email", email), ("role", role)]).await;
    let b = person(env, name, email).await;
    let token = link_token(&nth_mail(&env.sink, email, INVITE_SUBJECT, n + 1).await);
    let _: app::workspaces::Joined = b.ok("accept_invitation", &[("token", &token)]).await;
    b
}

/// A draft with one link, so the page can be published.
fn content_with(title: &str) -> String {
    let mut c = app::bio::BioContent::default();
    c.seo.title = title.into();
    c.blocks.push(app::bio::Block {
        id: "l1".into(),
        kind: app::bio::BlockKind::Link {
            title: title.into(),
            url: "https://example.com/".into(),
            thumbnail: None,
            enabled: true,
            starts_at: None,
            ends_at: None,
            short_slug: None,
        },
    });
    serde_json::to_string(&c).unwrap()
}

async fn page_of(b: &Browser, ws: &str, page: &str) -> BioPage {
    b.ok("get_bio_page", &[("workspace", ws), ("page", page)]).await
}

async fn save_draft(b: &Browser, ws: &str, page: &str, title: &str) -> BioPage {
    let p = page_of(b, ws, page).await;
    b.ok("save_bio_draft", &[("workspace", ws), ("page", page), ("content", &content_with(title)), ("version", &p.version.to_string())]).await
}

async fn save_and_publish(b: &Browser, ws: &str, page: &str, title: &str) -> BioPage {
    let p = save_draft(b, ws, page, title).await;
    b.ok("publish_bio_page", &[("workspace", ws), ("page", page), ("version", &p.version.to_string())]).await
}

/// Moves the creation time of a page (or the joining time of a member) to `ms`, so which
/// record is "oldest" does not depend on how fast the test ran.
async fn set_time(env: &Env, collection: &str, filter: Document, field: &str, ms: i64) {
    let r = env.srv.db().await.collection::<Document>(collection).update_one(filter, doc! { "$set": { field: DateTime::from_millis(ms) } }).await.unwrap();
    assert_eq!(r.matched_count, 1, "{collection}");
}

/// A failed payment whose grace period is already over: Free's limits apply.
async fn fail_and_expire_grace(env: &Env, fake: &FakeStripe, ws: &str, sub: &str, evt: &str) {
    fake.set_subscription(subscription_json(sub, "cus_x", "past_due", "price_pro_m", ws, false));
    let failed = event_json(evt, "invoice.payment_failed", json!({ "id": format!("in_{evt}"), "object": "invoice", "subscription": sub, "customer": "cus_x" }));
    assert_eq!(deliver(env, &failed).await, 200);
    let past = DateTime::from_millis(DateTime::now().timestamp_millis() - 1000);
    env.srv.db().await.collection::<Document>("billing_accounts").update_one(doc! { "_id": ws }, doc! { "$set": { "grace_ends_at": past } }).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await; // every replica sees it within a second
}

/// Waits until the database stops changing (visit counting runs after the answer).
async fn settle(env: &Env) {
    env.jobs_settled().await;
    let mut last = probe::snapshot(env).await;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let now = probe::snapshot(env).await;
        if now == last {
            return;
        }
        last = now;
    }
    panic!("the database kept changing");
}

fn is_read_only_error(e: &AppError) -> bool {
    matches!(e, AppError::ReadOnly { what, limit, included: 1, plan, upgrade_to: Some(up) } if what == "page" && limit == "link-in-bio pages" && plan == "Free" && up == "Pro")
}

#[tokio::test]
async fn after_the_grace_period_what_exceeds_free_is_read_only_until_the_workspace_pays_again() {
    let (env, fake) = setup("bill_read_only").await;
    let (owner, ws) = owner_workspace(&env, "Rita Readonly", "rita@example.com").await;
    subscribe(&env, &fake, &ws, "sub_r").await;
    // On Pro: three published pages and two editors besides the owner.
    let mut pages = vec![];
    for (i, h) in ["rita_one", "rita_two", "rita_three"].into_iter().enumerate() {
        let p: BioPage = owner.ok("create_bio_page", &[("workspace", &ws), ("handle", h)]).await;
        save_and_publish(&owner, &ws, &p.id, &format!("Page {h}")).await;
        // Page one is the oldest, whatever the clock did.
        set_time(&env, "bio_pages", doc! { "_id": &p.id }, "created_at", 1_700_000_000_000 + i as i64 * 60_000).await;
        pages.push(p.id);
    }
    let first = join(&env, &owner, &ws, "Ed Early", "ed@example.com", "editor").await;
    let late = join(&env, &owner, &ws, "Lea Late", "lea@example.com", "editor").await;
    let ed_id = first.me().await.unwrap().id;
    let lea_id = late.me().await.unwrap().id;
    set_time(&env, "members", doc! { "workspace_id": &ws, "user_id": &ed_id }, "joined_at", 1_700_000_000_000).await;
    set_time(&env, "members", doc! { "workspace_id": &ws, "user_id": &lea_id }, "joined_at", 1_700_000_100_000).await;
    // Everything is editable on Pro.
    let b = billing(&owner, &ws).await;
    assert!(b.read_only.is_empty() && b.read_only_notice.is_none(), "{:?}", b.read_only);
    save_draft(&late, &ws, &pages[2], "Lea was here").await;

    // The payment fails and the grace period ends: Free's limits (1 page, 2 seats).
    fail_and_expire_grace(&env, &fake, &ws, "sub_r", "evt_r_fail").await;
    let b = billing(&owner, &ws).await;
    assert_eq!((b.status.as_str(), b.effective_plan.as_str()), ("past_due", "free"));
    let lines: Vec<(&str, i64, &str)> = b.read_only.iter().map(|l| (l.key.as_str(), l.count, l.text.as_str())).collect();
    assert_eq!(lines, vec![("bio_pages", 2, "2 link-in-bio pages"), ("members", 1, "1 team member")]);
    assert_eq!(
        b.read_only_notice.as_deref(),
        Some("2 link-in-bio pages and 1 team member are read-only until you upgrade, or until the workspace is back within its limits.")
    );

    // The list and the page say which pages are read-only, and why.
    let list: Vec<app::bio::BioPageSummary> = owner.ok::<app::bio::BioPageList>("list_bio_pages", &[("workspace", &ws)]).await.pages;
    let ro = |id: &str| list.iter().find(|p| p.id == id).unwrap().read_only.clone();
    assert_eq!(ro(&pages[0]), None);
    let why = "This page is read-only: the Free plan includes 1 link-in-bio page. Upgrade to Pro to edit it.";
    assert_eq!(ro(&pages[1]).as_deref(), Some(why));
    assert_eq!(ro(&pages[2]).as_deref(), Some(why));
    assert_eq!(page_of(&owner, &ws, &pages[1]).await.read_only.as_deref(), Some(why));

    // The oldest page stays editable: it saves and publishes.
    save_and_publish(&owner, &ws, &pages[0], "Still mine").await;
    assert!(page_of(&owner, &ws, &pages[0]).await.read_only.is_none());

    // Pages two and three refuse every change, with the named limit, and nothing is written.
    env.jobs_settled().await;
    for page in &pages[1..] {
        let before = probe::snapshot(&env).await;
        let p = page_of(&owner, &ws, page).await;
        let v = p.version.to_string();
        let e = owner.fails("save_bio_draft", &[("workspace", &ws), ("page", page), ("content", &content_with("Sneaky")), ("version", &v)], 402).await;
        assert!(is_read_only_error(&e), "{e:?}");
        assert_eq!(e.to_string(), why);
        let e = owner.fails("publish_bio_page", &[("workspace", &ws), ("page", page), ("version", &v)], 402).await;
        assert!(is_read_only_error(&e), "{e:?}");
        let e = owner.fails("change_bio_handle", &[("workspace", &ws), ("page", page), ("handle", "rita_new")], 402).await;
        assert!(is_read_only_error(&e), "{e:?}");
        let e = owner.fails("add_bio_domain", &[("workspace", &ws), ("page", page), ("domain", "links.rita.example")], 402).await;
        assert!(is_read_only_error(&e), "{e:?}");
        let e = owner.fails("verify_bio_domain", &[("workspace", &ws), ("page", page), ("domain", "links.rita.example")], 402).await;
        assert!(is_read_only_error(&e), "{e:?}");
        // Looking stays allowed.
        let _: Vec<app::bio::BioSignup> = owner.ok("list_bio_signups", &[("workspace", &ws), ("page", page)]).await;
        let _: app::bio::BioStats = owner.ok("get_bio_stats", &[("workspace", &ws), ("page", page), ("from", "2024-01-01"), ("to", "2024-01-07")]).await;
        probe::assert_unchanged(&probe::snapshot(&env).await, &before, "a change to a read-only page");
    }
    // Their published pages are still served: the data is kept.
    let anon = env.browser();
    for (h, title) in [("rita_one", "Still mine"), ("rita_two", "Page rita_two"), ("rita_three", "Lea was here")] {
        let res = anon.get(&format!("/{h}")).await;
        assert_eq!(res.status().as_u16(), 200, "{h}");
        let html = res.text().await.unwrap();
        assert!(html.contains(title) || h == "rita_three", "{h}");
    }

    // Visits are counted in memory and written every few seconds. Reading a page's
    // statistics writes them first, so after this nothing is left to arrive mid-snapshot.
    for page in &pages {
        let _: app::bio::BioStats = owner.ok("get_bio_stats", &[("workspace", &ws), ("page", page), ("from", "2024-01-01"), ("to", "2024-01-07")]).await;
    }
    assert_eq!(env.count("bio_days", doc! { "workspace_id": &ws }).await, 3, "one day of visits per page");
    settle(&env).await;

    // Seats: the owner and the first member are within Free's two; the later member acts as
    // a viewer (on the server, in every module), and is told why.
    save_draft(&first, &ws, &pages[0], "Ed edits").await;
    let before = probe::snapshot(&env).await;
    let e = late
        .fails(
            "save_bio_draft",
            &[
                ("workspace", &ws),
                ("page", &pages[0]),
                ("content", &content_with("Lea edits")),
                ("version", &page_of(&late, &ws, &pages[0]).await.version.to_string()),
            ],
            403,
        )
        .await;
    assert_eq!(e, AppError::Forbidden);
    late.fails("create_short_link", &[("workspace", &ws), ("url", "https://example.com/"), ("slug", "")], 403).await;
    probe::assert_unchanged(&probe::snapshot(&env).await, &before, "an edit by a member beyond the seat limit");
    let mine: Vec<app::workspaces::WorkspaceSummary> = late.ok("list_workspaces", &[]).await;
    let here = mine.iter().find(|w| w.id == ws).unwrap();
    assert_eq!(here.role, app::workspaces::WorkspaceRole::Viewer);
    assert!(
        here.view_only_reason.as_deref().unwrap().contains("its Free plan includes 2 team members, and you joined after them"),
        "{:?}",
        here.view_only_reason
    );
    let detail: WorkspaceDetail = late.ok("get_workspace", &[("workspace", &ws)]).await;
    assert_eq!(detail.role, app::workspaces::WorkspaceRole::Viewer);
    let ed_sees: Vec<app::workspaces::WorkspaceSummary> = first.ok("list_workspaces", &[]).await;
    assert_eq!(ed_sees.iter().find(|w| w.id == ws).unwrap().view_only_reason, None);
    // Their stored role is unchanged: nothing was migrated.
    let stored = env.srv.db().await.collection::<Document>("members").find_one(doc! { "workspace_id": &ws, "user_id": &lea_id }).await.unwrap().unwrap();
    assert_eq!(stored.get_str("role").unwrap(), "editor");

    // Deleting page three works (getting back under the limit); page two is still over.
    owner.ok::<()>("delete_bio_page", &[("workspace", &ws), ("page", &pages[2])]).await;
    // (An unknown handle falls through to the app's shell; the page itself is gone.)
    let gone = anon.get("/rita_three").await.text().await.unwrap();
    assert!(!gone.contains("Page rita_three"), "{gone}");
    assert_eq!(env.count("bio_pages", doc! { "workspace_id": &ws }).await, 2);
    assert!(page_of(&owner, &ws, &pages[1]).await.read_only.is_some());
    // Taking a read-only page offline is allowed too.
    let p: BioPage = owner.ok("unpublish_bio_page", &[("workspace", &ws), ("page", &pages[1])]).await;
    assert!(p.published.is_none());

    // Paid again: everything is editable, with no migration.
    fake.set_subscription(subscription_json("sub_r", "cus_x", "active", "price_pro_m", &ws, false));
    let paid = event_json(
        "evt_r_paid",
        "invoice.paid",
        json!({ "id": "in_r2", "object": "invoice", "parent": { "subscription_details": { "subscription": "sub_r" } } }),
    );
    assert_eq!(deliver(&env, &paid).await, 200);
    let b = billing(&owner, &ws).await;
    assert_eq!((b.status.as_str(), b.effective_plan.as_str()), ("active", "pro"));
    assert!(b.read_only.is_empty() && b.read_only_notice.is_none());
    save_and_publish(&owner, &ws, &pages[1], "Back to normal").await;
    let _: BioPage = owner.ok("change_bio_handle", &[("workspace", &ws), ("page", &pages[1]), ("handle", "rita_two_again")]).await;
    save_draft(&late, &ws, &pages[1], "Lea again").await;
    let mine: Vec<app::workspaces::WorkspaceSummary> = late.ok("list_workspaces", &[]).await;
    let here = mine.iter().find(|w| w.id == ws).unwrap();
    assert_eq!((here.role, here.view_only_reason.clone()), (app::workspaces::WorkspaceRole::Editor, None));
}

#[tokio::test]
async fn an_admin_lowering_a_limit_makes_what_exceeds_it_read_only_until_it_is_raised() {
    let (env, _fake) = setup("bill_override_ro").await;
    let (owner, ws) = owner_workspace(&env, "Omar Override", "omar@example.com").await;
    let _ = person(&env, "Root Admin", "root2@example.com").await;
    env.srv.db().await.collection::<Document>("users").update_one(doc! { "email": "root2@example.com" }, doc! { "$set": { "role": "admin" } }).await.unwrap();
    let admin = signed_in(&env, "root2@example.com", PASSWORD).await;
    // Enterprise for free: room for pages and people.
    let _: AdminWorkspaceBilling = admin.ok("admin_set_complimentary", &[("workspace_id", &ws), ("plan", "enterprise"), ("until", "")]).await;
    let mut pages = vec![];
    for (i, h) in ["omar_a", "omar_b"].into_iter().enumerate() {
        let p: BioPage = owner.ok("create_bio_page", &[("workspace", &ws), ("handle", h)]).await;
        set_time(&env, "bio_pages", doc! { "_id": &p.id }, "created_at", 1_700_000_000_000 + i as i64 * 60_000).await;
        pages.push(p.id);
    }
    let member = join(&env, &owner, &ws, "Mia Member", "mia@example.com", "editor").await;
    save_draft(&member, &ws, &pages[0], "Mia's first").await;

    // The admin lowers the page limit to 1 and the seats to 1 (the owner's).
    let _: AdminWorkspaceBilling = admin.ok("admin_set_limit_override", &[("workspace_id", &ws), ("key", "bio_pages"), ("value", "1")]).await;
    let _: AdminWorkspaceBilling = admin.ok("admin_set_limit_override", &[("workspace_id", &ws), ("key", "members"), ("value", "1")]).await;
    save_draft(&owner, &ws, &pages[0], "Owner's first").await;
    let before = probe::snapshot(&env).await;
    let v = page_of(&owner, &ws, &pages[1]).await.version.to_string();
    let e = owner.fails("save_bio_draft", &[("workspace", &ws), ("page", &pages[1]), ("content", &content_with("No")), ("version", &v)], 402).await;
    // An override decides the limit: upgrading would not lift it, so none is named.
    assert!(matches!(&e, AppError::ReadOnly { included: 1, plan, upgrade_to: None, .. } if plan == "Enterprise"), "{e:?}");
    assert_eq!(
        e.to_string(),
        "This page is read-only: the Enterprise plan includes 1 link-in-bio page. It can be edited again once the workspace is within the limit."
    );
    let e = member
        .fails(
            "save_bio_draft",
            &[
                ("workspace", &ws),
                ("page", &pages[0]),
                ("content", &content_with("No")),
                ("version", &page_of(&member, &ws, &pages[0]).await.version.to_string()),
            ],
            403,
        )
        .await;
    assert_eq!(e, AppError::Forbidden);
    probe::assert_unchanged(&probe::snapshot(&env).await, &before, "changes beyond a lowered override");
    let b = billing(&owner, &ws).await;
    assert_eq!(b.read_only_notice.as_deref(), Some("1 link-in-bio page and 1 team member are read-only until the workspace is back within its limits."));

    // The override is removed: the plan's limits apply again and everything is editable.
    let _: AdminWorkspaceBilling = admin.ok("admin_set_limit_override", &[("workspace_id", &ws), ("key", "bio_pages"), ("value", "")]).await;
    let _: AdminWorkspaceBilling = admin.ok("admin_set_limit_override", &[("workspace_id", &ws), ("key", "members"), ("value", "unlimited")]).await;
    save_draft(&owner, &ws, &pages[1], "Editable again").await;
    save_draft(&member, &ws, &pages[0], "Mia again").await;
    assert!(billing(&owner, &ws).await.read_only.is_empty());
}

#[tokio::test]
async fn platform_admins_grant_plans_overrides_and_coupons_and_nobody_else_can() {
    let (env, fake) = setup("bill_admin").await;
    let (owner, ws) = owner_workspace(&env, "Ada Account", "ada@example.com").await;
    for (name, args) in [
        ("admin_list_plans", vec![]),
        ("admin_find_workspace", vec![("query", ws.as_str())]),
        ("admin_set_complimentary", vec![("workspace_id", ws.as_str()), ("plan", "enterprise"), ("until", "")]),
        ("admin_set_limit_override", vec![("workspace_id", ws.as_str()), ("key", "bio_pages"), ("value", "50")]),
        ("admin_create_coupon", vec![("code", "NOPE"), ("percent_off", "10"), ("duration_months", "0")]),
        ("admin_list_coupons", vec![]),
    ] {
        let before = env.count("billing_accounts", doc! {}).await;
        let e = owner.fails(name, &args, 403).await;
        assert_eq!(e, AppError::Forbidden, "{name}");
        assert_eq!(env.count("billing_accounts", doc! {}).await, before);
        assert_eq!(env.browser().fails(name, &args, 401).await, AppError::Unauthenticated);
    }
    let e = owner
        .fails(
            "admin_save_plan",
            &[
                ("id", "pro"),
                ("name", "Hacked"),
                ("monthly_price", "0"),
                ("yearly_price", "0"),
                ("currency", "USD"),
                ("limits", "{}"),
                ("stripe_price_monthly", ""),
                ("stripe_price_yearly", ""),
            ],
            403,
        )
        .await;
    assert_eq!(e, AppError::Forbidden);
    assert_eq!(env.count("coupons", doc! {}).await + env.count("billing_coupons", doc! {}).await, 0);

    let _ = person(&env, "Root Admin", "root@example.com").await;
    env.srv.db().await.collection::<Document>("users").update_one(doc! { "email": "root@example.com" }, doc! { "$set": { "role": "admin" } }).await.unwrap();
    let admin = signed_in(&env, "root@example.com", PASSWORD).await;

    let plans: Vec<AdminPlan> = admin
        .ok(
            "admin_save_plan",
            &[
                ("id", "pro"),
                ("name", "Pro"),
                ("monthly_price", "2900"),
                ("yearly_price", "29000"),
                ("currency", "USD"),
                ("limits", r#"{"members": 10, "bio_pages": 10}"#),
                ("stripe_price_monthly", "price_pro_m2"),
                ("stripe_price_yearly", ""),
            ],
        )
        .await;
    let pro = plans.iter().find(|p| p.id == "pro").unwrap();
    assert_eq!((pro.monthly_price, pro.stripe_price_monthly.as_str(), pro.rank), (2900, "price_pro_m2", 1));
    let e = admin
        .fails(
            "admin_save_plan",
            &[
                ("id", "pro"),
                ("name", "Pro"),
                ("monthly_price", "1"),
                ("yearly_price", "1"),
                ("currency", "USD"),
                ("limits", r#"{"parrots": 1}"#),
                ("stripe_price_monthly", ""),
                ("stripe_price_yearly", ""),
            ],
            422,
        )
        .await;
    assert!(e.field_message("limits").is_some(), "{e:?}");
    assert!(env.count("platform_audit", doc! { "action": "plan_updated" }).await >= 1);

    // Complimentary Enterprise: the workspace gets its limits without paying.
    let v: AdminWorkspaceBilling = admin.ok("admin_set_complimentary", &[("workspace_id", &ws), ("plan", "enterprise"), ("until", "2999-12-31")]).await;
    assert_eq!((v.effective_plan.as_str(), v.status.as_str()), ("enterprise", "complimentary"));
    let b = billing(&owner, &ws).await;
    assert_eq!((b.status.as_str(), b.plan.as_str()), ("complimentary", "enterprise"));
    assert!(b.complimentary_until_ms.is_some());
    for h in ["ada_1", "ada_2"] {
        let _: app::bio::BioPage = owner.ok("create_bio_page", &[("workspace", &ws), ("handle", h)]).await;
    }
    let e = admin.fails("admin_set_complimentary", &[("workspace_id", &ws), ("plan", "enterprise"), ("until", "31/12/2999")], 422).await;
    assert!(e.field_message("until").is_some());

    // An override wins over any plan.
    let v: AdminWorkspaceBilling = admin.ok("admin_set_limit_override", &[("workspace_id", &ws), ("key", "bio_pages"), ("value", "2")]).await;
    assert_eq!(v.overrides.len(), 1);
    let e = owner.fails("create_bio_page", &[("workspace", &ws), ("handle", "ada_3")], 402).await;
    assert!(matches!(e, AppError::LimitReached { .. }), "{e:?}");
    let _: AdminWorkspaceBilling = admin.ok("admin_set_limit_override", &[("workspace_id", &ws), ("key", "bio_pages"), ("value", "")]).await;
    let _: app::bio::BioPage = owner.ok("create_bio_page", &[("workspace", &ws), ("handle", "ada_3")]).await;
    let _: AdminWorkspaceBilling = admin.ok("admin_set_complimentary", &[("workspace_id", &ws), ("plan", ""), ("until", "")]).await;
    assert_eq!(billing(&owner, &ws).await.status, "free");
    let log: Vec<app::workspaces::AuditEntry> = owner.ok("workspace_audit_log", &[("workspace", &ws)]).await;
    assert_eq!(log.iter().filter(|e| e.action == "complimentary_plan").count(), 2);
    assert_eq!(log.iter().filter(|e| e.action == "limit_override").count(), 2);

    // Coupons are created in Stripe and offered at Checkout.
    let coupons: Vec<Coupon> = admin.ok("admin_create_coupon", &[("code", "launch20"), ("percent_off", "20"), ("duration_months", "3")]).await;
    assert_eq!((coupons[0].code.as_str(), coupons[0].percent_off, coupons[0].duration_months), ("LAUNCH20", 20, Some(3)));
    let created = fake.requests().into_iter().find(|r| r.path == "/v1/coupons").unwrap();
    assert_eq!((created.form["id"].as_str(), created.form["duration"].as_str(), created.form["duration_in_months"].as_str()), ("LAUNCH20", "repeating", "3"));
    let _: Vec<Coupon> = admin.fails("admin_create_coupon", &[("code", "LAUNCH20"), ("percent_off", "20"), ("duration_months", "3")], 422).await.pipe_ok();
    assert_eq!(admin.ok::<Vec<Coupon>>("admin_list_coupons", &[]).await.len(), 1);
    let _: String = owner.ok("start_checkout", &[("workspace", &ws), ("plan", "pro"), ("interval", "monthly"), ("coupon", "launch20")]).await;
    let session = fake.requests().into_iter().rfind(|r| r.path == "/v1/checkout/sessions").unwrap();
    assert_eq!(session.form.get("discounts[0][coupon]").map(String::as_str), Some("LAUNCH20"));
    assert_eq!(session.form.get("line_items[0][price]").map(String::as_str), Some("price_pro_m2"));
    let e = owner.fails("start_checkout", &[("workspace", &ws), ("plan", "pro"), ("interval", "monthly"), ("coupon", "FREEBIE")], 422).await;
    assert!(e.field_message("coupon").is_some());
}

trait PipeOk {
    fn pipe_ok(self) -> Vec<Coupon>;
}
impl PipeOk for AppError {
    fn pipe_ok(self) -> Vec<Coupon> {
        assert!(self.field_message("code").is_some(), "{self:?}");
        vec![]
    }
}

#[tokio::test]
async fn without_stripe_payments_are_not_set_up() {
    let env = start("bill_none", &[]).await;
    env.load_default_plans().await;
    let (owner, ws) = owner_workspace(&env, "Nina None", "nina@example.com").await;
    let b = billing(&owner, &ws).await;
    assert!(!b.payments_configured);
    assert!(b.invoices.is_empty() && b.invoices_error.is_none());
    let e = owner.fails("start_checkout", &[("workspace", &ws), ("plan", "pro"), ("interval", "monthly"), ("coupon", "")], 503).await;
    assert!(matches!(&e, AppError::Unavailable { message } if message.starts_with("Payments are not set up")), "{e:?}");
    let e = owner.fails("setup_plan", &[("workspace", &ws), ("plan", "pro"), ("interval", "monthly")], 422).await;
    assert!(e.to_string().contains("not set up"), "{e}");
    let ev = event_json("evt_x", "customer.subscription.updated", json!({ "id": "sub_x" }));
    assert_eq!(deliver(&env, &ev).await, 503);
    assert_eq!(env.count("billing_events", doc! {}).await, 0);
    // Free needs no payment: downgrading an unpaid workspace just works.
    let _: BillingOverview = owner.ok("change_plan", &[("workspace", &ws), ("plan", "free"), ("interval", "yearly")]).await;
}

#[tokio::test]
async fn no_billing_fn_reaches_into_another_workspace_or_past_the_callers_role() {
    let env = start("bill_probe", &[]).await;
    let fx = probe::fixture(&env).await;
    let args = |endpoint: &str, fx: &Fixture| -> Option<Vec<(String, String)>> {
        let f = |pairs: &[(&str, &str)]| Some(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        match endpoint {
            "get_billing" | "open_billing_portal" => f(&[]),
            "start_checkout" => f(&[("plan", "pro"), ("interval", "monthly"), ("coupon", "")]),
            "change_plan" => f(&[("plan", "free"), ("interval", "monthly")]),
            "admin_list_plans" | "admin_list_coupons" => f(&[]),
            "admin_save_plan" => f(&[
                ("id", "pro"),
                ("name", "Hijacked"),
                ("monthly_price", "0"),
                ("yearly_price", "0"),
                ("currency", "USD"),
                ("limits", "{}"),
                ("stripe_price_monthly", ""),
                ("stripe_price_yearly", ""),
            ]),
            "admin_find_workspace" => f(&[("query", &fx.victim.workspace_id)]),
            "admin_set_complimentary" => f(&[("workspace_id", &fx.victim.workspace_id), ("plan", "enterprise"), ("until", "")]),
            "admin_set_limit_override" => f(&[("workspace_id", &fx.victim.workspace_id), ("key", "members"), ("value", "1000")]),
            "admin_create_coupon" => f(&[("code", "FREE100"), ("percent_off", "100"), ("duration_months", "0")]),
            _ => None,
        }
    };
    let spec = ModuleSpec { module: "billing", endpoints: ENDPOINTS, view_only: &[], viewer_self_service: &[], routes: &[], args: &args };
    probe::run(&env, &fx, &spec).await;
    // The platform fns refuse the outsider and the victim's owner alike (neither is an admin).
    for b in [&fx.outsider.browser, &fx.victim.owner] {
        let e = b.fails("admin_find_workspace", &[("query", &fx.victim.workspace_id)], 403).await;
        assert_eq!(e, AppError::Forbidden);
    }
}
