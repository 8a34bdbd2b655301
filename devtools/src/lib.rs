//! Tools for development and tests, never part of a deployment: a local SMTP sink that
//! captures all mail ([`smtp_sink`], binary `mail-sink`) and a fake of Stripe's API and
//! Checkout page ([`fake_stripe`], binary `fake-stripe`). The server's integration tests use
//! both as a library (`devtools` is a dev-dependency of `server`).

pub mod fake_stripe;
pub mod smtp_sink;
