//! The HTML of a bio page: one self-contained document with inline CSS, no script, and
//! system fonts. The server sends it to visitors; the builder shows the very same document
//! as its live preview. Every value from the page is escaped here, and every address is
//! checked again, whatever the stored content says.
//!
//! The content is the owner's, in whatever language they wrote it; the chrome around it
//! (the document's language, the sign-up form's label, the footer, labels for assistive
//! technology) is in the current language ([`crate::i18n::lang`]): the visitor's on the
//! server, the person's in the builder's preview.

use super::markdown::{escape, to_html};
use super::texts::BioTexts;
use super::{check_color, check_link_url, form_slug, link_visible, network_label, parse_video, Background, BioContent, BlockKind, SOCIAL_NETWORKS};

/// What the document needs besides the content.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RenderOptions {
    /// The page's absolute address (canonical link, Open Graph, QR code).
    pub page_url: String,
    pub handle: String,
    pub page_id: String,
    /// "Now" in ms since the epoch, for link schedules.
    pub now_ms: i64,
    /// The builder's preview: links go straight to their address and forms do nothing.
    pub preview: bool,
}

/// A media id as it may appear in a path.
fn safe_id(id: &str) -> Option<&str> {
    (!id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')).then_some(id)
}

fn color<'a>(value: &'a str, fallback: &'a str) -> &'a str {
    if check_color("c", value).is_none() {
        value
    } else {
        fallback
    }
}

/// The origin of an absolute URL ("https://a.io" of "https://a.io/x").
fn origin(url: &str) -> &str {
    let after = url.find("://").map(|i| i + 3).unwrap_or(0);
    match url[after..].find('/') {
        Some(p) => &url[..after + p],
        None => url,
    }
}

/// Renders the whole document, its chrome in the current language.
pub fn render_page(content: &BioContent, o: &RenderOptions) -> String {
    let tx = BioTexts::now();
    let t = &content.theme;
    let text = color(&t.text_color, "#1f2328");
    let button = color(&t.button_color, "#1f2328");
    let button_text = color(&t.button_text_color, "#ffffff");
    let background = match &t.background {
        Background::Solid { color: c } => color(c, "#ffffff").to_string(),
        Background::Gradient { from, to } => format!("linear-gradient(160deg,{},{})", color(from, "#ffffff"), color(to, "#ffffff")),
        Background::Image { media, color: c } => match safe_id(media) {
            Some(id) => format!("{} url(/files/{id}/1080) center/cover fixed", color(c, "#ffffff")),
            None => color(c, "#ffffff").to_string(),
        },
    };
    let radius = match t.button_shape.as_str() {
        "square" => "4px",
        "pill" => "999px",
        _ => "12px",
    };
    let font = match t.font.as_str() {
        "serif" => "Georgia,'Times New Roman',serif",
        "mono" => "ui-monospace,SFMono-Regular,Menlo,Consolas,monospace",
        _ => "system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif",
    };
    let title = if content.seo.title.trim().is_empty() { format!("@{}", o.handle) } else { content.seo.title.trim().to_string() };
    let description = if content.seo.description.trim().is_empty() {
        crate::i18n::fill(tx.public_description, &[("title", &title)])
    } else {
        content.seo.description.trim().to_string()
    };

    let mut h = String::with_capacity(6000);
    h.push_str(&format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">",
        crate::i18n::lang().code()
    ));
    h.push_str(&format!("<title>{}</title>", escape(&title)));
    h.push_str(&format!("<meta name=\"description\" content=\"{}\">", escape(&description)));
    if !o.preview {
        h.push_str(&format!("<link rel=\"canonical\" href=\"{}\">", escape(&o.page_url)));
    }
    h.push_str(&format!("<meta property=\"og:type\" content=\"profile\"><meta property=\"og:title\" content=\"{}\"><meta property=\"og:description\" content=\"{}\"><meta property=\"og:url\" content=\"{}\">", escape(&title), escape(&description), escape(&o.page_url)));
    let image = content.seo.image.as_deref().and_then(safe_id).or_else(|| {
        content.blocks.iter().find_map(|b| match &b.kind {
            BlockKind::Image { media, .. } => safe_id(media),
            _ => None,
        })
    });
    if let Some(id) = image {
        h.push_str(&format!(
            "<meta property=\"og:image\" content=\"{}/files/{id}/1080\"><meta name=\"twitter:card\" content=\"summary_large_image\">",
            escape(origin(&o.page_url))
        ));
    } else {
        h.push_str("<meta name=\"twitter:card\" content=\"summary\">");
    }
    h.push_str(&format!("<meta name=\"theme-color\" content=\"{button}\">"));
    // No icon request: the browser would otherwise ask for /favicon.ico on every visit.
    h.push_str("<link rel=\"icon\" href=\"data:,\">");
    h.push_str("<style>");
    h.push_str(&format!(
        "*{{box-sizing:border-box}}body{{margin:0;min-height:100vh;background:{background};color:{text};font:16px/1.5 {font}}}\
main{{max-width:600px;margin:0 auto;padding:32px 16px 24px}}h1{{font-size:1.6rem;text-align:center;margin:0 0 16px}}\
h2{{font-size:1.2rem;text-align:center;margin:24px 0 8px}}.t{{text-align:center}}.t a,footer a{{color:inherit}}\
.b{{display:flex;align-items:center;gap:12px;min-height:52px;margin:12px 0;padding:10px 16px;border-radius:{radius};background:{button};color:{button_text};text-decoration:none;font-weight:600;justify-content:center;text-align:center;overflow-wrap:anywhere}}\
.b img{{width:36px;height:36px;border-radius:6px;object-fit:cover}}.b:focus-visible,.s a:focus-visible{{outline:3px solid {text};outline-offset:3px}}\
.i{{display:block;width:100%;height:auto;border-radius:12px;margin:12px 0}}.v{{position:relative;padding-top:56.25%;margin:12px 0}}\
.v iframe{{position:absolute;inset:0;width:100%;height:100%;border:0;border-radius:12px}}.s{{display:flex;flex-wrap:wrap;justify-content:center;gap:8px;margin:16px 0}}\
.s a{{padding:6px 12px;border:2px solid {text};border-radius:999px;color:{text};text-decoration:none;font-size:.9rem}}\
hr{{border:0;border-top:1px solid {text};opacity:.35;margin:20px 0}}form{{margin:16px 0;padding:16px;border:2px solid {text};border-radius:12px}}\
form h2{{margin-top:0}}label{{display:block;margin:8px 0 4px}}input[type=email]{{width:100%;padding:10px;font:inherit;border:1px solid {text};border-radius:8px}}\
.c{{display:flex;gap:8px;align-items:flex-start;font-size:.9rem}}button{{width:100%;margin-top:8px;padding:12px;font:inherit;font-weight:600;border:0;border-radius:{radius};background:{button};color:{button_text};cursor:pointer}}\
footer{{text-align:center;font-size:.85rem;margin-top:32px;opacity:.85}}.fm{{display:block;width:100%;border:0;margin:12px 0;border-radius:12px}}\
.fm-p{{padding:24px 16px;border:2px dashed {text};text-align:center;overflow-wrap:anywhere}}"
    ));
    h.push_str("</style></head><body><main>");
    h.push_str(&format!("<h1>{}</h1>", escape(&title)));

    let mut forms = false;
    for b in &content.blocks {
        let id = safe_id(&b.id).unwrap_or("x");
        match &b.kind {
            BlockKind::Link { title, url, thumbnail, enabled, starts_at, ends_at, .. } => {
                if !link_visible(*enabled, *starts_at, *ends_at, o.now_ms) || title.trim().is_empty() || check_link_url("url", url).is_some() {
                    continue;
                }
                let href = if o.preview { url.trim().to_string() } else { format!("/l/{}/{id}", safe_id(&o.page_id).unwrap_or("x")) };
                h.push_str(&format!("<a class=\"b\" href=\"{}\" rel=\"noopener\">", escape(&href)));
                if let Some(t) = thumbnail.as_deref().and_then(safe_id) {
                    h.push_str(&format!("<img src=\"/files/{t}/160\" alt=\"\" width=\"36\" height=\"36\">"));
                }
                h.push_str(&format!("<span>{}</span></a>", escape(title.trim())));
            }
            BlockKind::Header { text } if !text.trim().is_empty() => h.push_str(&format!("<h2>{}</h2>", escape(text.trim()))),
            BlockKind::Text { text } if !text.trim().is_empty() => h.push_str(&format!("<div class=\"t\">{}</div>", to_html(text))),
            BlockKind::Image { media, alt, url } => {
                let Some(m) = safe_id(media) else { continue };
                let img = format!("<img class=\"i\" src=\"/files/{m}/1080\" srcset=\"/files/{m}/480 480w,/files/{m}/1080 1080w\" sizes=\"(max-width:600px) 100vw,600px\" alt=\"{}\" loading=\"lazy\">", escape(alt));
                match url.as_deref().filter(|u| check_link_url("url", u).is_none()) {
                    Some(u) => h.push_str(&format!("<a href=\"{}\" rel=\"noopener\">{img}</a>", escape(u.trim()))),
                    None => h.push_str(&img),
                }
            }
            BlockKind::Video { url } => {
                let Some(v) = parse_video(url) else { continue };
                h.push_str(&format!(
                    "<div class=\"v\"><iframe src=\"{}\" title=\"{}\" loading=\"lazy\" allow=\"fullscreen; picture-in-picture\" referrerpolicy=\"strict-origin-when-cross-origin\"></iframe></div>",
                    escape(&v.embed_url()),
                    escape(tx.public_video)
                ));
            }
            BlockKind::Social { links } => {
                let items: Vec<String> = links
                    .iter()
                    .filter(|l| check_link_url("url", &l.url).is_none())
                    .filter_map(|l| SOCIAL_NETWORKS.iter().find(|n| n.0 == l.network).map(|n| (network_label(n.0), l)))
                    .map(|(label, l)| format!("<a href=\"{}\" rel=\"me noopener\">{}</a>", escape(l.url.trim()), escape(label)))
                    .collect();
                if !items.is_empty() {
                    h.push_str(&format!("<nav class=\"s\" aria-label=\"{}\">{}</nav>", escape(tx.public_social), items.concat()));
                }
            }
            BlockKind::EmailCapture { heading, button, consent } => {
                let action = if o.preview { "#".to_string() } else { format!("/{}/subscribe", escape(&o.handle)) };
                h.push_str(&format!(
                    "<form method=\"post\" action=\"{action}\"><h2>{}</h2><input type=\"hidden\" name=\"block\" value=\"{id}\"><label for=\"e-{id}\">{}</label><input id=\"e-{id}\" type=\"email\" name=\"email\" required autocomplete=\"email\"><label class=\"c\"><input type=\"checkbox\" name=\"consent\" value=\"yes\" required> <span>{}</span></label><button type=\"submit\">{}</button></form>",
                    escape(heading.trim()),
                    escape(tx.public_email_label),
                    escape(consent.trim()),
                    escape(button.trim())
                ));
            }
            BlockKind::Form { url } => {
                let Some(slug) = form_slug(url) else { continue };
                if o.preview {
                    // The builder's preview runs no script and posts nothing: the place the
                    // form takes, with its link.
                    h.push_str(&format!("<p class=\"fm fm-p\">{} · /f/{slug}</p>", escape(tx.public_form)));
                } else {
                    h.push_str(&format!(
                        "<iframe class=\"fm\" src=\"/f/{slug}?embed=1\" title=\"{}\" data-mewayz-form height=\"640\" loading=\"lazy\"></iframe>",
                        escape(tx.public_form)
                    ));
                    forms = true;
                }
            }
            BlockKind::Divider => h.push_str("<hr>"),
            _ => {}
        }
    }
    if forms {
        // Grows each form's frame to the form's height (see forms/embed.js).
        h.push_str(&format!("<script src=\"{}\" async></script>", crate::forms::EMBED_SCRIPT_PATH));
    }
    h.push_str(&format!("<footer><a href=\"/{}/qr.svg\">{}</a></footer></main></body></html>", escape(&o.handle), escape(tx.public_qr_link)));
    h
}

/// The page's QR code, as an SVG document.
#[cfg(feature = "ssr")]
pub fn qr_svg(page_url: &str) -> Option<String> {
    let code = qrcode::QrCode::new(page_url.as_bytes()).ok()?;
    Some(code.render::<qrcode::render::svg::Color>().min_dimensions(256, 256).quiet_zone(true).build())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bio::{Block, SocialLink};

    fn opts() -> RenderOptions {
        RenderOptions { page_url: "https://mewayz.test/ana".into(), handle: "ana".into(), page_id: "P1".into(), now_ms: 1_000, preview: false }
    }

    #[test]
    fn renders_blocks_and_skips_hidden_links() {
        let mut c = BioContent::default();
        c.seo.title = "Ana's links".into();
        c.blocks = vec![
            Block {
                id: "a".into(),
                kind: BlockKind::Link {
                    title: "Shop".into(),
                    url: "https://shop.io".into(),
                    thumbnail: None,
                    enabled: true,
                    starts_at: None,
                    ends_at: None,
                    short_slug: None,
                },
            },
            Block {
                id: "b".into(),
                kind: BlockKind::Link {
                    title: "Off".into(),
                    url: "https://off.io".into(),
                    thumbnail: None,
                    enabled: false,
                    starts_at: None,
                    ends_at: None,
                    short_slug: None,
                },
            },
            Block {
                id: "c".into(),
                kind: BlockKind::Link {
                    title: "Later".into(),
                    url: "https://later.io".into(),
                    thumbnail: None,
                    enabled: true,
                    starts_at: Some(5_000),
                    ends_at: None,
                    short_slug: None,
                },
            },
            Block { id: "d".into(), kind: BlockKind::Divider },
        ];
        let html = render_page(&c, &opts());
        assert!(html.contains("href=\"/l/P1/a\""));
        assert!(html.contains("<title>Ana&#39;s links</title>"));
        assert!(!html.contains("Off") && !html.contains("Later"));
        assert!(!html.contains("<script"));
        let preview = render_page(&c, &RenderOptions { preview: true, ..opts() });
        assert!(preview.contains("href=\"https://shop.io\""));
    }

    /// The chrome follows the current language; the owner's words stay as written.
    #[cfg(feature = "ssr")]
    #[test]
    fn the_chrome_is_in_the_current_language() {
        use crate::i18n::{sync_scope, Lang};
        let c = BioContent {
            blocks: vec![
                Block { id: "s".into(), kind: BlockKind::Social { links: vec![SocialLink { network: "website".into(), url: "https://a.example".into() }] } },
                Block { id: "e".into(), kind: BlockKind::EmailCapture { heading: "News".into(), button: "Join".into(), consent: "OK".into() } },
            ],
            ..Default::default()
        };
        let fr = sync_scope(Lang::Fr, || render_page(&c, &opts()));
        assert!(
            fr.contains("<html lang=\"fr\">") && fr.contains(">Adresse e-mail</label>") && fr.contains(">Site web</a>") && fr.contains("Code QR de cette page"),
            "{fr}"
        );
        assert!(fr.contains("<meta name=\"description\" content=\"Les liens de @ana\">"));
        assert!(fr.contains("<h2>News</h2>") && fr.contains(">Join</button>"));
        let en = sync_scope(Lang::En, || render_page(&c, &opts()));
        assert!(
            en.contains("<html lang=\"en\">") && en.contains(">E-mail address</label>") && en.contains(">Website</a>") && en.contains("QR code for this page"),
            "{en}"
        );
    }

    #[test]
    fn hostile_values_are_escaped() {
        let x = "\"><script>alert(1)</script><img src=x onerror=alert(1)>";
        let mut c = BioContent::default();
        c.seo.title = x.into();
        c.seo.description = x.into();
        c.theme.text_color = "red;}</style><script>alert(1)</script>".into();
        c.blocks = vec![
            Block {
                id: "a".into(),
                kind: BlockKind::Link {
                    title: x.into(),
                    url: "javascript:alert(1)".into(),
                    thumbnail: Some("../../x".into()),
                    enabled: true,
                    starts_at: None,
                    ends_at: None,
                    short_slug: None,
                },
            },
            Block { id: "b".into(), kind: BlockKind::Header { text: x.into() } },
            Block { id: "c".into(), kind: BlockKind::Text { text: x.into() } },
            Block { id: "d\"x".into(), kind: BlockKind::Image { media: "m\"onerror=alert(1)".into(), alt: x.into(), url: Some("javascript:alert(1)".into()) } },
            Block { id: "e".into(), kind: BlockKind::Video { url: x.into() } },
            Block { id: "f".into(), kind: BlockKind::Social { links: vec![SocialLink { network: "x".into(), url: "javascript:alert(1)".into() }] } },
            Block { id: "g".into(), kind: BlockKind::EmailCapture { heading: x.into(), button: x.into(), consent: x.into() } },
        ];
        let html = render_page(&c, &RenderOptions { handle: "a\"b".into(), ..opts() });
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img src=x"));
        assert!(!html.contains("javascript:"));
        assert!(!html.contains("onerror=alert(1)>"));
    }
}
