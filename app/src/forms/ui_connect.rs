//! The form's "Share and connect" tab: its link and embed code, this month's count against
//! the plan, the members told of each submission, and (for those who manage the form) its
//! webhooks with their delivery log and "Send again".

use leptos::prelude::*;

use super::api::{add_form_webhook, delete_form_webhook, get_form_connect, resend_form_delivery, save_form_notify};
use super::texts::FormsConnectTexts;
use super::{Delivery, DeliveryState, FormConnect, Webhook};
use crate::error::AppError;
use crate::i18n::fill;
use crate::shell::{copy_text, format_time, ErrorNote, FieldMessage, Loading};

fn confirm(message: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(message).ok()).unwrap_or(false)
}

fn copy(text: String, done: RwSignal<bool>) {
    leptos::task::spawn_local(async move {
        if copy_text(&text).await {
            done.set(true);
        }
    });
}

/// The snippet that embeds the form at `url` in another site: an iframe, and the small
/// script that makes it as tall as the form.
pub fn embed_code(url: &str, title: &str) -> String {
    let origin = url.split("/f/").next().unwrap_or_default();
    let title = title.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
    format!(
        "<iframe src=\"{url}?embed=1\" title=\"{title}\" data-mewayz-form style=\"width:100%;border:0\" height=\"640\" loading=\"lazy\"></iframe>\n<script src=\"{origin}/f/-/embed.js\" async></script>"
    )
}

#[component]
pub fn Connect(workspace: String, form: String, title: Signal<String>, editable: bool) -> impl IntoView {
    let data: RwSignal<Option<Result<FormConnect, AppError>>> = RwSignal::new(None);
    let ids = StoredValue::new((workspace, form));
    let (w, f) = ids.get_value();
    leptos::task::spawn_local(async move { data.set(Some(get_form_connect(w, f).await)) });
    view! {
        {move || match data.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
            Some(Ok(c)) => view! {
                <Share c=c.clone() title=title/>
                <Notify c=c.clone() ids=ids editable=editable/>
                {c.webhooks.clone().map(|hooks| view! { <Webhooks hooks=hooks deliveries=c.deliveries.clone() ids=ids data=data/> })}
            }.into_any(),
        }}
    }
}

#[component]
fn Share(c: FormConnect, title: Signal<String>) -> impl IntoView {
    let t = FormsConnectTexts::now();
    let copied_link = RwSignal::new(false);
    let copied_embed = RwSignal::new(false);
    let url = c.url.clone();
    let (u1, u2) = (url.clone(), url.clone());
    let code = Signal::derive(move || embed_code(&u1, &title.get()));
    let usage = match c.month_limit {
        Some(limit) => fill(t.connect_month_of, &[("n", &c.month_used), ("limit", &limit)]),
        None => fill(t.connect_month, &[("n", &c.month_used)]),
    };
    view! {
        <section class="card" aria-labelledby="share-title">
            <h2 id="share-title">{t.connect_share}</h2>
            {(!c.published).then(|| view! { <p class="note" role="note">{t.connect_not_published}</p> })}
            <div class="field">
                <label for="share-link">{t.connect_link}</label>
                <div class="row">
                    <input id="share-link" type="url" readonly prop:value=url.clone()/>
                    <button type="button" class="button secondary" on:click=move |_| copy(u2.clone(), copied_link)>
                        {move || if copied_link.get() { t.connect_copied } else { t.connect_copy_link }}
                    </button>
                </div>
            </div>
            <div class="field">
                <label for="share-embed">{t.connect_embed}</label>
                <textarea id="share-embed" rows="4" readonly aria-describedby="share-embed-hint" prop:value=code></textarea>
                <p class="hint" id="share-embed-hint">{t.connect_embed_hint}</p>
                <button type="button" class="button secondary" on:click=move |_| copy(code.get_untracked(), copied_embed)>
                    {move || if copied_embed.get() { t.connect_copied } else { t.connect_copy_embed }}
                </button>
            </div>
            <p class="muted">{usage}</p>
        </section>
    }
}

#[component]
fn Notify(c: FormConnect, ids: StoredValue<(String, String)>, editable: bool) -> impl IntoView {
    let t = FormsConnectTexts::now();
    let chosen = RwSignal::new(c.notify.clone());
    let email = RwSignal::new(c.email);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (w, f) = ids.get_value();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match save_form_notify(w, f, chosen.get_untracked(), email.get_untracked()).await {
                Ok(c) => {
                    error.set(None);
                    chosen.set(c.notify.clone());
                    email.set(c.email);
                    saved.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let errors = Signal::derive(move || error.get());
    let members = c.members.clone();
    view! {
        <section class="card" aria-labelledby="notify-title">
            <h2 id="notify-title">{t.connect_notify}</h2>
            <form class="form" on:submit=on_submit>
                <fieldset disabled=!editable aria-describedby="notify-msg">
                    <legend>{t.connect_notify_who}</legend>
                    {if members.is_empty() {
                        view! { <p class="muted">{t.connect_notify_no_members}</p> }.into_any()
                    } else {
                        members.into_iter().map(|m| {
                            let id = m.user_id.clone();
                            let (id1, id2) = (id.clone(), id.clone());
                            let input_id = format!("notify-{id}");
                            view! {
                                <div class="check">
                                    <input type="checkbox" id=input_id.clone()
                                        prop:checked=move || chosen.with(|c| c.contains(&id1))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            saved.set(false);
                                            chosen.update(|c| {
                                                c.retain(|x| x != &id2);
                                                if on { c.push(id2.clone()); }
                                            });
                                        }/>
                                    <label for=input_id>{m.name}" "<span class="muted">{format!("({})", m.email)}</span></label>
                                </div>
                            }
                        }).collect_view().into_any()
                    }}
                    <FieldMessage id="notify-msg" field="notify" error=errors/>
                    <div class="check">
                        <input type="checkbox" id="notify-email" disabled=!c.email_configured aria-describedby="notify-email-hint"
                            prop:checked=email on:change=move |ev| { saved.set(false); email.set(event_target_checked(&ev)) }/>
                        <label for="notify-email">{t.connect_notify_email}</label>
                    </div>
                    <p class="hint" id="notify-email-hint">{if c.email_configured { t.connect_notify_email_hint } else { t.connect_no_smtp }}</p>
                </fieldset>
                {move || error.get().filter(|e| e.field_message("notify").is_none()).map(|e| view! { <ErrorNote error=e/> })}
                {editable.then(|| view! {
                    <div class="row">
                        <button type="submit" class="button" disabled=move || busy.get()>{t.connect_notify_save}</button>
                        <span role="status" class="muted">{move || saved.get().then_some(t.connect_saved)}</span>
                    </div>
                })}
            </form>
        </section>
    }
}

fn state_badge(d: &Delivery) -> impl IntoView {
    let t = FormsConnectTexts::now();
    match d.state {
        DeliveryState::Delivered => view! { <span class="badge ok">{t.delivery_delivered}</span> }.into_any(),
        DeliveryState::Pending if d.attempts.is_empty() => view! { <span class="badge">{t.delivery_queued}</span> }.into_any(),
        DeliveryState::Pending => view! { <span class="badge warn">{t.delivery_retrying}</span> }.into_any(),
        DeliveryState::Failed => view! { <span class="badge danger">{t.delivery_failed}</span> }.into_any(),
    }
}

fn last_answer(d: &Delivery) -> String {
    let t = FormsConnectTexts::now();
    match d.attempts.last() {
        None => String::new(),
        Some(a) => {
            let what = match (a.status, a.error.is_empty()) {
                (Some(s), _) => format!("HTTP {s}"),
                (None, false) => a.error.clone(),
                (None, true) => String::new(),
            };
            fill(t.delivery_answer, &[("what", &what), ("ms", &a.ms)])
        }
    }
}

#[component]
fn Webhooks(
    hooks: Vec<Webhook>,
    deliveries: Vec<Delivery>,
    ids: StoredValue<(String, String)>,
    data: RwSignal<Option<Result<FormConnect, AppError>>>,
) -> impl IntoView {
    let t = FormsConnectTexts::now();
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let url = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let done = move |r: Result<FormConnect, AppError>| match r {
        Ok(c) => data.set(Some(Ok(c))),
        Err(e) => {
            error.set(Some(e));
            busy.set(false);
        }
    };
    let on_add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (w, f) = ids.get_value();
        busy.set(true);
        leptos::task::spawn_local(async move { done(add_form_webhook(w, f, url.get_untracked()).await) });
    };
    let remove = move |hook: String| {
        if !confirm(FormsConnectTexts::now().webhook_remove_confirm) {
            return;
        }
        let (w, f) = ids.get_value();
        leptos::task::spawn_local(async move { done(delete_form_webhook(w, f, hook).await) });
    };
    let resend = move |delivery: String| {
        let (w, f) = ids.get_value();
        leptos::task::spawn_local(async move { done(resend_form_delivery(w, f, delivery).await) });
    };
    let refresh = move |_| {
        let (w, f) = ids.get_value();
        leptos::task::spawn_local(async move { done(get_form_connect(w, f).await) });
    };
    let errors = Signal::derive(move || error.get());
    let urls: std::collections::HashMap<String, String> = hooks.iter().map(|h| (h.id.clone(), h.url.clone())).collect();
    view! {
        <section class="card" aria-labelledby="hooks-title">
            <h2 id="hooks-title">{t.webhooks_title}</h2>
            <p class="muted">{t.webhooks_intro}</p>
            {if hooks.is_empty() {
                view! { <p class="muted">{t.webhooks_none}</p> }.into_any()
            } else {
                view! {
                    <ul class="hook-list">
                        {hooks.into_iter().map(|h| {
                            let id = h.id.clone();
                            view! {
                                <li>
                                    <div class="row spread">
                                        <code class="hook-url">{h.url.clone()}</code>
                                        <button type="button" class="button danger compact" aria-label=fill(t.webhook_remove_named, &[("url", &h.url)])
                                            on:click=move |_| remove(id.clone())>{t.webhook_remove}</button>
                                    </div>
                                    <details>
                                        <summary>{t.webhook_secret}</summary>
                                        <code class="secret">{h.secret}</code>
                                    </details>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form class="form" on:submit=on_add>
                <div class="field">
                    <label for="field-url">{t.webhook_url}</label>
                    <input id="field-url" name="url" type="url" inputmode="url" placeholder="https://" maxlength="2000"
                        aria-invalid=move || error.get().and_then(|e| e.field_message("url")).is_some().to_string()
                        aria-describedby="field-url-msg"
                        prop:value=url on:input=move |ev| url.set(event_target_value(&ev))/>
                    <FieldMessage id="field-url-msg" field="url" error=errors/>
                </div>
                {move || error.get().filter(|e| e.field_message("url").is_none()).map(|e| view! { <ErrorNote error=e/> })}
                <button type="submit" class="button" disabled=move || busy.get()>{t.webhook_add}</button>
            </form>
            <div class="row spread">
                <h3 id="deliveries-title">{t.deliveries_title}</h3>
                <button type="button" class="button secondary compact" on:click=refresh>{t.deliveries_refresh}</button>
            </div>
            {if deliveries.is_empty() {
                view! { <div class="empty-state"><p class="muted">{t.deliveries_none}</p></div> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table aria-labelledby="deliveries-title">
                            <thead><tr>
                                <th scope="col">{t.deliveries_when}</th>
                                <th scope="col">{t.webhook_url}</th>
                                <th scope="col">{t.deliveries_state}</th>
                                <th scope="col">{t.deliveries_tries}</th>
                                <th scope="col">{t.deliveries_last}</th>
                                <th scope="col"><span class="sr-only">{t.subs_actions}</span></th>
                            </tr></thead>
                            <tbody>
                                {deliveries.into_iter().map(|d| {
                                    let id = d.id.clone();
                                    let can_resend = urls.contains_key(&d.hook_id) && d.state != DeliveryState::Pending;
                                    view! {
                                        <tr>
                                            <td>{format_time(d.created_at)}</td>
                                            <td><code class="hook-url">{d.url.clone()}</code></td>
                                            <td>{state_badge(&d)}</td>
                                            <td>{d.attempts.len()}</td>
                                            <td>{last_answer(&d)}</td>
                                            <td>{can_resend.then(|| view! {
                                                <button type="button" class="button secondary compact" on:click=move |_| resend(id.clone())>{t.delivery_resend}</button>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
