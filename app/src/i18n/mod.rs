//! Two languages: English and French, with keys checked by the compiler.
//!
//! Each module declares its strings once, in its own `texts.rs`, with the [`texts!`] macro:
//! every key carries its English and its French text side by side, so a key missing in one
//! language does not compile, and using a key that does not exist does not compile either.
//! `app::i18n::tests` checks every table at test time as well (no empty text, the same
//! `{placeholders}` in both languages).
//!
//! Which language is used:
//! - in the browser, the language chosen in the profile (kept on the device), or else the
//!   browser's own; it is read once at start, and changing it reloads the app;
//! - on the server, the request's: the `lang` cookie the client sets, or else the
//!   `Accept-Language` header (public pages, e-mails sent during a request), through a
//!   task-local set by the server's middleware; background jobs set the recipient's.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// The BCP 47 code stored in profiles and cookies: "en", "fr".
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The language's own name, as a language menu shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
        }
    }

    /// "fr", "fr-CA", "FR_fr" → French. Unknown languages give `None`.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }

    /// The best supported language of an `Accept-Language` header (RFC 9110 §12.5.4), by
    /// q-value, first listed winning ties; English when none is supported.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',').take(32) {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("");
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=").map(|v| v.trim().parse::<f32>().unwrap_or(0.0))).unwrap_or(1.0);
            if q <= 0.0 {
                continue;
            }
            if let Some(lang) = Lang::from_code(tag) {
                if best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

/// Fills `{name}` placeholders: `fill("Hello {name}", &[("name", &"Ada")])`. An unknown
/// placeholder is left as it is.
pub fn fill(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) if after[..end].chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                let name = &after[..end];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, v)) => {
                        use std::fmt::Write;
                        let _ = write!(out, "{v}");
                    }
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{placeholders}` a text uses, sorted (for the tests that compare languages).
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) if after[..end].chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && end > 0 => {
                found.push(&after[..end]);
                rest = &after[end + 1..];
            }
            _ => rest = after,
        }
    }
    found.sort_unstable();
    found
}

// ---- The current language ----

#[cfg(feature = "ssr")]
tokio::task_local! {
    static REQUEST_LANG: Lang;
}

/// The language of what is being shown or sent now.
pub fn lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        REQUEST_LANG.try_with(|l| *l).unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        CLIENT_LANG.with(|l| l.get())
    }
}

/// Runs `fut` with `lang` as the current language (a request, a job for one recipient).
#[cfg(feature = "ssr")]
pub async fn scope<F: std::future::Future>(lang: Lang, fut: F) -> F::Output {
    REQUEST_LANG.scope(lang, fut).await
}

/// Runs `f` with `lang` as the current language, synchronously (rendering).
#[cfg(feature = "ssr")]
pub fn sync_scope<R>(lang: Lang, f: impl FnOnce() -> R) -> R {
    REQUEST_LANG.sync_scope(lang, f)
}

/// The language of a request: the `lang` cookie (set by the app from the profile), or else
/// the best of `Accept-Language`.
#[cfg(feature = "ssr")]
pub fn from_headers(headers: &axum::http::HeaderMap) -> Lang {
    let from_cookie = crate::platform::request::request_cookies(headers).filter(|c| c.name() == "lang").find_map(|c| Lang::from_code(c.value()));
    from_cookie
        .unwrap_or_else(|| headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).map(Lang::from_accept_language).unwrap_or_default())
}

/// The visitor's language for public pages: `Accept-Language` only (a public page is the
/// same for everyone who asks in one language, so it can be cached per language).
#[cfg(feature = "ssr")]
pub fn from_accept_language(headers: &axum::http::HeaderMap) -> Lang {
    headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).map(Lang::from_accept_language).unwrap_or_default()
}

#[cfg(not(feature = "ssr"))]
thread_local! {
    static CLIENT_LANG: std::cell::Cell<Lang> = const { std::cell::Cell::new(Lang::En) };
}

#[cfg(not(feature = "ssr"))]
const STORAGE_KEY: &str = "mewayz.lang";

/// Called once before the app mounts: the language kept on this device, or else the
/// browser's preferred one. Also tells the server through the `lang` cookie.
#[cfg(not(feature = "ssr"))]
pub fn init_client() {
    let window = web_sys::window();
    let kept =
        window.as_ref().and_then(|w| w.local_storage().ok().flatten()).and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()).and_then(|c| Lang::from_code(&c));
    let lang = kept.unwrap_or_else(|| window.as_ref().and_then(|w| w.navigator().language()).and_then(|c| Lang::from_code(&c)).unwrap_or_default());
    apply_client(lang);
}

#[cfg(not(feature = "ssr"))]
fn apply_client(lang: Lang) {
    CLIENT_LANG.with(|l| l.set(lang));
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let Some(root) = doc.document_element() {
            let _ = root.set_attribute("lang", lang.code());
        }
        if let Ok(html) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlDocument>(doc) {
            let _ = html.set_cookie(&format!("lang={}; path=/; max-age=31536000; SameSite=Lax", lang.code()));
        }
    }
}

/// Switches to `code` (a profile's locale) if it differs from the current language: keeps
/// it on the device and reloads, so every screen is drawn again in it. Returns whether it
/// reloads.
pub fn switch_to(code: &str) -> bool {
    #[cfg(not(feature = "ssr"))]
    {
        let Some(lang) = Lang::from_code(code) else { return false };
        if lang == self::lang() {
            return false;
        }
        if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = s.set_item(STORAGE_KEY, lang.code());
        }
        apply_client(lang);
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
        true
    }
    #[cfg(feature = "ssr")]
    {
        let _ = code;
        false
    }
}

/// Declares a module's texts: one struct of `&'static str` fields, with an English and a
/// French instance. Each key is written `key: "English" | "Français",`; leaving either out
/// is a compile error.
///
/// ```ignore
/// app::texts! {
///     pub struct BioTexts {
///         title: "Your bio pages" | "Vos pages bio",
///         count: "{n} pages" | "{n} pages",
///     }
/// }
/// let t = BioTexts::now();
/// ```
#[macro_export]
macro_rules! texts {
    ($(#[$meta:meta])* $vis:vis struct $name:ident { $( $(#[$kmeta:meta])* $key:ident : $en:literal | $fr:literal ),* $(,)? }) => {
        $(#[$meta])*
        #[allow(dead_code)]
        $vis struct $name { $( $(#[$kmeta])* pub $key: &'static str, )* }

        #[allow(dead_code)]
        impl $name {
            pub const EN: $name = $name { $( $key: $en, )* };
            pub const FR: $name = $name { $( $key: $fr, )* };
            /// Every key with its English and French text (for the completeness test).
            pub const KEYS: &'static [(&'static str, &'static str, &'static str)] = &[ $( (stringify!($key), $en, $fr), )* ];

            pub fn of(lang: $crate::i18n::Lang) -> &'static $name {
                match lang {
                    $crate::i18n::Lang::En => &Self::EN,
                    $crate::i18n::Lang::Fr => &Self::FR,
                }
            }

            /// The texts in the current language.
            pub fn now() -> &'static $name {
                Self::of($crate::i18n::lang())
            }
        }
    };
}

mod common;
mod mail;
pub mod numbers;
pub use common::CommonTexts;
pub use mail::MailTexts;

#[cfg(feature = "ssr")]
/// The text tables of what is not a module (the shared pieces, the shell, the app's
/// offline and install parts). Every module's own table is in its registry entry
/// ([`crate::platform::Module::texts`]); [`all_tables`] gives both, for the completeness test.
pub const SHARED_TABLES: &[(&str, &[(&str, &str, &str)])] = &[
    ("common", CommonTexts::KEYS),
    ("mail", MailTexts::KEYS),
    ("numbers", numbers::NumberTexts::KEYS),
    ("shell", crate::shell::texts::ShellTexts::KEYS),
    ("pwa", crate::pwa::texts::PwaTexts::KEYS),
    ("offline", crate::offline::texts::OfflineTexts::KEYS),
];

/// Every text table: the shared ones and each registered module's.
#[cfg(feature = "ssr")]
pub fn all_tables() -> Vec<(&'static str, &'static [(&'static str, &'static str, &'static str)])> {
    let mut all = SHARED_TABLES.to_vec();
    all.extend(crate::MODULES.iter().flat_map(|m| m.texts.iter().map(|t| (m.key, *t))));
    all
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_supported() {
        assert_eq!(Lang::from_accept_language("fr-FR,fr;q=0.9,en;q=0.8"), Lang::Fr);
        assert_eq!(Lang::from_accept_language("de-DE,de;q=0.9,fr;q=0.5,en;q=0.4"), Lang::Fr);
        assert_eq!(Lang::from_accept_language("de-DE"), Lang::En);
        assert_eq!(Lang::from_accept_language("en;q=0.3, fr;q=0.7"), Lang::Fr);
        assert_eq!(Lang::from_accept_language("fr;q=0, en"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
        assert_eq!(Lang::from_code("FR_ca"), Some(Lang::Fr));
    }

    #[test]
    fn fill_replaces_named_placeholders() {
        assert_eq!(fill("Resend to {email}", &[("email", &"a@b.c")]), "Resend to a@b.c");
        assert_eq!(fill("{n} of {total}", &[("n", &3), ("total", &10)]), "3 of 10");
        assert_eq!(fill("{unknown} { x", &[]), "{unknown} { x");
        assert_eq!(placeholders("{b} and {a} {}"), vec!["a", "b"]);
    }

    /// Every key of every module, in both languages: present (the macro makes a missing one a
    /// compile error), not empty, with the same placeholders, and no two keys of one table
    /// with the same name.
    #[test]
    fn every_text_is_complete_in_both_languages() {
        let mut problems = Vec::new();
        let tables = all_tables();
        let module_tables: usize = crate::MODULES.iter().map(|m| m.texts.len()).sum();
        assert!(crate::MODULES.iter().all(|m| !m.texts.is_empty()), "every module has a table");
        assert_eq!(tables.len(), SHARED_TABLES.len() + module_tables, "every module's table is checked");
        assert!(tables.iter().all(|(_, keys)| !keys.is_empty()), "no table is empty");
        for (table, keys) in tables {
            let mut seen = std::collections::HashSet::new();
            for (key, en, fr) in keys.iter() {
                if !seen.insert(*key) {
                    problems.push(format!("{table}.{key}: declared twice"));
                }
                if en.trim().is_empty() {
                    problems.push(format!("{table}.{key}: the English text is empty"));
                }
                if fr.trim().is_empty() {
                    problems.push(format!("{table}.{key}: the French text is empty"));
                }
                if placeholders(en) != placeholders(fr) {
                    problems.push(format!("{table}.{key}: placeholders differ: en {:?}, fr {:?}", placeholders(en), placeholders(fr)));
                }
            }
        }
        assert!(problems.is_empty(), "incomplete translations:\n{}", problems.join("\n"));
    }
}
