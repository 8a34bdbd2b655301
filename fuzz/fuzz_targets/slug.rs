//! Slugs: short-link slugs (custom and automatic) and workspace addresses (`slugify`,
//! `check_slug`).
#![no_main]

use app::shortlinks::{check_slug, is_auto_slug, AUTO_ALPHABET, AUTO_LEN, SLUG_MAX, SLUG_MIN};
use app::workspaces::domain as ws;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    // Short links: accepted => 3-40 of [a-z0-9_-], no '-' at either end.
    match check_slug("slug", s) {
        Some(e) => assert_eq!(e.field, "slug"),
        None => {
            assert!((SLUG_MIN..=SLUG_MAX).contains(&s.len()), "{s:?}");
            assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'), "{s:?}");
            assert!(!s.starts_with('-') && !s.ends_with('-'), "{s:?}");
        }
    }
    if is_auto_slug(s) {
        assert_eq!(s.len(), AUTO_LEN);
        assert!(s.bytes().all(|b| AUTO_ALPHABET.contains(&b)));
        assert!(check_slug("slug", s).is_none(), "automatic slug {s:?} is not a valid slug");
    }

    // Workspace addresses: accepted => 3-40 of [a-z0-9-], single inner hyphens.
    if ws::check_slug(s).is_none() {
        assert!((3..=40).contains(&s.len()), "{s:?}");
        assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{s:?}");
        assert!(!s.starts_with('-') && !s.ends_with('-') && !s.contains("--"), "{s:?}");
    }
    // slugify gives either nothing or something of the same shape, and is idempotent.
    let slug = ws::slugify(s);
    assert!(slug.len() <= 40, "{slug:?}");
    assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "slugify({s:?}) = {slug:?}");
    assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"), "slugify({s:?}) = {slug:?}");
    assert_eq!(ws::slugify(&slug), slug, "slugify is not idempotent on {s:?}");
    if slug.len() >= 3 && ws::check_slug(&slug).is_some() {
        // Only a reserved word may be refused.
        assert!(ws::check_slug(&slug).unwrap().message.contains("reserved"), "slugify({s:?}) = {slug:?} refused");
    }
});
