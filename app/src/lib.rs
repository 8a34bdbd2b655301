// The server build works out the type of each lazily loaded page's view (shell/lazy.rs) deeper
// than the default limit of 128.
#![recursion_limit = "256"]
//! Mewayz: the Leptos UI, the shared types and the `#[server]` functions.
//!
//! One folder per module (see ARCHITECTURE.md). With the `ssr` feature the crate also holds
//! the server-only domain and storage code; without it, only what the WASM client needs.

pub mod accounts;
pub mod billing;
pub mod bio;
pub mod calendar;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod media;
pub mod notifications;
pub mod offline;
pub mod platform;
pub mod pwa;
pub mod shell;
pub mod shortlinks;
pub mod status;
pub mod validate;
pub mod workspaces;

pub use error::{AppError, FieldError};
pub use shell::App;

/// The one list of modules. Billing's usage page, the limit checks, the plan file's check,
/// the navigation, the dashboard, the job runner, the isolation probe and the hostile-input
/// harness all iterate it. A new module adds its folder and one line here.
pub const MODULES: &[&platform::Module] = &[
    &accounts::MODULE,
    &workspaces::MODULE,
    &billing::MODULE,
    &notifications::MODULE,
    &bio::MODULE,
    &forms::MODULE,
    &media::MODULE,
    &shortlinks::MODULE,
    &status::MODULE,
];

/// The registry of [`MODULES`].
pub const REGISTRY: platform::Registry = platform::Registry::new(MODULES);

/// How the caller and their workspace membership are resolved (accounts and workspaces).
#[cfg(feature = "ssr")]
pub const IDENTITY: platform::Identity =
    platform::Identity { resolve_user: accounts::session::resolve_boxed, resolve_member: workspaces::resolve::resolve_member };

/// The application state for every registered module.
#[cfg(feature = "ssr")]
pub fn new_state(config: platform::Config, db: platform::Db) -> platform::AppState {
    platform::AppState::new(config, db, REGISTRY, IDENTITY)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_registry_is_consistent() {
        assert_eq!(super::REGISTRY.problems(), Vec::<String>::new());
    }
}
