//! A fake of the parts of Stripe's API Mewayz calls, for tests only: customers, Checkout
//! sessions, billing portal sessions, subscriptions (retrieve, update), invoices and
//! coupons, answering with Stripe-shaped JSON and recording every request. Its Checkout
//! session `url` points at its own `/checkout/{id}` page, whose "Pay" button creates an
//! active subscription, sends the signed webhooks (`checkout.session.completed`,
//! `customer.subscription.created`) to the app and redirects to the session's success URL.
//!
//! Used by `server/tests/billing.rs` and `server/tests/hostile.rs`, and, as the test-only
//! binary `fake-stripe` (`devtools/src/bin/fake-stripe.rs`), by the browser tests.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub form: BTreeMap<String, String>,
    pub authorization: String,
}

#[derive(Default)]
pub struct Inner {
    pub requests: Vec<Recorded>,
    pub subscriptions: HashMap<String, Value>,
    pub sessions: HashMap<String, BTreeMap<String, String>>,
    pub next: u64,
    /// Where the Pay button delivers webhooks (the app's `/webhooks/stripe`).
    pub webhook_url: Option<String>,
    pub webhook_secret: String,
}

#[derive(Clone)]
pub struct FakeStripe {
    pub base: String,
    pub inner: Arc<Mutex<Inner>>,
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// A subscription as Stripe returns it (the fields Stripe always sends that matter here).
pub fn subscription_json(id: &str, customer: &str, status: &str, price: &str, workspace_id: &str, cancel_at_period_end: bool) -> Value {
    let start = now();
    let end = start + 30 * 86_400;
    json!({
        "id": id, "object": "subscription", "status": status, "customer": customer,
        "cancel_at_period_end": cancel_at_period_end, "canceled_at": null, "collection_method": "charge_automatically",
        "created": start, "start_date": start, "currency": "usd", "livemode": false,
        "metadata": { "workspace_id": workspace_id },
        "items": { "object": "list", "has_more": false, "url": format!("/v1/subscription_items?subscription={id}"), "data": [{
            "id": format!("si_{id}"), "object": "subscription_item", "quantity": 1, "created": start,
            "current_period_start": start, "current_period_end": end, "subscription": id,
            "price": { "id": price, "object": "price", "active": true, "currency": "usd", "type": "recurring", "unit_amount": 1900,
                       "recurring": { "interval": "month", "interval_count": 1 } }
        }] }
    })
}

/// An event as Stripe delivers it.
pub fn event_json(id: &str, kind: &str, object: Value) -> Value {
    json!({ "id": id, "object": "event", "api_version": "2025-06-30.basil", "created": now(), "livemode": false,
            "pending_webhooks": 1, "request": { "id": null, "idempotency_key": null }, "type": kind, "data": { "object": object } })
}

fn stripe_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": { "type": "invalid_request_error", "message": message } }))).into_response()
}

impl FakeStripe {
    /// Starts on `port` (0: any free port).
    pub async fn start_on(port: u16, webhook_secret: &str, webhook_url: Option<String>) -> FakeStripe {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("fake Stripe binds");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let fake = FakeStripe { base, inner: Arc::new(Mutex::new(Inner { webhook_secret: webhook_secret.to_string(), webhook_url, ..Default::default() })) };
        let app = Router::new()
            .route("/v1/customers", post(api))
            .route("/v1/checkout/sessions", post(api))
            .route("/v1/billing_portal/sessions", post(api))
            .route("/v1/subscriptions/{id}", get(api).post(api))
            .route("/v1/invoices", get(api))
            .route("/v1/coupons", post(api))
            .route("/checkout/{id}", get(checkout_page))
            .route("/checkout/{id}/pay", post(pay))
            .route("/portal/{id}", get(|| async { Html("<h1>Fake billing portal</h1>") }))
            .with_state(fake.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        fake
    }

    pub async fn start(webhook_secret: &str) -> FakeStripe {
        Self::start_on(0, webhook_secret, None).await
    }

    pub fn set_webhook_url(&self, url: &str) {
        self.inner.lock().unwrap().webhook_url = Some(url.to_string());
    }

    pub fn set_subscription(&self, sub: Value) {
        let id = sub["id"].as_str().unwrap().to_string();
        self.inner.lock().unwrap().subscriptions.insert(id, sub);
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.inner.lock().unwrap().requests.clone()
    }

    /// How many requests were `method path` (path without the query).
    pub fn count(&self, method: &str, path: &str) -> usize {
        self.requests().iter().filter(|r| r.method == method && r.path == path).count()
    }

    /// The Pay button's work: an active subscription, the signed webhooks, and the URL to
    /// send the browser to.
    pub async fn pay(&self, session_id: &str) -> Result<String, String> {
        let (form, url, secret, sub) = {
            let mut g = self.inner.lock().unwrap();
            let form = g.sessions.get(session_id).cloned().ok_or("no such Checkout session")?;
            g.next += 1;
            let sub_id = format!("sub_fake{}", g.next);
            let sub = subscription_json(
                &sub_id,
                form.get("customer").map(String::as_str).unwrap_or(""),
                "active",
                form.get("line_items[0][price]").map(String::as_str).unwrap_or(""),
                form.get("subscription_data[metadata][workspace_id]").map(String::as_str).unwrap_or(""),
                false,
            );
            g.subscriptions.insert(sub_id.clone(), sub.clone());
            (form, g.webhook_url.clone(), g.webhook_secret.clone(), sub)
        };
        let session = json!({ "id": session_id, "object": "checkout.session", "mode": "subscription", "status": "complete", "payment_status": "paid",
            "customer": form.get("customer"), "client_reference_id": form.get("client_reference_id"), "subscription": sub["id"],
            "metadata": { "workspace_id": form.get("metadata[workspace_id]") } });
        if let Some(url) = url {
            let client = reqwest::Client::new();
            for (kind, object) in [("checkout.session.completed", session), ("customer.subscription.created", sub)] {
                let n = {
                    let mut g = self.inner.lock().unwrap();
                    g.next += 1;
                    g.next
                };
                let body = serde_json::to_vec(&event_json(&format!("evt_fake{n}"), kind, object)).unwrap();
                let sig = app::billing::webhook::signature_header(&secret, now(), &body);
                let res = client
                    .post(&url)
                    .header("stripe-signature", sig)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if !res.status().is_success() {
                    return Err(format!("the app answered the {kind} webhook with {}", res.status()));
                }
            }
        }
        Ok(form.get("success_url").cloned().unwrap_or_else(|| "/".into()))
    }
}

async fn api(
    State(fake): State<FakeStripe>,
    method: Method,
    uri: axum::http::Uri,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let form: BTreeMap<String, String> = if method == Method::GET { query } else { serde_urlencoded::from_str(&body).unwrap_or_default() };
    let endpoint = uri.path().to_string();
    let authorization = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let mut g = fake.inner.lock().unwrap();
    g.next += 1;
    let n = g.next;
    g.requests.push(Recorded { method: method.to_string(), path: endpoint.clone(), form: form.clone(), authorization: authorization.clone() });
    if !authorization.starts_with("Bearer sk_") {
        return stripe_error(StatusCode::UNAUTHORIZED, "Invalid API Key provided");
    }
    match endpoint.as_str() {
        "/v1/customers" => Json(json!({ "id": format!("cus_fake{n}"), "object": "customer", "created": now(), "email": form.get("email"), "name": form.get("name"),
            "livemode": false, "metadata": { "workspace_id": form.get("metadata[workspace_id]") } })).into_response(),
        "/v1/checkout/sessions" => {
            let id = format!("cs_test_fake{n}");
            g.sessions.insert(id.clone(), form.clone());
            Json(json!({ "id": id, "object": "checkout.session", "mode": "subscription", "status": "open", "payment_status": "unpaid",
                "customer": form.get("customer"), "client_reference_id": form.get("client_reference_id"), "success_url": form.get("success_url"),
                "cancel_url": form.get("cancel_url"), "url": format!("{}/checkout/{id}", fake.base), "livemode": false })).into_response()
        }
        "/v1/billing_portal/sessions" => Json(json!({ "id": format!("bps_fake{n}"), "object": "billing_portal.session", "customer": form.get("customer"),
            "return_url": form.get("return_url"), "url": format!("{}/portal/bps_fake{n}", fake.base), "livemode": false })).into_response(),
        "/v1/coupons" => Json(json!({ "id": form.get("id"), "object": "coupon", "percent_off": form.get("percent_off").and_then(|p| p.parse::<f64>().ok()),
            "duration": form.get("duration"), "duration_in_months": form.get("duration_in_months").and_then(|p| p.parse::<i64>().ok()), "valid": true, "livemode": false })).into_response(),
        "/v1/invoices" => {
            let customer = form.get("customer").cloned().unwrap_or_default();
            let paid = g.subscriptions.values().any(|s| s["customer"] == customer.as_str());
            let data: Vec<Value> = if paid {
                vec![json!({ "id": "in_fake1", "object": "invoice", "number": "FAKE-0001", "customer": customer, "amount_due": 1900, "amount_paid": 1900,
                    "currency": "usd", "status": "paid", "created": now() - 86_400, "hosted_invoice_url": format!("{}/invoice/in_fake1", fake.base),
                    "invoice_pdf": format!("{}/invoice/in_fake1.pdf", fake.base) })]
            } else {
                vec![]
            };
            Json(json!({ "object": "list", "url": "/v1/invoices", "has_more": false, "data": data })).into_response()
        }
        p if p.starts_with("/v1/subscriptions/") => {
            let id = p.trim_start_matches("/v1/subscriptions/").to_string();
            let Some(sub) = g.subscriptions.get_mut(&id) else {
                return stripe_error(StatusCode::NOT_FOUND, &format!("No such subscription: '{id}'"));
            };
            if method == Method::POST {
                if let Some(v) = form.get("cancel_at_period_end") {
                    sub["cancel_at_period_end"] = json!(v == "true");
                }
                if let Some(price) = form.get("items[0][price]") {
                    sub["items"]["data"][0]["price"]["id"] = json!(price);
                }
            }
            Json(sub.clone()).into_response()
        }
        _ => stripe_error(StatusCode::NOT_FOUND, "Unrecognized request URL"),
    }
}

async fn checkout_page(State(fake): State<FakeStripe>, Path(id): Path<String>) -> Response {
    let g = fake.inner.lock().unwrap();
    let Some(form) = g.sessions.get(&id) else { return (StatusCode::NOT_FOUND, "No such Checkout session").into_response() };
    let price = form.get("line_items[0][price]").cloned().unwrap_or_default();
    Html(format!(
        "<!doctype html><html><head><title>Fake Stripe Checkout</title></head><body><h1>Fake Stripe Checkout</h1>\
         <p>Price <code>{price}</code> (test only: no card is charged).</p>\
         <form method=\"post\" action=\"/checkout/{id}/pay\"><button type=\"submit\" id=\"pay\">Pay</button></form>\
         <p><a href=\"{}\">Cancel</a></p></body></html>",
        form.get("cancel_url").cloned().unwrap_or_default()
    ))
    .into_response()
}

async fn pay(State(fake): State<FakeStripe>, Path(id): Path<String>) -> Response {
    match fake.pay(&id).await {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(e) => (StatusCode::BAD_GATEWAY, e).into_response(),
    }
}
