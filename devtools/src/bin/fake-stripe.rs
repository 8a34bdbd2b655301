//! TEST ONLY: a fake Stripe API with a fake Checkout page, for the browser tests and for
//! trying billing locally without a Stripe account. Never point a real deployment at it.
//!
//! ```text
//! FAKE_STRIPE_PORT=12111 STRIPE_WEBHOOK_SECRET=whsec_test \
//! FAKE_STRIPE_WEBHOOK_URL=http://127.0.0.1:3000/webhooks/stripe cargo run -p devtools --bin fake-stripe
//! ```
//! Then run the app with `STRIPE_API_BASE=http://127.0.0.1:12111`, `STRIPE_SECRET_KEY=sk_test_…`
//! and the same `STRIPE_WEBHOOK_SECRET`, and give the plans price ids (any `price_…`).

use devtools::fake_stripe;

#[tokio::main]
async fn main() {
    let port: u16 = std::env::var("FAKE_STRIPE_PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(12111);
    let secret = std::env::var("STRIPE_WEBHOOK_SECRET").unwrap_or_else(|_| "whsec_test".into());
    let webhook = std::env::var("FAKE_STRIPE_WEBHOOK_URL").ok().filter(|u| !u.is_empty());
    let fake = fake_stripe::FakeStripe::start_on(port, &secret, webhook.clone()).await;
    println!("fake Stripe (test only) listening on {}; webhooks to {}", fake.base, webhook.as_deref().unwrap_or("(none)"));
    let _ = tokio::signal::ctrl_c().await;
}
