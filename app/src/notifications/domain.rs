//! Notification rules: storing them, the centre (list, unread count, mark read), push
//! subscriptions per device and preferences per kind. Notifications belong to a person,
//! never to a workspace: every query is by the caller's own user id.

use mongodb::bson::{doc, DateTime, Document};
use serde::{Deserialize, Serialize};

use super::push::{self, Delivery};
use super::texts::NotificationsTexts;
use super::{KindPreference, Notification, NotificationList, PushSettings, KINDS};
use crate::error::AppError;
use crate::platform::db::IndexSpec;
use crate::platform::Job;
use crate::platform::{crypto, AppState, Ctx};

pub const NOTIFICATIONS: &str = "notifications";
pub const SUBSCRIPTIONS: &str = "push_subscriptions";
pub const PREFERENCES: &str = "notification_preferences";

pub fn indexes() -> Vec<IndexSpec> {
    vec![
        IndexSpec::new(NOTIFICATIONS, "by_user", doc! { "user_id": 1, "_id": -1 }),
        IndexSpec::unique(SUBSCRIPTIONS, "endpoint_unique", doc! { "endpoint": 1 }),
        IndexSpec::new(SUBSCRIPTIONS, "by_user", doc! { "user_id": 1 }),
    ]
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NotificationDoc {
    /// Sorts by creation time.
    #[serde(rename = "_id")]
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub url: String,
    pub at: DateTime,
    pub read_at: Option<DateTime>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SubscriptionDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub user_id: String,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub device: String,
    pub created_at: DateTime,
}

fn to_public(d: &NotificationDoc) -> Notification {
    Notification {
        id: d.id.clone(),
        kind: d.kind.clone(),
        title: d.title.clone(),
        body: d.body.clone(),
        url: d.url.clone(),
        at_ms: d.at.timestamp_millis(),
        read: d.read_at.is_some(),
    }
}

async fn push_enabled(state: &AppState, user_id: &str, kind: &str) -> bool {
    match state.global::<Document>(PREFERENCES).find_one(doc! { "_id": user_id }).await {
        Ok(Some(d)) => d.get_document("push").ok().and_then(|p| p.get_bool(kind).ok()).unwrap_or(true),
        _ => true,
    }
}

/// Creates a notification for `user_id` and queues a push to each of their devices (unless
/// they turned push off for `kind`). Failures are logged: the action that caused the
/// notification has happened and is not undone.
pub async fn notify(state: &AppState, user_id: &str, kind: &str, title: &str, body: &str, url: &str) {
    let now = DateTime::now();
    let id = format!("{:013x}{}", now.timestamp_millis(), &crypto::new_id()[..12]);
    store_and_push(state, id, now, user_id, kind, title, body, url).await
}

/// [`notify`] once per `key`, for an event of time `at`: a job that runs again (after a
/// crash) tells nobody twice.
pub async fn notify_once(state: &AppState, key: &str, at: DateTime, user_id: &str, kind: &str, title: &str, body: &str, url: &str) {
    let id = format!("{:013x}{}", at.timestamp_millis(), &crypto::sha256_hex(&format!("{key}:{user_id}"))[..12]);
    store_and_push(state, id, at, user_id, kind, title, body, url).await
}

#[allow(clippy::too_many_arguments)]
async fn store_and_push(state: &AppState, id: String, now: DateTime, user_id: &str, kind: &str, title: &str, body: &str, url: &str) {
    let n = NotificationDoc {
        id,
        user_id: user_id.to_string(),
        kind: kind.to_string(),
        title: title.to_string(),
        body: body.to_string(),
        url: url.to_string(),
        at: now,
        read_at: None,
    };
    match state.global::<NotificationDoc>(NOTIFICATIONS).insert_one(&n).await {
        Ok(_) => {}
        // Stored by an earlier run of the same job: its pushes are queued again below,
        // under the same keys, so none is sent twice or skipped.
        Err(e) if crate::platform::db::is_duplicate_key(&e) => {}
        Err(e) => {
            tracing::warn!(error = %e, kind, "could not store a notification");
            return;
        }
    }
    if !push_enabled(state, user_id, kind).await {
        return;
    }
    let subs: Vec<SubscriptionDoc> = match state.global::<SubscriptionDoc>(SUBSCRIPTIONS).find(doc! { "user_id": user_id }).await {
        Ok(c) => futures_util::TryStreamExt::try_collect(c).await.unwrap_or_default(),
        Err(e) => {
            tracing::warn!(error = %e, "could not read push subscriptions");
            return;
        }
    };
    let data = serde_json::json!({ "title": n.title, "body": n.body, "url": n.url, "id": n.id, "kind": n.kind }).to_string();
    for s in subs {
        let job = PushJob { subscription: s.id.clone(), user_id: Some(user_id.to_string()), data: data.clone() };
        if let Err(e) = crate::platform::module_server::enqueue(state, &job, &format!("push:{}:{}", n.id, s.id)).await {
            tracing::warn!(error = %e, "could not queue a push");
        }
    }
}

/// One web push to send: the subscription, whose it was when queued, and the message.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct PushJob {
    pub subscription: String,
    #[serde(default)]
    pub user_id: Option<String>,
    pub data: String,
}

/// Sends one queued push. A subscription the push service no longer knows is removed.
impl Job for PushJob {
    const KIND: &'static str = "push.send";

    async fn run(self, state: &AppState) -> Result<(), String> {
        run_push(state, self).await
    }
}

async fn run_push(state: &AppState, job: PushJob) -> Result<(), String> {
    let (sub_id, data) = (job.subscription.as_str(), job.data.as_str());
    let coll = state.global::<SubscriptionDoc>(SUBSCRIPTIONS);
    // Unsubscribed in the meantime, or the endpoint now belongs to someone else (signed in
    // on that browser since): nothing to send, this person's notification is not theirs.
    let mut filter = doc! { "_id": sub_id };
    if let Some(user_id) = &job.user_id {
        filter.insert("user_id", user_id);
    }
    let Some(sub) = coll.find_one(filter).await.map_err(|e| e.to_string())? else { return Ok(()) };
    match push::send(state, &sub.endpoint, &sub.p256dh, &sub.auth, data.as_bytes()).await? {
        Delivery::Sent => Ok(()),
        Delivery::Gone => {
            coll.delete_one(doc! { "_id": &sub.id }).await.map_err(|e| e.to_string())?;
            tracing::info!(subscription = %sub.id, "push subscription gone: removed");
            Ok(())
        }
    }
}

// ---------------------------------------------------------------- the centre

pub async fn list(ctx: &Ctx) -> Result<NotificationList, AppError> {
    use futures_util::TryStreamExt;
    let coll = ctx.global::<NotificationDoc>(NOTIFICATIONS);
    let docs: Vec<NotificationDoc> = coll.find(doc! { "user_id": &ctx.user_id }).sort(doc! { "_id": -1 }).limit(100).await?.try_collect().await?;
    let unread = coll.count_documents(doc! { "user_id": &ctx.user_id, "read_at": null }).await? as u32;
    Ok(NotificationList { items: docs.iter().map(to_public).collect(), unread })
}

pub async fn mark_read(ctx: &Ctx, id: String) -> Result<NotificationList, AppError> {
    let r = ctx
        .global::<Document>(NOTIFICATIONS)
        .update_one(doc! { "_id": id.trim(), "user_id": &ctx.user_id }, doc! { "$set": { "read_at": DateTime::now() } })
        .await?;
    if r.matched_count == 0 {
        return Err(AppError::not_found(NotificationsTexts::now().err_notification_what));
    }
    list(ctx).await
}

pub async fn mark_all_read(ctx: &Ctx) -> Result<NotificationList, AppError> {
    ctx.global::<Document>(NOTIFICATIONS)
        .update_many(doc! { "user_id": &ctx.user_id, "read_at": null }, doc! { "$set": { "read_at": DateTime::now() } })
        .await?;
    list(ctx).await
}

/// What changes when the centre changes: (unread count, newest id). The live stream sends
/// an update whenever this moves.
pub async fn marker(state: &AppState, user_id: &str) -> Result<(u64, String), AppError> {
    let coll = state.global::<NotificationDoc>(NOTIFICATIONS);
    let unread = coll.count_documents(doc! { "user_id": user_id, "read_at": null }).await?;
    let newest = coll.find_one(doc! { "user_id": user_id }).sort(doc! { "_id": -1 }).await?.map(|d| d.id).unwrap_or_default();
    Ok((unread, newest))
}

// ---------------------------------------------------------------- push settings

pub async fn push_settings(ctx: &Ctx) -> Result<PushSettings, AppError> {
    let kp = push::vapid_key(&ctx.state).await?;
    let prefs = ctx.global::<Document>(PREFERENCES).find_one(doc! { "_id": &ctx.user_id }).await?;
    let push_prefs = prefs.as_ref().and_then(|d| d.get_document("push").ok().cloned()).unwrap_or_default();
    let devices = ctx.global::<Document>(SUBSCRIPTIONS).count_documents(doc! { "user_id": &ctx.user_id }).await? as u32;
    Ok(PushSettings {
        vapid_public_key: push::public_key(&kp),
        kinds: KINDS
            .iter()
            .map(|(k, l)| KindPreference {
                kind: k.to_string(),
                label: NotificationsTexts::now().kind_label(k).unwrap_or(l).to_string(),
                push: push_prefs.get_bool(k).unwrap_or(true),
            })
            .collect(),
        devices,
    })
}

pub async fn set_preference(ctx: &Ctx, kind: String, push_on: bool) -> Result<PushSettings, AppError> {
    if !KINDS.iter().any(|(k, _)| *k == kind) {
        return Err(AppError::field("kind", NotificationsTexts::now().err_kind));
    }
    ctx.global::<Document>(PREFERENCES).update_one(doc! { "_id": &ctx.user_id }, doc! { "$set": { format!("push.{kind}"): push_on } }).upsert(true).await?;
    push_settings(ctx).await
}

/// Registers this device's push subscription (what `pushManager.subscribe` returned).
pub async fn subscribe(ctx: &Ctx, endpoint: String, p256dh: String, auth: String) -> Result<PushSettings, AppError> {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let endpoint = endpoint.trim().to_string();
    if endpoint.len() > 2000 || !push::endpoint_allowed(&ctx.state, &endpoint) {
        return Err(AppError::field("endpoint", NotificationsTexts::now().err_push_service));
    }
    // An uncompressed P-256 point that is on the curve (else every push to it would fail).
    let key_ok = b64.decode(p256dh.trim()).ok().is_some_and(|k| k.len() == 65 && k[0] == 4 && web_push_native::p256::PublicKey::from_sec1_bytes(&k).is_ok());
    let auth_ok = b64.decode(auth.trim()).ok().is_some_and(|a| a.len() == 16);
    if !key_ok || !auth_ok {
        return Err(AppError::field("endpoint", NotificationsTexts::now().err_subscription));
    }
    let coll = ctx.global::<Document>(SUBSCRIPTIONS);
    // One endpoint belongs to one device, hence one person: the newest sign-in owns it. But
    // an endpoint URL alone proves nothing (it can leak, and it is not secret to the push
    // service), so it moves to another account only with the keys stored for it, which
    // only the browser that made the subscription holds. With other keys the filter finds
    // nothing, the upsert tries to insert a second document with the endpoint, and the
    // unique index refuses it: the owner's subscription stays as it is, atomically.
    let (p256dh, auth) = (p256dh.trim(), auth.trim());
    let taken = coll
        .update_one(
            doc! { "endpoint": &endpoint, "$or": [{ "user_id": &ctx.user_id }, { "p256dh": p256dh, "auth": auth }] },
            doc! {
                "$set": { "user_id": &ctx.user_id, "p256dh": p256dh, "auth": auth, "device": crate::accounts::people::describe_device(&ctx.meta.user_agent) },
                "$setOnInsert": { "_id": crypto::new_id(), "created_at": DateTime::now() },
            },
        )
        .upsert(true)
        .await;
    match taken {
        Err(e) if crate::platform::db::is_duplicate_key(&e) => {
            tracing::info!("push subscribe refused: the endpoint belongs to another account with other keys");
            return Err(AppError::field("endpoint", NotificationsTexts::now().err_endpoint_taken));
        }
        other => {
            other?;
        }
    }
    push_settings(ctx).await
}

pub async fn unsubscribe(ctx: &Ctx, endpoint: String) -> Result<PushSettings, AppError> {
    ctx.global::<Document>(SUBSCRIPTIONS).delete_one(doc! { "endpoint": endpoint.trim(), "user_id": &ctx.user_id }).await?;
    push_settings(ctx).await
}
