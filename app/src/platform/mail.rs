//! Outgoing e-mail. Domain code calls [`send_later`]: the message becomes a job in the
//! MongoDB queue, and the job runner ([`super::runner`]) sends it over SMTP with retries.

use mongodb::bson;

pub use super::mailer::OutgoingEmail;
use super::{jobs, AppState};
use crate::error::AppError;
use crate::i18n::{Lang, MailTexts};

pub const JOB_KIND: &str = "email.send";

/// Queues `email` once per `key` (a second call with the same key does nothing).
pub async fn send_later(state: &AppState, key: &str, email: OutgoingEmail) -> Result<(), AppError> {
    let payload = bson::to_document(&email)?;
    jobs::enqueue(state.db.database(), JOB_KIND, payload, key).await?;
    Ok(())
}

/// Escapes text for the HTML part of an e-mail.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The language to write to someone in: their profile's `locale` when it is one the app
/// speaks, else the current one (the request's, or the job's).
pub fn recipient_lang(locale: &str) -> Lang {
    Lang::from_code(locale).unwrap_or_else(crate::i18n::lang)
}

/// A plain, accessible HTML e-mail with one call-to-action link, with the shared pieces
/// (the address under the button, the sign-off) in the current language. To write to
/// someone in theirs, build it inside `crate::i18n::sync_scope(recipient_lang(..), ..)`,
/// or use [`action_email_in`].
pub fn action_email(to: &str, subject: &str, intro: &str, action_label: &str, url: &str, outro: &str) -> OutgoingEmail {
    let lang = crate::i18n::lang();
    let t = MailTexts::of(lang);
    let text = format!("{intro}\n\n{action_label}:\n{url}\n\n{outro}\n\n{}\n", t.sign_off);
    let html = format!(
        "<!doctype html><html lang=\"{}\"><body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#141821\">\
         <p>{}</p><p><a href=\"{}\" style=\"display:inline-block;padding:10px 16px;background:#3149c9;color:#ffffff;\
         border-radius:8px;text-decoration:none\">{}</a></p><p style=\"font-size:14px\">{} <br>{}</p><p>{}</p><p>{}</p></body></html>",
        lang.code(),
        html_escape(intro),
        html_escape(url),
        html_escape(action_label),
        html_escape(t.button_fallback),
        html_escape(url),
        html_escape(outro),
        html_escape(t.sign_off),
    );
    OutgoingEmail { to: to.to_string(), subject: subject.to_string(), text, html: Some(html) }
}

/// [`action_email`] written in `lang`: `texts` picks the e-mail's own texts from the
/// [`MailTexts`] of that language and returns (subject, intro, action label, outro).
pub fn action_email_in(lang: Lang, to: &str, url: &str, texts: impl FnOnce(&'static MailTexts) -> (String, String, String, String)) -> OutgoingEmail {
    crate::i18n::sync_scope(lang, || {
        let (subject, intro, action, outro) = texts(MailTexts::of(lang));
        action_email(to, &subject, &intro, &action, url, &outro)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_email_shares_its_pieces_in_the_recipients_language() {
        let fr = action_email_in(Lang::Fr, "a@example.com", "https://x.example/reset?token=t", |t| {
            (t.reset_subject.into(), t.reset_intro.into(), t.reset_action.into(), t.reset_outro.into())
        });
        assert_eq!(fr.subject, MailTexts::FR.reset_subject);
        let html = fr.html.as_deref().unwrap();
        assert!(html.contains("<html lang=\"fr\">"), "{html}");
        assert!(html.contains(&html_escape(MailTexts::FR.button_fallback)), "{html}");
        assert!(fr.text.contains(MailTexts::FR.sign_off) && html.contains(&html_escape(MailTexts::FR.sign_off)));
        assert!(!html.contains("If the button does not work") && !fr.text.contains("Mewayz team"), "no English left: {html}");
        // Outside any scope (a job with no recipient language), English.
        let en = action_email("a@example.com", "s", "i", "a", "https://x.example/", "o");
        assert!(en.html.unwrap().contains(MailTexts::EN.button_fallback));
        assert_eq!(recipient_lang("fr-CA"), Lang::Fr);
        assert_eq!(recipient_lang("de"), Lang::En);
        assert_eq!(crate::i18n::sync_scope(Lang::Fr, || recipient_lang("")), Lang::Fr);
    }
}
