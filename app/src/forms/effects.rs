//! What follows a completed submission, exactly once per submission: its webhooks are
//! posted, and the members chosen are told (in the app, and by e-mail when asked).
//!
//! The submission's completion and the [`SubmittedJob`] that fans out are written in one
//! transaction (see [`super::public`]), so a crash never loses the follow-up nor runs it
//! for a submission that was not stored. Each effect has its own key (a delivery id, a
//! notification id, an e-mail's job key), so the job may run again and repeats nothing.
//!
//! # Webhook requests
//!
//! `POST` to the webhook's URL with a JSON body (see [`payload`]) and these headers:
//!
//! - `Mewayz-Event: form.submission`
//! - `Mewayz-Delivery: {delivery id}`: the same on every try of a delivery; a receiver that
//!   saw it already can ignore it.
//! - `Mewayz-Signature: t={unix seconds},v1={hex}` where `hex` is the HMAC-SHA256, keyed by
//!   the webhook's secret, of `"{t}.{body}"`. A receiver recomputes it, compares in constant
//!   time, and refuses a `t` older than a few minutes.
//!
//! A 2xx answer within [`TIMEOUT`] acknowledges the delivery. Anything else is tried again
//! with exponential backoff by the job queue (2 s, 4 s, 8 s, …), up to [`MAX_TRIES`] tries.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mongodb::bson::{doc, DateTime};
use serde::{Deserialize, Serialize};

use super::store::{AttemptDoc, DeliveryDoc, FormDoc, SubmissionDoc, DELIVERIES, FORMS, SUBMISSIONS};
use super::texts::FormsServerTexts;
use super::{DeliveryState, Webhook};
use crate::error::AppError;
use crate::i18n::fill;
use crate::platform::module_server::Extensions;
use crate::platform::scoped::Scoped;
use crate::platform::{crypto, AppState, Job};

/// How long a receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Tries of one delivery before it is marked failed.
pub const MAX_TRIES: usize = 8;
/// The event name of a completed submission.
pub const EVENT: &str = "form.submission";

/// The HTTP client webhooks go out through, made on first use: short time-outs, no
/// redirects, and (unless `WEBHOOKS_ALLOW_PRIVATE=1`) a resolver that refuses private
/// addresses.
#[derive(Default)]
pub struct WebhookClient(std::sync::OnceLock<reqwest::Client>);

pub fn init(ext: &mut Extensions) {
    ext.insert(WebhookClient::default());
}

fn client_of(state: &AppState) -> reqwest::Client {
    state.ext::<WebhookClient>().0.get_or_init(|| client(state.config.webhooks_allow_private)).clone()
}

fn client(allow_private: bool) -> reqwest::Client {
    let mut b = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("Mewayz-Webhooks/1");
    if !allow_private {
        b = b.dns_resolver(Arc::new(PublicOnly));
    }
    b.build().unwrap_or_default()
}

/// Resolves names to public addresses only: a webhook can never reach the server's own
/// network (its database, a cloud metadata service) by a name that points there.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.filter(|a| is_public(a.ip())).collect();
            if addrs.is_empty() {
                return Err("the host has no public address".into());
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Whether `ip` is on the public internet (not loopback, private, link-local, shared,
/// documentation, multicast or unspecified).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_unspecified()
                || v4.is_multicast()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || (o[0] == 198 && (o[1] & 0xfe) == 18)
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || s[0] == 0x2001 && s[1] == 0xdb8)
        }
    }
}

/// Checks a webhook address: an absolute `https` URL (plain `http` too when private
/// addresses are allowed), without credentials, whose host is not a private address.
/// Answers the message to show next to the field.
pub fn check_url(url: &str, allow_private: bool) -> Result<String, &'static str> {
    let t = FormsServerTexts::now();
    let url = url.trim();
    if url.len() > 2000 {
        return Err(t.err_webhook_url);
    }
    let Ok(parsed) = reqwest::Url::parse(url) else { return Err(t.err_webhook_url) };
    match parsed.scheme() {
        "https" => {}
        "http" if allow_private => {}
        "http" => return Err(t.err_webhook_https),
        _ => return Err(t.err_webhook_url),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() || parsed.fragment().is_some() {
        return Err(t.err_webhook_url);
    }
    let Some(host) = parsed.host_str() else { return Err(t.err_webhook_url) };
    let host = host.trim_start_matches('[').trim_end_matches(']').trim_end_matches('.').to_ascii_lowercase();
    let private = match host.parse::<IpAddr>() {
        Ok(ip) => !is_public(ip),
        Err(_) => host == "localhost" || host.ends_with(".localhost") || host.ends_with(".local") || host.ends_with(".internal") || !host.contains('.'),
    };
    if private && !allow_private {
        return Err(t.err_webhook_private);
    }
    Ok(parsed.to_string())
}

/// `Mewayz-Signature` for `body` sent at `t` (unix seconds) with `secret`.
pub fn signature(secret: &str, t: i64, body: &str) -> String {
    let t = t.to_string();
    let mac = crypto::hmac_sha256(secret.as_bytes(), &[t.as_bytes(), b".", body.as_bytes()]);
    format!("t={t},v1={}", hex(&mac))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The JSON a webhook receives for submission `sub` of `form`.
pub fn payload(form: &FormDoc, sub: &SubmissionDoc, delivery: &str) -> String {
    let def = form.published.as_ref().unwrap_or(&form.draft);
    let labels: serde_json::Map<String, serde_json::Value> =
        super::columns(form.published.as_ref(), &form.draft).into_iter().map(|(id, label)| (id, serde_json::Value::String(label))).collect();
    let answers: serde_json::Map<String, serde_json::Value> = sub
        .answers
        .iter()
        .map(|(k, v)| {
            let value = match v.as_slice() {
                [one] => serde_json::Value::String(one.clone()),
                many => serde_json::Value::Array(many.iter().cloned().map(serde_json::Value::String).collect()),
            };
            (k.clone(), value)
        })
        .collect();
    serde_json::json!({
        "event": EVENT,
        "delivery": delivery,
        "form": { "id": form.id, "slug": form.slug, "title": def.title },
        "submission": {
            "id": sub.id,
            "created_at": sub.created_at.try_to_rfc3339_string().unwrap_or_default(),
            "completed_at": sub.completed_at.and_then(|t| t.try_to_rfc3339_string().ok()),
            "answers": answers,
            "labels": labels,
        },
    })
    .to_string()
}

// ---------------------------------------------------------------- the fan-out

/// Queued with the completion of a submission, in the same transaction.
#[derive(Serialize, Deserialize)]
pub struct SubmittedJob {
    pub workspace_id: String,
    pub form_id: String,
    pub key: String,
}

impl Job for SubmittedJob {
    const KIND: &'static str = "forms.submitted";

    async fn run(self, state: &AppState) -> Result<(), String> {
        fan_out(state, &self).await.map_err(|e| e.to_string())
    }
}

async fn fan_out(state: &AppState, job: &SubmittedJob) -> Result<(), AppError> {
    let forms: Scoped<FormDoc> = Scoped::of_workspace(&state.db, FORMS, &job.workspace_id);
    // Deleted since: nothing to tell anybody.
    let Some(form) = forms.find_one(doc! { "_id": &job.form_id }).await? else { return Ok(()) };
    let subs: Scoped<SubmissionDoc> = Scoped::of_workspace(&state.db, SUBMISSIONS, &job.workspace_id);
    let Some(sub) = subs.find_one(doc! { "form_id": &job.form_id, "key": &job.key, "status": "complete" }).await? else { return Ok(()) };
    let completed = sub.completed_at.unwrap_or(sub.updated_at).timestamp_millis();
    // A webhook added after the submission (the queue ran late) does not get it.
    for hook in form.settings.webhooks.iter().filter(|h| h.created_at <= completed) {
        let id = format!("{}-{}", sub.id, hook.id);
        let d = new_delivery(&form, &sub, hook, id, None);
        start_delivery(state, &d).await?;
    }
    for user in &form.settings.notify {
        tell(state, &form, &sub, user).await?;
    }
    Ok(())
}

/// A delivery of `sub` to `hook`, not tried yet.
pub fn new_delivery(form: &FormDoc, sub: &SubmissionDoc, hook: &Webhook, id: String, resent_from: Option<String>) -> DeliveryDoc {
    DeliveryDoc {
        body: payload(form, sub, &id),
        id,
        workspace_id: form.workspace_id.clone(),
        form_id: form.id.clone(),
        hook_id: hook.id.clone(),
        url: hook.url.clone(),
        submission_id: sub.id.clone(),
        state: DeliveryState::Pending,
        attempts: vec![],
        created_at: DateTime::now(),
        resent_from,
    }
}

/// Stores delivery `d` (once: a second call finds it there) and queues its first try.
pub async fn start_delivery(state: &AppState, d: &DeliveryDoc) -> Result<(), AppError> {
    let deliveries: Scoped<DeliveryDoc> = Scoped::of_workspace(&state.db, DELIVERIES, &d.workspace_id);
    match deliveries.insert_one(d).await {
        Ok(()) => {}
        Err(e) if e.is_duplicate() => {}
        Err(e) => return Err(e.into()),
    }
    let job = WebhookJob { workspace_id: d.workspace_id.clone(), delivery_id: d.id.clone() };
    let options = crate::platform::jobs::EnqueueOptions { run_at: None, max_attempts: Some(MAX_TRIES as i32 + 2) };
    crate::platform::module_server::enqueue_with(state, &job, &format!("forms.webhook:{}", d.id), options).await
}

/// Tells member `user_id` of submission `sub`, in the app and (when the form asks) by
/// e-mail, in their language. Someone no longer a member is skipped.
async fn tell(state: &AppState, form: &FormDoc, sub: &SubmissionDoc, user_id: &str) -> Result<(), AppError> {
    if !crate::workspaces::domain::is_member(state, &form.workspace_id, user_id).await? {
        return Ok(());
    }
    let Some(person) = crate::accounts::people::by_id(state, user_id).await? else { return Ok(()) };
    let lang = crate::i18n::Lang::from_code(&person.locale).unwrap_or_default();
    let t = FormsServerTexts::of(lang);
    let def = form.published.as_ref().unwrap_or(&form.draft);
    let title = fill(t.notify_title, &[("form", &def.title)]);
    let summary = summary(form, sub);
    let path = format!("/forms/{}?submission={}", form.id, sub.id);
    let at = sub.completed_at.unwrap_or(sub.updated_at);
    let key = format!("forms.submitted:{}", sub.id);
    crate::notifications::domain::notify_once(state, &key, at, user_id, "form_submission", &title, &summary, &path).await;
    if form.settings.email && state.config.smtp_url.is_some() {
        let url = format!("{}{path}", state.config.public_url);
        let email =
            crate::i18n::sync_scope(lang, || crate::platform::mail::action_email(&person.email, &title, &summary, t.notify_action, &url, t.notify_outro));
        crate::platform::mail::send_later(state, &format!("forms.mail:{}:{user_id}", sub.id), email).await?;
    }
    Ok(())
}

/// The first few answers, as "Label: answer" lines, for a notification.
fn summary(form: &FormDoc, sub: &SubmissionDoc) -> String {
    let mut out = String::new();
    for (id, label) in super::columns(form.published.as_ref(), &form.draft).into_iter() {
        let Some(v) = sub.answers.get(&id).filter(|v| !v.is_empty()) else { continue };
        let mut answer = v.join(", ");
        if answer.chars().count() > 80 {
            answer = answer.chars().take(79).collect::<String>() + "…";
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("{label}: {answer}"));
        if out.lines().count() >= 4 {
            break;
        }
    }
    out
}

// ---------------------------------------------------------------- one webhook delivery

/// One try of a delivery; the queue runs it again (with backoff) while it fails.
#[derive(Serialize, Deserialize)]
pub struct WebhookJob {
    pub workspace_id: String,
    pub delivery_id: String,
}

impl Job for WebhookJob {
    const KIND: &'static str = "forms.webhook";

    async fn run(self, state: &AppState) -> Result<(), String> {
        match deliver(state, &self).await {
            Ok(Tried::Done) => Ok(()),
            Ok(Tried::Again(why)) => Err(why),
            Err(e) => Err(e.to_string()),
        }
    }
}

enum Tried {
    Done,
    Again(String),
}

async fn deliver(state: &AppState, job: &WebhookJob) -> Result<Tried, AppError> {
    let deliveries: Scoped<DeliveryDoc> = Scoped::of_workspace(&state.db, DELIVERIES, &job.workspace_id);
    let Some(d) = deliveries.find_one(doc! { "_id": &job.delivery_id }).await? else { return Ok(Tried::Done) };
    if d.state != DeliveryState::Pending {
        return Ok(Tried::Done);
    }
    let forms: Scoped<FormDoc> = Scoped::of_workspace(&state.db, FORMS, &job.workspace_id);
    let hook = forms.find_one(doc! { "_id": &d.form_id }).await?.and_then(|f| f.settings.webhooks.into_iter().find(|h| h.id == d.hook_id));
    let Some(hook) = hook else {
        let attempt = AttemptDoc { at: DateTime::now(), status: None, ms: 0, error: FormsServerTexts::now().delivery_hook_removed.to_string() };
        record(&deliveries, &d.id, attempt, DeliveryState::Failed).await?;
        return Ok(Tried::Done);
    };
    let client = client_of(state);
    // The address is checked again: the rules may have tightened since it was added.
    if let Err(why) = check_url(&d.url, state.config.webhooks_allow_private) {
        let attempt = AttemptDoc { at: DateTime::now(), status: None, ms: 0, error: why.to_string() };
        record(&deliveries, &d.id, attempt, DeliveryState::Failed).await?;
        return Ok(Tried::Done);
    }
    let now = DateTime::now();
    let t = now.timestamp_millis() / 1000;
    let started = Instant::now();
    let sent = client
        .post(&d.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("Mewayz-Event", EVENT)
        .header("Mewayz-Delivery", &d.id)
        .header("Mewayz-Signature", signature(&hook.secret, t, &d.body))
        .body(d.body.clone())
        .send()
        .await;
    let ms = started.elapsed().as_millis() as i64;
    let (status, error) = match sent {
        Ok(r) if r.status().is_success() => (Some(r.status().as_u16() as i32), String::new()),
        Ok(r) => (Some(r.status().as_u16() as i32), format!("HTTP {}", r.status().as_u16())),
        Err(e) => (None, describe(&e)),
    };
    let tries = d.attempts.len() + 1;
    let ok = error.is_empty();
    let next = if ok {
        DeliveryState::Delivered
    } else if tries >= MAX_TRIES {
        DeliveryState::Failed
    } else {
        DeliveryState::Pending
    };
    record(&deliveries, &d.id, AttemptDoc { at: now, status, ms, error: error.clone() }, next).await?;
    Ok(if next == DeliveryState::Pending { Tried::Again(error) } else { Tried::Done })
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        format!("no answer within {} s", TIMEOUT.as_secs())
    } else if e.is_connect() {
        "could not connect".into()
    } else {
        "the request failed".into()
    }
}

async fn record(deliveries: &Scoped<DeliveryDoc>, id: &str, attempt: AttemptDoc, state: DeliveryState) -> Result<(), AppError> {
    let attempt = mongodb::bson::to_bson(&attempt).map_err(|e| crate::platform::db::internal("delivery attempt", &e))?;
    let state = mongodb::bson::to_bson(&state).map_err(|e| crate::platform::db::internal("delivery state", &e))?;
    deliveries.update_one(doc! { "_id": id }, doc! { "$push": { "attempts": attempt }, "$set": { "state": state } }).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_refused() {
        for ip in
            ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:10.0.0.1"]
        {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn webhook_addresses() {
        assert!(check_url("https://hooks.example.com/in?x=1", false).is_ok());
        for bad in [
            "ftp://x.example.com",
            "https://user:pw@x.example.com",
            "http://x.example.com",
            "https://127.0.0.1/",
            "https://localhost/x",
            "https://[::1]/",
            "https://intranet/",
            "not a url",
        ] {
            assert!(check_url(bad, false).is_err(), "{bad}");
        }
        assert!(check_url("http://127.0.0.1:9/hook", true).is_ok());
    }

    #[test]
    fn the_signature_covers_time_and_body() {
        let s = signature("whsec_k", 1700000000, "{\"a\":1}");
        assert!(s.starts_with("t=1700000000,v1="));
        assert_eq!(s.len(), "t=1700000000,v1=".len() + 64);
        assert_ne!(s, signature("whsec_k", 1700000001, "{\"a\":1}"));
        assert_ne!(s, signature("whsec_k", 1700000000, "{\"a\":2}"));
        assert_ne!(s, signature("whsec_j", 1700000000, "{\"a\":1}"));
    }
}
