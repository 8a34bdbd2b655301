//! The server fns of M05, one per file. Workspace fns take the workspace id first.

mod list_bio_pages;
mod create_bio_page;
mod get_bio_page;
mod save_bio_draft;
mod publish_bio_page;
mod unpublish_bio_page;
mod change_bio_handle;
mod delete_bio_page;
mod list_bio_signups;
mod get_bio_stats;
mod add_bio_domain;
mod verify_bio_domain;
mod remove_bio_domain;

pub use list_bio_pages::*;
pub use create_bio_page::*;
pub use get_bio_page::*;
pub use save_bio_draft::*;
pub use publish_bio_page::*;
pub use unpublish_bio_page::*;
pub use change_bio_handle::*;
pub use delete_bio_page::*;
pub use list_bio_signups::*;
pub use get_bio_stats::*;
pub use add_bio_domain::*;
pub use verify_bio_domain::*;
pub use remove_bio_domain::*;

pub use crate::workspaces::api::Reach;

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
