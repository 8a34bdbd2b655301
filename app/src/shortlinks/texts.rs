//! Every text of this module, in English and French (see `crate::i18n`).

crate::texts! {
    pub struct LinksTexts {
        // ---- the short links page
        page_title: "Short links" | "Liens courts",
        page_lead: "Short addresses that lead anywhere, with a count of every click." | "Des adresses courtes qui mènent où vous voulez, avec le décompte de chaque clic.",
        page_no_workspace: "You are not in a workspace yet." | "Vous ne faites encore partie d’aucun espace de travail.",
        page_create_workspace: "Create a workspace" | "Créer un espace de travail",

        // ---- creating a link
        new_title: "New short link" | "Nouveau lien court",
        new_url: "Destination URL" | "URL de destination",
        new_url_hint: "A web address (https://…), or mailto: or tel:." | "Une adresse web (https://…), ou mailto: ou tel:.",
        new_slug: "Custom slug (optional)" | "Identifiant personnalisé (facultatif)",
        new_slug_hint: "3 to 40 lowercase letters, digits, '-' or '_'. Leave empty for an automatic one." | "De 3 à 40 lettres minuscules, chiffres, « - » ou « _ ». Laissez vide pour en obtenir un automatiquement.",
        new_create: "Create short link" | "Créer le lien court",
        new_created: "Created {url}" | "Lien créé : {url}",

        // ---- the list
        list_title: "Your short links" | "Vos liens courts",
        list_loading: "Loading short links…" | "Chargement des liens courts…",
        list_empty_editable: "No short links yet. Create the first one above." | "Aucun lien court pour l’instant. Créez le premier ci-dessus.",
        list_empty: "This workspace has no short links yet." | "Cet espace de travail n’a encore aucun lien court.",
        leads_to: "Leads to " | "Mène à ",
        clicks_one: "1 click" | "1 clic",
        clicks_many: "{n} clicks" | "{n} clics",
        created_at: " · created {time}" | " · créé le {time}",
        copy: "Copy" | "Copier",
        copied: "Copied" | "Copié",
        copy_label: "Copy short link {slug}" | "Copier le lien court {slug}",
        copied_note: "Copied to the clipboard." | "Copié dans le presse-papiers.",
        copy_failed: "Copying failed: select the address and copy it." | "La copie a échoué : sélectionnez l’adresse et copiez-la.",
        delete: "Delete" | "Supprimer",
        delete_label: "Delete short link {slug}" | "Supprimer le lien court {slug}",
        delete_confirm: "Delete the short link {slug}? Its address stops working at once." | "Supprimer le lien court {slug} ? Son adresse cesse de fonctionner immédiatement.",

        // ---- statistics
        stats_for: "Statistics for {slug}" | "Statistiques de {slug}",
        stats_loading: "Loading statistics…" | "Chargement des statistiques…",
        stats_none: "No clicks in the last {days} days." | "Aucun clic au cours des {days} derniers jours.",
        stats_one: "1 click in the last {days} days. Busiest day: {day} with {n}." | "1 clic au cours des {days} derniers jours. Jour le plus actif : {day}, avec {n}.",
        stats_many: "{total} clicks in the last {days} days. Busiest day: {day} with {n}." | "{total} clics au cours des {days} derniers jours. Jour le plus actif : {day}, avec {n}.",
        stats_day: "{day}: {n}" | "{day} : {n}",

        // ---- server: messages
        err_slug_length: "A short link needs 3 to 40 characters." | "Un lien court compte de 3 à 40 caractères.",
        err_slug_chars: "Use only lowercase letters, digits, '-' and '_'." | "Utilisez uniquement des lettres minuscules, des chiffres, « - » et « _ ».",
        err_slug_dash: "A short link cannot start or end with '-'." | "Un lien court ne peut pas commencer ni finir par « - ».",
        err_taken: "That short link is taken. Choose another." | "Ce lien court est déjà pris. Choisissez-en un autre.",
        err_days: "Choose between 1 and 365 days." | "Choisissez entre 1 et 365 jours.",
        nf_link: "That short link" | "ce lien court",

        // ---- the public pages of /s/{slug}
        public_not_found_title: "Short link not found" | "Lien court introuvable",
        public_not_found_body: "This short link does not exist, or it was deleted." | "Ce lien court n’existe pas, ou il a été supprimé.",
        public_unavailable_title: "Short link unavailable" | "Lien court indisponible",
        public_unavailable_heading: "This short link cannot be opened right now." | "Ce lien court ne peut pas être ouvert pour le moment.",
        public_unavailable_body: "Please try again in a moment." | "Réessayez dans un instant.",
        nav: "Links" | "Liens",
        card_title: "Short links" | "Liens courts",
        card_text: "Short addresses that redirect anywhere, with click counts." | "Des adresses courtes qui redirigent où vous voulez, avec le nombre de clics.",
        limit_links: "Short links" | "Liens courts",
        limit_links_phrase: "short links" | "liens courts",
        module_name: "Short links" | "Liens courts",
    }
}
