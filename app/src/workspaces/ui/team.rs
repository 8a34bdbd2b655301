//! The team: members and their roles, invitations, leaving, and transferring ownership.

use leptos::prelude::*;

use crate::workspaces::RoleText;

use super::setup::RoleSelect;
use super::{require_signed_in, use_workspaces, NoWorkspace, WorkspaceBar};
use crate::error::AppError;
use crate::i18n::fill;
use crate::shell::{format_time, ErrorNote, FormError, Loading};
use crate::workspaces::api::{
    list_invitations, list_members, ChangeMemberRole, InviteMember, LeaveWorkspace, RemoveMember, ResendInvitation, RevokeInvitation, TransferOwnership,
};
use crate::workspaces::texts::WorkspacesTexts;
use crate::workspaces::{Action, MemberInfo, PendingInvitation, WorkspaceRole};

fn confirm(message: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(message).ok()).unwrap_or(false)
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let _signed_in = require_signed_in();
    let t = WorkspacesTexts::now();
    let ws = use_workspaces();
    view! {
        <section class="page team-page" aria-labelledby="team-title">
            <WorkspaceBar/>
            <h1 id="team-title">{t.team_title}</h1>
            {move || match (ws.ready.get(), ws.current.get()) {
                (false, _) => view! { <Loading/> }.into_any(),
                (true, None) => view! { <NoWorkspace/> }.into_any(),
                (true, Some(id)) => view! { <Team workspace=id/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Team(workspace: String) -> impl IntoView {
    let ws = use_workspaces();
    let members: RwSignal<Option<Result<Vec<MemberInfo>, AppError>>> = RwSignal::new(None);
    let invitations: RwSignal<Option<Result<Vec<PendingInvitation>, AppError>>> = RwSignal::new(None);
    let can_invite = ws.can(crate::workspaces::AREA_TEAM, Action::Edit);
    {
        let id = workspace.clone();
        leptos::task::spawn_local(async move {
            members.set(Some(list_members(id.clone()).await));
            if can_invite {
                invitations.set(Some(list_invitations(id).await));
            }
        });
    }
    view! {
        <MembersSection workspace=workspace.clone() members=members/>
        {can_invite.then(|| view! {
            <InviteSection workspace=workspace.clone() invitations=invitations/>
            <InvitationsSection workspace=workspace.clone() invitations=invitations/>
        })}
        <LeaveSection workspace=workspace.clone()/>
    }
}

#[component]
fn MembersSection(workspace: String, members: RwSignal<Option<Result<Vec<MemberInfo>, AppError>>>) -> impl IntoView {
    let t = WorkspacesTexts::now();
    let ws = use_workspaces();
    let change = ServerAction::<ChangeMemberRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let transfer = ServerAction::<TransferOwnership>::new();
    for v in [change.value(), remove.value(), transfer.value()] {
        Effect::new(move |_| {
            if let Some(Ok(list)) = v.get() {
                members.set(Some(Ok(list)));
            }
        });
    }
    Effect::new(move |_| {
        if matches!(transfer.value().get(), Some(Ok(_))) {
            ws.refresh();
        }
    });
    let error = Signal::derive(move || {
        change
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| remove.value().get().and_then(|r| r.err()))
            .or_else(|| transfer.value().get().and_then(|r| r.err()))
    });
    let my_role = move || ws.role().unwrap_or(WorkspaceRole::Viewer);
    let manage = move || ws.can(crate::workspaces::AREA_TEAM, Action::Manage);
    view! {
        <section class="card" aria-labelledby="members-title">
            <h2 id="members-title">{t.team_members}</h2>
            <FormError error=error/>
            {move || match members.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="list members">
                        {list.into_iter().map(|m| {
                            let workspace = workspace.clone();
                            let can_change = manage() && !m.you && m.role != WorkspaceRole::Owner && m.role <= my_role();
                            let is_owner = my_role() == WorkspaceRole::Owner;
                            let select_id = format!("role-{}", m.user_id);
                            let (w1, w2, w3) = (workspace.clone(), workspace.clone(), workspace.clone());
                            let (u1, u2, u3) = (m.user_id.clone(), m.user_id.clone(), m.user_id.clone());
                            let name = m.name.clone();
                            let name2 = m.name.clone();
                            view! {
                                <li>
                                    <div>
                                        <strong>{m.name.clone()}</strong>
                                        {m.you.then(|| view! { " " <span class="badge ok">{t.team_you}</span> })}
                                        <p class="muted small">{fill(t.team_member_meta, &[("email", &m.email), ("time", &format_time(m.joined_at_ms))])}</p>
                                    </div>
                                    <div class="row">
                                        {if can_change {
                                            view! {
                                                <label class="sr-only" for=select_id.clone()>{fill(t.team_role_of, &[("name", &m.name)])}</label>
                                                <select id=select_id on:change=move |ev| {
                                                    change.dispatch(ChangeMemberRole { workspace: w1.clone(), member: u1.clone(), role: event_target_value(&ev) });
                                                }>
                                                    {WorkspaceRole::ASSIGNABLE.iter().filter(|r| **r <= my_role()).map(|r| view! {
                                                        <option value=r.as_str() selected=*r == m.role>{r.label()}</option>
                                                    }).collect_view()}
                                                </select>
                                                <button type="button" class="button secondary compact" on:click=move |_| {
                                                    if confirm(&fill(t.team_remove_confirm, &[("name", &name)])) {
                                                        remove.dispatch(RemoveMember { workspace: w2.clone(), member: u2.clone() });
                                                    }
                                                }>{fill(t.team_remove, &[("name", &m.name)])}</button>
                                            }.into_any()
                                        } else {
                                            view! { <span class="badge">{m.role.label()}</span> }.into_any()
                                        }}
                                        {(is_owner && !m.you).then(|| {
                                            let label = fill(t.team_make_owner_label, &[("name", &name2)]);
                                            view! {
                                                <button type="button" class="button secondary compact" aria-label=label on:click=move |_| {
                                                    if confirm(&fill(t.team_make_owner_confirm, &[("name", &name2)])) {
                                                        transfer.dispatch(TransferOwnership { workspace: w3.clone(), member: u3.clone() });
                                                    }
                                                }>{t.team_make_owner}</button>
                                            }
                                        })}
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn InviteSection(workspace: String, invitations: RwSignal<Option<Result<Vec<PendingInvitation>, AppError>>>) -> impl IntoView {
    let t = WorkspacesTexts::now();
    let invite = ServerAction::<InviteMember>::new();
    let error = Signal::derive(move || invite.value().get().and_then(|r| r.err()));
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let last_sent = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(list)) = invite.value().get() {
            last_sent.set(list.first().map(|i| i.email.clone()));
            invitations.set(Some(Ok(list)));
            if let Some(f) = form_ref.get() {
                f.reset();
            }
        }
    });
    view! {
        <section class="card" aria-labelledby="invite-title">
            <h2 id="invite-title">{t.team_invite_title}</h2>
            <ActionForm action=invite node_ref=form_ref>
                <div class="form">
                    <input type="hidden" name="workspace" value=workspace/>
                    <FormError error=error fields=&["email", "role"]/>
                    <crate::shell::Field label=t.email_label name="email" inputmode="email" error=error/>
                    <RoleSelect error=error/>
                    <div class="row">
                        <button type="submit" class="button" disabled=invite.pending()>{t.send_invitation}</button>
                        <span role="status" class="muted">{move || last_sent.get().map(|e| fill(t.team_invite_sent, &[("email", &e)]))}</span>
                    </div>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn InvitationsSection(workspace: String, invitations: RwSignal<Option<Result<Vec<PendingInvitation>, AppError>>>) -> impl IntoView {
    let t = WorkspacesTexts::now();
    let resend = ServerAction::<ResendInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    for v in [resend.value(), revoke.value()] {
        Effect::new(move |_| {
            if let Some(Ok(list)) = v.get() {
                invitations.set(Some(Ok(list)));
            }
        });
    }
    let error = Signal::derive(move || resend.value().get().and_then(|r| r.err()).or_else(|| revoke.value().get().and_then(|r| r.err())));
    view! {
        <section class="card" aria-labelledby="pending-title">
            <h2 id="pending-title">{t.team_pending_title}</h2>
            <FormError error=error/>
            {move || match invitations.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorNote error=e/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted">{t.team_pending_none}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="list invitations">
                        {list.into_iter().map(|i| {
                            let (w1, w2) = (workspace.clone(), workspace.clone());
                            let (i1, i2) = (i.id.clone(), i.id.clone());
                            let status = if i.expired { t.team_inv_expired.to_string() } else { fill(t.team_inv_expires, &[("time", &format_time(i.expires_at_ms))]) };
                            view! {
                                <li>
                                    <div>
                                        <strong>{i.email.clone()}</strong>
                                        " " <span class="badge">{i.role.label()}</span>
                                        <p class="muted small">{fill(t.team_inv_meta, &[("name", &i.invited_by), ("time", &format_time(i.sent_at_ms)), ("status", &status)])}</p>
                                    </div>
                                    <div class="row">
                                        <button type="button" class="button secondary compact" on:click=move |_| { resend.dispatch(ResendInvitation { workspace: w1.clone(), invitation: i1.clone() }); }>
                                            {fill(t.team_resend, &[("email", &i.email)])}
                                        </button>
                                        <button type="button" class="button secondary compact" on:click=move |_| { revoke.dispatch(RevokeInvitation { workspace: w2.clone(), invitation: i2.clone() }); }>
                                            {fill(t.team_withdraw, &[("email", &i.email)])}
                                        </button>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn LeaveSection(workspace: String) -> impl IntoView {
    let t = WorkspacesTexts::now();
    let ws = use_workspaces();
    let leave = ServerAction::<LeaveWorkspace>::new();
    let error = Signal::derive(move || leave.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if matches!(leave.value().get(), Some(Ok(()))) {
            ws.current.set(None);
            ws.reload_then_go("/");
        }
    });
    let owner = move || ws.role() == Some(WorkspaceRole::Owner);
    view! {
        <section class="card" aria-labelledby="leave-title">
            <h2 id="leave-title">{t.team_leave_title}</h2>
            {move || if owner() {
                view! { <p class="muted">{t.team_leave_owner}</p> }.into_any()
            } else {
                let id = workspace.clone();
                view! {
                    <p class="muted">{t.team_leave_text}</p>
                    <FormError error=error/>
                    <button type="button" class="button secondary" on:click=move |_| {
                        if confirm(t.team_leave_confirm) {
                            leave.dispatch(LeaveWorkspace { workspace: id.clone() });
                        }
                    }>{t.team_leave_button}</button>
                }.into_any()
            }}
        </section>
    }
}

crate::lazy_page!(TeamRoute, team_page, TeamPage);
