//! System status: what the server reports about itself (version, database, uptime).
//! Public: it reveals nothing about any workspace.

mod get_status;
pub mod texts;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod domain;

pub use get_status::*;

use crate::platform::Reach;

/// Every server fn of this module, for the cross-workspace probe.
pub const ENDPOINTS: &[(&str, Reach)] = &[("status", Reach::Public)];

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemStatus {
    /// The server's version (from Cargo.toml).
    pub version: String,
    /// Whether the database answered a ping just now.
    pub database_ready: bool,
    /// Seconds since the server process started.
    pub uptime_secs: u64,
}

/// System status in the registry.
pub const MODULE: crate::platform::Module = crate::platform::Module {
    key: "status",
    name: || texts::StatusTexts::now().module_name,
    permissions: &[],
    limits: &[],
    endpoints: ENDPOINTS,
    nav: &[crate::platform::NavEntry {
        href: "/status",
        label: || texts::StatusTexts::now().nav,
        icon: "M2 12h4l3-8 6 16 3-8h4",
        section: false,
        scope: crate::platform::NavScope::Everyone,
        order: 100,
    }],
    cards: &[],
    #[cfg(feature = "ssr")]
    texts: &[texts::StatusTexts::KEYS],
    #[cfg(feature = "ssr")]
    server: crate::platform::ServerParts { indexes: domain::indexes, ..crate::platform::ServerParts::NONE },
};
