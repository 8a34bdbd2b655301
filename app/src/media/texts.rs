//! Every text of this module, in English and French (see `crate::i18n`).

crate::texts! {
    pub struct MediaTexts {
        // ---- the library page
        page_title: "Media library" | "Médiathèque",
        page_loading: "Loading your images…" | "Chargement de vos images…",
        page_no_workspace: "You are not in a workspace yet." | "Vous ne faites encore partie d’aucun espace de travail.",
        page_create_workspace: "Create a workspace" | "Créer un espace de travail",
        usage_of: "{used} of {limit} storage used ({pct}%)" | "{used} utilisés sur {limit} de stockage ({pct} %)",
        usage_unlimited: "{used} of storage used (no limit on your plan)" | "{used} de stockage utilisés (sans limite sur votre offre)",
        view_only: "You can view this library. Ask an editor to add or remove images." | "Vous pouvez consulter cette médiathèque. Demandez à un éditeur d’ajouter ou de retirer des images.",
        not_deleted: "Not deleted" | "Non supprimée",
        empty: "No images yet." | "Aucune image pour l’instant.",
        empty_editable: "Upload one above: it can then be used on your bio pages and sites." | "Ajoutez-en une ci-dessus : vous pourrez ensuite l’utiliser sur vos pages bio et vos sites.",
        empty_view_only: "Images uploaded by your team will appear here." | "Les images ajoutées par votre équipe apparaîtront ici.",
        images: "Images" | "Images",
        delete: "Delete" | "Supprimer",
        delete_label: "Delete {name}" | "Supprimer {name}",
        file_meta: "{size} · {width}×{height}" | "{size} · {width}×{height}",

        // ---- uploading
        upload_label: "Upload an image" | "Ajouter une image",
        upload_hint: "PNG, JPEG, GIF or WebP." | "PNG, JPEG, GIF ou WebP.",
        upload_hint_limit: "PNG, JPEG, GIF or WebP, up to {size} each." | "PNG, JPEG, GIF ou WebP, {size} au plus par image.",
        uploading: "Uploading…" | "Envoi en cours…",
        err_too_big_for_plan: "This file is {size}; your plan allows images of up to {max}." | "Ce fichier fait {size} ; votre offre accepte des images de {max} au plus.",
        err_browser_cannot_read: "This browser cannot read files." | "Ce navigateur ne peut pas lire de fichiers.",
        err_unreadable: "The file could not be read." | "Le fichier n’a pas pu être lu.",

        // ---- the picker the builders open
        picker_title: "Choose an image" | "Choisir une image",
        picker_close: "Close" | "Fermer",
        picker_empty: "No images yet. Upload one to use it here." | "Aucune image pour l’instant. Ajoutez-en une pour l’utiliser ici.",

        // ---- server: messages
        err_not_an_image: "This file is not an image we can use. Choose a PNG, JPEG, GIF or WebP image." | "Ce fichier n’est pas une image utilisable. Choisissez une image PNG, JPEG, GIF ou WebP.",
        err_empty: "This file is empty. Choose an image." | "Ce fichier est vide. Choisissez une image.",
        err_too_many_pixels: "This image is too large. Images can be at most {max}×{max} pixels." | "Cette image est trop grande. Les images peuvent faire au plus {max}×{max} pixels.",

        err_in_use: "{name} is used by: {uses}. Remove it there first." | "{name} est utilisée par : {uses}. Retirez-la d’abord de là.",
        nf_image: "That image" | "cette image",
        nf_file: "That file" | "ce fichier",
        nav: "Media" | "Médias",
        card_title: "Media library" | "Médiathèque",
        card_text: "Images for your pages, resized for every screen." | "Les images de vos pages, redimensionnées pour chaque écran.",
        limit_storage: "Storage" | "Stockage",
        limit_upload: "Largest upload" | "Plus gros envoi",
        limit_storage_phrase: "storage" | "stockage",
        limit_upload_phrase: "upload size" | "taille d’envoi",
        module_name: "Media library" | "Médiathèque",
    }
}
