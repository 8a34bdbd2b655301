//! M21 media library: images uploaded once and used by every builder. Files live in
//! GridFS; the type is sniffed from the bytes; resized variants are made on upload and
//! served with long cache headers; a file still in use cannot be deleted.

pub mod api;
pub mod texts;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
pub mod routes;

use serde::{Deserialize, Serialize};

/// The widths of the resized variants, in pixels. "original" is always kept too.
pub const VARIANT_WIDTHS: &[u32] = &[160, 480, 1080];

/// One file in the library.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MediaFile {
    pub id: String,
    /// The name it was uploaded with (cleaned: no path, no control characters).
    pub name: String,
    /// The sniffed type: image/png, image/jpeg, image/gif or image/webp.
    pub content_type: String,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    pub created_at: i64,
}

impl MediaFile {
    /// The address of a variant: `w` is one of [`VARIANT_WIDTHS`], or `None` for the original.
    pub fn url(&self, w: Option<u32>) -> String {
        media_url(&self.id, w)
    }
}

/// The public address of a media file's variant.
pub fn media_url(id: &str, w: Option<u32>) -> String {
    match w {
        Some(w) => format!("/files/{id}/{w}"),
        None => format!("/files/{id}/original"),
    }
}

/// The library and how much of the plan's storage it takes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MediaLibrary {
    pub files: Vec<MediaFile>,
    pub used_bytes: u64,
    /// `None` when the plan has no storage limit.
    pub limit_bytes: Option<u64>,
    /// The largest single upload the plan allows.
    pub max_file_bytes: u64,
}

/// The area this module guards.
pub const AREA: &str = "media";

/// How much a workspace may store, in MB.
pub const STORAGE_LIMIT: crate::platform::Limit = crate::platform::Limit {
    key: "storage_mb",
    label: || texts::MediaTexts::now().limit_storage,
    phrase: || texts::MediaTexts::now().limit_storage_phrase,
    kind: crate::platform::LimitKind::Megabytes,
    order: 20,
    #[cfg(feature = "ssr")]
    count: Some(domain::storage_mb),
    #[cfg(feature = "ssr")]
    reclaim: None,
    read_only: None,
};

/// The largest file one upload may be, in MB.
pub const UPLOAD_LIMIT: crate::platform::Limit = crate::platform::Limit {
    key: "upload_mb",
    label: || texts::MediaTexts::now().limit_upload,
    phrase: || texts::MediaTexts::now().limit_upload_phrase,
    kind: crate::platform::LimitKind::PerItem,
    order: 80,
    #[cfg(feature = "ssr")]
    count: None,
    #[cfg(feature = "ssr")]
    reclaim: None,
    read_only: None,
};

/// M20's library in the registry.
pub const MODULE: crate::platform::Module = crate::platform::Module {
    key: "media",
    name: || texts::MediaTexts::now().module_name,
    permissions: &[crate::platform::ModulePermissions {
        module: AREA,
        view: crate::platform::WorkspaceRole::Viewer,
        edit: crate::platform::WorkspaceRole::Editor,
        manage: crate::platform::WorkspaceRole::Admin,
    }],
    limits: &[STORAGE_LIMIT, UPLOAD_LIMIT],
    endpoints: api::ENDPOINTS,
    nav: &[crate::platform::NavEntry {
        href: "/media",
        label: || texts::MediaTexts::now().nav,
        icon: "M4 4h16a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1zM3 16l5-5 4 4 3-3 6 6M15 9h.01",
        section: false,
        scope: crate::platform::NavScope::Workspace { area: AREA },
        order: 50,
    }],
    cards: &[crate::platform::Card {
        area: AREA,
        href: "/media",
        title: || texts::MediaTexts::now().card_title,
        text: || texts::MediaTexts::now().card_text,
        goals: &[],
        order: 30,
    }],
    #[cfg(feature = "ssr")]
    texts: &[texts::MediaTexts::KEYS],
    #[cfg(feature = "ssr")]
    server: crate::platform::ServerParts {
        indexes: domain::indexes,
        scoped_collections: domain::SCOPED_COLLECTIONS,
        jobs: &[],
        init: None,
        start: None,
        routes: Some(routes::routes),
        erase: Some(domain::delete_all_files),
        watches: &[],
    },
};
