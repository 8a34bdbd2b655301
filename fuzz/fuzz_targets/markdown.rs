//! The bio markdown subset: `escape` and `to_html` on any text.
#![no_main]

use app::bio::check_link_url;
use app::bio::markdown::{escape, to_html};
use libfuzzer_sys::fuzz_target;
use mewayz_fuzz::{read_html, unescape};

fuzz_target!(|text: &str| {
    // escape: none of < > " ' raw, every & an escape, and undoing it gives the text back
    // without its control characters (line breaks and tabs stay).
    let e = escape(text);
    let back = unescape(&e).unwrap_or_else(|m| panic!("escape({text:?}) = {e:?}: {m}"));
    let expected: String = text.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect();
    assert_eq!(back, expected, "escape does not round-trip");

    // to_html: only p, br, strong, em and a; a link only with a safe address.
    let html = to_html(text);
    assert!(!html.to_ascii_lowercase().contains("<script"), "{html:?}");
    let tags = read_html(&html, &[]).unwrap_or_else(|m| panic!("to_html({text:?}) = {html:?}: {m}"));
    for t in &tags {
        match t.name.as_str() {
            "p" | "br" | "strong" | "em" => assert!(t.attrs.is_empty(), "attributes on {t:?}"),
            "a" if t.closing => {}
            "a" => {
                let names: Vec<&str> = t.attrs.iter().map(|(n, _)| n.as_str()).collect();
                assert_eq!(names, ["href", "rel"], "{html:?}");
                assert_eq!(t.attr("rel"), Some("noopener nofollow ugc"));
                let href = t.attr("href").unwrap_or("");
                assert!(check_link_url("url", href).is_none(), "unsafe href {href:?} from {text:?}");
                let lower = href.to_ascii_lowercase();
                assert!(["https://", "http://", "mailto:", "tel:"].iter().any(|s| lower.starts_with(s)), "href {href:?}");
            }
            other => panic!("to_html({text:?}) produced <{other}>: {html:?}"),
        }
    }
    // No link inside a link, no <p> inside a <p>.
    let mut depth_a = 0;
    let mut depth_p = 0;
    for t in &tags {
        let d = if t.closing { -1 } else { 1 };
        match t.name.as_str() {
            "a" => depth_a += d,
            "p" => depth_p += d,
            _ => {}
        }
        assert!(depth_a <= 1 && depth_p <= 1, "nested a or p in {html:?}");
    }
    // Plain text (no markup characters at all) comes out as exactly its escaped paragraphs.
    if !text.contains(['*', '[', '\r']) && !text.contains('\n') && !text.trim().is_empty() {
        assert_eq!(html, format!("<p>{}</p>", escape(text.trim())));
    }
});
