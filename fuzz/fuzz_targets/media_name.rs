//! Media uploads: `clean_name` (file names as given by the browser) and `sniff` (the type,
//! from the bytes).
#![no_main]

use app::media::domain::{clean_name, sniff, NAME_MAX_CHARS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((mime, format)) = sniff(data) {
        let expected = match format {
            image::ImageFormat::Png => "image/png",
            image::ImageFormat::Jpeg => "image/jpeg",
            image::ImageFormat::WebP => "image/webp",
            image::ImageFormat::Gif => "image/gif",
            other => panic!("sniffed {other:?}"),
        };
        assert_eq!(mime, expected);
        assert!(data.len() >= 3);
    }

    let raw = String::from_utf8_lossy(data);
    let name = clean_name(&raw);
    assert!(!name.is_empty());
    assert!(name.chars().count() <= NAME_MAX_CHARS, "{raw:?} -> {} characters", name.chars().count());
    assert!(!name.contains(['/', '\\', '\0']), "{raw:?} -> {name:?}");
    assert!(!name.chars().any(|c| c.is_control()), "{raw:?} -> {name:?}");
    assert!(!name.chars().any(|c| matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')), "{raw:?} -> {name:?}");
    assert!(!name.starts_with('.'), "{raw:?} -> {name:?}");
    assert_eq!(name, name.trim(), "{raw:?} -> {name:?}");
    assert!(name != "." && name != "..");
    // Cleaning a clean name changes nothing.
    assert_eq!(clean_name(&name), name, "{raw:?}");
});
