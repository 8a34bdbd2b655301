//! Stripe webhooks (`POST /webhooks/stripe`): the signature is checked exactly as Stripe
//! specifies, each event id takes effect once, and the subscription's *current* state is
//! read from Stripe instead of trusting the order events arrive in.

use mongodb::bson::{doc, DateTime};

use super::store::{AccountDoc, EventDoc, ACCOUNTS, EVENTS};
use crate::error::AppError;
use crate::platform::db::is_duplicate_key;
use crate::platform::{crypto, AppState};

/// How old a signed timestamp may be (Stripe's default tolerance).
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, PartialEq, Eq)]
pub enum WebhookError {
    /// Missing, malformed, wrong or stale signature (HTTP 400).
    BadSignature(&'static str),
    /// The body is not an event (HTTP 400).
    BadPayload,
    /// STRIPE_WEBHOOK_SECRET is not set (HTTP 503).
    NotConfigured,
    /// Applying failed; Stripe retries later (HTTP 500).
    Failed,
}

/// Checks a `Stripe-Signature` header (`t=…,v1=…[,v1=…]`) for `body`: HMAC-SHA256 of
/// "{t}.{body}" keyed with the endpoint secret, compared in constant time with every `v1`,
/// and `t` within [`TOLERANCE_SECS`] of `now_secs`.
pub fn verify(secret: &str, header: &str, body: &[u8], now_secs: i64) -> Result<(), &'static str> {
    let mut timestamp: Option<i64> = None;
    let mut signatures: Vec<Vec<u8>> = vec![];
    for part in header.split(',') {
        let Some((k, v)) = part.trim().split_once('=') else { continue };
        match k {
            "t" => timestamp = v.parse().ok(),
            "v1" => {
                if let Some(bytes) = hex_decode(v) {
                    signatures.push(bytes);
                }
            }
            _ => {}
        }
    }
    let t = timestamp.ok_or("no timestamp in the signature header")?;
    if signatures.is_empty() {
        return Err("no v1 signature in the signature header");
    }
    // abs_diff: a timestamp near i64::MIN or i64::MAX must not overflow (found by fuzz/stripe_signature).
    if now_secs.abs_diff(t) > TOLERANCE_SECS.unsigned_abs() {
        return Err("the signature's timestamp is outside the tolerance");
    }
    let t = t.to_string();
    if signatures.iter().any(|s| crypto::hmac_sha256_verify(secret.as_bytes(), &[t.as_bytes(), b".", body], s)) {
        Ok(())
    } else {
        Err("no signature matches")
    }
}

/// The v1 signature of `body` at `t` (what Stripe computes; also used by tests).
pub fn sign(secret: &str, t: i64, body: &[u8]) -> Vec<u8> {
    crypto::hmac_sha256(secret.as_bytes(), &[t.to_string().as_bytes(), b".", body])
}

/// A complete `Stripe-Signature` header for `body` at `t`.
pub fn signature_header(secret: &str, t: i64, body: &[u8]) -> String {
    format!("t={t},v1={}", hex_encode(&sign(secret, t, body)))
}

pub fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

fn str_at<'a>(v: &'a serde_json::Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str().filter(|s| !s.is_empty())
}

/// Verifies and applies one webhook delivery.
pub async fn handle(state: &AppState, signature: Option<&str>, body: &[u8]) -> Result<(), WebhookError> {
    let secret = state.config.stripe.as_ref().and_then(|s| s.webhook_secret.clone()).ok_or(WebhookError::NotConfigured)?;
    let header = signature.ok_or(WebhookError::BadSignature("no Stripe-Signature header"))?;
    verify(&secret, header, body, DateTime::now().timestamp_millis() / 1000).map_err(WebhookError::BadSignature)?;
    let event: serde_json::Value = serde_json::from_slice(body).map_err(|_| WebhookError::BadPayload)?;
    let (Some(id), Some(kind)) = (str_at(&event, &["id"]), str_at(&event, &["type"])) else {
        return Err(WebhookError::BadPayload);
    };
    // Claim the event: a replay (or a concurrent duplicate) finds it claimed and does nothing.
    let events = state.global::<EventDoc>(EVENTS);
    let claim = EventDoc { id: id.to_string(), kind: kind.to_string(), state: "processing".into(), received_at: DateTime::now() };
    match events.insert_one(&claim).await {
        Ok(_) => {}
        Err(e) if is_duplicate_key(&e) => {
            tracing::info!(event = id, kind, "Stripe event already handled");
            return Ok(());
        }
        Err(e) => {
            tracing::error!(error = %e, "could not record a Stripe event");
            return Err(WebhookError::Failed);
        }
    }
    match apply(state, kind, &event["data"]["object"]).await {
        Ok(()) => {
            let _ = events.update_one(doc! { "_id": id }, doc! { "$set": { "state": "done" } }).await;
            Ok(())
        }
        Err(e) => {
            // Released, so Stripe's retry applies it.
            tracing::error!(event = id, kind, error = %e, "could not apply a Stripe event");
            let _ = events.delete_one(doc! { "_id": id }).await;
            Err(WebhookError::Failed)
        }
    }
}

async fn apply(state: &AppState, kind: &str, object: &serde_json::Value) -> Result<(), AppError> {
    let (subscription, hint) = match kind {
        "checkout.session.completed" => {
            let ws = str_at(object, &["client_reference_id"]).or_else(|| str_at(object, &["metadata", "workspace_id"]));
            if let (Some(ws), Some(customer)) = (ws, str_at(object, &["customer"])) {
                state.global::<AccountDoc>(ACCOUNTS).update_one(doc! { "_id": ws, "customer_id": null }, doc! { "$set": { "customer_id": customer } }).await?;
            }
            (str_at(object, &["subscription"]), ws)
        }
        "customer.subscription.created" | "customer.subscription.updated" | "customer.subscription.deleted" => {
            (str_at(object, &["id"]), str_at(object, &["metadata", "workspace_id"]))
        }
        "invoice.paid" | "invoice.payment_failed" => (
            str_at(object, &["subscription"]).or_else(|| str_at(object, &["parent", "subscription_details", "subscription"])),
            str_at(object, &["subscription_details", "metadata", "workspace_id"])
                .or_else(|| str_at(object, &["parent", "subscription_details", "metadata", "workspace_id"])),
        ),
        other => {
            tracing::debug!(kind = other, "Stripe event not used");
            return Ok(());
        }
    };
    let Some(sub_id) = subscription else { return Ok(()) };
    let stripe = super::stripe::Stripe::new(state.config.stripe.as_ref().ok_or_else(|| AppError::unavailable(super::domain::not_set_up()))?)?;
    let sub = stripe.subscription(sub_id).await?;
    let workspace = match sub.workspace_id().or(hint) {
        Some(ws) => Some(ws.to_string()),
        None => {
            let by_sub = state.global::<AccountDoc>(ACCOUNTS).find_one(doc! { "subscription_id": &sub.id }).await?;
            match by_sub {
                Some(a) => Some(a.workspace_id),
                None => match str_at(object, &["customer"]) {
                    Some(c) => state.global::<AccountDoc>(ACCOUNTS).find_one(doc! { "customer_id": c }).await?.map(|a| a.workspace_id),
                    None => None,
                },
            }
        }
    };
    let Some(workspace) = workspace else {
        tracing::warn!(subscription = %sub.id, "a Stripe subscription no workspace claims");
        return Ok(());
    };
    // What this changes (the audit log, the owner's notice) is said in the owner's language.
    let lang = super::domain::owner_lang(state, &workspace).await;
    crate::i18n::scope(lang, super::domain::apply_subscription(state, &workspace, &sub, kind == "invoice.payment_failed")).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_follow_stripe() {
        let body = br#"{"id":"evt_1"}"#;
        let h = signature_header("whsec_test", 1_700_000_000, body);
        assert_eq!(verify("whsec_test", &h, body, 1_700_000_010), Ok(()));
        // Several v1 values (secret rotation): any one may match.
        let two = format!("t=1700000000,v1={},v1={}", "00".repeat(32), h.split("v1=").nth(1).unwrap());
        assert_eq!(verify("whsec_test", &two, body, 1_700_000_000), Ok(()));
        assert!(verify("whsec_other", &h, body, 1_700_000_010).is_err());
        assert!(verify("whsec_test", &h, br#"{"id":"evt_2"}"#, 1_700_000_010).is_err());
        assert!(verify("whsec_test", &h, body, 1_700_000_000 + TOLERANCE_SECS + 1).is_err());
        assert!(verify("whsec_test", "v1=abcd", body, 1_700_000_000).is_err());
        assert!(verify("whsec_test", "t=1700000000", body, 1_700_000_000).is_err());
        // Extreme timestamps are refused as stale, without overflowing (found by fuzzing).
        for t in [i64::MIN, i64::MIN + 1, i64::MAX] {
            assert_eq!(verify("whsec_test", &format!("t={t},v1=00"), body, 1_700_000_000), Err("the signature's timestamp is outside the tolerance"));
            assert!(verify("whsec_test", &signature_header("whsec_test", t, body), body, 1_700_000_000).is_err());
        }
    }
}
