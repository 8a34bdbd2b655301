//! (in progress) The module's server fns, one per file.
pub use crate::workspaces::api::Reach;
pub const ENDPOINTS: &[(&str, Reach)] = &[];
