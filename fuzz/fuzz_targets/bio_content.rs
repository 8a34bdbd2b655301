//! A whole bio page from JSON as the builder sends it: `check_content` (draft and publish)
//! and `render_page`, which must stay safe whatever was stored.
#![no_main]

use std::collections::BTreeSet;

use app::bio::render::{render_page, RenderOptions};
use app::bio::{check_content, check_handle, check_link_url, BioContent, MAX_BLOCKS};
use libfuzzer_sys::fuzz_target;
use mewayz_fuzz::read_html;

const TAGS: &[&str] = &[
    "!doctype", "html", "head", "meta", "title", "link", "style", "body", "main", "h1", "h2", "a", "img", "span", "div", "p", "br", "strong", "em", "iframe",
    "nav", "form", "input", "label", "button", "hr", "footer",
];

fn fields(errors: &[app::FieldError]) -> BTreeSet<String> {
    errors.iter().map(|e| e.field.clone()).collect()
}

/// A same-site path, a fragment, or an address `check_link_url` accepts.
fn safe_address(v: &str) -> bool {
    (v.starts_with('/') && !v.starts_with("//") && !v.starts_with("/\\")) || v == "#" || check_link_url("u", v).is_none()
}

fuzz_target!(|data: &[u8]| {
    let (Some(&flags), rest) = (data.first(), data.get(1..).unwrap_or_default()) else { return };
    let Ok(content) = serde_json::from_slice::<BioContent>(rest) else { return };

    let draft = check_content(&content, false);
    let publish = check_content(&content, true);
    // Publishing asks for more than saving a draft, never less.
    assert!(fields(&draft).is_subset(&fields(&publish)), "draft {draft:?} publish {publish:?}");
    for e in draft.iter().chain(&publish) {
        assert!(e.field == "blocks" || e.field.starts_with("blocks.") || e.field.starts_with("theme.") || e.field.starts_with("seo."), "{e:?}");
        assert!(!e.message.is_empty());
    }
    if draft.is_empty() {
        // What may be stored: bounded, unique block ids, no control characters in the title.
        assert!(content.blocks.len() <= MAX_BLOCKS);
        let ids: BTreeSet<&str> = content.blocks.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids.len(), content.blocks.len(), "duplicate block ids accepted");
        assert!(!content.seo.title.chars().any(|c| c.is_control() && !"\n\t\r".contains(c)));
    }

    // The page as visitors and the builder's preview see it.
    let handle = "ana";
    assert!(check_handle("h", handle).is_none());
    let o = RenderOptions { page_url: format!("https://mewayz.test/{handle}"), handle: handle.into(), page_id: "p1".into(), now_ms: 1_700_000_000_000, preview: flags & 1 == 1 };
    let html = render_page(&content, &o);
    assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
    let tags = read_html(&html, &["style"]).unwrap_or_else(|m| panic!("{m}\n{html}"));
    for t in &tags {
        assert!(TAGS.contains(&t.name.as_str()), "<{}> in {html}", t.name);
        for (name, value) in &t.attrs {
            assert!(!name.starts_with("on") && name != "style" && name != "srcdoc" && name != "formaction", "attribute {name} on <{}>", t.name);
            match (t.name.as_str(), name.as_str()) {
                ("link", "href") if t.attr("rel") == Some("icon") => assert_eq!(value, "data:,"),
                ("iframe", "src") => assert!(
                    value.starts_with("https://www.youtube-nocookie.com/embed/") || value.starts_with("https://player.vimeo.com/video/"),
                    "iframe {value:?}"
                ),
                (_, "href" | "src" | "action") => assert!(safe_address(value), "<{} {name}={value:?}>", t.name),
                (_, "srcset") => assert!(value.split(',').all(|p| p.starts_with("/files/") && !p.contains("..")), "{value:?}"),
                _ => {}
            }
        }
    }
});
