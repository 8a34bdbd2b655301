use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::use_auth;
use crate::accounts::api::{list_sessions, security_log, ChangePassword, RevokeSession, SignOutEverywhere, TotpBegin, TotpConfirm, TotpDisable};
use crate::offline::{outbox_form, ConflictPanel, DraftNotice, OutboxForm, SaveStatus};
use crate::accounts::{SessionUser, LOCALES};
use crate::shell::{action_error, format_time, ErrorNote, Field, FormError, Loading};

/// Common zones offered as suggestions; any IANA zone is accepted.
const ZONES: &[&str] = &[
    "UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Lisbon", "Africa/Lagos", "Africa/Nairobi",
    "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "America/New_York", "America/Chicago",
    "America/Denver", "America/Los_Angeles", "America/Sao_Paulo", "America/Mexico_City",
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
    view! {
        <section class="page" aria-labelledby="acc-title">
            <h1 id="acc-title">"Your account"</h1>
            {move || match auth.user.get() {
                None => view! { <Loading/> }.into_any(),
                Some(u) => view! {
                    <For each={let u = u.clone(); move || vec![u.clone()]} key=|u| u.version let:u>
                        <ProfileSection user=u/>
                    </For>
                    <PasswordSection has_password=true/>
                    <TwoFactorSection enabled=u.totp_enabled/>
                    <SessionsSection/>
                    <SecurityLogSection/>
                }.into_any(),
            }}
        </section>
    }
}

const PROFILE_FIELDS: &[(&str, &str)] = &[("name", "Name"), ("locale", "Language"), ("time_zone", "Time zone")];

/// The profile form. Like every editor, it saves through the offline outbox: it works
/// without a connection and never overwrites a change made on another device unasked.
#[component]
fn ProfileSection(user: SessionUser) -> impl IntoView {
    let auth = use_auth();
    let editor = outbox_form::<SessionUser>(
        format!("profile:{}", user.id),
        "Your profile",
        "update_profile",
        user.version,
        |u| u.version,
        move || auth.user.get_untracked().map(|u| u.version).unwrap_or(0),
        Callback::new(move |u: SessionUser| auth.user.set(Some(u))),
    );
    let OutboxForm { form: form_ref, restored, error, pending, saved, on_theirs, on_restore, .. } = editor.clone();
    let doc = editor.doc();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        editor.submit();
    };
    let locale = user.locale.clone();
    view! {
        <ConflictPanel doc=doc.clone() fields=PROFILE_FIELDS on_theirs=on_theirs on_restore=on_restore/>
        <section class="card" aria-labelledby="profile-title">
            <h2 id="profile-title">"Profile"</h2>
            <p class="muted">{format!("Signed in as {}", user.email)}</p>
            <DraftNotice restored=restored/>
            <form node_ref=form_ref on:submit=on_submit novalidate>
                <div class="form">
                    <input type="hidden" name="version" value=user.version.to_string()/>
                    <FormError error=error fields=&["name", "locale", "time_zone"]/>
                    <Field label="Name" name="name" autocomplete="name" value=user.name.clone() error=error/>
                    <div class="field">
                        <label for="field-locale">"Language"</label>
                        <select id="field-locale" name="locale" aria-describedby="field-locale-hint field-locale-msg">
                            {LOCALES.iter().map(|(code, label)| view! {
                                <option value=*code selected=locale == *code>{*label}</option>
                            }).collect_view()}
                        </select>
                        <p class="hint" id="field-locale-hint">"Saved with your profile. The interface is in English for now; other languages follow with the translations."</p>
                        <crate::shell::FieldMessage id="field-locale-msg" field="locale" error=error/>
                    </div>
                    <Field label="Time zone" name="time_zone" list="zones" value=user.time_zone.clone() hint="For example Europe/Paris or America/New_York." error=error/>
                    <datalist id="zones">{ZONES.iter().map(|z| view! { <option value=*z></option> }).collect_view()}</datalist>
                    <div class="row">
                        <button type="submit" class="button">"Save profile"</button>
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
    view! {
        <section class="card" aria-labelledby="pw-title">
            <h2 id="pw-title">"Password"</h2>
            <ActionForm action=action>
                <div class="form">
                    <FormError error=error fields=&["current_password", "new_password"]/>
                    <Field label="Current password" name="current_password" kind="password" autocomplete="current-password" error=error/>
                    <Field label="New password" name="new_password" kind="password" autocomplete="new-password" hint="At least 10 characters." error=error/>
                    <div class="row">
                        <button type="submit" class="button" disabled=action.pending()>"Change password"</button>
                        <span role="status" class="muted">
                            {move || matches!(action.value().get(), Some(Ok(()))).then_some("Password changed. Your other devices were signed out.")}
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

    view! {
        <section class="card" aria-labelledby="tf-title">
            <h2 id="tf-title">"Two-factor authentication"</h2>
            {move || {
                if let Some(list) = codes() {
                    return view! {
                        <div role="status">
                            <p><span class="badge ok">"On"</span></p>
                            <p>"Save these recovery codes somewhere safe. Each works once if you lose your phone. They are shown only now."</p>
                            <ul class="codes" aria-label="Recovery codes">{list.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}</ul>
                            <button type="button" class="button secondary" on:click=move |_| auth.refresh()>"I have saved them"</button>
                        </div>
                    }.into_any();
                }
                if enabled {
                    return view! {
                        <p><span class="badge ok">"On"</span>" Signing in asks for a code from your authenticator app."</p>
                        <details>
                            <summary>"Turn off two-factor authentication"</summary>
                            <ActionForm action=disable>
                                <div class="form">
                                    <FormError error=disable_error fields=&["password", "code"]/>
                                    <Field label="Password" name="password" kind="password" autocomplete="current-password" error=disable_error/>
                                    <Field label="Authentication code" name="code" inputmode="numeric" autocomplete="one-time-code" error=disable_error/>
                                    <button type="submit" class="button secondary">"Turn off"</button>
                                </div>
                            </ActionForm>
                        </details>
                    }.into_any();
                }
                match begin.value().get() {
                    Some(Ok(setup)) => view! {
                        <ol class="steps">
                            <li>"Scan this QR code with an authenticator app, or type the key."</li>
                        </ol>
                        <img class="qr" src=svg_data_url(&setup.qr_svg) alt="QR code for your authenticator app" width="220" height="220"/>
                        <p>"Key: " <code class="secret" data-testid="totp-secret">{setup.secret.clone()}</code></p>
                        <ActionForm action=confirm>
                            <div class="form">
                                <FormError error=confirm_error fields=&["code"]/>
                                <Field label="Code from the app" name="code" inputmode="numeric" autocomplete="one-time-code" error=confirm_error/>
                                <button type="submit" class="button">"Turn on"</button>
                            </div>
                        </ActionForm>
                    }.into_any(),
                    Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                    None => view! {
                        <p class="muted">"Off. Add a code from your phone to every sign-in."</p>
                        <button type="button" class="button" on:click=move |_| { begin.dispatch(TotpBegin {}); }>
                            "Set up two-factor authentication"
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
    view! {
        <section class="card" aria-labelledby="ss-title">
            <h2 id="ss-title">"Where you are signed in"</h2>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(list) => view! {
                            <ul class="list">
                                {list.into_iter().map(|s| {
                                    let id = s.id.clone();
                                    view! {
                                        <li>
                                            <div>
                                                <strong>{s.device.clone()}</strong>
                                                {s.current.then(|| view! { " " <span class="badge ok">"This device"</span> })}
                                                <p class="muted small">{format!("{} · last active {} · since {}", s.ip, format_time(s.last_seen_ms), format_time(s.created_at_ms))}</p>
                                            </div>
                                            {(!s.current).then(|| view! {
                                                <button type="button" class="button secondary" on:click=move |_| { revoke.dispatch(RevokeSession { session_id: id.clone() }); }>
                                                    "Sign out"
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
                "Sign out on all devices"
            </button>
        </section>
    }
}

#[component]
fn SecurityLogSection() -> impl IntoView {
    let events = LocalResource::new(security_log);
    view! {
        <section class="card" aria-labelledby="sl-title">
            <h2 id="sl-title">"Security log"</h2>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match events.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No events yet."</p> }.into_any(),
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
