//! Plumbing shared by every module. The shared concepts (roles, actions, how a server fn is
//! reached) and the module registry's descriptor are compiled for the client too; the rest
//! (configuration, the database handle, the scoped storage layer, jobs, the application
//! state and the helpers that keep server fns thin) only with the `ssr` feature.
//!
//! The platform names no feature module: it reaches them through the registry
//! ([`module::Registry`]) that `lib.rs` hands to [`AppState::new`].

pub mod module;
pub mod roles;

#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod compress;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod crypto;
#[cfg(feature = "ssr")]
pub mod ctx;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod flusher;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod mailer;
#[cfg(feature = "ssr")]
pub mod module_server;
#[cfg(feature = "ssr")]
pub mod rate_limit;
#[cfg(feature = "ssr")]
pub mod request;
#[cfg(feature = "ssr")]
pub mod runner;
#[cfg(feature = "ssr")]
pub mod scoped;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod tx;
#[cfg(feature = "ssr")]
pub mod usage;
#[cfg(feature = "ssr")]
pub mod watch;

pub use module::{Card, Limit, LimitKind, Module, NavEntry, NavScope, ReadOnlyRecords, Registry};
pub use roles::{Action, ModulePermissions, PlatformRole, Reach, WorkspaceRole};

#[cfg(feature = "ssr")]
pub use config::Config;
#[cfg(feature = "ssr")]
pub use ctx::{enter_workspace, require_member, require_user, Ctx, Identity, Membership};
#[cfg(feature = "ssr")]
pub use db::Db;
#[cfg(feature = "ssr")]
pub use module_server::{job, BoxFut, Job, JobKind, ServerParts};
#[cfg(feature = "ssr")]
pub use request::RequestMeta;
#[cfg(feature = "ssr")]
pub use state::{state, AppState};

/// The platform's own indexes: the rate limits, the job queue and the usage counters.
#[cfg(feature = "ssr")]
pub fn platform_indexes() -> Vec<db::IndexSpec> {
    let mut all = rate_limit::indexes();
    all.extend(jobs::indexes().into_iter().map(|model| db::IndexSpec { collection: jobs::COLLECTION, model }));
    all
}

/// Every index the platform and `registry`'s modules need.
#[cfg(feature = "ssr")]
pub fn declared_indexes(registry: &Registry) -> Vec<db::IndexSpec> {
    let mut all = platform_indexes();
    for m in registry.modules {
        all.extend((m.server.indexes)());
    }
    all
}

/// The platform's own collections of workspace records: the usage counters.
#[cfg(feature = "ssr")]
pub const PLATFORM_SCOPED_COLLECTIONS: &[&str] = &[usage::COLLECTION];
