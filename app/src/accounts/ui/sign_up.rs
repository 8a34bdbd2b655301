use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::accounts::api::SignUp;
use crate::shell::{action_error, Field, FormError};

#[component]
pub fn SignUpPage() -> impl IntoView {
    // An invitation link passes the invited address along.
    let email = StoredValue::new(use_query_map().read_untracked().get("email").unwrap_or_default());
    let action = ServerAction::<SignUp>::new();
    let error = action_error(action);
    let pending = action.pending();
    let done = move || action.value().get().and_then(|r| r.ok());
    view! {
        <section class="page narrow" aria-labelledby="su-title">
            <h1 id="su-title">"Create your account"</h1>
            <Show
                when=move || done().is_none()
                fallback=move || {
                    let configured = done().map(|o| o.email_configured).unwrap_or(true);
                    view! {
                        <div class="card" role="status">
                            <h2>"Check your inbox"</h2>
                            <p>"We have sent a link to confirm your e-mail address. Open it to finish creating your account. It expires in 24 hours."</p>
                            {(!configured).then(|| view! {
                                <div class="notice notice-error">
                                    <strong>"E-mail is not set up on this server"</strong>
                                    <p>"No link can be sent until the operator sets SMTP_URL. Your sign-up is kept and the e-mail goes out once it is."</p>
                                </div>
                            })}
                            <p><A href="/login">"Go to sign in"</A></p>
                        </div>
                    }
                }
            >
                <div class="card">
                    <ActionForm action=action>
                        <div class="form">
                            <FormError error=error fields=&["name", "email", "password"]/>
                            <Field label="Your name" name="name" autocomplete="name" error=error/>
                            <Field label="E-mail address" name="email" inputmode="email" autocomplete="email" value=email.get_value() error=error/>
                            <Field
                                label="Password"
                                name="password"
                                kind="password"
                                autocomplete="new-password"
                                hint="At least 10 characters. A few unrelated words work well."
                                error=error
                            />
                            <button type="submit" class="button" disabled=pending>
                                {move || if pending.get() { "Creating your account…" } else { "Create account" }}
                            </button>
                        </div>
                    </ActionForm>
                </div>
                <p class="muted">"Already have an account? " <A href="/login">"Sign in"</A></p>
            </Show>
        </section>
    }
}
