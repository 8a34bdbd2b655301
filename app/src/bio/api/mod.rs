//! The server fns of M05, one per file. Workspace fns take the workspace id first.

mod add_bio_domain;
mod change_bio_handle;
mod create_bio_page;
mod delete_bio_page;
mod get_bio_page;
mod get_bio_stats;
mod list_bio_pages;
mod list_bio_signups;
mod publish_bio_page;
mod remove_bio_domain;
mod save_bio_draft;
mod unpublish_bio_page;
mod verify_bio_domain;

pub use add_bio_domain::*;
pub use change_bio_handle::*;
pub use create_bio_page::*;
pub use delete_bio_page::*;
pub use get_bio_page::*;
pub use get_bio_stats::*;
pub use list_bio_pages::*;
pub use list_bio_signups::*;
pub use publish_bio_page::*;
pub use remove_bio_domain::*;
pub use save_bio_draft::*;
pub use unpublish_bio_page::*;
pub use verify_bio_domain::*;

use crate::platform::Reach;

/// Every server fn of this module, for the cross-workspace probe.
pub const ENDPOINTS: &[(&str, Reach)] = &[
    ("list_bio_pages", Reach::Workspace),
    ("create_bio_page", Reach::Workspace),
    ("get_bio_page", Reach::Workspace),
    ("save_bio_draft", Reach::Workspace),
    ("publish_bio_page", Reach::Workspace),
    ("unpublish_bio_page", Reach::Workspace),
    ("change_bio_handle", Reach::Workspace),
    ("delete_bio_page", Reach::Workspace),
    ("list_bio_signups", Reach::Workspace),
    ("get_bio_stats", Reach::Workspace),
    ("add_bio_domain", Reach::Workspace),
    ("verify_bio_domain", Reach::Workspace),
    ("remove_bio_domain", Reach::Workspace),
];
