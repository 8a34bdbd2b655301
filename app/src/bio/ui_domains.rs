//! The custom-domains panel of a bio page: connect a domain, see the exact TXT record to
//! create, check DNS now, remove.

use leptos::prelude::*;

use crate::bio::api::{AddBioDomain, RemoveBioDomain, VerifyBioDomain};
use crate::bio::texts::BioTexts;
use crate::bio::{txt_record_name, BioPage, CustomDomain};
use crate::error::AppError;
use crate::shell::{format_time, ErrorNote, FieldMessage, FormError};

#[component]
pub fn DomainsPanel(workspace: String, page: String, domains: Vec<CustomDomain>, on_change: Callback<BioPage>) -> impl IntoView {
    let t = BioTexts::now();
    let add = ServerAction::<AddBioDomain>::new();
    let verify = ServerAction::<VerifyBioDomain>::new();
    let remove = ServerAction::<RemoveBioDomain>::new();
    let list = RwSignal::new(domains);
    let add_error = Signal::derive(move || add.value().get().and_then(|r| r.err()));
    let row_error = RwSignal::new(None::<AppError>);
    let input = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    for (action_value, what) in [(add.value(), "connected"), (verify.value(), "checked"), (remove.value(), "removed")] {
        Effect::new(move |_| match action_value.get() {
            Some(Ok(p)) => {
                list.set(p.domains.clone());
                row_error.set(None);
                if what == "connected" {
                    input.set(String::new());
                }
                status.set(
                    match what {
                        "connected" => t.domains_connected,
                        "checked" => t.domains_checked,
                        _ => t.domains_removed,
                    }
                    .to_string(),
                );
                on_change.run(p);
            }
            Some(Err(e)) if what != "connected" => row_error.set(Some(e)),
            _ => {}
        });
    }
    let (ws, pg) = (StoredValue::new(workspace), StoredValue::new(page));
    let connect = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        add.dispatch(AddBioDomain { workspace: ws.get_value(), page: pg.get_value(), domain: input.get_untracked() });
    };
    let invalid = move || if add_error.get().and_then(|e| e.field_message("domain")).is_some() { "true" } else { "false" };
    view! {
        <section class="card bio-domains" aria-labelledby="bio-domains-title">
            <h2 id="bio-domains-title">{t.domains_title}</h2>
            <p class="muted small">{t.domains_lead}</p>
            <form on:submit=connect novalidate>
                <div class="form">
                    <FormError error=add_error fields=&["domain"]/>
                    <div class="field">
                        <label for="bio-domain-input">{t.domains_label}</label>
                        <div class="bio-domain-row">
                            <input id="bio-domain-input" name="domain" type="text" inputmode="url" autocomplete="off" spellcheck="false"
                                placeholder="links.example.com"
                                aria-invalid=invalid aria-describedby="bio-domain-hint bio-domain-msg"
                                prop:value=move || input.get()
                                on:input=move |ev| input.set(event_target_value(&ev))/>
                            <button type="submit" class="button" disabled=add.pending()>{t.domains_connect}</button>
                        </div>
                        <p class="hint" id="bio-domain-hint">{t.domains_hint}</p>
                        <FieldMessage id="bio-domain-msg" field="domain" error=add_error/>
                    </div>
                </div>
            </form>
            <p class="sr-only" role="status" aria-live="polite">{move || status.get()}</p>
            {move || row_error.get().map(|e| view! { <ErrorNote error=e/> })}
            <ul class="bio-domain-list">
                <For each=move || list.get() key=|d| (d.domain.clone(), d.verified, d.last_error.clone()) let:d>
                    {
                        let name = txt_record_name(&d.domain);
                        let (d1, d2) = (d.domain.clone(), d.domain.clone());
                        let check_label = crate::i18n::fill(t.domains_check_for, &[("domain", &d.domain)]);
                        let remove_label = crate::i18n::fill(t.domains_remove_named, &[("domain", &d.domain)]);
                        view! {
                            <li class="bio-domain">
                                <div class="bio-domain-head">
                                    <strong class="bio-domain-name">{d.domain.clone()}</strong>
                                    {if d.verified {
                                        view! { <span class="badge badge-ok">{t.domains_verified}</span> }.into_any()
                                    } else {
                                        view! { <span class="badge badge-wait">{t.domains_waiting}</span> }.into_any()
                                    }}
                                </div>
                                {d.verified_at.filter(|_| d.verified).map(|at| view! { <p class="muted small">{crate::i18n::fill(t.domains_verified_at, &[("time", &format_time(at))])}</p> })}
                                {d.last_error.clone().filter(|_| !d.verified).map(|e| view! { <p class="bio-domain-error">{e}</p> })}
                                {d.expires_at.filter(|_| !d.verified && !d.taken).map(|at| view! { <p class="muted small">{crate::i18n::fill(t.dns_claim_expires, &[("time", &format_time(at))])}</p> })}
                                {(!d.verified).then(|| view! {
                                    <p class="small">{t.domains_instructions}</p>
                                    <dl class="bio-txt">
                                        <dt>{t.domains_type}</dt><dd><code>"TXT"</code></dd>
                                        <dt>{t.domains_name}</dt><dd><code class="copyable">{name.clone()}</code></dd>
                                        <dt>{t.domains_value}</dt><dd><code class="copyable">{d.token.clone()}</code></dd>
                                    </dl>
                                })}
                                <div class="row">
                                    <button type="button" class="button secondary small" aria-label=check_label disabled=verify.pending()
                                        on:click=move |_| { verify.dispatch(VerifyBioDomain { workspace: ws.get_value(), page: pg.get_value(), domain: d1.clone() }); }>
                                        {t.domains_check}
                                    </button>
                                    <button type="button" class="button danger small" aria-label=remove_label disabled=remove.pending()
                                        on:click=move |_| { remove.dispatch(RemoveBioDomain { workspace: ws.get_value(), page: pg.get_value(), domain: d2.clone() }); }>
                                        {t.domains_remove}
                                    </button>
                                </div>
                            </li>
                        }
                    }
                </For>
            </ul>
            <Show when=move || list.with(|l| l.is_empty())>
                <p class="muted small">{t.domains_none}</p>
            </Show>
        </section>
    }
}
