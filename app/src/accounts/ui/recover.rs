use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::accounts::api::{verify_email, RequestPasswordReset, ResendVerification, ResetPassword};
use crate::accounts::texts::AccountsTexts;
use crate::shell::{action_error, ErrorNote, Field, FieldMessage, FormError, Loading};

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let t = AccountsTexts::now();
    let query = use_query_map();
    let token = query.read_untracked().get("token").unwrap_or_default();
    let result = LocalResource::new(move || verify_email(token.clone()));
    let resend = ServerAction::<ResendVerification>::new();
    let resend_error = action_error(resend);
    view! {
        <section class="page narrow" aria-labelledby="ve-title">
            <h1 id="ve-title">{t.ve_title}</h1>
            <Transition fallback=|| view! { <Loading label=t.ve_confirming/> }>
                {move || Suspend::new(async move {
                    match result.await {
                        Ok(()) => view! {
                            <div class="card" role="status">
                                <p>{t.ve_done}</p>
                                <p><A href="/login" attr:class="button">{t.sign_in}</A></p>
                            </div>
                        }.into_any(),
                        Err(e) => view! {
                            <div class="card">
                                <ErrorNote error=e/>
                                <Show
                                    when=move || !matches!(resend.value().get(), Some(Ok(())))
                                    fallback=move || view! { <p role="status">{t.ve_resent}</p> }
                                >
                                    <ActionForm action=resend>
                                        <div class="form">
                                            <FormError error=resend_error fields=&["email"]/>
                                            <Field label=t.label_email name="email" inputmode="email" autocomplete="email" error=resend_error/>
                                            <button type="submit" class="button">{t.ve_send_new}</button>
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
    let t = AccountsTexts::now();
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = action_error(action);
    view! {
        <section class="page narrow" aria-labelledby="fp-title">
            <h1 id="fp-title">{t.fp_title}</h1>
            <Show
                when=move || !matches!(action.value().get(), Some(Ok(())))
                fallback=move || view! {
                    <div class="card" role="status">
                        <p>{t.fp_sent}</p>
                        <p><A href="/login">{t.back_to_sign_in}</A></p>
                    </div>
                }
            >
                <div class="card">
                    <p class="muted">{t.fp_intro}</p>
                    <ActionForm action=action>
                        <div class="form">
                            <FormError error=error fields=&["email"]/>
                            <Field label=t.label_email name="email" inputmode="email" autocomplete="email" error=error/>
                            <button type="submit" class="button" disabled=action.pending()>{t.fp_send}</button>
                        </div>
                    </ActionForm>
                </div>
            </Show>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let t = AccountsTexts::now();
    let query = use_query_map();
    let token = StoredValue::new(query.read_untracked().get("token").unwrap_or_default());
    let action = ServerAction::<ResetPassword>::new();
    let error = action_error(action);
    view! {
        <section class="page narrow" aria-labelledby="rp-title">
            <h1 id="rp-title">{t.rp_title}</h1>
            <Show
                when=move || !matches!(action.value().get(), Some(Ok(())))
                fallback=move || view! {
                    <div class="card" role="status">
                        <p>{t.rp_done}</p>
                        <p><A href="/login" attr:class="button">{t.sign_in}</A></p>
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
                                label=t.label_new_password
                                name="password"
                                kind="password"
                                autocomplete="new-password"
                                hint=t.password_hint
                                error=error
                            />
                            <button type="submit" class="button" disabled=action.pending()>{t.rp_save}</button>
                        </div>
                    </ActionForm>
                    <p><A href="/forgot-password">{t.rp_ask_new}</A></p>
                </div>
            </Show>
        </section>
    }
}

crate::lazy_page!(VerifyEmailRoute, verify_email_page, VerifyEmailPage);

crate::lazy_page!(ForgotPasswordRoute, forgot_password_page, ForgotPasswordPage);

crate::lazy_page!(ResetPasswordRoute, reset_password_page, ResetPasswordPage);
