//! The builder for someone who may look but not change (a viewer, or a page that is
//! read-only on the plan): every block with what it holds, the look and the settings, as
//! text to read, with no editing control at all.

use leptos::prelude::*;

use super::editor::{kind_label, Editor};
use super::media::slot_texts;
use crate::bio::texts::BioTexts;
use crate::bio::{font_label, network_label, preset_label, shape_label, Background, Block, BlockKind};
use crate::i18n::fill;

/// One fact: a term and its value; an empty value reads "Not set".
fn fact(term: &'static str, value: String) -> impl IntoView {
    let t = BioTexts::now();
    view! {
        <div>
            <dt>{term}</dt>
            {if value.trim().is_empty() {
                view! { <dd class="muted">{t.ro_not_set}</dd> }.into_any()
            } else {
                view! { <dd>{value}</dd> }.into_any()
            }}
        </div>
    }
}

/// An address: a link that opens in a new tab when it is one a visitor could follow.
fn address_fact(term: &'static str, url: String) -> impl IntoView {
    let t = BioTexts::now();
    let url = url.trim().to_string();
    let body = if url.is_empty() {
        view! { <dd class="muted">{t.ro_not_set}</dd> }.into_any()
    } else if crate::bio::check_link_url("url", &url).is_none() {
        view! { <dd class="bio-ro-url"><a href=url.clone() target="_blank" rel="noopener noreferrer">{url.clone()}</a></dd> }.into_any()
    } else {
        view! { <dd class="bio-ro-url">{url}</dd> }.into_any()
    };
    view! { <div><dt>{term}</dt>{body}</div> }
}

/// A media-library image, small.
fn image_fact(slot: &'static str, media: Option<String>) -> impl IntoView {
    let t = BioTexts::now();
    let (label, _, _, current) = slot_texts(slot);
    view! {
        <div>
            <dt>{label}</dt>
            {match media.filter(|m| !m.is_empty()) {
                Some(id) => view! { <dd><img class="bio-thumb" src=crate::media::media_url(&id, Some(160)) alt=current width="64" height="64"/></dd> }.into_any(),
                None => view! { <dd class="muted">{t.media_none}</dd> }.into_any(),
            }}
        </div>
    }
}

fn colour_fact(term: &'static str, colour: String) -> impl IntoView {
    view! {
        <div>
            <dt>{term}</dt>
            <dd class="bio-ro-colour"><span class="bio-ro-swatch" aria-hidden="true" style=format!("background:{}", if crate::bio::check_color("c", &colour).is_none() { colour.as_str() } else { "transparent" })></span><code>{colour.clone()}</code></dd>
        </div>
    }
}

fn time_fact(term: &'static str, ms: Option<i64>) -> impl IntoView {
    fact(term, ms.map(crate::shell::format_time).unwrap_or_default())
}

fn block_facts(b: &Block) -> AnyView {
    let t = BioTexts::now();
    match &b.kind {
        BlockKind::Link { title, url, thumbnail, enabled, starts_at, ends_at, short_slug } => {
            let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
            view! {
                {fact(t.field_title, title.clone())}
                {address_fact(t.field_url, url.clone())}
                {fact(t.field_shown, if *enabled { t.ro_yes } else { t.ro_no }.to_string())}
                {(starts_at.is_some() || ends_at.is_some()).then(|| view! {
                    {time_fact(t.show_from, *starts_at)}
                    {time_fact(t.show_until, *ends_at)}
                })}
                {thumbnail.clone().map(|m| image_fact("thumbnail", Some(m)))}
                {short_slug.clone().map(|slug| address_fact(t.ro_short_link, crate::shortlinks::short_url(&origin, &slug)))}
            }
            .into_any()
        }
        BlockKind::Header { text } => fact(t.field_text, text.clone()).into_any(),
        BlockKind::Text { text } => view! {
            <div>
                <dt>{t.field_text}</dt>
                {if text.trim().is_empty() {
                    view! { <dd class="muted">{t.ro_not_set}</dd> }.into_any()
                } else {
                    view! { <dd class="bio-ro-text">{text.clone()}</dd> }.into_any()
                }}
            </div>
        }
        .into_any(),
        BlockKind::Image { media, alt, url } => view! {
            {image_fact("image", Some(media.clone()))}
            {fact(t.field_alt, alt.clone())}
            {address_fact(t.field_image_url, url.clone().unwrap_or_default())}
        }
        .into_any(),
        BlockKind::Video { url } => address_fact(t.field_video_url, url.clone()).into_any(),
        BlockKind::Social { links } => {
            if links.is_empty() {
                fact(t.social_links, String::new()).into_any()
            } else {
                links.iter().map(|l| address_fact(network_label(&l.network), l.url.clone())).collect_view().into_any()
            }
        }
        BlockKind::EmailCapture { heading, button, consent } => view! {
            {fact(t.field_heading, heading.clone())}
            {fact(t.field_button, button.clone())}
            {fact(t.field_consent, consent.clone())}
        }
        .into_any(),
        BlockKind::Form { url } => address_fact(t.field_form_url, url.clone()).into_any(),
        BlockKind::Divider => view! { <div><dt class="sr-only">{t.kind_divider}</dt><dd class="muted">{t.ro_divider}</dd></div> }.into_any(),
    }
}

/// The blocks of the page, in order, each with everything it holds.
#[component]
pub fn ReadOnlyBlocks(ed: Editor) -> impl IntoView {
    let t = BioTexts::now();
    view! {
        <section class="bio-blocks-section" aria-labelledby="ro-blocks-title">
            <h2 id="ro-blocks-title" class="small-title">{t.blocks_title}</h2>
            {move || {
                let blocks = ed.content.with(|c| c.blocks.clone());
                if blocks.is_empty() {
                    return view! { <p class="muted">{t.ro_no_blocks}</p> }.into_any();
                }
                let n = blocks.len();
                view! {
                    <ol class="bio-ro-blocks">
                        {blocks.iter().enumerate().map(|(i, b)| {
                            let heading_id = format!("ro-block-{}", b.id);
                            view! {
                                <li class="bio-ro-block" aria-labelledby=heading_id.clone()>
                                    <h3 id=heading_id.clone() class="bio-ro-kind">
                                        {kind_label(b.kind.kind())}
                                        <span class="sr-only">{format!(" {}", fill(t.ro_position, &[("pos", &(i + 1)), ("n", &n)]))}</span>
                                    </h3>
                                    <dl class="bio-ro-facts">{block_facts(b)}</dl>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

/// The page's look: the theme, colours, background, button shape and font.
#[component]
pub fn ReadOnlyDesign(ed: Editor) -> impl IntoView {
    let t = BioTexts::now();
    view! {
        <section class="card" aria-labelledby="ro-design-title">
            <h2 id="ro-design-title">{t.design_theme}</h2>
            {move || {
                let theme = ed.content.with(|c| c.theme.clone());
                let (kind, main, second, image) = match theme.background.clone() {
                    Background::Solid { color } => (t.bg_solid, color, None, None),
                    Background::Gradient { from, to } => (t.bg_gradient, from, Some(to), None),
                    Background::Image { media, color } => (t.bg_image, color, None, Some(media)),
                };
                view! {
                    <dl class="bio-ro-facts">
                        {fact(t.design_theme, preset_label(&theme.preset).to_string())}
                        {fact(t.design_background_style, kind.to_string())}
                        {colour_fact(t.color_background, main)}
                        {second.map(|c| colour_fact(t.color_second, c))}
                        {image.map(|m| image_fact("background", Some(m)))}
                        {colour_fact(t.color_text, theme.text_color.clone())}
                        {colour_fact(t.color_button, theme.button_color.clone())}
                        {colour_fact(t.color_button_text, theme.button_text_color.clone())}
                        {fact(t.design_shape, shape_label(&theme.button_shape).to_string())}
                        {fact(t.design_font, font_label(&theme.font).to_string())}
                    </dl>
                }
            }}
        </section>
    }
}

/// Search and sharing, the handle and the custom domains.
#[component]
pub fn ReadOnlySettings(ed: Editor) -> impl IntoView {
    let t = BioTexts::now();
    let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="ro-seo-title">
            <h2 id="ro-seo-title">{t.seo_title}</h2>
            {move || {
                let seo = ed.content.with(|c| c.seo.clone());
                view! {
                    <dl class="bio-ro-facts">
                        {fact(t.seo_page_title, seo.title.clone())}
                        {fact(t.seo_description, seo.description.clone())}
                        {image_fact("sharing", seo.image.clone())}
                    </dl>
                }
            }}
        </section>
        <section class="card" aria-labelledby="ro-handle-title">
            <h2 id="ro-handle-title">{t.handle_label}</h2>
            {move || {
                let (handle, domains) = ed.page.with(|p| (p.handle.clone(), p.domains.clone()));
                view! {
                    <dl class="bio-ro-facts">
                        {fact(t.handle_label, format!("@{handle}"))}
                        {fact(t.ro_address, format!("{origin}/{handle}"))}
                        <div>
                            <dt>{t.domains_title}</dt>
                            {if domains.is_empty() {
                                view! { <dd class="muted">{t.domains_none}</dd> }.into_any()
                            } else {
                                view! {
                                    <dd>
                                        <ul class="bio-ro-domains">
                                            {domains.into_iter().map(|d| view! {
                                                <li>
                                                    <span class="bio-domain-name">{d.domain}</span>" "
                                                    {if d.verified {
                                                        view! { <span class="badge badge-ok">{t.domains_verified}</span> }.into_any()
                                                    } else {
                                                        view! { <span class="badge badge-wait">{t.domains_waiting}</span> }.into_any()
                                                    }}
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    </dd>
                                }.into_any()
                            }}
                        </div>
                    </dl>
                }
            }}
        </section>
    }
}
