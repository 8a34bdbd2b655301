//! The page an invitation link opens: who invited you to what, then accept or decline.
//! Signed out, it explains how to continue and remembers the link for after sign-in.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::{forget_pending_invitation, remember_pending_invitation, use_workspaces};
use crate::accounts::ui::use_auth;
use crate::shell::{format_time, ErrorNote, FormError, Loading};
use crate::workspaces::api::{preview_invitation, AcceptInvitation, DeclineInvitation};

#[component]
pub fn InvitationPage() -> impl IntoView {
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
            <h1 id="inv-title">"Invitation"</h1>
            <Show when=move || !declined() fallback=|| view! {
                <div class="card" role="status"><p>"You declined the invitation. Nothing else happens."</p><p><A href="/">"Go to the start"</A></p></div>
            }>
                <Transition fallback=|| view! { <Loading label="Opening the invitation…"/> }>
                    {
                        move || {
                            let token = token.get_value();
                            Suspend::new(async move {
                                match preview.await {
                                    Err(e) => {
                                        forget_pending_invitation();
                                        view! { <ErrorNote error=e/> <p><A href="/">"Go to the start"</A></p> }.into_any()
                                    }
                                    Ok(p) => {
                                        let signed_in = auth.user.get_untracked().is_some();
                                        if !signed_in {
                                            remember_pending_invitation(&token);
                                        }
                                        let (t1, t2) = (token.clone(), token.clone());
                                        view! {
                                            <div class="card">
                                                <h2>{format!("Join {}", p.workspace_name)}</h2>
                                                <p>{format!("{} invited {} to join “{}” as {}.", p.invited_by, p.email, p.workspace_name, p.role.label().to_lowercase())}</p>
                                                <p class="muted small">{format!("{} This invitation expires {}.", p.role.describe(), format_time(p.expires_at_ms))}</p>
                                                {p.blocker.clone().map(|b| view! { <div class="notice" role="note"><p>{b}</p></div> })}
                                                <FormError error=accept_error/>
                                                <FormError error=decline_error/>
                                                <div class="row">
                                                    {if p.can_accept {
                                                        view! {
                                                            <button type="button" class="button" disabled=accept.pending() on:click=move |_| { accept.dispatch(AcceptInvitation { token: t1.clone() }); }>
                                                                "Accept and join"
                                                            </button>
                                                        }.into_any()
                                                    } else if !signed_in {
                                                        view! {
                                                            <A href=format!("/signup?email={}", urlencode(&p.email)) attr:class="button">"Create an account"</A>
                                                            <A href="/login" attr:class="button secondary">"Sign in"</A>
                                                        }.into_any()
                                                    } else {
                                                        ().into_any()
                                                    }}
                                                    <button type="button" class="button secondary" on:click=move |_| { decline.dispatch(DeclineInvitation { token: t2.clone() }); }>
                                                        "Decline"
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
