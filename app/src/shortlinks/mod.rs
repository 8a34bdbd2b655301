//! M23 short links: a short address on this server that redirects (302) to any URL,
//! with click statistics per link.

pub mod api;
pub mod texts;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
pub mod redirect;

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
