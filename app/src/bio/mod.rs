//! M05 link-in-bio: pages built from blocks, a draft and a published version, handles with
//! redirects after a change, custom domains, and cookie-free analytics.
//!
//! The types and the rules here are shared by the WASM builder and the server, so the
//! builder's live preview is rendered by the same code ([`render`]) that serves visitors.

pub mod api;
pub mod markdown;
pub mod render;
pub mod texts;
pub mod ui;
pub mod ui_domains;
pub mod ui_stats;

#[cfg(feature = "ssr")]
pub mod analytics;
#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
pub mod domains;
#[cfg(feature = "ssr")]
pub mod public;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use texts::BioTexts;

/// How long an old handle keeps redirecting after a change.
pub const HANDLE_REDIRECT_DAYS: i64 = 30;

/// The most blocks one page may hold.
pub const MAX_BLOCKS: usize = 100;

/// A bio page as the builder sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BioPage {
    pub id: String,
    pub handle: String,
    pub draft: BioContent,
    /// What visitors see; `None` until the first publish.
    pub published: Option<BioContent>,
    /// Milliseconds since the epoch of the last publish.
    pub published_at: Option<i64>,
    /// Bumped on every change of the draft; a stale write gets a Conflict.
    pub version: i64,
    pub updated_at: i64,
    /// Custom domains attached to this page.
    #[serde(default)]
    pub domains: Vec<CustomDomain>,
    /// Set when the page is beyond the plan's bio-page limit (after the plan dropped): why it
    /// is read-only. It can still be viewed, taken offline and deleted.
    #[serde(default)]
    pub read_only: Option<String>,
}

/// A line in the list of a workspace's pages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BioPageSummary {
    pub id: String,
    pub handle: String,
    pub title: String,
    pub published: bool,
    /// True when the draft differs from what is published.
    pub unpublished_changes: bool,
    pub updated_at: i64,
    /// Set when the page is beyond the plan's bio-page limit: why it is read-only.
    #[serde(default)]
    pub read_only: Option<String>,
}

/// The workspace's pages, with the plan's bio-page limit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BioPageList {
    pub pages: Vec<BioPageSummary>,
    /// How many pages the effective plan allows (`None`: no limit).
    pub limit: Option<i64>,
    /// How many pages the workspace has.
    pub used: i64,
    /// The effective plan's name, e.g. "Free".
    pub plan: String,
    /// The cheapest plan that would allow more, if upgrading lifts the limit.
    #[serde(default)]
    pub upgrade_to: Option<String>,
}

impl BioPageList {
    /// Whether the plan allows no more pages.
    pub fn at_limit(&self) -> bool {
        self.limit.is_some_and(|l| self.used >= l)
    }
}

/// Everything a page shows: its blocks, its look and its search/social metadata.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BioContent {
    #[serde(default)]
    pub blocks: Vec<Block>,
    #[serde(default)]
    pub theme: Theme,
    #[serde(default)]
    pub seo: Seo,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Seo {
    /// The page title (also the name at the top of the page when there is no header block).
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// A media-library file shown when the page is shared.
    #[serde(default)]
    pub image: Option<String>,
}

/// One block. `id` is stable across moves, so undo, redo and drag keep their identity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub id: String,
    #[serde(flatten)]
    pub kind: BlockKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlockKind {
    Link {
        title: String,
        url: String,
        /// A media-library file id.
        #[serde(default)]
        thumbnail: Option<String>,
        #[serde(default = "yes")]
        enabled: bool,
        /// Shown only from this time (ms since the epoch, UTC).
        #[serde(default)]
        starts_at: Option<i64>,
        /// Shown only until this time.
        #[serde(default)]
        ends_at: Option<i64>,
        /// The short link made for this button, if any (M23).
        #[serde(default)]
        short_slug: Option<String>,
    },
    Header {
        text: String,
    },
    /// Plain text or the small markdown subset of [`markdown`].
    Text {
        text: String,
    },
    Image {
        /// A media-library file id.
        media: String,
        #[serde(default)]
        alt: String,
        /// Where the image leads, if anywhere.
        #[serde(default)]
        url: Option<String>,
    },
    Video {
        url: String,
    },
    Social {
        links: Vec<SocialLink>,
    },
    EmailCapture {
        heading: String,
        button: String,
        /// The consent sentence the visitor agrees to.
        consent: String,
    },
    /// A published form of the workspace (M07), in a frame that grows to the form's height.
    Form {
        /// The form's link (`…/f/{slug}`), as its "Share and connect" tab gives it.
        url: String,
    },
    Divider,
}

fn yes() -> bool {
    true
}

impl BlockKind {
    /// The block's kind as stored (`"link"`, `"header"`…).
    pub fn kind(&self) -> &'static str {
        match self {
            BlockKind::Link { .. } => "link",
            BlockKind::Header { .. } => "header",
            BlockKind::Text { .. } => "text",
            BlockKind::Image { .. } => "image",
            BlockKind::Video { .. } => "video",
            BlockKind::Social { .. } => "social",
            BlockKind::EmailCapture { .. } => "email_capture",
            BlockKind::Form { .. } => "form",
            BlockKind::Divider => "divider",
        }
    }

    /// A new, empty block of `kind`, as the builder's palette adds it.
    pub fn new_of(kind: &str) -> Option<BlockKind> {
        Some(match kind {
            "link" => {
                BlockKind::Link { title: String::new(), url: String::new(), thumbnail: None, enabled: true, starts_at: None, ends_at: None, short_slug: None }
            }
            "header" => BlockKind::Header { text: String::new() },
            "text" => BlockKind::Text { text: String::new() },
            "image" => BlockKind::Image { media: String::new(), alt: String::new(), url: None },
            "video" => BlockKind::Video { url: String::new() },
            "social" => BlockKind::Social { links: vec![] },
            "email_capture" => {
                let t = BioTexts::now();
                BlockKind::EmailCapture {
                    heading: t.capture_default_heading.into(),
                    button: t.capture_default_button.into(),
                    consent: t.capture_default_consent.into(),
                }
            }
            "form" => BlockKind::Form { url: String::new() },
            "divider" => BlockKind::Divider,
            _ => return None,
        })
    }

    /// The media-library files this block uses.
    pub fn media_ids(&self) -> Vec<&str> {
        match self {
            BlockKind::Link { thumbnail: Some(t), .. } => vec![t.as_str()],
            BlockKind::Image { media, .. } if !media.is_empty() => vec![media.as_str()],
            _ => vec![],
        }
    }
}

/// The block kinds, in palette order (their names: [`kind_label`]).
pub const BLOCK_KINDS: &[&str] = &["link", "header", "text", "image", "video", "social", "email_capture", "form", "divider"];

/// The name of a block kind, in the current language.
pub fn kind_label(kind: &str) -> &'static str {
    let t = BioTexts::now();
    match kind {
        "link" => t.kind_link,
        "header" => t.kind_header,
        "text" => t.kind_text,
        "image" => t.kind_image,
        "video" => t.kind_video,
        "social" => t.kind_social,
        "email_capture" => t.kind_email_capture,
        "form" => t.kind_form,
        "divider" => t.kind_divider,
        _ => t.kind_block,
    }
}

/// The palette's button for a block kind ("Add Link button"), in the current language.
pub fn palette_label(kind: &str) -> &'static str {
    let t = BioTexts::now();
    match kind {
        "link" => t.palette_link,
        "header" => t.palette_header,
        "text" => t.palette_text,
        "image" => t.palette_image,
        "video" => t.palette_video,
        "social" => t.palette_social,
        "email_capture" => t.palette_email_capture,
        "form" => t.palette_form,
        _ => t.palette_divider,
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SocialLink {
    /// One of [`SOCIAL_NETWORKS`].
    pub network: String,
    pub url: String,
}

/// The networks the social row knows, with their names (brands; see [`network_label`]).
pub const SOCIAL_NETWORKS: &[(&str, &str)] = &[
    ("instagram", "Instagram"),
    ("tiktok", "TikTok"),
    ("youtube", "YouTube"),
    ("x", "X"),
    ("facebook", "Facebook"),
    ("linkedin", "LinkedIn"),
    ("github", "GitHub"),
    ("mastodon", "Mastodon"),
    ("email", "E-mail"),
    ("website", "Website"),
];

/// The name of a network as shown: the brand, or "E-mail" and "Website" in the current
/// language.
pub fn network_label(key: &str) -> &'static str {
    let t = BioTexts::now();
    match key {
        "email" => t.net_email,
        "website" => t.net_website,
        _ => SOCIAL_NETWORKS.iter().find(|n| n.0 == key).map(|n| n.1).unwrap_or(t.net_social),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Theme {
    /// The preset the colours started from (see [`PRESETS`]); custom colours override it.
    pub preset: String,
    pub background: Background,
    pub text_color: String,
    pub button_color: String,
    pub button_text_color: String,
    /// "square", "rounded" or "pill".
    pub button_shape: String,
    /// "sans", "serif" or "mono": system font stacks only, nothing downloaded.
    pub font: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Background {
    Solid {
        color: String,
    },
    Gradient {
        from: String,
        to: String,
    },
    /// A media-library image, with a colour shown while it loads.
    Image {
        media: String,
        color: String,
    },
}

impl Default for Theme {
    fn default() -> Self {
        preset("classic").expect("the classic preset exists")
    }
}

impl Theme {
    /// The media-library files this theme uses.
    pub fn media_ids(&self) -> Vec<&str> {
        match &self.background {
            Background::Image { media, .. } if !media.is_empty() => vec![media.as_str()],
            _ => vec![],
        }
    }
}

/// The preset themes: (key, background, text, button, button text). Names: [`preset_label`].
pub const PRESETS: &[(&str, &str, &str, &str, &str)] = &[
    ("classic", "#ffffff", "#1f2328", "#1f2328", "#ffffff"),
    ("midnight", "#0d1117", "#e6edf3", "#e6edf3", "#0d1117"),
    ("forest", "#1e3a2f", "#f1f7f3", "#f1f7f3", "#1e3a2f"),
    ("sunrise", "#fff4e6", "#5c2a00", "#c2410c", "#ffffff"),
    ("ocean", "#e8f4fd", "#0b3a5b", "#0b5cad", "#ffffff"),
];

/// The name of a preset theme, in the current language.
pub fn preset_label(key: &str) -> &'static str {
    let t = BioTexts::now();
    match key {
        "classic" => t.preset_classic,
        "midnight" => t.preset_midnight,
        "forest" => t.preset_forest,
        "sunrise" => t.preset_sunrise,
        "ocean" => t.preset_ocean,
        _ => t.preset_custom,
    }
}

/// The theme of the preset `key`, with its default shape and font.
pub fn preset(key: &str) -> Option<Theme> {
    let (k, bg, text, button, button_text) = PRESETS.iter().find(|p| p.0 == key)?;
    Some(Theme {
        preset: k.to_string(),
        background: Background::Solid { color: bg.to_string() },
        text_color: text.to_string(),
        button_color: button.to_string(),
        button_text_color: button_text.to_string(),
        button_shape: "rounded".into(),
        font: "sans".into(),
    })
}

pub const BUTTON_SHAPES: &[&str] = &["square", "rounded", "pill"];
pub const FONTS: &[&str] = &["sans", "serif", "mono"];

/// The name of a button shape, in the current language.
pub fn shape_label(key: &str) -> &'static str {
    let t = BioTexts::now();
    match key {
        "square" => t.shape_square,
        "pill" => t.shape_pill,
        _ => t.shape_rounded,
    }
}

/// The name of a font family, in the current language.
pub fn font_label(key: &str) -> &'static str {
    let t = BioTexts::now();
    match key {
        "serif" => t.font_serif,
        "mono" => t.font_mono,
        _ => t.font_sans,
    }
}

/// A custom domain and whether its DNS proof has been seen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomDomain {
    pub domain: String,
    /// The value of the TXT record to publish at `_mewayz.<domain>`.
    pub token: String,
    pub verified: bool,
    pub verified_at: Option<i64>,
    /// Why the last check failed, in words.
    #[serde(default)]
    pub last_error: Option<String>,
    /// When an unverified claim lapses (ms since the epoch); `None` once verified.
    #[serde(default)]
    pub expires_at: Option<i64>,
    /// Another workspace verified this domain first: this claim can no longer verify.
    #[serde(default)]
    pub taken: bool,
}

/// The DNS name that must carry the TXT token for `domain`.
pub fn txt_record_name(domain: &str) -> String {
    format!("_mewayz.{domain}")
}

/// Analytics over a date range, per day and in total.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BioStats {
    /// One entry per day in the range (days with nothing are present with zeros).
    pub days: Vec<DayStats>,
    pub views: u64,
    pub unique_visitors: u64,
    pub clicks: u64,
    /// clicks / views, 0 when there were no views.
    pub click_through_rate: f64,
    /// (label, count), largest first.
    pub referrers: Vec<(String, u64)>,
    pub devices: Vec<(String, u64)>,
    pub countries: Vec<(String, u64)>,
    /// Clicks per link block: (block id, link title, clicks), largest first.
    pub links: Vec<(String, String, u64)>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DayStats {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub views: u64,
    pub unique_visitors: u64,
    pub clicks: u64,
}

/// A contact left through an e-mail sign-up block, kept for the CRM (M06).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BioSignup {
    pub email: String,
    pub page_handle: String,
    pub consent_text: String,
    pub consented_at: i64,
}

// ---------------------------------------------------------------------------------------
// Rules shared by the builder and the server.
// ---------------------------------------------------------------------------------------

/// Names a handle may not take: the app's own routes and words that would confuse visitors.
pub const RESERVED_HANDLES: &[&str] = &[
    "account",
    "admin",
    "api",
    "app",
    "assets",
    "auth",
    "billing",
    "blog",
    "bio",
    "dashboard",
    "docs",
    "favicon.ico",
    "forgot-password",
    "health",
    "help",
    "icons",
    "index.html",
    "invite",
    "l",
    "links",
    "login",
    "logos",
    "logout",
    "m",
    "manifest.webmanifest",
    "media",
    "metrics",
    "mewayz",
    "new",
    "notifications",
    "offline.html",
    "outbox.js",
    "pkg",
    "pricing",
    "privacy",
    "ready",
    "reset-password",
    "robots.txt",
    "root",
    "s",
    "settings",
    "setup",
    "signin",
    "signup",
    "sitemap.xml",
    "static",
    "status",
    "store",
    "support",
    "sw.js",
    "terms",
    "verify-email",
    "www",
    "workspace",
];

/// Checks a handle: 3 to 30 characters of lowercase letters, digits, `_` and `.`, not
/// starting or ending with `.`, no `..`, and not reserved.
pub fn check_handle(field: &str, handle: &str) -> Option<FieldError> {
    let fail = |m: &str| Some(FieldError { field: field.to_string(), message: m.to_string() });
    let t = BioTexts::now();
    let h = handle.trim();
    if h.is_empty() {
        return fail(t.err_handle_empty);
    }
    if h.chars().count() < 3 || h.chars().count() > 30 {
        return fail(t.err_handle_length);
    }
    if !h.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.') {
        return fail(t.err_handle_chars);
    }
    if h.starts_with('.') || h.ends_with('.') || h.contains("..") {
        return fail(t.err_handle_dots);
    }
    if is_app_path(h) {
        return fail(t.err_handle_app_path);
    }
    if is_reserved_handle(h) {
        return fail(t.err_handle_reserved);
    }
    None
}

pub fn is_reserved_handle(h: &str) -> bool {
    RESERVED_HANDLES.contains(&h) || is_app_path(h)
}

/// What the server and the client build own at the site root, besides the client's routes
/// ([`crate::shell::routes`]): the server's own routes and the files of `dist/`. Requests
/// for these never reach a bio page (files and routes are matched first), so no handle may
/// take them. Tests check this list against the server's router and the build's inputs.
pub const APP_PATHS: &[&str] = &[
    // The server's routes.
    "api",
    "auth",
    "files",
    "health",
    "l",
    "logos",
    "metrics",
    "ready",
    "robots.txt",
    "s",
    "webhooks",
    // The files of the client build at the root of dist/ (hashed ones hold a `-`, which no handle has).
    "favicon.ico",
    "icons",
    "index.html",
    "lang.js",
    "manifest.webmanifest",
    "offline.html",
    "outbox.js",
    "precache.txt",
    "snippets",
    "sw.js",
];

/// True when `/{h}` is a path of the server, of the client build, or a client route.
pub fn is_app_path(h: &str) -> bool {
    // Asked on every public page request: the client routes' first segments are listed once.
    static CLIENT_SEGMENTS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| crate::shell::routes::first_segments().collect());
    APP_PATHS.contains(&h) || CLIENT_SEGMENTS.contains(&h)
}

/// Checks a URL a visitor may follow: http(s) with a host, `mailto:` with an address, or
/// `tel:` with a number. Everything else (`javascript:`, `data:`, relative paths) is refused.
pub fn check_link_url(field: &str, value: &str) -> Option<FieldError> {
    let v = value.trim();
    let fail = |m: &str| Some(FieldError { field: field.to_string(), message: m.to_string() });
    let t = BioTexts::now();
    if v.is_empty() {
        return fail(t.err_url_empty);
    }
    if v.len() > 2048 {
        return fail(t.err_url_long);
    }
    if v.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return fail(t.err_url_spaces);
    }
    let lower = v.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("mailto:") {
        return if crate::validate::email(field, rest.split('?').next().unwrap_or("")).is_none() { None } else { fail(t.err_url_mailto) };
    }
    if let Some(rest) = lower.strip_prefix("tel:") {
        let digits = rest.chars().filter(|c| c.is_ascii_digit()).count();
        let ok = (3..=20).contains(&digits) && rest.chars().all(|c| c.is_ascii_digit() || "+-(). ".contains(c));
        return if ok { None } else { fail(t.err_url_tel) };
    }
    if lower.starts_with("javascript:") || lower.starts_with("data:") || lower.starts_with("vbscript:") {
        return fail(t.err_url_scheme);
    }
    match crate::validate::http_url(field, v) {
        None => None,
        Some(_) => fail(t.err_url_scheme_example),
    }
}

/// A supported video: YouTube or Vimeo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VideoRef {
    YouTube(String),
    Vimeo(String),
}

impl VideoRef {
    /// The privacy-friendly player address (no cookies until the visitor plays).
    pub fn embed_url(&self) -> String {
        match self {
            VideoRef::YouTube(id) => format!("https://www.youtube-nocookie.com/embed/{id}"),
            VideoRef::Vimeo(id) => format!("https://player.vimeo.com/video/{id}?dnt=1"),
        }
    }
}

/// The slug of a form from its link (`https://…/f/{slug}`, with or without the address
/// before `/f/`, a query or a fragment): what a Form block embeds. Whether such a form is
/// published in the workspace is checked when the page is published.
pub fn form_slug(url: &str) -> Option<String> {
    let u = url.trim();
    let (_, rest) = u.rsplit_once("/f/")?;
    let slug = rest.split(['?', '#']).next().unwrap_or("").trim_end_matches('/');
    let ok = (1..=64).contains(&slug.len()) && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    ok.then(|| slug.to_string())
}

/// Reads a YouTube or Vimeo URL. Ids are checked against the services' alphabets, so
/// nothing else can reach the iframe.
pub fn parse_video(url: &str) -> Option<VideoRef> {
    let u = url.trim();
    let rest = u.strip_prefix("https://").or_else(|| u.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).strip_prefix("m.").unwrap_or(host.strip_prefix("www.").unwrap_or(&host));
    let yt_id = |s: &str| {
        let id: String = s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
        (id.len() == 11).then_some(id)
    };
    match host {
        "youtube.com" | "youtube-nocookie.com" => {
            if let Some(q) = path.strip_prefix("watch?") {
                q.split('&').find_map(|kv| kv.strip_prefix("v=")).and_then(yt_id).map(VideoRef::YouTube)
            } else {
                ["embed/", "shorts/", "live/"].iter().find_map(|p| path.strip_prefix(p)).and_then(yt_id).map(VideoRef::YouTube)
            }
        }
        "youtu.be" => yt_id(path).map(VideoRef::YouTube),
        "vimeo.com" | "player.vimeo.com" => {
            let p = path.strip_prefix("video/").unwrap_or(path);
            let id: String = p.chars().take_while(|c| c.is_ascii_digit()).collect();
            (!id.is_empty() && id.len() <= 12).then_some(VideoRef::Vimeo(id))
        }
        _ => None,
    }
}

/// A colour as `#rrggbb`.
pub fn check_color(field: &str, value: &str) -> Option<FieldError> {
    let ok = value.len() == 7 && value.starts_with('#') && value[1..].chars().all(|c| c.is_ascii_hexdigit());
    (!ok).then(|| FieldError { field: field.to_string(), message: BioTexts::now().err_color.to_string() })
}

/// Whether a link block is shown at `now` (ms): switched on and inside its schedule.
pub fn link_visible(enabled: bool, starts_at: Option<i64>, ends_at: Option<i64>, now: i64) -> bool {
    enabled && starts_at.is_none_or(|s| now >= s) && ends_at.is_none_or(|e| now < e)
}

/// Checks a whole page's content. Field names are `blocks.<index>.<field>`, `theme.<field>`
/// and `seo.<field>`, so the builder can put each message next to its input.
///
/// A draft may be unfinished (`publish` false): empty fields pass, but whatever is filled in
/// must be valid (no `javascript:` URL is ever stored). Publishing also requires every
/// block to be complete.
pub fn check_content(content: &BioContent, publish: bool) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut push = |e: Option<FieldError>| errors.extend(e);
    let tx = BioTexts::now();
    let msg = |field: String, message: &str| Some(FieldError { field, message: message.to_string() });
    if content.blocks.len() > MAX_BLOCKS {
        push(Some(FieldError { field: "blocks".into(), message: crate::i18n::fill(tx.err_too_many_blocks, &[("max", &MAX_BLOCKS)]) }));
    }
    // `required` is the message when an empty value stops a publish.
    let text = |field: String, required: Option<&str>, v: &str, max: usize| -> Option<FieldError> {
        if let (Some(required), true) = (required, publish && v.trim().is_empty()) {
            return Some(FieldError { field, message: required.to_string() });
        }
        if v.chars().count() > max {
            return Some(FieldError { field, message: crate::i18n::fill(tx.err_too_long, &[("max", &max)]) });
        }
        if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
            return Some(FieldError { field, message: tx.err_control_chars.to_string() });
        }
        None
    };
    let mut ids = std::collections::HashSet::new();
    for (i, b) in content.blocks.iter().enumerate() {
        let f = |name: &str| format!("blocks.{i}.{name}");
        if b.id.is_empty() || b.id.len() > 40 || !b.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') || !ids.insert(b.id.clone()) {
            push(msg(f("id"), tx.err_block_id));
        }
        match &b.kind {
            BlockKind::Link { title, url, starts_at, ends_at, .. } => {
                push(text(f("title"), Some(tx.err_enter_link_title), title, 120));
                if publish || !url.trim().is_empty() {
                    push(check_link_url(&f("url"), url));
                }
                if let (Some(s), Some(e)) = (starts_at, ends_at) {
                    if e <= s {
                        push(msg(f("ends_at"), tx.err_end_after_start));
                    }
                }
            }
            BlockKind::Header { text: t } => push(text(f("text"), Some(tx.err_enter_header), t, 120)),
            BlockKind::Text { text: t } => push(text(f("text"), Some(tx.err_enter_text), t, 2000)),
            BlockKind::Image { media, alt, url } => {
                if media.is_empty() && publish {
                    push(msg(f("media"), tx.err_image_required));
                }
                push(text(f("alt"), None, alt, 300));
                if let Some(u) = url.as_deref().filter(|u| !u.trim().is_empty()) {
                    push(check_link_url(&f("url"), u));
                }
            }
            BlockKind::Video { url } => {
                if (publish || !url.trim().is_empty()) && parse_video(url).is_none() {
                    push(msg(f("url"), tx.err_video_url));
                }
            }
            BlockKind::Social { links } => {
                if links.len() > 12 {
                    push(msg(f("links"), tx.err_social_max));
                }
                for (j, l) in links.iter().enumerate() {
                    if !SOCIAL_NETWORKS.iter().any(|n| n.0 == l.network) {
                        push(msg(format!("blocks.{i}.links.{j}.network"), tx.err_social_network));
                    }
                    if publish || !l.url.trim().is_empty() {
                        push(check_link_url(&format!("blocks.{i}.links.{j}.url"), &l.url));
                    }
                }
            }
            BlockKind::EmailCapture { heading, button, consent } => {
                push(text(f("heading"), Some(tx.err_enter_heading), heading, 120));
                push(text(f("button"), Some(tx.err_enter_button), button, 40));
                push(text(f("consent"), Some(tx.err_enter_consent), consent, 300));
            }
            BlockKind::Form { url } => {
                if (publish || !url.trim().is_empty()) && form_slug(url).is_none() {
                    push(msg(f("url"), tx.err_form_url));
                }
            }
            BlockKind::Divider => {}
        }
    }
    let t = &content.theme;
    if !PRESETS.iter().any(|p| p.0 == t.preset) {
        push(msg("theme.preset".into(), tx.err_theme_preset));
    }
    for (name, v) in [("text_color", &t.text_color), ("button_color", &t.button_color), ("button_text_color", &t.button_text_color)] {
        push(check_color(&format!("theme.{name}"), v));
    }
    match &t.background {
        Background::Solid { color } => push(check_color("theme.background", color)),
        Background::Gradient { from, to } => {
            push(check_color("theme.background", from));
            push(check_color("theme.background_to", to));
        }
        Background::Image { media, color } => {
            push(check_color("theme.background", color));
            if media.is_empty() && publish {
                push(msg("theme.background_image".into(), tx.err_background_image));
            }
        }
    }
    if !BUTTON_SHAPES.contains(&t.button_shape.as_str()) {
        push(msg("theme.button_shape".into(), tx.err_button_shape));
    }
    if !FONTS.contains(&t.font.as_str()) {
        push(msg("theme.font".into(), tx.err_font));
    }
    push(text("seo.title".into(), None, &content.seo.title, 80));
    push(text("seo.description".into(), None, &content.seo.description, 300));
    errors
}

/// Every media-library file the content uses, with where: ("an image block", "the thumbnail
/// of the link “Shop”"…), in the current language.
pub fn media_uses(content: &BioContent) -> Vec<(String, String)> {
    let t = BioTexts::now();
    let mut out = Vec::new();
    for b in &content.blocks {
        match &b.kind {
            BlockKind::Link { title, thumbnail: Some(th), .. } => out.push((th.clone(), crate::i18n::fill(t.use_link_thumbnail, &[("title", title)]))),
            BlockKind::Image { media, .. } if !media.is_empty() => out.push((media.clone(), t.use_image_block.to_string())),
            _ => {}
        }
    }
    if let Background::Image { media, .. } = &content.theme.background {
        out.push((media.clone(), t.use_background.to_string()));
    }
    if let Some(img) = &content.seo.image {
        out.push((img.clone(), t.use_sharing_image.to_string()));
    }
    out
}

/// The area this module guards.
pub const AREA: &str = "bio";

/// How many link-in-bio pages a workspace may have.
pub const PAGES_LIMIT: crate::platform::Limit = crate::platform::Limit {
    key: "bio_pages",
    label: || BioTexts::now().limit_pages,
    phrase: || BioTexts::now().limit_pages_phrase,
    kind: crate::platform::LimitKind::Count,
    order: 30,
    #[cfg(feature = "ssr")]
    count: Some(domain::count_pages),
    #[cfg(feature = "ssr")]
    reclaim: None,
    read_only: Some(crate::platform::ReadOnlyRecords {
        href: "/bio",
        order: 10,
        one: || BioTexts::now().ro_one,
        many: || BioTexts::now().ro_many,
        #[cfg(feature = "ssr")]
        records: domain::page_records,
    }),
};

/// M05 in the registry.
pub const MODULE: crate::platform::Module = crate::platform::Module {
    key: "bio",
    name: || BioTexts::now().module_name,
    // Everyone sees, editors create and change, admins manage (domains, deleting in bulk).
    permissions: &[crate::platform::ModulePermissions {
        module: AREA,
        view: crate::platform::WorkspaceRole::Viewer,
        edit: crate::platform::WorkspaceRole::Editor,
        manage: crate::platform::WorkspaceRole::Admin,
    }],
    limits: &[PAGES_LIMIT],
    endpoints: api::ENDPOINTS,
    nav: &[crate::platform::NavEntry {
        href: "/bio",
        label: || BioTexts::now().nav,
        icon: "M8 3h8a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zM9.5 8h5M9.5 12h5M9.5 16h5",
        section: true,
        scope: crate::platform::NavScope::Workspace { area: AREA },
        order: 10,
    }],
    cards: &[crate::platform::Card {
        area: AREA,
        href: "/bio",
        title: || BioTexts::now().card_title,
        text: || BioTexts::now().card_text,
        goals: &["link_in_bio", "social_growth"],
        order: 10,
    }],
    #[cfg(feature = "ssr")]
    texts: &[BioTexts::KEYS],
    #[cfg(feature = "ssr")]
    server: crate::platform::ServerParts {
        indexes: store::indexes,
        scoped_collections: store::SCOPED_COLLECTIONS,
        jobs: &[],
        init: Some(|ext| {
            ext.insert(public::PageCache::default());
            ext.insert(analytics::Buffer::default());
        }),
        // Views and clicks of public pages are counted in memory and written every 2 s.
        start: Some(|state, stop| analytics::spawn_flusher(state.clone(), stop)),
        routes: Some(routes::routes),
        erase: None,
        watches: &[
            crate::platform::watch::Watch { collection: store::PAGES, changed: public::page_changed },
            crate::platform::watch::Watch { collection: store::REDIRECTS, changed: public::redirect_changed },
        ],
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles() {
        for ok in ["ana", "ana.b", "a_1", "shop.2026", "abc"] {
            assert!(check_handle("handle", ok).is_none(), "{ok} refused");
        }
        for bad in ["", "ab", "Ana", "ana-b", "ana b", ".ana", "ana.", "a..b", "api", "login", "workspace", "s", &"a".repeat(31), "ané", "<b>"] {
            assert!(check_handle("handle", bad).is_some(), "{bad:?} accepted");
        }
    }

    #[test]
    fn form_links() {
        for (url, slug) in [
            ("https://mewayz.app/f/ab12cd34", "ab12cd34"),
            ("/f/ab12cd34", "ab12cd34"),
            (" https://mewayz.app/f/ab12cd34/?utm=bio#top ", "ab12cd34"),
            ("http://127.0.0.1:3000/f/x-1?embed=1", "x-1"),
        ] {
            assert_eq!(form_slug(url).as_deref(), Some(slug), "{url}");
        }
        for bad in [
            "",
            "https://mewayz.app/forms/ab12",
            "https://mewayz.app/f/",
            "https://x/f/AB12",
            "https://x/f/a\"b",
            "https://x/f/a b",
            &format!("/f/{}", "a".repeat(65)),
        ] {
            assert_eq!(form_slug(bad), None, "{bad:?} accepted");
        }
    }

    #[test]
    fn link_urls() {
        for ok in ["https://example.com", "http://a.io/x?y=1", "mailto:ana@example.com", "tel:+1-555-123-4567", "tel:+15551234567"] {
            assert!(check_link_url("url", ok).is_none(), "{ok} refused");
        }
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html,<script>",
            "vbscript:x",
            "/relative",
            "example.com",
            "mailto:nobody",
            "tel:abc",
            "https://a b.com",
            "https://x.com/\u{0}",
        ] {
            assert!(check_link_url("url", bad).is_some(), "{bad:?} accepted");
        }
    }

    #[test]
    fn videos() {
        assert_eq!(parse_video("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1"), Some(VideoRef::YouTube("dQw4w9WgXcQ".into())));
        assert_eq!(parse_video("https://youtu.be/dQw4w9WgXcQ"), Some(VideoRef::YouTube("dQw4w9WgXcQ".into())));
        assert_eq!(parse_video("https://vimeo.com/76979871"), Some(VideoRef::Vimeo("76979871".into())));
        assert_eq!(parse_video("https://evil.com/watch?v=dQw4w9WgXcQ"), None);
        assert_eq!(parse_video("https://youtu.be/\"><script>"), None);
        assert!(parse_video("https://youtu.be/dQw4w9WgXcQ").unwrap().embed_url().starts_with("https://www.youtube-nocookie.com/embed/"));
    }

    #[test]
    fn schedule() {
        assert!(link_visible(true, None, None, 5));
        assert!(!link_visible(false, None, None, 5));
        assert!(!link_visible(true, Some(10), None, 5));
        assert!(link_visible(true, Some(5), Some(10), 5));
        assert!(!link_visible(true, Some(5), Some(10), 10));
    }

    #[test]
    fn content_checks_name_their_fields() {
        let mut c = BioContent::default();
        c.blocks.push(Block {
            id: "b1".into(),
            kind: BlockKind::Link {
                title: "".into(),
                url: "javascript:alert(1)".into(),
                thumbnail: None,
                enabled: true,
                starts_at: Some(10),
                ends_at: Some(5),
                short_slug: None,
            },
        });
        c.theme.text_color = "red".into();
        let fields: Vec<String> = check_content(&c, true).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["blocks.0.title", "blocks.0.url", "blocks.0.ends_at", "theme.text_color"]);
        // A draft may be unfinished, but never unsafe.
        let fields: Vec<String> = check_content(&c, false).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["blocks.0.url", "blocks.0.ends_at", "theme.text_color"]);
        let empty = Block { id: "b2".into(), kind: BlockKind::new_of("link").unwrap() };
        let draft = BioContent { blocks: vec![empty], ..Default::default() };
        assert!(check_content(&draft, false).is_empty());
        assert_eq!(check_content(&draft, true).len(), 2);
        assert!(check_content(&BioContent::default(), true).is_empty());
    }
}
