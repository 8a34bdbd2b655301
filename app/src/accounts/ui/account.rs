use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::use_auth;
use crate::accounts::api::{list_sessions, security_log, ChangePassword, RevokeSession, SignOutEverywhere, TotpBegin, TotpConfirm, TotpDisable};
use crate::accounts::texts::AccountsTexts;
use crate::accounts::{locales, SessionUser};
use crate::i18n::{fill, Lang};
use crate::offline::{outbox_form, ConflictPanel, DraftNotice, OutboxForm, SaveStatus};
use crate::shell::{action_error, format_time, ErrorNote, Field, FormError, Loading};

/// Common zones offered as suggestions; any IANA zone is accepted.
const ZONES: &[&str] = &[
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Lisbon",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "America/Mexico_City",
];

#[component]
pub fn AccountPage() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if auth.ready.get() && auth.user.get().is_none() {
            navigate("/login", Default::default());
        }
    });
    let t = AccountsTexts::now();
    view! {
        <section class="page" aria-labelledby="acc-title">
            <h1 id="acc-title">{t.acc_title}</h1>
            {move || match auth.user.get() {
                None => view! { <Loading/> }.into_any(),
                Some(u) => view! {
                    <For each={let u = u.clone(); move || vec![u.clone()]} key=|u| u.version let:u>
                        <ProfileSection user=u/>
                    </For>
                    <PasswordSection has_password=true/>
                    <TwoFactorSection enabled=u.totp_enabled/>
                    {activity()}
                }.into_any(),
            }}
        </section>
    }
}

/// The profile's fields as the conflict panel compares them: (form name, label), per language.
const PROFILE_FIELDS_EN: &[(&str, &str)] =
    &[("name", AccountsTexts::EN.profile_name), ("locale", AccountsTexts::EN.profile_language), ("time_zone", AccountsTexts::EN.profile_time_zone)];
const PROFILE_FIELDS_FR: &[(&str, &str)] =
    &[("name", AccountsTexts::FR.profile_name), ("locale", AccountsTexts::FR.profile_language), ("time_zone", AccountsTexts::FR.profile_time_zone)];

fn profile_fields() -> &'static [(&'static str, &'static str)] {
    match crate::i18n::lang() {
        Lang::En => PROFILE_FIELDS_EN,
        Lang::Fr => PROFILE_FIELDS_FR,
    }
}

/// The profile form. Like every editor, it saves through the offline outbox: it works
/// without a connection and never overwrites a change made on another device unasked.
#[component]
fn ProfileSection(user: SessionUser) -> impl IntoView {
    let auth = use_auth();
    let t = AccountsTexts::now();
    let editor = outbox_form::<SessionUser>(
        format!("profile:{}", user.id),
        t.profile_doc_label,
        "update_profile",
        user.version,
        |u| u.version,
        move || auth.user.get_untracked().map(|u| u.version).unwrap_or(0),
        Callback::new(move |u: SessionUser| {
            // A new language applies at once: kept on this device, and the app reloads in it.
            let locale = u.locale.clone();
            auth.user.set(Some(u));
            crate::i18n::switch_to(&locale);
        }),
    );
    let OutboxForm { form: form_ref, restored, error, pending, saved, on_theirs, on_restore, .. } = editor.clone();
    let doc = editor.doc();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        editor.submit();
    };
    let locale = user.locale.clone();
    view! {
        <ConflictPanel doc=doc.clone() fields=profile_fields() on_theirs=on_theirs on_restore=on_restore/>
        <section class="card" aria-labelledby="profile-title">
            <h2 id="profile-title">{t.profile_title}</h2>
            <p class="muted">{fill(t.profile_signed_in_as, &[("email", &user.email)])}</p>
            <DraftNotice restored=restored/>
            <form node_ref=form_ref on:submit=on_submit novalidate>
                <div class="form">
                    <input type="hidden" name="version" value=user.version.to_string()/>
                    <FormError error=error fields=&["name", "locale", "time_zone"]/>
                    <Field label=t.profile_name name="name" autocomplete="name" value=user.name.clone() error=error/>
                    <div class="field">
                        <label for="field-locale">{t.profile_language}</label>
                        <select id="field-locale" name="locale" aria-describedby="field-locale-hint field-locale-msg">
                            {locales().map(|(code, label)| {
                                // Each name in its own language, so a screen reader reads it right.
                                view! { <option value=code lang=code selected=locale == code>{label}</option> }
                            }).collect_view()}
                        </select>
                        <p class="hint" id="field-locale-hint">{t.profile_language_hint}</p>
                        <crate::shell::FieldMessage id="field-locale-msg" field="locale" error=error/>
                    </div>
                    <Field label=t.profile_time_zone name="time_zone" list="zones" value=user.time_zone.clone() hint=t.profile_time_zone_hint error=error/>
                    <datalist id="zones">{ZONES.iter().map(|z| view! { <option value=*z></option> }).collect_view()}</datalist>
                    <div class="row">
                        <button type="submit" class="button">{t.profile_save}</button>
                        <SaveStatus pending=pending saved=saved/>
                    </div>
                </div>
            </form>
        </section>
    }
}

#[component]
fn PasswordSection(has_password: bool) -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let error = action_error(action);
    let _ = has_password;
    let t = AccountsTexts::now();
    view! {
        <section class="card" aria-labelledby="pw-title">
            <h2 id="pw-title">{t.pw_title}</h2>
            <ActionForm action=action>
                <div class="form">
                    <FormError error=error fields=&["current_password", "new_password"]/>
                    <Field label=t.pw_current name="current_password" kind="password" autocomplete="current-password" error=error/>
                    <Field label=t.label_new_password name="new_password" kind="password" autocomplete="new-password" hint=t.pw_new_hint error=error/>
                    <div class="row">
                        <button type="submit" class="button" disabled=action.pending()>{t.pw_change}</button>
                        <span role="status" class="muted">
                            {move || matches!(action.value().get(), Some(Ok(()))).then_some(t.pw_changed)}
                        </span>
                    </div>
                </div>
            </ActionForm>
        </section>
    }
}

fn svg_data_url(svg: &str) -> String {
    let b64 = web_sys::window().and_then(|w| w.btoa(svg).ok()).unwrap_or_default();
    format!("data:image/svg+xml;base64,{b64}")
}

#[component]
fn TwoFactorSection(enabled: bool) -> impl IntoView {
    let auth = use_auth();
    let begin = ServerAction::<TotpBegin>::new();
    let confirm = ServerAction::<TotpConfirm>::new();
    let disable = ServerAction::<TotpDisable>::new();
    let confirm_error = action_error(confirm);
    let disable_error = action_error(disable);
    Effect::new(move |_| {
        if matches!(disable.value().get(), Some(Ok(()))) {
            auth.refresh();
        }
    });
    let codes = move || confirm.value().get().and_then(|r| r.ok());
    let t = AccountsTexts::now();

    view! {
        <section class="card" aria-labelledby="tf-title">
            <h2 id="tf-title">{t.tf_title}</h2>
            {move || {
                if let Some(list) = codes() {
                    return view! {
                        <div role="status">
                            <p><span class="badge ok">{t.tf_on}</span></p>
                            <p>{t.tf_save_codes}</p>
                            <ul class="codes" aria-label=t.tf_codes_label>{list.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}</ul>
                            <button type="button" class="button secondary" on:click=move |_| auth.refresh()>{t.tf_codes_saved}</button>
                        </div>
                    }.into_any();
                }
                if enabled {
                    return view! {
                        <p><span class="badge ok">{t.tf_on}</span>{t.tf_on_text}</p>
                        <details>
                            <summary>{t.tf_turn_off_summary}</summary>
                            <ActionForm action=disable>
                                <div class="form">
                                    <FormError error=disable_error fields=&["password", "code"]/>
                                    <Field label=t.label_password name="password" kind="password" autocomplete="current-password" error=disable_error/>
                                    <Field label=t.label_auth_code name="code" inputmode="numeric" autocomplete="one-time-code" error=disable_error/>
                                    <button type="submit" class="button secondary">{t.tf_turn_off}</button>
                                </div>
                            </ActionForm>
                        </details>
                    }.into_any();
                }
                match begin.value().get() {
                    Some(Ok(setup)) => view! {
                        <ol class="steps">
                            <li>{t.tf_scan}</li>
                        </ol>
                        <img class="qr" src=svg_data_url(&setup.qr_svg) alt=t.tf_qr_alt width="220" height="220"/>
                        <p>{t.tf_key} <code class="secret" data-testid="totp-secret">{setup.secret.clone()}</code></p>
                        <ActionForm action=confirm>
                            <div class="form">
                                <FormError error=confirm_error fields=&["code"]/>
                                <Field label=t.tf_app_code name="code" inputmode="numeric" autocomplete="one-time-code" error=confirm_error/>
                                <button type="submit" class="button">{t.tf_turn_on}</button>
                            </div>
                        </ActionForm>
                    }.into_any(),
                    Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                    None => view! {
                        <p class="muted">{t.tf_off_text}</p>
                        <button type="button" class="button" on:click=move |_| { begin.dispatch(TotpBegin {}); }>
                            {t.tf_set_up}
                        </button>
                    }.into_any(),
                }
            }}
        </section>
    }
}

#[component]
fn SessionsSection() -> impl IntoView {
    let auth = use_auth();
    let sessions = LocalResource::new(list_sessions);
    let revoke = ServerAction::<RevokeSession>::new();
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    Effect::new(move |_| {
        if revoke.version().get() > 0 {
            sessions.refetch();
        }
    });
    Effect::new(move |_| {
        if matches!(everywhere.value().get(), Some(Ok(_))) {
            auth.user.set(None);
        }
    });
    let t = AccountsTexts::now();
    view! {
        <section class="card" aria-labelledby="ss-title">
            <h2 id="ss-title">{t.ss_title}</h2>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(list) => view! {
                            <ul class="list">
                                {list.into_iter().map(|s| {
                                    let id = s.id.clone();
                                    let details = fill(t.ss_details, &[("ip", &s.ip), ("last", &format_time(s.last_seen_ms)), ("since", &format_time(s.created_at_ms))]);
                                    let sign_out_label = fill(t.ss_sign_out_of, &[("device", &s.device)]);
                                    view! {
                                        <li>
                                            <div>
                                                <strong>{s.device.clone()}</strong>
                                                {s.current.then(|| view! { " " <span class="badge ok">{t.ss_this_device}</span> })}
                                                <p class="muted small">{details}</p>
                                            </div>
                                            {(!s.current).then(|| view! {
                                                <button type="button" class="button secondary" aria-label=sign_out_label.clone() on:click=move |_| { revoke.dispatch(RevokeSession { session_id: id.clone() }); }>
                                                    {t.ss_sign_out}
                                                </button>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    }
                })}
            </Transition>
            <button type="button" class="button secondary" on:click=move |_| { everywhere.dispatch(SignOutEverywhere {}); }>
                {t.ss_everywhere}
            </button>
        </section>
    }
}

#[component]
fn SecurityLogSection() -> impl IntoView {
    let events = LocalResource::new(security_log);
    let t = AccountsTexts::now();
    view! {
        <section class="card" aria-labelledby="sl-title">
            <h2 id="sl-title">{t.sl_title}</h2>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match events.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">{t.sl_empty}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="list">
                                {list.into_iter().map(|e| view! {
                                    <li>
                                        <div>
                                            <strong>{e.describe()}</strong>
                                            <p class="muted small">{format!("{} · {} · {}", format_time(e.at_ms), e.device, e.ip)}</p>
                                        </div>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

// The signed-in devices and the security log, at the bottom of the page, are a chunk of
// their own that loads while the forms above show.
crate::lazy_view!(fn activity() as account_activity_part => view! {
    <SessionsSection/>
    <SecurityLogSection/>
});

crate::lazy_page!(AccountRoute, account_page, AccountPage);
