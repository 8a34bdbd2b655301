//! Every text of this module, in English and French (see `crate::i18n`).

crate::texts! {
    pub struct FormsTexts {
        module_name: "Forms" | "Formulaires",
        limit_forms: "Forms" | "Formulaires",
        limit_forms_phrase: "forms" | "formulaires",
        limit_month: "Form submissions this month" | "Réponses aux formulaires ce mois-ci",
        limit_month_phrase: "form submissions a month" | "réponses aux formulaires par mois",
        starter_name: "Your name" | "Votre nom",
        starter_email: "Your e-mail address" | "Votre adresse e-mail",

        // ---- field kinds
        kind_short_text: "Short text" | "Texte court",
        kind_long_text: "Long text" | "Texte long",
        kind_email: "E-mail" | "E-mail",
        kind_phone: "Phone" | "Téléphone",
        kind_number: "Number" | "Nombre",
        kind_single_select: "Single choice" | "Choix unique",
        kind_multi_select: "Multiple choice" | "Choix multiple",
        kind_checkbox: "Checkbox" | "Case à cocher",
        kind_date: "Date" | "Date",
        kind_file: "File upload" | "Envoi de fichier",
        kind_rating: "Rating" | "Note",
        kind_statement: "Statement (text only)" | "Texte seul",

        // ---- checking a definition
        err_title_empty: "Give the form a title." | "Donnez un titre au formulaire.",
        err_title_long: "Keep this under 200 characters, on one line." | "Restez sous 200 caractères, sur une ligne.",
        err_help_long: "Keep this under 1,000 characters." | "Restez sous 1 000 caractères.",
        err_label_empty: "Every field needs a label." | "Chaque champ a besoin d’un libellé.",
        err_label_long: "This text is too long." | "Ce texte est trop long.",
        err_steps_count: "A form has 1 to 20 steps." | "Un formulaire compte de 1 à 20 étapes.",
        err_fields_count: "A form has at most 100 fields." | "Un formulaire compte au plus 100 champs.",
        err_no_question: "Add at least one field that asks something before publishing." | "Ajoutez au moins un champ qui pose une question avant de publier.",
        err_step_id: "Each step needs its own id: lowercase letters, digits, '-' or '_', starting with a letter." | "Chaque étape a besoin de son propre identifiant : lettres minuscules, chiffres, « - » ou « _ », en commençant par une lettre.",
        err_field_id: "Each field needs its own id: lowercase letters, digits, '-' or '_', starting with a letter." | "Chaque champ a besoin de son propre identifiant : lettres minuscules, chiffres, « - » ou « _ », en commençant par une lettre.",
        err_length_range: "Lengths go from 1 to the field's longest answer (500 characters for a short text, 10,000 for a long one)." | "Les longueurs vont de 1 à la réponse la plus longue du champ (500 caractères pour un texte court, 10 000 pour un texte long).",
        err_min_over_max: "The minimum is above the maximum." | "Le minimum dépasse le maximum.",
        err_number_range: "Enter ordinary numbers for the minimum and maximum." | "Saisissez des nombres ordinaires pour le minimum et le maximum.",
        err_rating_scale: "A rating goes up to between 2 and 10." | "Une note va jusqu’à une valeur entre 2 et 10.",
        err_pattern_long: "Keep the pattern under 200 characters." | "Restez sous 200 caractères pour le motif.",
        err_pattern_invalid: "This pattern cannot be used: {detail}." | "Ce motif ne peut pas être utilisé : {detail}.",
        err_pattern_message: "Say in words what the pattern expects, for visitors who do not match it." | "Dites en mots ce que le motif attend, pour les visiteurs qui ne le respectent pas.",
        err_options_count: "A choice field has 1 to 50 options." | "Un champ à choix compte de 1 à 50 options.",
        err_option_text: "Each option needs a text of at most 200 characters, on one line." | "Chaque option a besoin d’un texte d’au plus 200 caractères, sur une ligne.",
        err_option_twice: "Two options have the same text." | "Deux options ont le même texte.",
        err_file_size: "Files may be allowed up to 25 MB." | "Les fichiers peuvent être autorisés jusqu’à 25 Mo.",
        err_file_types: "List file types as extensions such as .pdf or .jpg (at most 20)." | "Indiquez les types de fichier par leur extension, comme .pdf ou .jpg (20 au plus).",
        err_file_not_yet: "File upload fields cannot be published yet: remove this field or keep the form as a draft." | "Les champs d’envoi de fichier ne peuvent pas encore être publiés : retirez ce champ ou gardez le formulaire en brouillon.",
        err_condition_field: "A condition tests an earlier field that asks something (not a file or a text-only block)." | "Une condition teste un champ précédent qui pose une question (ni un fichier, ni un bloc de texte seul).",
        err_condition_value: "Enter the value to compare with (at most 200 characters)." | "Saisissez la valeur à comparer (200 caractères au plus).",
        err_condition_number: "Greater and less than compare numbers or dates (YYYY-MM-DD)." | "Supérieur et inférieur comparent des nombres ou des dates (AAAA-MM-JJ).",
        err_jump_target: "A jump goes to a later step, or to the end." | "Un saut mène à une étape suivante, ou à la fin.",
        err_jumps_count: "A step has at most 20 jumps." | "Une étape compte au plus 20 sauts.",
        err_redirect_url: "The redirect must be a full web address starting with https:// or http://." | "La redirection doit être une adresse web complète commençant par https:// ou http://.",

        // ---- checking an answer
        ans_required: "This question needs an answer." | "Cette question demande une réponse.",
        ans_too_long: "Keep your answer under {max} characters." | "Votre réponse doit faire moins de {max} caractères.",
        ans_control: "Your answer has characters that cannot be kept." | "Votre réponse contient des caractères qui ne peuvent pas être conservés.",
        ans_one_value: "Give one answer here." | "Donnez une seule réponse ici.",
        ans_one_line: "Keep this answer on one line." | "Gardez cette réponse sur une ligne.",
        ans_min_len: "Write at least {min} characters." | "Écrivez au moins {min} caractères.",
        ans_max_len: "Write at most {max} characters." | "Écrivez au plus {max} caractères.",
        ans_email: "Enter an e-mail address such as name@example.com." | "Saisissez une adresse e-mail comme nom@exemple.com.",
        ans_phone: "Enter a phone number: digits, with +, spaces, dashes or brackets if you like." | "Saisissez un numéro de téléphone : des chiffres, avec +, espaces, tirets ou parenthèses si vous le souhaitez.",
        ans_number: "Enter a number, such as 12 or 3.5." | "Saisissez un nombre, comme 12 ou 3.5.",
        ans_min: "Enter {min} or more." | "Saisissez {min} ou plus.",
        ans_max: "Enter {max} or less." | "Saisissez {max} ou moins.",
        ans_option: "Choose one of the options shown." | "Choisissez l’une des options proposées.",
        ans_checkbox: "Tick the box, or leave it empty." | "Cochez la case, ou laissez-la vide.",
        ans_date: "Enter a date as YYYY-MM-DD." | "Saisissez une date au format AAAA-MM-JJ.",
        ans_rating: "Choose a rating from 1 to {max}." | "Choisissez une note de 1 à {max}.",
        ans_file: "That file could not be found. Send it again." | "Ce fichier est introuvable. Envoyez-le à nouveau.",

        // ---- the forms pages
        nav: "Forms" | "Formulaires",
        card_title: "Forms" | "Formulaires",
        card_text: "Collect sign-ups, orders and questions with multi-step forms that never lose an answer." | "Recueillez inscriptions, commandes et questions avec des formulaires en plusieurs étapes qui ne perdent aucune réponse.",
        list_title: "Forms" | "Formulaires",
        list_lead: "Build a form, share its link, and read every answer here." | "Créez un formulaire, partagez son lien et lisez chaque réponse ici.",
        list_yours: "Your forms" | "Vos formulaires",
        list_empty: "No forms yet." | "Aucun formulaire pour l’instant.",
        list_empty_hint: "Create one above: it starts with a name and an e-mail field." | "Créez-en un ci-dessus : il commence avec un champ nom et un champ e-mail.",
        list_counts: "Submissions: {n} · in progress: {p}" | "Réponses : {n} · en cours : {p}",
        no_workspace: "You are not in a workspace yet." | "Vous ne faites encore partie d’aucun espace de travail.",
        create_workspace: "Create a workspace" | "Créer un espace de travail",
        back_to_list: "← All forms" | "← Tous les formulaires",
        badge_published: "Published" | "Publié",
        badge_draft: "Draft" | "Brouillon",
        badge_changes: "Unpublished changes" | "Modifications non publiées",
        new_title: "New form" | "Nouveau formulaire",
        new_name: "Form title" | "Titre du formulaire",
        new_create: "Create form" | "Créer le formulaire",
        tabs_label: "Form sections" | "Sections du formulaire",
        tab_build: "Build" | "Construire",
        tab_submissions: "Submissions" | "Réponses",
        tab_connect: "Share and connect" | "Partager et connecter",
        webhook_secret: "Show the signing secret" | "Afficher le secret de signature",

        // ---- the editor
        fix_below: "Some settings need another look: see the messages below." | "Certains réglages sont à revoir : voyez les messages ci-dessous.",
        ed_title: "Title" | "Titre",
        ed_intro: "Introduction (optional)" | "Introduction (facultatif)",
        ed_submit_label: "Label of the last button" | "Libellé du dernier bouton",
        add_step: "Add a step" | "Ajouter une étape",
        remove_step: "Remove this step" | "Retirer cette étape",
        remove_step_confirm: "Remove this step and its fields?" | "Retirer cette étape et ses champs ?",
        step_default_title: "Step {n}" | "Étape {n}",
        step_heading: "Step {n} of {total}" | "Étape {n} sur {total}",
        step_heading_short: "Step {n}: {title}" | "Étape {n} : {title}",
        step_empty: "No fields in this step yet." | "Aucun champ dans cette étape pour l’instant.",
        ed_step_title: "Step title" | "Titre de l’étape",
        add_field_kind: "Field type" | "Type de champ",
        add_field: "Add field" | "Ajouter le champ",
        option_one: "First option" | "Première option",
        option_two: "Second option" | "Deuxième option",
        move_up: "Move “{label}” up" | "Monter « {label} »",
        move_down: "Move “{label}” down" | "Descendre « {label} »",
        remove_field: "Remove “{label}”" | "Retirer « {label} »",
        ed_label: "Question" | "Question",
        ed_text: "Text" | "Texte",
        ed_help: "Help text" | "Texte d’aide",
        ed_more: "Placeholder and limits" | "Texte indicatif et limites",
        ed_placeholder: "Placeholder" | "Texte indicatif",
        ed_required: "Answer required" | "Réponse obligatoire",
        ed_options: "Options" | "Options",
        ed_options_hint: "One option per line." | "Une option par ligne.",
        ed_min_len: "Fewest characters" | "Caractères minimum",
        ed_max_len: "Most characters" | "Caractères maximum",
        ed_min: "Smallest number" | "Plus petit nombre",
        ed_max: "Largest number" | "Plus grand nombre",
        ed_scale: "Highest rating (2 to 10)" | "Note la plus haute (2 à 10)",
        ed_pattern: "Pattern (a regular expression, optional)" | "Motif (une expression régulière, facultatif)",
        ed_pattern_message: "Message when the pattern is not matched" | "Message si le motif n’est pas respecté",
        ed_show_if: "Show only when an earlier answer matches" | "Afficher seulement si une réponse précédente correspond",
        cond_field: "Earlier question" | "Question précédente",
        cond_op: "Comparison" | "Comparaison",
        cond_value: "Value" | "Valeur",
        op_equals: "is" | "est",
        op_not_equals: "is not" | "n’est pas",
        op_contains: "contains" | "contient",
        op_greater: "is greater than" | "est supérieur à",
        op_less: "is less than" | "est inférieur à",
        op_is_empty: "is empty" | "est vide",
        op_is_not_empty: "is not empty" | "n’est pas vide",
        jumps_title: "After this step" | "Après cette étape",
        jump_if: "If" | "Si",
        jump_to: "go to" | "aller à",
        jump_end: "the end (submit)" | "la fin (envoi)",
        jump_add: "Add a jump" | "Ajouter un saut",
        jump_remove: "Remove jump" | "Retirer le saut",
        ending_title: "After submitting" | "Après l’envoi",
        ending_thanks: "Show a thank-you message" | "Afficher un message de remerciement",
        ending_redirect: "Send the visitor to a web address" | "Envoyer le visiteur vers une adresse web",
        ending_url: "Web address (https://…)" | "Adresse web (https://…)",
        ending_heading: "Heading" | "Titre",
        ending_message: "Message" | "Message",
        save: "Save draft" | "Enregistrer le brouillon",
        saved: "Draft saved." | "Brouillon enregistré.",
        unsaved: "Unsaved changes" | "Modifications non enregistrées",
        publish: "Publish" | "Publier",
        published: "Published: the form's address shows this version." | "Publié : l’adresse du formulaire affiche cette version.",
        unpublish: "Take offline" | "Mettre hors ligne",
        unpublished: "The form is offline; its answers are kept." | "Le formulaire est hors ligne ; ses réponses sont conservées.",
        delete: "Delete form" | "Supprimer le formulaire",
        delete_confirm: "Delete this form and all its answers? This cannot be undone." | "Supprimer ce formulaire et toutes ses réponses ? C’est définitif.",

        // ---- submissions
        subs_actions: "Actions" | "Actions",

        // ---- the CSV export
        status_complete: "Complete" | "Complète",
        status_partial: "Partial" | "Partielle",

        // ---- the public form
        public_back: "Back" | "Retour",
        public_submit: "Submit" | "Envoyer",
        public_thanks_heading: "Thank you!" | "Merci !",
        public_thanks_message: "Your answers have been sent." | "Vos réponses ont été envoyées.",
        public_not_found_title: "Form not found" | "Formulaire introuvable",
        public_not_found_body: "There is no form at this address. Check the link you followed." | "Il n’y a pas de formulaire à cette adresse. Vérifiez le lien suivi.",
        public_unavailable_title: "Try again in a moment" | "Réessayez dans un instant",
        public_unavailable: "Your answers could not be saved just now. Nothing was lost: go back and send them again in a moment." | "Vos réponses n’ont pas pu être enregistrées pour le moment. Rien n’est perdu : revenez en arrière et renvoyez-les dans un instant.",
        public_try_again_title: "Something went wrong" | "Un problème est survenu",
        public_too_many_title: "Too many tries" | "Trop de tentatives",
        public_too_many: "Too many answers were sent from here. Wait a few minutes, then try again." | "Trop de réponses ont été envoyées d’ici. Patientez quelques minutes, puis réessayez.",
    }
}

// The submissions tab's own texts: they travel with its lazily loaded part.
crate::texts! {
    pub struct FormsSubmissionsTexts {
        subs_title: "Submissions" | "Réponses",
        subs_csv: "Download CSV" | "Télécharger le CSV",
        subs_status: "Status" | "Statut",
        subs_all: "All" | "Toutes",
        subs_from: "From" | "Du",
        subs_to: "To" | "Au",
        subs_search: "Search answers" | "Rechercher dans les réponses",
        subs_apply: "Show" | "Afficher",
        subs_empty: "No submissions match." | "Aucune réponse ne correspond.",
        subs_empty_hint: "Share the form's address; answers appear here as they arrive." | "Partagez l’adresse du formulaire ; les réponses apparaissent ici à leur arrivée.",
        subs_count: "Showing {n} of {total}" | "{n} affichées sur {total}",
        subs_when: "When" | "Quand",
        subs_open: "Open" | "Ouvrir",
        subs_more: "Show more" | "Afficher plus",
        sub_title: "Submission of {when}" | "Réponse du {when}",
        sub_close: "Close" | "Fermer",
        sub_no_answer: "No answer" | "Pas de réponse",
        sub_delete: "Delete submission" | "Supprimer la réponse",
        delete_submission_confirm: "Delete this submission? This cannot be undone." | "Supprimer cette réponse ? C’est définitif.",
    }
}

// The share and connect tab's own texts: they travel with its lazily loaded part.
crate::texts! {
    pub struct FormsConnectTexts {
        connect_share: "Share" | "Partager",
        connect_not_published: "This form is not published yet: publish it on the Build tab to take answers at this address." | "Ce formulaire n’est pas encore publié : publiez-le dans l’onglet Construire pour recevoir des réponses à cette adresse.",
        connect_link: "Link to the form" | "Lien vers le formulaire",
        connect_copy_link: "Copy link" | "Copier le lien",
        connect_copied: "Copied" | "Copié",
        connect_embed: "Embed code" | "Code d’intégration",
        connect_embed_hint: "Paste this into your site's HTML where the form should appear. It grows to fit the form." | "Collez ceci dans le HTML de votre site, là où le formulaire doit apparaître. Il s’agrandit pour s’ajuster au formulaire.",
        connect_copy_embed: "Copy embed code" | "Copier le code d’intégration",
        connect_month_of: "{n} of {limit} submissions this month, across the workspace's forms." | "{n} réponses sur {limit} ce mois-ci, pour tous les formulaires de l’espace de travail.",
        connect_month: "{n} submissions this month, across the workspace's forms." | "{n} réponses ce mois-ci, pour tous les formulaires de l’espace de travail.",
        connect_notify: "Notifications" | "Notifications",
        connect_notify_who: "Tell these members of each submission" | "Avertir ces membres de chaque réponse",
        connect_notify_no_members: "You cannot see the team's members, so you cannot choose who is told." | "Vous ne voyez pas les membres de l’équipe : vous ne pouvez donc pas choisir qui est averti.",
        connect_notify_email: "Also by e-mail" | "Aussi par e-mail",
        connect_notify_email_hint: "They are always told in the app; this adds an e-mail with the first answers." | "Ils sont toujours avertis dans l’application ; ceci ajoute un e-mail avec les premières réponses.",
        connect_no_smtp: "E-mail is not set up on this server (SMTP_URL), so members are told in the app only." | "L’e-mail n’est pas configuré sur ce serveur (SMTP_URL) : les membres sont avertis dans l’application seulement.",
        connect_notify_save: "Save notifications" | "Enregistrer les notifications",
        connect_saved: "Saved." | "Enregistré.",
        webhooks_title: "Webhooks" | "Webhooks",
        webhooks_intro: "Each completed submission is posted as JSON to every address below. The Mewayz-Signature header holds t=<time>,v1=<HMAC-SHA256 of \"<time>.<body>\" with the secret>; Mewayz-Delivery names the delivery, the same on every try. A delivery not answered with a 2xx status is tried again, later each time, up to 8 times." | "Chaque réponse complète est envoyée en JSON à chaque adresse ci-dessous. L’en-tête Mewayz-Signature contient t=<heure>,v1=<HMAC-SHA256 de \"<heure>.<corps>\" avec le secret> ; Mewayz-Delivery nomme l’envoi, le même à chaque essai. Un envoi sans réponse 2xx est réessayé, de plus en plus tard, jusqu’à 8 fois.",
        webhooks_none: "No webhook yet." | "Aucun webhook pour l’instant.",
        webhook_url: "Webhook address" | "Adresse du webhook",
        webhook_add: "Add webhook" | "Ajouter le webhook",
        webhook_remove: "Remove" | "Retirer",
        webhook_remove_named: "Remove the webhook {url}" | "Retirer le webhook {url}",
        webhook_remove_confirm: "Remove this webhook? Submissions will no longer be sent to it." | "Retirer ce webhook ? Les réponses ne lui seront plus envoyées.",
        deliveries_title: "Recent deliveries" | "Envois récents",
        deliveries_refresh: "Refresh" | "Actualiser",
        deliveries_none: "No deliveries yet. Each completed submission is sent to every webhook." | "Aucun envoi pour l’instant. Chaque réponse complète est envoyée à chaque webhook.",
        deliveries_when: "When" | "Quand",
        deliveries_state: "Status" | "État",
        deliveries_tries: "Tries" | "Essais",
        deliveries_last: "Last answer" | "Dernière réponse",
        delivery_delivered: "Delivered" | "Livré",
        delivery_queued: "Queued" | "En attente",
        delivery_retrying: "Retrying" | "Nouvel essai prévu",
        delivery_failed: "Failed" | "Échec",
        delivery_answer: "{what} in {ms} ms" | "{what} en {ms} ms",
        delivery_resend: "Send again" | "Renvoyer",
    }
}

// What only the server says (the public form, its messages, e-mails, refusals): kept out of
// the browser's build.
#[cfg(feature = "ssr")]
crate::texts! {
    pub struct FormsServerTexts {
        nf_form: "That form" | "Ce formulaire",
        nf_submission: "That submission" | "Cette réponse",
        nf_webhook: "That webhook" | "Ce webhook",
        nf_delivery: "That delivery" | "Cet envoi",
        err_notify_member: "Choose members of this workspace (at most 50)." | "Choisissez des membres de cet espace de travail (50 au plus).",
        err_webhook_url: "Enter a full web address, such as https://example.com/hooks/forms." | "Saisissez une adresse web complète, comme https://example.com/hooks/forms.",
        err_webhook_https: "Webhooks are sent over https only: the address must start with https://." | "Les webhooks ne sont envoyés qu’en https : l’adresse doit commencer par https://.",
        err_webhook_private: "This address is on a private network, which webhooks cannot reach. Use a public address." | "Cette adresse est sur un réseau privé, que les webhooks ne peuvent pas atteindre. Utilisez une adresse publique.",
        err_webhooks_max: "A form has at most 5 webhooks. Remove one first." | "Un formulaire a au plus 5 webhooks. Retirez-en un d’abord.",
        err_webhook_twice: "This form already sends to this address." | "Ce formulaire envoie déjà à cette adresse.",
        delivery_hook_removed: "The webhook was removed before this delivery." | "Le webhook a été retiré avant cet envoi.",
        notify_title: "New answer to {form}" | "Nouvelle réponse à {form}",
        notify_action: "See the submission" | "Voir la réponse",
        notify_outro: "You get this because you chose to hear of this form's submissions. Change it on the form's Share and connect tab." | "Vous recevez ceci car vous avez choisi d’être averti des réponses à ce formulaire. Modifiez-le dans l’onglet Partager et connecter du formulaire.",
        err_content_large: "This form is too large to save." | "Ce formulaire est trop grand pour être enregistré.",
        err_content_unreadable: "This form could not be read. Reload the page and try again." | "Ce formulaire n’a pas pu être lu. Rechargez la page et réessayez.",
        err_status: "Choose all, partial or complete." | "Choisissez tout, partielles ou complètes.",
        err_range: "The end date comes before the start date." | "La date de fin précède la date de début.",
        err_query_long: "Search for at most 200 characters." | "Recherchez au plus 200 caractères.",
        csv_id: "Submission" | "Réponse",
        csv_status: "Status" | "Statut",
        csv_created: "Started (UTC)" | "Commencée (UTC)",
        csv_completed: "Submitted (UTC)" | "Envoyée (UTC)",
        public_step_of: "Step {n} of {total}" | "Étape {n} sur {total}",
        public_next: "Next" | "Suivant",
        public_sending: "Sending…" | "Envoi…",
        public_retrying: "No answer from the server: trying again in {s} s. Your answers are kept on this device." | "Pas de réponse du serveur : nouvel essai dans {s} s. Vos réponses sont conservées sur cet appareil.",
        public_required: "(required)" | "(obligatoire)",
        public_honeypot: "Leave this field empty" | "Laissez ce champ vide",
        public_fix_errors: "Some answers need another look: see the messages below." | "Certaines réponses sont à revoir : voyez les messages ci-dessous.",
        public_too_fast: "That was very quick. Check your answers, then send them again." | "C’était très rapide. Vérifiez vos réponses, puis envoyez-les à nouveau.",
        public_resume_hint: "Your answers are saved. To finish later, come back to:" | "Vos réponses sont enregistrées. Pour terminer plus tard, revenez à :",
        public_file_unavailable: "File uploads are not available on this form yet." | "L’envoi de fichiers n’est pas encore disponible sur ce formulaire.",
        public_closed_title: "This form is closed" | "Ce formulaire est fermé",
        public_closed_body: "This form no longer takes answers." | "Ce formulaire n’accepte plus de réponses.",
        public_unreadable: "Your answers could not be read. Go back, reload the form and try again." | "Vos réponses n’ont pas pu être lues. Revenez en arrière, rechargez le formulaire et réessayez.",
        public_full: "This form cannot take more answers this month. Your answers are saved: come back and send them later." | "Ce formulaire ne peut plus recevoir de réponses ce mois-ci. Vos réponses sont enregistrées : revenez les envoyer plus tard.",
    }
}

/// A table of texts for one part of the module that also reaches every shared one
/// ([`FormsTexts`]), in the same language; `key` is any of its own keys (its English and
/// French differ).
macro_rules! over_shared_texts {
    ($table:ident, $key:ident) => {
        impl std::ops::Deref for $table {
            type Target = FormsTexts;

            fn deref(&self) -> &FormsTexts {
                if self.$key == Self::FR.$key {
                    &FormsTexts::FR
                } else {
                    &FormsTexts::EN
                }
            }
        }
    };
}

over_shared_texts!(FormsSubmissionsTexts, subs_title);
over_shared_texts!(FormsConnectTexts, connect_share);
#[cfg(feature = "ssr")]
over_shared_texts!(FormsServerTexts, public_next);
