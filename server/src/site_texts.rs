//! Texts of the pages the server itself renders for the site root (not bio pages): the 404
//! page. In English and French, like every module's texts (see `app::i18n`).

app::texts! {
    pub struct SiteTexts {
        not_found_title: "Page not found" | "Page introuvable",
        not_found_body: "There is nothing at this address. It may be mistyped, or the page may have been moved or taken offline." | "Il n’y a rien à cette adresse. Elle est peut-être mal saisie, ou la page a été déplacée ou retirée.",
        not_found_home: "Go to the home page" | "Aller à la page d’accueil",
    }
}

#[cfg(test)]
mod tests {
    use super::SiteTexts;

    /// The same checks as `app::i18n`'s for every table: no empty text, the same
    /// placeholders in both languages.
    #[test]
    fn every_text_is_complete_in_both_languages() {
        for (key, en, fr) in SiteTexts::KEYS {
            assert!(!en.trim().is_empty() && !fr.trim().is_empty(), "{key}: empty");
            assert_eq!(app::i18n::placeholders(en), app::i18n::placeholders(fr), "{key}: placeholders differ");
        }
    }
}
