//! Web push: the VAPID key pair (created once, kept in the database unless configured), and
//! sending one encrypted push (RFC 8291, aes128gcm) with a VAPID signature (RFC 8292).

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use mongodb::bson::{doc, Document};
use web_push_native::jwt_simple::algorithms::ES256KeyPair;
use web_push_native::p256::PublicKey;
use web_push_native::{Auth, WebPushBuilder};

use crate::error::AppError;
use crate::platform::db::internal;
use crate::platform::AppState;

pub const KEYS: &str = "platform_keys";

/// The VAPID key pair: from `VAPID_PRIVATE_KEY`, else the one stored in the database, else a
/// new one stored now (the first writer wins, so every replica uses the same key).
pub async fn vapid_key(state: &AppState) -> Result<ES256KeyPair, AppError> {
    if let Some(k) = &state.config.vapid_private_key {
        let bytes = URL_SAFE_NO_PAD.decode(k.trim()).map_err(|e| internal("VAPID_PRIVATE_KEY", &e))?;
        return ES256KeyPair::from_bytes(&bytes).map_err(|e| internal("VAPID_PRIVATE_KEY", &e));
    }
    let coll = state.global::<Document>(KEYS);
    if let Some(d) = coll.find_one(doc! { "_id": "vapid" }).await? {
        let bytes = URL_SAFE_NO_PAD.decode(d.get_str("private_key").unwrap_or_default()).map_err(|e| internal("stored VAPID key", &e))?;
        return ES256KeyPair::from_bytes(&bytes).map_err(|e| internal("stored VAPID key", &e));
    }
    let fresh = ES256KeyPair::generate();
    let private_key = URL_SAFE_NO_PAD.encode(fresh.to_bytes());
    match coll.insert_one(doc! { "_id": "vapid", "private_key": &private_key, "created_at": mongodb::bson::DateTime::now() }).await {
        Ok(_) => Ok(fresh),
        // Another replica stored one first: use that.
        Err(e) if crate::platform::db::is_duplicate_key(&e) => Box::pin(vapid_key(state)).await,
        Err(e) => Err(e.into()),
    }
}

/// The public key browsers subscribe with (base64url of the uncompressed point).
pub fn public_key(kp: &ES256KeyPair) -> String {
    use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint;
    match web_push_native::p256::SecretKey::from_slice(&kp.to_bytes()) {
        Ok(sk) => URL_SAFE_NO_PAD.encode(sk.public_key().to_encoded_point(false).as_bytes()),
        Err(_) => String::new(),
    }
}

/// Whether push may be sent to `endpoint`: https (or http to a loopback test server) on an
/// allowed host.
pub fn endpoint_allowed(state: &AppState, endpoint: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(endpoint) else { return false };
    let Some(host) = url.host_str().map(|h| h.to_ascii_lowercase()) else { return false };
    let allowed = state.config.push_allowed_hosts.iter().any(|a| host == *a || host.ends_with(&format!(".{a}")));
    let loopback = host == "127.0.0.1" || host == "localhost" || host == "[::1]";
    allowed && (url.scheme() == "https" || (url.scheme() == "http" && loopback))
}

/// The VAPID `Authorization` header (RFC 8292): `vapid t=<ES256 JWT>, k=<public key>`. The
/// JWT's `aud` is the origin of the push resource, port included (RFC 8292 §2, RFC 6454);
/// the library's own header leaves a non-default port out, which such a push service refuses.
fn vapid_authorization(kp: &ES256KeyPair, endpoint: &str, subject: &str, valid_for: Duration) -> Result<String, String> {
    use web_push_native::jwt_simple::prelude::{Claims, ECDSAP256KeyPairLike};
    let origin = reqwest::Url::parse(endpoint).map_err(|e| format!("bad endpoint: {e}"))?.origin().ascii_serialization();
    let claims = Claims::create(valid_for.into()).with_audience(origin).with_subject(subject);
    let token = kp.sign(claims).map_err(|e| format!("could not sign the VAPID token: {e}"))?;
    Ok(format!("vapid t={token}, k={}", public_key(kp)))
}

/// What became of one push.
pub enum Delivery {
    Sent,
    /// The push service says the subscription is gone (404 or 410): remove it.
    Gone,
}

/// Encrypts `payload` for one subscription and posts it to its push service.
pub async fn send(state: &AppState, endpoint: &str, p256dh: &str, auth: &str, payload: &[u8]) -> Result<Delivery, String> {
    if !endpoint_allowed(state, endpoint) {
        return Err(format!("push endpoint not allowed: {endpoint}"));
    }
    let kp = vapid_key(state).await.map_err(|e| e.to_string())?;
    let ua_public = URL_SAFE_NO_PAD.decode(p256dh).ok().and_then(|b| PublicKey::from_sec1_bytes(&b).ok()).ok_or("bad p256dh key")?;
    let ua_auth = URL_SAFE_NO_PAD.decode(auth).ok().filter(|b| b.len() == 16).ok_or("bad auth secret")?;
    let valid_for = Duration::from_secs(24 * 60 * 60 - 60);
    let request = WebPushBuilder::new(endpoint.parse().map_err(|e| format!("bad endpoint: {e}"))?, ua_public, Auth::clone_from_slice(&ua_auth))
        .with_valid_duration(valid_for)
        .build(payload.to_vec())
        .map_err(|e| format!("could not build the push: {e}"))?;
    let (parts, body) = request.into_parts();
    let mut req = state.http.post(endpoint).body(body);
    for (name, value) in parts.headers.iter() {
        req = req.header(name.as_str(), value.as_bytes());
    }
    req = req.header("authorization", vapid_authorization(&kp, endpoint, &state.config.vapid_subject, valid_for)?);
    let res = req.timeout(Duration::from_secs(15)).send().await.map_err(|e| format!("push service unreachable: {e}"))?;
    match res.status().as_u16() {
        200..=299 => Ok(Delivery::Sent),
        404 | 410 => Ok(Delivery::Gone),
        code => Err(format!("push service answered {code}")),
    }
}
