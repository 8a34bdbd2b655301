//! Every text of this module, in English and French (see `crate::i18n`).

crate::texts! {
    pub struct StatusTexts {
        // ---- the signed-out start page ----
        home_title: "Welcome to Mewayz" | "Bienvenue sur Mewayz",
        home_lead: "One workspace for your link-in-bio page, website, forms, contacts, e-mail, bookings, invoices, store, courses and community." | "Un seul espace de travail pour votre page de liens, votre site, vos formulaires, vos contacts, vos e-mails, vos réservations, vos factures, votre boutique, vos cours et votre communauté.",
        home_offline: "Mewayz works on your phone and keeps working without a connection." | "Mewayz fonctionne sur votre téléphone et continue de fonctionner sans connexion.",
        home_sign_up: "Create your account" | "Créer votre compte",
        home_sign_in: "Sign in" | "Se connecter",

        // ---- system status ----
        title: "System status" | "État du système",
        intro: "Checked live against this server and its database." | "Vérifié en direct auprès de ce serveur et de sa base de données.",
        checking: "Checking the server…" | "Vérification du serveur…",
        check_again: "Check again" | "Vérifier à nouveau",
        server: "Server" | "Serveur",
        reachable: "Reachable" | "Joignable",
        database: "Database" | "Base de données",
        db_ready: "Ready" | "Prête",
        db_down: "Not reachable" | "Injoignable",
        version: "Version" | "Version",
        up_for: "Up for" | "En service depuis",
        uptime_seconds: "{n} s" | "{n} s",
        uptime_minutes: "{n} min" | "{n} min",
        uptime_hours: "{h} h {min} min" | "{h} h {min} min",
        uptime_days: "{n} days" | "{n} jours",
        nav: "Status" | "État",
        module_name: "Status" | "État",
    }
}
