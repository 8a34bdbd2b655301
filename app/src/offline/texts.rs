//! Every text of this module, in English and French (see `crate::i18n`).

crate::texts! {
    pub struct OfflineTexts {
        // ---- the sync indicator: the full wording, and the short one for narrow screens ----
        sync_conflicts_one: "1 conflict" | "1 conflit",
        sync_conflicts_many: "{n} conflicts" | "{n} conflits",
        sync_refused_one: "1 change refused" | "1 modification refusée",
        sync_refused_many: "{n} changes refused" | "{n} modifications refusées",
        sync_refused_short_one: "1 refused" | "1 refusée",
        sync_refused_short_many: "{n} refused" | "{n} refusées",
        sync_offline: "Offline" | "Hors ligne",
        sync_offline_pending_one: "Offline · 1 change pending" | "Hors ligne · 1 modification en attente",
        sync_offline_pending_many: "Offline · {n} changes pending" | "Hors ligne · {n} modifications en attente",
        sync_pending_one: "1 change pending" | "1 modification en attente",
        sync_pending_many: "{n} changes pending" | "{n} modifications en attente",
        sync_pending_short: "{n} pending" | "{n} en attente",
        sync_synced: "Synced" | "Synchronisé",

        // ---- drafts and conflicts ----
        draft_restored: "Your unsaved changes on this device were restored. Save to send them." | "Vos modifications non enregistrées sur cet appareil ont été restaurées. Enregistrez pour les envoyer.",
        conflict_title: "Changed in two places" | "Modifié à deux endroits",
        conflict_body: "While this device was offline, {what} was also changed somewhere else. Nothing is lost: choose what to keep." | "Pendant que cet appareil était hors ligne, « {what} » a aussi été modifié ailleurs. Rien n’est perdu : choisissez ce que vous gardez.",
        conflict_field: "Field" | "Champ",
        conflict_yours: "Your version" | "Votre version",
        conflict_theirs: "Saved elsewhere" | "Enregistré ailleurs",
        conflict_keep_mine: "Keep mine" | "Garder la mienne",
        conflict_take_theirs: "Take theirs" | "Prendre l’autre",
        conflict_keep_both: "Keep both" | "Garder les deux",
        conflict_hint: "“Keep both” saves theirs here and keeps yours as a copy on this device, listed below, to use or copy from later." | "« Garder les deux » enregistre l’autre version ici et garde la vôtre en copie sur cet appareil, listée ci-dessous, pour la reprendre plus tard.",
        copies_title: "Kept copies" | "Copies conservées",
        copy_from: "Your version from {time}" | "Votre version du {time}",
        copy_use: "Use this version" | "Utiliser cette version",
        copy_delete: "Delete copy" | "Supprimer la copie",

        // ---- saving ----
        save_sending: "Sending…" | "Envoi…",
        save_on_device: "Saved on this device. It will be sent when you are back online." | "Enregistré sur cet appareil. L’envoi se fera dès le retour de la connexion.",
        save_done: "Saved." | "Enregistré.",
    }
}
