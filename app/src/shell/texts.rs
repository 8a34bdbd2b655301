//! Every text of this module, in English and French (see `crate::i18n`).

crate::texts! {
    pub struct ShellTexts {
        // ---- top bar ----
        skip_link: "Skip to main content" | "Aller au contenu principal",
        brand_home: "Mewayz, home" | "Mewayz, accueil",
        sign_in: "Sign in" | "Se connecter",
        sign_out: "Sign out" | "Se déconnecter",
        your_account: "Your account: {name}" | "Votre compte : {name}",
        theme_to_light: "Switch to light theme" | "Passer au thème clair",
        theme_to_dark: "Switch to dark theme" | "Passer au thème sombre",

        // ---- navigation ----
        nav_main: "Main" | "Principale",
        nav_home: "Home" | "Accueil",
        /// Short: six share the width of a 360 px phone.
        nav_more: "More" | "Plus",
        nav_more_list: "More pages" | "Autres pages",

        // ---- error pages ----
        error_title: "Something went wrong" | "Un problème est survenu",
        error_back: "Back to the start" | "Retour à l’accueil",
        nf_eyebrow: "Error 404" | "Erreur 404",
        nf_title: "This page does not exist" | "Cette page n’existe pas",
        nf_body: "The address may be mistyped, or the page may have moved." | "L’adresse est peut-être mal saisie, ou la page a été déplacée.",
        nf_go_start: "Go to the start" | "Aller à l’accueil",

        // ---- shared views ----
        loading: "Loading…" | "Chargement…",
        chunk_failed_title: "This page could not be loaded" | "Cette page n’a pas pu être chargée",
        chunk_failed_body: "The connection dropped, or Mewayz was updated meanwhile. Your data is safe." | "La connexion a été coupée, ou Mewayz a été mis à jour entre-temps. Vos données sont en sécurité.",
        chunk_retry: "Try again" | "Réessayer",
        note_offline: "You are offline" | "Vous êtes hors ligne",
        note_unavailable: "Temporarily unavailable" | "Momentanément indisponible",
        note_validation: "Please check your input" | "Vérifiez votre saisie",
        note_unauthenticated: "Sign-in needed" | "Connexion nécessaire",
        note_forbidden: "Not allowed" | "Non autorisé",
        note_not_found: "Not found" | "Introuvable",
        note_rate_limited: "Please wait a moment" | "Patientez un instant",
        note_limit: "Plan limit reached" | "Limite de l’offre atteinte",
        note_read_only: "Read-only on this plan" | "En lecture seule avec cette offre",
        note_conflict: "Changed elsewhere" | "Modifié ailleurs",
        note_other: "Something went wrong" | "Un problème est survenu",
    }
}
