use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::accounts::api::{verify_email, RequestPasswordReset, ResendVerification, ResetPassword};
use crate::shell::{action_error, ErrorNote, Field, FieldMessage, FormError, Loading};

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let query = use_query_map();
    let token = query.read_untracked().get("token").unwrap_or_default();
    let result = LocalResource::new(move || verify_email(token.clone()));
    let resend = ServerAction::<ResendVerification>::new();
    let resend_error = action_error(resend);
    view! {
        <section class="page narrow" aria-labelledby="ve-title">
            <h1 id="ve-title">"Confirm your e-mail address"</h1>
            <Transition fallback=|| view! { <Loading label="Confirming…"/> }>
                {move || Suspend::new(async move {
                    match result.await {
                        Ok(()) => view! {
                            <div class="card" role="status">
                                <p>"Your e-mail address is confirmed."</p>
                                <p><A href="/login" attr:class="button">"Sign in"</A></p>
                            </div>
                        }.into_any(),
                        Err(e) => view! {
                            <div class="card">
                                <ErrorNote error=e/>
                                <Show
                                    when=move || !matches!(resend.value().get(), Some(Ok(())))
                                    fallback=|| view! { <p role="status">"If that address has an account waiting for confirmation, a new link is on its way."</p> }
                                >
                                    <ActionForm action=resend>
                                        <div class="form">
                                            <FormError error=resend_error fields=&["email"]/>
                                            <Field label="E-mail address" name="email" inputmode="email" autocomplete="email" error=resend_error/>
                                            <button type="submit" class="button">"Send a new link"</button>
                                        </div>
                                    </ActionForm>
                                </Show>
                            </div>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = action_error(action);
    view! {
        <section class="page narrow" aria-labelledby="fp-title">
            <h1 id="fp-title">"Reset your password"</h1>
            <Show
                when=move || !matches!(action.value().get(), Some(Ok(())))
                fallback=|| view! {
                    <div class="card" role="status">
                        <p>"If an account uses that address, we have sent it a link to choose a new password. The link expires in 1 hour."</p>
                        <p><A href="/login">"Back to sign in"</A></p>
                    </div>
                }
            >
                <div class="card">
                    <p class="muted">"Enter your account's e-mail address and we will send you a link."</p>
                    <ActionForm action=action>
                        <div class="form">
                            <FormError error=error fields=&["email"]/>
                            <Field label="E-mail address" name="email" inputmode="email" autocomplete="email" error=error/>
                            <button type="submit" class="button" disabled=action.pending()>"Send the link"</button>
                        </div>
                    </ActionForm>
                </div>
            </Show>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = StoredValue::new(query.read_untracked().get("token").unwrap_or_default());
    let action = ServerAction::<ResetPassword>::new();
    let error = action_error(action);
    view! {
        <section class="page narrow" aria-labelledby="rp-title">
            <h1 id="rp-title">"Choose a new password"</h1>
            <Show
                when=move || !matches!(action.value().get(), Some(Ok(())))
                fallback=|| view! {
                    <div class="card" role="status">
                        <p>"Your password is changed, and every device was signed out. Sign in with your new password."</p>
                        <p><A href="/login" attr:class="button">"Sign in"</A></p>
                    </div>
                }
            >
                <div class="card">
                    <ActionForm action=action>
                        <div class="form">
                            <FieldMessage id="token-msg" field="token" error=error/>
                            <FormError error=error fields=&["password", "token"]/>
                            <input type="hidden" name="token" value=token.get_value()/>
                            <Field
                                label="New password"
                                name="password"
                                kind="password"
                                autocomplete="new-password"
                                hint="At least 10 characters. A few unrelated words work well."
                                error=error
                            />
                            <button type="submit" class="button" disabled=action.pending()>"Save the new password"</button>
                        </div>
                    </ActionForm>
                    <p><A href="/forgot-password">"Ask for a new link"</A></p>
                </div>
            </Show>
        </section>
    }
}
