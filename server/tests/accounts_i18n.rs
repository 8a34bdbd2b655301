//! The accounts module in two languages, over real HTTP: messages made on the server follow
//! the request's language, and what is written to someone (e-mails, stored notifications)
//! follows their profile's language, whatever language the request that causes it speaks.

mod common;

use app::accounts::{SessionUser, SignUpOutcome};
use app::i18n::MailTexts;
use app::notifications::NotificationList;
use common::web::*;

const FR: &MailTexts = &MailTexts::FR;
const EN: &MailTexts = &MailTexts::EN;

fn assert_in(m: &devtools::smtp_sink::CapturedMessage, t: &MailTexts, other: &MailTexts) {
    let text = m.text_body();
    let html = m.html_body().unwrap_or_default();
    assert!(text.contains(t.sign_off), "sign-off {:?} missing: {text}", t.sign_off);
    assert!(!text.contains(other.sign_off), "the other language's sign-off: {text}");
    // The HTML part escapes the apostrophe; compare on a piece without one.
    let fallback_start = t.button_fallback.split('’').next().unwrap();
    assert!(html.contains(fallback_start), "{fallback_start:?} missing: {html}");
}

#[tokio::test]
async fn a_french_visitor_signs_up_in_french_and_gets_french_mail() {
    let env = start("i18n_signup_fr", &[]).await;
    let b = env.browser();
    b.set_cookie("lang=fr");
    let email = "amelie@example.com";

    // Validation messages made on the server are in the request's language.
    let err = b.fails("sign_up", &[("name", "Amélie"), ("email", email), ("password", "password123")], 422).await;
    assert_eq!(err.field_message("password").as_deref(), Some(app::accounts::texts::AccountsTexts::FR.pw_too_common), "{err:?}");

    let _: SignUpOutcome = b.ok("sign_up", &[("name", "Amélie"), ("email", email), ("password", PASSWORD)]).await;
    let mail = nth_mail(&env.sink, email, FR.verify_subject, 1).await;
    assert!(mail.text_body().contains("Bonjour Amélie"), "{}", mail.text_body());
    assert_in(&mail, FR, EN);
    assert!(mail.html_body().unwrap().contains("<html lang=\"fr\">"));
    // The account keeps the language it was made in.
    assert_eq!(env.user_doc(email).await.get_str("locale").unwrap(), "fr");

    b.ok::<()>("verify_email", &[("token", &link_token(&mail))]).await;
    let wrong = b.fails("sign_in", &[("email", email), ("password", "not the password at all")], 422).await;
    assert_eq!(wrong.field_message("password").as_deref(), Some(app::accounts::texts::AccountsTexts::FR.err_wrong_credentials));
}

#[tokio::test]
async fn mail_and_notifications_follow_the_profile_language_not_the_request() {
    let env = start("i18n_profile_lang", &[]).await;
    let email = "bruno@example.com";
    let b = sign_up_and_verify(&env, email, PASSWORD).await;
    // An English request, an English account: English mail.
    let mail = nth_mail(&env.sink, email, EN.verify_subject, 1).await;
    assert_in(&mail, EN, FR);

    // Bruno switches his profile to French.
    let me: SessionUser = b.ok("update_profile", &[("name", "Bruno"), ("locale", "fr"), ("time_zone", "Europe/Paris")]).await;
    assert_eq!(me.locale, "fr");

    // A reset asked for from a browser speaking English comes in French.
    let stranger = env.browser();
    stranger.ok::<()>("request_password_reset", &[("email", email)]).await;
    let reset = nth_mail(&env.sink, email, FR.reset_subject, 1).await;
    assert!(reset.text_body().contains(FR.reset_intro), "{}", reset.text_body());
    assert_in(&reset, FR, EN);

    // A sign-in from a new (English-speaking) device: the stored notification is in French.
    let _other = signed_in(&env, email, PASSWORD).await;
    // (It is stored before that sign-in answers.)
    let list: NotificationList = b.ok("list_notifications", &[]).await;
    let n = list.items.iter().find(|n| n.kind == "new_sign_in").expect("a new sign-in notification");
    assert!(n.title.starts_with("Nouvelle connexion depuis"), "{n:?}");
    assert!(n.body.contains("Si ce n’était pas vous"), "{n:?}");

    // And a French account asking in English gets English validation messages (the request's).
    let err = b.fails("update_profile", &[("name", "Bruno"), ("locale", "xx"), ("time_zone", "UTC")], 422).await;
    assert_eq!(err.field_message("locale").as_deref(), Some(app::accounts::texts::AccountsTexts::EN.err_language));
}
