use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::accounts::api::SignUp;
use crate::accounts::texts::AccountsTexts;
use crate::shell::{action_error, Field, FormError};

#[component]
pub fn SignUpPage() -> impl IntoView {
    let t = AccountsTexts::now();
    // An invitation link passes the invited address along.
    let email = StoredValue::new(use_query_map().read_untracked().get("email").unwrap_or_default());
    let action = ServerAction::<SignUp>::new();
    let error = action_error(action);
    let pending = action.pending();
    let done = move || action.value().get().and_then(|r| r.ok());
    view! {
        <section class="page narrow" aria-labelledby="su-title">
            <h1 id="su-title">{t.su_title}</h1>
            <Show
                when=move || done().is_none()
                fallback=move || {
                    let configured = done().map(|o| o.email_configured).unwrap_or(true);
                    view! {
                        <div class="card" role="status">
                            <h2>{t.su_check_inbox}</h2>
                            <p>{t.su_sent}</p>
                            {(!configured).then(|| view! {
                                <div class="notice notice-error">
                                    <strong>{t.su_no_email_title}</strong>
                                    <p>{t.su_no_email_body}</p>
                                </div>
                            })}
                            <p><A href="/login">{t.su_go_sign_in}</A></p>
                        </div>
                    }
                }
            >
                <div class="card">
                    <ActionForm action=action>
                        <div class="form">
                            <FormError error=error fields=&["name", "email", "password"]/>
                            <Field label=t.label_your_name name="name" autocomplete="name" error=error/>
                            <Field label=t.label_email name="email" inputmode="email" autocomplete="email" value=email.get_value() error=error/>
                            <Field
                                label=t.label_password
                                name="password"
                                kind="password"
                                autocomplete="new-password"
                                hint=t.password_hint
                                error=error
                            />
                            <button type="submit" class="button" disabled=pending>
                                {move || if pending.get() { t.su_creating } else { t.su_submit }}
                            </button>
                        </div>
                    </ActionForm>
                </div>
                <p class="muted">{t.su_have_account} <A href="/login">{t.sign_in}</A></p>
            </Show>
        </section>
    }
}

crate::lazy_page!(SignUpRoute, sign_up_page, SignUpPage);
