//! Addresses people follow: `check_link_url` (bio buttons, social icons, markdown links,
//! short-link targets), `validate::http_url` and the short links' `encode_non_ascii`.
#![no_main]

use app::bio::check_link_url;
use app::shortlinks::domain::encode_non_ascii;
use app::validate::{email, http_url};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|url: &str| {
    let v = url.trim();
    let lower = v.to_ascii_lowercase();
    if check_link_url("url", url).is_none() {
        // Accepted: an allowed scheme and nothing a browser would treat as markup or script.
        assert!(!v.is_empty() && v.len() <= 2048, "{url:?}");
        assert!(!v.chars().any(|c| c.is_control() || c.is_whitespace()), "{url:?}");
        if let Some(rest) = lower.strip_prefix("mailto:") {
            assert!(email("e", rest.split('?').next().unwrap_or("")).is_none(), "{url:?}");
        } else if let Some(rest) = lower.strip_prefix("tel:") {
            assert!(rest.bytes().all(|b| b.is_ascii_digit() || b"+-(). ".contains(&b)), "{url:?}");
        } else {
            let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")).unwrap_or_else(|| panic!("accepted scheme of {url:?}"));
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            assert!(!host.is_empty(), "{url:?} has no host");
        }
        for bad in ["javascript:", "data:", "vbscript:"] {
            assert!(!lower.starts_with(bad), "{url:?}");
        }
    } else if let Some(e) = check_link_url("field", url) {
        assert_eq!(e.field, "field");
    }

    if http_url("url", url).is_none() {
        assert!(lower.starts_with("https://") || lower.starts_with("http://"), "{url:?}");
        assert!(v.len() <= 2048);
    }

    // Short-link targets are stored percent-encoded (after trimming, as create_short_link
    // does): pure ASCII, and ASCII input unchanged.
    let url = url.trim();
    let enc = encode_non_ascii(url);
    assert!(enc.is_ascii(), "{enc:?}");
    if url.is_ascii() {
        assert_eq!(enc, url);
    }
    assert_eq!(encode_non_ascii(&enc), enc);
    // Encoding keeps an accepted address accepted (it only grows longer).
    if check_link_url("url", url).is_none() && enc.len() <= 2048 {
        let l = enc.trim().to_ascii_lowercase();
        if l.starts_with("http") {
            assert!(check_link_url("url", &enc).is_none(), "{url:?} accepted, encoded {enc:?} refused");
        }
    }
});
