//! System status: what the server reports about itself (version, database, uptime).
//! Public: it reveals nothing about any workspace.

mod get_status;
pub mod texts;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod domain;

pub use get_status::*;

pub use crate::workspaces::api::Reach;

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
