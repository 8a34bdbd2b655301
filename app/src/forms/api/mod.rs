//! The server fns of M07, one per file. Each takes the workspace id first.

mod add_form_webhook;
mod create_form;
mod delete_form;
mod delete_form_submission;
mod delete_form_webhook;
mod get_form;
mod get_form_connect;
mod get_form_submission;
mod list_form_submissions;
mod list_forms;
mod publish_form;
mod resend_form_delivery;
mod save_form;
mod save_form_notify;
mod unpublish_form;

pub use add_form_webhook::*;
pub use create_form::*;
pub use delete_form::*;
pub use delete_form_submission::*;
pub use delete_form_webhook::*;
pub use get_form::*;
pub use get_form_connect::*;
pub use get_form_submission::*;
pub use list_form_submissions::*;
pub use list_forms::*;
pub use publish_form::*;
pub use resend_form_delivery::*;
pub use save_form::*;
pub use save_form_notify::*;
pub use unpublish_form::*;

use crate::platform::Reach;

/// Every server fn of this module, for the cross-workspace probe.
pub const ENDPOINTS: &[(&str, Reach)] = &[
    ("create_form", Reach::Workspace),
    ("list_forms", Reach::Workspace),
    ("get_form", Reach::Workspace),
    ("save_form", Reach::Workspace),
    ("publish_form", Reach::Workspace),
    ("unpublish_form", Reach::Workspace),
    ("delete_form", Reach::Workspace),
    ("list_form_submissions", Reach::Workspace),
    ("get_form_submission", Reach::Workspace),
    ("delete_form_submission", Reach::Workspace),
    ("get_form_connect", Reach::Workspace),
    ("save_form_notify", Reach::Workspace),
    ("add_form_webhook", Reach::Workspace),
    ("delete_form_webhook", Reach::Workspace),
    ("resend_form_delivery", Reach::Workspace),
];
