//! M23 short links: a short address on this server that redirects (302) to any URL,
//! with click statistics per link.

pub mod api;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod domain;

use serde::{Deserialize, Serialize};

/// The permission-table module key.
pub const MODULE: &str = "links";

/// The path prefix short links are served under: `/s/{slug}`.
pub const PREFIX: &str = "/s/";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShortLink {
    pub id: String,
    pub slug: String,
    pub url: String,
    pub clicks: u64,
    pub created_at: i64,
}

/// Clicks per day over a range.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ShortLinkStats {
    pub link: Option<ShortLink>,
    /// (`YYYY-MM-DD`, clicks), one per day of the range.
    pub days: Vec<(String, u64)>,
    pub total: u64,
}
