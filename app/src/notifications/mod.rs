//! M22 (push and in-app parts): the notification centre, web push to each subscribed
//! device, and preferences per kind of notification. Other modules create notifications
//! with `domain::notify`; it stores them and queues the pushes.

pub mod api;
pub mod texts;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
pub mod push;
#[cfg(feature = "ssr")]
pub mod routes;

use serde::{Deserialize, Serialize};

/// The kinds of notification, with how the settings name them.
pub const KINDS: &[(&str, &str)] = &[
    ("new_sign_in", "Sign-in from a new device"),
    ("invitation", "Invitations to a workspace"),
    ("billing", "Billing and payments"),
    ("form_submission", "New form submissions"),
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    /// Where the notification leads, inside the app.
    pub url: String,
    pub at_ms: i64,
    pub read: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationList {
    pub items: Vec<Notification>,
    pub unread: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindPreference {
    pub kind: String,
    pub label: String,
    /// Also sent as a push to subscribed devices (it always appears in the centre).
    pub push: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSettings {
    /// The server's VAPID public key (base64url, uncompressed point) for `pushManager.subscribe`.
    pub vapid_public_key: String,
    pub kinds: Vec<KindPreference>,
    /// How many devices of this person receive pushes.
    pub devices: u32,
}

/// M-wide notifications in the registry.
pub const MODULE: crate::platform::Module = crate::platform::Module {
    key: "notifications",
    name: || texts::NotificationsTexts::now().module_name,
    permissions: &[],
    limits: &[],
    endpoints: api::ENDPOINTS,
    nav: &[crate::platform::NavEntry {
        href: "/notifications",
        label: || texts::NotificationsTexts::now().nav,
        icon: "M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.9 1.9 0 0 0 3.4 0",
        section: false,
        scope: crate::platform::NavScope::Person,
        order: 80,
    }],
    cards: &[],
    #[cfg(feature = "ssr")]
    texts: &[texts::NotificationsTexts::KEYS],
    #[cfg(feature = "ssr")]
    server: crate::platform::ServerParts {
        indexes: domain::indexes,
        scoped_collections: &[],
        jobs: &[crate::platform::job::<domain::PushJob>()],
        init: None,
        start: None,
        routes: Some(routes::routes),
        erase: None,
        watches: &[],
    },
};
