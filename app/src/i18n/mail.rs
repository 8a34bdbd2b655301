//! The texts of the e-mails the platform sends (verification, password reset, invitations,
//! notifications), in English and French.
//!
//! An e-mail is written in its recipient's language: the profile's `locale` when the
//! recipient has an account, else the language of the request that sends it (see
//! [`crate::platform::mail::recipient_lang`]). The pieces every e-mail shares (the line
//! under the button, the sign-off) are here too, and [`crate::platform::mail::action_email`]
//! takes them in the current language.

crate::texts! {
    pub struct MailTexts {
        // ---- shared by every e-mail ----
        button_fallback: "If the button does not work, open this address:" | "Si le bouton ne fonctionne pas, ouvrez cette adresse :",
        sign_off: "— The Mewayz team" | "— L’équipe Mewayz",

        // ---- confirming the address ----
        verify_subject: "Confirm your e-mail address for Mewayz" | "Confirmez votre adresse e-mail pour Mewayz",
        verify_intro: "Hello {name}, please confirm that this is your e-mail address." | "Bonjour {name}, merci de confirmer que cette adresse e-mail est bien la vôtre.",
        verify_action: "Confirm my e-mail address" | "Confirmer mon adresse e-mail",
        verify_outro: "The link works once and expires in 24 hours. If you did not create a Mewayz account, ignore this e-mail." | "Le lien ne fonctionne qu’une fois et expire dans 24 heures. Si vous n’avez pas créé de compte Mewayz, ignorez cet e-mail.",

        // ---- sign-up with an address that has an account ----
        exists_subject: "You already have a Mewayz account" | "Vous avez déjà un compte Mewayz",
        exists_intro: "Someone (probably you) tried to create a Mewayz account with this e-mail address, which already has one." | "Quelqu’un (sans doute vous) a essayé de créer un compte Mewayz avec cette adresse e-mail, qui en a déjà un.",
        exists_action: "Sign in" | "Se connecter",
        exists_outro: "Forgot your password? Use “Forgot your password?” on the sign-in page. If this was not you, you can ignore this e-mail." | "Mot de passe oublié ? Utilisez « Mot de passe oublié ? » sur la page de connexion. Si ce n’était pas vous, vous pouvez ignorer cet e-mail.",

        // ---- password reset ----
        reset_subject: "Reset your Mewayz password" | "Réinitialisez votre mot de passe Mewayz",
        reset_intro: "We received a request to reset the password of your Mewayz account." | "Nous avons reçu une demande de réinitialisation du mot de passe de votre compte Mewayz.",
        reset_action: "Choose a new password" | "Choisir un nouveau mot de passe",
        reset_outro: "The link works once and expires in 1 hour. If you did not ask for this, ignore this e-mail: your password stays the same." | "Le lien ne fonctionne qu’une fois et expire dans 1 heure. Si vous n’avez rien demandé, ignorez cet e-mail : votre mot de passe reste le même.",

        // ---- password changed ----
        pw_changed_subject: "Your Mewayz password was changed" | "Le mot de passe de votre compte Mewayz a été modifié",
        pw_changed_intro: "The password of your Mewayz account was just changed, and your other devices were signed out." | "Le mot de passe de votre compte Mewayz vient d’être modifié, et vos autres appareils ont été déconnectés.",
        pw_changed_action: "Review your account" | "Vérifier votre compte",
        pw_changed_outro: "If this was not you, reset your password at once from the sign-in page." | "Si ce n’était pas vous, réinitialisez tout de suite votre mot de passe depuis la page de connexion.",
    }
}
