//! Every text of this module, in English and French (see `crate::i18n`).

crate::texts! {
    pub struct PwaTexts {
        update_ready: "A new version of Mewayz is ready." | "Une nouvelle version de Mewayz est prête.",
        update_reload: "Update available — reload" | "Mise à jour disponible — recharger",
        browser_refused: "the browser refused" | "le navigateur a refusé",
        push_blocked: "Notifications are blocked for this site in the browser settings." | "Les notifications sont bloquées pour ce site dans les réglages du navigateur.",
    }
}
