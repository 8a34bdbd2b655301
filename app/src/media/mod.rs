//! M21 media library: images uploaded once and used by every builder. Files live in
//! GridFS; the type is sniffed from the bytes; resized variants are made on upload and
//! served with long cache headers; a file still in use cannot be deleted.

pub mod api;
pub mod texts;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod domain;

use serde::{Deserialize, Serialize};

/// The permission-table module key.
pub const MODULE: &str = "media";

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
