use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::use_auth;
use crate::accounts::api::{get_auth_options, SignIn, SignInSecondFactor};
use crate::accounts::SignInOutcome;
use crate::shell::{action_error, Field, FormError};

fn google_error_text(code: &str) -> &'static str {
    match code {
        "not_configured" => "Sign in with Google is not configured on this server.",
        "denied" => "Google sign-in was cancelled.",
        _ => "Sign in with Google did not work. Please try again.",
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
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
            <h1 id="si-title">"Sign in"</h1>
            {move || google_error().map(|m| view! { <div class="notice notice-error" role="alert"><p>{m}</p></div> })}
            <Show
                when=move || challenge.get().is_none()
                fallback=move || {
                    let pending = second.pending();
                    view! {
                        <div class="card">
                            <h2>"Two-factor authentication"</h2>
                            <p class="muted">"Enter the 6-digit code from your authenticator app, or one of your recovery codes."</p>
                            <ActionForm action=second>
                                <div class="form">
                                    <input type="hidden" name="challenge" value=challenge.get().unwrap_or_default()/>
                                    <FormError error=second_error fields=&["code"]/>
                                    <Field label="Authentication code" name="code" inputmode="numeric" autocomplete="one-time-code" error=second_error/>
                                    <button type="submit" class="button" disabled=pending>
                                        {move || if pending.get() { "Checking…" } else { "Verify and sign in" }}
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
                            <Field label="E-mail address" name="email" inputmode="email" autocomplete="email" error=error/>
                            <Field label="Password" name="password" kind="password" autocomplete="current-password" error=error/>
                            <button type="submit" class="button" disabled=sign_in.pending()>
                                {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                            </button>
                        </div>
                    </ActionForm>
                    <p><A href="/forgot-password">"Forgot your password?"</A></p>
                </div>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        options.await.ok().filter(|o| o.google).map(|_| view! {
                            <p><a class="button secondary wide" href="/auth/google/start" rel="external">"Continue with Google"</a></p>
                        })
                    })}
                </Transition>
                <p class="muted">"New to Mewayz? " <A href="/signup">"Create an account"</A></p>
            </Show>
        </section>
    }
}
