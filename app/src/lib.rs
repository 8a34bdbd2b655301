//! Mewayz: the Leptos UI, the shared types and the `#[server]` functions.
//!
//! One folder per module (see ARCHITECTURE.md). With the `ssr` feature the crate also holds
//! the server-only domain and storage code; without it, only what the WASM client needs.

pub mod accounts;
pub mod billing;
pub mod bio;
pub mod calendar;
pub mod error;
pub mod i18n;
pub mod media;
pub mod notifications;
pub mod offline;
pub mod pwa;
pub mod shell;
pub mod shortlinks;
pub mod status;
pub mod validate;
pub mod workspaces;

#[cfg(feature = "ssr")]
pub mod platform;

pub use error::{AppError, FieldError};
pub use shell::App;

/// Every module that has server fns, with its folder under `app/src` and its `ENDPOINTS`.
/// A test checks that together they list exactly the server fns the server registers, each
/// once, and that every module here has a cross-workspace probe. A module that adds server
/// fns adds its line here.
pub const API_MODULES: &[(&str, &[(&str, workspaces::api::Reach)])] = &[
    ("accounts", accounts::api::ENDPOINTS),
    ("workspaces", workspaces::api::ENDPOINTS),
    ("billing", billing::api::ENDPOINTS),
    ("notifications", notifications::api::ENDPOINTS),
    ("bio", bio::api::ENDPOINTS),
    ("media", media::api::ENDPOINTS),
    ("shortlinks", shortlinks::api::ENDPOINTS),
    ("status", status::ENDPOINTS),
];

/// Every index the application needs. Each module adds its own here; the server ensures
/// them all at start (and again whenever the database comes back).
#[cfg(feature = "ssr")]
pub fn declared_indexes() -> Vec<platform::db::IndexSpec> {
    let mut all = Vec::new();
    all.extend(status::domain::indexes());
    all.extend(platform::rate_limit::indexes());
    all.extend(accounts::store::indexes());
    all.extend(workspaces::store::indexes());
    all.extend(billing::store::indexes());
    all.extend(notifications::domain::indexes());
    all.extend(bio::store::indexes());
    all.extend(media::domain::indexes());
    all.extend(shortlinks::domain::indexes());
    all.extend(platform::jobs::indexes().into_iter().map(|model| platform::db::IndexSpec { collection: platform::jobs::COLLECTION, model }));
    all
}

/// Every collection that holds workspace records (each document carries `workspace_id`).
/// The workspace export and deletion walk this list; each module adds its collections.
#[cfg(feature = "ssr")]
pub fn scoped_collections() -> Vec<&'static str> {
    let mut all = Vec::new();
    all.extend_from_slice(workspaces::store::SCOPED_COLLECTIONS);
    all.extend_from_slice(billing::store::SCOPED_COLLECTIONS);
    all.extend_from_slice(bio::store::SCOPED_COLLECTIONS);
    all.extend_from_slice(media::domain::SCOPED_COLLECTIONS);
    all.extend_from_slice(shortlinks::domain::SCOPED_COLLECTIONS);
    all
}
