//! The server fns of the notification centre and push settings, one per file. All act on
//! the signed-in person's own notifications and devices only.

mod get_push_settings;
mod list_notifications;
mod mark_all_notifications_read;
mod mark_notification_read;
mod push_subscribe;
mod push_unsubscribe;
mod set_notification_preference;

pub use get_push_settings::*;
pub use list_notifications::*;
pub use mark_all_notifications_read::*;
pub use mark_notification_read::*;
pub use push_subscribe::*;
pub use push_unsubscribe::*;
pub use set_notification_preference::*;

use crate::platform::Reach;

/// Every server fn of this module (all about the signed-in person), for the cross-workspace
/// probe.
pub const ENDPOINTS: &[(&str, Reach)] = &[
    ("list_notifications", Reach::Person),
    ("mark_notification_read", Reach::Person),
    ("mark_all_notifications_read", Reach::Person),
    ("get_push_settings", Reach::Person),
    ("set_notification_preference", Reach::Person),
    ("push_subscribe", Reach::Person),
    ("push_unsubscribe", Reach::Person),
];
