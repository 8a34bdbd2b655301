//! The server fns of the notification centre and push settings, one per file. All act on
//! the signed-in person's own notifications and devices only.

mod list_notifications;
mod mark_notification_read;
mod mark_all_notifications_read;
mod get_push_settings;
mod set_notification_preference;
mod push_subscribe;
mod push_unsubscribe;

pub use list_notifications::*;
pub use mark_notification_read::*;
pub use mark_all_notifications_read::*;
pub use get_push_settings::*;
pub use set_notification_preference::*;
pub use push_subscribe::*;
pub use push_unsubscribe::*;

/// Every server fn of this module (all about the signed-in person).
pub const ENDPOINTS: &[&str] = &[
    "list_notifications",
    "mark_notification_read",
    "mark_all_notifications_read",
    "get_push_settings",
    "set_notification_preference",
    "push_subscribe",
    "push_unsubscribe",
];
