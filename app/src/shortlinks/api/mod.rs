//! The server fns of M23, one per file. Each takes the workspace id first.

mod create_short_link;
mod delete_short_link;
mod list_short_links;
mod short_link_stats;

pub use create_short_link::*;
pub use delete_short_link::*;
pub use list_short_links::*;
pub use short_link_stats::*;

use crate::platform::Reach;

/// Every server fn of this module, for the cross-workspace probe.
pub const ENDPOINTS: &[(&str, Reach)] = &[
    ("create_short_link", Reach::Workspace),
    ("list_short_links", Reach::Workspace),
    ("delete_short_link", Reach::Workspace),
    ("short_link_stats", Reach::Workspace),
];
