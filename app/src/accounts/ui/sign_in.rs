use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::use_auth;
use crate::accounts::api::{get_auth_options, SignIn, SignInSecondFactor};
use crate::accounts::texts::AccountsTexts;
use crate::accounts::SignInOutcome;
use crate::shell::{action_error, Field, FormError};

fn google_error_text(code: &str) -> &'static str {
    let t = AccountsTexts::now();
    match code {
        "not_configured" => t.si_google_not_configured,
        "denied" => t.si_google_denied,
        _ => t.si_google_failed,
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let t = AccountsTexts::now();
    let auth = use_auth();
    let query = use_query_map();
    let navigate = use_navigate();
    let options = LocalResource::new(get_auth_options);

    let sign_in = ServerAction::<SignIn>::new();
    let second = ServerAction::<SignInSecondFactor>::new();
    let error = action_error(sign_in);
    let second_error = action_error(second);
    // A challenge comes from the password step, or from Google sign-in via the URL.
    let challenge = RwSignal::new(query.read_untracked().get("challenge"));
    let google_error = move || query.read().get("google_error").map(|c| google_error_text(&c));

    let go = navigate.clone();
    Effect::new(move |_| match sign_in.value().get() {
        Some(Ok(SignInOutcome::SignedIn(u))) => {
            auth.user.set(Some(u));
            go("/", Default::default());
        }
        Some(Ok(SignInOutcome::NeedsSecondFactor { challenge: c })) => challenge.set(Some(c)),
        _ => {}
    });
    Effect::new(move |_| {
        if let Some(Ok(u)) = second.value().get() {
            auth.user.set(Some(u));
            navigate("/", Default::default());
        }
    });

    view! {
        <section class="page narrow" aria-labelledby="si-title">
            <h1 id="si-title">{t.si_title}</h1>
            {move || google_error().map(|m| view! { <div class="notice notice-error" role="alert"><p>{m}</p></div> })}
            <Show
                when=move || challenge.get().is_none()
                fallback=move || {
                    let pending = second.pending();
                    view! {
                        <div class="card">
                            <h2>{t.si_second_title}</h2>
                            <p class="muted">{t.si_second_intro}</p>
                            <ActionForm action=second>
                                <div class="form">
                                    <input type="hidden" name="challenge" value=challenge.get().unwrap_or_default()/>
                                    <FormError error=second_error fields=&["code"]/>
                                    <Field label=t.label_auth_code name="code" inputmode="numeric" autocomplete="one-time-code" error=second_error/>
                                    <button type="submit" class="button" disabled=pending>
                                        {move || if pending.get() { t.si_checking } else { t.si_verify }}
                                    </button>
                                </div>
                            </ActionForm>
                        </div>
                    }
                }
            >
                <div class="card">
                    <ActionForm action=sign_in>
                        <div class="form">
                            <FormError error=error fields=&["email", "password"]/>
                            <Field label=t.label_email name="email" inputmode="email" autocomplete="email" error=error/>
                            <Field label=t.label_password name="password" kind="password" autocomplete="current-password" error=error/>
                            <button type="submit" class="button" disabled=sign_in.pending()>
                                {move || if sign_in.pending().get() { t.si_signing_in } else { t.sign_in }}
                            </button>
                        </div>
                    </ActionForm>
                    <p><A href="/forgot-password">{t.si_forgot}</A></p>
                </div>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        options.await.ok().filter(|o| o.google).map(|_| view! {
                            <p><a class="button secondary wide" href="/auth/google/start" rel="external">{t.si_google}</a></p>
                        })
                    })}
                </Transition>
                <p class="muted">{t.si_new} <A href="/signup">{t.si_create}</A></p>
            </Show>
        </section>
    }
}
