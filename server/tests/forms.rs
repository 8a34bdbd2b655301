//! M07 forms over real HTTP against the real database: the owner's fns (definitions checked,
//! drafts with versions, publishing), the public form at `/f/{slug}` step by step as a
//! browser without script posts it (logic judged by the server, partial saves, resume
//! links), the JSON submission with its idempotency key, the honeypot, the minimum fill
//! time and the rate limit, the owner's submission list, and the cross-workspace probe.

mod common;

use app::forms::api::ENDPOINTS;
use app::forms::{
    Condition, DeliveryState, Ending, Field, FieldKind, FormConnect, FormDef, FormFull, FormSummary, Jump, Op, Step, Submission, SubmissionPage,
    SubmissionStatus,
};
use app::workspaces::WorkspaceDetail;
use app::AppError;
use common::probe::{self, Fixture, ModuleSpec};
use common::web::*;
use mongodb::bson::doc;

const SUBMISSIONS: &str = "form_submissions";

// ---------------------------------------------------------------- helpers

/// A server (no minimum fill time unless `extra` sets one) with the default plans, and one
/// person owning one workspace.
async fn owner(name: &str, extra: &[(&str, &str)]) -> (Env, Browser, String) {
    let mut vars = vec![("FORMS_MIN_FILL_MS", "0")];
    vars.extend_from_slice(extra);
    let env = start(name, &vars).await;
    env.load_default_plans().await;
    let b = person(&env, "Fern Forms", "fern.forms@example.com").await;
    let w: WorkspaceDetail = b.ok("create_workspace", &[("name", "Fern's Studio"), ("kind", "creator")]).await;
    (env, b, w.id)
}

fn field(id: &str, kind: FieldKind, label: &str, required: bool) -> Field {
    let mut f = Field::new(id, kind, label);
    f.required = required;
    f
}

/// Three steps: who you are (and whether you are a team; individuals jump past step 2),
/// the team (its size, and a reason shown only above 100 seats), and a rating.
fn three_steps() -> FormDef {
    let mut d = FormDef::starter("Workshop sign-up");
    d.intro = "Tell us about you.".into();
    let mut kind = field("kind", FieldKind::SingleSelect, "You are", true);
    kind.options = vec!["Individual".into(), "Team".into()];
    d.steps[0].fields.push(kind);
    d.steps[0].jumps = vec![Jump { when: Condition { field: "kind".into(), op: Op::Equals, value: "Individual".into() }, to: "last".into() }];
    let mut seats = field("seats", FieldKind::Number, "How many seats?", true);
    seats.min = Some(2.0);
    let mut why = field("why", FieldKind::LongText, "Why so many?", true);
    why.show_if = Some(Condition { field: "seats".into(), op: Op::Greater, value: "100".into() });
    d.steps.push(Step { id: "team".into(), title: "Your team".into(), fields: vec![seats, why], jumps: vec![] });
    d.steps.push(Step {
        id: "last".into(),
        title: "One more thing".into(),
        fields: vec![field("score", FieldKind::Rating, "How excited are you?", true)],
        jumps: vec![],
    });
    d
}

async fn create(b: &Browser, ws: &str, title: &str) -> FormFull {
    b.ok("create_form", &[("workspace", ws), ("title", title)]).await
}

async fn save(b: &Browser, ws: &str, form: &FormFull, def: &FormDef) -> FormFull {
    let json = serde_json::to_string(def).unwrap();
    b.ok("save_form", &[("workspace", ws), ("form", &form.id), ("content", &json), ("version", &form.version.to_string())]).await
}

async fn publish(b: &Browser, ws: &str, form: &FormFull) -> FormFull {
    b.ok("publish_form", &[("workspace", ws), ("form", &form.id), ("version", &form.version.to_string())]).await
}

/// A published form with `def`.
async fn published(b: &Browser, ws: &str, def: &FormDef) -> FormFull {
    let f = create(b, ws, &def.title).await;
    let f = save(b, ws, &f, def).await;
    publish(b, ws, &f).await
}

async fn submissions(b: &Browser, ws: &str, form: &str, status: &str, query: &str) -> SubmissionPage {
    b.ok("list_form_submissions", &[("workspace", ws), ("form", form), ("status", status), ("from", ""), ("to", ""), ("query", query), ("after", "")]).await
}

/// A browser without script: no cookies needed, redirects not followed.
fn visitor() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The value of the hidden input `name` in a form page.
fn hidden(html: &str, name: &str) -> String {
    let at = html.find(&format!("name=\"{name}\" value=\"")).unwrap_or_else(|| panic!("no hidden {name} in {html}"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

struct Page {
    status: u16,
    location: Option<String>,
    html: String,
}

async fn get(env: &Env, c: &reqwest::Client, path: &str) -> Page {
    let r = c.get(format!("{}{path}", env.srv.base)).send().await.unwrap();
    page(r).await
}

async fn page(r: reqwest::Response) -> Page {
    let status = r.status().as_u16();
    let location = r.headers().get("location").map(|v| v.to_str().unwrap().to_string());
    Page { status, location, html: r.text().await.unwrap() }
}

/// Posts one step as an HTML form would: the hidden fields of `from`, then `answers`.
async fn post_step(env: &Env, c: &reqwest::Client, slug: &str, from: &str, answers: &[(&str, &str)]) -> Page {
    let mut form: Vec<(String, String)> = ["_key", "_step", "_t"].iter().map(|n| (n.to_string(), hidden(from, n))).collect();
    form.push(("_homepage".into(), String::new()));
    form.extend(answers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let r = c.post(format!("{}/f/{slug}", env.srv.base)).form(&form).send().await.unwrap();
    page(r).await
}

async fn submit_json(env: &Env, slug: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let r = reqwest::Client::new().post(format!("{}/f/{slug}/submit", env.srv.base)).json(&body).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

// ---------------------------------------------------------------- 1. the owner's side

#[tokio::test]
async fn forms_are_drafted_checked_versioned_and_published() {
    let (env, b, ws) = owner("forms_owner", &[]).await;
    let f = create(&b, &ws, "Contact us").await;
    assert_eq!(f.draft.title, "Contact us");
    assert_eq!(f.draft.steps[0].fields.len(), 2, "a new form starts with a name and an e-mail field");
    assert!(f.published.is_none());
    let e = b.fails("create_form", &[("workspace", &ws), ("title", "  ")], 422).await;
    assert!(e.field_message("title").is_some(), "{e:?}");

    // A broken definition is refused field by field, and nothing is saved.
    let mut bad = f.draft.clone();
    bad.steps[0].fields[1].id = "name".into();
    bad.steps[0].fields[0].label = String::new();
    let json = serde_json::to_string(&bad).unwrap();
    let e = b.fails("save_form", &[("workspace", &ws), ("form", &f.id), ("content", &json), ("version", "1")], 422).await;
    assert!(e.field_message("steps.0.fields.1.id").is_some() && e.field_message("steps.0.fields.0.label").is_some(), "{e:?}");
    let e = b.fails("save_form", &[("workspace", &ws), ("form", &f.id), ("content", "{not json"), ("version", "1")], 422).await;
    assert!(e.field_message("content").is_some());
    let mut patterned = f.draft.clone();
    patterned.steps[0].fields[0].pattern = "(unclosed".into();
    patterned.steps[0].fields[0].pattern_message = "Letters".into();
    let json = serde_json::to_string(&patterned).unwrap();
    let e = b.fails("save_form", &[("workspace", &ws), ("form", &f.id), ("content", &json), ("version", "1")], 422).await;
    assert!(e.field_message("steps.0.fields.0.pattern").unwrap().contains("cannot be used"), "{e:?}");
    let got: FormFull = b.ok("get_form", &[("workspace", &ws), ("form", &f.id)]).await;
    assert_eq!((got.version, got.draft.clone()), (1, f.draft.clone()));

    // Saves bump the version; a save over an older one is a conflict carrying the current.
    let saved = save(&b, &ws, &f, &three_steps()).await;
    assert_eq!(saved.version, 2);
    let json = serde_json::to_string(&f.draft).unwrap();
    match b.fails("save_form", &[("workspace", &ws), ("form", &f.id), ("content", &json), ("version", "1")], 409).await {
        AppError::Conflict { current } => assert_eq!(current["version"], 2),
        other => panic!("expected a conflict, got {other:?}"),
    }

    // Nothing public before publishing; publishing a stale version is a conflict.
    let c = visitor();
    assert_eq!(get(&env, &c, &format!("/f/{}", f.slug)).await.status, 410);
    b.fails("publish_form", &[("workspace", &ws), ("form", &f.id), ("version", "1")], 409).await;
    let live = publish(&b, &ws, &saved).await;
    assert_eq!(live.published.as_ref(), Some(&three_steps()));
    let p = get(&env, &c, &format!("/f/{}", f.slug)).await;
    assert_eq!(p.status, 200);
    assert!(p.html.contains("Workshop sign-up") && p.html.contains("<label for=\"f-name\">Your name"), "{}", p.html);
    assert!(p.html.contains("Step 1 of 3"), "a progress bar");
    let list: Vec<FormSummary> = b.ok("list_forms", &[("workspace", &ws)]).await;
    assert_eq!(list.len(), 1);
    assert!(list[0].published && !list[0].unpublished_changes);

    // A form with nothing to ask cannot be published; the live one stays as it was.
    let mut empty = three_steps();
    empty.steps = vec![Step { id: "only".into(), title: String::new(), fields: vec![Field::new("note", FieldKind::Statement, "Hello")], jumps: vec![] }];
    let draft = save(&b, &ws, &live, &empty).await;
    let e = b.fails("publish_form", &[("workspace", &ws), ("form", &f.id), ("version", &draft.version.to_string())], 422).await;
    assert!(e.field_message("steps").is_some(), "{e:?}");
    let list: Vec<FormSummary> = b.ok("list_forms", &[("workspace", &ws)]).await;
    assert!(list[0].unpublished_changes);

    // Unpublished: the address says the form is closed. Deleted: it is gone.
    b.ok::<FormFull>("unpublish_form", &[("workspace", &ws), ("form", &f.id)]).await;
    let p = get(&env, &c, &format!("/f/{}", f.slug)).await;
    assert_eq!(p.status, 410);
    assert!(p.html.contains("This form is closed"));
    b.ok::<()>("delete_form", &[("workspace", &ws), ("form", &f.id)]).await;
    assert_eq!(get(&env, &c, &format!("/f/{}", f.slug)).await.status, 404);
    b.fails("get_form", &[("workspace", &ws), ("form", &f.id)], 404).await;
}

#[tokio::test]
async fn the_forms_limit_comes_from_the_plan() {
    let (_env, b, ws) = owner("forms_limit", &[]).await;
    for i in 0..3 {
        create(&b, &ws, &format!("Form {i}")).await;
    }
    match b.fails("create_form", &[("workspace", &ws), ("title", "One too many")], 402).await {
        AppError::LimitReached { limit, .. } => assert_eq!(limit, "forms"),
        other => panic!("expected the limit, got {other:?}"),
    }
    let list: Vec<FormSummary> = b.ok("list_forms", &[("workspace", &ws)]).await;
    b.ok::<()>("delete_form", &[("workspace", &ws), ("form", &list[0].id)]).await;
    create(&b, &ws, "Fits again").await;
}

// ---------------------------------------------------------------- 2. the public form, without script

#[tokio::test]
async fn a_visitor_without_script_goes_step_by_step_and_can_resume() {
    let (env, b, ws) = owner("forms_steps", &[]).await;
    let f = published(&b, &ws, &three_steps()).await;
    let c = visitor();
    let first = get(&env, &c, &format!("/f/{}", f.slug)).await.html;

    // Bad answers come back next to their fields, with everything typed still there.
    let p = post_step(&env, &c, &f.slug, &first, &[("name", "Ada <b>Lovelace</b>"), ("email", "ada@"), ("kind", "Team")]).await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("id=\"e-email\"") && p.html.contains("name@example.com"), "{}", p.html);
    assert!(p.html.contains("aria-describedby=\"e-email\"") && p.html.contains("aria-invalid=\"true\""));
    assert!(p.html.contains("value=\"Ada &lt;b&gt;Lovelace&lt;/b&gt;\""), "the name is kept, escaped");
    assert!(p.html.contains("value=\"Team\" checked"), "the choice is kept");
    assert_eq!(env.count(SUBMISSIONS, doc! {}).await, 0, "nothing is saved from a refused step");

    // A good step is saved, and the visitor is sent to the next one with a resume link.
    let p = post_step(&env, &c, &f.slug, &first, &[("name", "Ada"), ("email", "ada@example.com"), ("kind", "Team")]).await;
    assert_eq!(p.status, 303);
    let next = p.location.unwrap();
    let key = hidden(&first, "_key");
    assert_eq!(next, format!("/f/{}?resume={key}&step=1", f.slug));
    let subs = submissions(&b, &ws, &f.id, "partial", "").await;
    assert_eq!(subs.total, 1);
    assert_eq!(subs.items[0].status, SubmissionStatus::Partial);
    assert_eq!(subs.items[0].answers["email"], ["ada@example.com"]);

    // Another device with the resume link finds step 2, and can go back to step 1.
    let other = visitor();
    let step2 = get(&env, &other, &format!("/f/{}?resume={key}", f.slug)).await;
    assert_eq!(step2.status, 200);
    assert!(step2.html.contains("Your team") && step2.html.contains("Step 2 of 3") && step2.html.contains("Your answers are saved"));
    let back = get(&env, &other, &format!("/f/{}?resume={key}&step=0", f.slug)).await;
    assert!(back.html.contains("value=\"ada@example.com\""), "earlier answers are shown again");
    // A step beyond the one reached cannot be opened or posted: the visitor stays on step 2.
    let ahead = get(&env, &other, &format!("/f/{}?resume={key}&step=2", f.slug)).await;
    assert!(ahead.html.contains("Your team"));
    let crafted = step2.html.replace("name=\"_step\" value=\"1\"", "name=\"_step\" value=\"2\"");
    let p = post_step(&env, &other, &f.slug, &crafted, &[("score", "5")]).await;
    assert_eq!(p.location.as_deref(), Some(format!("/f/{}?resume={key}&step=1", f.slug).as_str()));
    assert_eq!(submissions(&b, &ws, &f.id, "complete", "").await.total, 0);

    // 150 seats makes the reason required, the server says so.
    let p = post_step(&env, &other, &f.slug, &step2.html, &[("seats", "150")]).await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("id=\"e-why\""), "{}", p.html);
    let p = post_step(&env, &other, &f.slug, &step2.html, &[("seats", "150"), ("why", "A whole school")]).await;
    assert_eq!(p.status, 303);
    let step3 = get(&env, &other, p.location.as_deref().unwrap()).await.html;
    assert!(step3.contains("How excited are you?") && step3.contains(">Submit<"));
    let p = post_step(&env, &other, &f.slug, &step3, &[("score", "5")]).await;
    assert_eq!((p.status, p.location.as_deref()), (303, Some(format!("/f/{}?resume={key}", f.slug).as_str())));
    let done = get(&env, &other, p.location.as_deref().unwrap()).await;
    assert!(done.html.contains("Thank you!"), "{}", done.html);

    // One submission, complete, with the answers of the path taken.
    let all = submissions(&b, &ws, &f.id, "", "").await;
    assert_eq!(all.total, 1);
    let s = &all.items[0];
    assert_eq!(s.status, SubmissionStatus::Complete);
    assert_eq!((s.answers["seats"][0].as_str(), s.answers["why"][0].as_str(), s.answers["score"][0].as_str()), ("150", "A whole school", "5"));
    // Posting the last step again (a reload, a double click) changes nothing.
    let p = post_step(&env, &other, &f.slug, &step3, &[("score", "1")]).await;
    assert_eq!(p.status, 303);
    let again: Submission = b.ok("get_form_submission", &[("workspace", &ws), ("id", &s.id)]).await;
    assert_eq!(again.answers["score"], ["5"]);
    assert_eq!(submissions(&b, &ws, &f.id, "", "").await.total, 1);

    // An individual jumps from step 1 to the last step; the team step is never asked.
    let c2 = visitor();
    let first = get(&env, &c2, &format!("/f/{}", f.slug)).await.html;
    let p = post_step(&env, &c2, &f.slug, &first, &[("name", "Bo"), ("email", "bo@example.com"), ("kind", "Individual")]).await;
    assert!(p.location.as_deref().unwrap().ends_with("&step=2"), "{:?}", p.location);
    let last = get(&env, &c2, p.location.as_deref().unwrap()).await.html;
    assert!(last.contains("Step 2 of 2"), "the progress follows the path");
    let p = post_step(&env, &c2, &f.slug, &last, &[("score", "3"), ("seats", "9")]).await;
    assert_eq!(p.status, 303);
    let bo = submissions(&b, &ws, &f.id, "complete", "bo@example").await;
    assert_eq!(bo.total, 1, "search finds answers");
    assert!(!bo.items[0].answers.contains_key("seats"), "an answer to a step not on the path is dropped");
}

#[tokio::test]
async fn a_crafted_submission_that_skips_a_visible_required_step_is_refused() {
    let (env, b, ws) = owner("forms_crafted", &[]).await;
    let f = published(&b, &ws, &three_steps()).await;
    let c = visitor();
    let html = get(&env, &c, &format!("/f/{}", f.slug)).await.html;
    let t = hidden(&html, "_t");
    // A team must answer step 2; leaving it out is refused, naming that step and field.
    let body =
        serde_json::json!({ "key": "crafted-key-0000000001", "t": t, "answers": { "name": "Eve", "email": "eve@example.com", "kind": "Team", "score": "5" } });
    let (status, answer) = submit_json(&env, &f.slug, body).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!((answer["status"].as_str(), answer["step"].as_u64(), answer["errors"][0]["field"].as_str()), (Some("invalid"), Some(1), Some("seats")));
    // An option that is not offered, and a rating off the scale.
    let body = serde_json::json!({ "key": "crafted-key-0000000002", "t": t, "answers": { "name": "Eve", "email": "eve@example.com", "kind": "Admin", "score": "50" } });
    let (status, answer) = submit_json(&env, &f.slug, body).await;
    assert_eq!((status, answer["errors"][0]["field"].as_str()), (422, Some("kind")));
    assert_eq!(env.count(SUBMISSIONS, doc! {}).await, 0);
    // Unreadable bodies and keys.
    let (status, _) = submit_json(&env, &f.slug, serde_json::json!({ "key": "short", "answers": {} })).await;
    assert_eq!(status, 422);
    let r = reqwest::Client::new().post(format!("{}/f/{}/submit", env.srv.base, f.slug)).body("{\"answers\":").send().await.unwrap();
    assert_eq!(r.status(), 422);
    let r = reqwest::Client::new().post(format!("{}/f/{}", env.srv.base, f.slug)).body(vec![0xff, 0xfe, b'=', 0x80]).send().await.unwrap();
    assert_eq!(r.status(), 422);
}

// ---------------------------------------------------------------- 3. never twice, never lost

#[tokio::test]
async fn the_same_submission_posted_ten_times_is_stored_once() {
    let (env, b, ws) = owner("forms_idem", &[]).await;
    let f = published(&b, &ws, &FormDef::starter("Newsletter")).await;
    let body = serde_json::json!({ "key": "visitor-key-abcdef012345", "t": "", "answers": { "name": "Ana", "email": "ana@example.com" } });
    // Ten at once (a retrying script, a double click, two tabs) and then one more.
    let mut tasks = vec![];
    for _ in 0..10 {
        let (base, slug, body) = (env.srv.base.clone(), f.slug.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let r = reqwest::Client::new().post(format!("{base}/f/{slug}/submit")).json(&body).send().await.unwrap();
            (r.status().as_u16(), r.json::<serde_json::Value>().await.unwrap())
        }));
    }
    for t in tasks {
        let (status, answer) = t.await.unwrap();
        assert_eq!((status, answer["status"].as_str()), (200, Some("done")), "{answer}");
    }
    assert_eq!(env.count(SUBMISSIONS, doc! { "form_id": &f.id }).await, 1);
    let list: Vec<FormSummary> = b.ok("list_forms", &[("workspace", &ws)]).await;
    assert_eq!((list[0].submissions, list[0].partials), (1, 0));
    // The key also comes as the Idempotency-Key header.
    let r = reqwest::Client::new()
        .post(format!("{}/f/{}/submit", env.srv.base, f.slug))
        .header("Idempotency-Key", "header-key-0123456789ab")
        .json(&serde_json::json!({ "answers": { "name": "Ben", "email": "ben@example.com" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(env.count(SUBMISSIONS, doc! { "form_id": &f.id }).await, 2);
}

#[tokio::test]
async fn honeypot_minimum_time_and_rate_limit() {
    let (env, b, ws) = owner("forms_spam", &[("FORMS_MIN_FILL_MS", "1500")]).await;
    let f = published(&b, &ws, &FormDef::starter("Contact")).await;
    let c = visitor();
    let html = get(&env, &c, &format!("/f/{}", f.slug)).await.html;
    assert!(html.contains("name=\"_homepage\"") && html.contains("Leave this field empty"));

    // A robot fills the hidden field: it is thanked, and nothing is kept.
    let mut form: Vec<(String, String)> = ["_key", "_step", "_t"].iter().map(|n| (n.to_string(), hidden(&html, n))).collect();
    form.extend([("_homepage".into(), "https://spam.example".into()), ("name".into(), "Bot".into()), ("email".into(), "bot@example.com".into())]);
    let r = page(c.post(format!("{}/f/{}", env.srv.base, f.slug)).form(&form).send().await.unwrap()).await;
    assert!(r.html.contains("Thank you!"));
    assert_eq!(env.count(SUBMISSIONS, doc! {}).await, 0);

    // Sent at once after opening: kept as a partial, and asked again; later it goes through.
    let p = post_step(&env, &c, &f.slug, &html, &[("name", "Quick"), ("email", "quick@example.com")]).await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("That was very quick") && p.html.contains("value=\"quick@example.com\""), "{}", p.html);
    assert_eq!(submissions(&b, &ws, &f.id, "partial", "").await.total, 1);
    // A start time cannot be made up: without a genuine signature it never counts as slow.
    let body = serde_json::json!({ "key": "forged-time-key-0000001", "t": "1000.00", "answers": { "name": "Old", "email": "old@example.com" } });
    assert_eq!(submit_json(&env, &f.slug, body).await.1["status"], "too_fast");
    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    let p = post_step(&env, &c, &f.slug, &html, &[("name", "Quick"), ("email", "quick@example.com")]).await;
    assert_eq!(p.status, 303);
    let all = submissions(&b, &ws, &f.id, "", "").await;
    assert_eq!((all.total, all.items[0].status), (1, SubmissionStatus::Complete), "the partial became the submission");

    // Every post counts against the visitor's address (four so far): the 121st in a
    // ten-minute window is refused. (The window is fixed: should one end during the loop, the
    // count starts again, so the refusal may come up to one window's worth later.)
    let mut refused_at = None;
    for i in 5..=250 {
        let r = page(c.post(format!("{}/f/{}", env.srv.base, f.slug)).form(&[("_key", "x")]).send().await.unwrap()).await;
        if r.status == 429 {
            assert!(r.html.contains("Too many tries"));
            refused_at = Some(i);
            break;
        }
        assert_eq!(r.status, 422);
    }
    let refused_at = refused_at.expect("the rate limit never refused a post");
    assert!((121..=241).contains(&refused_at), "refused at post {refused_at}");
    let (status, _) = submit_json(&env, &f.slug, serde_json::json!({ "key": "late-key-000000000001", "answers": {} })).await;
    assert_eq!(status, 429);
}

// ---------------------------------------------------------------- 4. the owner's submissions

#[tokio::test]
async fn submissions_are_filtered_searched_paged_and_deleted() {
    let (env, b, ws) = owner("forms_list", &[]).await;
    let f = published(&b, &ws, &FormDef::starter("Guest book")).await;
    for i in 0..55 {
        let body =
            serde_json::json!({ "key": format!("guest-key-{i:012}"), "answers": { "name": format!("Guest {i}"), "email": format!("guest{i}@example.com") } });
        assert_eq!(submit_json(&env, &f.slug, body).await.0, 200);
    }
    let first = submissions(&b, &ws, &f.id, "complete", "").await;
    assert_eq!((first.total, first.items.len()), (55, 50));
    assert_eq!(first.items[0].answers["name"], ["Guest 54"], "newest first");
    let next = first.next.clone().unwrap();
    let second: SubmissionPage =
        b.ok("list_form_submissions", &[("workspace", &ws), ("form", &f.id), ("status", ""), ("from", ""), ("to", ""), ("query", ""), ("after", &next)]).await;
    assert_eq!((second.items.len(), second.next.as_deref()), (5, None));
    assert_eq!(second.items[4].answers["name"], ["Guest 0"]);
    assert_eq!(submissions(&b, &ws, &f.id, "", "GUEST7@").await.total, 1, "search ignores case");
    assert_eq!(submissions(&b, &ws, &f.id, "", "guest.*").await.total, 0, "search is literal text");
    assert_eq!(submissions(&b, &ws, &f.id, "partial", "").await.total, 0);
    let today = app::calendar::day_of_ms(mongodb::bson::DateTime::now().timestamp_millis());
    let range = |from: &str, to: &str| {
        vec![
            ("workspace", ws.clone()),
            ("form", f.id.clone()),
            ("status", String::new()),
            ("from", from.to_string()),
            ("to", to.to_string()),
            ("query", String::new()),
            ("after", String::new()),
        ]
    };
    let call = |pairs: Vec<(&'static str, String)>| {
        let b = &b;
        async move {
            let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            b.call("list_form_submissions", &refs).await
        }
    };
    let (status, body) = call(range(&today, &today)).await;
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_slice::<SubmissionPage>(&body).unwrap().total, 55);
    let (status, body) = call(range("2020-01-01", "2020-12-31")).await;
    assert_eq!((status, serde_json::from_slice::<SubmissionPage>(&body).unwrap().total), (200, 0));
    let (status, _) = call(range("2020-13-01", "")).await;
    assert_eq!(status, 422);
    let e = b
        .fails(
            "list_form_submissions",
            &[("workspace", &ws), ("form", &f.id), ("status", "maybe"), ("from", ""), ("to", ""), ("query", ""), ("after", "")],
            422,
        )
        .await;
    assert!(e.field_message("status").is_some());

    let one = &first.items[0];
    b.ok::<()>("delete_form_submission", &[("workspace", &ws), ("id", &one.id)]).await;
    b.fails("get_form_submission", &[("workspace", &ws), ("id", &one.id)], 404).await;
    assert_eq!(submissions(&b, &ws, &f.id, "", "").await.total, 54);
    // Deleting the form deletes its submissions in the same transaction.
    b.ok::<()>("delete_form", &[("workspace", &ws), ("form", &f.id)]).await;
    assert_eq!(env.count(SUBMISSIONS, doc! { "form_id": &f.id }).await, 0);
}

#[tokio::test]
async fn a_redirect_ending_sends_the_visitor_on() {
    let (env, b, ws) = owner("forms_redirect", &[]).await;
    let mut def = FormDef::starter("Waitlist");
    def.ending = Ending::Redirect { url: "https://example.com/welcome".into() };
    let f = published(&b, &ws, &def).await;
    let c = visitor();
    let html = get(&env, &c, &format!("/f/{}", f.slug)).await.html;
    let p = post_step(&env, &c, &f.slug, &html, &[("name", "Cy"), ("email", "cy@example.com")]).await;
    let done = get(&env, &c, p.location.as_deref().unwrap()).await;
    assert_eq!((done.status, done.location.as_deref()), (303, Some("https://example.com/welcome")));
    let (_, answer) =
        submit_json(&env, &f.slug, serde_json::json!({ "key": "redirect-key-00000001", "answers": { "name": "Di", "email": "di@example.com" } })).await;
    assert_eq!(answer["redirect"], "https://example.com/welcome");
    // A redirect elsewhere than http(s) is refused when saving.
    def.ending = Ending::Redirect { url: "javascript:alert(1)".into() };
    let json = serde_json::to_string(&def).unwrap();
    let e = b.fails("save_form", &[("workspace", &ws), ("form", &f.id), ("content", &json), ("version", &f.version.to_string())], 422).await;
    assert!(e.field_message("ending.url").is_some());
}

// ---------------------------------------------------------------- 5. the cross-workspace probe

#[tokio::test]
async fn no_forms_fn_reaches_into_another_workspace_or_past_the_callers_role() {
    let env = start("forms_probe", &[("FORMS_MIN_FILL_MS", "0"), ("WEBHOOKS_ALLOW_PRIVATE", "1")]).await;
    let fx = probe::fixture(&env).await;
    let v = &fx.victim;
    let form = published(&v.owner, &v.workspace_id, &FormDef::starter("Private inquiries")).await;
    let (status, _) =
        submit_json(&env, &form.slug, serde_json::json!({ "key": "victim-visitor-000000001", "answers": { "name": "Vi", "email": "vi@example.com" } })).await;
    assert_eq!(status, 200);
    let sub = submissions(&v.owner, &v.workspace_id, &form.id, "", "").await.items.remove(0);
    // The viewer reads forms and submissions.
    assert_eq!(submissions(&v.viewer, &v.workspace_id, &form.id, "", "").await.total, 1);

    // A webhook, and a delivery in its log (settled before the probe compares the database).
    let (url, _hits) = receiver(vec![]).await;
    let c: FormConnect = v.owner.ok("add_form_webhook", &[("workspace", &v.workspace_id), ("form", &form.id), ("url", &url)]).await;
    let hook_id = c.webhooks.unwrap()[0].id.clone();
    submit_json(&env, &form.slug, serde_json::json!({ "key": "victim-visitor-000000002", "answers": { "name": "Vo", "email": "vo@example.com" } })).await;
    let delivery_id = common::eventually(std::time::Duration::from_secs(10), || {
        let (o, ws, id) = (v.owner.clone(), v.workspace_id.clone(), form.id.clone());
        async move {
            let c: FormConnect = o.ok("get_form_connect", &[("workspace", &ws), ("form", &id)]).await;
            !c.deliveries.is_empty()
        }
    })
    .await;
    assert!(delivery_id.is_some(), "a delivery is logged");
    env.jobs_settled().await;
    let c: FormConnect = v.owner.ok("get_form_connect", &[("workspace", &v.workspace_id), ("form", &form.id)]).await;
    let delivery_id = c.deliveries[0].id.clone();
    let owner_id = v.owner.me().await.unwrap().id;
    let (form_id, sub_id) = (form.id.clone(), sub.id.clone());
    let content = serde_json::to_string(&FormDef::starter("Hijacked")).unwrap();
    let version = form.version.to_string();
    let args = move |endpoint: &str, _fx: &Fixture| -> Option<Vec<(String, String)>> {
        let f = |pairs: &[(&str, &str)]| Some(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        match endpoint {
            "create_form" => f(&[("title", "Probe form")]),
            "list_forms" => f(&[]),
            "get_form" | "unpublish_form" | "delete_form" => f(&[("form", &form_id)]),
            "save_form" => f(&[("form", &form_id), ("content", &content), ("version", &version)]),
            "publish_form" => f(&[("form", &form_id), ("version", &version)]),
            "list_form_submissions" => f(&[("form", &form_id), ("status", ""), ("from", ""), ("to", ""), ("query", ""), ("after", "")]),
            "get_form_submission" | "delete_form_submission" => f(&[("id", &sub_id)]),
            "get_form_connect" => f(&[("form", &form_id)]),
            "save_form_notify" => f(&[("form", &form_id), ("notify[0]", &owner_id), ("email", "true")]),
            "add_form_webhook" => f(&[("form", &form_id), ("url", "https://hooks.example.com/probe")]),
            "delete_form_webhook" => f(&[("form", &form_id), ("hook", &hook_id)]),
            "resend_form_delivery" => f(&[("form", &form_id), ("delivery", &delivery_id)]),
            _ => None,
        }
    };
    let spec = ModuleSpec {
        module: "forms",
        endpoints: ENDPOINTS,
        view_only: &["list_forms", "get_form", "list_form_submissions", "get_form_submission", "get_form_connect"],
        viewer_self_service: &[],
        routes: &[],
        args: &args,
    };
    probe::run(&env, &fx, &spec).await;

    // The victim's form and submission are whole.
    let after: FormFull = v.owner.ok("get_form", &[("workspace", &v.workspace_id), ("form", &form.id)]).await;
    assert_eq!((after.draft.title.as_str(), after.version, after.published.is_some()), ("Private inquiries", form.version, true));
    assert_eq!(submissions(&v.owner, &v.workspace_id, &form.id, "", "").await.total, 2);
    let c: FormConnect = v.owner.ok("get_form_connect", &[("workspace", &v.workspace_id), ("form", &form.id)]).await;
    assert_eq!(c.webhooks.map(|w| w.len()), Some(1), "the webhook is still there, and no other was added");
    assert!(c.notify.is_empty(), "nobody was added to the people told");
    assert_eq!(c.deliveries.len(), 1, "no delivery was sent again");
    let theirs: Vec<FormSummary> = fx.outsider.browser.ok("list_forms", &[("workspace", &fx.outsider.workspace_id)]).await;
    assert!(theirs.iter().all(|f| f.id != form.id));
}

// ---------------------------------------------------------------- 6. the CSV export

#[tokio::test]
async fn the_csv_export_keeps_every_answer_exactly_and_runs_no_formula() {
    let env = start("forms_csv", &[("FORMS_MIN_FILL_MS", "0")]).await;
    let fx = probe::fixture(&env).await;
    let v = &fx.victim;
    let mut def = FormDef::starter("Feedback");
    let mut colours = field("colours", FieldKind::MultiSelect, "Colours, \"quoted\"", false);
    colours.options = vec!["Red".into(), "Blue".into()];
    def.steps[0].fields.push(colours);
    def.steps[0].fields.push(field("note", FieldKind::LongText, "Note", false));
    let f = published(&v.owner, &v.workspace_id, &def).await;
    let awkward = "Line one, with a comma\nline \"two\"\r\nÉtoile ✨ 日本";
    let answers = [
        serde_json::json!({ "name": "Zoë, \"Z\"", "email": "zoe@example.com", "colours": ["Red", "Blue"], "note": awkward }),
        serde_json::json!({ "name": "=HYPERLINK(\"http://evil.example\")", "email": "mal@example.com", "note": "+1 -2 @SUM(A1)" }),
    ];
    for (i, a) in answers.iter().enumerate() {
        let (status, body) = submit_json(&env, &f.slug, serde_json::json!({ "key": format!("csv-visitor-key-{i:06}"), "answers": a })).await;
        assert_eq!(status, 200, "{body}");
    }
    let path = format!("/api/forms/{}/{}/submissions.csv", v.workspace_id, f.id);
    let r = v.viewer.get(&path).await;
    assert_eq!(r.status(), 200, "a viewer may export");
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.starts_with("attachment; filename=\"form-"), "{disposition}");
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "a byte order mark, so spreadsheets read UTF-8");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(headers, ["Submission", "Status", "Started (UTC)", "Submitted (UTC)", "Your name", "Your e-mail address", "Colours, \"quoted\"", "Note"]);
    let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    assert_eq!(rows.len(), 2);
    // Newest first: the formula-like answers are neutralised, and only they.
    assert_eq!(rows[0][4], "'=HYPERLINK(\"http://evil.example\")");
    assert_eq!(rows[0][7], "'+1 -2 @SUM(A1)");
    assert_eq!(rows[1][1], "Complete");
    assert_eq!((rows[1][4].as_str(), rows[1][6].as_str(), rows[1][7].as_str()), ("Zoë, \"Z\"", "Red; Blue", awkward));

    // A filter, a bad one, and people who may not see the form.
    let r = v.owner.get(&format!("{path}?status=partial")).await;
    let text = r.text().await.unwrap();
    assert_eq!(text.lines().count(), 1, "only the header: {text}");
    assert_eq!(v.owner.get(&format!("{path}?status=nope")).await.status(), 422);
    assert_eq!(fx.outsider.browser.get(&path).await.status(), 404);
    let other = format!("/api/forms/{}/{}/submissions.csv", fx.outsider.workspace_id, f.id);
    assert_eq!(fx.outsider.browser.get(&other).await.status(), 404, "the form is not in the outsider's workspace");
    assert_eq!(reqwest::Client::new().get(format!("{}{path}", env.srv.base)).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn the_form_page_loads_its_small_script_and_nothing_else() {
    let (env, b, ws) = owner("forms_script", &[]).await;
    let f = published(&b, &ws, &FormDef::starter("Hello")).await;
    let r = reqwest::get(format!("{}/f/{}", env.srv.base, f.slug)).await.unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("script-src 'self'") && csp.contains("default-src 'none'"), "{csp}");
    let html = r.text().await.unwrap();
    assert!(html.contains("<script src=\"/f/-/form.js\" defer></script>"), "{html}");
    assert!(html.contains("data-form=\"") && html.contains("id=\"form-status\""));
    let js = reqwest::get(format!("{}/f/-/form.js", env.srv.base)).await.unwrap();
    assert_eq!(js.headers()["content-type"], "text/javascript; charset=utf-8");
    assert!(js.text().await.unwrap().contains("localStorage"));
    // Pages without a form (not found, closed) carry only that script (it sizes an
    // embedded frame), and no form.
    let missing = reqwest::get(format!("{}/f/nosuchform", env.srv.base)).await.unwrap().text().await.unwrap();
    assert_eq!(missing.matches("<script").count(), 1);
    assert!(!missing.contains("data-form="));

    // A form may be framed by any site (to be embedded); the app's own pages by none.
    let r = reqwest::get(format!("{}/f/{}", env.srv.base, f.slug)).await.unwrap();
    assert!(r.headers().get("x-frame-options").is_none());
    assert!(r.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors *"));
    let app_page = reqwest::get(format!("{}/forms", env.srv.base)).await.unwrap();
    assert_eq!(app_page.headers()["x-frame-options"], "DENY");
    // The embedding site's script listens only to the form's origin.
    let embed = reqwest::get(format!("{}/f/-/embed.js", env.srv.base)).await.unwrap();
    assert_eq!(embed.status(), 200);
    assert_eq!(embed.headers()["content-type"], "text/javascript; charset=utf-8");
    let embed = embed.text().await.unwrap();
    assert!(embed.contains("ev.origin !== origin") && embed.contains("data-mewayz-form"), "{embed}");
}

// ---------------------------------------------------------------- 7. what follows a submission

/// HMAC-SHA256 as RFC 2104 defines it, written here from SHA-256 alone, so the test checks
/// the header against the standard rather than against the server's own code.
fn hmac_sha256_hex(key: &[u8], msg: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let inner: Vec<u8> = k.iter().map(|b| b ^ 0x36).chain(msg.iter().copied()).collect();
    let inner = Sha256::digest(&inner);
    let outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).chain(inner.iter().copied()).collect();
    Sha256::digest(&outer).iter().map(|b| format!("{b:02x}")).collect()
}

/// What a webhook receiver saw: each request's headers, body and arrival time.
#[derive(Clone, Debug)]
struct Hit {
    headers: std::collections::HashMap<String, String>,
    body: String,
    at: std::time::Instant,
}

/// A local webhook receiver that answers each request with the next of `statuses` (then
/// 200), and keeps what it received.
async fn receiver(statuses: Vec<u16>) -> (String, std::sync::Arc<std::sync::Mutex<Vec<Hit>>>) {
    use axum::http::{HeaderMap, StatusCode};
    let hits = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Hit>::new()));
    let plan = std::sync::Arc::new(std::sync::Mutex::new(std::collections::VecDeque::from(statuses)));
    let (h, p) = (hits.clone(), plan.clone());
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let (h, p) = (h.clone(), p.clone());
            async move {
                let headers = headers.iter().map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string())).collect();
                h.lock().unwrap().push(Hit { headers, body, at: std::time::Instant::now() });
                StatusCode::from_u16(p.lock().unwrap().pop_front().unwrap_or(200)).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), hits)
}

#[tokio::test]
async fn webhooks_are_signed_retried_with_backoff_logged_and_sent_again() {
    let (env, b, ws) = owner("forms_webhooks", &[("WEBHOOKS_ALLOW_PRIVATE", "1")]).await;
    let f = published(&b, &ws, &FormDef::starter("Leads")).await;
    let (url, hits) = receiver(vec![500, 503]).await;

    // Bad addresses are refused next to the field.
    for bad in ["ftp://example.com/x", "not a url", "https://user:pw@example.com/"] {
        let e = b.fails("add_form_webhook", &[("workspace", &ws), ("form", &f.id), ("url", bad)], 422).await;
        assert!(e.field_message("url").is_some(), "{bad}: {e:?}");
    }
    let c: FormConnect = b.ok("add_form_webhook", &[("workspace", &ws), ("form", &f.id), ("url", &url)]).await;
    let hook = c.webhooks.unwrap().remove(0);
    assert!(hook.secret.starts_with("whsec_") && hook.secret.len() > 30);
    b.fails("add_form_webhook", &[("workspace", &ws), ("form", &f.id), ("url", &url)], 422).await;

    let (status, _) =
        submit_json(&env, &f.slug, serde_json::json!({ "key": "hook-visitor-0000000001", "answers": { "name": "Hana", "email": "Hana@Example.com" } })).await;
    assert_eq!(status, 200);
    // Two refusals, then the third try is acknowledged; each wait is longer than the last.
    let got = common::eventually(std::time::Duration::from_secs(30), || {
        let hits = hits.clone();
        async move { hits.lock().unwrap().len() >= 3 }
    })
    .await;
    assert!(got.is_some(), "three tries within 30 s: {:?}", hits.lock().unwrap().len());
    let seen = hits.lock().unwrap().clone();
    let gaps: Vec<f64> = seen.windows(2).map(|w| (w[1].at - w[0].at).as_secs_f64()).collect();
    assert!(gaps[0] >= 1.9 && gaps[1] >= 3.9 && gaps[1] > gaps[0], "exponential backoff: {gaps:?}");
    let first = &seen[0];
    let delivery = first.headers["mewayz-delivery"].clone();
    assert_eq!(first.headers["mewayz-event"], "form.submission");
    assert!(seen.iter().all(|h| h.headers["mewayz-delivery"] == delivery && h.body == first.body), "every try is the same delivery");
    for h in &seen {
        let sig = &h.headers["mewayz-signature"];
        let (t, v1) = sig.strip_prefix("t=").and_then(|r| r.split_once(",v1=")).expect(sig);
        assert_eq!(v1, hmac_sha256_hex(hook.secret.as_bytes(), format!("{t}.{}", h.body).as_bytes()), "the signature verifies");
        let age = (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64 - t.parse::<i64>().unwrap()).abs();
        assert!(age < 60, "the timestamp is the time of sending");
        assert_ne!(v1, hmac_sha256_hex(b"whsec_wrong", format!("{t}.{}", h.body).as_bytes()));
    }
    let body: serde_json::Value = serde_json::from_str(&first.body).unwrap();
    assert_eq!(body["event"], "form.submission");
    assert_eq!(body["form"]["slug"], f.slug.as_str());
    assert_eq!(body["submission"]["answers"]["email"], "Hana@Example.com");
    assert_eq!(body["submission"]["labels"]["email"], "Your e-mail address");

    // The log shows the three tries with their status and time.
    let log = common::eventually(std::time::Duration::from_secs(10), || {
        let b = b.clone();
        let (ws, id) = (ws.clone(), f.id.clone());
        async move {
            let c: FormConnect = b.ok("get_form_connect", &[("workspace", &ws), ("form", &id)]).await;
            c.deliveries.first().is_some_and(|d| d.state == DeliveryState::Delivered)
        }
    })
    .await;
    assert!(log.is_some(), "the delivery is marked delivered");
    let c: FormConnect = b.ok("get_form_connect", &[("workspace", &ws), ("form", &f.id)]).await;
    assert_eq!(c.deliveries.len(), 1);
    let d = &c.deliveries[0];
    assert_eq!(d.id, delivery);
    assert_eq!(d.attempts.iter().map(|a| a.status).collect::<Vec<_>>(), [Some(500), Some(503), Some(200)]);
    assert!(d.attempts[0].error.contains("500") && d.attempts[2].error.is_empty());

    // Nothing more is sent for it, however long we wait; "send again" sends a new delivery.
    env.jobs_settled().await;
    assert_eq!(hits.lock().unwrap().len(), 3);
    let c: FormConnect = b.ok("resend_form_delivery", &[("workspace", &ws), ("form", &f.id), ("delivery", &delivery)]).await;
    assert_eq!(c.deliveries.len(), 2);
    let again = common::eventually(std::time::Duration::from_secs(10), || {
        let hits = hits.clone();
        async move { hits.lock().unwrap().len() >= 4 }
    })
    .await;
    assert!(again.is_some());
    let resent = hits.lock().unwrap()[3].clone();
    assert_ne!(resent.headers["mewayz-delivery"], delivery);
    let resent_body: serde_json::Value = serde_json::from_str(&resent.body).unwrap();
    assert_eq!(resent_body["submission"], body["submission"]);

    // The same submission posted again makes no second delivery.
    let (status, _) =
        submit_json(&env, &f.slug, serde_json::json!({ "key": "hook-visitor-0000000001", "answers": { "name": "Hana", "email": "hana@example.com" } })).await;
    assert_eq!(status, 200);
    env.jobs_settled().await;
    assert_eq!(hits.lock().unwrap().len(), 4);

    // Removed, the webhook gets nothing more; an editor may not manage webhooks.
    let c: FormConnect = b.ok("delete_form_webhook", &[("workspace", &ws), ("form", &f.id), ("hook", &hook.id)]).await;
    assert!(c.webhooks.unwrap().is_empty());
    submit_json(&env, &f.slug, serde_json::json!({ "key": "hook-visitor-0000000002", "answers": { "name": "Ivo", "email": "ivo@example.com" } })).await;
    env.jobs_settled().await;
    assert_eq!(hits.lock().unwrap().len(), 4);
}

#[tokio::test]
async fn private_webhook_addresses_are_refused_by_default() {
    let (_env, b, ws) = owner("forms_webhook_private", &[]).await;
    let f = create(&b, &ws, "Private").await;
    for url in ["http://127.0.0.1:9/hook", "https://127.0.0.1/hook", "https://169.254.169.254/latest", "https://localhost/x", "https://[::1]/x"] {
        let e = b.fails("add_form_webhook", &[("workspace", &ws), ("form", &f.id), ("url", url)], 422).await;
        assert!(e.field_message("url").is_some(), "{url}: {e:?}");
    }
}

#[tokio::test]
async fn chosen_members_are_told_in_the_app_and_by_email_and_the_contact_is_kept_for_the_crm() {
    let (env, b, ws) = owner("forms_notify", &[]).await;
    let me = b.me().await.unwrap();
    let f = published(&b, &ws, &FormDef::starter("Enquiries")).await;
    let e = b.fails("save_form_notify", &[("workspace", &ws), ("form", &f.id), ("notify[0]", "someone-else"), ("email", "true")], 422).await;
    assert!(e.field_message("notify").is_some(), "{e:?}");
    let c: FormConnect = b.ok("save_form_notify", &[("workspace", &ws), ("form", &f.id), ("notify[0]", &me.id), ("email", "true")]).await;
    assert_eq!((c.notify.clone(), c.email, c.email_configured), (vec![me.id.clone()], true, true));
    assert!(c.members.iter().any(|m| m.user_id == me.id));

    for _ in 0..2 {
        let (status, _) =
            submit_json(&env, &f.slug, serde_json::json!({ "key": "notify-visitor-00000001", "answers": { "name": "Noor", "email": " Noor@Example.COM " } }))
                .await;
        assert_eq!(status, 200);
    }
    env.jobs_settled().await;
    let list: app::notifications::NotificationList = b.ok("list_notifications", &[]).await;
    let told: Vec<_> = list.items.iter().filter(|n| n.kind == "form_submission").collect();
    assert_eq!(told.len(), 1, "told once: {list:?}");
    assert_eq!(told[0].title, "New answer to Enquiries");
    assert!(told[0].body.contains("Your name: Noor"), "{}", told[0].body);
    assert!(told[0].url.starts_with(&format!("/forms/{}", f.id)));
    let m = mails(&env.sink, "fern.forms@example.com", "New answer to Enquiries");
    assert_eq!(m.len(), 1, "one e-mail");

    // Stored ready for the CRM: the address answered, trimmed and lowercased.
    let db = env.srv.db().await;
    let sub = db.collection::<mongodb::bson::Document>(SUBMISSIONS).find_one(doc! { "form_id": &f.id }).await.unwrap().unwrap();
    assert_eq!(sub.get_str("contact_email").unwrap(), "noor@example.com");
}

#[tokio::test]
async fn the_monthly_submissions_limit_comes_from_the_plan_and_loses_nothing() {
    let (env, b, ws) = owner("forms_month", &[]).await;
    let plans = plans_file().replace("\"form_submissions_month\": 100", "\"form_submissions_month\": 2");
    env.load_plans(&plans).await;
    let f = published(&b, &ws, &FormDef::starter("Busy")).await;
    for i in 0..2 {
        let key = format!("month-visitor-00000000{i}");
        let (status, v) = submit_json(&env, &f.slug, serde_json::json!({ "key": key, "answers": { "name": "M", "email": "m@example.com" } })).await;
        assert_eq!(status, 200, "{v}");
    }
    let (status, v) =
        submit_json(&env, &f.slug, serde_json::json!({ "key": "month-visitor-000000009", "answers": { "name": "Late", "email": "late@example.com" } })).await;
    assert_eq!((status, v["status"].as_str()), (403, Some("full")), "{v}");
    // The answers are kept as a partial run, to be sent again later.
    let partial = submissions(&b, &ws, &f.id, "partial", "late").await;
    assert_eq!(partial.total, 1);
    // A retry of a stored submission is still acknowledged, and counts nothing more.
    let (status, _) =
        submit_json(&env, &f.slug, serde_json::json!({ "key": "month-visitor-000000000", "answers": { "name": "M", "email": "m@example.com" } })).await;
    assert_eq!(status, 200);
    let c: FormConnect = b.ok("get_form_connect", &[("workspace", &ws), ("form", &f.id)]).await;
    assert_eq!((c.month_used, c.month_limit), (2, Some(2)));
    // Without script, the last step says so and keeps the answers.
    let page = get(&env, &visitor(), &format!("/f/{}", f.slug)).await;
    let p = post_step(&env, &visitor(), &f.slug, &page.html, &[("name", "Nina"), ("email", "nina@example.com")]).await;
    assert_eq!(p.status, 403);
    assert!(p.html.contains("cannot take more answers this month") && p.html.contains("value=\"nina@example.com\""), "{}", p.html);
    // The billing page counts it.
    let billing: app::billing::BillingOverview = b.ok("get_billing", &[("workspace", &ws)]).await;
    let line = billing.usage.iter().find(|l| l.key == "form_submissions_month").expect("a usage line");
    assert_eq!((line.used, line.limit), (2, Some(2)));
}
