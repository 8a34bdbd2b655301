//! Every text of this module, in English and French (see `crate::i18n`).

crate::texts! {
    pub struct NotificationsTexts {
        // ---- the bell ----
        bell: "Notifications" | "Notifications",
        bell_one: "Notifications, 1 unread" | "Notifications, 1 non lue",
        bell_many: "Notifications, {n} unread" | "Notifications, {n} non lues",

        // ---- the centre ----
        title: "Notifications" | "Notifications",
        all_read: "All read" | "Tout est lu",
        unread_one: "1 unread" | "1 non lue",
        unread_many: "{n} unread" | "{n} non lues",
        mark_all: "Mark all as read" | "Tout marquer comme lu",
        empty: "Nothing yet. Sign-ins from new devices and invitations to workspaces show up here." | "Rien pour l’instant. Les connexions depuis un nouvel appareil et les invitations à un espace de travail s’afficheront ici.",
        list_label: "Notifications" | "Notifications",
        unread_prefix: "Unread: " | "Non lue : ",
        open: "Open" | "Ouvrir",
        mark_read: "Mark read" | "Marquer comme lue",

        // ---- push ----
        push_title: "Push notifications" | "Notifications push",
        push_failed: "Push could not be turned on in this browser: {reason}" | "Le push n’a pas pu être activé dans ce navigateur : {reason}",
        push_unsupported: "This browser cannot receive push notifications. They still appear here." | "Ce navigateur ne peut pas recevoir de notifications push. Elles s’affichent quand même ici.",
        push_denied: "Notifications are blocked for Mewayz in this browser’s settings. Allow them there to turn push on." | "Les notifications sont bloquées pour Mewayz dans les réglages de ce navigateur. Autorisez-les pour activer le push.",
        push_on: "On" | "Activé",
        push_on_text: " This device receives push notifications." | " Cet appareil reçoit les notifications push.",
        push_turn_off: "Turn off on this device" | "Désactiver sur cet appareil",
        push_pitch: "Get a notification on this device even when Mewayz is closed." | "Recevez une notification sur cet appareil même quand Mewayz est fermé.",
        push_turn_on: "Turn on push on this device" | "Activer le push sur cet appareil",
        push_devices_none: "No device receives push yet." | "Aucun appareil ne reçoit encore le push.",
        push_devices_one: "1 device receives push." | "1 appareil reçoit le push.",
        push_devices_many: "{n} devices receive push." | "{n} appareils reçoivent le push.",
        push_for: "Send a push for" | "Envoyer un push pour",

        // ---- kinds of notification, as the settings name them ----
        kind_new_sign_in: "Sign-in from a new device" | "Connexion depuis un nouvel appareil",
        kind_invitation: "Invitations to a workspace" | "Invitations à un espace de travail",
        kind_billing: "Billing and payments" | "Facturation et paiements",
        kind_form_submission: "New form submissions" | "Nouvelles réponses aux formulaires",

        // ---- messages made on the server ----
        err_kind: "Choose one of the listed kinds of notification." | "Choisissez l’un des types de notification proposés.",
        err_push_service: "This browser’s push service is not one Mewayz can send to." | "Mewayz ne peut pas envoyer de notifications au service push de ce navigateur.",
        err_subscription: "The browser gave an incomplete push subscription. Try again." | "Le navigateur a fourni un abonnement push incomplet. Réessayez.",
        err_notification_what: "That notification" | "Cette notification",
        err_endpoint_taken: "This browser’s notifications are registered to another account with other keys. Turn notifications off in this browser’s site settings, then turn them on again here." | "Les notifications de ce navigateur sont enregistrées pour un autre compte avec d’autres clés. Désactivez les notifications dans les réglages du site de ce navigateur, puis réactivez-les ici.",
        nav: "Notifications" | "Notifications",
        module_name: "Notifications" | "Notifications",
    }
}

impl NotificationsTexts {
    /// How the settings name a kind of notification (one of [`super::KINDS`]).
    pub fn kind_label(&self, kind: &str) -> Option<&'static str> {
        match kind {
            "new_sign_in" => Some(self.kind_new_sign_in),
            "invitation" => Some(self.kind_invitation),
            "billing" => Some(self.kind_billing),
            "form_submission" => Some(self.kind_form_submission),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_kind_has_a_label_in_both_languages() {
        for (kind, english) in super::super::KINDS {
            assert_eq!(super::NotificationsTexts::EN.kind_label(kind), Some(*english));
            assert!(super::NotificationsTexts::FR.kind_label(kind).is_some(), "{kind}");
        }
    }
}
