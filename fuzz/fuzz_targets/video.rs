//! `parse_video`: YouTube and Vimeo addresses to the ids that reach the iframe.
#![no_main]

use app::bio::{parse_video, VideoRef};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|url: &str| {
    let Some(v) = parse_video(url) else { return };
    let lower = url.trim().to_ascii_lowercase();
    assert!(lower.starts_with("https://") || lower.starts_with("http://"), "{url:?}");
    match &v {
        VideoRef::YouTube(id) => {
            assert_eq!(id.len(), 11, "{url:?}");
            assert!(id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{id:?}");
            assert!(lower.contains("youtu"), "{url:?}");
            assert_eq!(v.embed_url(), format!("https://www.youtube-nocookie.com/embed/{id}"));
        }
        VideoRef::Vimeo(id) => {
            assert!(!id.is_empty() && id.len() <= 12 && id.bytes().all(|b| b.is_ascii_digit()), "{id:?}");
            assert!(lower.contains("vimeo.com"), "{url:?}");
            assert_eq!(v.embed_url(), format!("https://player.vimeo.com/video/{id}?dnt=1"));
        }
    }
    // The embed address is itself a plain https URL the page may use.
    assert!(app::validate::http_url("u", &v.embed_url()).is_none());
    // What the player address names is read back the same.
    if let VideoRef::YouTube(_) = &v {
        assert_eq!(parse_video(&v.embed_url()), Some(v.clone()));
    }
});
