//! M23 short links: a short address on this server that redirects (302) to any URL,
//! with click statistics per link.

pub mod api;
pub mod texts;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
pub mod redirect;
#[cfg(feature = "ssr")]
pub mod routes;

use serde::{Deserialize, Serialize};

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

use crate::error::FieldError;

/// Letters and digits of automatic slugs: lowercase, without look-alikes (0 o 1 l i).
pub const AUTO_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
/// Length of an automatic slug.
pub const AUTO_LEN: usize = 7;
/// Allowed length of a custom slug.
pub const SLUG_MIN: usize = 3;
pub const SLUG_MAX: usize = 40;
/// Longest statistics range, in days.
pub const MAX_STATS_DAYS: u32 = 365;

/// Checks a custom slug: 3–40 characters of lowercase letters, digits, `-` and `_`, not
/// starting or ending with `-`. Pure, so it can be fuzzed; uniqueness is checked on save.
pub fn check_slug(field: &str, slug: &str) -> Option<FieldError> {
    let fail = |m: &str| Some(FieldError { field: field.to_string(), message: m.to_string() });
    let t = texts::LinksTexts::now();
    let len = slug.chars().count();
    if !(SLUG_MIN..=SLUG_MAX).contains(&len) {
        return fail(t.err_slug_length);
    }
    if !slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_') {
        return fail(t.err_slug_chars);
    }
    if slug.starts_with('-') || slug.ends_with('-') {
        return fail(t.err_slug_dash);
    }
    None
}

/// True for the shape of an automatic slug.
pub fn is_auto_slug(slug: &str) -> bool {
    slug.len() == AUTO_LEN && slug.bytes().all(|b| AUTO_ALPHABET.contains(&b))
}

pub use crate::calendar::{day_of_ms, day_string};

/// The full address of a short link, given the site's origin (`https://example.com`).
pub fn short_url(origin: &str, slug: &str) -> String {
    format!("{}{PREFIX}{slug}", origin.trim_end_matches('/'))
}

/// The area this module guards.
pub const AREA: &str = "links";

/// How many short links a workspace may have.
pub const LINKS_LIMIT: crate::platform::Limit = crate::platform::Limit {
    key: "short_links",
    label: || texts::LinksTexts::now().limit_links,
    phrase: || texts::LinksTexts::now().limit_links_phrase,
    kind: crate::platform::LimitKind::Count,
    order: 90,
    #[cfg(feature = "ssr")]
    count: Some(domain::count_links),
    #[cfg(feature = "ssr")]
    reclaim: None,
    read_only: None,
};

/// M23 in the registry.
pub const MODULE: crate::platform::Module = crate::platform::Module {
    key: "shortlinks",
    name: || texts::LinksTexts::now().module_name,
    permissions: &[crate::platform::ModulePermissions {
        module: AREA,
        view: crate::platform::WorkspaceRole::Viewer,
        edit: crate::platform::WorkspaceRole::Editor,
        manage: crate::platform::WorkspaceRole::Admin,
    }],
    limits: &[LINKS_LIMIT],
    endpoints: api::ENDPOINTS,
    nav: &[crate::platform::NavEntry {
        href: "/links",
        label: || texts::LinksTexts::now().nav,
        icon: "M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1",
        section: false,
        scope: crate::platform::NavScope::Workspace { area: AREA },
        order: 20,
    }],
    cards: &[crate::platform::Card {
        area: AREA,
        href: "/links",
        title: || texts::LinksTexts::now().card_title,
        text: || texts::LinksTexts::now().card_text,
        goals: &["link_in_bio", "social_growth"],
        order: 20,
    }],
    #[cfg(feature = "ssr")]
    texts: &[texts::LinksTexts::KEYS],
    #[cfg(feature = "ssr")]
    server: crate::platform::ServerParts {
        indexes: domain::indexes,
        scoped_collections: domain::SCOPED_COLLECTIONS,
        jobs: &[],
        init: Some(|ext| ext.insert(redirect::Redirects::default())),
        // Clicks are counted in memory and written every 2 s.
        start: Some(|state, stop| redirect::spawn_flusher(state.clone(), stop)),
        routes: Some(routes::routes),
        erase: None,
        watches: &[],
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for ok in ["abc", "summer-sale", "a_b", "x1-2_3", "_ab", "ab_", &"a".repeat(40), "2024"] {
            assert!(check_slug("slug", ok).is_none(), "{ok:?} refused");
        }
        for bad in ["", "ab", "-abc", "abc-", "Abc", "a b", "a/b", "a?b", "a.b", "a%20", "ünï", "a#b", "a\nb", &"a".repeat(41), "../x"] {
            let e = check_slug("slug", bad).unwrap_or_else(|| panic!("{bad:?} accepted"));
            assert_eq!(e.field, "slug");
        }
        // Multi-byte characters count as characters, and are refused anyway.
        assert!(check_slug("slug", "ééé").is_some());
    }

    #[test]
    fn auto_slugs_are_valid_custom_slugs_too() {
        assert!(is_auto_slug("abc2345"));
        assert!(!is_auto_slug("abc234"));
        assert!(!is_auto_slug("abc234l"));
        assert!(check_slug("slug", "abc2345").is_none());
    }

    #[test]
    fn days() {
        assert_eq!(day_string(0), "1970-01-01");
        assert_eq!(day_string(-1), "1969-12-31");
        assert_eq!(day_string(19_782), "2024-02-29");
        assert_eq!(day_string(19_783), "2024-03-01");
        assert_eq!(day_of_ms(1_700_000_000_000), "2023-11-14");
        assert_eq!(day_of_ms(-1), "1969-12-31");
    }

    #[test]
    fn short_urls() {
        assert_eq!(short_url("https://m.example/", "abc"), "https://m.example/s/abc");
    }
}
