//! The page an invitation link opens: who invited you to what, then accept or decline.
//! Signed out, it explains how to continue and remembers the link for after sign-in.

use leptos::prelude::*;

use crate::workspaces::RoleText;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::{forget_pending_invitation, remember_pending_invitation, use_workspaces};
use crate::accounts::ui::use_auth;
use crate::i18n::fill;
use crate::shell::{format_time, ErrorNote, FormError, Loading};
use crate::workspaces::api::{preview_invitation, AcceptInvitation, DeclineInvitation};
use crate::workspaces::texts::WorkspacesTexts;

#[component]
pub fn InvitationPage() -> impl IntoView {
    let t = WorkspacesTexts::now();
    let auth = use_auth();
    let ws = use_workspaces();
    let query = use_query_map();
    let token = StoredValue::new(query.read_untracked().get("token").unwrap_or_default());
    // Asked again when the person signs in or out, since the answer depends on who it is.
    let preview = LocalResource::new(move || {
        let _ = auth.user.get();
        let t = token.get_value();
        async move { preview_invitation(t).await }
    });
    let accept = ServerAction::<AcceptInvitation>::new();
    let decline = ServerAction::<DeclineInvitation>::new();
    let accept_error = Signal::derive(move || accept.value().get().and_then(|r| r.err()));
    let decline_error = Signal::derive(move || decline.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(joined)) = accept.value().get() {
            forget_pending_invitation();
            ws.select(joined.workspace.id.clone());
            ws.reload_then_go("/");
        }
    });
    Effect::new(move |_| {
        if matches!(decline.value().get(), Some(Ok(()))) {
            forget_pending_invitation();
        }
    });
    let declined = move || matches!(decline.value().get(), Some(Ok(())));
    view! {
        <section class="page narrow" aria-labelledby="inv-title">
            <h1 id="inv-title">{t.inv_title}</h1>
            <Show when=move || !declined() fallback=move || view! {
                <div class="card" role="status"><p>{t.inv_declined_done}</p><p><A href="/">{t.inv_go_start}</A></p></div>
            }>
                <Transition fallback=move || view! { <Loading label=t.inv_opening/> }>
                    {
                        move || {
                            let token = token.get_value();
                            Suspend::new(async move {
                                match preview.await {
                                    Err(e) => {
                                        forget_pending_invitation();
                                        view! { <ErrorNote error=e/> <p><A href="/">{t.inv_go_start}</A></p> }.into_any()
                                    }
                                    Ok(p) => {
                                        let signed_in = auth.user.get_untracked().is_some();
                                        if !signed_in {
                                            remember_pending_invitation(&token);
                                        }
                                        let (t1, t2) = (token.clone(), token.clone());
                                        view! {
                                            <div class="card">
                                                <h2>{fill(t.inv_join, &[("workspace", &p.workspace_name)])}</h2>
                                                <p>{fill(t.inv_sentence, &[("inviter", &p.invited_by), ("email", &p.email), ("workspace", &p.workspace_name), ("role", &p.role.label().to_lowercase())])}</p>
                                                <p class="muted small">{fill(t.inv_expires, &[("description", &p.role.describe()), ("time", &format_time(p.expires_at_ms))])}</p>
                                                {p.blocker.clone().map(|b| view! { <div class="notice" role="note"><p>{b}</p></div> })}
                                                <FormError error=accept_error/>
                                                <FormError error=decline_error/>
                                                <div class="row">
                                                    {if p.can_accept {
                                                        view! {
                                                            <button type="button" class="button" disabled=accept.pending() on:click=move |_| { accept.dispatch(AcceptInvitation { token: t1.clone() }); }>
                                                                {t.inv_accept}
                                                            </button>
                                                        }.into_any()
                                                    } else if !signed_in {
                                                        view! {
                                                            <A href=format!("/signup?email={}", urlencode(&p.email)) attr:class="button">{t.inv_create_account}</A>
                                                            <A href="/login" attr:class="button secondary">{t.inv_sign_in}</A>
                                                        }.into_any()
                                                    } else {
                                                        ().into_any()
                                                    }}
                                                    <button type="button" class="button secondary" on:click=move |_| { decline.dispatch(DeclineInvitation { token: t2.clone() }); }>
                                                        {t.inv_decline}
                                                    </button>
                                                </div>
                                            </div>
                                        }.into_any()
                                    }
                                }
                            })
                        }
                    }
                </Transition>
            </Show>
        </section>
    }
}

/// Percent-encodes a value for a query string.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

crate::lazy_page!(InvitationRoute, invitation_page, InvitationPage);
